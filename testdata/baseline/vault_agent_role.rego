# METADATA
# title: Vault agent injection without a role
# description: |
#   The Vault agent injector logs in with the pod's ServiceAccount token under the role named by the
#   vault.hashicorp.com/role annotation. Without it the agent cannot log in, and teams fall back to
#   mounting long-lived tokens instead.
# custom:
#   id: ACME002
#   slug: acme-vault-agent-role
#   severity: warning
#   kinds: [Deployment, StatefulSet, DaemonSet]
#   remediation: Name the Vault role in the vault.hashicorp.com/role annotation.
package acme.vault_agent_role

deny contains {"msg": msg, "path": path} if {
	annotations := input.spec.template.metadata.annotations
	annotations["vault.hashicorp.com/agent-inject"] == "true"
	not annotations["vault.hashicorp.com/role"]
	path := "spec.template.metadata.annotations[vault.hashicorp.com/agent-inject]"
	msg := sprintf("%s %q injects the Vault agent but names no Vault role, so the agent cannot log in", [input.kind, input.metadata.name])
}
