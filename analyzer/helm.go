package analyzer

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/loader"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartv2loader "helm.sh/helm/v4/pkg/chart/v2/loader"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
	"helm.sh/helm/v4/pkg/engine"
	release "helm.sh/helm/v4/pkg/release/v1"
	releaseutil "helm.sh/helm/v4/pkg/release/v1/util"
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
//
// It does what Helm's action.Install does for `helm template` (a client
// dry run, in RunWithContext and Configuration.renderResources of Helm
// v4.3.1) with the packages that do the work, so that tokenlint links
// neither the action's cluster machinery (Helm's kube client, kubectl,
// cli-runtime, release storage) nor Helm's getters and registry client:
// of the action, only what a client dry run without --output-dir,
// --post-renderer, --include-crds, --labels or --hide-secret does is kept
// (TestLinksNoClusterClient in cmd/tokenlint holds the line).
func render(req renderRequest, log slog.Handler) ([]byte, *tplmap.Map, error) {
	chrt, err := loadChart(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot load Helm chart: %w", err)
	}
	vals, err := mergeValues(req)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot read Helm values: %w", err)
	}
	// The capabilities of a client-only install: Helm's defaults, with
	// --kube-version and --api-versions on top.
	caps := common.DefaultCapabilities.Copy()
	if req.KubeVersion != "" {
		kv, err := common.ParseKubeVersion(req.KubeVersion)
		if err != nil {
			return nil, nil, fmt.Errorf("invalid kube version '%s': %w", req.KubeVersion, err)
		}
		caps.KubeVersion = *kv
	}
	caps.APIVersions = slices.Concat(caps.APIVersions, req.APIVersions) // never into the defaults' array
	c, opts, hooks, manifests, err := renderRelease(chrt, vals, caps, req, slog.New(log))
	if err != nil {
		return nil, nil, fmt.Errorf("cannot render Helm chart: %w", err)
	}
	// The stream `helm template` prints: the manifest (each document
	// after its "# Source:" line, as renderResources writes it), then the
	// hooks.
	var manifest bytes.Buffer
	for _, m := range manifests {
		fmt.Fprintf(&manifest, "---\n# Source: %s\n%s\n", m.Name, m.Content)
	}
	var out bytes.Buffer
	out.WriteString(strings.TrimSpace(manifest.String()))
	out.WriteByte('\n')
	for _, h := range hooks {
		fmt.Fprintf(&out, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	// Template positions (tplmap.go): never a reason to fail the render.
	var smap *tplmap.Map
	if req.SourceMap {
		if smap, err = sourceMap(c, vals, opts, caps, out.Bytes()); err != nil {
			smap = &tplmap.Map{Error: err.Error()}
		}
	}
	return out.Bytes(), smap, nil
}

// renderRelease is what Install.RunWithContext and renderResources do in a
// client dry run, in their order and with their words: the chart's API
// version, the release name, the chart's dependencies (conditions, tags,
// imported values), the values and their schema, the chart's kubeVersion
// constraint, the engine with no cluster (lookup finds nothing) and no DNS,
// NOTES.txt left out, and the manifests and hooks sorted in install order.
// It returns the chart as processed, for the source map. Errors the action
// logs before returning are logged to log too.
func renderRelease(ch chart.Charter, vals map[string]any, caps *common.Capabilities, req renderRequest, log *slog.Logger) (*chartv2.Chart, common.ReleaseOptions, []*release.Hook, []releaseutil.Manifest, error) {
	var opts common.ReleaseOptions
	var chrt *chartv2.Chart
	switch c := ch.(type) {
	case *chartv2.Chart:
		chrt = c
	case chartv2.Chart:
		chrt = &c
	default:
		return nil, opts, nil, nil, errors.New("invalid chart apiVersion")
	}
	if err := chartutil.ValidateReleaseName(req.ReleaseName); err != nil {
		err = fmt.Errorf("release name %q: %w", req.ReleaseName, err)
		log.Error("release name check failed", slog.Any("error", err))
		return nil, opts, nil, nil, fmt.Errorf("release name check failed: %w", err)
	}
	if err := chartutil.ProcessDependencies(chrt, vals); err != nil {
		log.Error("chart dependencies processing failed", slog.Any("error", err))
		return nil, opts, nil, nil, fmt.Errorf("chart dependencies processing failed: %w", err)
	}
	opts = common.ReleaseOptions{Name: req.ReleaseName, Namespace: req.Namespace, Revision: 1, IsInstall: true}
	renderVals, err := util.ToRenderValuesWithSchemaValidation(chrt, vals, opts, caps, false)
	if err != nil {
		return nil, opts, nil, nil, err
	}
	if chrt.Metadata.KubeVersion != "" && !chartutil.IsCompatibleRange(chrt.Metadata.KubeVersion, caps.KubeVersion.String()) {
		return nil, opts, nil, nil, fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", chrt.Metadata.KubeVersion, caps.KubeVersion.Version)
	}
	// The engine of a client-only render: no cluster, so lookup returns
	// an empty map; no DNS; no custom functions (the action's
	// Configuration has none unless an SDK user sets them).
	var e engine.Engine
	files, err := e.RenderWithContext(context.Background(), chrt, renderVals)
	if err != nil {
		return nil, opts, nil, nil, err
	}
	// NOTES.txt, of the chart or a subchart, is neither a manifest nor a
	// hook; `helm template` never prints it.
	for name := range files {
		if strings.HasSuffix(name, "NOTES.txt") {
			delete(files, name)
		}
	}
	hooks, manifests, err := releaseutil.SortManifests(files, nil, releaseutil.InstallOrder)
	if err != nil {
		return nil, opts, nil, nil, err
	}
	return chrt, opts, hooks, manifests, nil
}

// loadChart loads a chart directory, or a packaged chart read through the
// file size limit and checked by checkChartArchive first, so that a broken
// archive's error names its entry. Then it refuses what `helm template`
// refuses before rendering, with Helm's words: a chart that is not an
// application (a library chart), and one whose Chart.yaml names a
// dependency that charts/ does not hold (checkDependencies; Helm would
// fetch it only with --dependency-update, which needs the network).
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
		if err := checkDependencies(chrt, deps); err != nil {
			return nil, fmt.Errorf("an error occurred while checking for chart dependencies. You may need to run 'helm dependency build' to fetch missing dependencies: %w", err)
		}
	}
	return chrt, nil
}

// checkDependencies is Helm's action.CheckDependencies: every dependency
// Chart.yaml names must be a chart in charts/, by name.
func checkDependencies(ch chart.Charter, reqs []chart.Dependency) error {
	ac, err := chart.NewAccessor(ch)
	if err != nil {
		return err
	}
	var missing []string
outer:
	for _, r := range reqs {
		rac, err := chart.NewDependencyAccessor(r)
		if err != nil {
			return err
		}
		for _, d := range ac.Dependencies() {
			dac, err := chart.NewAccessor(d)
			if err != nil {
				return err
			}
			if dac.Name() == rac.Name() {
				continue outer
			}
		}
		missing = append(missing, rac.Name())
	}
	if len(missing) > 0 {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}
	return nil
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
// --set-file values as Helm does (values.Options.MergeValues, in its order
// and with its words), with every file read through ReadFile and the file
// size limit: Helm's own reading would follow a name to a device, a pipe,
// standard input or the network. It is written out here rather than called
// because Helm's takes getter.Providers, and the getter package links
// Helm's registry and HTTP clients that a render never uses.
func mergeValues(req renderRequest) (map[string]any, error) {
	// Standard input is refused before anything is read: the names of
	// --set-file values are learnt from Helm's own parser, in a first pass.
	names := slices.Clone(req.ValueFiles)
	for _, v := range req.SetFile {
		_ = strvals.ParseIntoFile(v, map[string]any{}, func(rs []rune) (any, error) {
			names = append(names, string(rs))
			return "", nil
		})
	}
	for _, name := range names {
		if strings.TrimSpace(name) == "-" {
			return nil, errors.New("standard input cannot be a values file: name a file")
		}
	}
	base := map[string]any{}
	for _, name := range req.ValueFiles {
		raw, err := readValuesFile(name, req.MaxFileBytes)
		if err != nil {
			return nil, err
		}
		current, err := chartv2loader.LoadValues(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("failed to parse %s: %w", name, err)
		}
		base = chartv2loader.MergeMaps(base, current)
	}
	for _, value := range req.SetJSON {
		trimmed := strings.TrimSpace(value)
		if trimmed != "" && trimmed[0] == '{' {
			var jsonMap map[string]any
			if err := json.Unmarshal([]byte(trimmed), &jsonMap); err != nil {
				return nil, fmt.Errorf("failed parsing --set-json data JSON: %s", value)
			}
			base = chartv2loader.MergeMaps(base, jsonMap)
		} else if err := strvals.ParseJSON(value, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-json data %s", value)
		}
	}
	for _, value := range req.Set {
		if err := strvals.ParseInto(value, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set data: %w", err)
		}
	}
	for _, value := range req.SetString {
		if err := strvals.ParseIntoString(value, base); err != nil {
			return nil, fmt.Errorf("failed parsing --set-string data: %w", err)
		}
	}
	for _, value := range req.SetFile {
		read := func(rs []rune) (any, error) {
			data, err := readValuesFile(string(rs), req.MaxFileBytes)
			if err != nil {
				return nil, err
			}
			return string(data), nil
		}
		if err := strvals.ParseIntoFile(value, base, read); err != nil {
			return nil, fmt.Errorf("failed parsing --set-file data: %w", err)
		}
	}
	return base, nil
}

// readValuesFile reads a file Helm reads for values (--values, --set-file)
// through ReadFile within the file size limit, whatever its URL scheme
// (Helm would fetch a URL through its getters); a name that is no URL is
// refused with Helm's error, as Helm refuses it.
func readValuesFile(name string, limit int64) ([]byte, error) {
	if _, err := url.Parse(name); err != nil {
		return nil, err
	}
	data, err := ReadFile(name, limit)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", name, strings.TrimPrefix(readProblem(err), "cannot read: "))
	}
	return data, nil
}
