package tokenlint.secrets_read_test

import data.tokenlint.secrets_read
import data.tokenlint.secrets_read_cluster_wide

reader := {
	"apiVersion": "rbac.authorization.k8s.io/v1",
	"kind": "ClusterRole",
	"metadata": {"name": "reader"},
	"rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list", "watch"]}],
}

crb := {
	"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding",
	"metadata": {"name": "reader"},
	"roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "reader"},
	"subjects": [{"kind": "ServiceAccount", "name": "sync", "namespace": "tools"}],
}

bound := {"namespace": {}, "cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRoleBinding": {"reader": crb}}}}

unbound := {"namespace": {}, "cluster": {}}

test_cluster_wide_warned if {
	some f in secrets_read_cluster_wide.deny with input as reader with data.inventory as bound
	f.path == "rules[0]"
	contains(f.msg, "binds it cluster-wide to ServiceAccount tools/sync")
	count(secrets_read.deny) == 0 with input as reader with data.inventory as bound
}

test_unbound_noted if {
	count(secrets_read_cluster_wide.deny) == 0 with input as reader with data.inventory as unbound
	some f in secrets_read.deny with input as reader with data.inventory as unbound
	contains(f.msg, "of each namespace it is bound in")
}

test_resource_names_fine if {
	named := json.patch(reader, [{"op": "add", "path": "/rules/0/resourceNames", "value": ["app-tls"]}])
	count(secrets_read_cluster_wide.deny) == 0 with input as named with data.inventory as bound
	count(secrets_read.deny) == 0 with input as named with data.inventory as bound
}

test_other_group_fine if {
	es := json.patch(reader, [{"op": "replace", "path": "/rules/0/apiGroups", "value": ["external-secrets.io"]}])
	count(secrets_read_cluster_wide.deny) == 0 with input as es with data.inventory as bound
	count(secrets_read.deny) == 0 with input as es with data.inventory as bound
}

test_create_only_fine if {
	writer := json.patch(reader, [{"op": "replace", "path": "/rules/0/verbs", "value": ["create", "update"]}])
	count(secrets_read_cluster_wide.deny) == 0 with input as writer with data.inventory as bound
}
