package config

import (
	"encoding/json"
	"fmt"
)

// SchemaID is the $id of the JSON Schema, and the URL Init points
// yaml-language-server at.
const SchemaID = "https://github.com/tokenlint/tokenlint/config.schema.json"

// rulePattern admits the rule names of user policies, which the schema
// cannot list: IDs (ACME001) and slugs (audience-not-allowed), in any case.
const rulePattern = `^[A-Za-z0-9]+(-[A-Za-z0-9]+)*$`

// durationPattern admits what ParseSeconds reads as a string: whole seconds
// or a Go duration.
const durationPattern = `^([0-9]+|[+]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$`

// sizePattern admits what ParseSize reads as a string: a Kubernetes
// quantity in whole bytes (fractions that make whole bytes, such as 1.5Ki,
// pass the pattern too).
const sizePattern = `^([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$`

// Schema is a JSON Schema (draft-07) of the file, for editors: it validates
// the file and completes its keys and the given rules' names. Rules it does
// not list still validate if they look like rule names, since policies add
// rules.
func Schema(rules []RuleName) []byte {
	var ruleNames []any
	sevProps := map[string]any{}
	for _, r := range rules {
		ruleNames = append(ruleNames, r.ID, r.Slug)
		for _, n := range []string{r.ID, r.Slug} {
			sevProps[n] = map[string]any{
				"$ref":        "#/definitions/severity",
				"description": fmt.Sprintf("%s %s: %s (default %s)", r.ID, r.Slug, r.Title, r.Severity),
			}
		}
	}
	ruleName := []any{map[string]any{"type": "string", "pattern": rulePattern}}
	if len(ruleNames) > 0 {
		ruleName = append([]any{map[string]any{"enum": ruleNames}}, ruleName...)
	}
	s := map[string]any{
		"$schema":     "http://json-schema.org/draft-07/schema#",
		"$id":         SchemaID,
		"title":       "tokenlint configuration (.tokenlint.yaml)",
		"description": "Configuration of tokenlint, the linter for Kubernetes service-account token hygiene. Every key is optional; command-line flags override the file.",
		"type":        "object",
		"definitions": map[string]any{
			"rule": map[string]any{
				"description": "A rule ID or slug, case-insensitive: a built-in rule or one of a policy's.",
				"anyOf":       ruleName,
			},
			"severity": map[string]any{
				"description": "A severity.",
				"type":        "string",
				"enum":        []any{"error", "warning", "note"},
			},
		},
	}
	for k, v := range objectSchema(keys, sevProps) {
		s[k] = v
	}
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		panic("config: " + err.Error())
	}
	return append(out, '\n')
}

func objectSchema(ks []key, sevProps map[string]any) map[string]any {
	props := map[string]any{}
	for _, k := range ks {
		props[k.name] = keySchema(k, sevProps)
	}
	return map[string]any{"type": "object", "properties": props, "additionalProperties": false}
}

func keySchema(k key, sevProps map[string]any) map[string]any {
	var s map[string]any
	str := map[string]any{"type": "string", "minLength": 1}
	switch k.kind {
	case kindObject:
		s = objectSchema(k.children, sevProps)
	case kindRuleList:
		s = map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/rule"}, "uniqueItems": true}
	case kindSeverityMap:
		s = map[string]any{
			"type":                 "object",
			"properties":           sevProps,
			"propertyNames":        map[string]any{"$ref": "#/definitions/rule"},
			"additionalProperties": map[string]any{"$ref": "#/definitions/severity"},
		}
	case kindFailOn:
		s = map[string]any{"type": "string", "enum": []any{"error", "warning", "note", "never"}}
	case kindDuration:
		s = map[string]any{"oneOf": []any{
			map[string]any{"type": "integer", "minimum": 1},
			map[string]any{"type": "string", "pattern": durationPattern},
		}}
	case kindStringList:
		s = map[string]any{"type": "array", "items": str}
	case kindGlobList, kindPathList:
		s = map[string]any{"type": "array", "items": str}
	case kindString:
		s = str
	case kindCount:
		s = map[string]any{"type": "integer", "minimum": 1}
	case kindSize:
		s = map[string]any{"oneOf": []any{
			map[string]any{"type": "integer", "minimum": 1},
			map[string]any{"type": "string", "pattern": sizePattern},
		}}
	case kindPathMap, kindJSONMap:
		s = map[string]any{
			"type":                 "object",
			"propertyNames":        map[string]any{"minLength": 1},
			"additionalProperties": str,
		}
	case kindScalarMap:
		s = map[string]any{
			"type":                 "object",
			"propertyNames":        map[string]any{"minLength": 1},
			"additionalProperties": map[string]any{"type": []any{"string", "number", "boolean"}},
		}
	}
	out := map[string]any{"description": describeKey(k)}
	for n, v := range s {
		out[n] = v
	}
	if k.def != nil {
		out["default"] = k.def
	}
	if k.example != nil {
		out["examples"] = []any{k.example}
	}
	return out
}
