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
