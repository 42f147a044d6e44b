# Helpers shared by tokenlint's policies, built in and user supplied.
# Import it with `import data.lib.kubernetes`.
package lib.kubernetes

# The type of a Secret that holds a legacy, never-expiring token.
token_secret_type := "kubernetes.io/service-account-token"

# The object's namespace as the run resolves it: as written, else
# --namespace, else "default". Empty for cluster-scoped objects.
namespace := data.tokenlint.namespace

# Objects of the run in the object's namespace, by apiVersion, kind and name.
namespaced := object.get(data.inventory.namespace, namespace, {})

# is_token_secret(s) holds for a core Secret of the legacy token type.
is_token_secret(s) if {
	s.apiVersion == "v1"
	s.kind == "Secret"
	s.type == token_secret_type
}

# secret(name) is the Secret of that name in the object's namespace, if the
# run holds it.
secret(name) := namespaced.v1.Secret[name]

# The ServiceAccount a token Secret belongs to, from its annotation.
token_secret_account(s) := s.metadata.annotations["kubernetes.io/service-account.name"]

# pod_specs holds the pod spec of a workload with its field path, for every
# kind that embeds one: {"path": "spec.template.spec", "spec": {...}}.
pod_specs contains {"path": "spec", "spec": input.spec} if input.kind == "Pod"

pod_specs contains {"path": "template.spec", "spec": input.template.spec} if input.kind == "PodTemplate"

pod_specs contains {"path": "spec.jobTemplate.spec.template.spec", "spec": spec} if {
	input.kind == "CronJob"
	spec := input.spec.jobTemplate.spec.template.spec
}

pod_specs contains {"path": "spec.template.spec", "spec": spec} if {
	not input.kind in {"Pod", "PodTemplate", "CronJob"}
	spec := input.spec.template.spec
}

# projected_tokens holds every projected serviceAccountToken source of the
# object's pod spec with its field path:
# {"path": "spec.volumes[0].projected.sources[1].serviceAccountToken", "volume": "vault", "token": {...}}.
projected_tokens contains {"path": path, "volume": volume.name, "token": source.serviceAccountToken} if {
	some pod in pod_specs
	some i, volume in pod.spec.volumes
	some j, source in volume.projected.sources
	source.serviceAccountToken
	path := sprintf("%s.volumes[%d].projected.sources[%d].serviceAccountToken", [pod.path, i, j])
}

# join_path(path, key) appends a map key to a field path, quoted when the
# key needs it, so the path names that key whatever it holds:
# join_path("metadata.annotations", "team") is "metadata.annotations.team",
# join_path("metadata.annotations", "example.com/x]y") is
# `metadata.annotations["example.com/x]y"]`. Findings show every path in one
# spelling, the one tokenlint's own rules use (see "Field paths" in the
# README).
join_path(path, key) := concat(".", [path, key]) if {
	path != ""
	regex.match(`^[A-Za-z0-9_/-]+$`, key)
} else := key if {
	regex.match(`^[A-Za-z0-9_/-]+$`, key)
} else := sprintf("%s[%s]", [path, json.marshal(key)])

# reads_secrets(rule) holds for an RBAC rule that lets its holders read
# Secrets of the core group (get, list or watch, or "*"), wildcards included,
# for any Secret (no resourceNames).
reads_secrets(rule) if {
	some g in rule.apiGroups
	g in {"", "*"}
	some r in rule.resources
	r in {"*", "secrets"}
	some v in rule.verbs
	v in {"get", "list", "watch", "*"}
	count(object.get(rule, "resourceNames", [])) == 0
}

# bound_cluster_wide holds for a ClusterRole (the input) that a
# ClusterRoleBinding of the run binds; cluster_subjects are the subjects it
# binds it to, as "Kind name" or "ServiceAccount namespace/name". The policy
# must read ClusterRoleBinding in data.inventory (custom.inventory).
bound_cluster_wide if count(cluster_subjects) > 0

cluster_subjects contains subject_name(s) if {
	input.kind == "ClusterRole"
	some version, kinds in data.inventory.cluster
	startswith(version, "rbac.authorization.k8s.io/")
	some b in kinds.ClusterRoleBinding
	b.roleRef.kind == "ClusterRole"
	b.roleRef.name == input.metadata.name
	some s in b.subjects
}

# subject_name(s) names an RBAC subject for messages.
subject_name(s) := sprintf("ServiceAccount %s/%s", [object.get(s, "namespace", "?"), s.name]) if {
	s.kind == "ServiceAccount"
} else := sprintf("%s %s", [s.kind, s.name])
