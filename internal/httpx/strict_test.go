package httpx_test

import (
	"errors"
	"testing"

	"github.com/warroom/warroom/internal/httpx"
)

func TestUniqueKeys(t *testing.T) {
	for _, c := range []struct {
		in      string
		want    bool // accepted
		repeats bool // refused as a repeated key
	}{
		{`{"a":1,"b":{"a":2},"c":[{"a":1},{"a":2}]}`, true, false},
		{`[1,"x",null,true,{"k":{}}]`, true, false},
		{`{"a":1,"a":2}`, false, true},
		{`{"a":1,"\u0061":2}`, false, true},
		{`{"x":[{"a":1,"a":1}]}`, false, true},
		{`{"a":1} {"b":2}`, false, false},
		{`{"a":`, false, false},
		{``, false, false},
	} {
		err := httpx.UniqueKeys([]byte(c.in))
		if (err == nil) != c.want || errors.Is(err, httpx.ErrRepeated) != c.repeats {
			t.Errorf("%s: %v", c.in, err)
		}
	}
}

func TestSingleForm(t *testing.T) {
	if v, err := httpx.SingleForm("a=1&b=2"); err != nil || v.Get("b") != "2" {
		t.Errorf("single: %v %v", v, err)
	}
	for _, in := range []string{"payload=1&payload=2", "a=1&a=1", "a=%zz"} {
		if _, err := httpx.SingleForm(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
}

func TestLocalHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "localhost:8080": true, "LocalHost.": true, "a.localhost:1": true,
		"127.0.0.1": true, "127.1.2.3:80": true, "[::1]:8080": true, "[::1]": true, "::1": true,
		"[::ffff:127.0.0.1]:80": true, "public.example:443": true, "PUBLIC.example": true,
		"": false, "evil.example": false, "localhost.evil.example": false, "127.0.0.1.nip.io": false,
		"10.0.0.1": false, "[fe80::1%25lo]:80": false, "localhost:": true, "user@localhost": false,
	} {
		if got := httpx.LocalHost(host, "public.example"); got != want {
			t.Errorf("%q: %v, want %v", host, got, want)
		}
	}
}
