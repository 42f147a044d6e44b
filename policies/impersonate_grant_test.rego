package tokenlint.impersonate_grant_test

import data.tokenlint.impersonate_grant

role := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "proxy"},
	"rules": [{"apiGroups": [""], "resources": ["users", "groups", "serviceaccounts"], "verbs": ["impersonate"]}],
}

empty := {"namespace": {}, "cluster": {}}

test_impersonate_warned if {
	some f in impersonate_grant.deny with input as role with data.inventory as empty
	f.path == "rules[0]"
	contains(f.msg, `ClusterRole "proxy" grants impersonate on groups, serviceaccounts, users`)
}

test_wildcard_warned if {
	admin := json.patch(role, [{"op": "replace", "path": "/rules/0", "value": {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}}])
	some f in impersonate_grant.deny with input as admin with data.inventory as empty
	contains(f.msg, "groups, serviceaccounts, uids, userextras, users")
}

test_userextras_warned if {
	extras := json.patch(role, [{"op": "replace", "path": "/rules/0/resources", "value": ["userextras/scopes"]}, {"op": "replace", "path": "/rules/0/apiGroups", "value": ["authentication.k8s.io"]}])
	some f in impersonate_grant.deny with input as extras with data.inventory as empty
	contains(f.msg, "impersonate on userextras")
}

test_get_fine if {
	get := json.patch(role, [{"op": "replace", "path": "/rules/0/verbs", "value": ["get", "list"]}])
	count(impersonate_grant.deny) == 0 with input as get with data.inventory as empty
}

test_resource_names_named if {
	named := json.patch(role, [{"op": "add", "path": "/rules/0/resourceNames", "value": ["alice"]}])
	some f in impersonate_grant.deny with input as named with data.inventory as empty
	contains(f.msg, `(only "alice")`)
}
