package analyzer

import (
	"bytes"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pmezard/go-difflib/difflib"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
)

// parityCharts lists the charts under root that `helm template` renders on
// their own: every directory holding Chart.yaml, except library charts
// (Helm refuses to render them) and charts vendored in another chart's
// charts/ directory (they render with their parent).
func parityCharts(t *testing.T, root string) []string {
	t.Helper()
	var charts []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() || !isChartDir(p) {
			return err
		}
		if c, ok := chartOf(p, true); ok {
			if abs, _ := filepath.Abs(p); c != p && c != abs {
				return fs.SkipDir // a subchart
			}
		}
		meta, err := loader.LoadDir(p)
		if err == nil && meta.Metadata.Type == "library" {
			return fs.SkipDir
		}
		charts = append(charts, p)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return charts
}

// parityRun is one way of rendering a chart: the flags of `helm template`
// and the request that gives tokenlint the same.
type parityRun struct {
	name  string
	flags []string
	req   renderRequest
}

// parityRuns are the renderings compared for a chart: its defaults; each of
// its ci/*-values.yaml files (chart-testing's convention for the values a
// chart is tested with); and one with another release, namespace,
// Kubernetes version and extra API versions, which charts test in
// .Capabilities.
func parityRuns(t *testing.T, chart, defaultKube string) []parityRun {
	t.Helper()
	abs, err := filepath.Abs(chart)
	if err != nil {
		t.Fatal(err)
	}
	base := renderRequest{Chart: abs, ReleaseName: "release-name", Namespace: "default", KubeVersion: defaultKube, MaxFileBytes: 1 << 20, MaxRenderBytes: 64 << 20}
	runs := []parityRun{{name: "defaults", flags: []string{"release-name", abs, "--namespace", "default"}, req: base}}
	ci, _ := filepath.Glob(filepath.Join(abs, "ci", "*-values.yaml"))
	for _, v := range ci {
		req := base
		req.ValueFiles = []string{v}
		runs = append(runs, parityRun{name: filepath.Base(v), flags: []string{"release-name", abs, "--namespace", "default", "--values", v}, req: req})
	}
	req := base
	req.ReleaseName, req.Namespace = "prod", "payments"
	req.KubeVersion = "v1.33.2"
	req.APIVersions = []string{"monitoring.coreos.com/v1", "policy/v1beta1"}
	runs = append(runs, parityRun{name: "capabilities", req: req, flags: []string{"prod", abs, "--namespace", "payments",
		"--kube-version", "v1.33.2", "--api-versions", "monitoring.coreos.com/v1", "-a", "policy/v1beta1"}})
	return runs
}

// TestHelmTemplateParity renders every chart under testdata/ with the helm
// command that TOKENLINT_HELM names (built from the SDK version in go.mod,
// as .ci/run builds it) and with tokenlint, and wants the same bytes: the
// same objects and content on the same lines. Skipped without the binary.
func TestHelmTemplateParity(t *testing.T) {
	helm := os.Getenv("TOKENLINT_HELM")
	if helm == "" {
		t.Skip("TOKENLINT_HELM names no helm binary")
	}
	charts := parityCharts(t, "../testdata")
	if len(charts) < 2 {
		t.Fatalf("found %d charts under testdata/", len(charts))
	}
	home := t.TempDir()
	// No user's repositories, registries or kubeconfig: a chart renders
	// from its own files, as tokenlint renders it.
	env := append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home, "XDG_DATA_HOME="+home,
		"KUBECONFIG="+filepath.Join(home, "none"), "HELM_DEBUG=false")
	// Helm's default Kubernetes version is that of the k8s.io/client-go
	// module it is built with (major+1.minor), read from the build
	// information, which a test binary lacks: there Helm falls back to
	// v1.20.0. The tokenlint command has it, and the helm command built from
	// this module's graph reports it; the test gives it to tokenlint's
	// renderer so that "defaults" renders as the command would.
	version, err := exec.Command(helm, "version", "--template", "{{.KubeClientVersion}}").Output()
	if err != nil || !strings.HasPrefix(string(version), "v1.") {
		t.Fatalf("helm version: %q, %v", version, err)
	}
	defaultKube := strings.TrimSpace(string(version)) + ".0"
	for _, chart := range charts {
		for _, run := range parityRuns(t, chart, defaultKube) {
			t.Run(filepath.Base(chart)+"/"+run.name, func(t *testing.T) {
				cmd := exec.Command(helm, append([]string{"template"}, run.flags...)...)
				cmd.Env = env
				var stderr bytes.Buffer
				cmd.Stderr = &stderr
				want, err := cmd.Output()
				if err != nil {
					t.Fatalf("helm template %s: %v\n%s", strings.Join(run.flags, " "), err, stderr.String())
				}
				got, _, err := render(run.req, slog.DiscardHandler)
				if err != nil {
					t.Fatalf("tokenlint: %v", err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("tokenlint's rendering differs from helm template %s:\n%s", strings.Join(run.flags, " "), firstDiff(string(want), string(got)))
				}
				// The positions of the objects loaded from the stream are
				// lines of helm's output.
				lines := strings.Split(string(want), "\n")
				stream := filepath.Join(t.TempDir(), "rendered.yaml")
				if err := os.WriteFile(stream, got, 0o644); err != nil {
					t.Fatal(err)
				}
				in := (&Loader{}).Load([]string{stream})
				objs := in.Objects
				if len(in.Problems) > 0 || len(objs) == 0 {
					t.Fatalf("the rendered chart loads %d objects, problems %+v", len(objs), in.Problems)
				}
				for _, o := range objs {
					for key, path := range map[string]string{"kind:": "kind", "name:": "metadata.name"} {
						pos, _ := o.Locate(path)
						if pos.Line < 1 || pos.Line > len(lines) || !strings.HasPrefix(strings.TrimSpace(lines[pos.Line-1]), key) {
							t.Errorf("%s %s: %s at line %d, which in helm's output is not a %q line", o.Kind, o.Name, path, pos.Line, key)
						}
					}
				}
			})
		}
	}
}

// firstDiff is a unified diff of the first differing lines of two texts,
// with a few lines of context.
func firstDiff(want, got string) string {
	diff, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
		A: difflib.SplitLines(want), B: difflib.SplitLines(got),
		FromFile: "helm template", ToFile: "tokenlint", Context: 3,
	})
	if err != nil {
		return err.Error()
	}
	// The first hunk says where the streams part; the rest follows from it.
	hunks := strings.Split(diff, "\n@@")
	out := hunks[0]
	if len(hunks) > 1 {
		out += "\n@@" + hunks[1]
	}
	if n := len(hunks) - 2; n > 0 {
		out += fmt.Sprintf("\n(%d more hunks)", n)
	}
	if strings.TrimSpace(want) == strings.TrimSpace(got) {
		out += "\n(the texts differ only in leading or trailing white space)"
	}
	return out
}

// The parity test must itself find a difference, print where it is, and
// skip only library charts and subcharts.
func TestHelmParityHarness(t *testing.T) {
	d := firstDiff("a\nb\nc\n", "a\nb\n\nc\n")
	if !strings.Contains(d, "@@ -1,") || !strings.Contains(d, "+\n") {
		t.Errorf("diff of an added blank line:\n%s", d)
	}
	charts := parityCharts(t, "../testdata")
	if !slices.Contains(charts, "../testdata/charts/agent") {
		t.Errorf("charts %v lack the agent chart", charts)
	}
	for _, c := range charts {
		if strings.Contains(filepath.ToSlash(c), "/charts/"+filepath.Base(c)) && strings.Count(filepath.ToSlash(c), "/charts/") > 1 {
			t.Errorf("a subchart is rendered on its own: %s", c)
		}
	}
}
