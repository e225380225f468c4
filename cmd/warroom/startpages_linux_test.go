package main

import (
	"bytes"
	"crypto/sha256"
	"log/slog"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/warroom/warroom/bot"
	"github.com/warroom/warroom/bot/digest"
	"github.com/warroom/warroom/bot/kpi"
	"github.com/warroom/warroom/integrations/chart"
)

const sampleMaps = `00400000-012fa000 r-xp 00000000 08:01 1234                               /usr/bin/warroom
012fa000-023a3000 r--p 00efa000 08:01 1234                               /usr/bin/warroom
023a3000-0293f000 rw-p 01fa3000 08:01 1234                               /usr/bin/warroom
0293f000-04990000 rw-p 00000000 00:00 0
7f0000000000-7f0000001000 r--s 00000000 08:01 99                         /usr/bin/warroom
7f0000002000-7f0000003000 r--p 00000000 08:01 98                         /usr/bin/warroom-other
7f0000004000-7f0000005000 r--p 00000000 08:01 97                         /usr/bin/war room (deleted)
7f0000006000-7f0000007000 ---p 00000000 08:01 1234                       /usr/bin/warroom
7ffd0000-7ffe0000 rw-p 00000000 00:00 0                                  [stack]
zz-yy r--p 00000000 08:01 1234                                           /usr/bin/warroom
`

func TestParseMappings(t *testing.T) {
	got := parseMappings([]byte(sampleMaps), "/usr/bin/warroom", true)
	want := [][2]uintptr{{0x400000, 0x12fa000}, {0x12fa000, 0x23a3000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read-only mappings = %#x, want %#x (text and read-only data only: never a writable, shared or other file's mapping)", got, want)
	}
	got = parseMappings([]byte(sampleMaps), "/usr/bin/warroom", false)
	want = [][2]uintptr{{0x400000, 0x12fa000}, {0x12fa000, 0x23a3000}, {0x23a3000, 0x293f000}, {0x7f0000006000, 0x7f0000007000}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("private mappings = %#x, want %#x", got, want)
	}
	// a path with spaces, as /proc/self/exe gives it for a replaced binary
	got = parseMappings([]byte(sampleMaps), "/usr/bin/war room (deleted)", true)
	if want := [][2]uintptr{{0x7f0000004000, 0x7f0000005000}}; !reflect.DeepEqual(got, want) {
		t.Errorf("deleted binary's mappings = %#x, want %#x", got, want)
	}
}

// written is in the executable's writable data: releasing pages must not
// give it back its value from the file.
var written = [4096]byte{0: 1}

func TestReleaseExecutablePages(t *testing.T) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Skip(err)
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip(err)
	}
	fonts := chart.FontFiles()
	if got := pagesWithin(fonts, parseMappings(maps, exe, false)); len(got) != len(fonts) {
		t.Fatalf("%d of %d font files found in the executable's mappings", len(got), len(fonts))
	}
	// heap memory is never released: there MADV_DONTNEED would zero it
	heap := make([]byte, 1<<20)
	if got := pagesWithin([][]byte{heap}, parseMappings(maps, exe, false)); got != nil {
		t.Fatalf("a heap slice's pages %#x would be released", got)
	}

	sums := func() (s [][32]byte) {
		for _, f := range fonts {
			s = append(s, sha256.Sum256(f))
		}
		return s
	}
	fontSums := sums()
	drawn := drawSample(t)
	written[0], written[len(written)-1] = 7, 9

	before, after := releaseExecutablePages(fonts)
	if before == 0 {
		t.Fatal("no resident file pages before the release: /proc/self/status unread")
	}
	if after >= before {
		t.Errorf("resident file memory %d KiB before the release, %d KiB after: nothing released", before/1024, after/1024)
	}
	if written[0] != 7 || written[len(written)-1] != 9 {
		t.Errorf("written data reverted to %d, %d after the release: a writable mapping was released", written[0], written[len(written)-1])
	}
	if !reflect.DeepEqual(sums(), fontSums) {
		t.Error("the font files changed after the release")
	}
	if again := drawSample(t); !bytes.Equal(again, drawn) {
		t.Errorf("the chart drawn after the release differs (%d bytes against %d)", len(again), len(drawn))
	}
}

// drawSample draws a digest chart with every font face it uses.
func drawSample(t *testing.T) []byte {
	t.Helper()
	start := time.Date(2026, 3, 24, 0, 0, 0, 0, time.UTC)
	var series []kpi.Bucket
	for i := range 14 {
		series = append(series, kpi.Bucket{Start: start.AddDate(0, 0, i), End: start.AddDate(0, 0, i+1),
			Counts: map[bot.Severity]int64{bot.SEV1: int64(i % 3), bot.SEV2: int64(i % 2)},
			Res:    kpi.Stats{N: 1, Median: time.Duration(i) * time.Hour, P90: time.Duration(2*i) * time.Hour}})
	}
	out, err := chart.Draw(&digest.Digest{Options: digest.Options{Period: 14 * kpi.Day}, Report: kpi.Report{Series: series}})
	if err != nil || len(out) == 0 {
		t.Fatalf("draw: %d bytes, %v", len(out), err)
	}
	return out
}

func TestReleaseStartPagesLogs(t *testing.T) {
	var buf bytes.Buffer
	releaseStartPages(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})), "test")
	if !bytes.Contains(buf.Bytes(), []byte(`msg="released the executable's pages" after=test resident_before_kib=`)) {
		t.Errorf("log = %q", buf.String())
	}
}
