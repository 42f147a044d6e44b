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
