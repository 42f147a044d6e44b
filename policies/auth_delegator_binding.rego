# METADATA
# title: Binding grants system:auth-delegator
# description: |
#   `system:auth-delegator` lets its subjects call the TokenReview and SubjectAccessReview APIs: they can check any
#   token presented to them and ask whether its holder may do something. That is what a token reviewer needs (an
#   aggregated API server, Vault's Kubernetes auth method, a metrics proxy), and it is worth knowing who holds it:
#   a subject that can review tokens learns whose they are. Bound cluster-wide (a ClusterRoleBinding) it reviews
#   tokens of every namespace.
# custom:
#   id: TL604
#   slug: auth-delegator-binding
#   severity: note
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Keep system:auth-delegator to the token reviewers that need it, and bind it to their ServiceAccount alone.
#   tags: [security, service-account-token, rbac]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: vault-tokenreview
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: system:auth-delegator
#     subjects:
#     - kind: ServiceAccount
#       name: vault
#       namespace: vault
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: vault-reader
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: view
#     subjects:
#     - kind: ServiceAccount
#       name: vault
#       namespace: vault
package tokenlint.auth_delegator_binding

deny contains {"msg": msg, "path": "roleRef.name"} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "system:auth-delegator"
	msg := sprintf("%s %q grants system:auth-delegator%s: its subjects can review any token presented to them. Keep it to token reviewers (%s)", [
		input.kind, input.metadata.name, scope, concat(", ", sort(subjects)),
	])
}

scope := " cluster-wide" if input.kind == "ClusterRoleBinding"

else := sprintf(" in namespace %q", [input.metadata.namespace]) if is_string(input.metadata.namespace)

else := ""

subjects contains s if {
	some sub in input.subjects
	sub.kind == "ServiceAccount"
	s := sprintf("ServiceAccount %s/%s", [object.get(sub, "namespace", "?"), sub.name])
}

subjects contains s if {
	some sub in input.subjects
	sub.kind != "ServiceAccount"
	s := sprintf("%s %s", [sub.kind, sub.name])
}

subjects contains "no subjects" if count(object.get(input, "subjects", [])) == 0
