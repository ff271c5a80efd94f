package emulator

import (
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"
)

// The KQL operators and functions beyond filtering: extend, summarize with
// its aggregation functions, and datetime literals
// (https://learn.microsoft.com/kusto/query/summarize-operator,
// https://learn.microsoft.com/kusto/query/aggregation-functions).

// parseDatetime reads the rest of datetime('2026-11-30T00:00:00Z'); the
// value is a time.Time, compared with RFC 3339 columns by kqlTimes.
func (p *kqlParser) parseDatetime() (any, error) {
	if err := p.expectOp("("); err != nil {
		return nil, err
	}
	t := p.next()
	if t.kind != "string" {
		return nil, fmt.Errorf("datetime() takes a quoted date at position %d, found %s", t.pos, describe(t))
	}
	v, err := time.Parse(time.RFC3339Nano, t.text)
	if err != nil {
		return nil, fmt.Errorf("datetime('%s') is not an RFC 3339 date", t.text)
	}
	return v, p.expectOp(")")
}

// kqlTimes compares a datetime column (an RFC 3339 string, as the emulator
// stores them) with a datetime literal as seconds.
func kqlTimes(v, lit any) (float64, float64, bool) {
	l, ok := lit.(time.Time)
	if !ok {
		return 0, 0, false
	}
	s, ok := v.(string)
	if !ok {
		return 0, 0, false
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, 0, false
	}
	return float64(t.UnixNano()) / 1e9, float64(l.UnixNano()) / 1e9, true
}

// column is an output column: alias = path, or the path joined by "_".
type column struct {
	name string
	path []string
}

func (p *kqlParser) parseAlias() string {
	if t := p.peek(); t.kind == "ident" && p.i+1 < len(p.toks) && p.toks[p.i+1].kind == "op" && p.toks[p.i+1].text == "=" {
		p.i += 2
		return t.text
	}
	return ""
}

// commaList reads a comma-separated list, item by item.
func (p *kqlParser) commaList(item func() error) error {
	for {
		if err := item(); err != nil {
			return err
		}
		if !p.isOp(",") {
			return nil
		}
		p.next()
	}
}

// parseExtend adds columns (alias = column.path) to every row.
func (p *kqlParser) parseExtend() (func([]row) ([]row, error), error) {
	var cols []column
	err := p.commaList(func() error {
		name := p.parseAlias()
		if name == "" {
			return fmt.Errorf("extend needs 'name = column' at position %d", p.peek().pos)
		}
		path, err := p.parsePath()
		if err != nil {
			return err
		}
		cols = append(cols, column{name, path})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return columnStage(cols, true), nil
}

// columnStage is the stage that computes cols on every row: extend keeps
// the row's other columns, project only the computed ones.
func columnStage(cols []column, keepOthers bool) func([]row) ([]row, error) {
	return func(rows []row) ([]row, error) {
		out := make([]row, 0, len(rows))
		for _, r := range rows {
			nr := make(row, len(cols))
			if keepOthers {
				nr = make(row, len(r)+len(cols))
				maps.Copy(nr, r)
			}
			for _, c := range cols {
				v, err := lookup(r, c.path)
				if err != nil {
					return nil, err
				}
				nr[c.name] = v
			}
			out = append(out, nr)
		}
		return out, nil
	}
}

// aggregate is one aggregation of a group: add sees each row, value gives
// the result columns.
type aggregate struct {
	names []string
	init  func() aggState
}

type aggState interface {
	add(r row) error
	values() []any
}

// groupKey is a by-column: a path, optionally through startofday().
type groupKey struct {
	name       string
	path       []string
	startOfDay bool
}

func (p *kqlParser) parseSummarize() (func([]row) ([]row, error), error) {
	var aggs []aggregate
	for !p.isWord("by") && p.peek().kind != "eof" && !p.isOp("|") {
		a, err := p.parseAggregate()
		if err != nil {
			return nil, err
		}
		aggs = append(aggs, a)
		if !p.isOp(",") {
			break
		}
		p.next()
	}
	var keys []groupKey
	if p.isWord("by") {
		p.next()
		err := p.commaList(func() error {
			k := groupKey{name: p.parseAlias()}
			if p.isWord("startofday") {
				p.next()
				if err := p.expectOp("("); err != nil {
					return err
				}
				k.startOfDay = true
			}
			path, err := p.parsePath()
			if err != nil {
				return err
			}
			k.path, k.name = path, columnName(k.name, path)
			if k.startOfDay {
				if err := p.expectOp(")"); err != nil {
					return err
				}
			}
			keys = append(keys, k)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(aggs) == 0 && len(keys) == 0 {
		return nil, fmt.Errorf("summarize needs an aggregation or a by clause at position %d", p.peek().pos)
	}
	return func(rows []row) ([]row, error) {
		type group struct {
			keys   []any
			states []aggState
		}
		groups := map[string]*group{}
		var order []string
		for _, r := range rows {
			kv := make([]any, len(keys))
			var sb strings.Builder
			for i, k := range keys {
				v, err := lookup(r, k.path)
				if err != nil {
					return nil, err
				}
				if k.startOfDay {
					v = startOfDay(v)
				}
				kv[i] = v
				sb.WriteString(kqlString(v))
				sb.WriteByte(0)
			}
			g := groups[sb.String()]
			if g == nil {
				g = &group{keys: kv}
				for _, a := range aggs {
					g.states = append(g.states, a.init())
				}
				groups[sb.String()] = g
				order = append(order, sb.String())
			}
			for _, st := range g.states {
				if err := st.add(r); err != nil {
					return nil, err
				}
			}
		}
		if len(keys) == 0 && len(groups) == 0 { // summarize without by: one row, even over nothing
			g := &group{}
			for _, a := range aggs {
				g.states = append(g.states, a.init())
			}
			groups[""] = g
			order = append(order, "")
		}
		out := make([]row, 0, len(order))
		for _, id := range order {
			g := groups[id]
			nr := row{}
			for i, k := range keys {
				nr[k.name] = g.keys[i]
			}
			for i, a := range aggs {
				for j, v := range g.states[i].values() {
					nr[a.names[j]] = v
				}
			}
			out = append(out, nr)
		}
		return out, nil
	}, nil
}

func startOfDay(v any) any {
	s, ok := v.(string)
	if !ok {
		return v
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return v
	}
	return t.UTC().Truncate(24 * time.Hour).Format(time.RFC3339)
}

func (p *kqlParser) parseAggregate() (aggregate, error) {
	alias := p.parseAlias()
	fn := p.next()
	if fn.kind != "ident" {
		return aggregate{}, fmt.Errorf("expected an aggregation function at position %d, found %s", fn.pos, describe(fn))
	}
	name := strings.ToLower(fn.text)
	if err := p.expectOp("("); err != nil {
		return aggregate{}, err
	}
	one := func(def string) []string {
		if alias != "" {
			return []string{alias}
		}
		return []string{def}
	}
	closeParen := func(a aggregate) (aggregate, error) { return a, p.expectOp(")") }
	switch name {
	case "count":
		return closeParen(aggregate{one("count_"), func() aggState { return &countState{} }})
	case "countif":
		pred, err := p.parseOr()
		if err != nil {
			return aggregate{}, err
		}
		return closeParen(aggregate{one("countif_"), func() aggState { return &countState{pred: pred} }})
	case "take_any", "any", "take_anyif", "sum", "min", "max", "make_list", "make_list_if", "make_set":
		path, err := p.parsePath()
		if err != nil {
			return aggregate{}, err
		}
		def := name + "_" + strings.Join(path, "_")
		var pred predicate
		if strings.HasSuffix(name, "if") {
			if err := p.expectOp(","); err != nil {
				return aggregate{}, err
			}
			if pred, err = p.parseOr(); err != nil {
				return aggregate{}, err
			}
		}
		limit := 1048576 // KQL's default maximum for make_list
		if strings.HasPrefix(name, "make_") && p.isOp(",") {
			p.next()
			n := p.next()
			v, err := strconv.Atoi(n.text)
			if n.kind != "number" || err != nil || v < 1 {
				return aggregate{}, fmt.Errorf("%s takes a positive maximum size, found %s", name, describe(n))
			}
			limit = v
		}
		return closeParen(aggregate{one(def), func() aggState {
			return &valueState{fn: name, path: path, pred: pred, limit: limit, seen: map[string]bool{}}
		}})
	case "arg_max", "arg_min":
		by, err := p.parsePath()
		if err != nil {
			return aggregate{}, err
		}
		names := []string{strings.Join(by, "_")}
		paths := [][]string{by}
		for p.isOp(",") {
			p.next()
			c, err := p.parsePath()
			if err != nil {
				return aggregate{}, err
			}
			names = append(names, strings.Join(c, "_"))
			paths = append(paths, c)
		}
		return closeParen(aggregate{names, func() aggState { return &argState{max: name == "arg_max", paths: paths} }})
	}
	return aggregate{}, fmt.Errorf("the aggregation function '%s' is not supported by the emulator", fn.text)
}

type countState struct {
	pred predicate
	n    int
}

func (s *countState) add(r row) error {
	if s.pred != nil {
		ok, err := s.pred(r)
		if err != nil || !ok {
			return err
		}
	}
	s.n++
	return nil
}

func (s *countState) values() []any { return []any{float64(s.n)} }

type valueState struct {
	fn     string
	path   []string
	pred   predicate
	limit  int
	seen   map[string]bool
	have   bool
	value  any
	list   []any
	number float64
}

func (s *valueState) add(r row) error {
	if s.have && (s.fn == "take_any" || s.fn == "any" || s.fn == "take_anyif") {
		return nil // the first value is kept
	}
	if s.pred != nil {
		ok, err := s.pred(r)
		if err != nil || !ok {
			return err
		}
	}
	v, err := lookup(r, s.path)
	if err != nil || v == nil {
		return err
	}
	switch s.fn {
	case "make_list", "make_list_if", "make_set":
		if len(s.list) >= s.limit {
			return nil
		}
		if s.fn == "make_set" {
			k := kqlString(v)
			if s.seen[k] {
				return nil
			}
			s.seen[k] = true
		}
		s.list = append(s.list, v)
	case "sum":
		if n, ok := kqlNumber(v); ok {
			s.number += n
			s.have = true
		}
	case "min", "max":
		if c := compareValues(v, s.value); !s.have || (s.fn == "min" && c < 0) || (s.fn == "max" && c > 0) {
			s.value, s.have = v, true
		}
	default: // take_any: the first value seen
		if !s.have {
			s.value, s.have = v, true
		}
	}
	return nil
}

func (s *valueState) values() []any {
	switch s.fn {
	case "make_list", "make_list_if", "make_set":
		if s.list == nil {
			return []any{[]any{}}
		}
		return []any{s.list}
	case "sum":
		return []any{s.number}
	}
	return []any{s.value}
}

type argState struct {
	max   bool
	paths [][]string
	best  []any
}

func (s *argState) add(r row) error {
	v, err := lookup(r, s.paths[0])
	if err != nil || v == nil {
		return err
	}
	if s.best != nil {
		c := compareValues(v, s.best[0])
		if (s.max && c <= 0) || (!s.max && c >= 0) {
			return nil
		}
	}
	best := make([]any, len(s.paths))
	best[0] = v
	for i, p := range s.paths[1:] {
		if best[i+1], err = lookup(r, p); err != nil {
			return err
		}
	}
	s.best = best
	return nil
}

func (s *argState) values() []any {
	if s.best == nil {
		return make([]any, len(s.paths))
	}
	return s.best
}
