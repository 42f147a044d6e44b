package rules

import (
	"reflect"
	"strings"
	"testing"
)

// readFlags reads a command line as the API server's flag parser does.
func TestReadFlags(t *testing.T) {
	for _, tt := range []struct {
		args   string
		want   map[string][]string
		opaque bool
	}{
		{"--a=1 --b 2 --c=", map[string][]string{"a": {"1"}, "b": {"2"}, "c": {""}}, false},
		// A boolean flag takes no separate value; another takes the next
		// argument unless it is a flag.
		{"--service-account-extend-token-expiration positional --x --y", map[string][]string{flagExtendExpiry: {"true"}, "x": {""}, "y": {""}}, false},
		// Underscores are dashes; repeats are kept in order; "--" ends
		// the flags.
		{"--service_account_issuer=a --service-account-issuer b -- --api-audiences=c", map[string][]string{flagIssuer: {"a", "b"}}, false},
		// An argument filled from a variable may be any flag.
		{"$(FLAGS) --a=1", map[string][]string{"a": {"1"}}, true},
		{"--a=$(X)", map[string][]string{"a": {"$(X)"}}, false},
	} {
		a := apiServer{flags: map[string][]flagValue{}}
		var args []flagValue
		for _, s := range strings.Fields(tt.args) {
			args = append(args, argValue(s, "x", nil))
		}
		a.readFlags(args)
		got := map[string][]string{}
		for name, vs := range a.flags {
			for _, v := range vs {
				got[name] = append(got[name], v.value)
			}
		}
		if !reflect.DeepEqual(got, tt.want) || a.opaque != tt.opaque {
			t.Errorf("readFlags(%q) = %v opaque %v, want %v opaque %v", tt.args, got, a.opaque, tt.want, tt.opaque)
		}
		if vs := a.flags["a"]; len(vs) > 0 && strings.Contains(vs[0].value, "$(") && vs[0].known {
			t.Errorf("readFlags(%q): a value that expands a variable is taken as known", tt.args)
		}
	}
}

// apiServerStart finds kube-apiserver however a container runs it.
func TestAPIServerStart(t *testing.T) {
	for _, tt := range []struct {
		command, args, image string
		start                int
		ok                   bool
	}{
		{"kube-apiserver", "--a=1", "registry.k8s.io/kube-apiserver:v1.31.4", 1, true},
		{"/go-runner", "--log-file=/var/log/kube-apiserver.log --also-stdout /usr/local/bin/kube-apiserver --a=1", "", 4, true},
		{"/hyperkube apiserver", "--a=1", "", 2, true},
		{"", "--etcd-servers=x", "registry.k8s.io/kube-apiserver-amd64:v1.31.4", 0, true},
		// An image of that name given a command runs that command; a
		// log path that names kube-apiserver is not the binary.
		{"/bin/tail", "-F /var/log/kube-apiserver.log", "registry.k8s.io/kube-apiserver:v1.31.4", 0, false},
		{"cp", "/usr/local/bin/kube-apiserver /binaries/", "registry.k8s.io/kube-apiserver:v1.31.4", 0, false},
		{"/usr/bin/tini -- /usr/local/bin/kube-apiserver", "--a=1", "", 3, true},
		{"", "--etcd-servers=x", "registry.k8s.io/kube-controller-manager:v1.31.4", 0, false},
	} {
		var args []flagValue
		commands := len(strings.Fields(tt.command))
		for _, s := range strings.Fields(tt.command + " " + tt.args) {
			args = append(args, argValue(s, "x", nil))
		}
		start, ok := apiServerStart(args, tt.image, commands)
		if ok != tt.ok || ok && start != tt.start {
			t.Errorf("apiServerStart(%q %q, %q) = %d, %v, want %d, %v", tt.command, tt.args, tt.image, start, ok, tt.start, tt.ok)
		}
	}
}

func TestThirdParty(t *testing.T) {
	for aud, want := range map[string]bool{
		"vault": true, "https://vault.example.com": true, "sts.amazonaws.com": true,
		"api://AzureADTokenExchange": true, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k": true,
		"istio-ca": true, "spiffe://example.org": true,
		"vaultwarden": false, "api": false, "https://kubernetes.default.svc": false, "payments-api": false,
	} {
		if _, got := thirdParty(aud); got != want {
			t.Errorf("thirdParty(%q) = %v, want %v", aud, got, want)
		}
	}
}
