package tokenlint.token_request_test

import data.tokenlint.token_request

role := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "Role",
	"metadata": {"name": "minter", "namespace": "ci"},
	"rules": [
		{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]},
		{"apiGroups": [""], "resources": ["serviceaccounts/token"], "verbs": ["create"]},
	],
}

no_inventory := {"namespace": {}, "cluster": {}}

test_token_request_denied if {
	some f in token_request.deny with input as role with data.inventory as no_inventory with data.tokenlint.namespace as "ci"
	f.path == "rules[1]"
	contains(f.msg, `Role "minter" grants create on serviceaccounts/token, the TokenRequest API. Its holders mint tokens for every ServiceAccount of namespace "ci"`)
}

test_wildcards_denied if {
	admin := json.patch(role, [{"op": "replace", "path": "/rules/1", "value": {"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}}])
	some f in token_request.deny with input as admin with data.inventory as no_inventory with data.tokenlint.namespace as "ci"
	contains(f.msg, "(through wildcards)")
}

test_resource_names_named if {
	narrowed := json.patch(role, [{"op": "add", "path": "/rules/1/resourceNames", "value": ["deployer"]}])
	some f in token_request.deny with input as narrowed with data.inventory as no_inventory with data.tokenlint.namespace as "ci"
	contains(f.msg, `mint tokens for ServiceAccounts "deployer"`)
}

test_other_group_allowed if {
	apps := json.patch(role, [{"op": "replace", "path": "/rules/1/apiGroups", "value": ["apps"]}])
	count(token_request.deny) == 0 with input as apps with data.inventory as no_inventory with data.tokenlint.namespace as "ci"
}

test_get_allowed if {
	get := json.patch(role, [{"op": "replace", "path": "/rules/1/verbs", "value": ["get", "list"]}])
	count(token_request.deny) == 0 with input as get with data.inventory as no_inventory with data.tokenlint.namespace as "ci"
}

test_subjects_named if {
	binding := {
		"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
		"metadata": {"name": "minter", "namespace": "ci"},
		"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "minter"},
		"subjects": [{"kind": "ServiceAccount", "name": "runner", "namespace": "ci"}, {"kind": "Group", "name": "ci-admins"}],
	}
	inv := {"namespace": {"ci": {"rbac.authorization.k8s.io/v1": {"RoleBinding": {"minter": binding}}}}, "cluster": {}}
	some f in token_request.deny with input as role with data.inventory as inv with data.tokenlint.namespace as "ci"
	contains(f.msg, "The input binds it to Group ci-admins, ServiceAccount ci/runner")
}
