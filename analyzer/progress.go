package analyzer

import "sync/atomic"

// Progress counts a run's work as it is done, for a progress line: files
// read (a chart or a kustomization counts once), documents parsed and
// objects checked. The loader and RunWith add to it when they are given
// one; it can be read at any time, from any goroutine. A nil *Progress
// counts nothing.
type Progress struct {
	files, documents, checked atomic.Int64
}

// Counts returns the files read, documents parsed and objects checked so far.
func (p *Progress) Counts() (files, documents, checked int64) {
	if p == nil {
		return 0, 0, 0
	}
	return p.files.Load(), p.documents.Load(), p.checked.Load()
}

func (p *Progress) fileRead() {
	if p != nil {
		p.files.Add(1)
	}
}

func (p *Progress) documentParsed() {
	if p != nil {
		p.documents.Add(1)
	}
}

func (p *Progress) objectChecked() {
	if p != nil {
		p.checked.Add(1)
	}
}
