package analyzer

import (
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

// fieldError is a field whose value has the wrong type for its Kubernetes type.
type fieldError struct {
	path string
	msg  string
}

// maxTypeErrors bounds the re-decodes spent collecting type errors.
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
	// The fast path converts the map directly, case-sensitively like the API
	// server. It says nothing useful about a failure, and it narrows numbers
	// without a range check, so a failure or a number that may not fit takes
	// the slow path: JSON, whose type errors name the field.
	if m, ok := raw.(map[string]any); ok && !hasWideNumbers(m) {
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(m, out); err == nil {
			return nil
		}
	}
	data, err := json.Marshal(raw)
	if err != nil {
		return []fieldError{{path: prefix, msg: err.Error()}}
	}
	var errs []fieldError
	var generic any
	for range maxTypeErrors {
		// A failed decode leaves values behind (a pointer allocated for a
		// quoted "false" reads as false): start from zero every time.
		reflect.ValueOf(out).Elem().SetZero()
		err := kjson.UnmarshalCaseSensitivePreserveInts(data, out)
		if err == nil {
			return errs
		}
		if generic == nil {
			if err := json.Unmarshal(data, &generic); err != nil {
				return append(errs, fieldError{path: prefix, msg: err.Error()})
			}
		}
		var path, msg string
		if te, ok := asTypeError(err); ok {
			var value any
			var found bool
			path, value, found = findTypeError(generic, te)
			if !found {
				return append(errs, fieldError{path: prefix, msg: typeErrorMessage(joinPrefix(prefix, path), nil, false, false, te)})
			}
			_, isString := value.(string)
			msg = typeErrorMessage(joinPrefix(prefix, path), value, true, isString && bigNumber != nil && bigNumber(joinPrefix(prefix, path)), te)
		} else {
			// A custom decoder (a quantity, a time, base64 bytes) failed
			// without saying where: find the field whose removal cures it.
			var found bool
			if path, found = findFailingField(generic, out, err.Error()); !found {
				return append(errs, fieldError{path: prefix, msg: err.Error()})
			}
			v, _ := valueAt(generic, path)
			msg = fmt.Sprintf("%s: %s", joinPrefix(prefix, path), strings.TrimPrefix(err.Error(), "json: "))
			if s, ok := v.(string); ok {
				msg = fmt.Sprintf("%s: %q is not valid: %s", joinPrefix(prefix, path), s, strings.TrimPrefix(err.Error(), "json: "))
			}
		}
		errs = append(errs, fieldError{path: joinPrefix(prefix, path), msg: msg})
		if !deleteAt(generic, path) {
			return errs
		}
		// Decode again without the offending field, to find the next one.
		if data, err = json.Marshal(generic); err != nil {
			return errs
		}
	}
	return errs
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

// findFailingField finds the field a custom decoder (a quantity, a time,
// base64 bytes) failed on, which its error does not name. Descending from
// the root, it decodes each child of the current value on its own, inside a
// copy of the object that holds nothing but the path down to it, and
// follows the first child (in key order, the order the decoder met them:
// it keeps its first error) whose decode fails the same way. Each level
// decodes its children once between them, so the search costs about one
// decode of the object per level of the field's depth, however wide the
// object: removing one child at a time from the whole object cost one
// decode of all of it per sibling, quadratic in a wide mapping. A failure
// no child reproduces on its own is the current value's.
func findFailingField(generic any, out any, failure string) (string, bool) {
	fails := func(v any) bool {
		data, err := json.Marshal(v)
		if err != nil {
			return false
		}
		reflect.ValueOf(out).Elem().SetZero()
		err = kjson.UnmarshalCaseSensitivePreserveInts(data, out)
		return err != nil && err.Error() == failure
	}
	// alone is the object reduced to the path segs, ending in v.
	alone := func(segs []segment, v any) any {
		for i := len(segs) - 1; i >= 0; i-- {
			if segs[i].isIdx {
				v = []any{v}
			} else {
				v = map[string]any{segs[i].key: v}
			}
		}
		return v
	}
	var segs []segment
	cur := generic
	for {
		next, found := segment{}, false
		var child any
		switch c := cur.(type) {
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(c)) {
				if fails(alone(segs, map[string]any{k: c[k]})) {
					next, child, found = segment{key: k}, c[k], true
					break
				}
			}
		case []any:
			for i, v := range c {
				if fails(alone(segs, []any{v})) {
					next, child, found = segment{index: i, isIdx: true}, v, true
					break
				}
			}
		}
		if !found {
			return joinSegments(segs), len(segs) > 0
		}
		segs = append(segs, next)
		cur = child
	}
}

// valueAt returns the value at a path of a generic JSON value.
func valueAt(root any, path string) (any, bool) {
	cur := root
	for _, s := range parsePath(path) {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[s.key]
			if !ok || s.isIdx {
				return nil, false
			}
			cur = v
		case []any:
			if !s.isIdx || s.index >= len(c) {
				return nil, false
			}
			cur = c[s.index]
		default:
			return nil, false
		}
	}
	return cur, true
}

// typeErrorMessage says what was written and what the field takes:
// `spec.automountServiceAccountToken: "false" is a string, but the field takes
// a boolean (true or false, unquoted)`. bigNumber says the value, a string,
// was written as an unquoted number out of JSON's range: it is called a
// number, with no advice to unquote it.
func typeErrorMessage(path string, value any, found, bigNumber bool, te *json.UnmarshalTypeError) string {
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
	if found {
		if b, err := json.Marshal(value); err == nil {
			shown := string(b)
			if len(shown) > 40 {
				shown = shown[:37] + "..."
			}
			written = shown + " is " + written
		}
	}
	// An integer too large for its field is out of range, not of the wrong
	// type.
	t := te.Type
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if found && expected(t) == "an integer" {
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

// findTypeError turns the dotted field of a JSON type error (which names no
// list index) into the concrete path of the first value of the offending JSON
// kind.
func findTypeError(root any, te *json.UnmarshalTypeError) (string, any, bool) {
	// te.Value is "string", "bool", "array", "object" or "number 1.5".
	kind, literal, _ := strings.Cut(te.Value, " ")
	matches := func(v any) bool {
		if jsonKind(v) != kind {
			return false
		}
		if literal == "" {
			return true
		}
		b, err := json.Marshal(v)
		return err == nil && string(b) == literal
	}
	var found any
	var walk, inMap func(v any, segs []segment, path string) (string, bool)
	walk = func(v any, segs []segment, path string) (string, bool) {
		if l, ok := v.([]any); ok && (len(segs) == 0 || !segs[0].isIdx) {
			for i, item := range l {
				if p, ok := walk(item, segs, IndexPath(path, i)); ok {
					return p, true
				}
			}
			// No item is at fault: the list itself is (a list written
			// where a string belongs).
			if len(segs) == 0 && matches(v) {
				found = v
				return path, true
			}
			return "", false
		}
		if len(segs) == 0 {
			if matches(v) {
				found = v
				return path, true
			}
			return inMap(v, segs, path)
		}
		s := segs[0]
		if s.isIdx {
			l, ok := v.([]any)
			if !ok || s.index >= len(l) {
				return "", false
			}
			return walk(l[s.index], segs[1:], IndexPath(path, s.index))
		}
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		child, ok := m[s.key]
		if !ok {
			// encoding/json names embedded structs (VolumeSource) in the
			// path; JSON keys of Kubernetes types are never capitalised.
			if s.key != "" && s.key[0] >= 'A' && s.key[0] <= 'Z' {
				return walk(v, segs[1:], path)
			}
			return inMap(v, segs, path)
		}
		return walk(child, segs[1:], JoinPath(path, s.key))
	}
	// encoding/json leaves the keys of Go maps (labels, annotations,
	// nodeSelector, ...) out of the field: the value may be one of a map's,
	// in the order the JSON was written (sorted, as json.Marshal writes it).
	inMap = func(v any, segs []segment, path string) (string, bool) {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		for _, k := range slices.Sorted(maps.Keys(m)) {
			if p, ok := walk(m[k], segs, JoinPath(path, k)); ok {
				return p, true
			}
		}
		return "", false
	}
	path, ok := walk(root, parsePath(te.Field), "")
	return path, found, ok
}

func jsonKind(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case float64, int64:
		return "number"
	case bool:
		return "bool"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "null"
}

// deleteAt removes the value at path from a generic JSON value.
func deleteAt(root any, path string) bool {
	segs := parsePath(path)
	if len(segs) == 0 {
		return false
	}
	cur := root
	for _, s := range segs[:len(segs)-1] {
		switch c := cur.(type) {
		case map[string]any:
			cur = c[s.key]
		case []any:
			if !s.isIdx || s.index >= len(c) {
				return false
			}
			cur = c[s.index]
		default:
			return false
		}
	}
	last := segs[len(segs)-1]
	switch c := cur.(type) {
	case map[string]any:
		delete(c, last.key)
		return true
	case []any:
		if last.isIdx && last.index < len(c) {
			c[last.index] = nil
			return true
		}
	}
	return false
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
			return &PodSpec{Spec: spec, Path: path}
		}
	}
	return nil
}
