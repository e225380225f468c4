package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestDBBackupWhileWriting: a backup taken while imports write is a
// consistent database: integrity_check passes and it reads as a whole.
func TestDBBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	lookup := env("WARROOM_DB", db)
	if code, _, stderr := runCLI(t, lookup, "import", writeFile(t, "h.csv", historyCSV)); code != 0 {
		t.Fatal(stderr)
	}

	stop, started := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	writes := 0
	var once sync.Once
	go func() { // the writer: one import transaction after another
		defer wg.Done()
		defer once.Do(func() { close(started) })
		for i := 100; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			header, _, _ := strings.Cut(historyCSV, "\n")
			row := fmt.Sprintf("%s\nINC-%d,Load %d,SEV3,investigating,db,,,2026-01-08T00:00:00Z,2026-01-08T00:30:00Z,,,bob,,\n", header, i, i)
			if code, _, stderr := runCLI(t, lookup, "import", writeFile(t, fmt.Sprintf("w%d.csv", i), row)); code != 0 {
				t.Errorf("import during backup: %s", stderr)
				return
			}
			writes++
			once.Do(func() { close(started) })
		}
	}()
	<-started // the backups overlap the writes
	var backups []string
	for i := range 3 {
		b := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		code, stdout, stderr := runCLI(t, lookup, "db", "backup", b)
		if code != 0 || !strings.Contains(stdout, "integrity_check: ok") {
			t.Fatalf("db backup: exit %d\n%s%s", code, stdout, stderr)
		}
		backups = append(backups, b)
	}
	close(stop)
	wg.Wait()
	t.Logf("%d imports ran during the backups", writes)

	for _, b := range backups {
		if err := integrityCheck(context.Background(), b); err != nil {
			t.Error(err)
		}
		code, stdout, stderr := runCLI(t, env("WARROOM_DB", b), "export", "--format", "csv")
		if code != 0 || !strings.Contains(stdout, "INC-7") {
			t.Errorf("export from the restored %s: exit %d %s", b, code, stderr)
		}
	}
	if code, _, stderr := runCLI(t, lookup, "db", "backup", backups[0]); code != exitError || !strings.Contains(stderr, "exists") {
		t.Errorf("backup over an existing file: exit %d %s", code, stderr)
	}
	if code, _, _ := runCLI(t, env("WARROOM_DB", filepath.Join(dir, "none.db")), "db", "backup", filepath.Join(dir, "x.db")); code != exitNotFound {
		t.Errorf("backup of a missing database: exit %d, want %d", code, exitNotFound)
	}
}
