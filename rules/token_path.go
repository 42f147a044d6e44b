package rules

import (
	"fmt"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	corev1 "k8s.io/api/core/v1"
)

// ProjectedTokenPathInvalid is TL404.
var ProjectedTokenPathInvalid = &analyzer.Rule{
	ID:       "TL404",
	Slug:     "projected-token-path-invalid",
	Title:    "Projected service account token has a path the API server rejects",
	Severity: analyzer.SeverityError,
	Description: "A projected `serviceAccountToken` source writes the token to a file named by its `path`, " +
		"relative to where the volume is mounted. The API server rejects the manifest (a workload's pod template " +
		"is validated as a pod is) when that path is missing or empty, absolute (`/var/run/secrets/tokens/vault`: " +
		"mount the volume there instead), contains a `..` element, starts with `..` (the kubelet keeps the " +
		"volume's own `..data` files there), or is the path of another source of the same projected volume " +
		"(a second token, a ConfigMap's or a Secret's item, a downward API file), so the workload is never " +
		"deployed.",
	Remediation: "Give the token a plain relative file name, such as `token`, unique within its volume, and set the file's directory with the volume mount's `mountPath`.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: /var/run/secrets/vault/token
          audience: vault
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
`,
	Tags:  []string{"correctness", "service-account-token"},
	Check: checkTokenPath,
}

func checkTokenPath(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	for _, t := range tokenSources(p) {
		raw, present := t.raw["path"]
		path, isString := raw.(string)
		switch {
		case !present || raw == nil:
			p.Report(t.path, "%s has no path, so the API server rejects the manifest: the token is written to the file path names, within the volume. %s", t.describe(), pathHow)
			continue
		case !isString:
			continue // not a string: an invalid-manifest finding
		case path == "":
			p.Report(t.field("path"), "%s has an empty path, so the API server rejects the manifest. %s", t.describe(), pathHow)
			continue
		}
		if why := badPath(path); why != "" {
			p.Report(t.field("path"), "%s %s, so the API server rejects the manifest. %s", t.describe(), why, pathHow)
			continue
		}
		if other, ok := sharedPath(ps, t, path); ok {
			p.Report(t.field("path"), "%s writes the same file as %s, so the API server rejects the manifest. Give each source of a projected volume its own path", t.describe(), other)
		}
	}
}

// pathHow says how to name a token's file.
const pathHow = "Name the file relative to the volume, such as \"token\", and set its directory with the volume mount's mountPath"

// badPath says why the API server refuses a projected file's path
// (validateLocalNonReservedPath), or "" when it does not.
func badPath(path string) string {
	if strings.HasPrefix(path, "/") {
		return "has an absolute path"
	}
	for _, elem := range strings.Split(path, "/") {
		if elem == ".." {
			return "has a path that climbs out of the volume with \"..\""
		}
	}
	if strings.HasPrefix(path, "..") {
		return "has a path starting with \"..\", kept for the kubelet's own files"
	}
	return ""
}

// sharedPath finds another source of the token's projected volume that
// writes the same file, and names it for messages.
func sharedPath(ps analyzer.PodSpec, t tokenSource, path string) (string, bool) {
	for j, src := range ps.Spec.Volumes[t.volumeIndex].Projected.Sources {
		if j == t.sourceIndex {
			continue
		}
		for _, other := range sourcePaths(src) {
			if other.path == path {
				return other.what, true
			}
		}
	}
	return "", false
}

// projectedFile is a file a projected source writes, and what writes it.
type projectedFile struct{ path, what string }

func sourcePaths(src corev1.VolumeProjection) []projectedFile {
	var out []projectedFile
	items := func(what string, items []corev1.KeyToPath) {
		for _, it := range items {
			out = append(out, projectedFile{it.Path, fmt.Sprintf("%s item %q", what, it.Key)})
		}
	}
	switch {
	case src.ServiceAccountToken != nil:
		out = append(out, projectedFile{src.ServiceAccountToken.Path, "another serviceAccountToken source"})
	case src.ConfigMap != nil:
		items(fmt.Sprintf("ConfigMap %q's", src.ConfigMap.Name), src.ConfigMap.Items)
	case src.Secret != nil:
		items(fmt.Sprintf("Secret %q's", src.Secret.Name), src.Secret.Items)
	case src.DownwardAPI != nil:
		for _, it := range src.DownwardAPI.Items {
			out = append(out, projectedFile{it.Path, "the downward API file"})
		}
	}
	return out
}
