package tokenlint.serviceaccount_token_secret_reference_test

import data.tokenlint.serviceaccount_token_secret_reference as policy

account := {
	"apiVersion": "v1",
	"kind": "ServiceAccount",
	"metadata": {"name": "build-bot", "namespace": "ci"},
	"secrets": [{"name": "registry-credentials"}, {"name": "build-bot-token-x7k2p"}],
}

inventory_with(secret) := {"namespace": {"ci": {"v1": {"Secret": {secret.metadata.name: secret}}}}, "cluster": {}}

secret(name, type) := {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": name, "namespace": "ci"}, "type": type}

test_generated_name_denied_when_secret_unknown if {
	findings := policy.deny with input as account
		with data.inventory as {"namespace": {}, "cluster": {}}
		with data.tokenlint.namespace as "ci"
	count(findings) == 1
	some finding in findings
	finding.path == "secrets[1]"
	contains(finding.msg, "named like a generated legacy token Secret")
}

test_known_token_secret_denied_whatever_its_name if {
	sa := object.union(account, {"secrets": [{"name": "deploy-credentials"}]})
	findings := policy.deny with input as sa
		with data.inventory as inventory_with(secret("deploy-credentials", "kubernetes.io/service-account-token"))
		with data.tokenlint.namespace as "ci"
	some finding in findings
	finding.path == "secrets[0]"
	contains(finding.msg, "a legacy token Secret")
}

test_known_opaque_secret_allowed_even_with_generated_name if {
	count(policy.deny) == 0 with input as object.union(account, {"secrets": [{"name": "build-bot-token-x7k2p"}]})
		with data.inventory as inventory_with(secret("build-bot-token-x7k2p", "Opaque"))
		with data.tokenlint.namespace as "ci"
}

test_token_secret_in_another_namespace_is_not_this_one if {
	other := {"namespace": {"prod": {"v1": {"Secret": {"deploy-credentials": secret("deploy-credentials", "kubernetes.io/service-account-token")}}}}, "cluster": {}}
	count(policy.deny) == 0 with input as object.union(account, {"secrets": [{"name": "deploy-credentials"}]})
		with data.inventory as other
		with data.tokenlint.namespace as "ci"
}

test_other_account_name_pattern_allowed if {
	count(policy.deny) == 0 with input as object.union(account, {"secrets": [{"name": "other-token-x7k2p"}]})
		with data.inventory as {"namespace": {}, "cluster": {}}
		with data.tokenlint.namespace as "ci"
}

test_dots_in_name_are_literal if {
	sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "a.b"}, "secrets": [{"name": "aXb-token-x7k2p"}]}
	count(policy.deny) == 0 with input as sa
		with data.inventory as {"namespace": {}, "cluster": {}}
		with data.tokenlint.namespace as "default"
}

test_bad_entries_do_not_hide_good_ones if {
	sa := object.union(account, {"secrets": [{"name": 12345}, {}, {"name": null}, {"name": "build-bot-token-abcde"}]})
	findings := policy.deny with input as sa
		with data.inventory as {"namespace": {}, "cluster": {}}
		with data.tokenlint.namespace as "ci"
	count(findings) == 1
	some finding in findings
	finding.path == "secrets[3]"
}

test_regex_characters_in_account_name_are_literal if {
	sa := {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa("}, "secrets": [{"name": "sa(-token-abcde"}]}
	count(policy.deny) == 1 with input as sa
		with data.inventory as {"namespace": {}, "cluster": {}}
		with data.tokenlint.namespace as "default"
}
