package rules

import (
	"fmt"
	"math"

	"github.com/tokenlint/tokenlint/analyzer"
)

// tokenSource is one projected serviceAccountToken source of a pod spec.
type tokenSource struct {
	// path is the field path of the serviceAccountToken mapping.
	path string
	// volume is the name of the projected volume holding it, and
	// volumeIndex and sourceIndex where it is in the pod spec.
	volume                   string
	volumeIndex, sourceIndex int
	// raw is the serviceAccountToken mapping as written.
	raw map[string]any
}

// field is the path of one of the source's fields.
func (t tokenSource) field(name string) string { return t.path + "." + name }

// describe names the token for messages: its file path and its volume.
func (t tokenSource) describe() string {
	if p, ok := t.raw["path"].(string); ok && p != "" {
		return fmt.Sprintf("projected token %q in volume %q", p, t.volume)
	}
	return fmt.Sprintf("projected token in volume %q", t.volume)
}

// tokenSources lists the serviceAccountToken sources of the object's pod spec,
// every source of every projected volume, each with its own path.
func tokenSources(p *analyzer.Pass) []tokenSource { return objectTokenSources(p.Object) }

// objectTokenSources is tokenSources of an object, for facts.
func objectTokenSources(o *analyzer.Object) []tokenSource {
	ps, ok := o.PodSpec()
	if !ok {
		return nil
	}
	var out []tokenSource
	for i, v := range ps.Spec.Volumes {
		if v.Projected == nil {
			continue
		}
		for j, src := range v.Projected.Sources {
			path := fmt.Sprintf("%s.volumes[%d].projected.sources[%d].serviceAccountToken", ps.Path, i, j)
			raw, _ := o.Lookup(path)
			m, isMap := raw.(map[string]any)
			if src.ServiceAccountToken == nil && !isMap {
				continue
			}
			out = append(out, tokenSource{path: path, volume: v.Name, volumeIndex: i, sourceIndex: j, raw: m})
		}
	}
	return out
}

// expiration reads expirationSeconds as written. ok is false when it is
// absent or null (the API server's default of 3600 applies); integer is false
// when it is present but not an integer (a string, a fraction, a boolean).
func (t tokenSource) expiration() (value float64, written any, ok, integer bool) {
	v, present := t.raw["expirationSeconds"]
	if !present || v == nil {
		return 0, nil, false, false
	}
	switch n := v.(type) {
	case int64:
		return float64(n), v, true, true
	case float64:
		return n, v, true, n == math.Trunc(n)
	}
	return 0, v, true, false
}
