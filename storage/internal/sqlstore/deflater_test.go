package sqlstore

import (
	"bytes"
	"runtime"
	"testing"
)

// TestDeflaterOutlivesCollections: a body deflated after garbage
// collections (which empty a sync.Pool) reuses the writer made before
// them instead of making one again (about 800 KB at BestCompression).
func TestDeflaterOutlivesCollections(t *testing.T) {
	body := bytes.Repeat([]byte(`{"label":"Status","value":"resolved"},`), 40) // over deflateMin
	if len(body) < deflateMin {
		t.Fatalf("body of %d bytes is not deflated", len(body))
	}
	deflate(body) // makes the writer
	runtime.GC()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	out := deflate(body)
	runtime.ReadMemStats(&after)
	if got, err := unpackBody(out); err != nil || !bytes.Equal(got, body) {
		t.Fatalf("deflated body reads back as %d bytes, %v", len(got), err)
	}
	if n := after.TotalAlloc - before.TotalAlloc; n > 64<<10 {
		t.Errorf("deflating %d bytes after two collections allocated %d bytes: a writer was made again", len(body), n)
	}
}
