package analyzer

import (
	"testing"
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

func TestIndex(t *testing.T) {
	for _, tt := range []struct {
		loaderNamespace string
		ns              string // where objects without a namespace land
	}{{"", "default"}, {"team", "team"}} {
		in := loadString(t, &Loader{Namespace: tt.loaderNamespace}, indexInput)
		if len(in.Problems) != 0 {
			t.Fatalf("problems: %+v", in.Problems)
		}
		ix := NewIndex(in.Objects)
		if len(ix.Objects()) != len(in.Objects) || ix.Objects()[0] != in.Objects[0] {
			t.Errorf("Objects() is not the input in order")
		}

		// The first of two objects with the same kind, namespace and name wins.
		o, sa := ix.ServiceAccount(tt.ns, "app")
		if o != in.Objects[0] || sa == nil || sa.AutomountServiceAccountToken == nil || *sa.AutomountServiceAccountToken {
			t.Errorf("%s: ServiceAccount(%s, app) = %v, %+v; want the first one, automount false", tt.ns, tt.ns, o, sa)
		}
		if o, sa := ix.ServiceAccount("other", "app"); o != in.Objects[1] || sa == nil || sa.Name != "app" {
			t.Errorf("ServiceAccount(other, app) = %v", o)
		}
		// Never across namespaces.
		if o, sa := ix.ServiceAccount("elsewhere", "app"); o != nil || sa != nil {
			t.Errorf("ServiceAccount(elsewhere, app) found %v", o)
		}
		if tt.ns != "default" {
			if o := ix.Get("", "ServiceAccount", "default", "app"); o != nil {
				t.Errorf("with Loader.Namespace %q an object landed in default", tt.ns)
			}
		}

		o, s := ix.Secret(tt.ns, "app-token")
		if o == nil || s == nil || s.Type != "kubernetes.io/service-account-token" || s.Annotations["kubernetes.io/service-account.name"] != "app" {
			t.Errorf("Secret(%s, app-token) = %v, %+v", tt.ns, o, s)
		}
		if o, s := ix.Secret("explicit", "app-token"); o == nil || s == nil || s.Type != "" {
			t.Errorf("Secret(explicit, app-token) = %v", o)
		}
		// An object of kind Secret that is not a core Secret is not one.
		if o := ix.Get("example.com", "Secret", "crd", "custom"); o == nil {
			t.Errorf("Get(example.com, Secret, crd, custom) = nil")
		}
		if o := ix.Get("", "Secret", "crd", "custom"); o != nil {
			t.Errorf("Get(\"\", Secret, crd, custom) found the custom kind")
		}
		if o, s := ix.Secret("crd", "custom"); o != nil || s != nil {
			t.Errorf("Secret(crd, custom) = %v, %v; want nothing, it is not a core Secret", o, s)
		}

		// Cluster-scoped kinds have no namespace.
		if o := ix.Get("rbac.authorization.k8s.io", "ClusterRole", "", "reader"); o == nil || o.Namespace != "" {
			t.Errorf("Get(ClusterRole, \"\", reader) = %v", o)
		}
		if o := ix.Get("rbac.authorization.k8s.io", "ClusterRole", tt.ns, "reader"); o != nil {
			t.Errorf("a ClusterRole was indexed in namespace %s", tt.ns)
		}

		const rbac = "rbac.authorization.k8s.io"
		for _, d := range []struct {
			group, kind, ns string
			want            bool
		}{
			{"", "ServiceAccount", tt.ns, true}, {"", "ServiceAccount", "other", true}, {"", "ServiceAccount", "explicit", false},
			{"", "Secret", "explicit", true}, {"", "Secret", "crd", false}, {"example.com", "Secret", "crd", true},
			{"", "Secret", "other", false}, {rbac, "ClusterRole", "", true}, {rbac, "ClusterRole", tt.ns, false},
			{"", "Pod", tt.ns, false},
		} {
			if got := ix.Defines(d.group, d.kind, d.ns); got != d.want {
				t.Errorf("Defines(%q, %s, %q) = %v, want %v", d.group, d.kind, d.ns, got, d.want)
			}
		}
	}
}

func TestIndexEmpty(t *testing.T) {
	ix := NewIndex(nil)
	if ix.Get("", "Pod", "default", "x") != nil || ix.Defines("", "Pod", "default") || len(ix.Objects()) != 0 {
		t.Error("an empty index found something")
	}
	if o, sa := ix.ServiceAccount("default", "default"); o != nil || sa != nil {
		t.Error("an empty index found a ServiceAccount")
	}
}
