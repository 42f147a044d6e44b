package rules

// Where the API server is configured: the one helper the control-plane
// rules (TL5xx) read, as the pod-spec helper is for workloads. Each form
// names the kube-apiserver flags its own way; apiServers reads them all
// into flags, each with the field path (and, in a string, the line) where
// it is written.

import (
	"fmt"
	"maps"
	"path"
	"regexp"
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
	// formKind is a kind cluster's kubeadmConfigPatches: kind merges them
	// into the kubeadm configuration it runs, so kubeadm's defaults apply.
	formKind
	// formKops is a kops Cluster's spec.kubeAPIServer; kops supplies the
	// issuer and keys.
	formKops
	// formGardener is a Gardener Shoot's kubeAPIServer settings, which
	// Gardener turns into the flags of the shoot's API server; Gardener
	// supplies the issuer and keys, and keeps the maximum token lifetime
	// at 720h or more.
	formGardener
	// formOpenShift is OpenShift's cluster Authentication, whose operator
	// runs the API server with every other flag.
	formOpenShift
)

// apiServer is one API server configuration that an object makes, read for
// its token settings.
type apiServer struct {
	form apiServerForm
	// what names it in messages: `kube-apiserver in container "x"`.
	what string
	// at is where a finding about the configuration as a whole (a flag it
	// lacks) points: the word that runs kube-apiserver, the apiServer
	// mapping; atLine, when not negative, is the line within the script
	// string at at.
	at     string
	atLine int
	// image is the container's image, for a container.
	image string
	// flags are the kube-apiserver flags it sets, by name (without the
	// dashes), each value as and where written, in order.
	flags map[string][]flagValue
	// opaque is set when some flags cannot be read: an argument filled
	// from $(VAR), a script's word that expands a variable, a file the
	// flags come from. Nothing is then said about the flags it lacks.
	opaque bool
	// defaultIssuer is the issuer the form supplies when none is written:
	// kubeadm's https://kubernetes.default.svc.<dnsDomain>, kops's and
	// OpenShift's; empty for a container, or when it cannot be known.
	defaultIssuer string
}

// flagValue is one value of a flag as written.
type flagValue struct {
	value string
	// path is the field of the value; line, when not negative, is the
	// value's line within the string at path (a script, a kind patch).
	path string
	line int
	// start and end, when end is not 0, are the value's bytes within the
	// string at path: after a flag's "=", an entry of a comma-separated
	// list.
	start, end int
	// known is false when the value expands a variable ($(VAR) the
	// kubelet cannot fill, $X in a script, a template's ${X}): it is not
	// what it says.
	known bool
	// accepted marks an issuer that is only accepted, never signs: kops's
	// additionalServiceAccountIssuers, Gardener's acceptedIssuers.
	accepted bool
}

// report reports a finding at the value.
func (v flagValue) report(p *analyzer.Pass, format string, args ...any) {
	switch {
	case v.line >= 0:
		p.ReportLine(v.path, v.line, format, args...)
	case v.end > 0 && strings.HasSuffix(v.path, "]"):
		// A command line's word: the finding points at the value in
		// it. A mapping's value keeps the convention of pointing at
		// its key.
		p.ReportSpan(v.path, v.start, v.end, format, args...)
	default:
		p.Report(v.path, format, args...)
	}
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
	flagSigningEndpoint = "service-account-signing-endpoint"
	flagKeyFile         = "service-account-key-file"
	flagAudiences       = "api-audiences"
	flagMaxExpiration   = "service-account-max-token-expiration"
	flagExtendExpiry    = "service-account-extend-token-expiration"
)

// apiServerKinds are the kinds apiServers reads, besides workloads, each
// with its group and how to read it.
var apiServerKinds = map[string]struct {
	group string
	read  func(*analyzer.Object) []apiServer
}{
	"ClusterConfiguration": {"kubeadm.k8s.io", func(o *analyzer.Object) []apiServer {
		return kubeadmAPIServer(o, "", formKubeadm, "kubeadm ClusterConfiguration")
	}},
	"KubeadmControlPlane": {"controlplane.cluster.x-k8s.io", func(o *analyzer.Object) []apiServer {
		return kubeadmAPIServer(o, "spec.kubeadmConfigSpec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmControlPlane %q", o.Name))
	}},
	"KubeadmControlPlaneTemplate": {"controlplane.cluster.x-k8s.io", func(o *analyzer.Object) []apiServer {
		return kubeadmAPIServer(o, "spec.template.spec.kubeadmConfigSpec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmControlPlaneTemplate %q", o.Name))
	}},
	"KubeadmConfig": {"bootstrap.cluster.x-k8s.io", func(o *analyzer.Object) []apiServer {
		return kubeadmAPIServer(o, "spec.clusterConfiguration", formClusterAPI, fmt.Sprintf("KubeadmConfig %q", o.Name))
	}},
	"Cluster":        {"kops.k8s.io", kopsAPIServer},
	"Shoot":          {"core.gardener.cloud", gardenerAPIServer},
	"Authentication": {"config.openshift.io", openShiftAPIServer},
}

// apiServers lists the API server configurations the object makes.
func apiServers(o *analyzer.Object) []apiServer {
	if k, ok := apiServerKinds[o.Kind]; ok && o.Group() == k.group {
		return k.read(o)
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
		env := literalEnv(&c)
		at := fmt.Sprintf("%s.containers[%d]", ps.Path, i)
		var args []flagValue
		for j, s := range c.Command {
			args = append(args, argValue(s, analyzer.IndexPath(at+".command", j), env))
		}
		for j, s := range c.Args {
			args = append(args, argValue(s, analyzer.IndexPath(at+".args", j), env))
		}
		a := apiServer{form: formPod, what: fmt.Sprintf("kube-apiserver in container %q", c.Name), image: c.Image, atLine: -1, flags: map[string][]flagValue{}}
		if start, ok := apiServerStart(args, c.Image, len(c.Command)); ok {
			a.at = args[max(start-1, 0)].path
			a.readFlags(args[start:])
		} else if script, rest, ok := apiServerScript(args, len(c.Command)); !ok || !a.readScript(script, rest, env) {
			continue
		}
		// kube-apiserver --version (a preflight Job) serves nothing.
		if !a.informational() {
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

// argValue is a container's argument, $(VAR) expanded as the kubelet
// expands it from the container's literal environment.
func argValue(s, at string, env map[string]string) flagValue {
	s = expandKubeVars(s, env)
	return flagValue{value: s, path: at, line: -1, known: !expands(s)}
}

// expands reports whether a value expands a variable: the kubelet's $(VAR)
// left unexpanded, or a template's ${VAR} (envsubst, clusterctl) not yet
// filled in.
func expands(s string) bool {
	return strings.Contains(s, "$(") || strings.Contains(s, "${")
}

// programStart is the index of the program a command line runs, past the
// runners that run the rest of it: /go-runner and its flags, tini and
// dumb-init (and "--"), env and its assignments, timeout and its
// duration, nohup, exec. len(words) when nothing is left.
func programStart(words []string) int {
	i := 0
	for i < len(words) {
		switch path.Base(words[i]) {
		case "go-runner", "tini", "dumb-init", "nohup", "exec":
			i++
			for i < len(words) && strings.HasPrefix(words[i], "-") {
				if words[i] == "--log-file" && i+1 < len(words) { // go-runner's, with its value apart
					i++
				}
				i++
			}
		case "env":
			for i++; i < len(words) && (strings.HasPrefix(words[i], "-") || strings.Contains(words[i], "=")); i++ {
			}
		case "timeout":
			for i++; i < len(words) && strings.HasPrefix(words[i], "-"); i++ {
			}
			i++ // the duration
		default:
			return i
		}
	}
	return i
}

// apiServerStart is where kube-apiserver's flags start in a container's
// command and arguments: after the program, when the program is
// kube-apiserver, run directly, by hyperkube or by a runner (programStart);
// or from the first argument of a kube-apiserver image run without a
// command. ok is false for a container that runs anything else, such as one
// that copies the binary.
func apiServerStart(args []flagValue, image string, commands int) (int, bool) {
	words := make([]string, len(args))
	for i, a := range args {
		words[i] = a.value
	}
	if start, ok := apiServerArgs(words); ok {
		return start, true
	}
	if commands == 0 && apiServerImage(image) && len(args) > 0 && strings.HasPrefix(args[0].value, "--") {
		return 0, true
	}
	return 0, false
}

// apiServerArgs is where kube-apiserver's arguments start in a command
// line that runs it: after the program, kube-apiserver run directly, by
// hyperkube or by a runner (programStart). ok is false for a command line
// that runs anything else.
func apiServerArgs(words []string) (start int, ok bool) {
	i := programStart(words)
	switch {
	case i < len(words) && path.Base(words[i]) == "kube-apiserver":
		return i + 1, true
	case i+1 < len(words) && path.Base(words[i]) == "hyperkube" && (words[i+1] == "kube-apiserver" || words[i+1] == "apiserver"):
		return i + 2, true
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

// imageVersion is the Kubernetes minor version an image's tag names
// (v1.19.16: 19); ok is false when the tag names none.
func imageVersion(image string) (minor int, ok bool) {
	m := imageTag.FindStringSubmatch(image)
	if m == nil {
		return 0, false
	}
	minor, err := strconv.Atoi(m[1])
	return minor, err == nil
}

var imageTag = regexp.MustCompile(`:v1\.(\d+)(?:\.\d+)?(?:[-+@][^/]*)?$`)

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
	if !found || !strings.Contains(w.text, "apiserver") {
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
		if !arg.known && !strings.HasPrefix(arg.value, "--") {
			a.opaque = true // "$(FLAGS)" may be any flags
		}
		if !strings.HasPrefix(arg.value, "--") {
			continue
		}
		if arg.value == "--" {
			return
		}
		name, value, hasValue := strings.Cut(arg.value[2:], "=")
		name = flagName(name)
		if name == "openshift-config" {
			a.opaque = true // HyperShift's API server reads its flags from that file
		}
		v := arg
		v.value = value
		switch {
		case hasValue:
			v.start, v.end = len(arg.value)-len(value), len(arg.value)
		case booleanFlags[name]:
			v.value = "true"
		case i+1 < len(args) && !strings.HasPrefix(args[i+1].value, "-"):
			i++
			v = args[i]
		}
		a.flags[name] = append(a.flags[name], v)
	}
}

// flagName is a flag's name as the API server reads it: "_" is "-".
func flagName(name string) string { return strings.ReplaceAll(name, "_", "-") }

// informational reports whether the command line only prints something:
// kube-apiserver --version or --help.
func (a *apiServer) informational() bool {
	return len(a.flags["version"]) > 0 || len(a.flags["help"]) > 0
}

// booleanFlags are the kube-apiserver flags that take no separate value:
// "--flag x" is the flag, then an argument.
var booleanFlags = map[string]bool{
	flagExtendExpiry: true, "service-account-lookup": true, "version": true, "help": true, "allow-privileged": true,
	"anonymous-auth": true, "enable-bootstrap-token-auth": true, "enable-aggregator-routing": true, "profiling": true,
	"enable-garbage-collector": true, "enable-priority-and-fairness": true, "contention-profiling": true,
	"audit-log-compress": true, "logtostderr": true, "alsologtostderr": true, "enable-logs-handler": true,
	"kubelet-https": true, "also-stdout": true,
}

// readScript reads the flags of the script's command that runs
// kube-apiserver to serve (not --version), each at its line of the script.
// Variables the script or the container's environment set are expanded;
// "$@" is the arguments that follow the script. ok is false when no
// command of the script runs it.
func (a *apiServer) readScript(script flagValue, rest []flagValue, env map[string]string) (ok bool) {
	f, parsed := parseScript(script.value)
	if !parsed {
		return false
	}
	sh := &shellRun{vars: maps.Clone(env)}
	a.at = script.path
	syntax.Walk(f, func(n syntax.Node) bool {
		if ok {
			return false
		}
		c, isCall := n.(*syntax.CallExpr)
		if !isCall {
			return true
		}
		if len(c.Args) == 0 {
			for _, as := range c.Assigns { // NAME=value on a line of its own
				if as.Value == nil { // X= is the empty string
					sh.vars[as.Name.Value] = ""
				} else if v, known := sh.literal(as.Value); known {
					sh.vars[as.Name.Value] = v
				}
			}
			return true
		}
		words := make([]string, len(c.Args))
		for i, w := range c.Args {
			words[i] = sh.str(w)
		}
		start, runs := apiServerArgs(words)
		if !runs {
			return true
		}
		try := apiServer{flags: map[string][]flagValue{}}
		var args []flagValue
		for _, w := range c.Args[start:] {
			if allArgs(w) {
				args = append(args, rest...)
				continue
			}
			// An unknown word ("$FLAGS") may be any flags; readFlags
			// says so unless it is the value of the flag before it.
			s, known := sh.literal(w)
			args = append(args, flagValue{value: s, path: script.path, line: int(w.Pos().Line()) - 1, known: known})
		}
		try.readFlags(args)
		if try.informational() {
			return true
		}
		ok = true
		a.flags, a.opaque = try.flags, a.opaque || try.opaque
		a.atLine = int(c.Args[start-1].Pos().Line()) - 1
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
	a := apiServer{form: form, at: at, atLine: -1, what: what, flags: map[string][]flagValue{}}
	dnsDomain := "cluster.local"
	if d, ok := lookupString(o, analyzer.JoinPath(prefix, "networking.dnsDomain")); ok && d != "" {
		dnsDomain = d
	}
	a.defaultIssuer = kubeadmDefaultIssuer + dnsDomain
	args := at + ".extraArgs"
	raw, _ := o.Lookup(args)
	switch m := raw.(type) {
	case map[string]any:
		for _, name := range slices.Sorted(maps.Keys(m)) {
			a.set(name, m[name], analyzer.JoinPath(args, name), -1)
		}
	case []any:
		for i, e := range m {
			item, _ := e.(map[string]any)
			name, _ := item["name"].(string)
			if name != "" {
				a.set(name, item["value"], analyzer.IndexPath(args, i)+".value", -1)
			}
		}
	}
	return []apiServer{a}
}

// kubeadmDefaultIssuer is the issuer kubeadm supplies, before its DNS
// domain.
const kubeadmDefaultIssuer = "https://kubernetes.default.svc."

// configField is a configuration field of a token flag; accepted marks
// issuers that are only accepted.
type configField struct {
	field, flag string
	accepted    bool
}

// kopsFields are a kops Cluster's spec.kubeAPIServer fields of the token
// flags, in the order kops writes them: its issuer before the additional
// ones.
var kopsFields = []configField{
	{"serviceAccountIssuer", flagIssuer, false}, {"additionalServiceAccountIssuers", flagIssuer, true},
	{"serviceAccountSigningKeyFile", flagSigningKey, false}, {"serviceAccountKeyFile", flagKeyFile, false},
	{"apiAudiences", flagAudiences, false},
}

// gardenerFields are a Gardener Shoot's spec.kubernetes.kubeAPIServer
// fields of the token flags.
var gardenerFields = []configField{
	{"serviceAccountConfig.issuer", flagIssuer, false}, {"serviceAccountConfig.acceptedIssuers", flagIssuer, true},
	{"serviceAccountConfig.extendTokenExpiration", flagExtendExpiry, false},
	{"serviceAccountConfig.maxTokenExpiration", flagMaxExpiration, false},
	{"apiAudiences", flagAudiences, false},
}

// readFields records the configuration fields under at, a list's items
// each on its own.
func (a *apiServer) readFields(o *analyzer.Object, at string, fields []configField) {
	for _, f := range fields {
		p := at + "." + f.field // plain keys, dotted for nested ones
		v, ok := o.Lookup(p)
		if !ok {
			continue
		}
		if l, isList := v.([]any); isList {
			for i, e := range l {
				a.set(f.flag, e, analyzer.IndexPath(p, i), -1)
				a.markAccepted(f)
			}
			continue
		}
		a.set(f.flag, v, p, -1)
		a.markAccepted(f)
	}
}

// markAccepted marks the flag's last value accepted when its field is.
func (a *apiServer) markAccepted(f configField) {
	if vs := a.flags[f.flag]; f.accepted && len(vs) > 0 {
		vs[len(vs)-1].accepted = true
	}
}

// kopsAPIServer reads a kops Cluster's spec.kubeAPIServer. kops's own
// issuer is https://api.internal.<cluster name> (or its discovery store's
// URL, which cannot be known here).
func kopsAPIServer(o *analyzer.Object) []apiServer {
	const at = "spec.kubeAPIServer"
	a := apiServer{form: formKops, at: at, atLine: -1, what: fmt.Sprintf("kops Cluster %q", o.Name), flags: map[string][]flagValue{}}
	if _, discovery := o.Lookup("spec.serviceAccountIssuerDiscovery.discoveryStore"); !discovery && o.Name != "" {
		a.defaultIssuer = "https://api.internal." + o.Name
	}
	a.readFields(o, at, kopsFields)
	return []apiServer{a}
}

// gardenerAPIServer reads a Gardener Shoot's API server settings.
func gardenerAPIServer(o *analyzer.Object) []apiServer {
	const at = "spec.kubernetes.kubeAPIServer"
	a := apiServer{form: formGardener, at: at, atLine: -1, what: fmt.Sprintf("Shoot %q", o.Name), flags: map[string][]flagValue{}}
	a.readFields(o, at, gardenerFields)
	return []apiServer{a}
}

// openShiftDefaultIssuer is the issuer OpenShift runs with when its
// cluster Authentication sets none.
const openShiftDefaultIssuer = "https://kubernetes.default.svc"

// openShiftAPIServer reads OpenShift's Authentication: its issuer, empty
// for the default.
func openShiftAPIServer(o *analyzer.Object) []apiServer {
	a := apiServer{form: formOpenShift, at: "spec", atLine: -1, what: fmt.Sprintf("OpenShift Authentication %q", o.Name),
		flags: map[string][]flagValue{}, defaultIssuer: openShiftDefaultIssuer}
	if v, ok := o.Lookup("spec.serviceAccountIssuer"); ok && v != "" && v != nil {
		a.set(flagIssuer, v, "spec.serviceAccountIssuer", -1)
	}
	return []apiServer{a}
}

// kindAPIServer reads a kind cluster's kubeadmConfigPatches, the cluster's
// and then its control-plane nodes', in the order kind merges them: each
// is a kubeadm document in a string, whose ClusterConfiguration's
// apiServer.extraArgs set flags, each at its line of the string. A flag a
// later patch sets replaces what earlier ones set.
func kindAPIServer(o *analyzer.Object) []apiServer {
	a := apiServer{form: formKind, at: "kubeadmConfigPatches", atLine: -1, what: "kind cluster configuration",
		flags: map[string][]flagValue{}, defaultIssuer: kubeadmDefaultIssuer + "cluster.local"}
	if name, ok := lookupString(o, "name"); ok && name != "" {
		a.what = fmt.Sprintf("kind cluster %q", name)
	}
	patches := []string{"kubeadmConfigPatches"}
	nodes, _ := lookup(o, "nodes").([]any)
	for i, n := range nodes {
		if m, _ := n.(map[string]any); m["role"] == nil || m["role"] == "control-plane" {
			patches = append(patches, analyzer.IndexPath("nodes", i)+".kubeadmConfigPatches")
		}
	}
	found := false
	for _, at := range patches {
		l, _ := lookup(o, at).([]any)
		for i, e := range l {
			text, isString := e.(string)
			if !isString {
				continue
			}
			patch := apiServer{flags: map[string][]flagValue{}}
			if patch.readPatch(text, analyzer.IndexPath(at, i)) {
				found = true
				maps.Copy(a.flags, patch.flags)
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
			a.setNode(args.Content[i].Value, args.Content[i+1], at)
		}
	case args.Kind == yaml.SequenceNode:
		for _, item := range args.Content {
			if name := mappingValue(item, "name"); name != nil {
				if v := mappingValue(item, "value"); v != nil {
					a.setNode(name.Value, v, at)
				}
			}
		}
	}
	return true
}

// setNode records a flag whose value is the scalar node v of a document
// written in the string at path.
func (a *apiServer) setNode(name string, v *yaml.Node, at string) {
	if v.Kind == yaml.ScalarNode {
		a.set(name, v.Value, at, v.Line-1)
	}
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
// scalar YAML typed otherwise (an unquoted true in extraArgs); line is the
// value's line within a string at path, or -1.
func (a *apiServer) set(name string, v any, at string, line int) {
	var s string
	switch v := v.(type) {
	case string:
		s = v
	case bool, int64, float64:
		s = fmt.Sprint(v)
	default:
		return
	}
	name = flagName(name)
	a.flags[name] = append(a.flags[name], flagValue{value: s, path: at, line: line, known: !expands(s)})
}

// set1 reports whether a flag that takes a value is set, to a value that
// is not empty (an empty one is as good as none).
func (a *apiServer) set1(name string) bool {
	v, ok := a.last(name)
	return ok && (v.value != "" || !v.known)
}

// last is the value of a flag that takes one value: the last written.
func (a *apiServer) last(name string) (flagValue, bool) {
	vs := a.flags[name]
	if len(vs) == 0 {
		return flagValue{}, false
	}
	return vs[len(vs)-1], true
}

// signingIssuer is the issuer that signs new tokens: the first written
// that is not only accepted; written is false when none is, and the form
// supplies its own (ok is false when it supplies none, or an unknown one).
func (a *apiServer) signingIssuer() (issuer flagValue, written, ok bool) {
	for _, v := range a.flags[flagIssuer] {
		if !v.accepted && v.value != "" {
			return v, true, true
		}
	}
	if a.defaultIssuer != "" {
		return flagValue{value: a.defaultIssuer, path: a.at, line: -1, known: true}, false, true
	}
	return flagValue{}, false, false
}

// ownAudience reports whether an audience names the API server itself:
// one of its issuers (the form's own among them) or a name of the
// Kubernetes API.
func (a *apiServer) ownAudience(aud string) bool {
	if kubernetesAudience(aud) {
		return true
	}
	same := func(x string) bool { return strings.TrimSuffix(x, "/") == strings.TrimSuffix(aud, "/") }
	for _, v := range a.flags[flagIssuer] {
		if same(v.value) {
			return true
		}
	}
	return a.defaultIssuer != "" && same(a.defaultIssuer)
}

// audiences are the API server's written audiences, each entry of a
// comma-separated list on its own. Without --api-audiences they are its
// issuers, and there are none to report.
func (a *apiServer) audiences() []flagValue {
	var out []flagValue
	for _, v := range a.flags[flagAudiences] {
		off := v.start // where the value starts in the string at its path
		for _, s := range strings.Split(v.value, ",") {
			at := off + len(s) - len(strings.TrimLeft(s, " "))
			off += len(s) + 1
			if s = strings.TrimSpace(s); s != "" {
				e := v
				e.value, e.start, e.end = s, at, at+len(s)
				out = append(out, e)
			}
		}
	}
	return out
}

// lookupString is the string at path.
func lookupString(o *analyzer.Object, at string) (string, bool) {
	v, ok := o.Lookup(at)
	s, isString := v.(string)
	return s, ok && isString
}

// lookup is the value at path, nil when absent.
func lookup(o *analyzer.Object, at string) any {
	v, _ := o.Lookup(at)
	return v
}

// parseBool reads a boolean flag's value as the flag parser does.
func parseBool(s string) (value, ok bool) {
	b, err := strconv.ParseBool(s)
	return b, err == nil
}
