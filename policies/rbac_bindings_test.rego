package tokenlint.rbac_bindings_test

import data.tokenlint.auth_delegator_binding
import data.tokenlint.issuer_discovery_public

binding(role, subjects) := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRoleBinding",
	"metadata": {"name": "b"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": role},
	"subjects": subjects,
}

test_auth_delegator_noted if {
	some f in auth_delegator_binding.deny with input as binding("system:auth-delegator", [{"kind": "ServiceAccount", "name": "vault", "namespace": "vault"}])
	f.path == "roleRef.name"
	contains(f.msg, "cluster-wide")
	contains(f.msg, "ServiceAccount vault/vault")
}

test_other_role_not_noted if {
	count(auth_delegator_binding.deny) == 0 with input as binding("view", [{"kind": "ServiceAccount", "name": "vault", "namespace": "vault"}])
}

test_role_named_like_it_not_noted if {
	b := json.patch(binding("system:auth-delegator", []), [{"op": "replace", "path": "/roleRef/kind", "value": "Role"}])
	count(auth_delegator_binding.deny) == 0 with input as b
}

test_issuer_discovery_public_noted if {
	b := binding("system:service-account-issuer-discovery", [
		{"kind": "Group", "name": "system:authenticated"},
		{"kind": "Group", "name": "system:unauthenticated"},
	])
	some f in issuer_discovery_public.deny with input as b
	f.path == "subjects[1]"
}

test_issuer_discovery_authenticated_fine if {
	b := binding("system:service-account-issuer-discovery", [{"kind": "Group", "name": "system:authenticated"}])
	count(issuer_discovery_public.deny) == 0 with input as b
}

test_removed_rbac_version_denied if {
	b := json.patch(binding("view", []), [{"op": "replace", "path": "/apiVersion", "value": "rbac.authorization.k8s.io/v1beta1"}])
	some f in data.tokenlint.rbac_removed_api_version.deny with input as b
	f.path == "apiVersion"
}

test_rbac_v1_fine if {
	count(data.tokenlint.rbac_removed_api_version.deny) == 0 with input as binding("view", [])
}
