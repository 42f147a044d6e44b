# METADATA
# title: Legacy service account token Secret
# description: |
#   A Secret of `type: kubernetes.io/service-account-token` makes the token controller mint a legacy token for
#   the ServiceAccount named in its `kubernetes.io/service-account.name` annotation. That token carries no expiry
#   and no audience and lives as long as the Secret: anyone who can read the Secret, now or years from now, acts
#   as the ServiceAccount against the API server. Kubernetes stopped creating these Secrets in 1.24 and cleans
#   up unused ones since 1.29. Bound tokens from the TokenRequest API (a projected `serviceAccountToken` volume,
#   or `kubectl create token`) expire, rotate and name their audience.
# custom:
#   id: TL201
#   slug: legacy-token-secret
#   severity: error
#   kinds: [Secret]
#   remediation: Delete the Secret and give the workload a projected serviceAccountToken volume, or request a short-lived token with the TokenRequest API.
#   tags: [security, service-account-token, legacy-token]
#   example: |
#     apiVersion: v1
#     kind: Secret
#     metadata:
#       name: ci-deployer-token
#       annotations:
#         kubernetes.io/service-account.name: ci-deployer
#     type: kubernetes.io/service-account-token
#   fixed: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: deploy
#     spec:
#       serviceAccountName: ci-deployer
#       automountServiceAccountToken: false
#       containers:
#       - name: deploy
#         image: registry.example.com/deployer:1.0
#         volumeMounts:
#         - name: api-token
#           mountPath: /var/run/secrets/tokens
#       volumes:
#       - name: api-token
#         projected:
#           sources:
#           - serviceAccountToken:
#               path: token
#               audience: https://kubernetes.default.svc
#               expirationSeconds: 3600
package tokenlint.legacy_token_secret

import data.lib.kubernetes

deny contains {"msg": msg, "path": "type"} if {
	kubernetes.is_token_secret(input)
	msg := sprintf("Secret %s holds a legacy token that never expires, so anyone who can read the Secret acts as %s", [secret_name, owner])
}

# The Secret's name for messages; a generated name is not known yet.
secret_name := sprintf("%q", [name]) if is_string(name)

secret_name := sprintf("named %q plus a generated suffix", [generate_name]) if {
	not is_string(name)
	is_string(generate_name)
}

name := object.get(input, ["metadata", "name"], null)

generate_name := object.get(input, ["metadata", "generateName"], null)

default secret_name := "without a name"

owner := sprintf("ServiceAccount %q", [account]) if {
	account := kubernetes.token_secret_account(input)
	is_string(account)
}

default owner := "its ServiceAccount"
