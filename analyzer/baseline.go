package analyzer

// Baseline is the set of findings a team has accepted for now: findings
// whose fingerprint it holds are reported as suppressed by the baseline, and
// entries that match no finding any more are counted as fixed. Reading and
// writing baseline files is the printers' business (they know the formats);
// the baseline itself is only fingerprints.
type Baseline struct {
	// File is where the baseline was read from.
	File         string
	Fingerprints map[string]bool
}

// apply suppresses the findings the baseline holds and returns how many of
// its entries matched none. Findings suppressed in source keep that
// suppression but still use their entry: the debt is still there.
func (b *Baseline) apply(findings []Finding) (fixed int) {
	used := make(map[string]bool, len(b.Fingerprints))
	for i := range findings {
		f := &findings[i]
		if !b.Fingerprints[f.Fingerprint] || f.Rule == InvalidManifest {
			continue
		}
		used[f.Fingerprint] = true
		if f.Suppression == nil {
			f.Suppression = &Suppression{Kind: "external", Via: "baseline", Reason: "accepted in the baseline " + b.File,
				Position: Position{File: b.File}}
		}
	}
	return len(b.Fingerprints) - len(used)
}
