# METADATA
# title: RBAC object of an API version Kubernetes removed
# description: |
#   `rbac.authorization.k8s.io/v1beta1` (and `v1alpha1`) were removed in Kubernetes 1.22: the API server rejects
#   Roles, ClusterRoles and their bindings written in them, so the permissions they grant, or the token access
#   they were meant to limit, are not what the cluster has. `v1` has the same fields.
# custom:
#   id: TL606
#   slug: rbac-removed-api-version
#   severity: error
#   kinds: [Role, ClusterRole, RoleBinding, ClusterRoleBinding]
#   remediation: Write the object as rbac.authorization.k8s.io/v1.
#   tags: [correctness, rbac]
#   example: |
#     apiVersion: rbac.authorization.k8s.io/v1beta1
#     kind: ClusterRoleBinding
#     metadata:
#       name: kubelet-api-admin
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: system:kubelet-api-admin
#     subjects:
#     - apiGroup: rbac.authorization.k8s.io
#       kind: User
#       name: kubelet-api
#   fixed: |
#     apiVersion: rbac.authorization.k8s.io/v1
#     kind: ClusterRoleBinding
#     metadata:
#       name: kubelet-api-admin
#     roleRef:
#       apiGroup: rbac.authorization.k8s.io
#       kind: ClusterRole
#       name: system:kubelet-api-admin
#     subjects:
#     - apiGroup: rbac.authorization.k8s.io
#       kind: User
#       name: kubelet-api
package tokenlint.rbac_removed_api_version

removed := {"rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1"}

deny contains {"msg": msg, "path": "apiVersion"} if {
	input.apiVersion in removed
	msg := sprintf("%s %q is written as %s, which Kubernetes 1.22 removed, so the API server rejects it. Write it as rbac.authorization.k8s.io/v1", [input.kind, input.metadata.name, input.apiVersion])
}
