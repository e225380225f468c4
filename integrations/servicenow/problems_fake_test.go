package servicenow_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// problemTable serves the problem table as the Table API does: GET with
// sysparm_query (field=value terms joined by ^), POST, and PATCH
// /api/now/table/problem/{sys_id}. f.mu is held.
func (f *fakeSN) problemTable(w http.ResponseWriter, r *http.Request, body []byte) {
	id, one := strings.CutPrefix(r.URL.Path, "/api/now/table/problem/")
	switch {
	case !one && r.Method == "GET":
		out := []map[string]string{}
		for _, rec := range f.problems {
			match := true
			for _, t := range strings.Split(r.URL.Query().Get("sysparm_query"), "^") {
				if k, v, ok := strings.Cut(t, "="); ok && !strings.HasPrefix(t, "ORDERBY") && rec[k] != v {
					match = false
				}
			}
			if match {
				out = append(out, rec)
			}
		}
		result(w, 200, out)
	case !one && r.Method == "POST":
		var in map[string]string
		if err := json.Unmarshal(body, &in); err != nil || in["short_description"] == "" {
			snErr(w, 400, "Invalid body", fmt.Sprint(err))
			return
		}
		rec := map[string]string{"sys_id": fmt.Sprintf("p%031d", len(f.problems)+1), "number": fmt.Sprintf("PRB%07d", 40001+len(f.problems))}
		for k, v := range in {
			rec[k] = v
		}
		f.problems = append(f.problems, rec)
		f.writes = append(f.writes, "problem create "+rec["number"])
		result(w, 201, rec)
	case one && (r.Method == "PATCH" || r.Method == "PUT"):
		for _, rec := range f.problems {
			if rec["sys_id"] == id {
				var in map[string]string
				if err := json.Unmarshal(body, &in); err != nil {
					snErr(w, 400, "Invalid body", err.Error())
					return
				}
				for k, v := range in {
					rec[k] = v
				}
				f.writes = append(f.writes, "problem update "+rec["number"])
				result(w, 200, rec)
				return
			}
		}
		snErr(w, 404, "No Record found", "Record doesn't exist or ACL restricts the record retrieval")
	default:
		snErr(w, 405, "Method not Supported", "")
	}
}

// problemRecords returns a copy of the problem table.
func (f *fakeSN) problemRecords() []map[string]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]map[string]string, len(f.problems))
	for i, rec := range f.problems {
		c := map[string]string{}
		for k, v := range rec {
			c[k] = v
		}
		out[i] = c
	}
	return out
}
