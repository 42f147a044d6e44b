package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/agnivade/levenshtein"

	"github.com/tokenlint/tokenlint/analyzer"
)

// DeprecatedServiceAccountField is TL401.
var DeprecatedServiceAccountField = &analyzer.Rule{
	ID:       "TL401",
	Slug:     "deprecated-service-account-field",
	Title:    "Pod spec names its ServiceAccount with the deprecated serviceAccount field",
	Severity: analyzer.SeverityWarning,
	Description: "`serviceAccount` is the deprecated alias of `serviceAccountName`. The API server reads it only " +
		"when `serviceAccountName` is empty, and then stores `serviceAccountName` in its place; tools and people " +
		"reading the manifest for the pod's identity look for `serviceAccountName`. This rule reports the alias " +
		"set alone or beside an equal `serviceAccountName`; TL402 reports it when the two disagree.",
	Remediation: "Rename `serviceAccount` to `serviceAccountName`, or remove it where `serviceAccountName` is set.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccount: app
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`,
	Tags:  []string{"correctness", "service-account"},
	Check: checkDeprecatedServiceAccount,
}

// ServiceAccountFieldsDisagree is TL402.
var ServiceAccountFieldsDisagree = &analyzer.Rule{
	ID:       "TL402",
	Slug:     "service-account-fields-disagree",
	Title:    "Pod spec's serviceAccount and serviceAccountName name different ServiceAccounts",
	Severity: analyzer.SeverityError,
	Description: "When a pod spec sets both the deprecated `serviceAccount` and `serviceAccountName` to different " +
		"names, the pod runs as `serviceAccountName`'s: the API server drops the other and stores " +
		"`serviceAccountName` in its place. Whoever reads or reviews the manifest by the deprecated field, and " +
		"tools that still read it, see another identity than the one the pod gets, its RBAC and its tokens.",
	Remediation: "Remove `serviceAccount` and keep the ServiceAccount the pod is meant to run as in `serviceAccountName`.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  serviceAccount: app-readonly
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
`,
	Tags:  []string{"security", "service-account"},
	Check: checkServiceAccountFieldsDisagree,
}

// ServiceAccountNotInInput is TL403.
var ServiceAccountNotInInput = &analyzer.Rule{
	ID:       "TL403",
	Slug:     "service-account-not-in-input",
	Title:    "Pod names a ServiceAccount the input does not define, beside others of its namespace",
	Severity: analyzer.SeverityWarning,
	Description: "A pod whose ServiceAccount does not exist is never created: the ServiceAccount admission " +
		"controller refuses it, and a Deployment's ReplicaSet keeps failing. When the input defines " +
		"ServiceAccounts in the pod's namespace but not the one it names, the name is likely misspelt or its file " +
		"left out; the message names the closest ServiceAccount of the namespace. The `default` ServiceAccount, " +
		"which Kubernetes creates in every namespace, is never reported, nor is a namespace for which the input " +
		"defines no ServiceAccount (they are then managed elsewhere; lint with `--context PATH` to resolve them).",
	Remediation: "Correct the name, or add the ServiceAccount's manifest to the input.",
	Example: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments-worker
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
spec:
  serviceAccountName: payments-wroker
  automountServiceAccountToken: false
  containers:
  - name: worker
    image: registry.example.com/worker:1.0
`,
	Fixed: `apiVersion: v1
kind: ServiceAccount
metadata:
  name: payments-worker
---
apiVersion: v1
kind: Pod
metadata:
  name: worker
spec:
  serviceAccountName: payments-worker
  automountServiceAccountToken: false
  containers:
  - name: worker
    image: registry.example.com/worker:1.0
`,
	ExampleConfig: "enable:\n  - service-account-not-in-input\n",
	Tags:          []string{"correctness", "service-account"},
	Check:         checkServiceAccountNotInInput,
	NonDefault:    true,
	Facts:         []analyzer.Facts{serviceAccounts},
}

func checkDeprecatedServiceAccount(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok || ps.Spec.DeprecatedServiceAccount == "" {
		return
	}
	old, name := ps.Spec.DeprecatedServiceAccount, ps.Spec.ServiceAccountName
	switch name {
	case "":
		p.Report(ps.Path+".serviceAccount", "the pod spec names ServiceAccount %q with the deprecated serviceAccount field, which the API server reads only while serviceAccountName is empty. Name it with serviceAccountName", old)
	case old:
		p.Report(ps.Path+".serviceAccount", "the pod spec repeats serviceAccountName %q in the deprecated serviceAccount field, which the API server drops. Remove it", old)
	}
}

func checkServiceAccountFieldsDisagree(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	old, name := ps.Spec.DeprecatedServiceAccount, ps.Spec.ServiceAccountName
	if old == "" || name == "" || old == name {
		return
	}
	p.Report(ps.Path+".serviceAccount", "the deprecated serviceAccount field names ServiceAccount %q, but the pod runs as serviceAccountName's %q: the API server drops the other. Remove serviceAccount", old, name)
}

func checkServiceAccountNotInInput(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	name, _ := serviceAccountName(ps)
	ns := p.Object.Namespace
	if name == "default" || serviceAccounts.Count(p.Index, ns, name) > 0 {
		return
	}
	n := serviceAccounts.InNamespace(p.Index, ns)
	if n == 0 {
		return
	}
	var others []string
	for ref := range serviceAccounts.All(p.Index) {
		if ref.Namespace == ns && !slices.Contains(others, ref.Name) {
			others = append(others, ref.Name)
		}
	}
	field := ps.Path + ".serviceAccountName"
	if ps.Spec.ServiceAccountName == "" {
		field = ps.Path + ".serviceAccount"
	}
	hint := "A typo, or a file left out of the input?"
	if close := closestName(name, others); close != "" {
		hint = fmt.Sprintf("Did you mean %q?", close)
	}
	listed := others
	if len(listed) > 5 {
		listed = append(listed[:5:5], "…")
	}
	p.Report(field, "ServiceAccount %q is not in the input, which defines others in namespace %q, and no pod is created without it. %s The input's: %s",
		name, ns, hint, strings.Join(listed, ", "))
}

// closestName is the name within a third of its length in edits of name,
// the nearest one; "" when none is.
func closestName(name string, names []string) string {
	best, bestDist := "", 0
	for _, n := range names {
		d := levenshtein.ComputeDistance(name, n)
		if d <= max(1, len(n)/3) && (best == "" || d < bestDist) {
			best, bestDist = n, d
		}
	}
	return best
}

// DefaultServiceAccount is TL405.
var DefaultServiceAccount = &analyzer.Rule{
	ID:       "TL405",
	Slug:     "default-service-account",
	Title:    "Workload runs as its namespace's default ServiceAccount with a token mounted",
	Severity: analyzer.SeverityNote,
	Description: "Every namespace has a `default` ServiceAccount, and a pod that names none runs as it. Whatever " +
		"RBAC grants `default` (often more than intended, as every workload of the namespace shares it) then goes " +
		"to every such pod, and its automounted token lets code running there use it. A workload that calls the " +
		"API should have a ServiceAccount of its own, with its own RBAC. Off by default: TL301 already reports the " +
		"automounted token, and this rule adds the identity's side for teams that want each workload named; the " +
		"automount setting is resolved as TL301 resolves it.",
	Remediation: "Create a ServiceAccount for the workload and name it in `serviceAccountName`, or set `automountServiceAccountToken: false` if the workload never calls the API.",
	Example: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
      - name: api
        image: registry.example.com/api:1.0
`,
	Fixed: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      serviceAccountName: api
      containers:
      - name: api
        image: registry.example.com/api:1.0
`,
	ExampleConfig: "enable:\n  - default-service-account\n",
	Tags:          []string{"security", "service-account"},
	Check:         checkDefaultServiceAccount,
	Facts:         []analyzer.Facts{serviceAccounts},
	NonDefault:    true,
}

func checkDefaultServiceAccount(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	if name, _ := serviceAccountName(ps); name != "default" {
		return
	}
	a := effectiveAutomount(p, ps)
	if !a.on || a.podInvalid != nil {
		return
	}
	field := ps.Path
	if ps.Spec.ServiceAccountName == "default" {
		field += ".serviceAccountName"
	}
	p.Report(field, "the workload runs as namespace %q's default ServiceAccount, token mounted, so it holds what RBAC grants default to all. Give it a ServiceAccount of its own", p.Object.Namespace)
}
