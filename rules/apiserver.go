package rules

// Where the API server is configured: the one helper the control-plane
// rules (TL5xx) read, as the pod-spec helper is for workloads. Each form
// names the kube-apiserver flags its own way; apiServers reads them all
// into flags, each with the field path (and, in a script, the line) where
// it is written.

import (
	"fmt"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"mvdan.cc/sh/v3/syntax"

	"github.com/tokenlint/tokenlint/analyzer"
)

// apiServerForm is how an object configures the API server.
type apiServerForm int

const (
	// formPod is a container running kube-apiserver: a static pod of
	// /etc/kubernetes/manifests, or a hosted control plane's Deployment.
	// It sets nothing by itself: every flag is written, or absent.
	formPod apiServerForm = iota + 1
	// formKubeadm is kubeadm's ClusterConfiguration; kubeadm supplies the
	// issuer and the signing key when extraArgs does not.
	formKubeadm
	// formClusterAPI is Cluster API's KubeadmControlPlane (and its
	// template, and KubeadmConfig), which embeds kubeadm's configuration.
	formClusterAPI
	// formKops is a kops Cluster's spec.kubeAPIServer; kops supplies the
	// issuer and keys.
	formKops
	// formOpenShift is OpenShift's cluster Authentication, whose operator
	// runs the API server with every other flag.
	formOpenShift
)

// apiServer is one API server configuration that an object makes, read for
// its token settings.
type apiServer struct {
	form apiServerForm
	// path is the field path of the configuration: the container, kubeadm's
	// apiServer mapping, kops's spec.kubeAPIServer, OpenShift's spec.
	// Findings about a flag it lacks point at at (at its line atLine, when
	// not negative: the line of a script that runs kube-apiserver).
	path, at string
	atLine   int
	// what names it in messages: `kube-apiserver in container "x"`.
	what string
	// flags are the kube-apiserver flags it sets, by name (without the
	// dashes), each value as and where written, in order.
	flags map[string][]flagValue
	// opaque is set when some flags cannot be read: an argument filled
	// from $(VAR), a script's word that expands a variable. Nothing is
	// then said about the flags it lacks.
	opaque bool
	// dnsDomain is kubeadm's networking.dnsDomain, for its default issuer.
	dnsDomain string
}

// flagValue is one value of a flag as written.
type flagValue struct {
	value string
	// path is the field of the value; line, when not negative, is the
	// value's line within the script string at path.
	path string
	line int
	// known is false when the value expands a variable ($(VAR) in a
	// container's arguments, $X in a script): it is not what it says.
	known bool
}

// report reports a finding at the value.
func (v flagValue) report(p *analyzer.Pass, format string, args ...any) {
	if v.line >= 0 {
		p.ReportLine(v.path, v.line, format, args...)
		return
	}
	p.Report(v.path, format, args...)
}

// report reports a finding about the configuration as a whole, such as a
// flag it lacks.
func (a *apiServer) report(p *analyzer.Pass, format string, args ...any) {
	flagValue{path: a.at, line: a.atLine}.report(p, format, args...)
}

// The kube-apiserver flags the token rules read.
const (
	flagIssuer          = "service-account-issuer"
	flagSigningKey      = "service-account-signing-key-file"
	flagKeyFile         = "service-account-key-file"
	flagAudiences       = "api-audiences"
	flagMaxExpiration   = "service-account-max-token-expiration"
	flagExtendExpiry    = "service-account-extend-token-expiration"
	flagJWKSURI         = "service-account-jwks-uri"
	kubeadmDefaultKey   = "/etc/kubernetes/pki/sa.key"
	kubeadmDefaultIssue = "https://kubernetes.default.svc."
)

// apiServerKinds are the kinds apiServers reads, besides workloads.
var apiServerKinds = map[string]string{
	"ClusterConfiguration":        "kubeadm.k8s.io",
	"KubeadmControlPlane":         "controlplane.cluster.x-k8s.io",
	"KubeadmControlPlaneTemplate": "controlplane.cluster.x-k8s.io",
	"KubeadmConfig":               "bootstrap.cluster.x-k8s.io",
	"Cluster":                     "kops.k8s.io",
	"Authentication":              "config.openshift.io",
}

// apiServers lists the API server configurations the object makes.
func apiServers(o *analyzer.Object) []apiServer {
	if group, ok := apiServerKinds[o.Kind]; ok && o.Group() == group {
		switch o.Kind {
		case "ClusterConfiguration":
			return kubeadmAPIServer(o, "", formKubeadm, "kubeadm ClusterConfiguration")
		case "KubeadmControlPlane":
			return kubeadmAPIServer(o, "spec.kubeadmConfigSpec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmControlPlane %q", o.Name))
		case "KubeadmControlPlaneTemplate":
			return kubeadmAPIServer(o, "spec.template.spec.kubeadmConfigSpec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmControlPlaneTemplate %q", o.Name))
		case "KubeadmConfig":
			return kubeadmAPIServer(o, "spec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmConfig %q", o.Name))
		case "Cluster":
			return kopsAPIServer(o)
		case "Authentication":
			return openShiftAPIServer(o)
		}
	}
	ps, ok := o.PodSpec()
	if !ok {
		return nil
	}
	var out []apiServer
	for i, c := range ps.Spec.Containers {
		at := fmt.Sprintf("%s.containers[%d]", ps.Path, i)
		var args []flagValue
		for j, s := range c.Command {
			args = append(args, argValue(s, analyzer.IndexPath(at+".command", j)))
		}
		for j, s := range c.Args {
			args = append(args, argValue(s, analyzer.IndexPath(at+".args", j)))
		}
		a := apiServer{atLine: -1, form: formPod, path: at, what: fmt.Sprintf("kube-apiserver in container %q", c.Name), flags: map[string][]flagValue{}}
		if start, ok := apiServerStart(args, c.Image, len(c.Command)); ok {
			a.at = args[max(start-1, 0)].path
			a.readFlags(args[start:])
			out = append(out, a)
		} else if script, ok := apiServerScript(args); ok {
			a.at = script.path
			if a.readScript(script) {
				out = append(out, a)
			}
		}
	}
	return out
}

// argValue is a container's argument; $(VAR) is expanded by the kubelet.
func argValue(s, at string) flagValue {
	return flagValue{value: s, path: at, line: -1, known: !strings.Contains(s, "$(")}
}

// apiServerStart is where kube-apiserver's flags start in a container's
// command and arguments: after a word naming kube-apiserver (the binary
// itself, or after /go-runner's or hyperkube's words), or from the first
// argument of a kube-apiserver image run without a command. ok is false
// for a container that does not run it.
func apiServerStart(args []flagValue, image string, commands int) (int, bool) {
	for i, a := range args {
		switch path.Base(a.value) {
		case "kube-apiserver":
			return i + 1, true
		case "hyperkube":
			if i+1 < len(args) && (args[i+1].value == "kube-apiserver" || args[i+1].value == "apiserver") {
				return i + 2, true
			}
		}
	}
	name := image[strings.LastIndexByte(image, '/')+1:]
	if commands == 0 && strings.HasPrefix(name, "kube-apiserver") && len(args) > 0 && strings.HasPrefix(args[0].value, "--") {
		return 0, true
	}
	return 0, false
}

// apiServerScript is the script of a container that runs kube-apiserver
// from a shell: `sh -c "exec /usr/local/bin/kube-apiserver --flag=…"`.
func apiServerScript(args []flagValue) (flagValue, bool) {
	for i := 0; i+2 < len(args); i++ {
		if isShell(args[i].value) && args[i+1].value == "-c" && strings.Contains(args[i+2].value, "kube-apiserver") {
			return args[i+2], true
		}
	}
	return flagValue{}, false
}

func isShell(s string) bool {
	switch path.Base(s) {
	case "sh", "bash", "ash", "dash":
		return true
	}
	return false
}

// readFlags reads kube-apiserver's command line: "--flag=value", "--flag
// value", a boolean "--flag" alone, and "_" for "-" in names, as the API
// server's flag parser reads them. A bare "--" ends the flags.
func (a *apiServer) readFlags(args []flagValue) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg.value, "$(") {
			a.opaque = true
		}
		if !strings.HasPrefix(arg.value, "--") {
			continue
		}
		if arg.value == "--" {
			return
		}
		name, value, hasValue := strings.Cut(arg.value[2:], "=")
		name = strings.ReplaceAll(name, "_", "-")
		v := arg
		v.value = value
		switch {
		case hasValue:
		case booleanFlags[name]:
			v.value = "true"
		case i+1 < len(args) && !strings.HasPrefix(args[i+1].value, "-"):
			i++
			v = args[i]
		}
		a.flags[name] = append(a.flags[name], v)
	}
}

// booleanFlags are the kube-apiserver flags that take no separate value:
// "--flag x" is the flag, then an argument.
var booleanFlags = map[string]bool{
	flagExtendExpiry: true, "service-account-lookup": true, "allow-privileged": true, "anonymous-auth": true,
	"enable-bootstrap-token-auth": true, "enable-aggregator-routing": true, "profiling": true,
	"enable-garbage-collector": true, "enable-priority-and-fairness": true, "contention-profiling": true,
	"audit-log-compress": true, "logtostderr": true, "alsologtostderr": true, "enable-logs-handler": true,
	"kubelet-https": true, "also-stdout": true,
}

// readScript reads the flags of a script's kube-apiserver command, each
// at its line of the script. ok is false when no command of the script
// runs kube-apiserver.
func (a *apiServer) readScript(script flagValue) (ok bool) {
	f, parsed := parseScript(script.value)
	if !parsed {
		return false
	}
	sh := &shellRun{}
	syntax.Walk(f, func(n syntax.Node) bool {
		c, isCall := n.(*syntax.CallExpr)
		if !isCall || ok {
			return !ok
		}
		words := c.Args
		for len(words) > 0 && sh.str(words[0]) == "exec" {
			words = words[1:]
		}
		if len(words) == 0 || path.Base(sh.str(words[0])) != "kube-apiserver" {
			return true
		}
		ok = true
		a.atLine = int(words[0].Pos().Line()) - 1
		var args []flagValue
		for _, w := range words[1:] {
			s, known := sh.literal(w)
			args = append(args, flagValue{value: s, path: script.path, line: int(w.Pos().Line()) - 1, known: known && script.known})
			if !known && !strings.Contains(sh.str(w), "=") {
				a.opaque = true // "$FLAGS" may be any flags
			}
		}
		a.readFlags(args)
		return false
	})
	return ok
}

// kubeadmAPIServer reads kubeadm's ClusterConfiguration at prefix:
// apiServer.extraArgs as v1beta3 writes it (a map) or as v1beta4 and
// Cluster API v1beta2 do (a list of name and value, where a name may
// repeat).
func kubeadmAPIServer(o *analyzer.Object, prefix string, form apiServerForm, what string) []apiServer {
	at := analyzer.JoinPath(prefix, "apiServer")
	if prefix != "" {
		if v, ok := o.Lookup(prefix); !ok || v == nil {
			return nil
		}
	}
	a := apiServer{atLine: -1, form: form, path: at, at: at, what: what, flags: map[string][]flagValue{}, dnsDomain: "cluster.local"}
	if d, ok := lookupString(o, analyzer.JoinPath(prefix, "networking.dnsDomain")); ok && d != "" {
		a.dnsDomain = d
	}
	args := at + ".extraArgs"
	raw, _ := o.Lookup(args)
	switch m := raw.(type) {
	case map[string]any:
		for _, name := range slices.Sorted(maps.Keys(m)) {
			a.set(name, m[name], analyzer.JoinPath(args, name))
		}
	case []any:
		for i, e := range m {
			item, _ := e.(map[string]any)
			name, _ := item["name"].(string)
			if name != "" {
				a.set(name, item["value"], analyzer.IndexPath(args, i)+".value")
			}
		}
	}
	return []apiServer{a}
}

// kopsFields are the kops Cluster's spec.kubeAPIServer fields of the
// token flags.
var kopsFields = map[string]string{
	"serviceAccountIssuer":            flagIssuer,
	"additionalServiceAccountIssuers": flagIssuer,
	"serviceAccountSigningKeyFile":    flagSigningKey,
	"serviceAccountKeyFile":           flagKeyFile,
	"serviceAccountJWKSURI":           flagJWKSURI,
	"apiAudiences":                    flagAudiences,
}

// kopsAPIServer reads a kops Cluster's spec.kubeAPIServer. Its issuer
// comes first: kops adds the additional issuers after it.
func kopsAPIServer(o *analyzer.Object) []apiServer {
	const at = "spec.kubeAPIServer"
	a := apiServer{atLine: -1, form: formKops, path: at, at: at, what: fmt.Sprintf("kops Cluster %q", o.Name), flags: map[string][]flagValue{}}
	m, _ := mustLookup(o, at).(map[string]any)
	for _, field := range []string{"serviceAccountIssuer", "additionalServiceAccountIssuers", "serviceAccountSigningKeyFile", "serviceAccountKeyFile", "serviceAccountJWKSURI", "apiAudiences"} {
		v, ok := m[field]
		if !ok {
			continue
		}
		p := analyzer.JoinPath(at, field)
		if l, isList := v.([]any); isList {
			for i, e := range l {
				a.set(kopsFields[field], e, analyzer.IndexPath(p, i))
			}
			continue
		}
		a.set(kopsFields[field], v, p)
	}
	return []apiServer{a}
}

// openShiftAPIServer reads OpenShift's Authentication: its issuer, empty
// for the default https://kubernetes.default.svc.
func openShiftAPIServer(o *analyzer.Object) []apiServer {
	a := apiServer{atLine: -1, form: formOpenShift, path: "spec", at: "spec", what: fmt.Sprintf("OpenShift Authentication %q", o.Name), flags: map[string][]flagValue{}}
	if v, ok := o.Lookup("spec.serviceAccountIssuer"); ok && v != "" && v != nil {
		a.set(flagIssuer, v, "spec.serviceAccountIssuer")
	}
	return []apiServer{a}
}

// set records a flag written as a configuration value: a string, or a
// scalar YAML typed otherwise (an unquoted true in extraArgs).
func (a *apiServer) set(name string, v any, at string) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case bool, int64, float64:
		s = fmt.Sprint(v)
	default:
		return
	}
	name = strings.ReplaceAll(name, "_", "-")
	a.flags[name] = append(a.flags[name], flagValue{value: s, path: at, line: -1, known: !strings.Contains(s, "$(") && !strings.Contains(s, "${")})
}

// last is the value of a flag that takes one value: the last written.
func (a *apiServer) last(name string) (flagValue, bool) {
	vs := a.flags[name]
	if len(vs) == 0 {
		return flagValue{}, false
	}
	return vs[len(vs)-1], true
}

// issuers are the issuers the API server runs with: the first signs new
// tokens, and every one is accepted. A form that supplies its own issuer
// gives it when none is written (written is then false).
func (a *apiServer) issuers() (issuers []flagValue, written bool) {
	if vs := a.flags[flagIssuer]; len(vs) > 0 {
		return vs, true
	}
	switch a.form {
	case formKubeadm, formClusterAPI:
		return []flagValue{{value: kubeadmDefaultIssue + a.dnsDomain, path: a.at, line: -1, known: true}}, false
	case formOpenShift:
		return []flagValue{{value: "https://kubernetes.default.svc", path: a.at, line: -1, known: true}}, false
	}
	return nil, false
}

// audiences are the API server's audiences, each entry of a
// comma-separated list on its own. Without --api-audiences they are its
// issuers (written is false).
func (a *apiServer) audiences() (audiences []flagValue, written bool) {
	vs := a.flags[flagAudiences]
	if len(vs) == 0 {
		issuers, _ := a.issuers()
		return issuers, false
	}
	for _, v := range vs {
		for _, s := range strings.Split(v.value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				e := v
				e.value = s
				audiences = append(audiences, e)
			}
		}
	}
	return audiences, true
}

// lookupString is the string at path.
func lookupString(o *analyzer.Object, at string) (string, bool) {
	v, ok := o.Lookup(at)
	s, isString := v.(string)
	return s, ok && isString
}

// mustLookup is the value at path, nil when absent.
func mustLookup(o *analyzer.Object, at string) any {
	v, _ := o.Lookup(at)
	return v
}

// parseBool reads a boolean flag's value as the flag parser does.
func parseBool(s string) (value, ok bool) {
	b, err := strconv.ParseBool(s)
	return b, err == nil
}
