package analyzer

import (
	"fmt"
	"strings"
)

// Severity orders findings; a higher value is more severe.
type Severity int

// Severities, from least to most severe. SeverityNone is used only as a
// threshold ("never fail").
const (
	SeverityNote Severity = iota + 1
	SeverityWarning
	SeverityError
	SeverityNone Severity = 100
)

func (s Severity) String() string {
	switch s {
	case SeverityNote:
		return "note"
	case SeverityWarning:
		return "warning"
	case SeverityError:
		return "error"
	case SeverityNone:
		return "never"
	}
	return fmt.Sprintf("Severity(%d)", int(s))
}

// ParseSeverity parses a severity name. "never" is accepted only when
// allowNever is true, for thresholds such as --fail-on.
func ParseSeverity(s string, allowNever bool) (Severity, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "note", "info":
		return SeverityNote, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "error":
		return SeverityError, nil
	case "never", "none":
		if allowNever {
			return SeverityNone, nil
		}
	}
	if allowNever {
		return 0, fmt.Errorf("unknown severity %q (want error, warning, note or never)", s)
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or note)", s)
}

// MarshalText makes severities appear by name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }
