package printers

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/tokenlint/tokenlint/analyzer"
)

// BaselineWriter writes the file --write-baseline names: the fingerprints of
// the findings a team accepts for now, with enough beside each (rule, file,
// line, message) for a person reading its diff in review. Files are named
// from the fingerprints' root (the repository root), so the file reads the
// same wherever tokenlint ran. It holds every
// finding not suppressed in source, including those the previous baseline
// suppressed, so rewriting a baseline drops only what was fixed.
type BaselineWriter struct{ opts Options }

// baselineFile is the baseline's shape. Version is the fingerprint scheme:
// a baseline of another scheme would match nothing.
type baselineFile struct {
	Tool        string          `json:"tool"`
	Fingerprint string          `json:"fingerprintVersion"`
	Findings    []baselineEntry `json:"findings"`
}

type baselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"ruleId"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Message     string `json:"message"`
}

// Print writes the baseline.
func (p *BaselineWriter) Print(w io.Writer, rep *analyzer.Report) error {
	out := baselineFile{Tool: "tokenlint", Fingerprint: analyzer.FingerprintVersion, Findings: []baselineEntry{}}
	for _, f := range rep.Findings {
		if f.Fingerprint == "" || f.Rule == analyzer.InvalidManifest || (f.Suppression != nil && f.Suppression.Kind == "inSource") {
			continue
		}
		// The file the fingerprint names: for a finding placed on a
		// chart's template, the chart (see analyzer.Finding.Generated),
		// so that an entry fixed in it counts as fixed.
		at := f.Position
		if f.Generated != nil {
			at = *f.Generated
		}
		out.Findings = append(out.Findings, baselineEntry{Fingerprint: f.Fingerprint, RuleID: f.Rule.ID,
			File: rep.RootRelative(at.File), Line: at.Line, Message: f.Message})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// ReadBaseline reads a baseline: the file --write-baseline wrote, a JSON
// report (--format json) or a SARIF log (--format sarif) of tokenlint. Only
// the baseline file names files from the fingerprints' root; entries of the
// others carry their rule alone.
func ReadBaseline(file string) (*analyzer.Baseline, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Tool        json.RawMessage `json:"tool"`
		Fingerprint *string         `json:"fingerprintVersion"`
		Findings    []struct {
			Fingerprint *string `json:"fingerprint"`
			RuleID      string  `json:"ruleId"`
			File        string  `json:"file"`
		} `json:"findings"`
		Runs []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID              string            `json:"ruleId"`
				PartialFingerprints map[string]string `json:"partialFingerprints"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s is not a tokenlint baseline, JSON report or SARIF log: %v", file, err)
	}
	b := &analyzer.Baseline{File: file, Entries: map[string]analyzer.BaselineEntry{}}
	switch {
	case doc.Runs != nil:
		ours := false
		for _, run := range doc.Runs {
			if run.Tool.Driver.Name != "tokenlint" {
				continue
			}
			ours = true
			for _, r := range run.Results {
				for key, fp := range r.PartialFingerprints {
					if key == sarifFingerprintKey {
						b.Entries[fp] = analyzer.BaselineEntry{Rule: r.RuleID}
					} else if strings.HasPrefix(key, "tokenlint/") {
						return nil, fmt.Errorf("%s holds %s fingerprints, from another version of tokenlint: write the baseline again", file, key)
					}
				}
			}
		}
		if !ours {
			return nil, fmt.Errorf("%s is a SARIF log with no run of tokenlint", file)
		}
	case doc.Findings != nil:
		if doc.Fingerprint != nil && *doc.Fingerprint != analyzer.FingerprintVersion {
			return nil, fmt.Errorf("%s holds fingerprints of version %q, from another version of tokenlint (this one writes %q): write the baseline again", file, *doc.Fingerprint, analyzer.FingerprintVersion)
		}
		baselineFile := doc.Fingerprint != nil // a JSON report names files from the working directory
		for _, f := range doc.Findings {
			if f.Fingerprint == nil {
				return nil, fmt.Errorf("%s has findings without fingerprints: it was written by an older tokenlint, write it again", file)
			}
			e := analyzer.BaselineEntry{Rule: f.RuleID}
			if baselineFile {
				e.File = f.File
			}
			b.Entries[*f.Fingerprint] = e
		}
	default:
		return nil, fmt.Errorf("%s is not a tokenlint baseline, JSON report or SARIF log: it has neither \"findings\" nor \"runs\"", file)
	}
	return b, nil
}
