package slacktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// File is a file uploaded through Slack's three-step flow
// (files.getUploadURLExternal, the upload, files.completeUploadExternal).
type File struct {
	ID, Name, Title, Channel string
	Size                     int
	Data                     []byte
	Shared                   bool
}

// Files returns the files uploaded, oldest first.
func (s *Server) Files() []File {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]File, 0, len(s.files))
	for _, f := range s.files {
		out = append(out, *f)
	}
	return out
}

func filesGetUploadURLExternal(s *Server, p map[string]string) map[string]any {
	size, err := strconv.Atoi(p["length"])
	if err != nil || size <= 0 || p["filename"] == "" {
		return errBody("invalid_arguments")
	}
	s.seq++
	f := &File{ID: fmt.Sprintf("F%05d", s.seq), Name: p["filename"], Size: size}
	s.files = append(s.files, f)
	return ok(map[string]any{"upload_url": s.srv.URL + "/upload/" + f.ID, "file_id": f.ID})
}

// serveUpload receives a file's bytes (multipart, field "file") at its
// upload URL.
func (s *Server) serveUpload(w http.ResponseWriter, r *http.Request, id string) {
	var data []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if mf, _, err := r.FormFile("file"); err == nil {
			data, _ = io.ReadAll(mf)
		}
	} else {
		data, _ = io.ReadAll(r.Body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.files {
		if f.ID == id {
			f.Data = data
			w.WriteHeader(http.StatusOK)
			fmt.Fprintf(w, "OK - %d", len(data))
			return
		}
	}
	http.NotFound(w, r)
}

func filesCompleteUploadExternal(s *Server, p map[string]string) map[string]any {
	var files []struct {
		ID    string `json:"id"`
		Title string `json:"title"`
	}
	if err := json.Unmarshal([]byte(p["files"]), &files); err != nil || len(files) == 0 {
		return errBody("invalid_arguments")
	}
	ch := ""
	if id := p["channel_id"]; id != "" {
		c, e := s.channel(map[string]string{"channel": id})
		if e != nil {
			return e
		}
		ch = c.ID
	}
	var out []map[string]string
	for _, want := range files {
		var f *File
		for _, g := range s.files {
			if g.ID == want.ID {
				f = g
			}
		}
		if f == nil || len(f.Data) != f.Size {
			return errBody("file_not_found")
		}
		f.Title, f.Channel, f.Shared = want.Title, ch, ch != ""
		out = append(out, map[string]string{"id": f.ID, "title": f.Title})
	}
	return ok(map[string]any{"files": out})
}
