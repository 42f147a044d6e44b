package cli

import (
	"runtime/debug"
	"strings"
	"testing"
)

func TestDescribeBuild(t *testing.T) {
	const rev = "1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{
			{Key: "-trimpath", Value: "true"},
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"},
			{Key: "vcs.modified", Value: modified},
		}
	}
	info := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Settings: settings}
		bi.Main.Path = "github.com/tokenlint/tokenlint"
		bi.Main.Version = version
		return bi
	}
	for _, tc := range []struct {
		name    string
		bi      *debug.BuildInfo
		ld      stamp
		want    string
		version string // what reports name; the first word of want if empty
	}{
		{"go install module@version", info("v0.2.0", nil), stamp{},
			"v0.2.0 (go1.26.8)", ""},
		{"go build in a clean checkout of a tag", info("v0.2.0", vcs("false")), stamp{},
			"v0.2.0 (commit 1a2b3c4, 2026-12-01T10:00:00Z, go1.26.8)", ""},
		{"go build in a modified checkout", info("v0.2.1-0.20261201100000-1a2b3c4d5e6f+dirty", vcs("true")), stamp{},
			"v0.2.1-0.20261201100000-1a2b3c4d5e6f+dirty (commit 1a2b3c4-dirty, 2026-12-01T10:00:00Z, go1.26.8)", ""},
		{"no module version, a revision", info("(devel)", vcs("true")), stamp{},
			"dev (commit 1a2b3c4-dirty, 2026-12-01T10:00:00Z, go1.26.8)", ""},
		{"nothing known but the toolchain", info("(devel)", nil), stamp{},
			"dev (go1.26.8)", ""},
		{"no build information at all", nil, stamp{},
			"dev", ""},
		{"-X Version wins over the module version", info("v0.2.0", vcs("false")), stamp{Version: "v1.2.3"},
			"v1.2.3 (commit 1a2b3c4, 2026-12-01T10:00:00Z, go1.26.8)", ""},
		{"-X Version without build information", nil, stamp{Version: "test"},
			"test", ""},
		{"GoReleaser's stamp replaces the recorded revision", info("(devel)", vcs("true")),
			stamp{Version: "0.3.0", Commit: "ffeeddccbbaa99887766554433221100ffeeddcc", Date: "2026-12-02T08:30:00Z", Modified: "false"},
			"0.3.0 (commit ffeeddc, 2026-12-02T08:30:00Z, go1.26.8)", ""},
		{"GoReleaser snapshot of a modified tree", info("(devel)", nil),
			stamp{Version: "0.0.1-snapshot+ffeeddc", Commit: "ffeeddccbbaa99887766554433221100ffeeddcc", Modified: "true"},
			"0.0.1-snapshot+ffeeddc (commit ffeeddc-dirty, go1.26.8)", ""},
		{"a short stamped commit is kept whole", info("(devel)", nil), stamp{Commit: "abc"},
			"dev (commit abc, go1.26.8)", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := describe(tc.bi, tc.ld)
			if got := b.String(); got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
			want := tc.version
			if want == "" {
				want, _, _ = strings.Cut(tc.want, " ")
			}
			if b.Version != want {
				t.Errorf("version %q, want %q", b.Version, want)
			}
		})
	}
}

func TestVersionFlag(t *testing.T) {
	_, want, _ := run(t, "", "version")
	if want != "tokenlint "+thisBuild().String()+"\n" {
		t.Errorf("tokenlint version: %q", want)
	}
	if code, out, errOut := run(t, "", "--version"); code != ExitOK || out != want {
		t.Errorf("tokenlint --version: exit %d, %q (%s), want %q", code, out, errOut, want)
	}
	if code, _, _ := run(t, "", "-v"); code != ExitError {
		t.Errorf("-v is not a shorthand of --version (it is free for the commands): exit %d", code)
	}
}
