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

	yaml "go.yaml.in/yaml/v3"
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
	// formKind is a kind cluster's kubeadmConfigPatches: kind merges them
	// into the kubeadm configuration it runs, so kubeadm's defaults apply.
	formKind
	// formGardener is a Gardener Shoot's serviceAccountConfig, which
	// Gardener turns into the flags of the shoot's API server; Gardener
	// supplies the issuer and keys, and keeps the maximum token lifetime
	// between 720h and 2160h.
	formGardener
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
	flagSigningEndpoint = "service-account-signing-endpoint"
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
	"Shoot":                       "core.gardener.cloud",
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
		case "Shoot":
			return gardenerAPIServer(o)
		case "Authentication":
			return openShiftAPIServer(o)
		}
	}
	if o.Kind == "Cluster" && o.Group() == "kind.x-k8s.io" {
		return kindAPIServer(o)
	}
	ps, ok := o.PodSpec()
	if !ok {
		return nil
	}
	var out []apiServer
	for i, c := range ps.Spec.Containers {
		if !mentionsAPIServer(c.Image, c.Command, c.Args) {
			continue // most containers: nothing to read
		}
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
		} else if script, rest, ok := apiServerScript(args, len(c.Command)); !ok || !a.readScript(script, rest) {
			continue
		} else {
			a.at = script.path
		}
		// kube-apiserver --version (a preflight Job) serves nothing.
		if len(a.flags["version"]) == 0 && len(a.flags["help"]) == 0 {
			out = append(out, a)
		}
	}
	return out
}

// mentionsAPIServer reports whether a container may run kube-apiserver:
// its image is kube-apiserver's, or a word of its command line names
// "apiserver" (kube-apiserver, hyperkube apiserver, a script).
func mentionsAPIServer(image string, command, args []string) bool {
	if apiServerImage(image) {
		return true
	}
	for _, l := range [][]string{command, args} {
		for _, w := range l {
			if strings.Contains(w, "apiserver") {
				return true
			}
		}
	}
	return false
}

// argValue is a container's argument; $(VAR) is expanded by the kubelet.
func argValue(s, at string) flagValue {
	return flagValue{value: s, path: at, line: -1, known: !expands(s)}
}

// expands reports whether a value expands a variable: the kubelet's $(VAR),
// or a template's ${VAR} (envsubst, Cluster API's clusterctl) not yet
// filled in.
func expands(s string) bool {
	return strings.Contains(s, "$(") || strings.Contains(s, "${")
}

// apiServerStart is where kube-apiserver's flags start in a container's
// command and arguments: after the program, when the program is
// kube-apiserver, run directly, by hyperkube, or by a wrapper that runs the
// rest of its command line (/go-runner and its own flags, tini, dumb-init,
// env); or from the first argument of a kube-apiserver image run without a
// command. ok is false for a container that runs anything else, such as one
// that copies the binary.
func apiServerStart(args []flagValue, image string, commands int) (int, bool) {
	i := 0
	for i < len(args) && runners[path.Base(args[i].value)] {
		for i++; i < len(args) && strings.HasPrefix(args[i].value, "-"); i++ {
		}
	}
	if i < len(args) {
		switch path.Base(args[i].value) {
		case "kube-apiserver":
			return i + 1, true
		case "hyperkube":
			if i+1 < len(args) && (args[i+1].value == "kube-apiserver" || args[i+1].value == "apiserver") {
				return i + 2, true
			}
		}
	}
	if commands == 0 && apiServerImage(image) && len(args) > 0 && strings.HasPrefix(args[0].value, "--") {
		return 0, true
	}
	return 0, false
}

// apiServerImage reports whether an image is kube-apiserver's own
// (kube-apiserver, or kube-apiserver-amd64 and the other architectures'),
// not one merely named after it (kube-apiserver-healthcheck).
func apiServerImage(image string) bool {
	name := image[strings.LastIndexByte(image, '/')+1:]
	if i := strings.IndexAny(name, ":@"); i >= 0 {
		name = name[:i]
	}
	switch name {
	case "kube-apiserver", "kube-apiserver-amd64", "kube-apiserver-arm64", "kube-apiserver-arm", "kube-apiserver-ppc64le", "kube-apiserver-s390x":
		return true
	}
	return false
}

// runners are programs that run the rest of their command line, after
// their own flags.
var runners = map[string]bool{"go-runner": true, "tini": true, "dumb-init": true, "env": true}

// apiServerScript is the script of a container that runs kube-apiserver
// from a shell (`sh -c "exec /usr/local/bin/kube-apiserver --flag=…"`, `-ec`
// and other options included), and the arguments after the script's $0,
// which the script sees as "$@".
func apiServerScript(args []flagValue, commands int) (script flagValue, rest []flagValue, ok bool) {
	words := make([]execWord, len(args))
	for i, a := range args {
		words[i] = execWord{a.value, a.path}
	}
	w, found := inlineScript(words, commands > 0)
	if !found || !strings.Contains(w.text, "kube-apiserver") {
		return flagValue{}, nil, false
	}
	for i, a := range args {
		if a.path == w.path {
			if i+2 < len(args) {
				rest = args[i+2:]
			}
			return a, rest, true
		}
	}
	return flagValue{}, nil, false
}

// readFlags reads kube-apiserver's command line: "--flag=value", "--flag
// value", a boolean "--flag" alone, and "_" for "-" in names, as the API
// server's flag parser reads them. A bare "--" ends the flags.
func (a *apiServer) readFlags(args []flagValue) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if strings.HasPrefix(arg.value, "$(") || strings.HasPrefix(arg.value, "${") {
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
		if name == "openshift-config" {
			a.opaque = true // OpenShift's API server reads its flags from that file
		}
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
	flagExtendExpiry: true, "service-account-lookup": true, "version": true, "help": true, "allow-privileged": true, "anonymous-auth": true,
	"enable-bootstrap-token-auth": true, "enable-aggregator-routing": true, "profiling": true,
	"enable-garbage-collector": true, "enable-priority-and-fairness": true, "contention-profiling": true,
	"audit-log-compress": true, "logtostderr": true, "alsologtostderr": true, "enable-logs-handler": true,
	"kubelet-https": true, "also-stdout": true,
}

// readScript reads the flags of a script's kube-apiserver command, each
// at its line of the script; "$@" is the arguments that follow the script.
// ok is false when no command of the script runs kube-apiserver.
func (a *apiServer) readScript(script flagValue, rest []flagValue) (ok bool) {
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
		hyperkube := len(words) > 1 && path.Base(sh.str(words[0])) == "hyperkube"
		if hyperkube {
			words = words[1:]
		}
		if len(words) == 0 || path.Base(sh.str(words[0])) != "kube-apiserver" && !(hyperkube && sh.str(words[0]) == "apiserver") {
			return true
		}
		ok = true
		a.atLine = int(words[0].Pos().Line()) - 1
		var args []flagValue
		for _, w := range words[1:] {
			if allArgs(w) {
				args = append(args, rest...)
				continue
			}
			s, known := sh.literal(w)
			args = append(args, flagValue{value: s, path: script.path, line: int(w.Pos().Line()) - 1, known: known})
			if !known && !strings.Contains(sh.str(w), "=") {
				a.opaque = true // "$FLAGS" may be any flags
			}
		}
		a.readFlags(args)
		return false
	})
	return ok
}

// allArgs reports whether a word is "$@" (or $@): every argument of the
// script.
func allArgs(w *syntax.Word) bool {
	if len(w.Parts) != 1 {
		return false
	}
	part := w.Parts[0]
	if q, ok := part.(*syntax.DblQuoted); ok && len(q.Parts) == 1 {
		part = q.Parts[0]
	}
	p, ok := part.(*syntax.ParamExp)
	return ok && p.Param != nil && p.Param.Value == "@" && !p.Length && p.Exp == nil && p.Repl == nil && p.Slice == nil && p.Index == nil
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

// gardenerFields are a Gardener Shoot's serviceAccountConfig fields of
// the token flags; the accepted issuers follow the issuer.
var gardenerFields = []struct{ field, flag string }{
	{"issuer", flagIssuer}, {"acceptedIssuers", flagIssuer},
	{"extendTokenExpiration", flagExtendExpiry}, {"maxTokenExpiration", flagMaxExpiration},
}

// gardenerAPIServer reads a Gardener Shoot's
// spec.kubernetes.kubeAPIServer.serviceAccountConfig.
func gardenerAPIServer(o *analyzer.Object) []apiServer {
	const at = "spec.kubernetes.kubeAPIServer.serviceAccountConfig"
	a := apiServer{atLine: -1, form: formGardener, path: at, at: at, what: fmt.Sprintf("Shoot %q", o.Name), flags: map[string][]flagValue{}}
	m, _ := mustLookup(o, at).(map[string]any)
	for _, f := range gardenerFields {
		p := analyzer.JoinPath(at, f.field)
		if l, isList := m[f.field].([]any); isList {
			for i, e := range l {
				a.set(f.flag, e, analyzer.IndexPath(p, i))
			}
		} else if v, ok := m[f.field]; ok {
			a.set(f.flag, v, p)
		}
	}
	return []apiServer{a}
}

// kindAPIServer reads a kind cluster's kubeadmConfigPatches, the cluster's
// and its control-plane nodes', in the order kind merges them: each is a
// kubeadm document in a string, whose ClusterConfiguration's
// apiServer.extraArgs set flags, each at its line of the string.
func kindAPIServer(o *analyzer.Object) []apiServer {
	a := apiServer{atLine: -1, form: formKind, path: "kubeadmConfigPatches", at: "kubeadmConfigPatches", what: "kind cluster configuration", flags: map[string][]flagValue{}, dnsDomain: "cluster.local"}
	if name, ok := lookupString(o, "name"); ok && name != "" {
		a.what = fmt.Sprintf("kind cluster %q", name)
	}
	patches := []string{"kubeadmConfigPatches"}
	nodes, _ := mustLookup(o, "nodes").([]any)
	for i, n := range nodes {
		if m, _ := n.(map[string]any); m["role"] == nil || m["role"] == "control-plane" {
			patches = append(patches, analyzer.IndexPath("nodes", i)+".kubeadmConfigPatches")
		}
	}
	found := false
	for _, at := range patches {
		l, _ := mustLookup(o, at).([]any)
		for i, e := range l {
			if text, ok := e.(string); ok && a.readPatch(text, analyzer.IndexPath(at, i)) {
				found = true
			}
		}
	}
	if !found {
		return nil
	}
	return []apiServer{a}
}

// readPatch reads the extraArgs of a kubeadm ClusterConfiguration patch
// written as a string at path; ok is false for a patch of another kind.
func (a *apiServer) readPatch(text, at string) (ok bool) {
	var doc yaml.Node
	if yaml.Unmarshal([]byte(text), &doc) != nil || len(doc.Content) != 1 {
		return false
	}
	root := doc.Content[0]
	if kind := mappingValue(root, "kind"); kind == nil || kind.Value != "ClusterConfiguration" {
		return false
	}
	args := mappingValue(mappingValue(root, "apiServer"), "extraArgs")
	switch {
	case args == nil:
	case args.Kind == yaml.MappingNode:
		for i := 0; i+1 < len(args.Content); i += 2 {
			a.setAt(args.Content[i].Value, args.Content[i+1], at)
		}
	case args.Kind == yaml.SequenceNode:
		for _, item := range args.Content {
			if name := mappingValue(item, "name"); name != nil {
				if v := mappingValue(item, "value"); v != nil {
					a.setAt(name.Value, v, at)
				}
			}
		}
	}
	return true
}

// setAt records a flag whose value is the scalar node v of a document
// written in the string at path.
func (a *apiServer) setAt(name string, v *yaml.Node, at string) {
	if v.Kind != yaml.ScalarNode {
		return
	}
	name = strings.ReplaceAll(name, "_", "-")
	a.flags[name] = append(a.flags[name], flagValue{value: v.Value, path: at, line: v.Line - 1, known: !expands(v.Value)})
}

// mappingValue is the value of key in a mapping node, nil when absent.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
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
	a.flags[name] = append(a.flags[name], flagValue{value: s, path: at, line: -1, known: !expands(s)})
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
	case formKubeadm, formClusterAPI, formKind:
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
