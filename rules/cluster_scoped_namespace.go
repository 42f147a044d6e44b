package rules

import "github.com/tokenlint/tokenlint/analyzer"

// NamespaceOnClusterScoped is TL607.
var NamespaceOnClusterScoped = &analyzer.Rule{
	ID:       "TL607",
	Slug:     "namespace-on-cluster-scoped-object",
	Title:    "Cluster-scoped object sets a namespace",
	Severity: analyzer.SeverityWarning,
	Description: "A ClusterRole, a ClusterRoleBinding, a Namespace and the other cluster-scoped kinds have no " +
		"namespace: the API server ignores `metadata.namespace` on them. A reader takes the object for one that " +
		"applies in that namespace only, and a ClusterRoleBinding \"in\" a namespace still grants its ClusterRole " +
		"in every namespace. Written on a ClusterRoleBinding, it usually means a RoleBinding was meant. The " +
		"cluster-scoped kinds are Kubernetes' own, OpenShift's cluster configuration (`config.openshift.io`, " +
		"such as the cluster `Authentication`) and kops's; custom kinds tokenlint does not know are never reported.",
	Remediation: "Remove metadata.namespace, or use the namespaced kind (a RoleBinding instead of a ClusterRoleBinding) if the grant was meant for that namespace.",
	Example: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: token-reviewer
  namespace: vault
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
- kind: ServiceAccount
  name: vault
  namespace: vault
`,
	Fixed: `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: token-reviewer
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: system:auth-delegator
subjects:
- kind: ServiceAccount
  name: vault
  namespace: vault
`,
	Tags:  []string{"correctness", "rbac"},
	Check: checkNamespaceOnClusterScoped,
}

func checkNamespaceOnClusterScoped(p *analyzer.Pass) {
	// The loader gives every namespaced object a namespace (as written,
	// else the run's default), so an empty one is a cluster-scoped kind.
	if p.Object.Namespace != "" {
		return
	}
	if ns, _ := p.Object.Lookup("metadata.namespace"); ns != nil && ns != "" {
		extra := ""
		if p.Object.Kind == "ClusterRoleBinding" {
			extra = ". A RoleBinding grants in one namespace"
		}
		p.Report("metadata.namespace", "%s %q is cluster-scoped, so the API server ignores its namespace %v: it applies cluster-wide%s", p.Object.Kind, p.Object.Name, ns, extra)
	}
}
