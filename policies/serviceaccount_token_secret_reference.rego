# METADATA
# title: ServiceAccount lists a legacy token Secret
# description: |
#   Before Kubernetes 1.24 the token controller created a legacy token Secret for every ServiceAccount, named
#   `<serviceaccount>-token-<5 random characters>`, and listed it under the ServiceAccount's `secrets:`. A manifest
#   that still lists one keeps a never-expiring token alive (or recreates the reference when it is applied), and
#   tells readers that the ServiceAccount authenticates with it. `secrets:` is only meant for Secrets that pods of
#   the ServiceAccount may use; since 1.24 tokens come from the TokenRequest API and need no entry. The entry is
#   reported when the run holds that Secret with the legacy token type, or, when the run does not hold it, when its
#   name follows the generated pattern. Of several Secrets of that name in the run, the one nearest to the
#   ServiceAccount counts: in the same file, then the same directory, then the closest directory up the tree.
# custom:
#   id: TL202
#   slug: serviceaccount-token-secret-reference
#   severity: warning
#   kinds: [ServiceAccount]
#   inventory: [Secret]
#   remediation: Remove the token Secret from the ServiceAccount's secrets list and delete the Secret.
#   tags: [security, service-account-token, legacy-token]
#   example: |
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata:
#       name: build-bot
#     secrets:
#     - name: build-bot-token-x7k2p
#   fixed: |
#     apiVersion: v1
#     kind: ServiceAccount
#     metadata:
#       name: build-bot
package tokenlint.serviceaccount_token_secret_reference

import data.lib.kubernetes

deny contains {"msg": msg, "path": sprintf("secrets[%d]", [i])} if {
	input.apiVersion == "v1"
	some i, entry in input.secrets
	is_string(entry.name)
	why := token_secret(entry.name)
	msg := sprintf("ServiceAccount %q lists Secret %q, %s: its token never expires", [input.metadata.name, entry.name, why])
}

# A Secret the run holds is judged by its type.
token_secret(name) := "a legacy token Secret" if {
	kubernetes.is_token_secret(kubernetes.secret(name))
}

# A Secret the run does not hold is judged by the name the token controller
# gave it: <serviceaccount>-token-<5 random characters>.
token_secret(name) := "named like a generated legacy token Secret" if {
	not kubernetes.secret(name)
	prefix := concat("", [input.metadata.name, "-token-"])
	startswith(name, prefix)
	regex.match(`^[a-z0-9]{5}$`, trim_prefix(name, prefix))
}
