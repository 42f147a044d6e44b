package rules

import "github.com/tokenlint/tokenlint/analyzer"

// ProjectedTokenMissingAudience is TL101.
var ProjectedTokenMissingAudience = &analyzer.Rule{
	ID:       "TL101",
	Slug:     "projected-token-missing-audience",
	Title:    "Projected service account token has no audience",
	Severity: analyzer.SeverityWarning,
	Description: "A projected `serviceAccountToken` without an `audience` (or with an empty or null one) is issued " +
		"for the API server's own audience. Such tokens are usually meant for a third party (Vault, a cloud's " +
		"security token service, a SPIFFE server); that party then holds a credential the Kubernetes API accepts, " +
		"and can replay it against the cluster. An explicit audience binds the token to its one recipient, which " +
		"must check that its identity is in the token's `aud` claim.",
	Remediation: "Set `audience` to the identity of the token's one recipient, such as `vault` or `sts.amazonaws.com`.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
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
          expirationSeconds: 3600
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
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
          expirationSeconds: 3600
          audience: vault
`,
	Tags:  []string{"security", "service-account-token", "audience"},
	Check: checkAudience,
}

// audienceWhy says, after a finding's first sentence, what a token without
// an audience is and how to bind it.
const audienceWhy = "Without an audience it is issued for the API server's own audience; set audience to its one recipient, such as \"vault\""

func checkAudience(p *analyzer.Pass) {
	for _, t := range tokenSources(p) {
		aud, present := t.raw["audience"]
		switch a := aud.(type) {
		case string:
			if a != "" {
				continue
			}
			p.Report(t.field("audience"), "%s has an empty audience, so any recipient can replay it against the cluster. %s", t.describe(), audienceWhy)
		case nil:
			if present {
				p.Report(t.field("audience"), "%s has a null audience, so any recipient can replay it against the cluster. %s", t.describe(), audienceWhy)
				continue
			}
			p.Report(t.path, "%s has no audience, so any recipient can replay it against the cluster. %s", t.describe(), audienceWhy)
		default:
			p.Report(t.field("audience"), "%s has audience %v, which is not a string, so the API server rejects the manifest. Name the token's recipient, such as \"vault\"", t.describe(), a)
		}
	}
}
