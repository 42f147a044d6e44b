package config

// kind is the type of a key's value; it decides how the value is parsed,
// what the schema says of it and how the README names its type.
type kind int

const (
	kindObject      kind = iota // a mapping of the key's children
	kindRuleList                // a list of rule IDs or slugs
	kindSeverityMap             // rule ID or slug -> error | warning | note
	kindFailOn                  // error | warning | note | never
	kindDuration                // seconds or a Go duration, at least 1s
	kindStringList              // a list of strings
	kindGlobList                // a list of doublestar globs, relative to the file
	kindPathList                // a list of paths, relative to the file
	kindString                  // a string
	kindScalarMap               // key -> string, number or boolean, kept as written
	kindCount                   // a whole number, at least 1
	kindSize                    // bytes or a Kubernetes quantity (64Mi), at least 1
	kindPathMap                 // key -> path, relative to the file
	kindJSONMap                 // key -> JSON text
)

// noun names a kind in messages and in the README.
func (k kind) noun() string {
	switch k {
	case kindObject:
		return "a mapping"
	case kindRuleList:
		return "a list of rule IDs or slugs"
	case kindSeverityMap:
		return "a mapping of rule IDs or slugs to severities"
	case kindFailOn:
		return "error, warning, note or never"
	case kindDuration:
		return "seconds (86400) or a duration (24h)"
	case kindStringList:
		return "a list of strings"
	case kindGlobList:
		return "a list of globs"
	case kindPathList:
		return "a list of paths"
	case kindString:
		return "a string"
	case kindScalarMap:
		return "a mapping of keys to strings, numbers or booleans"
	case kindCount:
		return "a whole number, at least 1"
	case kindSize:
		return "bytes (67108864) or a quantity (64Mi)"
	case kindPathMap:
		return "a mapping of keys to paths"
	case kindJSONMap:
		return "a mapping of keys to JSON texts"
	}
	return "a value"
}

// key is one key of the file, with its documentation. The table below is
// the one source of the key list.
type key struct {
	name string
	kind kind
	// doc says what the key does, one or two sentences for people.
	doc string
	// def is the default as the file would write it, nil when there is none
	// to write; defText says it in words (starting with def when there is
	// one), empty for an object, whose children have defaults.
	def     any
	defText string
	// example is a value as the file would write it.
	example  any
	children []key
}

// keys is the file's schema, in canonical order (the order of Marshal, Init,
// Schema and the README).
var keys = []key{
	{
		name: "disable", kind: kindRuleList,
		doc:     "Rules to turn off, by ID or slug (case-insensitive).",
		defText: "none",
		example: []any{"TL301"},
	},
	{
		name: "enable", kind: kindRuleList,
		doc:     "Rules that are off by default to turn on, by ID or slug (case-insensitive). A rule cannot be both disabled and enabled.",
		defText: "none",
		example: []any{"ACME001"},
	},
	{
		name: "severity", kind: kindSeverityMap,
		doc:     "Severity overrides: a rule ID or slug mapped to error, warning or note.",
		defText: "each rule's own severity",
		example: map[string]any{"TL103": "error"},
	},
	{
		name: "settings", kind: kindObject,
		doc: "Settings that rules read.",
		children: []key{
			{
				name: "maxTokenExpiration", kind: kindDuration,
				doc:     "Longest projected token `expirationSeconds` that TL103 accepts: whole seconds (86400) or a Go duration (24h), at least 1s.",
				def:     86400,
				defText: "86400 (24h)",
				example: "24h",
			},
			{
				name: "allowedAudiences", kind: kindStringList,
				doc:     "Audiences that projected tokens may be requested for: TL104 reports any other audience, compared exactly. `--allowed-audience` replaces the list.",
				defText: "any audience",
				example: []any{"vault", "sts.amazonaws.com"},
			},
		},
	},
	{
		name: "exclude", kind: kindGlobList,
		doc:     "Files and directories not to lint: globs with `**` (doublestar syntax), relative to the configuration file's directory. A glob that matches a directory excludes everything under it. A path named on the command line is excluded too, with a notice on standard error; `--context` paths are not.",
		defText: "none",
		example: []any{"third_party/**", "**/*_test.yaml"},
	},
	{
		name: "policies", kind: kindPathList,
		doc:     "Extra Rego policy files or directories to add to the catalog, relative to the configuration file's directory.",
		defText: "none",
		example: []any{"policies/"},
	},
	{
		name: "failOn", kind: kindFailOn,
		doc:     "Lowest severity that makes the exit code 1: error, warning, note or never.",
		def:     "warning",
		defText: "warning",
		example: "error",
	},
	{
		name: "namespace", kind: kindString,
		doc:     "Namespace of objects that set none, as `kubectl -n` would give them.",
		def:     "default",
		defText: "default",
		example: "payments",
	},
	{
		name: "context", kind: kindPathList,
		doc:     "Files and directories loaded only to resolve references between objects (the ServiceAccount of a pod, the Secret a volume names), not linted themselves; relative to the configuration file's directory.",
		defText: "none",
		example: []any{"../platform/serviceaccounts"},
	},
	{
		name: "helm", kind: kindObject,
		doc: "How Helm charts are rendered, as the flags of `helm template` would render them.",
		children: []key{
			{
				name: "values", kind: kindPathList,
				doc:     "Values files, relative to the configuration file's directory, applied in order.",
				defText: "none",
				example: []any{"values-prod.yaml"},
			},
			{
				name: "set", kind: kindScalarMap,
				doc:     "Values to set, as `helm template --set key=value` gives them (the value as written).",
				defText: "none",
				example: map[string]any{"image.tag": "1.2", "replicas": 2},
			},
			{
				name: "setString", kind: kindScalarMap,
				doc:     "Values to set as strings, as `helm template --set-string key=value` gives them.",
				defText: "none",
				example: map[string]any{"podAnnotations.team": "payments"},
			},
			{
				name: "setFile", kind: kindPathMap,
				doc:     "Values to set to the text of a file, as `helm template --set-file key=path` gives them; paths relative to the configuration file's directory, read within `limits.maxFileSize` (only regular files: never a device, a pipe, standard input or a URL).",
				defText: "none",
				example: map[string]any{"config.policy": "policy.hcl"},
			},
			{
				name: "setJSON", kind: kindJSONMap,
				doc:     "Values to set from JSON, as `helm template --set-json key=json` gives them: each value is JSON text (quote it in YAML).",
				defText: "none",
				example: map[string]any{"podSecurityContext": `{"runAsNonRoot":true}`},
			},
			{
				name: "apiVersions", kind: kindStringList,
				doc:     "API versions added to those templates see in `.Capabilities.APIVersions`, as `helm template --api-versions` adds them (a group/version, or group/version/Kind).",
				defText: "none",
				example: []any{"monitoring.coreos.com/v1"},
			},
			{
				name: "releaseName", kind: kindString,
				doc:     "The release name templates see.",
				def:     "release-name",
				defText: "release-name",
				example: "web",
			},
			{
				name: "kubeVersion", kind: kindString,
				doc:     "The Kubernetes version templates see in `.Capabilities` (quote it: `1.30` unquoted is the number 1.3).",
				defText: "Helm's default",
				example: "1.31",
			},
		},
	},
	{
		name: "limits", kind: kindObject,
		doc: "Limits on what one run may cost, so that a hostile pull request cannot make it hang, exhaust memory or run for hours: a file or chart beyond one is an input error on that file, a policy beyond one is stopped with one error; either way the exit code is 2, the rest of the run goes on and its report is written.",
		children: []key{
			{
				name: "policyTimeout", kind: kindDuration,
				doc:     "Longest time one evaluation of one Rego policy, built in or from `policies`, may take on one object: seconds (2) or a Go duration (2s), at least 1s. An evaluation that runs out of it is an error on that object.",
				def:     "2s",
				defText: "2s",
				example: "5s",
			},
			{
				name: "policyTimeouts", kind: kindCount,
				doc:     "How many objects one policy may run out of `policyTimeout` on in one run: at that many the policy is stopped for the rest of the run, with one error that names the policy and counts the objects left unchecked.",
				def:     3,
				defText: "3",
				example: 10,
			},
			{
				name: "policyBudget", kind: kindDuration,
				doc:     "Evaluation time one policy may spend in one run, over all its objects: seconds (60) or a Go duration (1m), at least 1s. When it is spent the policy is stopped for the rest of the run, with one error that names the policy and counts the objects left unchecked, so even a policy that stays just under `policyTimeout` on every object cannot make the run's time grow without bound. The built-in policies take under 0.2s each on 10,000 objects.",
				def:     "1m",
				defText: "1m",
				example: "5m",
			},
			{
				name: "maxFileSize", kind: kindSize,
				doc:     "Largest file read: a manifest, standard input, a Helm values file or a packaged chart (`.tgz`). Policy files and the configuration file are read within the default. Only regular files are read: a named pipe, a device or a socket is an input error, named or found while walking.",
				def:     "64Mi",
				defText: "64Mi",
				example: "16Mi",
			},
			{
				name: "helmRenderTimeout", kind: kindDuration,
				doc:     "Longest time a Helm chart may take to render: whole seconds (30) or a Go duration (1m), at least 1s. A chart renders in a child process of tokenlint, stopped at this limit.",
				def:     "30s",
				defText: "30s",
				example: "2m",
			},
			{
				name: "helmRenderSize", kind: kindSize,
				doc:     "Largest manifest stream a Helm chart may render to. It also bounds the memory of the rendering process, to 256Mi plus 8 times this size.",
				def:     "64Mi",
				defText: "64Mi",
				example: "128Mi",
			},
		},
	},
}

// names are the names of a list of keys, for suggestions.
func names(ks []key) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.name
	}
	return out
}

func lookup(ks []key, name string) *key {
	for i := range ks {
		if ks[i].name == name {
			return &ks[i]
		}
	}
	return nil
}
