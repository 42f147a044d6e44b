# METADATA
# title: Role lets its holders mint tokens for ServiceAccounts
# description: |
#   `create` on the `serviceaccounts/token` subresource is the TokenRequest API: whoever holds it can mint a
#   token for any ServiceAccount in scope (every ServiceAccount of the namespace, or of every namespace for a
#   ClusterRole bound cluster-wide), and then act with that ServiceAccount's permissions. Operators that hand out
#   tokens (an external secrets controller, a Vault auth backend, a CI system's deployer) need it; anything else
#   should not have it. The rule also reports it granted through wildcards in the core API group: `*` resources,
#   `serviceaccounts/*` or `*/token`, and `*` verbs. It names the subjects the input binds to the role, and
#   the ServiceAccounts a `resourceNames` list narrows it to.
# custom:
#   id: TL601
#   slug: token-request-grant
#   severity: warning
#   kinds: [Role, ClusterRole]
#   inventory: [RoleBinding, ClusterRoleBinding]
#   remediation: Remove create on serviceaccounts/token, or narrow it with resourceNames to the ServiceAccounts the holder must mint tokens for.
#   tags: [security, service-account-token, rbac]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: token-minter
#       namespace: ci
#     rules:
#     - apiGroups: [""]
#       resources: [serviceaccounts/token]
#       verbs: [create]
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: Role
#     metadata:
#       name: token-minter
#       namespace: ci
#     rules:
#     - apiGroups: [""]
#       resources: [serviceaccounts]
#       verbs: [get]
package tokenlint.token_request

import data.lib.kubernetes

deny contains {"msg": msg, "path": sprintf("rules[%d]", [i])} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	some i, rule in input.rules
	grants_token_request(rule)
	msg := sprintf("%s %q grants create on serviceaccounts/token%s, the TokenRequest API. Its holders mint tokens for %s, and act as them%s", [
		input.kind, input.metadata.name, how(rule), scope(rule), bound_to,
	])
}

grants_token_request(rule) if {
	some g in rule.apiGroups
	g in {"", "*"}
	some r in rule.resources
	r in {"*", "serviceaccounts/token", "serviceaccounts/*", "*/token"}
	some v in rule.verbs
	v in {"create", "*"}
}

# how says when the grant comes through wildcards.
how(rule) := "" if {
	"serviceaccounts/token" in rule.resources
	"create" in rule.verbs
} else := " (through wildcards)"

# scope is which ServiceAccounts the grant mints tokens for.
scope(rule) := sprintf("ServiceAccounts %s", [concat(", ", [sprintf("%q", [n]) | some n in rule.resourceNames])]) if {
	count(rule.resourceNames) > 0
} else := "every ServiceAccount where it is bound" if {
	input.kind == "ClusterRole"
} else := sprintf("every ServiceAccount of namespace %q", [kubernetes.namespace])

# bound_to names the subjects the input binds to the role.
bound_to := sprintf(". The input binds it to %s", [concat(", ", sort(subjects))]) if {
	count(subjects) > 0
} else := ""

subjects contains kubernetes.subject_name(s) if {
	some b in bindings
	b.roleRef.kind == input.kind
	b.roleRef.name == input.metadata.name
	some s in b.subjects
}

# bindings are the RoleBindings that can refer to the role (its namespace's,
# or any namespace's for a ClusterRole) and, for a ClusterRole, the
# ClusterRoleBindings.
bindings contains b if {
	input.kind == "Role"
	some version, kinds in kubernetes.namespaced
	startswith(version, "rbac.authorization.k8s.io/")
	some b in kinds.RoleBinding
}

bindings contains b if {
	input.kind == "ClusterRole"
	some _, versions in data.inventory.namespace
	some version, kinds in versions
	startswith(version, "rbac.authorization.k8s.io/")
	some b in kinds.RoleBinding
}

bindings contains b if {
	input.kind == "ClusterRole"
	some version, kinds in data.inventory.cluster
	startswith(version, "rbac.authorization.k8s.io/")
	some b in kinds.ClusterRoleBinding
}
