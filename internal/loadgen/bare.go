package loadgen

import (
	"encoding/json"
	"io"
	"net/http"
)

// BareHandler is the floor a receiver is compared with: it reads the body,
// checks that it is JSON, and answers 200 with a small JSON body. No
// authentication, no decoding into types, no storage.
func BareHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil || !json.Valid(body) {
			http.Error(w, "bad body", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"accepted":1}`)
	})
}
