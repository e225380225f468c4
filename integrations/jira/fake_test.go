package jira_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/warroom/warroom/integrations/internal/faulttest"
)

// fakeJira is a Jira REST v2 fake that follows the public docs: issue
// create, get, edit, transitions (listing and doing), comments, JQL search
// (/rest/api/2/search/jql), issue links, /myself, and Jira's error bodies
// ({"errorMessages": [...], "errors": {...}}).
type fakeJira struct {
	t   testing.TB
	srv *httptest.Server

	mu     sync.Mutex
	issues []*fakeIssue
	links  [][2]string // inward, outward
	writes []string    // "POST create INC", "PUT PROJ-1", ... in order
	user   string
	token  string
	// fault, when set, may answer a request itself (return true).
	fault    func(w http.ResponseWriter, r *http.Request) bool
	requests atomic.Int64 // every request received
	// cutCreate, when > 0, creates the next that many issues and then cuts
	// the connection instead of answering.
	cutCreate int
	// searchLag models /search/jql being eventually consistent (Atlassian
	// documents it so): an issue shows in a search only searchLag after it
	// was created, by now. Reading an issue by key is consistent at once.
	searchLag time.Duration
	now       func() time.Time
	// faults injects hangs, resets, 500s and work-then-fail answers.
	faults *faulttest.Injector
}

type fakeIssue struct {
	Created                                           time.Time
	Key, Type, Summary, Description, Priority, Status string
	Labels                                            []string
	Custom                                            map[string]any
	Comments                                          []string
}

// The fake's workflow: To Do → In Progress → Done, with Reopen Issue back.
var workflow = map[string][]fakeTransition{
	"To Do":       {{"11", "Start Progress", "In Progress"}, {"31", "Done", "Done"}},
	"In Progress": {{"21", "Stop Progress", "To Do"}, {"31", "Done", "Done"}},
	"Done":        {{"41", "Reopen Issue", "In Progress"}},
}

type fakeTransition struct{ ID, Name, To string }

func category(status string) string {
	switch status {
	case "Done":
		return "done"
	case "In Progress":
		return "indeterminate"
	}
	return "new"
}

func newFakeJira(t testing.TB) *fakeJira {
	f := &fakeJira{t: t, user: "bot@example.com", token: "tok", now: time.Now, faults: faulttest.New()}
	f.srv = httptest.NewServer(f.faults.Wrap(http.HandlerFunc(f.serve)))
	t.Cleanup(f.srv.Close)
	t.Cleanup(f.faults.Release) // first: no held call keeps Close waiting
	return f
}

func (f *fakeJira) URL() string { return f.srv.URL }

func jerr(w http.ResponseWriter, status int, msgs []string, fields map[string]string) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errorMessages": msgs, "errors": fields})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	if v != nil {
		_ = json.NewEncoder(w).Encode(v)
	}
}

var (
	reIssue       = regexp.MustCompile(`^/rest/api/2/issue/([A-Z]+-\d+)$`)
	reTransitions = regexp.MustCompile(`^/rest/api/2/issue/([A-Z]+-\d+)/transitions$`)
	reComment     = regexp.MustCompile(`^/rest/api/2/issue/([A-Z]+-\d+)/comment$`)
	reLabel       = regexp.MustCompile(`labels = "([^"]+)"`)
)

func (f *fakeJira) serve(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	f.mu.Lock()
	fault := f.fault
	f.mu.Unlock()
	if fault != nil && fault(w, r) {
		return
	}
	f.serveNoFault(w, r)
}

// serveNoFault answers as Jira would.
func (f *fakeJira) serveNoFault(w http.ResponseWriter, r *http.Request) {
	u, p, ok := r.BasicAuth()
	bearer := r.Header.Get("Authorization") == "Bearer "+f.token
	if !bearer && (!ok || u != f.user || p != f.token) {
		jerr(w, 401, []string{"You are not authenticated. Authentication required to perform this operation."}, nil)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	path := r.URL.Path
	switch {
	case r.Method == "GET" && path == "/rest/api/2/myself":
		reply(w, 200, map[string]any{"accountId": "bot-account", "displayName": "warroom bot", "emailAddress": f.user})
	case r.Method == "POST" && path == "/rest/api/2/issue":
		f.create(w, r, body)
	case r.Method == "GET" && path == "/rest/api/2/search/jql":
		f.search(w, r)
	case r.Method == "POST" && path == "/rest/api/2/issueLink":
		var l struct {
			Type         struct{ Name string }
			InwardIssue  struct{ Key string } `json:"inwardIssue"`
			OutwardIssue struct{ Key string } `json:"outwardIssue"`
		}
		if json.Unmarshal(body, &l) != nil || f.find(l.InwardIssue.Key) == nil || f.find(l.OutwardIssue.Key) == nil {
			jerr(w, 404, []string{"Issue Does Not Exist"}, nil)
			return
		}
		f.links = append(f.links, [2]string{l.InwardIssue.Key, l.OutwardIssue.Key})
		f.writes = append(f.writes, "link "+l.InwardIssue.Key+" "+l.OutwardIssue.Key)
		w.WriteHeader(201)
	case reTransitions.MatchString(path):
		f.transitions(w, r, reTransitions.FindStringSubmatch(path)[1], body)
	case reComment.MatchString(path) && r.Method == "POST":
		is := f.find(reComment.FindStringSubmatch(path)[1])
		var c struct{ Body string }
		if is == nil {
			jerr(w, 404, []string{"Issue Does Not Exist"}, nil)
			return
		}
		if json.Unmarshal(body, &c) != nil || c.Body == "" {
			jerr(w, 400, nil, map[string]string{"comment": "Comment body can not be empty!"})
			return
		}
		is.Comments = append(is.Comments, c.Body)
		f.writes = append(f.writes, "comment "+is.Key)
		reply(w, 201, map[string]any{"id": strconv.Itoa(len(is.Comments)), "body": c.Body})
	case reIssue.MatchString(path):
		is := f.find(reIssue.FindStringSubmatch(path)[1])
		if is == nil {
			jerr(w, 404, []string{"Issue does not exist or you do not have permission to see it."}, nil)
			return
		}
		switch r.Method {
		case "GET":
			reply(w, 200, f.render(is))
		case "PUT":
			f.edit(w, is, body)
		default:
			w.WriteHeader(405)
		}
	default:
		jerr(w, 404, []string{"no such resource " + path}, nil)
	}
}

func (f *fakeJira) find(key string) *fakeIssue {
	for _, is := range f.issues {
		if is.Key == key {
			return is
		}
	}
	return nil
}

func (f *fakeJira) create(w http.ResponseWriter, r *http.Request, body []byte) {
	var req struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		jerr(w, 400, []string{"Unexpected character in request body"}, nil)
		return
	}
	var project, itype, prio struct{ Key, Name string }
	var is fakeIssue
	_ = json.Unmarshal(req.Fields["project"], &project)
	_ = json.Unmarshal(req.Fields["issuetype"], &itype)
	_ = json.Unmarshal(req.Fields["summary"], &is.Summary)
	_ = json.Unmarshal(req.Fields["description"], &is.Description)
	_ = json.Unmarshal(req.Fields["priority"], &prio)
	_ = json.Unmarshal(req.Fields["labels"], &is.Labels)
	errs := map[string]string{}
	if project.Key != "OPS" {
		errs["project"] = "valid project is required"
	}
	if itype.Name == "" {
		errs["issuetype"] = "Specify an issue type"
	}
	if is.Summary == "" {
		errs["summary"] = "You must specify a summary of the issue."
	}
	if prio.Name != "" && !slices.Contains([]string{"Highest", "High", "Medium", "Low", "Lowest"}, prio.Name) {
		errs["priority"] = "Priority name '" + prio.Name + "' is not valid"
	}
	if len(errs) > 0 {
		jerr(w, 400, nil, errs)
		return
	}
	is.Custom = map[string]any{}
	for k, v := range req.Fields {
		if strings.HasPrefix(k, "customfield_") {
			var x any
			_ = json.Unmarshal(v, &x)
			is.Custom[k] = x
		}
	}
	is.Type, is.Priority, is.Status = itype.Name, prio.Name, "To Do"
	is.Key = fmt.Sprintf("OPS-%d", len(f.issues)+1)
	is.Created = f.now()
	f.issues = append(f.issues, &is)
	f.writes = append(f.writes, "create "+is.Key)
	if f.cutCreate > 0 {
		f.cutCreate--
		hj, ok := w.(http.Hijacker)
		if !ok {
			f.t.Error("cannot hijack")
			return
		}
		conn, _, err := hj.Hijack()
		if err == nil {
			_ = conn.Close()
		}
		return
	}
	reply(w, 201, map[string]string{"id": strconv.Itoa(10000 + len(f.issues)), "key": is.Key, "self": f.srv.URL + "/rest/api/2/issue/" + is.Key})
}

func (f *fakeJira) search(w http.ResponseWriter, r *http.Request) {
	jql := r.URL.Query().Get("jql")
	m := reLabel.FindStringSubmatch(jql)
	if m == nil || !strings.Contains(jql, `project = "OPS"`) {
		jerr(w, 400, []string{"Error in the JQL Query: " + jql}, nil)
		return
	}
	issues := []map[string]any{}
	for _, is := range f.issues {
		if slices.Contains(is.Labels, m[1]) && !f.now().Before(is.Created.Add(f.searchLag)) {
			issues = append(issues, map[string]any{"id": "1", "key": is.Key, "fields": map[string]any{"labels": is.Labels}})
		}
	}
	reply(w, 200, map[string]any{"issues": issues, "isLast": true})
}

func status(name string) map[string]any {
	return map[string]any{"name": name, "statusCategory": map[string]any{"key": category(name)}}
}

func (f *fakeJira) render(is *fakeIssue) map[string]any {
	fields := map[string]any{
		"summary": is.Summary, "description": is.Description, "labels": is.Labels,
		"issuetype": map[string]string{"name": is.Type}, "status": status(is.Status),
	}
	if is.Priority != "" {
		fields["priority"] = map[string]string{"name": is.Priority}
	}
	for k, v := range is.Custom {
		fields[k] = v
	}
	var comments []map[string]any
	for i, c := range is.Comments {
		comments = append(comments, map[string]any{"id": strconv.Itoa(i + 1), "body": c})
	}
	fields["comment"] = map[string]any{"comments": comments, "total": len(comments), "maxResults": len(comments), "startAt": 0}
	var links []map[string]any
	for _, l := range f.links {
		switch is.Key {
		case l[0]:
			links = append(links, map[string]any{"type": map[string]string{"name": "Relates"}, "outwardIssue": map[string]string{"key": l[1]}})
		case l[1]:
			links = append(links, map[string]any{"type": map[string]string{"name": "Relates"}, "inwardIssue": map[string]string{"key": l[0]}})
		}
	}
	fields["issuelinks"] = links
	return map[string]any{"id": "1", "key": is.Key, "fields": fields}
}

func (f *fakeJira) edit(w http.ResponseWriter, is *fakeIssue, body []byte) {
	var req struct {
		Fields map[string]json.RawMessage `json:"fields"`
	}
	if err := json.Unmarshal(body, &req); err != nil || len(req.Fields) == 0 {
		jerr(w, 400, []string{"No fields to edit"}, nil)
		return
	}
	for k, v := range req.Fields {
		switch k {
		case "summary":
			_ = json.Unmarshal(v, &is.Summary)
		case "description":
			_ = json.Unmarshal(v, &is.Description)
		case "priority":
			var p struct{ Name string }
			_ = json.Unmarshal(v, &p)
			is.Priority = p.Name
		default:
			if !strings.HasPrefix(k, "customfield_") {
				jerr(w, 400, nil, map[string]string{k: "Field '" + k + "' cannot be set. It is not on the appropriate screen, or unknown."})
				return
			}
			var x any
			_ = json.Unmarshal(v, &x)
			is.Custom[k] = x
		}
	}
	f.writes = append(f.writes, "edit "+is.Key)
	w.WriteHeader(204)
}

func (f *fakeJira) transitions(w http.ResponseWriter, r *http.Request, key string, body []byte) {
	is := f.find(key)
	if is == nil {
		jerr(w, 404, []string{"Issue does not exist or you do not have permission to see it."}, nil)
		return
	}
	avail := workflow[is.Status]
	if r.Method == "GET" {
		var ts []map[string]any
		for _, t := range avail {
			ts = append(ts, map[string]any{"id": t.ID, "name": t.Name, "to": status(t.To), "fields": map[string]any{}})
		}
		reply(w, 200, map[string]any{"transitions": ts})
		return
	}
	var req struct {
		Transition struct{ ID string } `json:"transition"`
	}
	_ = json.Unmarshal(body, &req)
	for _, t := range avail {
		if t.ID == req.Transition.ID {
			is.Status = t.To
			f.writes = append(f.writes, "transition "+key+" "+t.To)
			w.WriteHeader(204)
			return
		}
	}
	jerr(w, 400, []string{"Transition id '" + req.Transition.ID + "' is not valid for this issue."}, nil)
}

// withLabel returns the issues carrying a label.
func (f *fakeJira) withLabel(l string) []fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeIssue
	for _, is := range f.issues {
		if slices.Contains(is.Labels, l) {
			c := *is
			c.Comments = slices.Clone(is.Comments)
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeJira) setFault(fn func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fault = fn
}

func (f *fakeJira) log() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.writes)
}
