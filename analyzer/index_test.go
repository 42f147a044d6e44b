package analyzer

import (
	"path/filepath"
	"slices"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

const indexInput = `apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
automountServiceAccountToken: false
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: other}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: app}
automountServiceAccountToken: true
---
apiVersion: v1
kind: Secret
metadata:
  name: app-token
  annotations: {kubernetes.io/service-account.name: app}
type: kubernetes.io/service-account-token
---
apiVersion: v1
kind: Secret
metadata: {name: app-token, namespace: explicit}
---
apiVersion: example.com/v1
kind: Secret
metadata: {name: custom, namespace: crd}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: reader}
`

// Facts of the test: what a rule might keep of each kind.
var (
	testAccounts = &Fact[*bool]{Kind: "ServiceAccount", Export: func(o *Object) *bool {
		return o.Typed.(*corev1.ServiceAccount).AutomountServiceAccountToken
	}}
	testSecrets = &Fact[*corev1.Secret]{Kind: "Secret", Export: func(o *Object) *corev1.Secret {
		s, _ := o.Typed.(*corev1.Secret)
		return s
	}}
	testAnySecrets = &Fact[string]{Group: "*", Kind: "Secret", Export: func(o *Object) string { return o.APIVersion }}
	testRoles      = &Fact[string]{Group: "rbac.authorization.k8s.io", Kind: "ClusterRole", Export: func(o *Object) string { return o.Name }}
	testAll        = &Fact[string]{Group: "*", Kind: "*", Export: func(o *Object) string { return o.Kind }}
)

func indexOf(objects []*Object, facts ...Facts) *Index {
	ix := NewIndex(facts...)
	for _, o := range objects {
		if ix.wants(o.Group(), o.Kind) {
			ix.add(o, nil)
		}
	}
	return ix
}

func TestIndex(t *testing.T) {
	for _, tt := range []struct {
		loaderNamespace string
		ns              string // where objects without a namespace land
	}{{"", "default"}, {"team", "team"}} {
		in := loadString(t, &Loader{Namespace: tt.loaderNamespace}, indexInput)
		if len(in.Problems) != 0 {
			t.Fatalf("problems: %+v", in.Problems)
		}
		ix := indexOf(in.Objects, testAccounts, testSecrets, testAnySecrets, testRoles, testAll)

		// The first of two objects with the same kind, namespace and name wins.
		if auto, ok := testAccounts.Get(ix, tt.ns, "app"); !ok || auto == nil || *auto {
			t.Errorf("%s: ServiceAccount app = %v, %v; want the first one, automount false", tt.ns, auto, ok)
		}
		if auto, ok := testAccounts.Get(ix, "other", "app"); !ok || auto != nil {
			t.Errorf("ServiceAccount other/app = %v, %v", auto, ok)
		}
		// Never across namespaces.
		if _, ok := testAccounts.Get(ix, "elsewhere", "app"); ok {
			t.Errorf("ServiceAccount elsewhere/app found")
		}
		if tt.ns != "default" {
			if _, ok := testAccounts.Get(ix, "default", "app"); ok {
				t.Errorf("with Loader.Namespace %q an object landed in default", tt.ns)
			}
		}

		s, ok := testSecrets.Get(ix, tt.ns, "app-token")
		if !ok || s == nil || s.Type != "kubernetes.io/service-account-token" || s.Annotations["kubernetes.io/service-account.name"] != "app" {
			t.Errorf("Secret %s/app-token = %+v", tt.ns, s)
		}
		if s, ok := testSecrets.Get(ix, "explicit", "app-token"); !ok || s == nil || s.Type != "" {
			t.Errorf("Secret explicit/app-token = %v", s)
		}
		// An object of kind Secret that is not a core Secret is not one,
		// but a fact of any group keeps it, in its own group.
		if _, ok := testSecrets.Get(ix, "crd", "custom"); ok {
			t.Errorf("the core Secret fact kept a Secret of example.com")
		}
		if v, ok := testAnySecrets.Of(ix, "example.com", "Secret", "crd", "custom"); !ok || v != "example.com/v1" {
			t.Errorf("Secret of example.com = %q, %v", v, ok)
		}
		if _, ok := testAnySecrets.Of(ix, "", "Secret", "crd", "custom"); ok {
			t.Errorf("the custom Secret was found in the core group")
		}

		// Cluster-scoped kinds have no namespace.
		if v, ok := testRoles.Get(ix, "", "reader"); !ok || v != "reader" {
			t.Errorf("ClusterRole reader = %q, %v", v, ok)
		}
		if _, ok := testRoles.Get(ix, tt.ns, "reader"); ok {
			t.Errorf("a ClusterRole was kept in namespace %s", tt.ns)
		}

		// All is in input order, the first of duplicates only.
		var kinds []string
		for ref, kind := range testAll.All(ix) {
			if ref.Kind != kind {
				t.Errorf("All: %v holds %q", ref, kind)
			}
			kinds = append(kinds, ref.String())
		}
		want := []string{"ServiceAccount " + tt.ns + "/app", "ServiceAccount other/app", "Secret " + tt.ns + "/app-token",
			"Secret explicit/app-token", "Secret crd/custom", "ClusterRole reader"}
		if !slices.Equal(kinds, want) {
			t.Errorf("All = %q, want %q", kinds, want)
		}
	}
}

func TestIndexEmpty(t *testing.T) {
	ix := NewIndex()
	if _, ok := testAccounts.Get(ix, "default", "default"); ok {
		t.Error("an index without the fact found a ServiceAccount")
	}
	for range testAll.All(ix) {
		t.Error("an index without the fact has facts")
	}
	ix = NewIndex(testAccounts)
	if _, ok := testAccounts.Get(ix, "default", "default"); ok || ix.wants("", "Pod") || !ix.wants("", "ServiceAccount") {
		t.Error("an empty index found something")
	}
}

// Nearer ranks files by nearness to a workload's: the same file, the same
// directory, the closest directory up the tree, then the deepest directory
// in common.
func TestNearer(t *testing.T) {
	from := "deploy/production/jobs/report.yaml"
	ranked := []string{
		"deploy/production/jobs/report.yaml",
		"deploy/production/jobs/accounts.yaml",
		"deploy/production/accounts.yaml",
		"deploy/accounts.yaml",
		"accounts.yaml",
		"deploy/production/other/accounts.yaml",
		"deploy/staging/accounts.yaml",
		"elsewhere/accounts.yaml",
	}
	for i, a := range ranked {
		for j, b := range ranked {
			if got, want := Nearer(a, b, from), i < j; got != want {
				t.Errorf("Nearer(%s, %s) = %v, want %v", a, b, got, want)
			}
		}
	}
	// Names given absolute and relative compare as the same files.
	abs, err := filepath.Abs("deploy/staging/accounts.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !Nearer(abs, "deploy/production/accounts.yaml", "deploy/staging/app.yaml") {
		t.Error("an absolute name is not compared with relative ones")
	}
}

func TestInNamespace(t *testing.T) {
	in := loadString(t, &Loader{}, indexInput)
	ix := indexOf(in.Objects, testAccounts, testRoles)
	for _, tt := range []struct {
		fact interface {
			InNamespace(*Index, string) int
		}
		ns   string
		want int
	}{
		{testAccounts, "default", 2}, {testAccounts, "other", 1}, {testAccounts, "explicit", 0}, {testRoles, "", 1}, {testRoles, "default", 0},
	} {
		if got := tt.fact.InNamespace(ix, tt.ns); got != tt.want {
			t.Errorf("InNamespace(%q) = %d, want %d", tt.ns, got, tt.want)
		}
	}
}
