package analyzer

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"

	"helm.sh/helm/v4/pkg/chart"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	"helm.sh/helm/v4/pkg/engine"

	"github.com/tokenlint/tokenlint/internal/tplmap"
)

// Template positions. After a chart is rendered as `helm template` renders
// it, the renderer renders it once more with its templates instrumented
// (internal/tplmap): the same chart, as renderRelease processed it, the same
// values and capabilities, through Helm's own engine. The instrumented
// output of each template file carries markers naming the template text
// and actions that wrote each run; each document of the printed stream is
// mapped through the instrumented document that, markers removed, is byte
// for byte the same (or, where none is, the lines it shares with the
// nearest from either end). The source map travels back from the render child
// with the stream; the loader sets a chartPlacer on every object of the
// chart, which places findings on the template's line and column.

// sourceMap is the source map of a stream rendered from chrt (as
// renderRelease left it: dependencies processed) with vals, the release
// options opts and the capabilities caps. It is a best effort: an error
// means no map, never a failed render.
func sourceMap(chrt chart.Charter, vals map[string]any, opts common.ReleaseOptions, caps *common.Capabilities, stream []byte) (m *tplmap.Map, err error) {
	c, ok := chrt.(*chartv2.Chart)
	if !ok {
		return nil, fmt.Errorf("chart of type %T cannot be mapped", chrt)
	}
	defer func() {
		// The instrumented templates are Helm's to parse and run: a panic
		// there is no map, not a crash.
		if r := recover(); r != nil {
			m, err = nil, fmt.Errorf("instrumented rendering panicked: %v", r)
		}
	}()
	renderVals, err := util.ToRenderValuesWithSchemaValidation(c, vals, opts, caps, true)
	if err != nil {
		return nil, err
	}
	in := &tplmap.Instrumenter{}
	files := map[string]string{} // template name: sha256 of its source
	restore := instrument(c, in, files)
	defer restore()
	// The engine renderRelease used (no DNS, no custom functions), with
	// the instrumentation's functions.
	e := engine.Engine{CustomTemplateFuncs: tplmap.Funcs()}
	rendered, err := e.Render(c, renderVals)
	if err != nil {
		return nil, err
	}
	m = tplmap.Build(in.Entries, rendered, stream)
	m.Files = files
	return m, nil
}

// instrument replaces the templates of a chart and its dependencies with
// instrumented ones, recording each source's hash, and returns the function
// that puts the originals back.
func instrument(c *chartv2.Chart, in *tplmap.Instrumenter, hashes map[string]string) (restore func()) {
	orig := c.Templates
	c.Templates = make([]*common.File, len(orig))
	for i, f := range orig {
		name := c.ChartFullPath() + "/" + f.Name
		sum := sha256.Sum256(f.Data)
		hashes[name] = hex.EncodeToString(sum[:])
		nf := *f
		nf.Data = []byte(in.File(name, string(f.Data)))
		c.Templates[i] = &nf
	}
	var restores []func()
	for _, dep := range c.Dependencies() {
		restores = append(restores, instrument(dep, in, hashes))
	}
	return func() {
		c.Templates = orig
		for _, r := range restores {
			r()
		}
	}
}
