package analyzer

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	rbacv1beta1 "k8s.io/api/rbac/v1beta1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "sigs.k8s.io/json"
)

// scheme knows the built-in kinds tokenlint decodes into k8s.io/api types.
var scheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, batchv1.AddToScheme, rbacv1.AddToScheme,
		rbacv1beta1.AddToScheme, networkingv1.AddToScheme, policyv1.AddToScheme,
		autoscalingv2.AddToScheme, storagev1.AddToScheme, admissionregistrationv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// clusterScoped lists the built-in kinds that have no namespace.
var clusterScoped = map[string]bool{
	"Namespace": true, "Node": true, "PersistentVolume": true, "ClusterRole": true,
	"ClusterRoleBinding": true, "StorageClass": true, "CustomResourceDefinition": true,
	"PriorityClass": true, "ValidatingWebhookConfiguration": true, "MutatingWebhookConfiguration": true,
	"APIService": true, "CSIDriver": true, "CSINode": true, "IngressClass": true, "RuntimeClass": true,
	"VolumeAttachment": true, "ValidatingAdmissionPolicy": true, "ValidatingAdmissionPolicyBinding": true,
	"MutatingAdmissionPolicy": true, "MutatingAdmissionPolicyBinding": true, "CertificateSigningRequest": true,
	"ClusterTrustBundle": true, "FlowSchema": true, "PriorityLevelConfiguration": true, "IPAddress": true,
	"ServiceCIDR": true, "DeviceClass": true, "TokenReview": true, "SelfSubjectReview": true,
	"SubjectAccessReview": true, "SelfSubjectAccessReview": true, "SelfSubjectRulesReview": true,
	"ComponentStatus": true, "StorageVersion": true, "StorageVersionMigration": true,
	"VolumeAttributesClass": true,
}

// clusterScopedGroups are API groups whose kinds all have no namespace:
// OpenShift's cluster configuration (the cluster Authentication, OAuth,
// Proxy, ...), and configuration files that are not API objects at all
// (kubeadm's, kind's and kops's, whose Cluster is named by its DNS name).
var clusterScopedGroups = map[string]bool{
	"config.openshift.io": true, "kubeadm.k8s.io": true, "kind.x-k8s.io": true, "kops.k8s.io": true,
}

// isClusterScoped reports whether objects of the apiVersion and kind have
// no namespace.
func isClusterScoped(apiVersion, kind string) bool {
	if clusterScoped[kind] {
		return true
	}
	group, _, _ := strings.Cut(apiVersion, "/")
	return strings.Contains(apiVersion, "/") && clusterScopedGroups[group]
}

// fieldError is a field whose value has the wrong type for its Kubernetes type.
type fieldError struct {
	path string
	msg  string
}

// maxTypeErrors bounds the fields of the wrong type reported per object.
const maxTypeErrors = 16

// decodeTyped decodes raw (at field path prefix) into out, a pointer to a
// k8s.io/api type, as the API server's JSON decoder (sigs.k8s.io/json: case
// sensitive, integers kept) would. A value of the wrong type is reported with
// its exact field path and then left out, so that the rest of the object still
// decodes and every such field is reported. bigNumber, when set, tells a
// string that was written as an unquoted number too large for JSON (1e400,
// which YAML reads as a string) by its full path, so that the message calls
// it a number.
func decodeTyped(raw any, out any, prefix string, bigNumber func(path string) bool) []fieldError {
	// The fast paths convert the map directly, case-sensitively like the
	// API server: decodeFast, then the converter for what it leaves (the
	// converter narrows numbers without a range check, so a number that
	// may not fit skips it). Neither says anything useful about a failure,
	// so a failure takes the slow path: JSON, whose type errors name the
	// field.
	if m, ok := raw.(map[string]any); ok {
		dv := reflect.ValueOf(out).Elem()
		if decodeFast(m, dv) {
			return nil
		}
		dv.SetZero()
		if !hasWideNumbers(m) {
			if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, out); err == nil {
				return nil
			}
		}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return []fieldError{{path: prefix, msg: err.Error()}}
	}
	err = kjson.UnmarshalCaseSensitivePreserveInts(data, out)
	if err == nil {
		return nil
	}
	d := &typedDecoder{bigNumber: bigNumber}
	d.split(raw, reflect.TypeOf(out).Elem(), nil, prefix, err)
	// Decode again without the faulty fields, so the rest of the object
	// is there for the rules. (A failed decode leaves values behind: a
	// pointer allocated for a quoted "false" reads as false. Start from
	// zero.)
	reflect.ValueOf(out).Elem().SetZero()
	if data, err := json.Marshal(pruned(raw, d.faulty)); err == nil {
		if err := kjson.UnmarshalCaseSensitivePreserveInts(data, out); err != nil {
			reflect.ValueOf(out).Elem().SetZero()
		}
	}
	return d.errs
}

// typedDecoder finds the fields of a value that its Go type rejects. The
// JSON decoder names the field of a type error only as a dotted list of Go
// struct fields (no list index, no map key), stops at its first error,
// and names no field at all when a custom decoder fails (a quantity, a
// time, base64 bytes). So a value that fails is decoded again child by
// child, each into its own Go type, and only the children that fail are
// looked into: every level of the search decodes what its failing values
// hold once, so finding every faulty field costs a few decodes of the
// object (one per level of Kubernetes' types, which are shallow), however
// wide or large it is, and however many fields are wrong. Decoding the
// whole object again for each field, and once per sibling to find a custom
// decoder's, made a wide object cost a decode per key.
type typedDecoder struct {
	bigNumber func(path string) bool
	errs      []fieldError
	faulty    [][]segment
}

// split looks into v, of Go type t at path (segs below the decoded root,
// written after prefix), which failed to decode with err.
func (d *typedDecoder) split(v any, t reflect.Type, segs []segment, prefix string, err error) {
	if len(d.errs) >= maxTypeErrors {
		return
	}
	found := false
	children := func(seg segment, child any) {
		ct, ok := childType(t, seg)
		if !ok || len(d.errs) >= maxTypeErrors {
			return
		}
		data, merr := json.Marshal(child)
		if merr != nil {
			return
		}
		if cerr := kjson.UnmarshalCaseSensitivePreserveInts(data, reflect.New(ct).Interface()); cerr != nil {
			found = true
			d.split(child, ct, append(segs[:len(segs):len(segs)], seg), prefix, cerr)
		}
	}
	if splittable(t) {
		switch c := v.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(c)) {
				children(segment{key: k}, c[k])
			}
		case []any:
			for i, item := range c {
				children(segment{index: i, isIdx: true}, item)
			}
		}
	}
	if !found {
		d.add(v, segs, prefix, err)
	}
}

// add records that the value v at segs failed to decode with err.
func (d *typedDecoder) add(v any, segs []segment, prefix string, err error) {
	path := joinPrefix(prefix, joinSegments(segs))
	var msg string
	if te, ok := asTypeError(err); ok {
		_, isString := v.(string)
		msg = typeErrorMessage(path, v, isString && d.bigNumber != nil && d.bigNumber(path), te)
	} else {
		// A custom decoder failed: say what it was given.
		reason := strings.TrimPrefix(err.Error(), "json: ")
		msg = fmt.Sprintf("%s: %s", path, reason)
		if s, ok := v.(string); ok {
			msg = fmt.Sprintf("%s: %q is not valid: %s", path, s, reason)
		}
	}
	d.errs = append(d.errs, fieldError{path: path, msg: msg})
	d.faulty = append(d.faulty, segs)
}

// splittable reports whether a value of Go type t decodes child by child:
// a struct, a map or a list, whose decoding is not its own.
func splittable(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(jsonUnmarshaler) || t.Implements(jsonUnmarshaler) ||
		reflect.PointerTo(t).Implements(textUnmarshaler) || t.Implements(textUnmarshaler) {
		return false
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return true
	case reflect.Slice, reflect.Array:
		return t.Elem().Kind() != reflect.Uint8 // []byte is base64
	}
	return false
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// childType is the Go type that the child seg of a value of type t decodes
// into, as encoding/json (case-sensitively, as sigs.k8s.io/json) finds it:
// a struct's field by its JSON name, embedded structs' fields promoted; a
// map's values; a list's items. ok is false for a child the decoder
// ignores (an unknown field).
func childType(t reflect.Type, seg segment) (reflect.Type, bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Struct:
		if seg.isIdx {
			return nil, false
		}
		return fieldType(t, seg.key, 0)
	case reflect.Map:
		if seg.isIdx || t.Key().Kind() != reflect.String {
			return nil, false
		}
		return t.Elem(), true
	case reflect.Slice, reflect.Array:
		if !seg.isIdx {
			return nil, false
		}
		return t.Elem(), true
	}
	return nil, false
}

// fieldType finds the field of struct type t named name in JSON. Depth
// bounds the embedded structs followed.
func fieldType(t reflect.Type, name string, depth int) (reflect.Type, bool) {
	var embedded []reflect.Type
	for i := range t.NumField() {
		f := t.Field(i)
		tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if tag == "" && f.Anonymous {
			ft := f.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if tag == "" {
			tag = f.Name
		}
		if tag == name && f.IsExported() {
			return f.Type, true
		}
	}
	// Fields of embedded structs come after the struct's own, which win.
	if depth < 8 {
		for _, et := range embedded {
			if ft, ok := fieldType(et, name, depth+1); ok {
				return ft, true
			}
		}
	}
	return nil, false
}

// pruned is v without the values at paths (segments below v): map keys
// deleted, list items set to null. Only the maps and lists on the way to
// them are copied; v itself is shared with Raw, and never modified.
func pruned(v any, paths [][]segment) any {
	if len(paths) == 0 {
		return v
	}
	type sub struct {
		rest  [][]segment
		whole bool
	}
	switch c := v.(type) {
	case map[string]any:
		groups := map[string]*sub{}
		for _, p := range paths {
			if len(p) == 0 || p[0].isIdx {
				continue
			}
			g := groups[p[0].key]
			if g == nil {
				g = &sub{}
				groups[p[0].key] = g
			}
			g.rest = append(g.rest, p[1:])
			g.whole = g.whole || len(p) == 1
		}
		m := maps.Clone(c)
		for k, g := range groups {
			if g.whole {
				delete(m, k)
			} else if child, ok := m[k]; ok {
				m[k] = pruned(child, g.rest)
			}
		}
		return m
	case []any:
		groups := map[int]*sub{}
		for _, p := range paths {
			if len(p) == 0 || !p[0].isIdx || p[0].index < 0 || p[0].index >= len(c) {
				continue
			}
			g := groups[p[0].index]
			if g == nil {
				g = &sub{}
				groups[p[0].index] = g
			}
			g.rest = append(g.rest, p[1:])
			g.whole = g.whole || len(p) == 1
		}
		l := slices.Clone(c)
		for i, g := range groups {
			if g.whole {
				l[i] = nil
			} else {
				l[i] = pruned(l[i], g.rest)
			}
		}
		return l
	}
	return v
}

// joinPrefix is the path of a field at path within the value at prefix.
func joinPrefix(prefix, path string) string {
	switch {
	case prefix == "":
		return path
	case path == "", path[0] == '[':
		return prefix + path
	}
	return prefix + "." + path
}

// hasWideNumbers reports whether a value holds a fraction or an integer
// outside the int32 range, which the fast path would narrow silently.
func hasWideNumbers(v any) bool {
	switch t := v.(type) {
	case map[string]any:
		for _, e := range t {
			if hasWideNumbers(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasWideNumbers(e) {
				return true
			}
		}
	case int64:
		return t > math.MaxInt32 || t < math.MinInt32
	case float64:
		return true
	}
	return false
}

// asTypeError returns a type error of sigs.k8s.io/json (an internal copy of
// encoding/json's type, with the same fields) as encoding/json's.
func asTypeError(err error) (*json.UnmarshalTypeError, bool) {
	var std *json.UnmarshalTypeError
	if errors.As(err, &std) {
		return std, true
	}
	v := reflect.ValueOf(err)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct || v.Elem().Type().Name() != "UnmarshalTypeError" {
		return nil, false
	}
	e := v.Elem()
	typ, ok := e.FieldByName("Type").Interface().(reflect.Type)
	if !ok || typ == nil {
		return nil, false
	}
	return &json.UnmarshalTypeError{Value: e.FieldByName("Value").String(), Type: typ,
		Struct: e.FieldByName("Struct").String(), Field: e.FieldByName("Field").String()}, true
}

// typeErrorMessage says what was written and what the field takes:
// `spec.automountServiceAccountToken: "false" is a string, but the field takes
// a boolean (true or false, unquoted)`. bigNumber says the value, a string,
// was written as an unquoted number out of JSON's range: it is called a
// number, with no advice to unquote it.
func typeErrorMessage(path string, value any, bigNumber bool, te *json.UnmarshalTypeError) string {
	if s, ok := value.(string); ok && bigNumber {
		shown := s
		if len(shown) > 40 {
			shown = shown[:37] + "..."
		}
		t := te.Type
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch expected(t) {
		case "an integer":
			return fmt.Sprintf("%s: %s is a number out of range for the field, which takes a %d-bit integer", path, shown, t.Bits())
		case "a number":
			return fmt.Sprintf("%s: %s is a number out of range: JSON numbers reach about 1.8e308", path, shown)
		}
		return fmt.Sprintf("%s: %s is a number (out of JSON's range), but the field takes %s", path, shown, expected(te.Type))
	}
	written := describeJSON(te.Value)
	if b, err := json.Marshal(value); err == nil {
		shown := string(b)
		if len(shown) > 40 {
			shown = shown[:37] + "..."
		}
		written = shown + " is " + written
	}
	// An integer too large for its field is out of range, not of the wrong
	// type.
	t := te.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if expected(t) == "an integer" {
		integral := ""
		switch n := value.(type) {
		case int64:
			integral = strconv.FormatInt(n, 10)
		case float64:
			if n == math.Trunc(n) {
				integral = strconv.FormatFloat(n, 'f', -1, 64)
			}
		}
		if integral != "" {
			return fmt.Sprintf("%s: %s is out of range for the field, which takes a %d-bit integer", path, integral, t.Bits())
		}
	}
	return fmt.Sprintf("%s: %s, but the field takes %s", path, written, expected(te.Type))
}

// expected names what a field of Go type t takes, in the words of YAML.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "a boolean (true or false, unquoted)"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return "a " + t.String()
}

func describeJSON(v string) string {
	switch {
	case v == "string":
		return "a string"
	case strings.HasPrefix(v, "number"):
		return "a number"
	case v == "bool":
		return "a boolean"
	case v == "array":
		return "a list"
	case v == "object":
		return "a mapping"
	}
	return v
}

// typeObject decodes a known kind into its k8s.io/api type and finds its pod
// spec, recording every field of the wrong type as a problem.
func (o *Object) typeObject() {
	gv, err := schema.ParseGroupVersion(o.APIVersion)
	if err == nil {
		if typed, err := scheme.New(gv.WithKind(o.Kind)); err == nil {
			for _, fe := range decodeTyped(o.Raw, typed, "", o.BigNumber) {
				o.addFieldProblem(fe)
			}
			o.checkFields(o.Raw, reflect.TypeOf(typed), "")
			o.Typed = typed
		}
	}
	o.podSpec = o.findPodSpec()
}

func (o *Object) findPodSpec() *PodSpec {
	switch t := o.Typed.(type) {
	case *corev1.Pod:
		return &PodSpec{Spec: &t.Spec, Path: "spec"}
	case *corev1.PodTemplate:
		return &PodSpec{Spec: &t.Template.Spec, Path: "template.spec"}
	case *corev1.ReplicationController:
		if t.Spec.Template == nil {
			return nil
		}
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *appsv1.Deployment:
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *appsv1.StatefulSet:
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *appsv1.DaemonSet:
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *appsv1.ReplicaSet:
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *batchv1.Job:
		return &PodSpec{Spec: &t.Spec.Template.Spec, Path: "spec.template.spec"}
	case *batchv1.CronJob:
		return &PodSpec{Spec: &t.Spec.JobTemplate.Spec.Template.Spec, Path: "spec.jobTemplate.spec.template.spec"}
	case nil:
		// A custom resource embedding a pod template the usual way
		// (DeploymentConfig, Argo Rollout, Knative Service, ...), or a
		// workload of an API version tokenlint has no type for (a
		// batch/v1beta1 CronJob).
		for _, path := range []string{"spec.template.spec", "spec.jobTemplate.spec.template.spec"} {
			raw, ok := o.Lookup(path)
			m, isMap := raw.(map[string]any)
			if !ok || !isMap || m["containers"] == nil {
				continue
			}
			spec := &corev1.PodSpec{}
			for _, fe := range decodeTyped(m, spec, path, o.BigNumber) {
				o.addFieldProblem(fe)
			}
			o.checkFields(m, reflect.TypeOf(spec), path)
			return &PodSpec{Spec: spec, Path: path}
		}
	}
	return nil
}
