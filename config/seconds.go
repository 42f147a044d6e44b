package config

import (
	"fmt"
	"math"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"
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

// ParseSize reads a size as whole bytes ("67108864") or a Kubernetes
// quantity ("64Mi", "1G"), at least one byte. It is the syntax of the
// limits' sizes.
func ParseSize(s string) (int64, error) {
	q, err := resource.ParseQuantity(s)
	// Value rounds up, and saturates: only a whole number of bytes that
	// fits compares equal.
	n := q.Value()
	if err != nil || n < 1 || n == math.MaxInt64 || q.Cmp(*resource.NewQuantity(n, resource.BinarySI)) != 0 {
		return 0, fmt.Errorf("invalid size %q: give bytes (67108864) or a quantity (64Mi)", s)
	}
	return n, nil
}
