package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
)

// ProjectedTokenAudienceNotAllowed is TL104. It checks only what the
// configuration allows: with no settings.allowedAudiences it reports nothing.
var ProjectedTokenAudienceNotAllowed = &analyzer.Rule{
	ID:       "TL104",
	Slug:     "projected-token-audience-not-allowed",
	Title:    "Projected service account token requests an audience the configuration does not allow",
	Severity: analyzer.SeverityWarning,
	Description: "When the configuration lists the audiences a cluster's workloads may request " +
		"(`settings.allowedAudiences`, or `--allowed-audience`), a projected `serviceAccountToken` whose `audience` " +
		"is not in the list is reported at its `audience:` line. A token's audience names who may accept it: an " +
		"unexpected audience is a token minted for a recipient the platform team does not know (a typo such as " +
		"`sts.amazonaws.co`, which no verifier accepts, or a third party's audience, which hands that party a " +
		"credential for the workload's identity). Audiences are compared exactly, as the API server and verifiers " +
		"compare the `aud` claim. Without the setting the rule reports nothing; a missing audience is TL101's.",
	Remediation:   "Request one of the allowed audiences, or add the recipient's audience to settings.allowedAudiences once it is vetted.",
	ExampleConfig: "settings:\n  allowedAudiences: [vault, sts.amazonaws.com]\n",
	Example: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploader
  namespace: media
spec:
  selector:
    matchLabels: {app: uploader}
  template:
    metadata:
      labels: {app: uploader}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: uploader
        image: ghcr.io/acme/uploader:3.2.0
        env:
        - name: AWS_WEB_IDENTITY_TOKEN_FILE
          value: /var/run/secrets/eks.amazonaws.com/serviceaccount/token
        volumeMounts:
        - name: aws-iam-token
          mountPath: /var/run/secrets/eks.amazonaws.com/serviceaccount
      volumes:
      - name: aws-iam-token
        projected:
          sources:
          - serviceAccountToken:
              path: token
              expirationSeconds: 86400
              audience: sts.amazonaws.co
`,
	Fixed: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: uploader
  namespace: media
spec:
  selector:
    matchLabels: {app: uploader}
  template:
    metadata:
      labels: {app: uploader}
    spec:
      automountServiceAccountToken: false
      containers:
      - name: uploader
        image: ghcr.io/acme/uploader:3.2.0
        env:
        - name: AWS_WEB_IDENTITY_TOKEN_FILE
          value: /var/run/secrets/eks.amazonaws.com/serviceaccount/token
        volumeMounts:
        - name: aws-iam-token
          mountPath: /var/run/secrets/eks.amazonaws.com/serviceaccount
      volumes:
      - name: aws-iam-token
        projected:
          sources:
          - serviceAccountToken:
              path: token
              expirationSeconds: 86400
              audience: sts.amazonaws.com
`,
	Tags:  []string{"security", "service-account-token", "audience"},
	Check: checkAllowedAudience,
}

func checkAllowedAudience(p *analyzer.Pass) {
	allowed := p.Settings.AllowedAudiences
	if len(allowed) == 0 {
		return
	}
	for _, t := range tokenSources(p) {
		aud, ok := t.raw["audience"].(string)
		if !ok || aud == "" || slices.Contains(allowed, aud) {
			continue // absent, empty, null or not a string: TL101's
		}
		p.Report(t.field("audience"), "%s requests audience %q, which the configuration does not allow, so it is a token for a recipient nobody vetted. Allowed: %s%s",
			t.describe(), aud, quoteList(allowed), closeAudience(aud, allowed))
	}
}

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}

// closeAudience points out an allowed audience that differs only in case or
// by a trailing slash, the mistakes that make a verifier reject a token.
func closeAudience(aud string, allowed []string) string {
	norm := func(s string) string { return strings.TrimRight(strings.ToLower(s), "/") }
	for _, a := range allowed {
		if norm(a) == norm(aud) {
			return fmt.Sprintf(" (%q differs from the allowed %q only in case or a final slash: audiences compare exactly)", aud, a)
		}
	}
	return ""
}
