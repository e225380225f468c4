package testkit

import (
	"flag"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the one -update flag: `go test ./x -update` rewrites the golden
// files of package x from what its tests produce.
var update = flag.Bool("update", false, "rewrite the golden files under testdata/ from what the tests produce")

// Golden compares got with the file at path (testdata/name.golden, say)
// and fails the test on a difference; with -update it writes got there
// first.
func Golden(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s differs from the golden file (-want +got; run go test -update to accept):\n%s", path, d)
	}
}
