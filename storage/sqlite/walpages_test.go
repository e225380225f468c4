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

// walPages counts the frames of a -wal file by the B-tree that holds each
// frame's page now (dbstat over the database as read through that WAL): a
// page freed by one B-tree and reused by another counts for the second,
// one on the freelist as "(free)". frames is the number of frames read.
func walPages(ctx context.Context, db *sql.DB, walPath string) (byTree map[string]int, frames int, err error) {
	f, err := os.Open(walPath)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	var hdr [32]byte
	if _, err := io.ReadFull(f, hdr[:]); err != nil {
		return nil, 0, fmt.Errorf("read wal header: %w", err)
	}
	pageSize := int64(binary.BigEndian.Uint32(hdr[8:12]))
	owner := map[int64]string{}
	rows, err := db.QueryContext(ctx, `SELECT name, pageno FROM dbstat`)
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var (
			name string
			page int64
		)
		if err := rows.Scan(&name, &page); err != nil {
			rows.Close()
			return nil, 0, err
		}
		owner[page] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	byTree = map[string]int{}
	frame := make([]byte, 24+pageSize)
	for {
		if _, err := io.ReadFull(f, frame); err != nil {
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return byTree, frames, nil
			}
			return nil, 0, err
		}
		frames++
		page := int64(binary.BigEndian.Uint32(frame[:4]))
		name, ok := owner[page]
		if !ok {
			name = "(free)"
		}
		byTree[name]++
	}
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
