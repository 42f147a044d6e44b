package analyzer

// Baseline is the set of findings a team has accepted for now: findings
// whose fingerprint it holds are reported as suppressed by the baseline, and
// entries that match no finding any more are counted as fixed. Reading and
// writing baseline files is the printers' business (they know the formats);
// the baseline itself is fingerprints, with the rule and file of each entry
// where the file records them.
type Baseline struct {
	// File is where the baseline was read from.
	File    string
	Entries map[string]BaselineEntry // by fingerprint
}

// BaselineEntry is what a baseline knows of one accepted finding besides its
// fingerprint. Either may be empty when the file does not record it.
type BaselineEntry struct {
	// Rule is the rule's ID.
	Rule string
	// File is relative to the fingerprints' root, with forward slashes.
	File string
}

// apply suppresses the findings the baseline holds and returns how many of
// its entries matched none, among those this run could have matched: an
// entry of a file the run did not read, or of a rule that is off, is not
// counted as fixed (it was not looked at), nor is an input error's, which a
// baseline cannot suppress. Findings suppressed in source keep that
// suppression but still use their entry: the debt is still there.
func (b *Baseline) apply(findings []Finding, files map[string]bool, reg *Registry, off map[*Rule]bool) (fixed int) {
	used := make(map[string]bool, len(b.Entries))
	for i := range findings {
		f := &findings[i]
		if _, ok := b.Entries[f.Fingerprint]; !ok || f.Rule == InvalidManifest {
			continue
		}
		used[f.Fingerprint] = true
		if f.Suppression == nil {
			f.Suppression = &Suppression{Kind: "external", Via: "baseline", Reason: "accepted in the baseline " + b.File,
				Position: Position{File: b.File}}
		}
	}
	for fp, e := range b.Entries {
		if used[fp] || (e.File != "" && !files[e.File]) {
			continue
		}
		if e.Rule != "" {
			if r := reg.Lookup(e.Rule); r == nil || r == InvalidManifest || off[r] {
				continue
			}
		}
		fixed++
	}
	return fixed
}
