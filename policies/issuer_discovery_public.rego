# METADATA
# title: Service account issuer discovery is open to unauthenticated clients
# description: |
#   `system:service-account-issuer-discovery` lets its subjects read the API server's OIDC discovery document and
#   signing keys (`/.well-known/openid-configuration`, `/openid/v1/jwks`), so that external systems can verify
#   bound service account tokens. Bound to `system:unauthenticated`, anyone who can reach the API server reads
#   them: the issuer becomes public. That is the documented way to federate with a cloud's identity service, and
#   is worth doing on purpose: it also tells anyone the cluster's issuer and key IDs.
# custom:
#   id: TL605
#   slug: issuer-discovery-public
#   severity: note
#   kinds: [ClusterRoleBinding, RoleBinding]
#   remediation: Bind system:service-account-issuer-discovery to system:authenticated, or to the identities that verify tokens, unless the issuer is meant to be public.
#   tags: [security, service-account-token, rbac]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: service-account-issuer-discovery
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: system:service-account-issuer-discovery
#     subjects:
#     - apiGroup: rbac.authorization.k8s.io
#       kind: Group
#       name: system:unauthenticated
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: service-account-issuer-discovery
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: system:service-account-issuer-discovery
#     subjects:
#     - apiGroup: rbac.authorization.k8s.io
#       kind: Group
#       name: system:authenticated
package tokenlint.issuer_discovery_public

deny contains {"msg": msg, "path": sprintf("subjects[%d]", [i])} if {
	startswith(input.apiVersion, "rbac.authorization.k8s.io/")
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "system:service-account-issuer-discovery"
	some i, sub in input.subjects
	sub.kind == "Group"
	sub.name == "system:unauthenticated"
	msg := sprintf("%s %q opens service account issuer discovery to system:unauthenticated. Anyone who reaches the API server reads its issuer and signing keys", [input.kind, input.metadata.name])
}
