package analyzer

// RenderedChart is the stream the loader renders for a chart, whose lines
// findings' Generated positions count.
func (l *Loader) RenderedChart(path string) ([]byte, error) {
	out, _, err := l.renderChart(path)
	return out, err
}
