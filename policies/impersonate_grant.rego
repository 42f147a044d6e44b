# METADATA
# title: Role lets its holders impersonate users, groups or ServiceAccounts
# description: |
#   `impersonate` on `users`, `groups` or `serviceaccounts` (or `userextras`, `uids`) lets its holders send
#   requests as someone else (`kubectl --as`): impersonating a ServiceAccount gives them its permissions without
#   its token, and impersonating `system:masters` gives them the cluster. Proxies that authenticate users for
#   the API server need it; little else should. Wildcards in the core API group or
#   `authentication.k8s.io` count. The rule names the subjects the input binds to the role.
# custom:
#   id: TL608
#   slug: impersonate-grant
#   severity: warning
#   kinds: [Role, ClusterRole]
#   inventory: [RoleBinding, ClusterRoleBinding]
#   remediation: Remove impersonate, or narrow it with resourceNames to the identities the holder must act as.
#   tags: [security, service-account-token, rbac]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRole
#     metadata:
#       name: impersonator
#     rules:
#     - apiGroups: [""]
#       resources: [serviceaccounts, users, groups]
#       verbs: [impersonate]
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRole
#     metadata:
#       name: impersonator
#     rules:
#     - apiGroups: [""]
#       resources: [serviceaccounts]
#       verbs: [get]
package tokenlint.impersonate_grant

import data.lib.kubernetes

deny contains {"msg": msg, "path": sprintf("rules[%d]", [i])} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	some i, rule in input.rules
	what := impersonated(rule)
	count(what) > 0
	msg := sprintf("%s %q grants impersonate on %s%s. Its holders act as those identities, with their permissions and without their tokens%s", [
		input.kind, input.metadata.name, concat(", ", sort(what)), narrowed(rule), bound_to,
	])
}

# impersonated are the kinds of identity a rule lets its holders impersonate.
impersonated(rule) := {r |
	some v in rule.verbs
	v in {"impersonate", "*"}
	some g in rule.apiGroups
	g in {"", "*", "authentication.k8s.io"}
	some res in rule.resources
	some r in expand(res)
}

expand(res) := {"users", "groups", "serviceaccounts", "userextras", "uids"} if res == "*"

expand(res) := {res} if res in {"users", "groups", "serviceaccounts", "uids"}

expand(res) := {"userextras"} if startswith(res, "userextras")

narrowed(rule) := sprintf(" (only %s)", [concat(", ", [sprintf("%q", [n]) | some n in rule.resourceNames])]) if {
	count(object.get(rule, "resourceNames", [])) > 0
} else := ""

bound_to := sprintf(". The input binds it to %s", [concat(", ", sort(subjects))]) if {
	count(subjects) > 0
} else := ""

subjects contains kubernetes.subject_name(s) if {
	some version, kinds in binding_roots
	startswith(version, "rbac.authorization.k8s.io/")
	some b in object.union(object.get(kinds, "RoleBinding", {}), object.get(kinds, "ClusterRoleBinding", {}))
	b.roleRef.kind == input.kind
	b.roleRef.name == input.metadata.name
	some s in b.subjects
}

# binding_roots are the inventory's apiVersion maps that may hold bindings of
# the role: its namespace's for a Role; every namespace's and the cluster's
# for a ClusterRole.
binding_roots[v] := kinds if {
	input.kind == "Role"
	some v, kinds in kubernetes.namespaced
}

binding_roots[sprintf("%s@%s", [v, ns])] := kinds if {
	input.kind == "ClusterRole"
	some ns, versions in data.inventory.namespace
	some v, kinds in versions
}

binding_roots[sprintf("%s@cluster", [v])] := kinds if {
	input.kind == "ClusterRole"
	some v, kinds in data.inventory.cluster
}
