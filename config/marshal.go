package config

import (
	"bytes"
	"cmp"
	"strconv"

	yaml "go.yaml.in/yaml/v3"
)

// Marshal writes the configuration as YAML, keys in canonical order, empty
// keys left out, paths and values as written, so Load reads it back to the
// same configuration. An empty configuration is "{}\n".
func (c *Config) Marshal() []byte {
	root := c.encodeObject(keys, "")
	if root == nil {
		return []byte("{}\n")
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		panic("config: " + err.Error()) // nodes built here always encode
	}
	enc.Close()
	return buf.Bytes()
}

func (c *Config) encodeObject(ks []key, prefix string) *yaml.Node {
	m := &yaml.Node{Kind: yaml.MappingNode}
	for i := range ks {
		name := keyName(prefix, ks[i].name)
		var v *yaml.Node
		if ks[i].kind == kindObject {
			v = c.encodeObject(ks[i].children, name)
		} else {
			v = c.encodeValue(name)
		}
		if v != nil {
			m.Content = append(m.Content, str(ks[i].name), v)
		}
	}
	if len(m.Content) == 0 {
		return nil
	}
	return m
}

// encodeValue is the value of a key that is not an object, nil when empty;
// the mirror of decoder.value.
func (c *Config) encodeValue(name string) *yaml.Node {
	switch name {
	case "disable":
		return scalars(c.Disable, true)
	case "enable":
		return scalars(c.Enable, true)
	case "severity":
		if len(c.Severity) == 0 {
			return nil
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, o := range c.Severity {
			m.Content = append(m.Content, str(o.Rule.Value), str(o.Severity.Value.String()))
		}
		return m
	case "settings.maxTokenExpiration":
		return duration(c.Settings.MaxTokenExpiration)
	case "settings.allowedAudiences":
		return scalars(c.Settings.AllowedAudiences, true)
	case "limits.policyTimeout":
		return duration(c.Limits.PolicyTimeout)
	case "limits.policyTimeouts":
		if n := c.Limits.PolicyTimeouts; n != nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!int", Value: strconv.Itoa(n.Value)}
		}
	case "limits.policyBudget":
		return duration(c.Limits.PolicyBudget)
	case "exclude":
		var ss []Scalar
		for _, g := range c.Exclude {
			ss = append(ss, Scalar{Value: g.Pattern})
		}
		return scalars(ss, false)
	case "policies":
		return paths(c.Policies)
	case "failOn":
		if c.FailOn != nil {
			return str(c.FailOn.Value.String())
		}
	case "namespace":
		if c.Namespace != nil {
			return str(c.Namespace.Value)
		}
	case "context":
		return paths(c.Context)
	case "helm.values":
		return paths(c.Helm.Values)
	case "helm.set":
		return keyValues(c.Helm.Set)
	case "helm.setString":
		return keyValues(c.Helm.SetString)
	case "helm.setFile":
		if len(c.Helm.SetFile) == 0 {
			return nil
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		for _, fv := range c.Helm.SetFile {
			m.Content = append(m.Content, str(fv.Key), str(fv.Path.Value))
		}
		return m
	case "helm.setJSON":
		return keyValues(c.Helm.SetJSON)
	case "helm.apiVersions":
		return scalars(c.Helm.APIVersions, true)
	case "helm.releaseName":
		if c.Helm.ReleaseName != nil {
			return str(c.Helm.ReleaseName.Value)
		}
	case "helm.kubeVersion":
		if c.Helm.KubeVersion != nil {
			return str(c.Helm.KubeVersion.Value)
		}
	case "limits.maxFileSize":
		return c.Limits.MaxFileSize.node()
	case "limits.helmRenderTimeout":
		if d := c.Limits.HelmRenderTimeout; d != nil {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: cmp.Or(d.tag, "!!str"), Value: d.Text}
		}
	case "limits.helmRenderSize":
		return c.Limits.HelmRenderSize.node()
	default:
		panic("config: key " + name + " is in the table but not encoded")
	}
	return nil
}

// duration is a duration as written, nil when absent.
func duration(d *Duration) *yaml.Node {
	if d == nil {
		return nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: cmp.Or(d.tag, "!!str"), Value: d.Text}
}

func str(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s} }

func scalars(ss []Scalar, flow bool) *yaml.Node {
	if len(ss) == 0 {
		return nil
	}
	n := &yaml.Node{Kind: yaml.SequenceNode}
	if flow {
		n.Style = yaml.FlowStyle
	}
	for _, s := range ss {
		n.Content = append(n.Content, str(s.Value))
	}
	return n
}

func paths(ps []Path) *yaml.Node {
	var ss []Scalar
	for _, p := range ps {
		ss = append(ss, Scalar{Value: p.Value})
	}
	return scalars(ss, false)
}

func keyValues(kvs []KeyValue) *yaml.Node {
	if len(kvs) == 0 {
		return nil
	}
	m := &yaml.Node{Kind: yaml.MappingNode}
	for _, kv := range kvs {
		m.Content = append(m.Content, str(kv.Key), &yaml.Node{Kind: yaml.ScalarNode, Tag: cmp.Or(kv.tag, "!!str"), Value: kv.Value})
	}
	return m
}

// node is the size as written, nil when absent.
func (s *Size) node() *yaml.Node {
	if s == nil {
		return nil
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: cmp.Or(s.tag, "!!str"), Value: s.Text}
}
