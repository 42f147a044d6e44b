package analyzer

import (
	"archive/tar"
	"compress/gzip"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const agentChart = "../testdata/charts/agent"

// byKind indexes loaded objects by kind.
func byKind(t *testing.T, in *Input) map[string]*Object {
	t.Helper()
	out := map[string]*Object{}
	for _, o := range in.Objects {
		out[o.Kind] = o
	}
	return out
}

func TestHelmChartDirectory(t *testing.T) {
	in := (&Loader{}).Load([]string{agentChart})
	if len(in.Problems) > 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	objs := byKind(t, in)
	if len(in.Objects) != 2 || objs["ServiceAccount"] == nil || objs["DaemonSet"] == nil {
		t.Fatalf("want the ServiceAccount and the DaemonSet (not NOTES.txt, not helpers), got %d objects", len(in.Objects))
	}
	ds := objs["DaemonSet"]
	if ds.Source != "agent/templates/daemonset.yaml" || ds.File != agentChart {
		t.Errorf("File %q Source %q", ds.File, ds.Source)
	}
	if ds.Name != "release-name-agent" || ds.Namespace != "default" {
		t.Errorf("release name or namespace not as `helm template` gives them: %s/%s", ds.Namespace, ds.Name)
	}
	// Positions are in the rendered stream.
	pos, found := ds.Locate("spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds")
	if !strings.HasSuffix(found, "expirationSeconds") || pos.Line < 30 || pos.Column != 15 {
		t.Errorf("expirationSeconds at %v (found %q)", pos, found)
	}
	if _, ok := ds.PodSpec(); !ok {
		t.Error("the rendered DaemonSet has no pod spec")
	}
}

func TestHelmOptions(t *testing.T) {
	valuesFile := filepath.Join(t.TempDir(), "prod.yaml")
	if err := os.WriteFile(valuesFile, []byte("token:\n  audience: vault\n  expirationSeconds: 7200\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &Loader{Namespace: "observability", Helm: HelmOptions{
		ValueFiles:  []string{valuesFile},
		Set:         []string{"token.expirationSeconds=900"},
		SetString:   []string{"image=example.com/agent:1"},
		ReleaseName: "obs",
		KubeVersion: "1.31.0",
	}}
	in := l.Load([]string{agentChart})
	if len(in.Problems) > 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	ds := byKind(t, in)["DaemonSet"]
	if ds.Name != "obs-agent" || ds.Namespace != "observability" {
		t.Errorf("got %s/%s", ds.Namespace, ds.Name)
	}
	src := "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken"
	if v, _ := ds.Lookup(src + ".audience"); v != "vault" {
		t.Errorf("the values file was not applied: audience %v", v)
	}
	if v, _ := ds.Lookup(src + ".expirationSeconds"); v != int64(900) {
		t.Errorf("--set does not win over the values file: expirationSeconds %v", v)
	}
	if v, _ := ds.Lookup("spec.template.spec.containers[0].image"); v != "example.com/agent:1" {
		t.Errorf("--set-string was not applied: image %v", v)
	}
}

func TestHelmChartFoundWhileWalking(t *testing.T) {
	in := (&Loader{}).Load([]string{"../testdata/charts"})
	if len(in.Problems) > 0 {
		t.Fatalf("a chart's templates were read as YAML: %+v", in.Problems)
	}
	if ds := byKind(t, in)["DaemonSet"]; ds == nil || ds.Source == "" {
		t.Fatalf("the chart under the directory was not rendered")
	}
}

func TestHelmProblems(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "broken")
	copyDir(t, agentChart, broken)
	if err := os.WriteFile(filepath.Join(broken, "templates", "bad.yaml"), []byte("kind: {{ .Values.nope.deeper }}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		l    Loader
		path string
		want string
	}{
		{"template error", Loader{}, broken, "cannot render Helm chart"},
		{"missing values file", Loader{Helm: HelmOptions{ValueFiles: []string{"no-such-values.yaml"}}}, agentChart, "cannot read Helm values"},
		{"bad kube version", Loader{Helm: HelmOptions{KubeVersion: "not-a-version"}}, agentChart, "invalid kube version"},
		{"bad --set", Loader{Helm: HelmOptions{Set: []string{"token.audience"}}}, agentChart, "Helm values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.l.Load([]string{tt.path, "../testdata/examples/payments.yaml"})
			if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, tt.want) || in.Problems[0].Position.File != tt.path {
				t.Fatalf("problems %+v, want one on %s saying %q", in.Problems, tt.path, tt.want)
			}
			if len(in.Objects) != 3 {
				t.Errorf("the other file was not loaded: %d objects", len(in.Objects))
			}
		})
	}
}

func TestHelmPackagedChart(t *testing.T) {
	tgz := filepath.Join(t.TempDir(), "agent-0.3.0.tgz")
	f, err := os.Create(tgz)
	if err != nil {
		t.Fatal(err)
	}
	gz := gzip.NewWriter(f)
	tw := tar.NewWriter(gz)
	err = filepath.WalkDir(agentChart, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(agentChart, p)
		if err := tw.WriteHeader(&tar.Header{Name: "agent/" + filepath.ToSlash(rel), Mode: 0o644, Size: int64(len(data))}); err != nil {
			return err
		}
		_, err = tw.Write(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []interface{ Close() error }{tw, gz, f} {
		if err := c.Close(); err != nil {
			t.Fatal(err)
		}
	}
	in := (&Loader{}).Load([]string{tgz})
	if len(in.Problems) > 0 || len(in.Objects) != 2 || byKind(t, in)["DaemonSet"].Source != "agent/templates/daemonset.yaml" {
		t.Fatalf("packaged chart: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dest := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dest, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(dest, data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file of a chart named on the command line (as pre-commit names changed
// files) means its chart: rendered once, however many of its files are
// named, and never read as YAML.
func TestHelmChartFileMeansChart(t *testing.T) {
	files := []string{"templates/daemonset.yaml", "templates/serviceaccount.yaml", "templates/_helpers.tpl", "templates/NOTES.txt", "values.yaml", "Chart.yaml"}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			in := (&Loader{}).Load([]string{filepath.Join(agentChart, f)})
			if len(in.Problems) > 0 || len(in.Objects) != 2 || in.Files != 1 {
				t.Fatalf("%d objects in %d files, problems %+v; want the chart's 2 objects", len(in.Objects), in.Files, in.Problems)
			}
			if ds := byKind(t, in)["DaemonSet"]; ds == nil || ds.File != agentChart || ds.Source != "agent/templates/daemonset.yaml" {
				t.Fatalf("the DaemonSet is not the rendered chart's: %+v", ds)
			}
		})
	}
	t.Run("several files and the chart itself", func(t *testing.T) {
		paths := []string{agentChart + "/templates/daemonset.yaml", agentChart + "/values.yaml", agentChart, agentChart + "/templates/_helpers.tpl"}
		in := (&Loader{}).Load(paths)
		if len(in.Problems) > 0 || len(in.Objects) != 2 || in.Files != 1 {
			t.Fatalf("%d objects in %d files, problems %+v; want the chart once", len(in.Objects), in.Files, in.Problems)
		}
	})
	t.Run("as context too", func(t *testing.T) {
		l := &Loader{}
		in := l.Load([]string{agentChart + "/templates/daemonset.yaml"})
		l.LoadContext(in, []string{"../testdata/charts"})
		var agent []*Object
		for _, o := range in.Objects {
			if filepath.Base(o.File) == "agent" {
				agent = append(agent, o)
			}
		}
		if len(agent) != 2 || agent[0].Context || agent[1].Context {
			t.Fatalf("the chart named by its file and found in context counts once, as linted: %d objects of the agent chart", len(agent))
		}
	})
	t.Run("excluded chart", func(t *testing.T) {
		l := &Loader{Exclude: func(p string) bool { return filepath.Base(p) == "agent" }}
		if in := l.Load([]string{agentChart + "/values.yaml"}); len(in.Objects) != 0 || len(in.Problems) != 0 {
			t.Fatalf("a file of an excluded chart was loaded: %d objects, problems %+v", len(in.Objects), in.Problems)
		}
	})
}

// The files of a subchart vendored in charts/ mean the outermost chart, which
// renders the subchart with its values; the subchart's directory, named, is
// rendered alone.
func TestHelmSubchartFile(t *testing.T) {
	dir := t.TempDir()
	parent := filepath.Join(dir, "platform")
	copyDir(t, agentChart, filepath.Join(parent, "charts", "agent"))
	write := func(name, text string) {
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(parent, "Chart.yaml"), "apiVersion: v2\nname: platform\nversion: 1.0.0\n")
	write(filepath.Join(parent, "values.yaml"), "agent:\n  token:\n    audience: vault\n")
	write(filepath.Join(parent, "templates", "sa.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: platform\n")

	audience := func(in *Input) any {
		v, _ := byKind(t, in)["DaemonSet"].Lookup("spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken.audience")
		return v
	}
	in := (&Loader{}).Load([]string{filepath.Join(parent, "charts", "agent", "templates", "daemonset.yaml")})
	if len(in.Problems) > 0 || len(in.Objects) != 3 || in.Objects[0].File != parent {
		t.Fatalf("a subchart's template: %d objects, problems %+v; want the parent chart's 3", len(in.Objects), in.Problems)
	}
	if got := audience(in); got != "vault" {
		t.Errorf("the subchart was not rendered with its parent's values: audience %v", got)
	}
	in = (&Loader{}).Load([]string{filepath.Join(parent, "charts", "agent")})
	if len(in.Problems) > 0 || len(in.Objects) != 2 || audience(in) != nil {
		t.Fatalf("the subchart named: %d objects, problems %+v; want it alone, with its own values", len(in.Objects), in.Problems)
	}
}

// Looking for a file's chart stops at the repository root, and names the
// chart relative to the working directory as the file was named.
func TestHelmChartFileLookup(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, agentChart, dir) // a chart above the repository
	repo := filepath.Join(dir, "repo")
	if err := os.MkdirAll(filepath.Join(repo, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(repo, "pod.yaml"), []byte(podWithToken("p", "          path: t\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	in := (&Loader{}).Load([]string{filepath.Join(repo, "pod.yaml")})
	if len(in.Objects) != 1 || in.Objects[0].Kind != "Pod" {
		t.Fatalf("a file of the repository was taken for a chart above it: %d objects", len(in.Objects))
	}

	t.Chdir(filepath.Join(dir, "templates"))
	in = (&Loader{}).Load([]string{"daemonset.yaml"})
	if len(in.Problems) > 0 || len(in.Objects) != 2 || in.Objects[0].File != ".." {
		t.Fatalf("from inside the chart: %d objects, problems %+v, file %q", len(in.Objects), in.Problems, in.Objects[0].File)
	}
	in = (&Loader{}).Load([]string{"."})
	if len(in.Problems) > 0 || len(in.Objects) != 2 {
		t.Fatalf("a directory inside a chart is not its chart: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
}

// What `helm template` refuses before rendering is an input problem on the
// chart, in Helm's words, and the other files are still linted.
func TestHelmRefusals(t *testing.T) {
	dir := t.TempDir()
	chart := func(name, chartYAML string, files map[string]string) string {
		p := filepath.Join(dir, name)
		copyDir(t, agentChart, p)
		files["Chart.yaml"] = chartYAML
		for f, text := range files {
			if err := os.MkdirAll(filepath.Dir(filepath.Join(p, f)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(p, f), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return p
	}
	const head = "apiVersion: v2\nname: agent\nversion: 0.3.0\n"
	tests := []struct {
		name string
		l    Loader
		path string
		want string
	}{
		{"missing dependency", Loader{}, chart("nodeps", head+"dependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry-1.docker.io/bitnamicharts\n", map[string]string{}),
			"found in Chart.yaml, but missing in charts/ directory: common"},
		{"library chart", Loader{}, chart("lib", head+"type: library\n", map[string]string{}), "library charts are not installable"},
		{"kubeVersion constraint, default version", Loader{}, chart("oldkube", head+"kubeVersion: \">=1.99.0-0\"\n", map[string]string{}),
			"chart requires kubeVersion: >=1.99.0-0 which is incompatible with Kubernetes v1."},
		{"kubeVersion constraint, --kube-version", Loader{Helm: HelmOptions{KubeVersion: "1.27.3"}}, chart("newkube", head+"kubeVersion: \">=1.29.0-0\"\n", map[string]string{}),
			"incompatible with Kubernetes v1.27.3"},
		{"--set-file of a missing file", Loader{Helm: HelmOptions{SetFile: []string{"token.audience=no-such-file.txt"}}}, agentChart, "no-such-file.txt"},
		{"--set-file of a device", Loader{Helm: HelmOptions{SetFile: []string{"token.audience=/dev/zero"}}}, agentChart, "/dev/zero"},
		{"--set-file of standard input", Loader{Helm: HelmOptions{SetFile: []string{"token.audience=-"}}}, agentChart, "standard input"},
		{"bad --set-json", Loader{Helm: HelmOptions{SetJSON: []string{"token={"}}}, agentChart, "failed parsing --set-json data"},
		// Read as a file name, never fetched: there is no such file.
		{"--set-file of a URL", Loader{Helm: HelmOptions{SetFile: []string{"token.audience=https://example.com/audience"}}}, agentChart, "https://example.com/audience"},
		{"values file of a URL", Loader{Helm: HelmOptions{ValueFiles: []string{"https://example.com/values.yaml"}}}, agentChart, "https://example.com/values.yaml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.l.Load([]string{tt.path, "../testdata/examples/payments.yaml"})
			if len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, tt.want) || in.Problems[0].Position.File != tt.path {
				t.Fatalf("problems %+v, want one on %s saying %q", in.Problems, tt.path, tt.want)
			}
			if len(in.Objects) != 3 {
				t.Errorf("the other file was not loaded: %d objects", len(in.Objects))
			}
		})
	}
	// A dependency vendored in charts/ satisfies Chart.yaml, and the
	// constraint holds for a version that meets it.
	ok := chart("deps", head+"kubeVersion: \">=1.29.0-0\"\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: file://../common\n",
		map[string]string{"charts/common/Chart.yaml": "apiVersion: v2\nname: common\nversion: 2.31.4\ntype: library\n",
			"charts/common/templates/_names.tpl": "{{- define \"common.names.name\" -}}{{ .Chart.Name }}{{- end -}}\n"})
	if in := (&Loader{Helm: HelmOptions{KubeVersion: "1.31.0"}}).Load([]string{ok}); len(in.Problems) > 0 || len(in.Objects) != 2 {
		t.Fatalf("a chart with its dependency vendored: %d objects, problems %+v", len(in.Objects), in.Problems)
	}
}

// --set-file, --set-json and --api-versions reach the templates as Helm
// gives them.
func TestHelmValueFlags(t *testing.T) {
	dir := t.TempDir()
	audience := filepath.Join(dir, "audience.txt")
	if err := os.WriteFile(audience, []byte("spire-server"), 0o644); err != nil {
		t.Fatal(err)
	}
	chart := filepath.Join(dir, "agent")
	copyDir(t, agentChart, chart)
	caps := "{{- if .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" }}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: monitoring\n{{- end }}\n"
	if err := os.WriteFile(filepath.Join(chart, "templates", "caps.yaml"), []byte(caps), 0o644); err != nil {
		t.Fatal(err)
	}
	l := &Loader{Helm: HelmOptions{
		SetFile:     []string{"token.audience=" + audience},
		SetJSON:     []string{`token.expirationSeconds=1200`, `{"image":"example.com/agent:2"}`},
		APIVersions: []string{"policy/v1beta1", "monitoring.coreos.com/v1"},
	}}
	in := l.Load([]string{chart})
	if len(in.Problems) > 0 {
		t.Fatalf("problems: %+v", in.Problems)
	}
	objs := byKind(t, in)
	ds := objs["DaemonSet"]
	src := "spec.template.spec.volumes[0].projected.sources[0].serviceAccountToken"
	if v, _ := ds.Lookup(src + ".audience"); v != "spire-server" {
		t.Errorf("--set-file: audience %v", v)
	}
	if v, _ := ds.Lookup(src + ".expirationSeconds"); v != int64(1200) {
		t.Errorf("--set-json key=value: expirationSeconds %v", v)
	}
	if v, _ := ds.Lookup("spec.template.spec.containers[0].image"); v != "example.com/agent:2" {
		t.Errorf("--set-json object: image %v", v)
	}
	if objs["ConfigMap"] == nil {
		t.Error("--api-versions did not reach .Capabilities.APIVersions")
	}
	if in := (&Loader{}).Load([]string{chart}); byKind(t, in)["ConfigMap"] != nil {
		t.Error("the API version is there without --api-versions")
	}
}

// A library chart found while walking is left to the charts that use it;
// named, it is Helm's error.
func TestHelmLibraryChartWhileWalking(t *testing.T) {
	dir := t.TempDir()
	copyDir(t, agentChart, filepath.Join(dir, "agent"))
	lib := filepath.Join(dir, "common")
	if err := os.MkdirAll(filepath.Join(lib, "templates"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"Chart.yaml": "apiVersion: v2\nname: common\nversion: 2.0.0\ntype: library\n",
		"templates/_names.tpl": "{{- define \"common.fullname\" -}}{{ .Release.Name }}{{- end -}}\n"} {
		if err := os.WriteFile(filepath.Join(lib, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if in := (&Loader{}).Load([]string{dir}); len(in.Problems) > 0 || len(in.Objects) != 2 {
		t.Fatalf("walking: %d objects, problems %+v; want the agent chart's 2 and nothing of the library", len(in.Objects), in.Problems)
	}
	if in := (&Loader{}).Load([]string{lib}); len(in.Problems) != 1 || !strings.Contains(in.Problems[0].Message, "library charts are not installable") {
		t.Fatalf("the library chart named: problems %+v", in.Problems)
	}
}
