package emulator

// todatetime() around a column: Kusto compares a dynamic member with a
// datetime only once it is converted
// (https://learn.microsoft.com/kusto/query/todatetime-function). The
// emulator keeps datetimes as RFC 3339 strings and compares them with
// datetime literals as times (kqlTimes), so the conversion is the column
// itself.

// parseConversion reads todatetime(path) when the next tokens are one; ok
// is false (and nothing is read) otherwise.
func (p *kqlParser) parseConversion() (path []string, ok bool, err error) {
	t := p.peek()
	if t.kind != "ident" || t.text != "todatetime" || p.i+1 >= len(p.toks) || p.toks[p.i+1].kind != "op" || p.toks[p.i+1].text != "(" {
		return nil, false, nil
	}
	p.i += 2
	if path, err = p.parsePath(); err != nil {
		return nil, true, err
	}
	return path, true, p.expectOp(")")
}
