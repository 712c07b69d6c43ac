package registry

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"
)

// RedactedMarker replaces secret values in everything the admin API shows.
// A document sent back with the marker in a secret field keeps the stored
// value of that field, so that get, edit and apply round-trip.
const RedactedMarker = "<redacted>"

// Spec struct fields carrying a secret are tagged `secret:"true"`: a
// string is replaced as a whole, a map or list of strings value by value
// (map keys stay visible). A field holding documents of other kinds (a
// pipeline's filters) is tagged `kinds:"filter"` (or "policy", "object"):
// each element is a mapping with a kind field, and the secrets of that
// kind apply to it. A field holding a part of another kind's document
// without importing its type (an HTTPServer path's inline Proxy pool) is
// tagged `secretsAs:"filter:Proxy:pools[]"`: class, kind and the path of
// that part in the kind's spec; the secrets of that part apply to it.
const (
	secretTag    = "secret"
	kindsTag     = "kinds"
	secretsAsTag = "secretsAs"
)

// Path segments of secret paths besides field names.
const (
	anyIndex = "[]" // every element of a list
	anyKey   = "*"  // every value of a map
)

// secretPlan says where a spec type carries secrets.
type secretPlan struct {
	// secrets are paths of secret values.
	secrets [][]string
	// nested are paths of lists (or single mappings) of kinded documents.
	nested []nestedDocs
	// alike are paths of values shaped like a part of another kind's
	// spec (secretsAs tags).
	alike []alikeValue
}

// nestedDocs is a field holding documents of kinds of one class.
type nestedDocs struct {
	path  []string
	class Class
}

// SecretPaths returns the paths of the kind's secret fields, written like
// field errors with [] for any list element and * for any map key, e.g.
// "keys" or "pools[].healthCheck.password". Fields holding documents of
// other kinds (a pipeline's filters) are listed as "filters (filter
// kinds)". A recursive spec type is listed down to its first repetition;
// redaction itself follows a document to any depth.
func (e *Entry) SecretPaths() []string {
	plan := planSecrets(e.Kind.NewSpec())
	var out []string
	for _, p := range plan.secrets {
		out = append(out, joinConcrete(p))
	}
	for _, n := range plan.nested {
		out = append(out, fmt.Sprintf("%s (%s kinds)", joinConcrete(n.path), n.class))
	}
	for _, a := range plan.alike {
		out = append(out, fmt.Sprintf("%s (as %s)", joinConcrete(a.path), a.ref))
	}
	sort.Strings(out)
	return out
}

// RedactSecrets replaces, in place, every secret value of a document of
// the given kind with RedactedMarker. fields is the decoded JSON of the
// document (metadata keys may be present; they are never secret). A kind
// the registry does not know is left as it is.
func (r *Registry) RedactSecrets(class Class, kind string, fields map[string]any) {
	r.walkSecrets(class, kind, fields, nil, nil, func(holder any, key string, idx int, _ any, _ []string) {
		setAt(holder, key, idx, RedactedMarker)
	})
}

// SecretValues returns the secret values of a document of the given kind,
// for scrubbing them out of text that might echo them.
func (r *Registry) SecretValues(class Class, kind string, fields map[string]any) []string {
	var out []string
	r.walkSecrets(class, kind, fields, nil, nil, func(holder any, key string, idx int, _ any, _ []string) {
		if s, ok := getAt(holder, key, idx).(string); ok && s != "" && s != RedactedMarker {
			out = append(out, s)
		}
	})
	return out
}

// RestoreSecrets puts, in place, the stored value back into every secret
// field of fields that holds RedactedMarker, so that a redacted document
// sent back keeps its secrets. stored is the decoded stored document of the
// same object (nil if there is none). Lists are matched by position,
// maps by key and nested kinded documents by name. A marker without a
// stored value to keep is an error naming the field path.
func (r *Registry) RestoreSecrets(class Class, kind string, fields, stored map[string]any) error {
	var errs FieldErrors
	r.walkSecrets(class, kind, fields, stored, nil, func(holder any, key string, idx int, old any, path []string) {
		if getAt(holder, key, idx) != RedactedMarker {
			return
		}
		if old == nil || old == RedactedMarker {
			errs = append(errs, FieldError{Path: joinConcrete(path), Reason: fmt.Sprintf(
				"holds the redaction marker %q but there is no stored value to keep; give the value", RedactedMarker)})
			return
		}
		setAt(holder, key, idx, old)
	})
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// secretVisit is called for every secret value: holder is the map or list
// holding it, key or idx its place, old the value at the same place of the
// stored document (nil if none) and path its concrete field path.
type secretVisit func(holder any, key string, idx int, old any, path []string)

// walkSecrets visits the secret values of a document of a kind, walking
// the document guided by the kind's spec type.
func (r *Registry) walkSecrets(class Class, kind string, doc, old map[string]any, path []string, visit secretVisit) {
	e, err := r.Lookup(class, kind)
	if err != nil || doc == nil {
		return
	}
	spec := e.Kind.NewSpec()
	if spec == nil {
		return
	}
	r.walkType(reflect.TypeOf(spec), doc, old, path, visit)
}

// walkType walks the JSON value v (and old alongside) as a value of type t.
func (r *Registry) walkType(t reflect.Type, v, old any, path []string, visit secretVisit) {
	t = derefType(t)
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		list, _ := v.([]any)
		ol, _ := old.([]any)
		for i := range list {
			r.walkType(t.Elem(), list[i], indexOr(ol, i), appendPath(path, "["+strconv.Itoa(i)+"]"), visit)
		}
	case reflect.Map:
		m, _ := v.(map[string]any)
		om, _ := old.(map[string]any)
		if t.Key().Kind() != reflect.String {
			return
		}
		for k, el := range m {
			r.walkType(t.Elem(), el, om[k], appendPath(path, k), visit)
		}
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return
		}
		om, _ := old.(map[string]any)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, inline := jsonFieldName(f)
			switch {
			case name == "-" || (!f.IsExported() && !inline):
				continue
			case inline:
				r.walkType(f.Type, m, om, path, visit)
				continue
			}
			val, present := m[name]
			if !present {
				continue
			}
			p := appendPath(path, name)
			if f.Tag.Get(secretTag) == "true" {
				visitSecret(m, name, om[name], p, visit)
				continue
			}
			if c, ok := classByName(f.Tag.Get(kindsTag)); ok {
				r.walkKinded(c, val, om[name], p, visit)
				continue
			}
			if ref := f.Tag.Get(secretsAsTag); ref != "" {
				if at, ok := r.typeAt(ref); ok {
					r.walkType(at, val, om[name], p, visit)
				}
				continue
			}
			r.walkType(f.Type, val, om[name], p, visit)
		}
	}
}

// visitSecret visits a secret field: a scalar, or each value of a map or
// list of strings.
func visitSecret(holder map[string]any, key string, old any, path []string, visit secretVisit) {
	switch v := holder[key].(type) {
	case map[string]any:
		om, _ := old.(map[string]any)
		for k := range v {
			visit(v, k, -1, om[k], appendPath(path, k))
		}
	case []any:
		ol, _ := old.([]any)
		for i := range v {
			visit(v, "", i, indexOr(ol, i), appendPath(path, "["+strconv.Itoa(i)+"]"))
		}
	case nil:
	default:
		visit(holder, key, -1, old, path)
	}
}

// walkKinded walks a field of kinded documents: a list of mappings with
// kind and name (stored ones matched by name), or one mapping.
func (r *Registry) walkKinded(c Class, v, old any, path []string, visit secretVisit) {
	switch t := v.(type) {
	case []any:
		olds := map[string]map[string]any{}
		ol, _ := old.([]any)
		for _, o := range ol {
			if om, ok := o.(map[string]any); ok {
				if name, ok := om["name"].(string); ok {
					olds[name] = om
				}
			}
		}
		for i, el := range t {
			sub, ok := el.(map[string]any)
			if !ok {
				continue
			}
			name, _ := sub["name"].(string)
			k, _ := sub["kind"].(string)
			r.walkSecrets(c, k, sub, sameKind(olds[name], k), appendPath(path, "["+strconv.Itoa(i)+"]"), visit)
		}
	case map[string]any:
		k, _ := t["kind"].(string)
		om, _ := old.(map[string]any)
		r.walkSecrets(c, k, t, sameKind(om, k), path, visit)
	}
}

// sameKind returns old when it is a document of kind k.
func sameKind(old map[string]any, k string) map[string]any {
	if old == nil {
		return nil
	}
	if ok, _ := old["kind"].(string); ok != k {
		return nil
	}
	return old
}

func indexOr(list []any, i int) any {
	if i < len(list) {
		return list[i]
	}
	return nil
}

func getAt(holder any, key string, idx int) any {
	switch h := holder.(type) {
	case map[string]any:
		return h[key]
	case []any:
		if idx >= 0 && idx < len(h) {
			return h[idx]
		}
	}
	return nil
}

func setAt(holder any, key string, idx int, v any) {
	switch h := holder.(type) {
	case map[string]any:
		h[key] = v
	case []any:
		if idx >= 0 && idx < len(h) {
			h[idx] = v
		}
	}
}

func appendPath(p []string, seg string) []string {
	out := make([]string, len(p), len(p)+1)
	copy(out, p)
	return append(out, seg)
}

// joinConcrete writes a path such as pools[0].healthCheck.password: segments
// starting with [ are appended as they are, the others joined with dots.
func joinConcrete(p []string) string {
	var b strings.Builder
	for _, seg := range p {
		if strings.HasPrefix(seg, "[") {
			b.WriteString(seg)
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(seg)
	}
	return b.String()
}

// planSecrets reflects a spec value's type into its secret plan.
func planSecrets(spec any) *secretPlan {
	plan := &secretPlan{}
	if spec == nil {
		return plan
	}
	planType(reflect.TypeOf(spec), nil, plan, map[reflect.Type]bool{})
	return plan
}

// planType records the secrets below type t reached at path.
func planType(t reflect.Type, path []string, plan *secretPlan, onStack map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		planType(t.Elem(), appendPath(path, anyIndex), plan, onStack)
	case reflect.Map:
		if t.Key().Kind() == reflect.String {
			planType(t.Elem(), appendPath(path, anyKey), plan, onStack)
		}
	case reflect.Struct:
		if onStack[t] {
			return
		}
		onStack[t] = true
		defer delete(onStack, t)
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, inline := jsonFieldName(f)
			if name == "-" || (!f.IsExported() && !inline) {
				continue
			}
			if inline {
				planType(f.Type, path, plan, onStack)
				continue
			}
			p := appendPath(path, name)
			if f.Tag.Get(secretTag) == "true" {
				plan.secrets = append(plan.secrets, p)
				continue
			}
			if c, ok := classByName(f.Tag.Get(kindsTag)); ok {
				plan.nested = append(plan.nested, nestedDocs{path: p, class: c})
				continue
			}
			if ref := f.Tag.Get(secretsAsTag); ref != "" {
				plan.alike = append(plan.alike, alikeValue{path: p, ref: ref})
				continue
			}
			planType(f.Type, p, plan, onStack)
		}
	}
}

func derefType(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// jsonFieldName returns the JSON name of a struct field and whether it is
// an embedded struct whose fields are inlined.
func jsonFieldName(f reflect.StructField) (string, bool) {
	tag := f.Tag.Get("json")
	name, _, _ := strings.Cut(tag, ",")
	if name == "-" && tag == "-" {
		return "-", false
	}
	if name == "" && f.Anonymous && derefType(f.Type).Kind() == reflect.Struct {
		return "", true
	}
	if name == "" {
		name = f.Name
	}
	return name, false
}

// classByName maps a kinds tag value to its class.
func classByName(s string) (Class, bool) {
	for _, c := range []Class{FilterClass, ObjectClass, PolicyClass} {
		if c.String() == s {
			return c, true
		}
	}
	return 0, false
}
