package rules

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/tokenlint/tokenlint/analyzer"
)

// The control-plane rules, TL501 to TL507: the API server's token
// configuration, wherever apiServers finds it.

// IssuerNotHTTPS is TL501.
var IssuerNotHTTPS = &analyzer.Rule{
	ID:       "TL501",
	Slug:     "service-account-issuer-not-https",
	Title:    "Service account issuer is not an https URL",
	Severity: analyzer.SeverityWarning,
	Description: "The issuer (`--service-account-issuer`, kubeadm's `extraArgs`, kops's `serviceAccountIssuer`, " +
		"OpenShift's `spec.serviceAccountIssuer`) is the `iss` claim of every bound token. Whoever verifies a " +
		"token outside the API server (a cloud IAM trusting the cluster's tokens, Vault's JWT auth, another " +
		"cluster) fetches the issuer's keys through OIDC discovery, `<issuer>/.well-known/openid-configuration`, " +
		"and the API server serves those documents only for an `https://` issuer. A bare name such as " +
		"`kubernetes.default.svc`, or an `http://` URL, leaves discovery off, so no external verifier can " +
		"use the tokens. The issuer that signs is the first one written; later ones are only accepted (kept " +
		"while tokens of an old issuer are still in use) and are not reported. kubeadm's (and so kind's and " +
		"Cluster API's), kops's, Gardener's and OpenShift's own default issuers are https URLs.",
	Remediation: "Set the issuer to an https URL the verifiers can reach, such as https://kubernetes.default.svc.cluster.local or the public URL of the discovery documents, and keep the old issuer listed after it until the tokens it signed have expired.",
	Example: `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: demo.k8s.local
spec:
  kubeAPIServer:
    serviceAccountIssuer: kubernetes.default.svc
`,
	Fixed: `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: demo.k8s.local
spec:
  kubeAPIServer:
    serviceAccountIssuer: https://kubernetes.default.svc
    additionalServiceAccountIssuers:
    - kubernetes.default.svc
`,
	Tags:  []string{"security", "service-account-token", "control-plane"},
	Check: checkIssuerNotHTTPS,
}

func checkIssuerNotHTTPS(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		first, written, _ := a.signingIssuer()
		if !written || !first.known {
			continue // the form's own issuer, an https URL; or one not known
		}
		u, err := url.Parse(first.value)
		if err == nil && u.Scheme == "https" && u.Host != "" {
			continue
		}
		why := "is not a URL"
		if err == nil && u.Scheme == "http" {
			why = "is an http:// URL"
		}
		first.report(p, "%s signs tokens with the issuer %q, which %s, so OIDC discovery is off. The API server "+
			"serves /.well-known/openid-configuration and its keys only for an https:// issuer: no verifier outside "+
			"the cluster (a cloud IAM, Vault's JWT auth) can check these tokens. Use an https URL (and while tokens "+
			"of %q are in use, list it after the new one)", a.what, first.value, why, first.value)
	}
}

// TokenFlagsMissing is TL502.
var TokenFlagsMissing = &analyzer.Rule{
	ID:       "TL502",
	Slug:     "api-server-token-flags-missing",
	Title:    "kube-apiserver runs without an issuer or a signing key",
	Severity: analyzer.SeverityError,
	Description: "Since Kubernetes 1.20 the API server refuses to start without `--service-account-issuer` and " +
		"`--service-account-signing-key-file`: they are what it signs bound service-account tokens with. " +
		"kubeadm, kind, Cluster API, kops, Gardener and OpenShift supply both when their configuration does not, so only a container " +
		"that runs `kube-apiserver` itself (a hand-written static pod, a hosted control plane's Deployment) is " +
		"checked. `--service-account-key-file` only verifies tokens and signs none; an external signer " +
		"(`--service-account-signing-endpoint`, Kubernetes 1.32 and later) stands for the signing key. A " +
		"`kube-apiserver --version` or `--help` serves nothing, and HyperShift's `--openshift-config` reads the " +
		"flags from a file, so neither is checked, nor is a container whose image names a release before 1.20 " +
		"(`kube-apiserver:v1.19.16`). When an argument is " +
		"filled from an environment variable (`$(FLAGS)`, or a template's `${FLAGS}`), or a script expands one into the command line, the " +
		"flags cannot all be known and nothing is reported.",
	Remediation: "Pass --service-account-issuer with an https URL and --service-account-signing-key-file with the private key whose public half --service-account-key-file lists.",
	Example: `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.4
    command:
    - kube-apiserver
    - --etcd-servers=https://127.0.0.1:2379
    - --service-account-key-file=/etc/kubernetes/pki/sa.pub
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: kube-apiserver
  namespace: kube-system
spec:
  hostNetwork: true
  containers:
  - name: kube-apiserver
    image: registry.k8s.io/kube-apiserver:v1.31.4
    command:
    - kube-apiserver
    - --etcd-servers=https://127.0.0.1:2379
    - --service-account-issuer=https://kubernetes.default.svc.cluster.local
    - --service-account-key-file=/etc/kubernetes/pki/sa.pub
    - --service-account-signing-key-file=/etc/kubernetes/pki/sa.key
`,
	Tags:  []string{"correctness", "service-account-token", "control-plane"},
	Check: checkTokenFlagsMissing,
}

func checkTokenFlagsMissing(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		if a.form != formPod || a.opaque {
			continue
		}
		if minor, ok := imageVersion(a.image); ok && minor < 20 {
			continue // the requirement came with Kubernetes 1.20
		}
		var missing []string
		if _, written, _ := a.signingIssuer(); !written {
			missing = append(missing, "--"+flagIssuer)
		}
		key, external := a.set1(flagSigningKey), a.set1(flagSigningEndpoint) // an external signer (Kubernetes 1.32+)
		if !key && !external {
			missing = append(missing, "--"+flagSigningKey)
		}
		if len(missing) == 0 {
			continue
		}
		extra := ""
		if a.set1(flagKeyFile) && !key && !external {
			extra = " (--service-account-key-file only verifies tokens: it signs none)"
		}
		a.report(p, "%s runs without %s, so it does not start. Since Kubernetes 1.20 the API server requires an "+
			"issuer and a signing key, which sign every bound token%s", a.what, strings.Join(missing, " and "), extra)
	}
}

// requestedAudience is an audience a projected token of a workload
// requests, and where.
type requestedAudience struct {
	audience string
	workload analyzer.Ref
	where    string
}

// tokenAudiences are the audiences the run's projected tokens request,
// for TL503 and TL504 on the API server's audiences.
//
// They are needed only when the input configures an API server's
// audiences (When): most repositories do not, and then the documents of
// projected tokens are not parsed twice.
var tokenAudiences = &analyzer.Fact[[]requestedAudience]{Group: "*", Kind: "*", Mentions: "audience",
	When: []string{"api-audiences", "api_audiences", "apiAudiences"},
	Export: func(o *analyzer.Object) []requestedAudience {
		var out []requestedAudience
		for _, t := range objectTokenSources(o) {
			if aud, ok := t.raw["audience"].(string); ok && aud != "" {
				at, _ := o.Place(t.field("audience"))
				out = append(out, requestedAudience{audience: aud, workload: o.Ref(), where: fmt.Sprintf("%s:%d", at.File, at.Line)})
			}
		}
		return out
	}}

// requesters are the workloads whose projected tokens request the
// audience.
func requesters(ix *analyzer.Index, audience string) []requestedAudience {
	var out []requestedAudience
	for _, reqs := range tokenAudiences.All(ix) {
		for _, r := range reqs {
			if r.audience == audience {
				out = append(out, r)
			}
		}
	}
	return out
}

// foreignAudiences are the API server's written audiences that are not its
// own (ownAudience).
func (a *apiServer) foreignAudiences() []flagValue {
	var out []flagValue
	for _, aud := range a.audiences() {
		if aud.known && !a.ownAudience(aud.value) {
			out = append(out, aud)
		}
	}
	return out
}

// kubernetesAudience reports whether an audience names the Kubernetes API
// itself: the API server's default audiences and kops's.
func kubernetesAudience(aud string) bool {
	switch strings.TrimSuffix(aud, "/") {
	case "api", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.svc.default", "https://kubernetes", "https://kubernetes.default":
		return true
	}
	return strings.HasPrefix(aud, "https://kubernetes.default.svc") || strings.HasPrefix(aud, "kubernetes.default.svc.")
}

// audienceFlag names the API server's audiences setting as its form does.
func (a *apiServer) audienceFlag() string {
	if a.form == formKops || a.form == formGardener {
		return "apiAudiences"
	}
	return "--api-audiences"
}

// AudienceSharedWithTokens is TL503.
var AudienceSharedWithTokens = &analyzer.Rule{
	ID:       "TL503",
	Slug:     "api-audience-shared-with-tokens",
	Title:    "API server accepts an audience that workloads request tokens for",
	Severity: analyzer.SeverityError,
	Description: "The API server accepts a token only if one of its audiences (`--api-audiences`, kops's " +
		"`apiAudiences`) is in the token's `aud` claim. A workload that requests a projected token for " +
		"another party (`audience: vault`) counts on that: the token works at Vault, and nowhere else. When the " +
		"API server lists that same audience, it accepts the token too, as the pod's ServiceAccount: a token " +
		"Vault receives, logs or leaks then works against the cluster, and audience binding is defeated. This " +
		"rule reads the audiences the input's projected tokens request, in any file of the run, and reports the " +
		"API server's entry, naming the workloads. The API server's own names (its issuers, " +
		"`https://kubernetes.default.svc…`, `kubernetes.svc.default`, `api`) are not reported.",
	Remediation: "Remove the audience from the API server's audiences, so that tokens requested for that party are accepted only by it.",
	Example: `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: demo.k8s.local
spec:
  kubeAPIServer:
    serviceAccountIssuer: https://api.internal.demo.k8s.local
    apiAudiences:
    - api
    - vault
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  containers:
  - name: app
    image: registry.example.com/app:1.4.2
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          audience: vault
          expirationSeconds: 3600
          path: token
`,
	Fixed: `apiVersion: kops.k8s.io/v1alpha2
kind: Cluster
metadata:
  name: demo.k8s.local
spec:
  kubeAPIServer:
    serviceAccountIssuer: https://api.internal.demo.k8s.local
    apiAudiences:
    - api
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  containers:
  - name: app
    image: registry.example.com/app:1.4.2
    volumeMounts:
    - name: vault-token
      mountPath: /var/run/secrets/vault
  volumes:
  - name: vault-token
    projected:
      sources:
      - serviceAccountToken:
          audience: vault
          expirationSeconds: 3600
          path: token
`,
	Tags:  []string{"security", "service-account-token", "control-plane", "audience"},
	Check: checkAudienceSharedWithTokens,
	Facts: []analyzer.Facts{tokenAudiences},
}

func checkAudienceSharedWithTokens(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		for _, aud := range a.foreignAudiences() {
			reqs := requesters(p.Index, aud.value)
			if len(reqs) == 0 {
				continue
			}
			var who []string
			for i, r := range reqs {
				if i == 3 {
					who = append(who, fmt.Sprintf("%d more", len(reqs)-3))
					break
				}
				who = append(who, fmt.Sprintf("%s (%s)", r.workload, r.where))
			}
			aud.report(p, "%s accepts the audience %q, which workloads of the input request their tokens for. Such "+
				"a token is meant for another party, and the API server accepts it too, as the workload's "+
				"ServiceAccount: one that party receives or leaks works against the cluster. Requested by %s. "+
				"Remove %q from %s", a.what, aud.value, strings.Join(who, ", "), aud.value, a.audienceFlag())
		}
	}
}

// ThirdPartyAudience is TL504.
var ThirdPartyAudience = &analyzer.Rule{
	ID:       "TL504",
	Slug:     "api-audience-third-party",
	Title:    "API server accepts an audience that names a third party",
	Severity: analyzer.SeverityWarning,
	Description: "The API server's audiences (`--api-audiences`, kops's `apiAudiences`) name who its tokens are " +
		"for. An entry naming a well-known third party (`vault`, `sts.amazonaws.com`, " +
		"`api://AzureADTokenExchange`, Google's `iam.googleapis.com` pools, `istio-ca`, SPIRE) makes the API " +
		"server accept the tokens pods request for that party: one that party receives or leaks then works " +
		"against the cluster. This is the plainer form of TL503, for when no workload of the input requests " +
		"the audience (they may be in another repository); TL503 reports the entry instead when one does.",
	Remediation: "Remove the third party's audience from the API server's audiences; pods request their tokens for it with a projected serviceAccountToken instead.",
	Example: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
apiServer:
  extraArgs:
  - name: api-audiences
    value: https://kubernetes.default.svc.cluster.local,sts.amazonaws.com
`,
	Fixed: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
apiServer:
  extraArgs:
  - name: api-audiences
    value: https://kubernetes.default.svc.cluster.local
`,
	Tags:  []string{"security", "service-account-token", "control-plane", "audience"},
	Check: checkThirdPartyAudience,
	Facts: []analyzer.Facts{tokenAudiences},
}

func checkThirdPartyAudience(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		for _, aud := range a.foreignAudiences() {
			party, ok := thirdParty(aud.value)
			if !ok || len(requesters(p.Index, aud.value)) > 0 {
				continue
			}
			aud.report(p, "%s accepts the audience %q, which names %s. The API server then accepts tokens minted "+
				"for it, so one it receives or leaks works against the cluster. Remove %q from %s", a.what, aud.value, party, aud.value, a.audienceFlag())
		}
	}
}

// thirdParty names the party a well-known audience is for.
func thirdParty(aud string) (string, bool) {
	l := strings.ToLower(aud)
	for _, tp := range []struct{ match, party string }{
		{"sts.amazonaws.com", "AWS STS (IAM roles for service accounts)"},
		{"azureadtokenexchange", "Microsoft Entra workload identity"},
		{"iam.googleapis.com", "a Google Cloud workload identity pool"},
		{"sts.googleapis.com", "Google Cloud's STS"},
		{"spiffe://", "a SPIFFE trust domain"},
		{"spire-server", "SPIRE"},
		{"istio-ca", "Istio's certificate authority"},
		{"identity.l5d.io", "Linkerd's identity service"},
		{"conjur", "CyberArk Conjur"},
	} {
		if strings.Contains(l, tp.match) {
			return tp.party, true
		}
	}
	for _, word := range strings.FieldsFunc(l, func(r rune) bool { return !('a' <= r && r <= 'z' || '0' <= r && r <= '9') }) {
		switch word {
		case "vault":
			return "HashiCorp Vault", true
		case "openbao":
			return "OpenBao", true
		}
	}
	return "", false
}

// MaxExpirationTooLong is TL505.
var MaxExpirationTooLong = &analyzer.Rule{
	ID:       "TL505",
	Slug:     "max-token-expiration-too-long",
	Title:    "API server lets tokens live longer than allowed",
	Severity: analyzer.SeverityWarning,
	Description: "`--service-account-max-token-expiration` caps the lifetime a TokenRequest may ask for, projected " +
		"tokens included. Set above the longest expiration this repository accepts (`settings.maxTokenExpiration`, " +
		"24h by default, as TL103 applies it to each pod), it lets any pod hold a token that long, and a stolen " +
		"one works as long. Without the flag there is no cap (TL103 still reports the pods that ask for too much), " +
		"so only a written value is checked. Gardener keeps a Shoot's `maxTokenExpiration` at 720h (30 days) or " +
		"more, so on a Shoot only a value above both that and the setting is reported.",
	Remediation: "Lower --service-account-max-token-expiration to the longest lifetime you allow (settings.maxTokenExpiration), or raise that setting if the longer lifetime is intended.",
	Example: `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.29.10
apiServer:
  extraArgs:
    service-account-max-token-expiration: 720h
`,
	Fixed: `apiVersion: kubeadm.k8s.io/v1beta3
kind: ClusterConfiguration
kubernetesVersion: v1.29.10
apiServer:
  extraArgs:
    service-account-max-token-expiration: 24h
`,
	Tags:  []string{"security", "service-account-token", "control-plane", "expiration"},
	Check: checkMaxExpirationTooLong,
}

func checkMaxExpirationTooLong(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		v, ok := a.last(flagMaxExpiration)
		if !ok || !v.known {
			continue
		}
		d, err := time.ParseDuration(v.value)
		limit, by := time.Duration(p.Settings.MaxTokenExpiration)*time.Second, "settings.maxTokenExpiration"
		if a.form == formGardener && limit < gardenerMinExpiration {
			limit, by = gardenerMinExpiration, "Gardener's minimum, above settings.maxTokenExpiration"
		}
		if err != nil || d <= limit {
			continue
		}
		v.report(p, "%s lets tokens live %s, longer than the %s allowed (%s). A TokenRequest may ask for that "+
			"long, so any pod may hold such a token, and a stolen one works as long", a.what, lifetime(d), lifetime(limit), by)
	}
}

// gardenerMinExpiration is the shortest maximum token lifetime Gardener
// accepts for a Shoot.
const gardenerMinExpiration = 720 * time.Hour

// lifetime writes a duration as people do: "720h (30 days)", "90m".
func lifetime(d time.Duration) string {
	switch {
	case d%time.Hour == 0 && d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%dh (%d days)", d/time.Hour, d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// ExtendedTokenExpiration is TL506.
var ExtendedTokenExpiration = &analyzer.Rule{
	ID:       "TL506",
	Slug:     "extended-token-expiration",
	Title:    "API server extends automounted tokens to a year",
	Severity: analyzer.SeverityNote,
	Description: "With `--service-account-extend-token-expiration=true`, the API server issues the automounted " +
		"token (the `kube-api-access-…` volume, requested for 3607 seconds) with a lifetime of a year, while " +
		"telling the pod it expires within the hour, and logs when a stale token is used. It cushions clients " +
		"that never reload their token, and it is the default, so only an explicit true is reported, as a " +
		"note: the configuration chose year-long tokens. Once the cluster's clients reload the token (TL302 " +
		"finds those that do not), setting it to false makes a stolen automounted token expire within the hour.",
	Remediation: "Set --service-account-extend-token-expiration=false once the cluster's clients re-read their token file.",
	Example: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
apiServer:
  extraArgs:
  - name: service-account-extend-token-expiration
    value: "true"
`,
	Fixed: `apiVersion: kubeadm.k8s.io/v1beta4
kind: ClusterConfiguration
kubernetesVersion: v1.31.4
apiServer:
  extraArgs:
  - name: service-account-extend-token-expiration
    value: "false"
`,
	Tags:  []string{"security", "service-account-token", "control-plane", "expiration"},
	Check: checkExtendedTokenExpiration,
}

func checkExtendedTokenExpiration(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		v, ok := a.last(flagExtendExpiry)
		if !ok || !v.known {
			continue
		}
		if on, isBool := parseBool(v.value); isBool && on {
			v.report(p, "%s sets --service-account-extend-token-expiration to true, so automounted tokens live a "+
				"year. The pod is told they expire within the hour, but a stolen one works for a year. Once "+
				"the cluster's clients re-read their token, set it to false", a.what)
		}
	}
}

// OpenShiftIssuerChange is TL507.
var OpenShiftIssuerChange = &analyzer.Rule{
	ID:       "TL507",
	Slug:     "openshift-issuer-change",
	Title:    "OpenShift's service account issuer is set",
	Severity: analyzer.SeverityNote,
	Description: "Setting `spec.serviceAccountIssuer` of OpenShift's cluster `Authentication` changes the issuer " +
		"of every bound token (the default is `https://kubernetes.default.svc`). Tokens of the previous issuer " +
		"then stop being accepted: at once in older releases, after 24 hours in current ones. A holder that " +
		"does not request a new token on its own keeps failing until its pod restarts. This note is on the " +
		"field, so that the change is rolled out knowingly: wait for the new API server revision, then restart " +
		"the pods that use bound tokens, and record it with a suppression and its reason.",
	Remediation: "Apply the change in a maintenance window: wait until every node runs the new kube-apiserver revision, then restart the pods that use bound tokens.",
	Example: `apiVersion: config.openshift.io/v1
kind: Authentication
metadata:
  name: cluster
spec:
  serviceAccountIssuer: https://oidc.apps.example.com
`,
	Fixed: `apiVersion: config.openshift.io/v1
kind: Authentication
metadata:
  name: cluster
spec:
  serviceAccountIssuer: https://oidc.apps.example.com # tokenlint:ignore TL507 -- pods restarted in the change's maintenance window
`,
	Tags:  []string{"service-account-token", "control-plane", "openshift"},
	Check: checkOpenShiftIssuerChange,
}

func checkOpenShiftIssuerChange(p *analyzer.Pass) {
	for _, a := range apiServers(p.Object) {
		if a.form != formOpenShift {
			continue
		}
		if v, ok := a.last(flagIssuer); ok && strings.TrimSuffix(v.value, "/") != openShiftDefaultIssuer {
			v.report(p, "the cluster's service-account issuer is set to %q, and a change invalidates the bound tokens "+
				"of the old one. They stop being accepted after 24 hours in current OpenShift releases (at once in "+
				"older ones), and pods that do not request a new token fail until they restart. Once every node "+
				"runs the new kube-apiserver revision, restart the pods that use bound tokens", v.value)
		}
	}
}
