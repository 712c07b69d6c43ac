package registry

import (
	"reflect"
	"strings"
)

// alikeValue is a field tagged secretsAs: its value is shaped like a part
// of another kind's spec.
type alikeValue struct {
	path []string
	// ref is the tag's value: class:Kind:path, e.g. filter:Proxy:pools[].
	ref string
}

// typeAt resolves a secretsAs reference, class:Kind:path, to the Go type
// of that part of the kind's spec. path is a dotted list of JSON field
// names, each followed by [] for an element of a list or a map value
// ("pools[]", "tls.certs[]"). It reports false when the kind is not
// registered or the path does not lead anywhere.
func (r *Registry) typeAt(ref string) (reflect.Type, bool) {
	parts := strings.SplitN(ref, ":", 3)
	if len(parts) != 3 {
		return nil, false
	}
	class, ok := classByName(parts[0])
	if !ok {
		return nil, false
	}
	e, err := r.Lookup(class, parts[1])
	if err != nil {
		return nil, false
	}
	spec := e.Kind.NewSpec()
	if spec == nil {
		return nil, false
	}
	t := reflect.TypeOf(spec)
	for _, seg := range strings.Split(parts[2], ".") {
		name := strings.TrimRight(seg, "[]")
		if t, ok = fieldType(t, name); !ok {
			return nil, false
		}
		for n := (len(seg) - len(name)) / 2; n > 0; n-- {
			t = derefType(t)
			switch t.Kind() {
			case reflect.Slice, reflect.Array, reflect.Map:
				t = t.Elem()
			default:
				return nil, false
			}
		}
	}
	return t, true
}

// fieldType returns the type of the struct field of t whose JSON name is
// name, looking into inlined embedded structs.
func fieldType(t reflect.Type, name string) (reflect.Type, bool) {
	t = derefType(t)
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		n, inline := jsonFieldName(f)
		if inline {
			if ft, ok := fieldType(f.Type, name); ok {
				return ft, true
			}
			continue
		}
		if n == name && f.IsExported() {
			return f.Type, true
		}
	}
	return nil, false
}
