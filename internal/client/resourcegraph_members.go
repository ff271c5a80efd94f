package client

import "fmt"

// memberReader reads the members of a Resource Graph row, or of an object in
// it, and keeps the first error: a decoder lists the members it reads and
// checks once (https://go.dev/blog/errors-are-values). Members read after
// an error are zero values, and so are absent and null ones: Resource
// Graph leaves out what a resource does not have. (Log Analytics rows,
// read by column, have their own rowReader, to which a null is an error.)
type memberReader struct {
	m    map[string]any
	path string // how errors name the object, e.g. "properties." ("" for the row)
	err  *error // shared with the readers of nested objects
}

func newMemberReader(row map[string]any) *memberReader {
	return &memberReader{m: row, err: new(error)}
}

// Err is the first error of this reader and of its nested objects' readers.
func (r *memberReader) Err() error { return *r.err }

func (r *memberReader) keep(err error) {
	if err == nil || *r.err != nil {
		return
	}
	if r.path != "" {
		err = fmt.Errorf("%s%w", r.path, err)
	}
	*r.err = err
}

// readMember reads one member with a row function unless an error came first.
func readMember[T any](r *memberReader, key string, row func(map[string]any, string) (T, error)) T {
	var v T
	if *r.err == nil {
		var err error
		v, err = row(r.m, key)
		r.keep(err)
	}
	return v
}

func (r *memberReader) str(key string) string { return readMember(r, key, rowString) }

func (r *memberReader) number(key string) float64 { return readMember(r, key, rowNumber) }

// integer reads the member named by the last part of name (see rowInteger).
func (r *memberReader) integer(name string) int64 { return readMember(r, name, rowInteger) }

// object is the reader of a nested object; an absent or null one reads as
// empty.
func (r *memberReader) object(key string) *memberReader {
	return &memberReader{m: readMember(r, key, rowObject), path: r.path + key + ".", err: r.err}
}
