package rules

import (
	"fmt"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
	corev1 "k8s.io/api/core/v1"
)

// LegacyTokenSecretConsumed is TL203.
var LegacyTokenSecretConsumed = &analyzer.Rule{
	ID:       "TL203",
	Slug:     "legacy-token-secret-consumed",
	Title:    "Pod consumes a legacy service account token Secret",
	Severity: analyzer.SeverityError,
	Description: "A Secret of `type: kubernetes.io/service-account-token` holds a legacy token: a JWT with no expiry " +
		"and no audience, valid for as long as the Secret exists. A pod that mounts it (a `secret` volume, or a " +
		"`secret` source of a `projected` volume) or reads it into its environment (`env[].valueFrom.secretKeyRef`, " +
		"`envFrom[].secretRef`) depends on a credential that never rotates: whoever reads the file, the process " +
		"environment or a crash dump holds the ServiceAccount's identity until someone deletes the Secret. A " +
		"projected `serviceAccountToken` volume gives the pod a token that expires, is bound to the pod and to an " +
		"audience, and is rotated by the kubelet.\n\n" +
		"The rule knows a Secret is a token Secret only when the Secret is part of the same run, in the pod's " +
		"namespace; of several Secrets of that name, the nearest to the pod (the same file, then the same directory, " +
		"then the closest directory up the tree), which the message names. It reports only what exposes the token: a volume that selects other keys with `items` " +
		"(`ca.crt`, `namespace`), or an environment variable that reads another key, is not reported.",
	Remediation: "Replace the token Secret with a projected `serviceAccountToken` volume that has an audience and an expiration, and delete the Secret.",
	Example: `apiVersion: v1
kind: Secret
metadata:
  name: app-token
  annotations:
    kubernetes.io/service-account.name: app
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    volumeMounts:
    - name: token
      mountPath: /var/run/secrets/app
  volumes:
  - name: token
    secret:
      secretName: app-token
`,
	Fixed: `apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  serviceAccountName: app
  automountServiceAccountToken: false
  containers:
  - name: app
    image: registry.example.com/app:1.0
    volumeMounts:
    - name: token
      mountPath: /var/run/secrets/app
  volumes:
  - name: token
    projected:
      sources:
      - serviceAccountToken:
          path: token
          audience: app
          expirationSeconds: 3600
`,
	Tags:  []string{"security", "service-account-token", "legacy-token"},
	Check: checkLegacyTokenSecretConsumed,
	Facts: []analyzer.Facts{secrets},
}

// tokenKey is the key of a token Secret that holds the token.
const tokenKey = "token"

func checkLegacyTokenSecretConsumed(p *analyzer.Pass) {
	ps, ok := p.Object.PodSpec()
	if !ok {
		return
	}
	containers := podContainers(ps)
	for i, v := range ps.Spec.Volumes {
		path := fmt.Sprintf("%s.volumes[%d]", ps.Path, i)
		if s := v.Secret; s != nil && exposesToken(s.Items) {
			if secret, ok := tokenSecret(p, s.SecretName); ok {
				p.Report(path, "volume %q mounts Secret %q, a legacy token that never expires or rotates. %s. %s",
					v.Name, secret.name, mountedBy(containers, v.Name), secret.why())
			}
		}
		if v.Projected == nil {
			continue
		}
		for j, src := range v.Projected.Sources {
			if s := src.Secret; s != nil && exposesToken(s.Items) {
				if secret, ok := tokenSecret(p, s.Name); ok {
					p.Report(fmt.Sprintf("%s.projected.sources[%d]", path, j), "projected volume %q holds Secret %q, a legacy token that never expires or rotates. %s. %s",
						v.Name, secret.name, mountedBy(containers, v.Name), secret.why())
				}
			}
		}
	}
	for _, c := range containers {
		for j, e := range c.Env {
			if e.ValueFrom == nil || e.ValueFrom.SecretKeyRef == nil || e.ValueFrom.SecretKeyRef.Key != tokenKey {
				continue
			}
			if secret, ok := tokenSecret(p, e.ValueFrom.SecretKeyRef.Name); ok {
				p.Report(fmt.Sprintf("%s.env[%d]", c.path, j), "%s reads the legacy token of Secret %q, which never expires or rotates, into environment variable %q. %s",
					c.describe(), secret.name, e.Name, secret.why())
			}
		}
		for j, e := range c.EnvFrom {
			if e.SecretRef == nil {
				continue
			}
			if secret, ok := tokenSecret(p, e.SecretRef.Name); ok {
				p.Report(fmt.Sprintf("%s.envFrom[%d]", c.path, j), "%s reads every key of Secret %q into its environment, legacy token included: it never expires or rotates. %s",
					c.describe(), secret.name, secret.why())
			}
		}
	}
}

// legacySecret is a legacy token Secret of the run that a pod consumes.
type legacySecret struct {
	name string
	// chosen says which Secret of the name it is, when the input holds
	// several.
	chosen string
	// account is the ServiceAccount its token belongs to, when the Secret
	// names it.
	account string
}

// why says, after a finding's first sentence, whose token it is, what its
// reader gets and what to use instead.
func (s legacySecret) why() string {
	whose := "It is a legacy service account token: whoever reads it holds the ServiceAccount's identity"
	if s.account != "" {
		whose = fmt.Sprintf("It is a legacy token of ServiceAccount %q: whoever reads it holds the ServiceAccount's identity", s.account)
	}
	return whose + " until the Secret is deleted; use a projected serviceAccountToken volume instead" + s.chosen
}

// tokenSecret finds the run's Secret of that name in the pod's namespace,
// when it is a legacy token Secret. A Secret of another namespace, or one the
// run does not hold, is unknown: nothing says it is a token.
func tokenSecret(p *analyzer.Pass, name string) (legacySecret, bool) {
	if name == "" {
		return legacySecret{}, false
	}
	s, ok := secrets.Nearest(p.Index, p.Object.File, p.Object.Namespace, name)
	if !ok || !s.token {
		return legacySecret{}, false
	}
	l := legacySecret{name: name, account: s.account}
	if n := secrets.Count(p.Index, p.Object.Namespace, name); n > 1 {
		l.chosen = fmt.Sprintf(" (the input holds %d Secrets %q in namespace %q: this is the one in %s, the nearest to this workload)", n, name, p.Object.Namespace, s.file)
	}
	return l, true
}

// secret is what the run keeps of a Secret for TL203: whether it is a
// legacy token Secret, whose, and the file it is in.
type secret struct {
	token   bool
	account string
	file    string
}

// secrets are the run's core Secrets.
var secrets = &analyzer.Fact[secret]{Kind: "Secret", Export: func(o *analyzer.Object) secret {
	s, ok := o.Typed.(*corev1.Secret)
	if !ok || s.Type != corev1.SecretTypeServiceAccountToken {
		return secret{}
	}
	return secret{token: true, account: s.Annotations[corev1.ServiceAccountNameKey], file: o.File}
}}

// exposesToken reports whether a Secret volume with these items holds the
// token: all keys when no item is listed, else only the listed ones.
func exposesToken(items []corev1.KeyToPath) bool {
	if len(items) == 0 {
		return true
	}
	for _, it := range items {
		if it.Key == tokenKey {
			return true
		}
	}
	return false
}

// mountedBy says which containers mount a volume, as a sentence of a message.
func mountedBy(containers []podContainer, volume string) string {
	var names []string
	for _, c := range containers {
		for _, m := range c.VolumeMounts {
			if m.Name == volume {
				names = append(names, c.describe())
				break
			}
		}
	}
	if len(names) == 0 {
		return "No container mounts it yet"
	}
	return "Mounted in " + joinAnd(names)
}

// joinAnd joins words as in "a, b and c".
func joinAnd(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

// podContainer is one container of a pod spec, of any of its three lists,
// with the field path at which it sits.
type podContainer struct {
	*corev1.Container
	path string // "spec.containers[0]", "spec.template.spec.initContainers[1]", ...
	kind string // "container", "init container" or "ephemeral container"
	// runsToCompletion is true for init containers that are not sidecars
	// (restartPolicy: Always): they end before the pod's containers start.
	runsToCompletion bool
}

// describe names the container for messages: `init container "setup"`.
func (c podContainer) describe() string { return fmt.Sprintf("%s %q", c.kind, c.Name) }

// podContainers lists the containers, init containers and ephemeral
// containers of a pod spec, in that order.
func podContainers(ps analyzer.PodSpec) []podContainer {
	var out []podContainer
	for i := range ps.Spec.Containers {
		out = append(out, podContainer{Container: &ps.Spec.Containers[i], path: fmt.Sprintf("%s.containers[%d]", ps.Path, i), kind: "container"})
	}
	for i := range ps.Spec.InitContainers {
		c := &ps.Spec.InitContainers[i]
		sidecar := c.RestartPolicy != nil && *c.RestartPolicy == corev1.ContainerRestartPolicyAlways
		out = append(out, podContainer{Container: c, path: fmt.Sprintf("%s.initContainers[%d]", ps.Path, i), kind: "init container", runsToCompletion: !sidecar})
	}
	for i := range ps.Spec.EphemeralContainers {
		c := corev1.Container(ps.Spec.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, podContainer{Container: &c, path: fmt.Sprintf("%s.ephemeralContainers[%d]", ps.Path, i), kind: "ephemeral container"})
	}
	return out
}
