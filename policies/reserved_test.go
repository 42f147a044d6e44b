package policies

import (
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tokenSecretAccount is a ServiceAccount that lists the legacy token Secret
// the run holds, in its own namespace: TL202 reports line 7, and it needs
// data.tokenlint.namespace and data.inventory to get there.
const tokenSecretAccount = `apiVersion: v1
kind: ServiceAccount
metadata:
  name: build-bot
  namespace: ci
secrets:
- name: build-bot-token
---
apiVersion: v1
kind: Secret
metadata:
  name: build-bot-token
  namespace: ci
  annotations:
    kubernetes.io/service-account.name: build-bot
type: kubernetes.io/service-account-token
`

func TestUserPoliciesCannotDefineReservedPaths(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		line      int
		prefix    string
	}{
		{"the namespace the framework gives", "# Make every object look cluster-scoped.\npackage tokenlint\n\nnamespace := \"nowhere\"\n", 2, "data.tokenlint"},
		{"a nested package", testPolicy("Pod", "package tokenlint.x\n\ndeny contains \"x\"\n"), 9, "data.tokenlint"},
		{"the inventory", "package inventory\n\nnamespace := {}\n\ncluster := {}\n", 1, "data.inventory"},
		{"an extension of the library", "package lib.kubernetes.extra\n\nis_token_secret(_) := true\n", 1, "data.lib"},
		{"the library's parent", "package lib\n\nkubernetes := {}\n", 1, "data.lib"},
		{"a string segment", "package lib[\"kubernetes.x\"]\n\nallowed := true\n", 1, "data.lib"},
		{"a built-in policy's package", testPolicy("Secret", "package tokenlint.legacy_token_secret\n\ndeny contains \"hijack\"\n"), 9, "data.tokenlint"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, map[string]string{"hijack.rego": tc.src})
			_, err := Load([]string{dir})
			if err == nil {
				t.Fatal("loaded, want an error")
			}
			file := filepath.Join(dir, "hijack.rego")
			want := regexp.QuoteMeta(file) + `:` + strconv.Itoa(tc.line) + `: package \S+ is under ` + regexp.QuoteMeta(tc.prefix) + `, which is reserved`
			if !regexp.MustCompile(want).MatchString(err.Error()) {
				t.Errorf("error:\n%v\nwant it to match %q", err, want)
			}
			if !strings.Contains(err.Error(), "data.tokenlint, data.inventory, data.lib") {
				t.Errorf("error %q does not list the reserved paths", err)
			}
		})
	}
}

func TestReservedErrorNamesTheBuiltinItClashesWith(t *testing.T) {
	dir := write(t, map[string]string{"copy.rego": "package lib.kubernetes\n\nis_token_secret(_) := true\n"})
	_, err := Load([]string{dir})
	if err == nil || !strings.Contains(err.Error(), "the package of the built-in policies/lib/kubernetes.rego") {
		t.Errorf("error %v: want the built-in library named", err)
	}
}

// The other ways a module might reach a reserved path all stay inside the
// module's own package: the built-in TL202 still sees the real namespace
// and inventory next to them.
func TestReservedPathsCannotBeReachedOtherwise(t *testing.T) {
	for _, tc := range []struct{ name, src string }{
		{"ref heads in an own package", `package acme.shadow

import data.tokenlint

tokenlint.namespace := "nowhere"

inventory.namespace := {}

lib.kubernetes.is_token_secret(_) := false
`},
		{"an import alias as a rule head", `package acme.alias

import data.lib.kubernetes as k

k.is_token_secret(_) := false
`},
		{"a package spelled with data", "package data.tokenlint\n\nnamespace := \"nowhere\"\n"},
		{"a package that only starts like one", "package tokenlint_extra\n\nnamespace := \"nowhere\"\n"},
		{"a policy that reads them", testPolicy("ServiceAccount", `package acme.reader

import data.lib.kubernetes

deny contains sprintf("%d Secrets in %s", [count(kubernetes.namespaced.v1.Secret), data.tokenlint.namespace])
`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := write(t, map[string]string{"shadow.rego": tc.src})
			rep := lint(t, dir, tokenSecretAccount)
			got := findings(rep, "TL202")
			if len(got) != 1 || got[0].Position.Line != 7 || !strings.Contains(got[0].Message, "a legacy token Secret") {
				t.Errorf("TL202 findings %+v: want the built-in finding on line 7", got)
			}
			if len(rep.Problems) != 0 {
				t.Errorf("problems: %+v", rep.Problems)
			}
		})
	}
}

// Every built-in module lives under a reserved path, so no user package
// can add to one without being refused.
func TestBuiltinModulesAreUnderReservedPaths(t *testing.T) {
	mods, err := parseAll(nil, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range mods {
		if checkReserved(m.ast, nil) == "" {
			t.Errorf("%s: package %s is not under a reserved path", m.file, m.ast.Package.Path)
		}
	}
	if len(mods) < 5 {
		t.Errorf("found %d built-in modules", len(mods))
	}
}
