package printers

import (
	"bytes"
	"errors"
	"strings"
)

// pruneSARIF removes what go-sarif writes for properties we never set:
// empty arrays and objects, nulls, and the -1 it puts in optional indexes,
// offsets and ranks. Empty arrays of the keys in keep stay: run.results,
// which GitHub requires even when empty, and the arrays Print fills. It also
// undoes encoding/json's HTML escaping of <, > and & (\u003c), which only
// makes messages harder to read: SARIF is no HTML.
//
// raw is what encoding/json's Marshal wrote: compact, valid JSON, with every
// string in UTF-8. pruneSARIF walks its bytes once; decoding it into tokens
// with a json.Decoder cost more than building, marshalling and indenting
// the results together. Anything else is an error, never a panic.
func pruneSARIF(raw []byte, keep map[string]bool) ([]byte, error) {
	p := pruner{in: raw, out: make([]byte, 0, len(raw)), keep: keep}
	if _, err := p.value(); err != nil {
		return nil, err
	}
	if p.pos != len(p.in) {
		return nil, errors.New("sarif: trailing data after the report")
	}
	return p.out, nil
}

// placeholderKeys hold -1 when go-sarif's constructors leave them unset.
var placeholderKeys = map[string]bool{
	"index": true, "parentIndex": true, "id": true, "byteOffset": true, "charOffset": true, "rank": true, "length": true,
}

var errMalformed = errors.New("sarif: the encoder wrote malformed JSON")

type pruner struct {
	in, out []byte
	pos     int
	keep    map[string]bool
}

// value copies one JSON value to out, pruned, and reports whether it is
// empty (null, {} or []).
func (p *pruner) value() (empty bool, err error) {
	if p.pos >= len(p.in) {
		return false, errMalformed
	}
	switch c := p.in[p.pos]; c {
	case '{', '[':
		return p.container(c)
	case '"':
		return false, p.string()
	case 'n':
		if !bytes.HasPrefix(p.in[p.pos:], []byte("null")) {
			return false, errMalformed
		}
		p.pos += len("null")
		p.out = append(p.out, "null"...)
		return true, nil
	}
	// A number, true or false.
	start := p.pos
	for p.pos < len(p.in) && strings.IndexByte("0123456789+-.eEtrufals", p.in[p.pos]) >= 0 {
		p.pos++
	}
	if p.pos == start {
		return false, errMalformed
	}
	p.out = append(p.out, p.in[start:p.pos]...)
	return false, nil
}

// container copies an object or an array. A member it drops is written,
// then cut off.
func (p *pruner) container(open byte) (empty bool, err error) {
	object, closer := open == '{', byte(']')
	if object {
		closer = '}'
	}
	p.out = append(p.out, open)
	p.pos++
	kept := 0
	for i := 0; ; i++ {
		if p.pos >= len(p.in) {
			return false, errMalformed
		}
		if p.in[p.pos] == closer {
			p.pos++
			break
		}
		if i > 0 {
			if p.in[p.pos] != ',' {
				return false, errMalformed
			}
			p.pos++
		}
		mark := len(p.out)
		if kept > 0 {
			p.out = append(p.out, ',')
		}
		var key []byte
		if object {
			if p.pos >= len(p.in) || p.in[p.pos] != '"' {
				return false, errMalformed
			}
			start := len(p.out)
			if err := p.string(); err != nil {
				return false, err
			}
			key = p.out[start+1 : len(p.out)-1]
			if p.pos >= len(p.in) || p.in[p.pos] != ':' {
				return false, errMalformed
			}
			p.pos++
			p.out = append(p.out, ':')
		}
		start := len(p.out)
		empty, err := p.value()
		if err != nil {
			return false, err
		}
		if object {
			v := p.out[start:]
			if (empty && !(p.keep[string(key)] && v[0] == '[')) || (placeholderKeys[string(key)] && string(v) == "-1") {
				p.out = p.out[:mark]
				continue
			}
		}
		kept++
	}
	p.out = append(p.out, closer)
	return kept == 0, nil
}

// string copies a string, with <, > and & unescaped.
func (p *pruner) string() error {
	p.out = append(p.out, '"')
	p.pos++
	for p.pos < len(p.in) {
		switch c := p.in[p.pos]; c {
		case '"':
			p.out = append(p.out, c)
			p.pos++
			return nil
		case '\\':
			if p.pos+1 >= len(p.in) {
				return errMalformed
			}
			if p.in[p.pos+1] != 'u' {
				p.out = append(p.out, c, p.in[p.pos+1])
				p.pos += 2
				continue
			}
			if p.pos+6 > len(p.in) {
				return errMalformed
			}
			switch string(p.in[p.pos+2 : p.pos+6]) {
			case "003c":
				p.out = append(p.out, '<')
			case "003e":
				p.out = append(p.out, '>')
			case "0026":
				p.out = append(p.out, '&')
			default:
				p.out = append(p.out, p.in[p.pos:p.pos+6]...)
			}
			p.pos += 6
		default:
			p.out = append(p.out, c)
			p.pos++
		}
	}
	return errMalformed
}
