package printers_test

import (
	"fmt"
	"io"
	"testing"

	"github.com/tokenlint/tokenlint/analyzer"
	"github.com/tokenlint/tokenlint/printers"
)

// manyFindings is a report of n findings of one rule on n/100 objects, as
// scripts/manyfindings.py makes for whole-process measurements.
func manyFindings(n int) *analyzer.Report {
	rule := &analyzer.Rule{ID: "TL101", Slug: "projected-token-missing-audience", Title: "Projected token without audience",
		Severity: analyzer.SeverityWarning, Description: "Finds projected tokens without an audience."}
	rep := &analyzer.Report{Files: 1, Objects: n / 100}
	for i := range n {
		obj := i / 100
		rep.Findings = append(rep.Findings, analyzer.Finding{
			Rule: rule, Severity: analyzer.SeverityWarning,
			Message:     fmt.Sprintf("projected token \"token-%d\" in volume \"tokens\" has no audience, so any recipient can replay it against the cluster", i%100),
			Position:    analyzer.Position{File: "deploy/workers.yaml", Line: 30 + i*3, Column: 13, EndLine: 30 + i*3, EndColumn: 32},
			Object:      analyzer.Ref{APIVersion: "apps/v1", Kind: "Deployment", Namespace: fmt.Sprintf("team-%02d", obj%50), Name: fmt.Sprintf("worker-%05d", obj)},
			Path:        fmt.Sprintf("spec.template.spec.volumes[0].projected.sources[%d].serviceAccountToken", i%100),
			Fingerprint: fmt.Sprintf("%032x", i),
		})
	}
	return rep
}

// BenchmarkPrinters prints 10,000 findings in each format: go test
// -bench Printers -benchmem ./printers compares what each costs a finding.
func BenchmarkPrinters(b *testing.B) {
	rep := manyFindings(10000)
	for _, format := range printers.Names() {
		b.Run(format, func(b *testing.B) {
			p, err := printers.New(format, printers.Options{Version: "v1.0.0", BaseDir: "/work", SARIFRoot: "/work"})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := p.Print(io.Discard, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
