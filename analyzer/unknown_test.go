package analyzer

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

func TestClosestField(t *testing.T) {
	fields := typeInfoOf(reflect.TypeFor[corev1.ServiceAccountTokenProjection]()).fields
	for key, want := range map[string]string{
		"audiance":          "audience",
		"Audience":          "audience",
		"expirationSecond":  "expirationSeconds",
		"expiration":        "", // too far from expirationSeconds
		"pth":               "path",
		"somethingElse":     "",
		"audienceAndMore":   "",
		"expirationSeconds": "expirationSeconds",
	} {
		if got := closestField(key, fields); got != want {
			t.Errorf("closestField(%q) = %q, want %q", key, got, want)
		}
	}
	// Two fields equally close: neither is meant.
	if got := closestField("ab", map[string][]int{"aa": {0}, "bb": {1}}); got != "" {
		t.Errorf("a tie gave %q", got)
	}
}

// Keys of maps (labels, annotations, resources) are no fields, however
// they are spelt; fields inside lists and maps of structs are checked.
func TestUnknownFieldsWalk(t *testing.T) {
	o := mustObject(t, `apiVersion: v1
kind: Pod
metadata:
  name: p
  labels: {audiance: x}
  annotations: {automountServiceAccountTokens: "false"}
spec:
  nodeSelector: {serviceAccountNam: x}
  containers:
  - name: c
    image: x
    resources: {limits: {cpuu: 1}}
    volumeMounts: [{name: v, mountPth: /x}]
  volumes:
  - name: v
    projected: {sources: [{serviceAccountToken: {path: t, audiance: vault}}]}
`)
	var got []string
	for _, u := range o.typos {
		got = append(got, u.path+" "+u.meant)
	}
	want := []string{"spec.containers[0].volumeMounts[0].mountPth mountPath", "spec.volumes[0].projected.sources[0].serviceAccountToken.audiance audience"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("typos %q, want %q", got, want)
	}
}
