package emulator

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// A small subset of KQL, enough for the provider's Resource Graph queries:
//
//	securityresources
//	| where type == 'microsoft.security/securescores' and name =~ 'ascScore'
//	| where subscriptionId in~ ('…', '…')
//	| project id, name, subscriptionId, properties
//	| order by subscriptionId asc
//
// Operators: where, project (with `alias = column.path`), order by / sort by
// (asc, desc; KQL's default is desc), take / limit. Predicates: ==, !=, =~,
// !~, <, <=, >, >=, in, in~, !in, !in~, contains, !contains, startswith,
// combined with and / or and parentheses. Anything else is InvalidQuery.

type row = map[string]any

type kqlQuery struct {
	table string // lower case: securityresources or resourcecontainers
	// typeHint is the literal of a leading `where type == '…'`, lower case:
	// the tables produce only rows that can pass it (see runStream).
	typeHint string
	ops      []kqlOp
	// columns are the columns the query names when a project or summarize
	// drops all others (nil otherwise): a table may leave the rest out.
	columns map[string]bool
	// summarized and limited say the result cannot be paged: Resource
	// Graph answers a summarize with its first page only, and a take or
	// limit without $skipToken (resourcegraph_limits.go).
	summarized, limited bool
}

// kqlOp is one tabular operator; a row-wise one (where, project, extend)
// can run on any slice of its input.
type kqlOp struct {
	rowwise bool
	f       func([]row) ([]row, error)
}

func (q *kqlQuery) run(rows []row) ([]row, error) {
	var err error
	for _, op := range q.ops {
		if rows, err = op.f(rows); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// runStream runs the query over rows produced one by one: the leading
// row-wise operators see the rows in chunks, so a table of millions of
// per-resource assessment rows that the query filters or summarises is
// never held in memory at once.
func (q *kqlQuery) runStream(produce func(yield func(row) bool)) ([]row, error) {
	lead := 0
	for lead < len(q.ops) && q.ops[lead].rowwise {
		lead++
	}
	var kept []row
	var err error
	chunk := make([]row, 0, 512)
	flush := func() bool {
		rows := chunk
		for _, op := range q.ops[:lead] {
			if rows, err = op.f(rows); err != nil {
				return false
			}
		}
		kept = append(kept, rows...)
		chunk = make([]row, 0, 512)
		return true
	}
	produce(func(r row) bool {
		chunk = append(chunk, r)
		return len(chunk) < cap(chunk) || flush()
	})
	if err != nil || !flush() {
		return nil, err
	}
	rest := q.ops[lead:]
	for _, op := range rest {
		if kept, err = op.f(kept); err != nil {
			return nil, err
		}
	}
	return kept, nil
}

type kqlToken struct {
	kind string // "ident", "string", "number", "op"
	text string
	pos  int
}

func tokenizeKQL(src string) ([]kqlToken, error) {
	var toks []kqlToken
	i := 0
	for i < len(src) {
		c := rune(src[i])
		switch {
		case unicode.IsSpace(c):
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '\'' || c == '"':
			var sb strings.Builder
			start := i
			i++
			for ; i < len(src) && rune(src[i]) != c; i++ {
				if src[i] == '\\' && i+1 < len(src) {
					i++
				}
				sb.WriteByte(src[i])
			}
			if i >= len(src) {
				return nil, fmt.Errorf("unterminated string literal at position %d", start)
			}
			i++
			toks = append(toks, kqlToken{"string", sb.String(), start})
		case unicode.IsDigit(c):
			start := i
			for i < len(src) && (unicode.IsDigit(rune(src[i])) || src[i] == '.') {
				i++
			}
			toks = append(toks, kqlToken{"number", src[start:i], start})
		case unicode.IsLetter(c) || c == '_' || c == '!' && i+1 < len(src) && unicode.IsLetter(rune(src[i+1])):
			start := i
			i++
			for i < len(src) && (unicode.IsLetter(rune(src[i])) || unicode.IsDigit(rune(src[i])) || src[i] == '_' ||
				// hyphenated operators such as project-away or mv-expand
				src[i] == '-' && i+1 < len(src) && unicode.IsLetter(rune(src[i+1]))) {
				i++
			}
			if i < len(src) && src[i] == '~' { // in~, !in~
				i++
			}
			toks = append(toks, kqlToken{"ident", src[start:i], start})
		default:
			start := i
			for _, op := range []string{"==", "=~", "!=", "!~", "<=", ">=", "<", ">", "=", "|", "(", ")", ",", "."} {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, kqlToken{"op", op, start})
					i += len(op)
					break
				}
			}
			if i == start {
				return nil, fmt.Errorf("unexpected character %q at position %d", c, i)
			}
		}
	}
	return toks, nil
}

type kqlParser struct {
	toks []kqlToken
	i    int
	refs map[string]bool // the columns the query names
}

func (p *kqlParser) peek() kqlToken {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return kqlToken{kind: "eof"}
}

func (p *kqlParser) next() kqlToken {
	t := p.peek()
	p.i++
	return t
}

func (p *kqlParser) isOp(text string) bool {
	t := p.peek()
	return t.kind == "op" && t.text == text
}

func (p *kqlParser) isWord(word string) bool {
	t := p.peek()
	return t.kind == "ident" && strings.EqualFold(t.text, word)
}

func (p *kqlParser) expectOp(text string) error {
	if t := p.next(); t.kind != "op" || t.text != text {
		return fmt.Errorf("expected '%s' at position %d, found %s", text, t.pos, describe(t))
	}
	return nil
}

func describe(t kqlToken) string {
	if t.kind == "eof" {
		return "the end of the query"
	}
	return fmt.Sprintf("'%s'", t.text)
}

const kqlSupported = "The emulator supports: securityresources or resourcecontainers | where (==, !=, =~, !~, <, <=, >, >=, in, in~, !in, !in~, contains, startswith, endswith; and/or) | project / extend [alias =] column[.path], ... | summarize [alias =] count(), countif(p), take_any(c), take_anyif(c, p), make_list(c[, n]), make_list_if(c, p[, n]), sum(c), min(c), max(c), arg_max(c, c, ...) by [alias =] column[.path] | startofday(c), ... | order by/sort by column [asc|desc] | take/limit N."

func parseKQL(src string) (*kqlQuery, error) {
	return parseKQLFor(src, "securityresources", "resourcecontainers")
}

// parseKQLFor parses a query over one of tables (lower case); an unknown
// table is an error starting "table ".
func parseKQLFor(src string, tables ...string) (*kqlQuery, error) {
	toks, err := tokenizeKQL(src)
	if err != nil {
		return nil, err
	}
	if err := checkOperatorLimits(toks); err != nil {
		return nil, err
	}
	p := &kqlParser{toks: toks, refs: map[string]bool{}}
	table := p.next()
	if table.kind != "ident" {
		return nil, fmt.Errorf("a query starts with a table name; found %s", describe(table))
	}
	q := &kqlQuery{table: strings.ToLower(table.text)}
	if !slices.Contains(tables, q.table) {
		return nil, fmt.Errorf("table '%s' is not available in the emulator (it serves %s)", table.text, strings.Join(tables, ", "))
	}
	if t := p.toks[p.i:]; len(t) >= 5 && t[0].text == "|" && strings.EqualFold(t[1].text, "where") && t[2].text == "type" &&
		(t[3].text == "==" || t[3].text == "=~") && t[4].kind == "string" {
		q.typeHint = strings.ToLower(t[4].text)
	}
	for p.peek().kind != "eof" {
		if err := p.expectOp("|"); err != nil {
			return nil, err
		}
		op := p.next()
		if op.kind != "ident" {
			return nil, fmt.Errorf("expected a tabular operator after '|' at position %d, found %s", op.pos, describe(op))
		}
		switch strings.ToLower(op.text) {
		case "where":
			x, err := p.parseOr()
			if err != nil {
				return nil, err
			}
			q.ops = append(q.ops, kqlOp{true, func(rows []row) ([]row, error) {
				var out []row
				for _, r := range rows {
					ok, err := x(r)
					if err != nil {
						return nil, err
					}
					if ok {
						out = append(out, r)
					}
				}
				return out, nil
			}})
		case "project":
			f, err := p.parseProject()
			if err != nil {
				return nil, err
			}
			q.ops = append(q.ops, kqlOp{true, f})
		case "extend":
			f, err := p.parseExtend()
			if err != nil {
				return nil, err
			}
			q.ops = append(q.ops, kqlOp{true, f})
		case "summarize":
			f, err := p.parseSummarize()
			if err != nil {
				return nil, err
			}
			q.ops = append(q.ops, kqlOp{false, f})
			q.summarized = true
		case "order", "sort":
			if !p.isWord("by") {
				return nil, fmt.Errorf("expected 'by' after '%s' at position %d", op.text, p.peek().pos)
			}
			p.next()
			f, err := p.parseOrder()
			if err != nil {
				return nil, err
			}
			q.ops = append(q.ops, kqlOp{false, f})
		case "take", "limit":
			n := p.next()
			count, err := strconv.Atoi(n.text)
			if n.kind != "number" || err != nil || count < 0 {
				return nil, fmt.Errorf("'%s' needs a row count, found %s", op.text, describe(n))
			}
			q.ops = append(q.ops, kqlOp{false, func(rows []row) ([]row, error) { return rows[:min(count, len(rows))], nil }})
			q.limited = true
		default:
			return nil, fmt.Errorf("the operator '%s' is not supported by the emulator", op.text)
		}
	}
	for _, op := range []string{"project", "summarize"} {
		for _, t := range toks {
			if t.kind == "ident" && strings.EqualFold(t.text, op) {
				q.columns = p.refs
			}
		}
	}
	return q, nil
}

// path is a column with optional dynamic member access: properties.score.max.
func (p *kqlParser) parsePath() ([]string, error) {
	if path, ok, err := p.parseConversion(); ok {
		return path, err
	}
	t := p.next()
	if t.kind != "ident" {
		return nil, fmt.Errorf("expected a column name at position %d, found %s", t.pos, describe(t))
	}
	path := []string{t.text}
	if p.refs != nil {
		p.refs[t.text] = true
	}
	for p.isOp(".") {
		p.next()
		m := p.next()
		if m.kind != "ident" {
			return nil, fmt.Errorf("expected a property name after '.' at position %d, found %s", m.pos, describe(m))
		}
		path = append(path, m.text)
	}
	return path, nil
}

// lookup resolves a path in a row. Column names are case-sensitive in KQL;
// a near miss gets a hint.
func lookup(r row, path []string) (any, error) {
	v, ok := r[path[0]]
	if !ok {
		for k := range r {
			if strings.EqualFold(k, path[0]) {
				return nil, fmt.Errorf("failed to resolve column '%s' (column names are case-sensitive; did you mean '%s'?)", path[0], k)
			}
		}
		return nil, fmt.Errorf("failed to resolve column '%s'", path[0])
	}
	for _, m := range path[1:] {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, nil
		}
		v = obj[m]
	}
	return v, nil
}

type predicate func(row) (bool, error)

func (p *kqlParser) parseOr() (predicate, error) { return p.parseChain("or", p.parseAnd) }

func (p *kqlParser) parseAnd() (predicate, error) { return p.parseChain("and", p.parseTerm) }

// parseChain reads operand (word operand)* for word "or" or "and", each
// evaluated left to right and only as far as needed: or stops at the first
// true operand, and at the first false one.
func (p *kqlParser) parseChain(word string, operand func() (predicate, error)) (predicate, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	stopOn := word == "or"
	for p.isWord(word) {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		l := left
		left = func(r row) (bool, error) {
			if ok, err := l(r); ok == stopOn || err != nil {
				return ok && stopOn, err
			}
			return right(r)
		}
	}
	return left, nil
}

func (p *kqlParser) parseLiteral() (any, error) {
	t := p.next()
	switch t.kind {
	case "string":
		return t.text, nil
	case "number":
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			return nil, fmt.Errorf("bad number '%s'", t.text)
		}
		return f, nil
	case "ident":
		switch strings.ToLower(t.text) {
		case "true":
			return true, nil
		case "false":
			return false, nil
		case "datetime":
			return p.parseDatetime()
		}
	}
	return nil, fmt.Errorf("expected a literal at position %d, found %s", t.pos, describe(t))
}

func (p *kqlParser) parseTerm() (predicate, error) {
	if p.isOp("(") {
		p.next()
		x, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		return x, p.expectOp(")")
	}
	path, err := p.parsePath()
	if err != nil {
		return nil, err
	}
	opTok := p.next()
	op := strings.ToLower(opTok.text)
	switch op {
	case "in", "in~", "!in", "!in~":
		if err := p.expectOp("("); err != nil {
			return nil, err
		}
		var set []any
		for {
			lit, err := p.parseLiteral()
			if err != nil {
				return nil, err
			}
			set = append(set, lit)
			if p.isOp(")") {
				p.next()
				break
			}
			if err := p.expectOp(","); err != nil {
				return nil, err
			}
		}
		fold, negate := strings.HasSuffix(op, "~"), strings.HasPrefix(op, "!")
		return func(r row) (bool, error) {
			v, err := lookup(r, path)
			if err != nil || v == nil {
				return false, err
			}
			found := slices.ContainsFunc(set, func(lit any) bool { return kqlEqual(v, lit, fold) })
			return found != negate, nil
		}, nil
	case "==", "!=", "=~", "!~", "<", "<=", ">", ">=", "contains", "!contains", "startswith", "!startswith", "endswith", "!endswith":
		lit, err := p.parseLiteral()
		if err != nil {
			return nil, err
		}
		return func(r row) (bool, error) {
			v, err := lookup(r, path)
			if err != nil || v == nil {
				return false, err
			}
			return kqlCompare(v, op, lit), nil
		}, nil
	}
	return nil, fmt.Errorf("unsupported comparison %s at position %d", describe(opTok), opTok.pos)
}

func kqlString(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case float64:
		return strconv.FormatFloat(t, 'f', -1, 64)
	case int:
		return strconv.Itoa(t)
	default:
		return fmt.Sprint(t)
	}
}

func kqlNumber(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, true
	case int:
		return float64(t), true
	case string:
		f, err := strconv.ParseFloat(t, 64)
		return f, err == nil
	}
	return 0, false
}

func kqlEqual(v, lit any, fold bool) bool {
	if n, ok := lit.(float64); ok {
		f, isNum := kqlNumber(v)
		return isNum && f == n
	}
	if b, ok := lit.(bool); ok {
		vb, isBool := v.(bool)
		return isBool && vb == b
	}
	if fold {
		return strings.EqualFold(kqlString(v), kqlString(lit))
	}
	return kqlString(v) == kqlString(lit)
}

func kqlCompare(v any, op string, lit any) bool {
	switch op {
	case "==":
		return kqlEqual(v, lit, false)
	case "!=":
		return !kqlEqual(v, lit, false)
	case "=~":
		return kqlEqual(v, lit, true)
	case "!~":
		return !kqlEqual(v, lit, true)
	case "contains", "!contains":
		return strings.Contains(strings.ToLower(kqlString(v)), strings.ToLower(kqlString(lit))) == (op == "contains")
	case "startswith", "!startswith":
		return strings.HasPrefix(strings.ToLower(kqlString(v)), strings.ToLower(kqlString(lit))) == (op == "startswith")
	case "endswith", "!endswith":
		return strings.HasSuffix(strings.ToLower(kqlString(v)), strings.ToLower(kqlString(lit))) == (op == "endswith")
	}
	if x, y, ok := kqlTimes(v, lit); ok { // datetime columns hold RFC 3339 strings
		v, lit = x, y
	}
	a, ok1 := kqlNumber(v)
	b, ok2 := kqlNumber(lit)
	if !ok1 || !ok2 {
		return false
	}
	switch op {
	case "<":
		return a < b
	case "<=":
		return a <= b
	case ">":
		return a > b
	default:
		return a >= b
	}
}

// columnName is a column's name: its alias, or else its path joined by "_"
// (Kusto names `project properties.score.current` properties_score_current).
func columnName(alias string, path []string) string {
	if alias != "" {
		return alias
	}
	return strings.Join(path, "_")
}

func (p *kqlParser) parseProject() (func([]row) ([]row, error), error) {
	var cols []column
	err := p.commaList(func() error {
		alias := p.parseAlias()
		path, err := p.parsePath()
		if err != nil {
			return err
		}
		cols = append(cols, column{name: columnName(alias, path), path: path})
		return nil
	})
	if err != nil {
		return nil, err
	}
	return columnStage(cols, false), nil
}

func (p *kqlParser) parseOrder() (func([]row) ([]row, error), error) {
	type key struct {
		path []string
		asc  bool
	}
	var keys []key
	err := p.commaList(func() error {
		path, err := p.parsePath()
		if err != nil {
			return err
		}
		k := key{path: path}
		if p.isWord("asc") || p.isWord("desc") {
			k.asc = strings.EqualFold(p.next().text, "asc")
		}
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return func(rows []row) ([]row, error) {
		var firstErr error
		sort.SliceStable(rows, func(i, j int) bool {
			for _, k := range keys {
				a, errA := lookup(rows[i], k.path)
				b, errB := lookup(rows[j], k.path)
				if errA != nil || errB != nil {
					firstErr = firstError(firstErr, errA, errB)
					return false
				}
				c := compareValues(a, b)
				if c == 0 {
					continue
				}
				return (c < 0) == k.asc
			}
			return false
		})
		return rows, firstErr
	}, nil
}

func firstError(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

// compareValues orders nulls first, numbers numerically, the rest as strings.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if x, ok := a.(float64); ok {
		if y, ok := kqlNumber(b); ok {
			return cmpFloat(x, y)
		}
	}
	if x, ok := a.(int); ok {
		if y, ok := kqlNumber(b); ok {
			return cmpFloat(float64(x), y)
		}
	}
	return strings.Compare(kqlString(a), kqlString(b))
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
