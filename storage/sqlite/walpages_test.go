package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
)

// pageOwners maps each page of the database, as read through its WAL, to
// the B-tree that holds it now (dbstat); pages on the freelist are absent.
func pageOwners(ctx context.Context, db *sql.DB) (map[int64]string, error) {
	owner := map[int64]string{}
	rows, err := db.QueryContext(ctx, `SELECT name, pageno FROM dbstat`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			name string
			page int64
		)
		if err := rows.Scan(&name, &page); err != nil {
			return nil, err
		}
		owner[page] = name
	}
	return owner, rows.Err()
}

// walPagesFrom adds to byTree the frames of a -wal file from byte offset
// from on (0: from its first frame), each counted for the B-tree that
// holds its page now ("(free)" for one on the freelist), and returns the
// offset after the last whole frame. A page freed by one B-tree and reused
// by another counts for the second: read right after each commit, every
// frame counts for the B-tree it was written for.
func walPagesFrom(ctx context.Context, db *sql.DB, walPath string, from int64, byTree map[string]int) (int64, error) {
	owner, err := pageOwners(ctx, db)
	if err != nil {
		return 0, err
	}
	f, err := os.Open(walPath)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var hdr [32]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return 0, fmt.Errorf("read wal header: %w", err)
	}
	pageSize := int64(binary.BigEndian.Uint32(hdr[8:12]))
	from = max(from, 32)
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return 0, err
	}
	frame := make([]byte, 24+pageSize)
	for {
		if _, err := io.ReadFull(f, frame); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return from, nil
			}
			return 0, err
		}
		from += int64(len(frame))
		name, ok := owner[int64(binary.BigEndian.Uint32(frame[:4]))]
		if !ok {
			name = "(free)"
		}
		byTree[name]++
	}
}

// walPages counts all the frames of a -wal file by B-tree (walPagesFrom).
func walPages(ctx context.Context, db *sql.DB, walPath string) (map[string]int, error) {
	byTree := map[string]int{}
	_, err := walPagesFrom(ctx, db, walPath, 0, byTree)
	return byTree, err
}

// formatWALPages is byTree as "name pages-per-unit" pairs on one line (a
// benchmark's log keeps only its first lines), most first.
func formatWALPages(byTree map[string]int, per float64) string {
	names := make([]string, 0, len(byTree))
	for n := range byTree {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if byTree[names[i]] != byTree[names[j]] {
			return byTree[names[i]] > byTree[names[j]]
		}
		return names[i] < names[j]
	})
	var sb strings.Builder
	total := 0
	for _, n := range names {
		total += byTree[n]
		fmt.Fprintf(&sb, "%s %.2f, ", n, float64(byTree[n])/per)
	}
	fmt.Fprintf(&sb, "total %.2f", float64(total)/per)
	return sb.String()
}
