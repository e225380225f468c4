package httpx

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"

	"github.com/warroom/warroom/bot"
)

// MaxBody is the largest request body any route accepts: 1 MiB.
const MaxBody = 1 << 20

// errorBody is the shape of every JSON error.
type errorBody struct {
	Error string `json:"error"`
}

// WriteJSON answers status with v encoded as JSON. When v cannot be encoded
// it answers 500 instead.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		_ = json.NewEncoder(&buf).Encode(errorBody{Error: "internal error"})
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// WriteError answers status with {"error": msg}.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, errorBody{Error: msg})
}

// WriteErr answers a domain error with the status of its code and its
// user-facing message; the text of internal errors never reaches the client,
// it goes to log instead.
func WriteErr(w http.ResponseWriter, log *slog.Logger, err error) {
	status := StatusOf(err)
	if status == http.StatusInternalServerError && log != nil {
		log.Error("request failed", "err", err)
	}
	WriteError(w, status, bot.ErrorMessage(err))
}

// StatusOf maps an error's bot code to an HTTP status: invalid 400,
// unauthorized 401, forbidden 403, not_found 404, conflict 409,
// not_configured 501, anything else 500. A nil error is 200.
func StatusOf(err error) int {
	switch bot.ErrorCode(err) {
	case "":
		return http.StatusOK
	case bot.CodeInvalid:
		return http.StatusBadRequest
	case bot.CodeUnauthorized:
		return http.StatusUnauthorized
	case bot.CodeForbidden:
		return http.StatusForbidden
	case bot.CodeNotFound:
		return http.StatusNotFound
	case bot.CodeConflict:
		return http.StatusConflict
	case bot.CodeNotConfigured:
		return http.StatusNotImplemented
	case bot.CodeUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// DecodeJSON reads r's body as one JSON value into v. It requires
// Content-Type application/json (415), caps the body at MaxBody (413),
// refuses unknown fields, repeated keys, trailing data and malformed JSON (400 naming the
// problem). On failure it has already answered and returns the error; the
// caller just returns.
func DecodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if !IsJSON(r) {
		WriteError(w, http.StatusUnsupportedMediaType, "the request body must be JSON: send Content-Type: application/json")
		return errors.New("decode json: wrong content type")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		err = dec.Decode(v)
		if err == nil {
			if _, terr := dec.Token(); terr != io.EOF {
				err = errors.New("trailing data after the JSON value")
			}
		}
		if err == nil {
			err = UniqueKeys(body)
		}
	}
	if err == nil {
		return nil
	}
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		WriteError(w, http.StatusRequestEntityTooLarge, "the request body is larger than 1 MiB")
		return fmt.Errorf("decode json: %w", err)
	}
	WriteError(w, http.StatusBadRequest, "invalid JSON: "+describe(err))
	return fmt.Errorf("decode json: %w", err)
}

// IsJSON reports whether the request says its body is JSON.
func IsJSON(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "application/json"
}

// describe turns a decoding error into a sentence for the client.
func describe(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF):
		return "the body is empty"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ends in the middle of a value"
	case errors.As(err, &syn):
		return fmt.Sprintf("%s (at byte %d)", syn.Error(), syn.Offset)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return fmt.Sprintf("field %q must be %s, not %s", typ.Field, typ.Type, typ.Value)
		}
		return fmt.Sprintf("expected %s, not %s", typ.Type, typ.Value)
	case errors.Is(err, ErrRepeated):
		return err.Error()
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
