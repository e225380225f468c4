package main

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
)

// pgRelay sits between the server and PostgreSQL and counts round trips:
// each time a connection's client sends after the server has answered, a
// new round trip begins. It names each round trip by its first statement
// (a simple Query's text, or the text of the prepared statement a Bind
// names), so that a benchmark can say where they go. The count does not
// move with the machine's load, except for the outbox worker's polls.
type pgRelay struct {
	ln     net.Listener
	target string

	mu    sync.Mutex
	trips map[string]int // round trips by first statement
	txs   map[string]int // transactions by the statements they began
	wg    sync.WaitGroup
}

// newPGRelay listens on loopback and returns the relay and dsn pointed at it.
func newPGRelay(tb testing.TB, dsn string) (*pgRelay, string) {
	tb.Helper()
	u, err := url.Parse(dsn)
	if err != nil || u.Host == "" {
		tb.Fatalf("the round-trip relay needs a URL DSN: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	r := &pgRelay{ln: ln, target: u.Host, trips: map[string]int{}, txs: map[string]int{}}
	tb.Cleanup(func() { _ = ln.Close(); r.wg.Wait() })
	go r.accept()
	u.Host = ln.Addr().String()
	return r, u.String()
}

func (r *pgRelay) accept() {
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", r.target)
		if err != nil {
			_ = c.Close()
			continue
		}
		r.wg.Add(1)
		go func() { defer r.wg.Done(); r.relay(c, s) }()
	}
}

// relay copies the server's bytes back as they come and reads the
// client's messages one by one.
func (r *pgRelay) relay(c, s net.Conn) {
	defer c.Close()
	defer s.Close()
	var mu sync.Mutex
	answered := true // the next client message starts a round trip
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := s.Read(buf)
			if n > 0 {
				mu.Lock()
				answered = true
				mu.Unlock()
				if _, werr := c.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				_ = c.Close()
				return
			}
		}
	}()
	named := map[string]string{} // prepared statement name → text
	var inTx []string            // the round trips of the open transaction
	hdr := make([]byte, 5)
	// The start-up message has no type byte.
	if _, err := io.ReadFull(c, hdr[:4]); err != nil {
		return
	}
	body := make([]byte, binary.BigEndian.Uint32(hdr[:4])-4)
	if _, err := io.ReadFull(c, body); err != nil {
		return
	}
	if _, err := s.Write(append(hdr[:4:4], body...)); err != nil {
		return
	}
	for {
		if _, err := io.ReadFull(c, hdr); err != nil {
			return
		}
		body := make([]byte, binary.BigEndian.Uint32(hdr[1:5])-4)
		if _, err := io.ReadFull(c, body); err != nil {
			return
		}
		name := ""
		switch hdr[0] {
		case 'Q':
			name = cstring(body)
		case 'P': // Parse: statement name, text
			st := cstring(body)
			text := cstring(body[len(st)+1:])
			named[st] = text
			name = text
		case 'B': // Bind: portal, statement
			portal := cstring(body)
			name = named[cstring(body[len(portal)+1:])]
		}
		mu.Lock()
		first := answered && hdr[0] != 'X'
		answered = false
		mu.Unlock()
		if first {
			l := label(name)
			r.mu.Lock()
			r.trips[l]++
			switch {
			case l == "begin":
				inTx = []string{}
			case l == "commit" || l == "rollback":
				if inTx != nil {
					r.txs[strings.Join(inTx, " | ")]++
				}
				inTx = nil
			case inTx != nil:
				inTx = append(inTx, strings.Join(strings.Fields(l)[:min(3, len(strings.Fields(l)))], " "))
			}
			r.mu.Unlock()
		}
		if _, err := s.Write(append(hdr[:5:5], body...)); err != nil {
			return
		}
	}
}

func cstring(b []byte) string {
	if i := slices.Index(b, 0); i >= 0 {
		return string(b[:i])
	}
	return string(b)
}

// label shortens a statement to its first words, and says whether it
// locks rows.
func label(q string) string {
	f := strings.Fields(q)
	if len(f) > 6 {
		f = f[:6]
	}
	l := strings.Join(f, " ")
	if strings.Contains(q, "FOR NO KEY UPDATE") {
		l += " … FOR NO KEY UPDATE"
	}
	return l
}

// take returns the round trips counted since the last take, by label,
// and the transactions, by the statements in them.
func (r *pgRelay) take() (trips, txs map[string]int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	trips, txs = r.trips, r.txs
	r.trips, r.txs = map[string]int{}, map[string]int{}
	return trips, txs
}

// reportTrips adds the round trips per incident to b and writes the
// largest kinds of round trip and of transaction to stderr.
func reportTrips(b *testing.B, trips, txs map[string]int, incidents int) {
	b.ReportMetric(float64(sum(trips))/float64(incidents), "round-trips/incident")
	b.ReportMetric(float64(sum(txs))/float64(incidents), "transactions/incident")
	// On stderr: a benchmark's log is cut to its first lines.
	fmt.Fprintf(os.Stderr, "%s: round trips per incident by first statement:%s\n", b.Name(), top(trips, incidents, 40))
	fmt.Fprintf(os.Stderr, "%s: transactions per incident:%s\n", b.Name(), top(txs, incidents, 15))
}

func sum(m map[string]int) (n int) {
	for _, v := range m {
		n += v
	}
	return n
}

// top lists the largest counts of m, each per incident.
func top(m map[string]int, incidents, most int) string {
	type kind struct {
		label string
		n     int
	}
	var kinds []kind
	for l, n := range m {
		kinds = append(kinds, kind{l, n})
	}
	slices.SortFunc(kinds, func(a, b kind) int { return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(a.label, b.label)) })
	var sb strings.Builder
	for i, k := range kinds {
		if i == most {
			break
		}
		fmt.Fprintf(&sb, "\n%8.2f  %s", float64(k.n)/float64(incidents), k.label)
	}
	return sb.String()
}
