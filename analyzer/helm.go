package analyzer

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
)

// HelmOptions are how charts are rendered, as the flags of `helm template`
// would give them.
type HelmOptions struct {
	ValueFiles []string // --values
	Set        []string // --set k=v
	SetString  []string // --set-string k=v
	// ReleaseName defaults to "release-name", as for `helm template`.
	ReleaseName string
	// KubeVersion is the Kubernetes version templates see in
	// .Capabilities; empty means Helm's default.
	KubeVersion string
}

// isChartDir reports whether a directory is a Helm chart.
func isChartDir(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && !info.IsDir()
}

// chartOf is the chart a file or directory belongs to: the nearest directory
// at or above it that holds Chart.yaml, looking no higher than the repository root (the
// first directory holding .git) or the filesystem root. A chart vendored
// into another's charts/ directory belongs to that parent, up to the
// outermost one: a subchart renders only with its parent's values, so its
// files mean the chart that renders them. The chart is named like the file:
// relative to the working directory when the file's name is relative.
func chartOf(file string, dir bool) (string, bool) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	start := abs
	if !dir {
		start = filepath.Dir(abs)
	}
	chart := ""
	for d := start; ; {
		if isChartDir(d) {
			chart = d
			break
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return "", false
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
	for {
		charts := filepath.Dir(chart)
		parent := filepath.Dir(charts)
		if filepath.Base(charts) != "charts" || parent == charts || !isChartDir(parent) {
			break
		}
		chart = parent
	}
	if !filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, chart); err == nil {
				return rel, true
			}
		}
	}
	return chart, true
}

// isPackagedChart reports whether a file name is that of a packaged chart.
func isPackagedChart(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".tgz") || strings.HasSuffix(n, ".tar.gz")
}

// renderChart renders a chart (a directory or a packaged .tgz) in-process,
// exactly as `helm template` does by default: client-only, with no cluster and
// no network, hooks included, crds/ left out (they hold no pod). The result is
// the manifest stream `helm template` prints, with a "# Source:" comment
// before each document, so that positions match its output line for line.
func (l *Loader) renderChart(path string) ([]byte, error) {
	chrt, err := loader.Load(path)
	if err != nil {
		return nil, fmt.Errorf("cannot load Helm chart: %w", err)
	}
	// No getters: values come from local files only, never the network.
	opts := &values.Options{ValueFiles: l.Helm.ValueFiles, Values: l.Helm.Set, StringValues: l.Helm.SetString}
	vals, err := opts.MergeValues(getter.Providers{})
	if err != nil {
		return nil, fmt.Errorf("cannot read Helm values: %w", err)
	}
	inst := action.NewInstall(action.NewConfiguration())
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = l.Helm.ReleaseName
	if inst.ReleaseName == "" {
		inst.ReleaseName = "release-name"
	}
	inst.Namespace = l.Namespace
	if inst.Namespace == "" {
		inst.Namespace = "default"
	}
	if l.Helm.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(l.Helm.KubeVersion)
		if err != nil {
			return nil, fmt.Errorf("invalid Kubernetes version %q: %w", l.Helm.KubeVersion, err)
		}
		inst.KubeVersion = kv
	}
	r, err := inst.Run(chrt, vals)
	if err != nil {
		return nil, fmt.Errorf("cannot render Helm chart: %w", err)
	}
	rel, ok := r.(*release.Release)
	if !ok {
		return nil, fmt.Errorf("cannot render Helm chart: unexpected release type %T", r)
	}
	// The stream `helm template` prints: the manifest, then the hooks.
	var out bytes.Buffer
	out.WriteString(strings.TrimSpace(rel.Manifest))
	out.WriteByte('\n')
	for _, h := range rel.Hooks {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	return out.Bytes(), nil
}
