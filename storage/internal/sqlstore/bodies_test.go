package sqlstore

import (
	"bytes"
	"compress/flate"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"testing"
)

// The dictionary is part of the stored format: values packed with it are
// unreadable with any other. A new dictionary is a new file and version.
func TestBodyDictionaryNeverChanges(t *testing.T) {
	sum := sha256.Sum256(bodyDictV1)
	if got := hex.EncodeToString(sum[:]); got != "79c25bd92c58edcd3b3e277fcaa432fc81f9c6703c1b2196ce2e4f42c20367f0" {
		t.Fatalf("body_dict_v1.txt changed (sha256 %s): packed values written with it would no longer read", got)
	}
	sum = sha256.Sum256(bodyDictV2)
	if got := hex.EncodeToString(sum[:]); got != "9d05b69480d8561a44ee01857b169b076e1abc9347ad0489c94a38bb9e29c123" {
		t.Fatalf("body_dict_v2.txt changed (sha256 %s): packed values written with it would no longer read", got)
	}
}

// Values packed before schema 27 (v1 dictionary, no padding) read back
// as they were written; v2 values read back the same padded or not.
func TestUnpackEveryFormat(t *testing.T) {
	card := []byte(`{"title":"SEV3 INC-7: Checkout latency above SLO","fields":[{"label":"Status","value":"acknowledged"}],"incident":7}`)
	long := bytes.Repeat([]byte("- 2026-12-07 06:12 UTC @alice: Acknowledged\n"), 30)
	var v1flate bytes.Buffer
	v1flate.Write([]byte{packedMark, packedFlate})
	w, err := flate.NewWriterDict(&v1flate, flate.BestCompression, bodyDictV1)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(long)
	_ = w.Close()
	tests := []struct {
		name   string
		stored []byte
		want   []byte
	}{
		{"v1 lz", lzPack([]byte{packedMark, packedLZ}, bodyDictV1, card, bodyDictV1Table), card},
		{"v1 deflate", v1flate.Bytes(), long},
		{"v2 lz", packBody(card), card},
		{"v2 lz padded", padBody(packBody(card), len(packBody(card))+9), card},
		{"v2 deflate padded", padBody(packBody(long), len(packBody(long))+20), long},
		{"text", []byte("plain"), []byte("plain")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			back, err := unpackBody(tt.stored)
			if err != nil || !bytes.Equal(back, tt.want) {
				t.Errorf("read back %q, %v; want %q", back, err, tt.want)
			}
		})
	}
	if _, err := unpackBody(append(lzPack([]byte{packedMark, packedLZ}, bodyDictV1, card, bodyDictV1Table), 0)); err == nil {
		t.Error("a v1 value with a byte after its end read without an error")
	}
	if _, err := unpackBody(append(packBody(card), 0, 7)); err == nil {
		t.Error("a v2 value followed by a non-zero byte read without an error")
	}
	if got := padBody([]byte("plain text"), 40); string(got) != "plain text" {
		t.Errorf("an unpacked value padded to %q", got)
	}
}

func TestPackBody(t *testing.T) {
	card := fmt.Appendf(nil, `{"title":"SEV3 INC-%d: Checkout latency above SLO","fields":[{"label":"Status","value":"resolved"},`+
		`{"label":"Severity","value":"SEV3"},{"label":"Commander","value":"none"},{"label":"Started","value":"2026-12-07 06:12 UTC"}],`+
		`"severity":3,"incident":%d,"footer":"https://warroom.example.com/incidents/INC-%d"}`, 4242, 4242, 4242)
	tests := []struct {
		name   string
		in     []byte
		packed bool
		most   int // stored bytes at most
	}{
		{"empty", nil, false, 0},
		{"short", []byte(`{"text":"hi"}`), false, 13},
		{"card", card, true, len(card) / 3},
		{"random", bytes.Repeat([]byte{0xff, 0x13, 0x7e, 0x80}, 5), false, 20},
		{"starts with the header's byte", []byte{0, 1, 2}, true, 16},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stored := packBody(tt.in)
			if got := len(stored) > 0 && stored[0] == packedMark; got != tt.packed {
				t.Errorf("packed %v, want %v", got, tt.packed)
			}
			if len(stored) > tt.most {
				t.Errorf("stored %d bytes, want at most %d", len(stored), tt.most)
			}
			back, err := unpackBody(stored)
			if err != nil || !bytes.Equal(back, tt.in) {
				t.Errorf("read back %q, %v; want %q", back, err, tt.in)
			}
		})
	}
	// Long values are deflated: a draft and its file's base64 shrink too.
	draft := bytes.Repeat([]byte("- 2026-12-07 06:12 UTC @alice: Acknowledged\n"), 30)
	long := fmt.Appendf(nil, `{"text":%q,"attachments":[{"data":%q}]}`, draft, base64.StdEncoding.EncodeToString(draft))
	stored := packBody(long)
	if stored[1] != packedFlate2 || len(stored) > len(long)/10 {
		t.Errorf("a long value stored as format %d, %d of %d bytes", stored[1], len(stored), len(long))
	}
	if back, err := unpackBody(stored); err != nil || !bytes.Equal(back, long) {
		t.Errorf("a long value read back as %q, %v", back, err)
	}
	if _, err := unpackBody([]byte{0, 9, 1}); err == nil {
		t.Error("an unknown format read without an error")
	}
}

// Whatever is packed reads back the same, and no stored value makes the
// reader panic or run away.
func FuzzPackBody(f *testing.F) {
	f.Add([]byte(`{"title":"SEV3 INC-1: Checkout latency above SLO","severity":3}`))
	f.Add(bytes.Repeat([]byte("ab"), 300))
	f.Add([]byte{0, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Add(append([]byte{0, 1}, bodyDictV1[:40]...))
	f.Add(append([]byte{0, 3}, bodyDictV2[:40]...))
	f.Add(bytes.Repeat(bodyDictV1[:100], 20))
	f.Fuzz(func(t *testing.T, b []byte) {
		back, err := unpackBody(packBody(b))
		if err != nil || !bytes.Equal(back, b) {
			t.Fatalf("%q read back as %q, %v", b, back, err)
		}
		_, _ = unpackBody(b)
	})
}

// A value that carries a postmortem draft, stored as a reference to it
// (0x00 0x05) or with it packed once (0x00 0x06), reads back byte for
// byte, wherever and however often it holds the draft; one that holds a
// mark byte of its own, or not the draft, is left to packBody.
func TestDraftCarriers(t *testing.T) {
	draft := "# Postmortem: INC-7 <checkout> & \"latency\"\n\n" + string(bytes.Repeat([]byte("- 19:23 UTC @api: Acknowledged — ✓\n"), 30))
	text := string(draftText(draft))
	file := base64.StdEncoding.EncodeToString([]byte(draft))
	stored := &storedDraft{text: draft, packed: packBody([]byte(draft))}
	for _, body := range []string{
		`{"title":"Postmortem draft: INC-7","text":"` + text + `","attachments":[{"text":"` + text + `"}]}`,
		`{"message":{"text":"` + text + `","attachments":[{"data":"` + file + `"}]}}`,
		`{"text":"` + text + text + `"}`,
		text,
	} {
		ref := packDraftRef([]byte(body), draft, 3)
		if v, ok := draftRefVersion(ref); !ok || v != 3 {
			t.Fatalf("reference %x names version %d, %v", ref[:4], v, ok)
		}
		if got, err := unpackDraftRef(ref, draft); err != nil || string(got) != body {
			t.Errorf("reference read back as %q, %v; want %q", got, err, body)
		}
		carry := packCarry([]byte(body), stored)
		if got, err := unpackBody(carry); err != nil || string(got) != body {
			t.Errorf("carrier read back as %q, %v; want %q", got, err, body)
		}
		if len(ref) >= len(packBody([]byte(body))) || len(carry) > len(stored.packed)+len(ref) {
			t.Errorf("%d bytes: a reference of %d, a carrier of %d, packed alone %d", len(body), len(ref), len(carry), len(packBody([]byte(body))))
		}
	}
	for _, body := range []string{`{"text":"another draft"}`, "\x00" + text, "\x01" + text} {
		if packDraftRef([]byte(body), draft, 1) != nil || packCarry([]byte(body), stored) != nil {
			t.Errorf("%q was stored as carrying the draft", body)
		}
	}
	if _, err := unpackBody(packDraftRef([]byte(text), draft, 1)); err == nil {
		t.Error("a reference read without its draft")
	}
	carry := packCarry([]byte(text), stored)
	for _, bad := range [][]byte{carry[:3], append([]byte{packedMark, packedCarry, 2, packedMark, packedCarry}, carry[2:]...)} {
		if _, err := unpackBody(bad); err == nil {
			t.Errorf("corrupt carrier %x read", bad)
		}
	}
}
