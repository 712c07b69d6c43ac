package pipeline

import (
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/gatewright/gatewright/filter"
	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// node is one compiled flow step.
type node struct {
	filter    filter.Filter // nil for END
	namespace string
	jumps     []jump
	onEmpty   int          // index to go to on "" (len(nodes) = end); default next
	stats     *filterStats // metrics (metrics.go)
}

// jump routes one result to a node index (len(nodes) means END).
type jump struct {
	result string
	target int
}

// flowPlan is a compiled pipeline body, built without side effects.
type flowPlan struct {
	filters  []filter.Filter // in declaration order
	byName   map[string]filter.Filter
	nodes    []node
	policies map[string]filter.Policy
	stats    *flowStats // metrics (metrics.go)
}

// Policy implements filter.PolicyLookup.
func (f *flowPlan) Policy(name string) (filter.Policy, bool) {
	p, ok := f.policies[name]
	return p, ok
}

// Compile builds a pipeline body: it decodes every policy and filter
// against its kind, creates them (without starting them) and compiles the
// flow. It is used by Pipeline and by objects that embed a flow, such as a
// global filter. owner names the object in errors.
func compile(reg *registry.Registry, owner string, spec *Spec, log *slog.Logger, data filter.DataReader) (*flowPlan, error) {
	plan := &flowPlan{byName: map[string]filter.Filter{}, policies: map[string]filter.Policy{}}
	for i, raw := range spec.Resilience {
		name, kindName, fields, err := splitNamed(raw)
		if err != nil {
			return nil, fmt.Errorf("resilience[%d]: %w", i, err)
		}
		where := fmt.Sprintf("resilience[%d] %q", i, name)
		if _, dup := plan.policies[name]; dup {
			return nil, fmt.Errorf("%s: name used twice", where)
		}
		ent, err := reg.Lookup(registry.PolicyClass, kindName)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		pk := ent.Kind.(*filter.PolicyKind)
		body, err := ent.DecodeSpec(fields)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		p, err := pk.New(name, body)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		plan.policies[name] = p
	}
	if len(spec.Filters) == 0 {
		return nil, fmt.Errorf("filters: at least one filter is required")
	}
	for i, raw := range spec.Filters {
		name, kindName, fields, err := splitNamed(raw)
		if err != nil {
			return nil, fmt.Errorf("filters[%d]: %w", i, err)
		}
		where := fmt.Sprintf("filters[%d] %q", i, name)
		if name == End {
			return nil, fmt.Errorf("%s: %s is reserved and cannot name a filter", where, End)
		}
		if _, dup := plan.byName[name]; dup {
			return nil, fmt.Errorf("%s: name used twice", where)
		}
		ent, err := reg.Lookup(registry.FilterClass, kindName)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		fk := ent.Kind.(*filter.Kind)
		body, err := ent.DecodeSpec(fields)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", where, err)
		}
		fs := &filter.Spec{
			Name:     name,
			Kind:     fk,
			Pipeline: owner,
			Body:     body,
			Env: &filter.Env{
				Logger:   log.With("filter", name),
				Policies: plan,
				Data:     spec.Data,
				Store:    data,
			},
		}
		f := fk.New(fs)
		if f == nil {
			return nil, fmt.Errorf("%s: kind %s returned no filter", where, kindName)
		}
		if v, ok := f.(interface{ Validate() error }); ok {
			if err := v.Validate(); err != nil {
				return nil, fmt.Errorf("%s: %w", where, err)
			}
		}
		plan.filters = append(plan.filters, f)
		plan.byName[name] = f
	}
	nodes, err := compileFlow(spec.Flow, plan)
	if err != nil {
		return nil, err
	}
	plan.nodes = nodes
	plan.instrument(owner)
	return plan, nil
}

// splitNamed takes name and kind out of a filter or policy document and
// returns the remaining fields as JSON.
func splitNamed(raw map[string]any) (name, kind string, fields []byte, err error) {
	n, _ := raw["name"].(string)
	k, _ := raw["kind"].(string)
	if err := supervisor.CheckName(n); err != nil {
		return "", "", nil, err
	}
	if k == "" {
		return "", "", nil, fmt.Errorf("%q: kind is required", n)
	}
	rest := make(map[string]any, len(raw))
	for key, v := range raw {
		if key != "name" && key != "kind" {
			rest[key] = v
		}
	}
	b, err := json.Marshal(rest)
	return n, k, b, err
}

// compileFlow resolves labels to indices and checks every jump.
func compileFlow(flow []FlowNode, plan *flowPlan) ([]node, error) {
	if len(flow) == 0 {
		for _, f := range plan.filters {
			flow = append(flow, FlowNode{Filter: f.Name()})
		}
	}
	labels := map[string]int{}
	for i, fn := range flow {
		where := fmt.Sprintf("flow[%d]", i)
		if fn.Filter == "" {
			return nil, fmt.Errorf("%s.filter: required", where)
		}
		if fn.Filter != End {
			if _, ok := plan.byName[fn.Filter]; !ok {
				return nil, fmt.Errorf("%s.filter: no filter named %q in filters", where, fn.Filter)
			}
		}
		label := fn.Alias
		if label == "" {
			label = fn.Filter
		}
		if label == End && fn.Filter != End {
			return nil, fmt.Errorf("%s.alias: %s is reserved", where, End)
		}
		if label == End {
			continue
		}
		if prev, dup := labels[label]; dup {
			return nil, fmt.Errorf("%s: label %q already used by flow[%d]; give one of them an alias", where, label, prev)
		}
		labels[label] = i
	}
	nodes := make([]node, len(flow))
	end := len(flow)
	for i, fn := range flow {
		n := &nodes[i]
		n.onEmpty = i + 1
		if fn.Filter == End {
			n.onEmpty = end
			if len(fn.JumpIf) > 0 {
				return nil, fmt.Errorf("flow[%d].jumpIf: %s has no results to jump on", i, End)
			}
			continue
		}
		f := plan.byName[fn.Filter]
		n.filter = f
		n.namespace = fn.Namespace
		if n.namespace == "" {
			n.namespace = filter.DefaultNamespace
		}
		for _, result := range sortedKeys(fn.JumpIf) {
			target := fn.JumpIf[result]
			where := fmt.Sprintf("flow[%d].jumpIf[%q]", i, result)
			if result != "" && !f.Kind().HasResult(result) {
				return nil, fmt.Errorf("%s: filter %q (kind %s) does not declare result %q; declared: %v",
					where, fn.Filter, f.Kind().Name, result, f.Kind().Results)
			}
			idx := end
			if target != End {
				t, ok := labels[target]
				if !ok {
					return nil, fmt.Errorf("%s: no flow label %q", where, target)
				}
				if t <= i {
					return nil, fmt.Errorf("%s: jump to %q at flow[%d] goes backwards; jumps must go forward", where, target, t)
				}
				idx = t
			}
			if result == "" {
				n.onEmpty = idx
				continue
			}
			n.jumps = append(n.jumps, jump{result: result, target: idx})
		}
	}
	return nodes, nil
}
