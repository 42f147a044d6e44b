package tokenlint.legacy_token_secret_test

import data.tokenlint.legacy_token_secret

token_secret := {
	"apiVersion": "v1",
	"kind": "Secret",
	"metadata": {"name": "ci-token", "annotations": {"kubernetes.io/service-account.name": "ci"}},
	"type": "kubernetes.io/service-account-token",
}

test_token_secret_denied if {
	some finding in legacy_token_secret.deny with input as token_secret
	finding.path == "type"
	contains(finding.msg, `ServiceAccount "ci"`)
}

test_token_secret_without_annotation_denied if {
	secret := json.remove(token_secret, ["metadata/annotations"])
	some finding in legacy_token_secret.deny with input as secret
	contains(finding.msg, `Secret "ci-token" holds a legacy token that never expires`)
}

test_opaque_secret_allowed if {
	count(legacy_token_secret.deny) == 0 with input as object.union(token_secret, {"type": "Opaque"})
}

test_other_api_group_allowed if {
	count(legacy_token_secret.deny) == 0 with input as object.union(token_secret, {"apiVersion": "example.com/v1"})
}

test_generated_name if {
	secret := json.patch(token_secret, [{"op": "replace", "path": "/metadata", "value": {"generateName": "ci-token-"}}])
	some finding in legacy_token_secret.deny with input as secret
	contains(finding.msg, `Secret named "ci-token-" plus a generated suffix holds a legacy token that never expires`)
}

test_odd_annotation_still_denied if {
	secret := json.patch(token_secret, [{"op": "replace", "path": "/metadata/annotations/kubernetes.io~1service-account.name", "value": 5}])
	some finding in legacy_token_secret.deny with input as secret
	contains(finding.msg, "acts as its ServiceAccount")
}
