package rules

import (
	"strconv"

	"github.com/tokenlint/tokenlint/analyzer"
)

const (
	// minExpiration is the shortest expirationSeconds the API server accepts.
	minExpiration = 600
	// maxExpiration is the longest expirationSeconds the API server accepts.
	maxExpiration = 1 << 32
)

// ProjectedTokenExpirationTooShort is TL102.
var ProjectedTokenExpirationTooShort = &analyzer.Rule{
	ID:       "TL102",
	Slug:     "projected-token-expiration-too-short",
	Title:    "Projected token expiration is below 600 seconds or not an integer",
	Severity: analyzer.SeverityError,
	Description: "The API server rejects a projected `serviceAccountToken` whose `expirationSeconds` is below 600 " +
		"(10 minutes), so the manifest never deploys. A quoted value such as `\"3600\"` is a string, not an integer, " +
		"and is rejected as well. Omitting the field gives the default of 3600 seconds; the kubelet rotates the " +
		"token when 80% of its lifetime has passed.",
	Remediation: "Set `expirationSeconds` to an unquoted integer of at least 600, or leave it out for the default of 3600.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
          expirationSeconds: 300
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
          expirationSeconds: 600
`,
	Tags:  []string{"correctness", "service-account-token", "expiration"},
	Check: checkExpirationTooShort,
}

func checkExpirationTooShort(p *analyzer.Pass) {
	for _, t := range tokenSources(p) {
		v, written, ok, integer := t.expiration()
		switch {
		case !ok:
		case !integer:
			if s, isString := written.(string); isString {
				if p.Object.BigNumber(t.field("expirationSeconds")) {
					p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %s, a number too large for JSON, so the API server rejects the manifest. "+
						"Set an integer of at least 600, or leave the field out for the default of 3600", t.describe(), s)
					continue
				}
				p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %q, a string, so the API server rejects the manifest. Write the number unquoted", t.describe(), s)
				continue
			}
			p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %v, which is not an integer, so the API server rejects the manifest", t.describe(), written)
		case v < minExpiration:
			p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %s, below the minimum of 600, so the API server rejects the manifest. "+
				"It never deploys: set at least 600, or leave the field out for the default of 3600", t.describe(), formatSeconds(v))
		}
	}
}

// ProjectedTokenExpirationTooLong is TL103.
var ProjectedTokenExpirationTooLong = &analyzer.Rule{
	ID:       "TL103",
	Slug:     "projected-token-expiration-too-long",
	Title:    "Projected token expiration is longer than allowed",
	Severity: analyzer.SeverityWarning,
	Description: "A long `expirationSeconds` makes a stolen token useful for longer. The kubelet rotates a projected " +
		"token after 24 hours whatever its lifetime, so a lifetime beyond 86400 seconds buys the workload nothing; " +
		"the maximum is configurable with `--max-token-expiration`. Beyond 2^32 seconds the API server rejects the " +
		"manifest outright, and it may cap long lifetimes with `--service-account-max-token-expiration`.",
	Remediation: "Lower `expirationSeconds` to at most the configured maximum (86400 by default) and let the kubelet rotate the token.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
          expirationSeconds: 31536000
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
  - name: app
    image: registry.example.com/app:1.0
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: vault
          expirationSeconds: 7200
`,
	Tags:  []string{"security", "service-account-token", "expiration"},
	Check: checkExpirationTooLong,
}

func checkExpirationTooLong(p *analyzer.Pass) {
	limit := p.Settings.MaxTokenExpiration
	if limit <= 0 {
		limit = analyzer.DefaultSettings.MaxTokenExpiration
	}
	for _, t := range tokenSources(p) {
		v, _, ok, integer := t.expiration()
		switch {
		case !ok || !integer:
		case v > maxExpiration:
			p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %s, beyond 2^32 seconds, so the API server rejects the manifest", t.describe(), formatSeconds(v))
		case v > float64(limit):
			p.Report(t.field("expirationSeconds"), "%s has expirationSeconds %s, longer than the maximum of %d: a stolen token stays valid that long. "+
				"The kubelet rotates it after 24 hours anyway", t.describe(), formatSeconds(v), limit)
		}
	}
}

func formatSeconds(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}
