package analyzer

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/loader"
	"helm.sh/helm/v4/pkg/cli/values"
	"helm.sh/helm/v4/pkg/getter"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/strvals"
	"sigs.k8s.io/yaml"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// HelmOptions are how charts are rendered, as the flags of `helm template`
// would give them.
type HelmOptions struct {
	ValueFiles []string // --values
	Set        []string // --set k=v
	SetString  []string // --set-string k=v
	SetFile    []string // --set-file k=path: the file's text is the value
	SetJSON    []string // --set-json k=json, or a JSON object
	// APIVersions are added to the API versions templates see in
	// .Capabilities.APIVersions (--api-versions).
	APIVersions []string
	// ReleaseName defaults to "release-name", as for `helm template`.
	ReleaseName string
	// KubeVersion is the Kubernetes version templates see in
	// .Capabilities; empty means Helm's default.
	KubeVersion string
	// Log, when set, receives Helm's own log lines (warnings such as
	// "skipping unknown hooks"); nil discards them.
	Log io.Writer
	// NoSourceMap leaves findings on the rendered output: the chart is
	// rendered once, without the instrumented rendering that maps it to
	// its templates (see tplmap.go). For measuring what mapping costs.
	NoSourceMap bool
}

// isChartDir reports whether a directory is a Helm chart.
func isChartDir(dir string) bool {
	info, err := os.Stat(filepath.Join(dir, "Chart.yaml"))
	return err == nil && !info.IsDir()
}

// isLibraryChart reports whether a chart directory's Chart.yaml says it is
// a library chart. A Chart.yaml that cannot be read or parsed is not one: the
// chart is then rendered, and Helm says what is wrong with it.
func isLibraryChart(dir string) bool {
	data, err := ReadFile(filepath.Join(dir, "Chart.yaml"), DefaultLimits.MaxFileBytes)
	if err != nil {
		return false
	}
	var meta struct {
		Type string `json:"type"`
	}
	return yaml.Unmarshal(data, &meta) == nil && meta.Type == "library"
}

// chartOf is the chart a file or directory belongs to: the nearest directory
// at or above it that holds Chart.yaml, looking no higher than the repository root (the
// first directory holding .git) or the filesystem root. A chart vendored
// into another's charts/ directory belongs to that parent, up to the
// outermost one: a subchart renders only with its parent's values, so its
// files mean the chart that renders them. The chart is named like the file:
// relative to the working directory when the file's name is relative.
func chartOf(file string, dir bool) (string, bool) {
	chart, ok := enclosingDir(file, dir, isChartDir)
	if !ok {
		return "", false
	}
	for {
		charts := filepath.Dir(chart)
		parent := filepath.Dir(charts)
		if filepath.Base(charts) != "charts" || parent == charts || !isChartDir(parent) {
			break
		}
		chart = parent
	}
	return nameLike(file, chart), true
}

// enclosingDir is the nearest directory at or above a file or directory for
// which is(dir) holds, as an absolute name, looking no higher than the repository
// root (the first directory holding .git) or the filesystem root.
func enclosingDir(file string, dir bool, is func(string) bool) (string, bool) {
	abs, err := filepath.Abs(file)
	if err != nil {
		return "", false
	}
	d := abs
	if !dir {
		d = filepath.Dir(abs)
	}
	for {
		if is(d) {
			return d, true
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
}

// nameLike names the absolute directory d like file: relative to the working
// directory when file's name is relative.
func nameLike(file, d string) string {
	if !filepath.IsAbs(file) {
		if wd, err := os.Getwd(); err == nil {
			if rel, err := filepath.Rel(wd, d); err == nil {
				return rel
			}
		}
	}
	return d
}

// isPackagedChart reports whether a file name is that of a packaged chart.
func isPackagedChart(name string) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".tgz") || strings.HasSuffix(n, ".tar.gz")
}

// renderChart renders a chart (a directory or a packaged .tgz) within the
// loader's limits: in a child process when ServeRenderChild made this
// program able to (the tokenlint command always is), so that nothing a
// chart does can hang or kill the run; in this process otherwise.
func (l *Loader) renderChart(path string) ([]byte, *tplmap.Map, error) {
	lim := l.limits()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, nil, err
	}
	req := renderRequest{
		Chart:          abs,
		ValueFiles:     l.Helm.ValueFiles,
		Set:            l.Helm.Set,
		SetString:      l.Helm.SetString,
		SetFile:        l.Helm.SetFile,
		SetJSON:        l.Helm.SetJSON,
		APIVersions:    l.Helm.APIVersions,
		ReleaseName:    cmp.Or(l.Helm.ReleaseName, "release-name"),
		Namespace:      cmp.Or(l.Namespace, "default"),
		KubeVersion:    l.Helm.KubeVersion,
		MaxFileBytes:   lim.MaxFileBytes,
		MaxRenderBytes: lim.MaxRenderBytes,
		Log:            l.Helm.Log != nil,
		SourceMap:      !l.Helm.NoSourceMap && !isPackagedChart(path),
	}
	if renderChildReady.Load() {
		return renderInChild(req, lim.RenderTimeout, l.Helm.Log)
	}
	var log slog.Handler = slog.DiscardHandler
	if l.Helm.Log != nil {
		log = slog.NewTextHandler(lockedWriter{l.Helm.Log}, nil)
	}
	out, smap, err := render(req, log)
	if err == nil && int64(len(out)) > req.MaxRenderBytes {
		return nil, nil, errRenderTooLarge(req.MaxRenderBytes)
	}
	return out, smap, err
}

// render renders a chart exactly as `helm template` does by default:
// client-only, with no cluster and no network, hooks included, crds/ left
// out (they hold no pod). The result is the manifest stream `helm template`
// prints, with a "# Source:" comment before each document, so that
// positions match its output line for line. Every file it reads itself (a
// packaged chart, values files) goes through ReadFile; Helm's own log lines
// go to log. It is the renderer, whether it runs in a child process or not.
func render(req renderRequest, log slog.Handler) ([]byte, *tplmap.Map, error) {
	chrt, err := loadChart(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot load Helm chart: %w", err)
	}
	vals, err := mergeValues(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read Helm values: %w", err)
	}
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(log))
	inst := action.NewInstall(cfg)
	inst.DryRunStrategy = action.DryRunClient
	inst.Replace = true
	inst.ReleaseName = req.ReleaseName
	inst.Namespace = req.Namespace
	inst.APIVersions = common.VersionSet(req.APIVersions)
	if req.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid kube version '%s': %w", req.KubeVersion, err)
		}
		inst.KubeVersion = kv
	}
	r, err := inst.Run(chrt, vals)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot render Helm chart: %w", err)
	}
	rel, ok := r.(*release.Release)
	if !ok {
		return nil, nil, fmt.Errorf("cannot render Helm chart: unexpected release type %T", r)
	}
	// The stream `helm template` prints: the manifest, then the hooks.
	var out bytes.Buffer
	out.WriteString(strings.TrimSpace(rel.Manifest))
	out.WriteByte('\n')
	for _, h := range rel.Hooks {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	// Template positions (tplmap.go): never a reason to fail the render.
	var smap *tplmap.Map
	if req.SourceMap {
		if smap, err = sourceMap(chrt, vals, cfg, inst, out.Bytes()); err != nil {
			smap = &tplmap.Map{Error: err.Error()}
		}
	}
	return out.Bytes(), smap, nil
}

// loadChart loads a chart directory, or a packaged chart read through the
// file size limit and checked by checkChartArchive first, so that a broken
// archive's error names its entry. Then it refuses what `helm template`
// refuses before rendering, with Helm's words: a chart that is not an
// application (a library chart), and one whose Chart.yaml names a
// dependency that charts/ does not hold (action.CheckDependencies; Helm
// would fetch it only with --dependency-update, which needs the network).
func loadChart(req renderRequest) (chart.Charter, error) {
	chrt, err := readChart(req)
	if err != nil {
		return nil, err
	}
	ac, err := chart.NewAccessor(chrt)
	if err != nil {
		return nil, err
	}
	if t := ac.MetadataAsMap()["Type"]; t != "" && t != "application" {
		return nil, fmt.Errorf("%s charts are not installable", t)
	}
	if deps := ac.MetaDependencies(); len(deps) > 0 {
		if err := action.CheckDependencies(chrt, deps); err != nil {
			return nil, fmt.Errorf("an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: %w", err)
		}
	}
	return chrt, nil
}

// readChart reads a chart directory or packaged chart.
func readChart(req renderRequest) (chart.Charter, error) {
	info, err := os.Stat(req.Chart)
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		// Helm reads Chart.yaml before anything else, unchecked; it
		// refuses the chart's other files that are not regular itself.
		if _, err := statRegular(filepath.Join(req.Chart, "Chart.yaml")); err != nil {
			return nil, errors.New(readProblem(err) + " (Chart.yaml)")
		}
		return loader.Load(req.Chart)
	}
	data, err := ReadFile(req.Chart, req.MaxFileBytes)
	if err != nil {
		return nil, errors.New(readProblem(err))
	}
	if err := checkChartArchive(data); err != nil {
		return nil, err
	}
	return loader.LoadArchive(bytes.NewReader(data))
}

// mergeValues merges the values files, --set-json, --set, --set-string and
// --set-file values as Helm does (values.Options.MergeValues), with every
// file read through ReadFile and the file size limit: Helm's own reading
// would follow a name to a device, a pipe, standard input or the network.
// Helm picks a reader by the URL scheme of a file's name ("" for a path), so
// every scheme among the names is served by that reader; the names of
// --set-file values are learnt from Helm's own parser, in a first pass.
func mergeValues(req renderRequest) (map[string]any, error) {
	names := slices.Clone(req.ValueFiles)
	for _, v := range req.SetFile {
		_ = strvals.ParseIntoFile(v, map[string]any{}, func(rs []rune) (any, error) {
			names = append(names, string(rs))
			return "", nil
		})
	}
	schemes := map[string]bool{"": true}
	for _, name := range names {
		if strings.TrimSpace(name) == "-" {
			return nil, errors.New("standard input cannot be a values file: name a file")
		}
		if u, err := url.Parse(name); err == nil {
			schemes[u.Scheme] = true
		}
	}
	files := valueFiles{limit: req.MaxFileBytes}
	provider := getter.Provider{
		Schemes: slices.Sorted(maps.Keys(schemes)),
		New:     func(...getter.Option) (getter.Getter, error) { return files, nil },
	}
	opts := &values.Options{ValueFiles: req.ValueFiles, Values: req.Set, StringValues: req.SetString,
		FileValues: req.SetFile, JSONValues: req.SetJSON}
	return opts.MergeValues(getter.Providers{provider})
}

// valueFiles serves Helm the files it reads for values (--values,
// --set-file), read through ReadFile within the file size limit.
type valueFiles struct{ limit int64 }

func (v valueFiles) Get(name string, _ ...getter.Option) (*bytes.Buffer, error) {
	data, err := ReadFile(name, v.limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(readProblem(err), "cannot read: "))
	}
	return bytes.NewBuffer(data), nil
}
