package servicenow_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/warroom/warroom/integrations/internal/faulttest"
)

// fakeSN is a ServiceNow Table API fake that follows the public docs:
// GET /api/now/table/incident with sysparm_query (field=value terms joined
// by ^, ORDERBY), POST, PATCH /api/now/table/incident/{sys_id}, the
// {"error": {"message", "detail"}, "status": "failure"} error body, data
// policies (Resolved needs close_code and close_notes, On Hold needs
// hold_reason), work_notes as a journal, and /oauth_token.do.
type fakeSN struct {
	t   testing.TB
	srv *httptest.Server

	mu       sync.Mutex
	records  []map[string]string
	problems []map[string]string // the problem table
	journal  map[string][]string // sys_id → work notes, oldest first
	writes   []string
	requests atomic.Int64
	user     string
	password string
	// OAuth: the client and the tokens handed out
	clientID, clientSecret string
	tokens                 map[string]bool
	tokenGrants            []string
	// fault, when set, may answer a request itself (return true).
	fault     func(w http.ResponseWriter, r *http.Request) bool
	cutCreate int
	noClose   bool // the instance refuses state 7 through the API
	// faults injects hangs, resets, 500s and work-then-fail answers.
	faults *faulttest.Injector
}

func newFakeSN(t testing.TB) *fakeSN {
	f := &fakeSN{t: t, user: "warroom", password: "pw", journal: map[string][]string{}, tokens: map[string]bool{},
		clientID: "cid", clientSecret: "csecret", faults: faulttest.New()}
	f.srv = httptest.NewServer(f.faults.Wrap(http.HandlerFunc(f.serve)))
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.faults.Release) // first: no held call keeps Close waiting
	return f
}

func snErr(w http.ResponseWriter, status int, msg, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"message": msg, "detail": detail}, "status": "failure"})
}

func result(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"result": v})
}

func (f *fakeSN) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	fault := f.fault
	f.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/oauth_token.do" {
		f.oauth(w, r)
		return
	}
	u, p, basic := r.BasicAuth()
	bearer := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !(basic && u == f.user && p == f.password) && !f.tokens[bearer] {
		snErr(w, 401, "User Not Authenticated", "Required to provide Auth information")
		return
	}
	body, _ := io.ReadAll(r.Body)
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/api/now/table/problem"):
		f.problemTable(w, r, body) // problems_fake_test.go
	case path == "/api/now/table/incident" && r.Method == "GET":
		f.query(w, r)
	case path == "/api/now/table/incident" && r.Method == "POST":
		f.create(w, r, body)
	case strings.HasPrefix(path, "/api/now/table/incident/"):
		id := strings.TrimPrefix(path, "/api/now/table/incident/")
		rec := f.byID(id)
		if rec == nil {
			snErr(w, 404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
			return
		}
		switch r.Method {
		case "GET":
			out := map[string]string{}
			if r.URL.Query().Get("sysparm_display_value") == "true" {
				var notes []string
				for i, n := range slices.Backward(f.journal[id]) {
					notes = append(notes, fmt.Sprintf("2026-11-22 12:%02d:00 - warroom (Work notes)\n%s", i, n))
				}
				out["work_notes"] = strings.Join(notes, "\n\n")
			}
			result(w, 200, out)
		case "PATCH", "PUT":
			f.patch(w, rec, body)
		default:
			snErr(w, 405, "Method not Supported", "")
		}
	default:
		snErr(w, 400, "Requested URI does not represent any resource", path)
	}
}

func (f *fakeSN) oauth(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	if r.PostForm.Get("client_id") != f.clientID || r.PostForm.Get("client_secret") != f.clientSecret {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"error_description":"access_denied","error":"server_error"}`)
		return
	}
	grant := r.PostForm.Get("grant_type")
	if grant == "password" && (r.PostForm.Get("username") != f.user || r.PostForm.Get("password") != f.password) {
		w.WriteHeader(401)
		_, _ = io.WriteString(w, `{"error_description":"access_denied","error":"server_error"}`)
		return
	}
	tok := fmt.Sprintf("token-%d", len(f.tokenGrants)+1)
	f.tokens[tok] = true
	f.tokenGrants = append(f.tokenGrants, grant)
	w.Header().Set("Content-Type", "application/json")
	_, _ = fmt.Fprintf(w, `{"access_token":%q,"refresh_token":"r","scope":"useraccount","token_type":"Bearer","expires_in":1799}`, tok)
}

func (f *fakeSN) byID(id string) map[string]string {
	for _, rec := range f.records {
		if rec["sys_id"] == id {
			return rec
		}
	}
	return nil
}

// query answers sysparm_query terms field=value joined by ^ (ORDERBY ignored).
func (f *fakeSN) query(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("sysparm_query")
	var terms [][2]string
	for _, t := range strings.Split(q, "^") {
		if strings.HasPrefix(t, "ORDERBY") || t == "" {
			continue
		}
		k, v, ok := strings.Cut(t, "=")
		if !ok {
			snErr(w, 400, "Invalid query", t)
			return
		}
		terms = append(terms, [2]string{k, v})
	}
	out := []map[string]string{}
	for _, rec := range f.records {
		match := true
		for _, t := range terms {
			if rec[t[0]] != t[1] {
				match = false
			}
		}
		if match {
			out = append(out, rec)
		}
	}
	result(w, 200, out)
}

func (f *fakeSN) check(rec map[string]string, in map[string]string) (string, bool) {
	if _, ok := in["priority"]; ok {
		f.t.Errorf("warroom wrote priority: the instance computes it")
	}
	for _, k := range []string{"impact", "urgency"} {
		if v, ok := in[k]; ok && v != "1" && v != "2" && v != "3" {
			return "Invalid " + k + " " + v, false
		}
	}
	state := rec["state"]
	if v, ok := in["state"]; ok {
		state = v
	}
	get := func(k string) string {
		if v, ok := in[k]; ok {
			return v
		}
		return rec[k]
	}
	switch state {
	case "6", "7":
		if get("close_code") == "" || get("close_notes") == "" {
			return "Data Policy Exception: The following fields are mandatory: Resolution code, Resolution notes", false
		}
	case "3":
		if get("hold_reason") == "" {
			return "Data Policy Exception: The following fields are mandatory: On hold reason", false
		}
	}
	if in["state"] == "7" && f.noClose {
		return "Operation Failed: Incident state cannot be set to Closed", false
	}
	return "", true
}

func (f *fakeSN) create(w http.ResponseWriter, r *http.Request, body []byte) {
	in := map[string]string{}
	if err := json.Unmarshal(body, &in); err != nil {
		snErr(w, 400, "Exception while reading request", "Cannot decode: "+err.Error())
		return
	}
	rec := map[string]string{"state": "1"}
	if msg, ok := f.check(rec, in); !ok {
		snErr(w, 403, "Operation Failed", msg)
		return
	}
	for k, v := range in {
		if k == "work_notes" {
			continue
		}
		rec[k] = v
	}
	n := len(f.records) + 1
	rec["sys_id"] = fmt.Sprintf("%032x", n)
	rec["number"] = fmt.Sprintf("INC%07d", 10000+n)
	f.records = append(f.records, rec)
	f.writes = append(f.writes, "create "+rec["number"])
	if f.cutCreate > 0 {
		f.cutCreate--
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	result(w, 201, rec)
}

func (f *fakeSN) patch(w http.ResponseWriter, rec map[string]string, body []byte) {
	in := map[string]string{}
	if err := json.Unmarshal(body, &in); err != nil {
		snErr(w, 400, "Exception while reading request", err.Error())
		return
	}
	if msg, ok := f.check(rec, in); !ok {
		snErr(w, 403, "Operation Failed", msg)
		return
	}
	var keys []string
	for k, v := range in {
		if k == "work_notes" {
			f.journal[rec["sys_id"]] = append(f.journal[rec["sys_id"]], v)
			continue
		}
		rec[k] = v
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if _, ok := in["work_notes"]; ok {
		f.writes = append(f.writes, "work_notes "+rec["number"])
	}
	if len(keys) > 0 {
		f.writes = append(f.writes, "patch "+rec["number"]+" "+strings.Join(keys, ","))
	}
	result(w, 200, rec)
}

// byCorrelation returns the records whose correlation_id is key.
func (f *fakeSN) byCorrelation(key string) []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]string
	for _, rec := range f.records {
		if rec["correlation_id"] == key {
			c := map[string]string{}
			for k, v := range rec {
				c[k] = v
			}
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSN) notes(sysID string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.journal[sysID])
}

func (f *fakeSN) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}

func (f *fakeSN) setFault(fn func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fn
}

// discard is a ResponseWriter that drops the answer.
type discard struct{ h http.Header }

func newDiscard() *discard                     { return &discard{h: http.Header{}} }
func (d *discard) Header() http.Header         { return d.h }
func (d *discard) Write(p []byte) (int, error) { return len(p), nil }
func (d *discard) WriteHeader(int)             {}
