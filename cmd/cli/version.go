package cli

import (
	"runtime"
	"runtime/debug"
	"strings"
)

// The build's description. Release builds set these with -ldflags -X (the
// GoReleaser configuration does, see .goreleaser.yaml), for example
//
//	-X github.com/tokenlint/tokenlint/cmd/cli.Version=v1.2.3
//	-X github.com/tokenlint/tokenlint/cmd/cli.Commit=<full revision>
//	-X github.com/tokenlint/tokenlint/cmd/cli.Date=<RFC 3339 commit time>
//	-X github.com/tokenlint/tokenlint/cmd/cli.Modified=true|false
//
// and each one set wins over what Go recorded in the binary. Otherwise they
// come from debug.ReadBuildInfo: the module version for `go install
// module@version` (or the pseudo-version Go derives from the checkout), and
// the revision, its time and whether the tree was modified for `go build` in
// a git checkout (settings vcs.revision, vcs.time, vcs.modified).
var (
	Version  = ""
	Commit   = ""
	Date     = ""
	Modified = ""
)

// stamp is what -ldflags -X set.
type stamp struct {
	Version, Commit, Date, Modified string
}

// build describes a tokenlint binary.
type build struct {
	Version   string // "dev" when nothing is known
	Revision  string // the full VCS revision, if known
	Time      string // the revision's commit time, if known
	Modified  bool   // the tree had uncommitted changes
	GoVersion string // the toolchain that built it
}

// describe merges the linker stamp over the build information Go recorded
// (bi is nil when there is none).
func describe(bi *debug.BuildInfo, ld stamp) build {
	var b build
	if bi != nil {
		b.GoVersion = bi.GoVersion
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			b.Version = v
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	if ld.Version != "" {
		b.Version = ld.Version
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	// A stamped commit replaces the recorded revision together with its time
	// and state: a time or a state from another revision would be wrong.
	if ld.Commit != "" {
		b.Revision, b.Time, b.Modified = ld.Commit, ld.Date, ld.Modified == "true"
	}
	return b
}

// shortRevision is the abbreviation git shows by default.
const shortRevision = 7

// String is the one line `tokenlint version` and `tokenlint --version`
// print after "tokenlint ":
//
//	v0.2.0 (commit 1a2b3c4, 2026-12-01T10:00:00Z, go1.26.8)
//	dev (commit 1a2b3c4-dirty, 2026-12-01T10:00:00Z, go1.26.8)
//	dev (go1.26.8)
func (b build) String() string {
	var details []string
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > shortRevision {
			rev = rev[:shortRevision]
		}
		if b.Modified {
			rev += "-dirty"
		}
		details = append(details, "commit "+rev)
	}
	if b.Time != "" {
		details = append(details, b.Time)
	}
	if b.GoVersion != "" {
		details = append(details, b.GoVersion)
	}
	if len(details) == 0 {
		return b.Version
	}
	return b.Version + " (" + strings.Join(details, ", ") + ")"
}

// thisBuild describes the running binary.
func thisBuild() build {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = &debug.BuildInfo{GoVersion: runtime.Version()}
	}
	return describe(bi, stamp{Version: Version, Commit: Commit, Date: Date, Modified: Modified})
}

// version is tokenlint's version alone, as reports name it (SARIF's
// tool.driver.version).
func version() string {
	return thisBuild().Version
}
