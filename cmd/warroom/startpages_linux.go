package main

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"unsafe"
)

// releaseExecutablePages tells the kernel that the executable's read-only
// pages touched so far need not stay mapped (madvise MADV_DONTNEED on its
// read-only and executable mappings), and returns how many bytes of mapped
// files were resident before and after.
//
// Start-up touches far more of the binary than serving does: every
// package's initialiser runs its own code once (gonum/plot's parses its
// fonts' tables), the migrations run SQLite's schema code, the runtime's
// interface tables and route registration walk type data and function
// tables all over the read-only segment, and the kernel maps 64 KiB around
// each first touch. Those pages would stay counted in the process's
// resident memory for its whole life. The pages are never written (text,
// read-only data, function tables), so dropping them loses nothing: a page
// used again is mapped back from the page cache on its first touch, a
// minor fault (about 400 of them, 64 KiB each, map back what serving
// uses). Writable mappings (.data, .noptrdata, .bss) are left alone: there
// MADV_DONTNEED would discard what the program wrote.
//
// Data embedded in a writable mapping and never written, such as the fonts
// gonum/plot parses at start-up, is still the file's own pages, and is
// released too: whole pages inside each of files, and only when they lie
// in one of the executable's private mappings (on the heap, MADV_DONTNEED
// would zero them).
func releaseExecutablePages(files [][]byte) (before, after int64) {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0, 0
	}
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0, 0
	}
	before = residentFileBytes()
	ranges := parseMappings(maps, exe, true)
	ranges = append(ranges, pagesWithin(files, parseMappings(maps, exe, false))...)
	for _, r := range ranges {
		// Failing is harmless: the pages merely stay mapped.
		_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, r[0], r[1]-r[0], syscall.MADV_DONTNEED)
	}
	return before, residentFileBytes()
}

// pagesWithin returns, for each of files lying wholly inside one of
// mappings, the whole pages it covers.
func pagesWithin(files [][]byte, mappings [][2]uintptr) [][2]uintptr {
	page := uintptr(os.Getpagesize())
	var out [][2]uintptr
	for _, f := range files {
		if len(f) == 0 {
			continue
		}
		lo := uintptr(unsafe.Pointer(unsafe.SliceData(f)))
		hi := lo + uintptr(len(f))
		inside := false
		for _, m := range mappings {
			inside = inside || (m[0] <= lo && hi <= m[1])
		}
		start, end := (lo+page-1)&^(page-1), hi&^(page-1)
		if inside && start < end {
			out = append(out, [2]uintptr{start, end})
		}
	}
	return out
}

// parseMappings reads maps, in /proc/PID/maps's format, for path's private
// mappings: with readOnly, only those readable and not writable.
func parseMappings(maps []byte, path string, readOnly bool) [][2]uintptr {
	var out [][2]uintptr
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// 00400000-012fa000 r-xp 00000000 08:01 1234  /usr/bin/warroom
		f := strings.Fields(sc.Text())
		if len(f) < 6 || strings.Join(f[5:], " ") != path {
			continue
		}
		perm := f[1]
		if len(perm) != 4 || perm[3] != 'p' || readOnly && (perm[0] != 'r' || perm[1] != '-') {
			continue
		}
		lo, hi, ok := strings.Cut(f[0], "-")
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(lo, 16, 64)
		end, err2 := strconv.ParseUint(hi, 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		out = append(out, [2]uintptr{uintptr(start), uintptr(end)})
	}
	return out
}

// residentFileBytes reads RssFile from /proc/self/status (0 when absent).
func residentFileBytes() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			kib, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kib * 1024
		}
	}
	return 0
}
