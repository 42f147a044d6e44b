package config

import (
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tokenlint/tokenlint/analyzer"
)

// want is an error expected at a line (and column, when not 0), whose
// message contains phrase.
type want struct {
	line, col int
	phrase    string
}

func parse(t *testing.T, text string) (*Config, error) {
	t.Helper()
	return Parse(filepath.Join(t.TempDir(), ".tokenlint.yaml"), []byte(text))
}

// checkErrors checks that err holds exactly the wanted errors, matched by
// position and key phrase, in order.
func checkErrors(t *testing.T, err error, wants []want) {
	t.Helper()
	var list Errors
	if !errors.As(err, &list) {
		t.Fatalf("got %v, want Errors", err)
	}
	if len(list) != len(wants) {
		t.Fatalf("got %d errors, want %d:\n%v", len(list), len(wants), err)
	}
	for i, w := range wants {
		e := list[i]
		if e.Pos.Line != w.line || (w.col != 0 && e.Pos.Column != w.col) || !strings.Contains(e.Msg, w.phrase) {
			t.Errorf("error %d: got %d:%d: %s; want %d:%d and %q", i, e.Pos.Line, e.Pos.Column, e.Msg, w.line, w.col, w.phrase)
		}
	}
	// Messages follow the style: lower-case start, no final period.
	for _, e := range list {
		if e.Msg == "" || strings.ToLower(e.Msg[:1]) != e.Msg[:1] || strings.HasSuffix(e.Msg, ".") {
			t.Errorf("message %q: start lower-case, no final period", e.Msg)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []want
	}{
		{"unknown top-level key", "disabel: [TL301]\n", []want{{1, 1, `unknown key "disabel"; did you mean "disable"?`}}},
		{"key in the wrong case", "FailOn: error\n", []want{{1, 1, `did you mean "failOn"?`}}},
		{"unknown settings key", "settings:\n  maxTokenExpiry: 24h\n", []want{{2, 3, `unknown key "maxTokenExpiry" in settings; did you mean "maxTokenExpiration"?`}}},
		{"unknown helm key", "helm:\n  releasename: web\n", []want{{2, 3, `did you mean "releaseName"?`}}},
		{"no suggestion for a far name", "colour: blue\n", []want{{1, 1, `unknown key "colour"`}}},
		{"key at the wrong level", "maxTokenExpiration: 24h\n", []want{{1, 1, "it belongs in settings"}}},
		{"string where a list is", "disable: TL301\n", []want{{1, 10, "disable must be a list of rule IDs or slugs, got a string; write [TL301]"}}},
		{"map where a string is", "namespace: {name: prod}\n", []want{{1, 12, "namespace must be a string, got a mapping"}}},
		{"number where a string is", "helm:\n  kubeVersion: 1.30\n", []want{{2, 16, `quote it if it is meant as text: "1.30"`}}},
		{"list item of the wrong type", "policies: [a, {b: c}]\n", []want{{1, 15, "policies item must be a string, got a mapping"}}},
		{"no value", "exclude:\n", []want{{1, 1, "exclude has no value"}}},
		{"settings not a mapping", "settings: 24h\n", []want{{1, 11, "settings must be a mapping, got a string"}}},
		{"bad severity", "severity:\n  TL103: critical\n", []want{{2, 10, `severity.TL103: unknown severity "critical"`}}},
		{"severity with a suggestion", "severity: {TL103: eror}\n", []want{{1, 19, `did you mean "error"?`}}},
		{"severity alias", "severity: {TL103: warn}\n", []want{{1, 19, `write "warning"`}}},
		{"never is no severity", "severity: {TL103: never}\n", []want{{1, 19, `unknown severity "never"`}}},
		{"severity not a mapping", "severity: [TL103]\n", []want{{1, 11, "severity must be a mapping of rule IDs or slugs to severities, got a list"}}},
		{"bad failOn", "failOn: sometimes\n", []want{{1, 9, `failOn: unknown severity "sometimes" (want error, warning, note or never)`}}},
		{"zero duration", "settings: {maxTokenExpiration: 0}\n", []want{{1, 32, `invalid duration "0"`}}},
		{"duration under a second", "settings: {maxTokenExpiration: 10ms}\n", []want{{1, 32, `invalid duration "10ms"`}}},
		{"duration not a duration", "settings: {maxTokenExpiration: soon}\n", []want{{1, 32, `invalid duration "soon"`}}},
		{"duration as a list", "settings: {maxTokenExpiration: [1]}\n", []want{{1, 32, "must be seconds (86400) or a duration (24h), got a list"}}},
		{"size not a size", "limits: {maxFileSize: big}\n", []want{{1, 23, `limits.maxFileSize: invalid size "big": give bytes (67108864) or a quantity (64Mi)`}}},
		{"size of no bytes", "limits: {helmRenderSize: 0}\n", []want{{1, 26, `invalid size "0"`}}},
		{"size in fractions of a byte", "limits: {maxFileSize: 0.5}\n", []want{{1, 23, "must be bytes (67108864) or a quantity (64Mi), got a number"}}},
		{"size in millibytes", "limits: {maxFileSize: 100m}\n", []want{{1, 23, `invalid size "100m"`}}},
		{"size as a list", "limits: {maxFileSize: [1]}\n", []want{{1, 23, "must be bytes (67108864) or a quantity (64Mi), got a list"}}},
		{"render timeout under a second", "limits: {helmRenderTimeout: 500ms}\n", []want{{1, 29, `invalid duration "500ms"`}}},
		{"limits key at the wrong level", "maxFileSize: 1Mi\n", []want{{1, 1, "it belongs in limits"}}},
		{"duplicate key", "failOn: error\nfailOn: note\n", []want{{2, 1, `duplicate key "failOn" (first at line 1)`}}},
		{"duplicate nested key", "helm:\n  set: {a: 1, a: 2}\n", []want{{2, 15, `duplicate key "a"`}}},
		{"invalid glob", "exclude: ['[x']\n", []want{{1, 11, `invalid glob "[x"`}}},
		{"helm.set nested", "helm: {set: {image: {tag: x}}}\n", []want{{1, 21, "write nested keys with dots"}}},
		{"helm.set null", "helm: {set: {image: }}\n", []want{{1, 14, "helm.set.image has no value"}}},
		{"invalid YAML", "failOn: error\nnamespace: a: b\n", []want{{2, 1, "invalid YAML: mapping values are not allowed"}}},
		{"scalar document", "hello\n", []want{{1, 1, "the configuration must be a mapping of keys"}}},
		{"two documents", "failOn: error\n---\nfailOn: note\n", []want{{2, 1, "more than one YAML document"}}},
		{"not UTF-8", "failOn: \xff\n", []want{{1, 1, "not UTF-8"}}},
		{"non-string key", "1: x\n", []want{{1, 1, "key must be a string, got a number"}}},
		{"unknown limits key", "limits:\n  policyTimout: 5s\n", []want{{2, 3, `unknown key "policyTimout" in limits; did you mean "policyTimeout"?`}}},
		{"limit at the wrong level", "policyBudget: 5m\n", []want{{1, 1, "it belongs in limits"}}},
		{"policy timeout under a second", "limits: {policyTimeout: 500ms}\n", []want{{1, 25, `invalid duration "500ms"`}}},
		{"zero time-outs", "limits: {policyTimeouts: 0}\n", []want{{1, 26, "limits.policyTimeouts must be a whole number, at least 1, got 0"}}},
		{"negative time-outs", "limits: {policyTimeouts: -3}\n", []want{{1, 26, "got -3"}}},
		{"time-outs as a fraction", "limits: {policyTimeouts: 2.5}\n", []want{{1, 26, "limits.policyTimeouts must be a whole number, at least 1, got 2.5"}}},
		{"time-outs as text", "limits: {policyTimeouts: \"3\"}\n", []want{{1, 26, "got a string"}}},
		{"time-outs beyond any integer", "limits: {policyTimeouts: 99999999999999999999}\n", []want{{1, 26, "got 99999999999999999999"}}},
		{"all errors, in file order", "disabel: [x]\nfailOn: nope\nsettings:\n  maxTokenExpiry: 1h\n", []want{
			{1, 1, `"disabel"`}, {2, 9, `"nope"`}, {4, 3, `"maxTokenExpiry"`},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := parse(t, tc.text)
			if c != nil {
				t.Errorf("got a configuration with the errors")
			}
			checkErrors(t, err, tc.want)
		})
	}
}

func TestErrorsPrintOnePerLine(t *testing.T) {
	_, err := Parse("dir/.tokenlint.yaml", []byte("disabel: [x]\nfailOn: nope\n"))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "dir/.tokenlint.yaml:1:1: ") || !strings.HasPrefix(lines[1], "dir/.tokenlint.yaml:2:9: ") {
		t.Errorf("got %q", err.Error())
	}
}

func TestLoadEmpty(t *testing.T) {
	for _, text := range []string{"", "\n", "# nothing yet\n", "---\n", "~\n"} {
		c, err := parse(t, text)
		if err != nil {
			t.Errorf("%q: %v", text, err)
			continue
		}
		if got := string(c.Marshal()); got != "{}\n" {
			t.Errorf("%q: got %q, want an empty configuration", text, got)
		}
	}
}

func TestLoadValues(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, ".tokenlint.yaml")
	text := `disable: [TL301, token-not-reloaded]
enable: [acme001]
severity:
  TL103: error
  automounted-token: note
settings:
  maxTokenExpiration: 86400
  allowedAudiences: [vault]
exclude: ["third_party/**"]
policies: [policies/, /etc/tokenlint/policies]
failOn: never
namespace: payments
context: [".", ../platform]
helm:
  values: [values-prod.yaml]
  set: {image.tag: "1.2", replicas: 3, debug: false}
  setString: {a: b}
  releaseName: web
  kubeVersion: "1.31"
limits:
  policyTimeout: 5
  policyTimeouts: 0x10
  policyBudget: 5m
  maxFileSize: 16Mi
  helmRenderTimeout: 90
  helmRenderSize: 1.5Gi
`
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := Load(file)
	if err != nil {
		t.Fatal(err)
	}
	if c.Dir != dir || c.File != file {
		t.Errorf("got dir %q file %q", c.Dir, c.File)
	}
	if len(c.Disable) != 2 || c.Disable[1].Value != "token-not-reloaded" || c.Disable[1].Pos != (analyzer.Position{File: file, Line: 1, Column: 18, EndLine: 1, EndColumn: 36}) {
		t.Errorf("disable: %+v", c.Disable)
	}
	if len(c.Severity) != 2 || c.Severity[1].Rule.Value != "automounted-token" || c.Severity[1].Rule.Pos.Line != 5 || c.Severity[1].Severity.Value != analyzer.SeverityNote {
		t.Errorf("severity: %+v", c.Severity)
	}
	if d := c.Settings.MaxTokenExpiration; d == nil || d.Seconds != 86400 || d.Pos.Line != 7 {
		t.Errorf("maxTokenExpiration: %+v", d)
	}
	if c.FailOn == nil || c.FailOn.Value != analyzer.SeverityNone || c.Namespace.Value != "payments" {
		t.Errorf("failOn %+v namespace %+v", c.FailOn, c.Namespace)
	}
	wantPaths := []string{filepath.Join(dir, "policies"), "/etc/tokenlint/policies"}
	for i, p := range c.Policies {
		if p.Abs != wantPaths[i] {
			t.Errorf("policies[%d]: got %q, want %q", i, p.Abs, wantPaths[i])
		}
	}
	if c.Context[0].Abs != dir || c.Context[1].Abs != filepath.Join(filepath.Dir(dir), "platform") || c.Context[1].Value != "../platform" {
		t.Errorf("context: %+v", c.Context)
	}
	if l := c.Limits; l.PolicyTimeout == nil || l.PolicyTimeout.Seconds != 5 || l.PolicyTimeouts == nil || l.PolicyTimeouts.Value != 16 ||
		l.PolicyTimeouts.Pos.Line != 22 || l.PolicyBudget == nil || l.PolicyBudget.Seconds != 300 {
		t.Errorf("limits: %+v", l)
	}
	o := c.Helm.Options()
	if strings.Join(o.Set, " ") != "image.tag=1.2 replicas=3 debug=false" || strings.Join(o.SetString, " ") != "a=b" ||
		o.ValueFiles[0] != filepath.Join(dir, "values-prod.yaml") || o.ReleaseName != "web" || o.KubeVersion != "1.31" {
		t.Errorf("helm options: %+v", o)
	}
	lim := analyzer.Limits{MaxDepth: 7}
	c.Limits.Apply(&lim)
	if lim != (analyzer.Limits{MaxDepth: 7, MaxFileBytes: 16 << 20, RenderTimeout: 90 * time.Second, MaxRenderBytes: 3 << 29}) || c.Limits.MaxFileSize.Pos.Line != 24 {
		t.Errorf("limits: %+v, at %v", lim, c.Limits.MaxFileSize.Pos)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "67108864": 64 << 20, "64Mi": 64 << 20, "1Gi": 1 << 30, "1.5Ki": 1536, "10M": 10_000_000, "1e6": 1_000_000} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "0", "-1Mi", "1.5", "64MB", "lots", "100Ei"} {
		if got, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", in, got)
		}
	}
}

func TestLoadAnchorsAndMerges(t *testing.T) {
	c, err := parse(t, `base: &base
  releaseName: web
  kubeVersion: "1.30"
`)
	// An anchor needs a key to live under, and there is none to spare.
	checkErrors(t, err, []want{{1, 1, `unknown key "base"`}})

	c, err = parse(t, `settings:
  allowedAudiences: &aud [vault, sts.amazonaws.com]
helm:
  <<: &h {releaseName: web, kubeVersion: "1.30"}
  kubeVersion: "1.31"
  values: *aud
`)
	if err != nil {
		t.Fatal(err)
	}
	if c.Helm.ReleaseName.Value != "web" || c.Helm.KubeVersion.Value != "1.31" || len(c.Helm.Values) != 2 {
		t.Errorf("helm: %+v", c.Helm)
	}
}

func TestCheckRules(t *testing.T) {
	catalog := map[string]string{"tl101": "TL101", "projected-token-missing-audience": "TL101", "tl301": "TL301", "automounted-token": "TL301", "acme001": "ACME001"}
	names := []string{"TL101", "projected-token-missing-audience", "TL301", "automounted-token", "ACME001"}
	known := func(s string) bool { _, ok := catalog[strings.ToLower(s)]; return ok }
	lookup := func(s string) (string, bool) { id, ok := catalog[strings.ToLower(s)]; return id, ok }

	c, err := parse(t, "disable: [tl301, TL3O1]\nenable: [Acme001, automounted-tokn]\nseverity:\n  projected-token-missing-audiense: note\n  TL101: error\n")
	if err != nil {
		t.Fatal(err)
	}
	checkErrors(t, c.CheckRules(known, names), []want{
		{1, 18, `disable: unknown rule "TL3O1"; did you mean "TL301"?`},
		{2, 19, `enable: unknown rule "automounted-tokn"; did you mean "automounted-token"?`},
		{4, 3, `did you mean "projected-token-missing-audience"?`},
	})

	c, err = parse(t, "disable: [TL301]\nenable: [tl301, ACME001]\n")
	if err != nil {
		t.Fatal(err)
	}
	checkErrors(t, c.CheckRules(known, names), []want{{2, 10, `rule "tl301" is both enabled and disabled (disabled at line 1 as "TL301")`}})

	// By slug in one list and by ID in the other: only a lookup that gives
	// IDs can tell.
	c, err = parse(t, "disable: [automounted-token]\nenable: [TL301]\nseverity: {TL101: note, projected-token-missing-audience: error}\n")
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckRules(known, names); err != nil {
		t.Errorf("CheckRules: %v", err)
	}
	checkErrors(t, c.CheckRuleIDs(lookup, names), []want{{2, 10, "both enabled and disabled"}, {3, 25, "already set at line 3"}})
}

func TestParseSeconds(t *testing.T) {
	for in, want := range map[string]int64{"86400": 86400, "24h": 86400, "1s": 1, "1h30m": 5400, "1500ms": 1} {
		if got, err := ParseSeconds(in); err != nil || got != want {
			t.Errorf("%q: got %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-5", "999ms", "soon", "", "1.5"} {
		if _, err := ParseSeconds(in); err == nil || !strings.Contains(err.Error(), "invalid duration") {
			t.Errorf("%q: got %v, want an invalid duration", in, err)
		}
	}
}

func TestFind(t *testing.T) {
	root := t.TempDir()
	write := func(rel, text string) string {
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write(".tokenlint.yaml", "")                    // above the repository: never found from inside it
	write("repo/.git/HEAD", "ref: refs/heads/main") // a repository
	write("wt/.git", "gitdir: ../repo/.git/worktrees/wt")
	deep := filepath.Join(root, "repo", "deploy", "apps", "web")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "wt", "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	find := func(dir string) string {
		t.Helper()
		got, err := Find(dir)
		if err != nil {
			t.Fatalf("Find(%s): %v", dir, err)
		}
		return got
	}
	if got := find(deep); got != "" {
		t.Errorf("found %q above the repository root", got)
	}
	if got := find(filepath.Join(root, "wt", "sub")); got != "" {
		t.Errorf("found %q above a worktree's root (.git file)", got)
	}
	atRoot := write("repo/.tokenlint.yml", "")
	if got := find(deep); got != atRoot {
		t.Errorf("got %q, want %q", got, atRoot)
	}
	nearer := write("repo/deploy/.tokenlint.yaml", "")
	if got := find(deep); got != nearer {
		t.Errorf("got %q, want the nearer %q", got, nearer)
	}
	write("repo/deploy/.tokenlint.yml", "")
	if _, err := Find(deep); err == nil || !strings.Contains(err.Error(), ".tokenlint.yaml") || !strings.Contains(err.Error(), ".tokenlint.yml") {
		t.Errorf("both names in one directory: got %v", err)
	}
	if got := find(filepath.Join(root, "elsewhere-is-missing", "..")); got != filepath.Join(root, ".tokenlint.yaml") {
		t.Errorf("outside a repository: got %q", got)
	}
}

func TestExcluded(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, ".tokenlint.yaml")
	c, err := Parse(file, []byte(`exclude: ["third_party/**", vendor, "**/*_test.yaml", "charts/*/tests", "/abs/**"]`))
	if err != nil {
		t.Fatal(err)
	}
	for rel, want := range map[string]bool{
		"third_party":                 true,
		"third_party/a/b.yaml":        true,
		"vendor":                      true,
		"vendor/x/deploy.yaml":        true,
		"web_test.yaml":               true,
		"deploy/apps/web_test.yaml":   true,
		"charts/web/tests/pod.yaml":   true,
		"charts/web/templates/x.yaml": false,
		"deploy/third_party/pod.yaml": false,
		"deploy/web.yaml":             false,
		"third_party_notes/pod.yaml":  false,
		"../third_party/outside.yaml": false,
	} {
		if got := c.Excluded(filepath.Join(dir, rel)); got != want {
			t.Errorf("Excluded(%s) = %v, want %v", rel, got, want)
		}
	}
	if !c.Excluded("/abs/x.yaml") {
		t.Errorf("an absolute glob is not anchored at the configuration's directory")
	}
	t.Chdir(dir)
	if !c.Excluded("third_party/x.yaml") || c.Excluded("deploy/web.yaml") {
		t.Errorf("relative paths are relative to the working directory")
	}
}

func TestExcludedDirectoryWithGlobCharacters(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "[team]")
	c, err := Parse(filepath.Join(dir, ".tokenlint.yaml"), []byte("exclude: [gen]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Excluded(filepath.Join(dir, "gen", "x.yaml")) || c.Excluded(filepath.Join(filepath.Dir(dir), "t", "gen", "x.yaml")) {
		t.Errorf("the directory's own [ ] must match only itself")
	}
}

var wantComment = regexp.MustCompile(`#\s*want:\s*(.+?)\s*$`)

// TestFixtures loads the fixture configurations: the valid ones cleanly,
// and each invalid one with the errors its "# want: phrase" comments name,
// on their lines.
func TestFixtures(t *testing.T) {
	valid, _ := filepath.Glob(filepath.Join("..", "testdata", "config", "*.yaml"))
	invalid, _ := filepath.Glob(filepath.Join("..", "testdata", "config", "invalid", "*.yaml"))
	if len(valid) < 3 || len(invalid) < 3 {
		t.Fatalf("missing fixtures: %d valid, %d invalid", len(valid), len(invalid))
	}
	for _, f := range valid {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
	for _, f := range invalid {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var wants []want
			for i, line := range strings.Split(string(data), "\n") {
				if m := wantComment.FindStringSubmatch(line); m != nil {
					wants = append(wants, want{line: i + 1, phrase: m[1]})
				}
			}
			if len(wants) == 0 {
				t.Fatal("no # want: comment")
			}
			_, err = Load(f)
			checkErrors(t, err, wants)
		})
	}
}

func TestMarshalRoundTrip(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "config", "*.yaml"))
	for _, f := range files {
		c, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		out := c.Marshal()
		again, err := Parse(f, out)
		if err != nil {
			t.Errorf("%s: the marshalled configuration does not load: %v\n%s", f, err, out)
			continue
		}
		if got := again.Marshal(); string(got) != string(out) {
			t.Errorf("%s: not stable:\n%s\nthen\n%s", f, out, got)
		}
		if o1, o2 := c.Helm.Options(), again.Helm.Options(); strings.Join(o1.Set, ",") != strings.Join(o2.Set, ",") {
			t.Errorf("%s: helm.set changed: %v then %v", f, o1.Set, o2.Set)
		}
	}
	c, err := Load(filepath.Join("..", "testdata", "config", "platform.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := string(c.Marshal())
	for _, s := range []string{"- policies/\n", "maxTokenExpiration: 2h\n", "replicas: 3\n", `image.tag: "1.2"`, `kubeVersion: "1.31"`, "maxFileSize: 16Mi\n", "helmRenderTimeout: 1m\n"} {
		if !strings.Contains(out, s) {
			t.Errorf("Marshal lost %q (values and paths as written):\n%s", s, out)
		}
	}
	if strings.Index(out, "disable:") > strings.Index(out, "severity:") || strings.Index(out, "failOn:") > strings.Index(out, "helm:") {
		t.Errorf("keys are not in canonical order:\n%s", out)
	}
}

// helm.setFile, helm.setJSON and helm.apiVersions become the --set-file,
// --set-json and --api-versions Helm takes: files relative to the
// configuration file, JSON checked where it is written.
func TestHelmValueKeys(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, ".tokenlint.yaml")
	c, err := Parse(file, []byte(`helm:
  setFile: {config.policy: policy/vault.hcl, ca: /etc/ssl/ca.pem}
  setJSON:
    podSecurityContext: '{"runAsNonRoot": true}'
    replicas: 3
  apiVersions: [monitoring.coreos.com/v1, cert-manager.io/v1]
`))
	if err != nil {
		t.Fatal(err)
	}
	o := c.Helm.Options()
	if want := "config.policy=" + filepath.Join(dir, "policy", "vault.hcl") + " ca=/etc/ssl/ca.pem"; strings.Join(o.SetFile, " ") != want {
		t.Errorf("setFile: %q, want %q", o.SetFile, want)
	}
	if strings.Join(o.SetJSON, " ") != `podSecurityContext={"runAsNonRoot": true} replicas=3` {
		t.Errorf("setJSON: %q", o.SetJSON)
	}
	if strings.Join(o.APIVersions, " ") != "monitoring.coreos.com/v1 cert-manager.io/v1" {
		t.Errorf("apiVersions: %q", o.APIVersions)
	}
	if c.Helm.SetFile[0].Path.Value != "policy/vault.hcl" || c.Helm.SetFile[0].Path.Pos.Line != 2 {
		t.Errorf("setFile keeps the path as written, at its place: %+v", c.Helm.SetFile[0])
	}

	_, err = parse(t, `helm:
  setJSON: {name: web, ok: '"web"'}
  setFile: {policy: ""}
  apiVersions: {monitoring.coreos.com/v1: true}
`)
	checkErrors(t, err, []want{{2, 13, `helm.setJSON.name is not JSON text: "web"`}, {3, 13, "helm.setFile.policy is an empty path"}, {4, 16, "helm.apiVersions must be a list"}})
}
