package config

import (
	"fmt"
	"strconv"
	"time"
)

// ParseSeconds reads a duration as whole seconds ("86400") or a Go duration
// ("24h"), at least one second; a duration is truncated to whole seconds.
// It is the syntax of settings.maxTokenExpiration and of the CLI's
// --max-token-expiration.
func ParseSeconds(s string) (int64, error) {
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("invalid duration %q: give seconds (86400) or a duration (24h)", s)
	}
	return int64(d / time.Second), nil
}
