package analyzer

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
)

func TestTypedDecodeReportsEveryWrongField(t *testing.T) {
	o := mustObject(t, `apiVersion: apps/v1
kind: Deployment
metadata:
  name: several
  labels:
    app: web
    tier: 1
  annotations:
    enabled: yes
spec:
  replicas: "3"
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: "false"
      nodeSelector:
        disk: ssd
        zone: 7
      containers:
      - name: app
        image: app
        ports:
        - containerPort: 80
        - containerPort: "8080"
      - name: [not, a, string]
        image: sidecar
        env:
        - name: A
          value: on
      volumes:
      - name: token
        projected:
          defaultMode: 0644
          sources:
          - serviceAccountToken:
              path: token
              expirationSeconds: "3600"
`)
	want := []struct {
		path    string
		line    int
		message string
	}{
		{"metadata.labels.tier", 7, `^metadata\.labels\.tier: 1 is a number, but the field takes a string$`},
		{"metadata.annotations.enabled", 9, `true is a boolean, but the field takes a string`},
		{"spec.replicas", 11, `"3" is a string, but the field takes an integer`},
		{"spec.template.spec.automountServiceAccountToken", 18, `"false" is a string, but the field takes a boolean`},
		{"spec.template.spec.nodeSelector.zone", 21, `7 is a number`},
		{"spec.template.spec.containers[0].ports[1].containerPort", 27, `"8080" is a string`},
		{"spec.template.spec.containers[1].name", 28, `\["not","a","string"\] is a list, but the field takes a string`},
		{"spec.template.spec.containers[1].env[0].value", 32, `true is a boolean`},
		{"spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", 40, `"3600" is a string`},
	}
	got := o.Problems()
	slices.SortFunc(got, func(a, b Problem) int { return a.Position.Line - b.Position.Line })
	if len(got) != len(want) {
		for _, p := range got {
			t.Logf("%d: %s: %s", p.Position.Line, p.Path, p.Message)
		}
		t.Fatalf("got %d problems, want %d", len(got), len(want))
	}
	for i, w := range want {
		p := got[i]
		if p.Path != w.path || p.Position.Line != w.line || !regexp.MustCompile(w.message).MatchString(p.Message) {
			t.Errorf("problem %d = %d: %s: %q; want %d: %s: /%s/", i, p.Position.Line, p.Path, p.Message, w.line, w.path, w.message)
		}
	}

	// Everything else still decodes; the wrong fields are left out.
	d, ok := o.Typed.(*appsv1.Deployment)
	if !ok {
		t.Fatalf("Typed is %T", o.Typed)
	}
	spec := d.Spec.Template.Spec
	switch {
	case d.Name != "several" || d.Labels["app"] != "web":
		t.Errorf("metadata not decoded: %+v", d.ObjectMeta)
	case d.Spec.Replicas != nil:
		t.Errorf("replicas %q decoded as %d", "3", *d.Spec.Replicas)
	case spec.AutomountServiceAccountToken != nil:
		t.Errorf("a quoted \"false\" decoded as %v", *spec.AutomountServiceAccountToken)
	case len(spec.Containers) != 2 || spec.Containers[0].Ports[0].ContainerPort != 80 || spec.Containers[1].Image != "sidecar":
		t.Errorf("containers not decoded: %+v", spec.Containers)
	case spec.Volumes[0].Projected == nil || *spec.Volumes[0].Projected.DefaultMode != 0o644:
		t.Errorf("defaultMode 0644 not decoded as octal: %+v", spec.Volumes[0].Projected)
	case spec.Volumes[0].Projected.Sources[0].ServiceAccountToken.Path != "token":
		t.Errorf("token source not decoded")
	}
}

// TestRunOwnedFieldProblems checks that a field problem on a field a rule
// reports is left to that rule, and every other one becomes TL001.
func TestRunOwnedFieldProblems(t *testing.T) {
	in := loadString(t, &Loader{}, podWithToken("owned", "          path: token\n          expirationSeconds: \"3600\"\n")+"  hostNetwork: \"yes\"\n")
	rule := validRule("TL901", "expiration-owner")
	rule.Check = func(p *Pass) {
		p.Report("spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds", "owned")
	}
	reg, err := NewRegistry(rule)
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(in, reg, DefaultSettings)
	var got []string
	for _, f := range rep.Findings {
		got = append(got, fmt.Sprintf("%d %s %s", f.Position.Line, f.Rule.ID, f.Path))
	}
	want := []string{
		"16 TL901 spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds",
		"17 TL001 spec.hostNetwork",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings %q, want %q", got, want)
	}
	if len(rep.Problems) != 2 {
		t.Errorf("report has %d problems, want both field problems", len(rep.Problems))
	}
}

func TestPodSpecPaths(t *testing.T) {
	template := func(indent string) string {
		return strings.ReplaceAll(`template:
  metadata: {labels: {app: x}}
  spec:
    containers: [{name: c, image: i}]
`, "\n", "\n"+indent)
	}
	tests := []struct {
		kind, apiVersion, body string
		path                   string // empty: no pod spec
	}{
		{"Pod", "v1", "spec:\n  containers: [{name: c, image: i}]\n", "spec"},
		{"PodTemplate", "v1", template(""), "template.spec"},
		{"ReplicationController", "v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"Deployment", "apps/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"StatefulSet", "apps/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"DaemonSet", "apps/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"ReplicaSet", "apps/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"Job", "batch/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"CronJob", "batch/v1", "spec:\n  jobTemplate:\n    spec:\n      " + template("      "), "spec.jobTemplate.spec.template.spec"},
		{"Rollout", "argoproj.io/v1alpha1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"DeploymentConfig", "apps.openshift.io/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		{"Service", "serving.knative.dev/v1", "spec:\n  " + template("  "), "spec.template.spec"},
		// No pod spec: a ReplicationController without template, kinds
		// without pod templates, custom resources whose spec.template.spec
		// has no containers.
		{"ReplicationController", "v1", "spec:\n  replicas: 1\n", ""},
		{"Service", "v1", "spec:\n  " + template("  "), ""},
		{"ConfigMap", "v1", "data: {a: b}\n", ""},
		{"Widget", "example.com/v1", "spec:\n  template:\n    spec:\n      size: 3\n", ""},
		{"Widget", "example.com/v1", "spec:\n  template: [a]\n", ""},
	}
	for _, tt := range tests {
		o := mustObject(t, "apiVersion: "+tt.apiVersion+"\nkind: "+tt.kind+"\nmetadata: {name: x}\n"+tt.body)
		if len(o.Problems()) != 0 {
			t.Errorf("%s %s: problems %+v", tt.apiVersion, tt.kind, o.Problems())
		}
		ps, ok := o.PodSpec()
		if tt.path == "" {
			if ok {
				t.Errorf("%s %s: pod spec at %q, want none", tt.apiVersion, tt.kind, ps.Path)
			}
			continue
		}
		if !ok || ps.Path != tt.path || ps.Spec == nil {
			t.Errorf("%s %s: pod spec %v at %q, want one at %q", tt.apiVersion, tt.kind, ok, ps.Path, tt.path)
			continue
		}
		// The path names the written pod spec, and the typed spec is it.
		if raw, ok := o.Lookup(ps.Path + ".containers[0].image"); !ok || raw != "i" {
			t.Errorf("%s: %s.containers[0].image = %v", tt.kind, ps.Path, raw)
		}
		if len(ps.Spec.Containers) != 1 || ps.Spec.Containers[0].Image != "i" {
			t.Errorf("%s: typed spec %+v", tt.kind, ps.Spec.Containers)
		}
	}
}

func TestCustomResourcePodSpecProblems(t *testing.T) {
	o := mustObject(t, `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: r}
spec:
  template:
    spec:
      automountServiceAccountToken: "no"
      containers:
      - name: app
        image: app
        ports: [{containerPort: "80"}]
`)
	if o.Typed != nil {
		t.Errorf("a custom resource has a Typed value %T", o.Typed)
	}
	var got []string
	for _, p := range o.Problems() {
		got = append(got, fmt.Sprintf("%d %s", p.Position.Line, p.Path))
	}
	slices.Sort(got)
	want := []string{"11 spec.template.spec.containers[0].ports[0].containerPort", "7 spec.template.spec.automountServiceAccountToken"}
	if !slices.Equal(got, want) {
		t.Errorf("problems %q, want %q", got, want)
	}
	ps, ok := o.PodSpec()
	if !ok || ps.Spec.AutomountServiceAccountToken != nil || len(ps.Spec.Containers) != 1 {
		t.Errorf("pod spec %+v", ps.Spec)
	}
}

func TestTypedKinds(t *testing.T) {
	for text, want := range map[string]string{
		"apiVersion: v1\nkind: ServiceAccount\n":                        "*v1.ServiceAccount",
		"apiVersion: v1\nkind: Secret\n":                                "*v1.Secret",
		"apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\n": "*v1.ClusterRole",
		"apiVersion: batch/v1\nkind: CronJob\n":                         "*v1.CronJob",
		// Unknown versions and kinds, and bad apiVersions, stay untyped.
		"apiVersion: apps/v1beta9\nkind: Deployment\n": "<nil>",
		"apiVersion: example.com/v1\nkind: Pod\n":      "<nil>",
		"apiVersion: a/b/c\nkind: Pod\n":               "<nil>",
	} {
		o := mustObject(t, text)
		if got := fmt.Sprintf("%T", o.Typed); got != want && !(want == "<nil>" && o.Typed == nil) {
			t.Errorf("%q: Typed is %s, want %s", text, got, want)
		}
	}
	o := mustObject(t, "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\nstringData: {a: b}\n")
	if s := o.Typed.(*corev1.Secret); s.Name != "s" || s.Type != corev1.SecretTypeOpaque || s.StringData["a"] != "b" {
		t.Errorf("secret decoded as %+v", s)
	}
}

// TestTypedDecodingIsCaseSensitive: whichever decoding path an object takes
// (a wrong field sends it down the slow one), a capitalised key is not the
// field, as for the API server.
func TestTypedDecodingIsCaseSensitive(t *testing.T) {
	for _, extra := range []string{"", "  terminationGracePeriodSeconds: 30.5\n"} {
		in := loadString(t, &Loader{}, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  AutomountServiceAccountToken: true\n"+extra+"  containers: [{name: a, image: b}]\n")
		pod, ok := in.Objects[0].Typed.(*corev1.Pod)
		if !ok {
			t.Fatalf("not a pod: %T", in.Objects[0].Typed)
		}
		if pod.Spec.AutomountServiceAccountToken != nil {
			t.Errorf("with %q: AutomountServiceAccountToken decoded into automountServiceAccountToken", extra)
		}
		if len(pod.Spec.Containers) != 1 {
			t.Errorf("with %q: containers lost", extra)
		}
	}
}

// TestFieldProblemsOnKeysThatNeedQuoting reports wrong values under keys
// holding brackets, dots and quotes: each problem's path quotes its key, and
// the problem lands on that key, not on the mapping that holds it.
func TestFieldProblemsOnKeysThatNeedQuoting(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  annotations:
    "x]y.z": 5
    example.com/retries: 3
    "say \"hi\"": true
    "": 1
data:
  app.properties: |
    a=b
`)
	want := map[string]int{
		`metadata.annotations["x]y.z"]`:             6,
		"metadata.annotations[example.com/retries]": 7,
		`metadata.annotations["say \"hi\""]`:        8,
		`metadata.annotations[""]`:                  9,
	}
	got := o.Problems()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(got), len(want), got)
	}
	for _, p := range got {
		line, ok := want[p.Path]
		if !ok || p.Position.Line != line || p.Position.Column != 5 {
			t.Errorf("problem %q at %d:%d with path %q, want one of %v at its own key (column 5)", p.Message, p.Position.Line, p.Position.Column, p.Path, want)
		}
		if !strings.HasPrefix(p.Message, p.Path+": ") {
			t.Errorf("message %q does not start with its path %q", p.Message, p.Path)
		}
	}
}

// TestNumbersOutOfJSONRange reports unquoted numbers too large for JSON,
// which YAML reads as strings, as numbers out of range, in YAML and JSON;
// a quoted one stays a string.
func TestNumbersOutOfJSONRange(t *testing.T) {
	for _, tt := range []struct{ name, text string }{
		{"yaml", `apiVersion: v1
kind: Pod
metadata:
  name: big
spec:
  activeDeadlineSeconds: 1e400
  priority: -2.5E+999
  containers:
  - name: app
    image: app
    ports:
    - containerPort: "1e400"
  nodeSelector:
    size: 1e400
`},
		{"json", `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "big"},
 "spec": {"activeDeadlineSeconds": 1e400,
  "priority": -2.5E+999,
  "containers": [{"name": "app", "image": "app", "ports": [{"containerPort": "1e400"}]}]}}
`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := mustObject(t, tt.text)
			want := map[string]string{
				"spec.activeDeadlineSeconds":                `^spec\.activeDeadlineSeconds: 1e400 is a number out of range for the field, which takes a 64-bit integer$`,
				"spec.priority":                             `^spec\.priority: -2\.5E\+999 is a number out of range for the field, which takes a 32-bit integer$`,
				"spec.containers[0].ports[0].containerPort": `"1e400" is a string, but the field takes an integer`,
			}
			got := o.Problems()
			if len(got) != len(want) {
				t.Fatalf("got %d problems, want %d: %+v", len(got), len(want), got)
			}
			for _, p := range got {
				if pattern, ok := want[p.Path]; !ok || !regexp.MustCompile(pattern).MatchString(p.Message) {
					t.Errorf("%s: %q, want /%s/", p.Path, p.Message, pattern)
				}
			}
			// A string field takes it as the string kubectl sends.
			if v, _ := o.Lookup("spec.nodeSelector.size"); tt.name == "yaml" && v != "1e400" {
				t.Errorf("nodeSelector.size is %#v, want the string kubectl sends", v)
			}
		})
	}
}

// TestLocatingFieldErrorsCostsAFewDecodes counts the bytes allocated
// loading objects with fields of the wrong type against the same objects
// without the mistakes: finding the fields costs a few decodes of the
// object, whatever its shape. A custom decoder's failure in a wide mapping
// once cost a decode per key (2,000 keys took 6 s and 1 GB, 20,000 keys
// minutes), and each wrong field a decode of all of the object.
func TestLocatingFieldErrorsCostsAFewDecodes(t *testing.T) {
	var wide strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&wide, "  cert-%04d.pem: aGVsbG8gd29ybGQ=\n", i)
	}
	script := "    " + strings.Repeat("#!/bin/sh exec app --listen :8080 ", 2) + "\n"
	block := strings.Repeat("  "+script, 10000)
	var labels, badLabels strings.Builder
	for i := range maxTypeErrors {
		fmt.Fprintf(&labels, "    tier-%02d: backend\n", i)
		fmt.Fprintf(&badLabels, "    tier-%02d: %d\n", i, i)
	}
	deployment := func(cpu string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n    startup: |\n" + block +
			"spec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n" +
			"      - name: web\n        image: web\n      - name: sidecar\n        image: sidecar\n        resources:\n          limits:\n            cpu: " + cpu + "\n"
	}
	tests := []struct {
		name, good, bad string
		problems        int
		first           string
	}{
		{"a bad key among thousands",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: certificates\nbinaryData:\n" + wide.String() + "  zz-last.pem: aGVsbG8gd29ybGQ=\n",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: certificates\nbinaryData:\n" + wide.String() + "  zz-last.pem: not base64!\n",
			1, "binaryData[zz-last.pem]"},
		{"every label wrong after a large block scalar",
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\n  annotations:\n    startup: |\n" + block + "  labels:\n" + labels.String(),
			"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: scripts\n  annotations:\n    startup: |\n" + block + "  labels:\n" + badLabels.String(),
			maxTypeErrors, "metadata.labels.tier-00"},
		{"a quantity deep in a pod template after a large block scalar",
			deployment("500m"), deployment("half"),
			1, "spec.template.spec.containers[1].resources.limits.cpu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			load := func(text string) func() {
				return func() {
					o := mustObject(t, text)
					if ps := o.Problems(); text == tt.bad && (len(ps) != tt.problems || ps[0].Path != tt.first) {
						t.Fatalf("%d problems %+v, want %d, the first at %s", len(ps), ps, tt.problems, tt.first)
					} else if text == tt.good && len(ps) != 0 {
						t.Fatalf("problems %+v, want none", ps)
					}
				}
			}
			load(tt.good)()
			base := allocated(load(tt.good))
			cost := allocated(load(tt.bad))
			t.Logf("loading allocates %d bytes, %d with the errors (%.1f×)", base, cost, float64(cost)/float64(base))
			// A few decodes: under 4× here, about 6× under the race
			// detector, which allocates more; the quadratic search this
			// replaced cost tens of times the load on these shapes.
			if cost > 8*base {
				t.Errorf("locating the errors allocates %d bytes, %.1f times the %d of loading the object without them", cost, float64(cost)/float64(base), base)
			}
		})
	}
}

func TestIsClusterScoped(t *testing.T) {
	for _, tt := range []struct {
		apiVersion, kind string
		want             bool
	}{
		{"rbac.authorization.k8s.io/v1", "ClusterRole", true},
		{"v1", "Pod", false},
		{"config.openshift.io/v1", "Authentication", true},
		{"operator.openshift.io/v1", "Authentication", false},
		{"kops.k8s.io/v1alpha2", "Cluster", true},
		{"cluster.x-k8s.io/v1beta1", "Cluster", false},
		{"kubeadm.k8s.io/v1beta4", "ClusterConfiguration", true},
		{"kubeadm.k8s.io", "Foo", false},
	} {
		if got := isClusterScoped(tt.apiVersion, tt.kind); got != tt.want {
			t.Errorf("isClusterScoped(%q, %q) = %v, want %v", tt.apiVersion, tt.kind, got, tt.want)
		}
	}
}
