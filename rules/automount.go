package rules

import (
	"fmt"
	"path"

	"github.com/tokenlint/tokenlint/analyzer"
)

// AutomountedToken is TL301.
var AutomountedToken = &analyzer.Rule{
	ID:       "TL301",
	Slug:     "automounted-token",
	Title:    "Pod gets an automounted API server token",
	Severity: analyzer.SeverityWarning,
	Description: "Unless disabled, Kubernetes mounts a token for the API server at " +
		"`/var/run/secrets/kubernetes.io/serviceaccount` in every container and init container of a pod. Most " +
		"workloads never call the API, yet anyone who gets code execution in them can act as their ServiceAccount. " +
		"Workloads that do call it must re-read the token file, because the kubelet rotates it (official client " +
		"libraries do).\n\n" +
		"Whether the token is mounted is decided by `automountServiceAccountToken`: the pod spec's value if set, " +
		"else the ServiceAccount's value if set, else true. The ServiceAccount is the one named by " +
		"`serviceAccountName` (or the deprecated `serviceAccount` when that is empty, or `default`) in the pod's " +
		"own namespace; tokenlint reads its value when the ServiceAccount is part of the same run, and never " +
		"takes one from another namespace. When the ServiceAccount is not in the input, tokenlint cannot know what " +
		"the cluster's ServiceAccount sets and assumes it sets nothing, so the default applies; lint the workload with the " +
		"ServiceAccount's file, or with `--context PATH` (the repository, in a pre-commit hook that passes only " +
		"staged files), to resolve it. When the input holds several ServiceAccounts of that namespace and name " +
		"(environment overlays side by side, a directory of test cases), the one nearest to the workload decides: " +
		"in the same file, then the same directory, then the closest directory up the tree. The message says " +
		"which object decided, and where it is.\n\n" +
		"A static pod gets no token: the kubelet runs it from a manifest on its node without a ServiceAccount, " +
		"and a static pod cannot refer to one. Where the file lies is not known, so the pod must say it: a bare " +
		"Pod on the host network labelled `tier: control-plane`, with a `system-node-critical` priority (or " +
		"`system-cluster-critical` in `kube-system`), or running kube-apiserver, kube-controller-manager, " +
		"kube-scheduler or etcd (kubeadm's and kops's control plane); and it names no ServiceAccount, projects no " +
		"token and sets no `automountServiceAccountToken`, which would make it an ordinary pod.\n\n" +
		"A quoted `\"false\"` is a string, not a boolean: it does not disable anything, and the API server " +
		"rejects the manifest. On the pod spec this rule reports it; on a ServiceAccount it is an " +
		"`invalid-manifest` finding, and this rule explains its effect on the pods that use it.",
	Remediation: "Set `automountServiceAccountToken: false` on the pod spec or its ServiceAccount, and mount a projected `serviceAccountToken` only where the workload calls the API.",
	Example: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`,
	Fixed: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: web
        image: nginx:1.27
`,
	Tags: []string{"security", "service-account-token", "automount"},
	// No Kinds: every object with a pod spec, custom resources included
	// (Object.PodSpec finds it).
	Check: checkAutomountedToken,
	Facts: []analyzer.Facts{serviceAccounts},
}

const automountAdvice = "The token rotates, so a program that uses it must re-read the file; if the workload never " +
	"calls the API, set automountServiceAccountToken: false on the pod spec or the ServiceAccount"

func checkAutomountedToken(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	a := effectiveAutomount(p, ps)
	switch {
	case a.podInvalid != nil:
		p.Report(a.path, "automountServiceAccountToken is %s, not a boolean: it does not disable the token, "+
			"and the API server rejects the manifest. Write false (or true) unquoted", describeValue(a.podInvalid))
	case a.on:
		p.Report(a.path, "every container gets an API server token, so code running in any of them can act as ServiceAccount %q. %s. %s",
			a.account, a.reason, automountAdvice)
	}
}

// automount is a pod's effective automountServiceAccountToken and what
// decided it.
type automount struct {
	on bool
	// path is where a finding about it points: the pod spec's field when
	// written (even as null), else the object ("").
	path string
	// reason says in words which object decided, as a sentence of a
	// message.
	reason string
	// account is the pod's ServiceAccount, as "namespace/name".
	account string
	// podInvalid is the pod spec's value when it is not a boolean.
	podInvalid any
}

// serviceAccount is what the run keeps of a ServiceAccount for TL301: its
// automountServiceAccountToken as written, and where a person wrote it.
type serviceAccount struct {
	automount any
	written   bool
	// where is the field's file and line: in a chart, the template line,
	// and the values key that set it.
	where string
	// typo says so when the ServiceAccount misspells the field.
	typo string
}

// serviceAccounts are the run's ServiceAccounts.
var serviceAccounts = &analyzer.Fact[serviceAccount]{Kind: "ServiceAccount", Export: func(o *analyzer.Object) serviceAccount {
	v, written := o.Lookup("automountServiceAccountToken")
	at, related := o.Place("automountServiceAccountToken")
	where := fmt.Sprintf("%s:%d", at.File, at.Line)
	switch {
	case len(related) > 0:
		where += fmt.Sprintf(" (%s)", related[len(related)-1].Message)
	case o.Source != "" && at.File == o.File:
		where += fmt.Sprintf(" (template %s)", o.Source)
	}
	sa := serviceAccount{automount: v, written: written, where: where}
	if key, at, ok := o.Misspelt("automountServiceAccountToken"); ok && !written {
		sa.typo = fmt.Sprintf(" (its %q on line %d is not a field: if it is a misspelt automountServiceAccountToken, this finding is what it causes)", key, at.Line)
	}
	return sa
}}

// effectiveAutomount resolves automountServiceAccountToken as the
// ServiceAccount admission controller does: the pod spec's value if set,
// else its ServiceAccount's (in the pod's namespace, from the run) if set,
// else true. Values that are not booleans (a quoted "false") disable nothing.
func effectiveAutomount(p *analyzer.Pass, ps analyzer.PodSpec) automount {
	field := ps.Path + ".automountServiceAccountToken"
	raw, written := p.Object.Lookup(field)
	a := automount{on: true}
	if written {
		a.path = field
	}
	if why, ok := staticPod(p.Object, ps); ok && !written {
		a.on = false
		a.reason = "The pod is a static pod (" + why + "), which the kubelet runs without a ServiceAccount token"
		a.account = serviceAccountRef(p, ps)
		return a
	}
	switch v := raw.(type) {
	case bool:
		a.on = v
		a.reason = fmt.Sprintf("The pod spec sets automountServiceAccountToken: %t", v)
		a.account = serviceAccountRef(p, ps)
		return a
	case nil:
	default:
		a.podInvalid = v
		a.reason = fmt.Sprintf("The pod spec's automountServiceAccountToken is %s, not a boolean", describeValue(v))
		return a
	}
	pod := "The pod spec sets no automountServiceAccountToken"
	if written {
		pod = "The pod spec's automountServiceAccountToken is null"
	}

	name, via := serviceAccountName(ps)
	ref := p.Object.Namespace + "/" + name
	a.account = ref
	sa, ok := serviceAccounts.Nearest(p.Index, p.Object.File, p.Object.Namespace, name)
	if !ok {
		// Only the input is known: the cluster's ServiceAccount may set
		// anything.
		a.reason = fmt.Sprintf("%s, and ServiceAccount %q%s is not in the input, so tokenlint assumes it sets none and "+
			"the default (true) applies; lint this workload together with the ServiceAccount's file, or lint with --context PATH to resolve it", pod, ref, via)
		return a
	}
	saValue, saWritten, where := sa.automount, sa.written, sa.where
	if n := serviceAccounts.Count(p.Index, p.Object.Namespace, name); n > 1 {
		// Environment overlays side by side: say which one decided.
		where += fmt.Sprintf(", the nearest to this workload of the %d ServiceAccounts of that name in the input,", n)
	}
	switch v := saValue.(type) {
	case bool:
		a.on = v
		a.reason = fmt.Sprintf("%s, and ServiceAccount %q%s at %s sets it to %t", pod, ref, via, where, v)
	case nil:
		if saWritten {
			a.reason = fmt.Sprintf("%s, and ServiceAccount %q%s at %s sets it to null, so the default (true) applies", pod, ref, via, where)
		} else {
			a.reason = fmt.Sprintf("%s, and ServiceAccount %q%s at %s sets none%s, so the default (true) applies", pod, ref, via, where, sa.typo)
		}
	default:
		a.reason = fmt.Sprintf("%s, and ServiceAccount %q%s at %s sets it to %s, not a boolean, which disables nothing",
			pod, ref, via, where, describeValue(v))
	}
	return a
}

// staticPod reports whether a Pod is written to be a static pod: one the
// kubelet runs from a manifest on its node (kubeadm's and kops's control
// plane in /etc/kubernetes/manifests), which gets no ServiceAccount token,
// since the ServiceAccount admission plugin leaves mirror pods alone and a
// static pod cannot refer to a ServiceAccount. Where the file lies is not
// known, so the pod must say it: a bare Pod on the host network labelled
// tier: control-plane, with a system-node-critical priority (or
// system-cluster-critical in kube-system), or running a control-plane
// component, and naming no ServiceAccount and projecting no token, which
// a static pod cannot. A pod spec that sets automountServiceAccountToken
// is taken at its word.
// why says which.
func staticPod(o *analyzer.Object, ps analyzer.PodSpec) (why string, ok bool) {
	if o.Kind != "Pod" || o.APIVersion != "v1" || !ps.Spec.HostNetwork {
		return "", false
	}
	// The API server refuses a mirror pod that names a ServiceAccount or
	// projects its token: such a pod is not a static one.
	if ps.Spec.ServiceAccountName != "" || ps.Spec.DeprecatedServiceAccount != "" {
		return "", false
	}
	for _, v := range ps.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for _, src := range v.Projected.Sources {
			if src.ServiceAccountToken != nil {
				return "", false
			}
		}
	}
	if tier, _ := o.Lookup("metadata.labels.tier"); tier == "control-plane" {
		return "on the host network, labelled tier: control-plane", true
	}
	switch pc := ps.Spec.PriorityClassName; {
	case pc == "system-node-critical", pc == "system-cluster-critical" && o.Namespace == "kube-system":
		return "on the host network, with priority " + pc, true
	}
	if len(apiServers(o)) > 0 {
		return "on the host network, running kube-apiserver", true
	}
	for _, c := range ps.Spec.Containers {
		switch b := program(append(append([]string(nil), c.Command...), c.Args...)); b {
		case "kube-apiserver", "kube-controller-manager", "kube-scheduler", "etcd":
			return "on the host network, running " + b, true
		}
	}
	return "", false
}

// program is the base name of the program a command line runs, through
// the runners that run the rest of it (programStart); "" for none.
func program(words []string) string {
	if i := programStart(words); i < len(words) {
		return path.Base(words[i])
	}
	return ""
}

// serviceAccountName is the name of the pod's ServiceAccount, as the
// admission controller picks it, and how the pod spec names it (for
// messages).
func serviceAccountName(ps analyzer.PodSpec) (name, via string) {
	name = ps.Spec.ServiceAccountName
	if name == "" && ps.Spec.DeprecatedServiceAccount != "" {
		name, via = ps.Spec.DeprecatedServiceAccount, " (named by the deprecated serviceAccount field)"
	}
	if name == "" {
		name = "default"
	}
	return name, via
}

// serviceAccountRef is the pod's ServiceAccount as "namespace/name".
func serviceAccountRef(p *analyzer.Pass, ps analyzer.PodSpec) string {
	name, _ := serviceAccountName(ps)
	return p.Object.Namespace + "/" + name
}

// describeValue shows a value as written: `the string "false"`, `0`.
func describeValue(v any) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("the string %q", s)
	}
	return fmt.Sprintf("%v", v)
}
