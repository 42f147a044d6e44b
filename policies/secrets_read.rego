# METADATA
# title: Role reads every Secret of a namespace
# description: |
#   `get`, `list` or `watch` on `secrets` without `resourceNames` reads every Secret where the role applies,
#   legacy service account tokens included: a Role in its namespace, a ClusterRole in each namespace a
#   RoleBinding binds it in (or everywhere, if a ClusterRoleBinding the input does not hold binds it). A note:
#   many controllers need it. Naming the Secrets keeps the holder from the tokens. TL602 reports a ClusterRole
#   the input binds cluster-wide.
# custom:
#   id: TL603
#   slug: secrets-read
#   severity: note
#   kinds: [Role, ClusterRole]
#   inventory: [ClusterRoleBinding]
#   remediation: List the Secrets the holder needs in resourceNames.
#   tags: [security, service-account-token, rbac, legacy-token]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: app-config
#       namespace: shop
#     rules:
#     - apiGroups: [""]
#       resources: [secrets]
#       verbs: [get]
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: app-config
#       namespace: shop
#     rules:
#     - apiGroups: [""]
#       resources: [secrets]
#       resourceNames: [app-config]
#       verbs: [get]
package tokenlint.secrets_read

import data.lib.kubernetes

deny contains {"msg": msg, "path": sprintf("rules[%d]", [i])} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	not kubernetes.bound_cluster_wide
	some i, rule in input.rules
	kubernetes.reads_secrets(rule)
	msg := sprintf("%s %q reads every Secret %s, legacy service account tokens included. Name the Secrets it needs in resourceNames", [input.kind, input.metadata.name, where])
}

where := sprintf("of namespace %q", [kubernetes.namespace]) if input.kind == "Role"

else := "of each namespace it is bound in"
