package main

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/emigre/emigre/quality"
)

// mapKeys lists the keys accepted by the config's maps whose keys are
// names from a fixed set (by the map's key path; * stands for any key).
// Maps keyed by source id are checked against the catalogue instead
// (checkSourceIDs).
var mapKeys = map[string]func() []string{
	"quality.limits":    quality.Rules,
	"quality.sources.*": quality.Rules,
}

var durationType = reflect.TypeFor[Duration]()

// checkNode checks a YAML node against the Go type it will decode into:
// every key is one the type has, every scalar parses as the field's type.
// The error names the file, line and key path (fetch.delay) and says what
// is accepted, in the file's terms rather than Go's.
func checkNode(file string, n *yaml.Node, t reflect.Type, path string) error {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil // unset: the default
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("config %s line %d: %s: %s", file, n.Line, path, fmt.Sprintf(format, args...))
	}
	switch {
	case t == durationType:
		if n.Kind != yaml.ScalarNode {
			return bad("want a duration (90s, 10m, 36h or 30d)")
		}
		if _, err := parseDuration(n.Value); err != nil {
			return bad("%v", err)
		}
		return nil
	case t.Kind() == reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return bad("want keys under it: %s", strings.Join(yamlKeys(t), ", "))
		}
		return checkMapping(file, n, path, yamlKeys(t), func(key string) reflect.Type { return fieldType(t, key) })
	case t.Kind() == reflect.Map:
		if n.Kind != yaml.MappingNode {
			return bad("want a mapping of keys to values")
		}
		var accepted []string
		if keys, ok := mapKeys[path]; ok {
			accepted = keys()
		} else if keys, ok := mapKeys[wildcard(path)]; ok {
			accepted = keys()
		}
		return checkMapping(file, n, path, accepted, func(string) reflect.Type { return t.Elem() })
	case t.Kind() == reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return bad("want a list ([a, b] or lines starting with -)")
		}
		for i, item := range n.Content {
			if err := checkNode(file, item, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if n.Kind != yaml.ScalarNode {
		return bad("want a single value, not a list or mapping")
	}
	var err error
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		_, err = strconv.ParseInt(n.Value, 10, 64)
		if err != nil {
			return bad("%q is not a whole number", n.Value)
		}
	case reflect.Float64:
		_, err = strconv.ParseFloat(n.Value, 64)
		if err != nil {
			return bad("%q is not a number", n.Value)
		}
	case reflect.Bool:
		if _, err = strconv.ParseBool(n.Value); err != nil {
			return bad("%q: want true or false", n.Value)
		}
	}
	return nil
}

// checkMapping checks a mapping's keys against accepted (any key when
// empty) and each value against the type elem gives for its key.
func checkMapping(file string, n *yaml.Node, path string, accepted []string, elem func(string) reflect.Type) error {
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		sub := k.Value
		if path != "" {
			sub = path + "." + k.Value
		}
		if len(accepted) > 0 && !slices.Contains(accepted, k.Value) {
			where := "the top level"
			if path != "" {
				where = path
			}
			return fmt.Errorf("config %s line %d: unknown key %s (%s takes: %s)", file, k.Line, sub, where, strings.Join(accepted, ", "))
		}
		if err := checkNode(file, v, elem(k.Value), sub); err != nil {
			return err
		}
	}
	return nil
}

// wildcard replaces a path's last key by *: quality.sources.fi-x becomes
// quality.sources.*.
func wildcard(path string) string {
	i := strings.LastIndex(path, ".")
	if i < 0 {
		return "*"
	}
	return path[:i] + ".*"
}

// yamlKeys are the keys a struct takes, in its order.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for f := range t.Fields() {
		if name := yamlName(f); name != "" {
			keys = append(keys, name)
		}
	}
	return keys
}

func fieldType(t reflect.Type, key string) reflect.Type {
	for f := range t.Fields() {
		if yamlName(f) == key {
			return f.Type
		}
	}
	return nil
}

func yamlName(f reflect.StructField) string {
	if !f.IsExported() {
		return ""
	}
	name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
	if name == "-" {
		return ""
	}
	if name == "" {
		return strings.ToLower(f.Name)
	}
	return name
}
