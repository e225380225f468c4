package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
)

// ErrRepeated is returned for a field named twice: two readers of one
// request could otherwise disagree about what it says (one reads the first
// value, another the last), and a signature only covers the bytes.
var ErrRepeated = errors.New("a field is given more than once")

// SingleForm parses an application/x-www-form-urlencoded body and refuses
// it when any key appears more than once.
func SingleForm(body string) (url.Values, error) {
	v, err := url.ParseQuery(body)
	if err != nil {
		return nil, err
	}
	for k, vs := range v {
		if len(vs) > 1 {
			return nil, fmt.Errorf("%w: %q", ErrRepeated, k)
		}
	}
	return v, nil
}

// UniqueKeys checks that data is one JSON value in which no object names a
// key twice (encoding/json would keep the last one silently). Keys are
// compared after unescaping, so "a" and "\u0061" are the same key.
func UniqueKeys(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := uniqueValue(dec, 0); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}

// maxDepth bounds nesting, so a hostile body cannot exhaust the stack.
const maxDepth = 200

func uniqueValue(dec *json.Decoder, depth int) error {
	if depth > maxDepth {
		return errors.New("JSON nested too deeply")
	}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		seen := map[string]bool{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := k.(string)
			if seen[key] {
				return fmt.Errorf("%w: %q", ErrRepeated, key)
			}
			seen[key] = true
			if err := uniqueValue(dec, depth+1); err != nil {
				return err
			}
		}
	case '[':
		for dec.More() {
			if err := uniqueValue(dec, depth+1); err != nil {
				return err
			}
		}
	}
	_, err = dec.Token() // the closing delimiter
	return err
}

// UnmarshalStrict is json.Unmarshal that also refuses repeated keys.
func UnmarshalStrict(data []byte, v any) error {
	if err := UniqueKeys(data); err != nil {
		return err
	}
	return json.Unmarshal(data, v)
}
