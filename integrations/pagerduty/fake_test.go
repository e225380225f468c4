package pagerduty_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/warroom/warroom/integrations/internal/faulttest"
)

// fakePD is a PagerDuty stand-in following the public API docs: Events API
// v2 (POST /v2/enqueue → 202 {"status":"success","dedup_key":...}, 400
// {"status":"invalid event","message":...,"errors":[...]}, 429) and REST
// (GET /oncalls, GET /users, POST and PUT /incidents with a From header,
// errors as {"error":{"message","code","errors"}}).
type fakePD struct {
	srv   *httptest.Server
	token string

	mu        sync.Mutex
	events    []map[string]any // accepted events
	attempts  int              // every /v2/enqueue request
	failures  []int            // statuses to answer the next enqueue requests with
	incidents []map[string]any // POST /incidents bodies
	updates   []map[string]any // PUT /incidents bodies
	froms     []string
	oncalls   []map[string]any
	users     []map[string]any
	oncallReq int
	lastQuery string
	services  map[string]string // GET /services/{id}: service ID → escalation policy ID
	restReq   int               // every REST request that passed the token check
	restFail  []int             // statuses to answer the next REST requests with (429 carries Retry-After)
	// faults injects hangs, resets, 500s and work-then-fail answers.
	faults *faulttest.Injector
	limit  *eventsLimit // the Events API's rate limit, when enforced (limits_test.go)
}

func newFakePD(t *testing.T) *fakePD {
	f := &fakePD{token: "rest-token", faults: faulttest.New()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v2/enqueue", f.enqueue)
	mux.HandleFunc("GET /oncalls", f.rest(f.listOnCalls))
	mux.HandleFunc("GET /users", f.rest(f.listUsers))
	mux.HandleFunc("GET /users/{id}", f.rest(f.getUser))
	mux.HandleFunc("GET /services/{id}", f.rest(f.getService))
	mux.HandleFunc("POST /incidents", f.rest(f.createIncident))
	mux.HandleFunc("PUT /incidents", f.rest(f.manageIncidents))
	f.srv = httptest.NewServer(f.faults.Wrap(mux))
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.faults.Release) // first: no held call keeps Close waiting
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (f *fakePD) failNext(statuses ...int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.failures = append(f.failures, statuses...)
}

func (f *fakePD) enqueue(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.attempts++
	if f.limit.over(w, r) {
		return
	}
	if len(f.failures) > 0 {
		st := f.failures[0]
		f.failures = f.failures[1:]
		switch st {
		case http.StatusTooManyRequests:
			w.Header().Set("Retry-After", "17")
			writeJSON(w, st, map[string]any{"status": "throttle event", "message": "Requests for this service are arriving too quickly."})
		case http.StatusBadRequest:
			writeJSON(w, st, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{"'payload.summary' is too long"}})
		case http.StatusUnauthorized, http.StatusForbidden:
			writeJSON(w, st, map[string]any{"status": "unauthorized", "message": "Not authorized"})
		default:
			w.WriteHeader(st)
		}
		return
	}
	var ev map[string]any
	if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
		writeJSON(w, 400, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": []string{"not JSON"}})
		return
	}
	var errs []string
	if s, _ := ev["routing_key"].(string); len(s) != 32 {
		errs = append(errs, "'routing_key' is invalid")
	}
	action, _ := ev["event_action"].(string)
	switch action {
	case "trigger":
		p, _ := ev["payload"].(map[string]any)
		for _, k := range []string{"summary", "source", "severity"} {
			if s, _ := p[k].(string); s == "" {
				errs = append(errs, fmt.Sprintf("'payload.%s' is missing or blank", k))
			}
		}
	case "acknowledge", "resolve":
		if s, _ := ev["dedup_key"].(string); s == "" {
			errs = append(errs, "'dedup_key' is missing or blank")
		}
	default:
		errs = append(errs, "'event_action' is invalid")
	}
	if len(errs) > 0 {
		writeJSON(w, 400, map[string]any{"status": "invalid event", "message": "Event object is invalid", "errors": errs})
		return
	}
	key, _ := ev["dedup_key"].(string)
	if key == "" {
		key = fmt.Sprintf("generated-%d", len(f.events)+1)
	}
	f.events = append(f.events, ev)
	writeJSON(w, 202, map[string]any{"status": "success", "message": "Event processed", "dedup_key": key})
}

// rest checks the REST token.
func (f *fakePD) rest(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Token token="+f.token {
			writeJSON(w, 401, map[string]any{"error": map[string]any{"message": "Unauthorized", "code": 2006}})
			return
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		f.restReq++
		if len(f.restFail) > 0 {
			st := f.restFail[0]
			f.restFail = f.restFail[1:]
			if st == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "30")
			}
			writeJSON(w, st, map[string]any{"error": map[string]any{"message": http.StatusText(st), "code": 2020}})
			return
		}
		h(w, r)
	}
}

// getUser answers GET /users/{id}: {"user": {...}}, or 404.
func (f *fakePD) getUser(w http.ResponseWriter, r *http.Request) {
	for _, u := range f.users {
		if u["id"] == r.PathValue("id") {
			writeJSON(w, 200, map[string]any{"user": u})
			return
		}
	}
	writeJSON(w, 404, map[string]any{"error": map[string]any{"message": "Not Found", "code": 2100}})
}

// getService answers GET /services/{id} with its escalation policy
// reference, or 404.
func (f *fakePD) getService(w http.ResponseWriter, r *http.Request) {
	policy, ok := f.services[r.PathValue("id")]
	if !ok {
		writeJSON(w, 404, map[string]any{"error": map[string]any{"message": "Not Found", "code": 2100}})
		return
	}
	writeJSON(w, 200, map[string]any{"service": map[string]any{"id": r.PathValue("id"), "type": "service", "name": "svc",
		"escalation_policy": map[string]any{"id": policy, "type": "escalation_policy_reference"}}})
}

func (f *fakePD) listOnCalls(w http.ResponseWriter, r *http.Request) {
	f.oncallReq++
	f.lastQuery = r.URL.RawQuery
	out := f.oncalls
	if policies := r.URL.Query()["escalation_policy_ids[]"]; len(policies) > 0 {
		out = nil
		for _, o := range f.oncalls {
			p, _ := o["escalation_policy"].(map[string]any)
			for _, id := range policies {
				if p["id"] == id {
					out = append(out, o)
				}
			}
		}
	}
	writeJSON(w, 200, map[string]any{"oncalls": out, "limit": 100, "offset": 0, "more": false})
}

func (f *fakePD) listUsers(w http.ResponseWriter, r *http.Request) {
	q := strings.ToLower(r.URL.Query().Get("query"))
	var out []map[string]any
	for _, u := range f.users {
		if strings.Contains(strings.ToLower(u["email"].(string)), q) || strings.Contains(strings.ToLower(u["name"].(string)), q) {
			out = append(out, u)
		}
	}
	writeJSON(w, 200, map[string]any{"users": out, "limit": 25, "offset": 0, "more": false})
}

func (f *fakePD) createIncident(w http.ResponseWriter, r *http.Request) {
	from := r.Header.Get("From")
	if from == "" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "Invalid Input Provided", "code": 2001, "errors": []string{"Requester User Not Found"}}})
		return
	}
	var body struct {
		Incident map[string]any `json:"incident"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Incident == nil {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "Invalid Input Provided", "code": 2001}})
		return
	}
	key, _ := body.Incident["incident_key"].(string)
	for _, inc := range f.incidents {
		if k, _ := inc["incident_key"].(string); key != "" && k == key {
			writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "Invalid Input Provided", "code": 2001,
				"errors": []string{"Open incident with matching dedup key already exists on this service"}}})
			return
		}
	}
	f.froms = append(f.froms, from)
	f.incidents = append(f.incidents, body.Incident)
	id := fmt.Sprintf("Q%05d", len(f.incidents))
	writeJSON(w, 201, map[string]any{"incident": map[string]any{"id": id, "type": "incident", "incident_key": key, "status": "triggered"}})
}

func (f *fakePD) manageIncidents(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("From") == "" {
		writeJSON(w, 400, map[string]any{"error": map[string]any{"message": "Invalid Input Provided", "code": 2001, "errors": []string{"Requester User Not Found"}}})
		return
	}
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	f.updates = append(f.updates, body)
	writeJSON(w, 200, map[string]any{"incidents": body["incidents"]})
}

// eventActions lists the accepted events as "action dedup_key".
func (f *fakePD) eventActions() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, e := range f.events {
		out = append(out, fmt.Sprintf("%s %s", e["event_action"], e["dedup_key"]))
	}
	return out
}

// byDedupKey is what PagerDuty holds after the accepted events: one
// incident per dedup key while it is open (a trigger on an open key is
// deduplicated into it), by dedup key.
func (f *fakePD) byDedupKey() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	open, count := map[string]bool{}, map[string]int{}
	for _, ev := range f.events {
		key, _ := ev["dedup_key"].(string)
		switch ev["event_action"] {
		case "trigger":
			if !open[key] {
				open[key] = true
				count[key]++
			}
		case "resolve":
			open[key] = false
		}
	}
	return count
}
