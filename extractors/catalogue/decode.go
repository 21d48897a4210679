package catalogue

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Problem is one thing wrong in a catalogue file: where, and what.
type Problem struct {
	File  string
	Line  int    // 0 when the problem is the whole file
	Field string // dotted path ("statement.earlier[0].url"); empty for the file
	Msg   string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":" + strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Error lists every problem found in a catalogue, one per line.
type Error struct{ Problems []Problem }

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return fmt.Sprintf("catalogue: %d problem(s):\n  %s", len(e.Problems), strings.Join(lines, "\n  "))
}

// doc is one decoded file: where it came from and the line of every field,
// so a problem found after decoding still names its line.
type doc struct {
	file  string
	lines map[string]int
	probs *[]Problem
}

// problem records a problem with a field of the file.
func (d doc) problem(field, format string, args ...any) {
	*d.probs = append(*d.probs, Problem{File: d.file, Line: d.line(field), Field: field, Msg: fmt.Sprintf(format, args...)})
}

// line is the line of field, or of its nearest parent that has one.
func (d doc) line(field string) int {
	for f := field; f != ""; {
		if l, ok := d.lines[f]; ok {
			return l
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return d.lines[""]
}

// fieldAt is the deepest field written on line, for messages that only
// know the line.
func (d doc) fieldAt(line int) string {
	best := ""
	for f, l := range d.lines {
		if l == line && len(f) > len(best) {
			best = f
		}
	}
	return best
}

// decode reads one YAML file into v strictly: every key must be a field of
// v's type (the message lists those accepted), and every value must fit its
// field. It returns the file's field lines; problems go to probs.
func decode(file string, data []byte, v any, probs *[]Problem) (doc, bool) {
	d := doc{file: file, lines: map[string]int{}, probs: probs}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		*probs = append(*probs, Problem{File: file, Line: yamlErrLine(err), Msg: cleanYAMLError(err)})
		return d, false
	}
	if len(root.Content) == 0 {
		d.problem("", "the file is empty")
		return d, false
	}
	before := len(*probs)
	d.walk(root.Content[0], reflect.TypeOf(v).Elem(), "")
	if len(*probs) > before {
		return d, false
	}
	if err := root.Content[0].Decode(v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) {
			for _, msg := range te.Errors {
				line := yamlErrLine(errors.New(msg))
				*probs = append(*probs, Problem{File: file, Line: line, Field: d.fieldAt(line), Msg: cleanYAMLError(errors.New(msg))})
			}
		} else {
			*probs = append(*probs, Problem{File: file, Msg: cleanYAMLError(err)})
		}
		return d, false
	}
	return d, true
}

// walk checks n against type t, records field lines and reports keys t
// does not have.
func (d doc) walk(n *yaml.Node, t reflect.Type, path string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d.lines[path] = n.Line
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			d.problem(path, "want a mapping of %s, have %s", strings.Join(yamlKeys(t), ", "), nodeKind(n))
			return
		}
		fields := yamlFields(t)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			p := join(path, k.Value)
			f, ok := fields[k.Value]
			if !ok {
				d.lines[p] = k.Line
				d.problem(p, "unknown field %q (accepted: %s)", k.Value, strings.Join(yamlKeys(t), ", "))
				continue
			}
			d.lines[p] = k.Line
			d.walk(val, f.Type, p)
			d.lines[p] = k.Line
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Tag != "!!null" {
				d.problem(path, "want a list, have %s", nodeKind(n))
			}
			return
		}
		for i, c := range n.Content {
			d.walk(c, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			if n.Tag != "!!null" {
				d.problem(path, "want a mapping, have %s", nodeKind(n))
			}
			return
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			d.lines[join(path, n.Content[i].Value)] = n.Content[i].Line
			d.walk(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value))
		}
	default:
		if n.Kind != yaml.ScalarNode {
			d.problem(path, "want a single value, have %s", nodeKind(n))
		}
	}
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func nodeKind(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	default:
		return fmt.Sprintf("%q", n.Value)
	}
}

// yamlFields maps each YAML key of struct t to its field.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := strings.Split(f.Tag.Get("yaml"), ",")[0]
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		out[name] = f
	}
	return out
}

func yamlKeys(t reflect.Type) []string {
	var keys []string
	for k := range yamlFields(t) {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// yamlErrLine finds "line N" in a yaml.v3 message.
func yamlErrLine(err error) int {
	msg := err.Error()
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	j := i + len("line ")
	k := j
	for k < len(msg) && msg[k] >= '0' && msg[k] <= '9' {
		k++
	}
	n, _ := strconv.Atoi(msg[j:k])
	return n
}

// cleanYAMLError drops yaml.v3's prefix and line (the Problem says both)
// and its Go type names.
func cleanYAMLError(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if i := strings.Index(msg, "line "); i == 0 {
		if j := strings.Index(msg, ": "); j > 0 {
			msg = msg[j+2:]
		}
	}
	if i := strings.Index(msg, " into "); i > 0 && strings.HasPrefix(msg, "cannot unmarshal") {
		value := msg[len("cannot unmarshal "):i]
		if j := strings.Index(value, " "); j >= 0 {
			value = strings.Trim(value[j+1:], "`") // drop the YAML tag (!!str)
		}
		return fmt.Sprintf("%q: want %s", value, goTypeWords(msg[i+len(" into "):]))
	}
	return msg
}

// goTypeWords names a Go type in a reader's words.
func goTypeWords(t string) string {
	switch {
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "uint"):
		return "a whole number"
	case strings.HasPrefix(t, "float"):
		return "a number"
	case t == "bool":
		return "true or false"
	case t == "string":
		return "text"
	default:
		return "this field"
	}
}
