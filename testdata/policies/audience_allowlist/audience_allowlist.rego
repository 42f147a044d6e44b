# METADATA
# title: Projected token for an audience the platform does not accept
# description: |
#   Our platform accepts bound service account tokens only for the recipients it runs: Vault and AWS STS.
#   A token for any other audience is meant for a system we do not operate, so it leaves the cluster.
# custom:
#   id: ACME001
#   slug: acme-audience-allowlist
#   severity: warning
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob]
#   remediation: Request the token for one of the accepted audiences, or ask the platform team to add yours.
#   url: https://wiki.example.com/platform/tokens
#   tags: [security, audience]
#   example: |
#     apiVersion: v1
#     kind: Pod
#     metadata:
#       name: app
#     spec:
#       containers:
#       - name: app
#         image: registry.example.com/app:1.0
#       volumes:
#       - name: token
#         projected:
#           sources:
#           - serviceAccountToken:
#               path: token
#               audience: https://partner.example.net
package acme.audience_allowlist

import data.lib.kubernetes

allowed := {"vault", "sts.amazonaws.com"}

deny contains {"msg": msg, "path": concat(".", [t.path, "audience"])} if {
	some t in kubernetes.projected_tokens
	not t.token.audience in allowed
	is_string(t.token.audience)
	t.token.audience != ""
	msg := sprintf("projected token in volume %q is for audience %q, which the platform does not accept (allowed: %s)",
		[t.volume, t.token.audience, concat(", ", sort(allowed))])
}
