# METADATA
# title: ClusterRole bound cluster-wide reads every Secret
# description: |
#   `get`, `list` or `watch` on `secrets`, granted by a ClusterRole that a ClusterRoleBinding binds, reads every
#   Secret of every namespace: every legacy service account token among them, each a credential of its
#   ServiceAccount that never expires. `list` and `watch` return the Secrets' data too. Controllers that need
#   Secrets should read those of their own namespace (a Role), or name them (`resourceNames`). Reported on the
#   ClusterRole's rule when the input holds the ClusterRoleBinding, naming the subjects it binds; TL603 reports
#   narrower grants.
# custom:
#   id: TL602
#   slug: secrets-read-cluster-wide
#   severity: warning
#   kinds: [ClusterRole]
#   inventory: [ClusterRoleBinding]
#   remediation: Grant Secrets in a Role of the namespace that holds them, or list them in resourceNames.
#   tags: [security, service-account-token, rbac, legacy-token]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRole
#     metadata:
#       name: secret-syncer
#     rules:
#     - apiGroups: [""]
#       resources: [secrets]
#       verbs: [get, list, watch]
#     ---
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: secret-syncer
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: secret-syncer
#     subjects:
#     - kind: ServiceAccount
#       name: syncer
#       namespace: tools
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: secret-syncer
#       namespace: tools
#     rules:
#     - apiGroups: [""]
#       resources: [secrets]
#       verbs: [get, list, watch]
package tokenlint.secrets_read_cluster_wide

import data.lib.kubernetes

deny contains {"msg": msg, "path": sprintf("rules[%d]", [i])} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	kubernetes.bound_cluster_wide
	some i, rule in input.rules
	kubernetes.reads_secrets(rule)
	msg := sprintf("ClusterRole %q reads every Secret of every namespace, legacy tokens included. The input binds it cluster-wide to %s", [
		input.metadata.name, concat(", ", sort(kubernetes.cluster_subjects)),
	])
}
