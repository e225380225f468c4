package main

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/warroom/warroom/config"
)

const (
	secretValue = "xoxb-very-s3cret"
	dbPassword  = "db-s3cret-pw"
)

func TestLoggerRedactsSecretKeys(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			log := newLogger(&buf, slog.LevelDebug, format)
			log.Info("request",
				"token", secretValue,
				"Authorization", "Bearer "+secretValue,
				slog.Group("slack", "signing_secret", secretValue),
				"url", "postgres://u:"+dbPassword+"@h/db",
				"secret", config.NewSecret(secretValue),
				"user", "alice",
				"api_token", "",
			)
			got := buf.String()
			if strings.Contains(got, secretValue) || strings.Contains(got, dbPassword) {
				t.Errorf("log line shows a secret: %s", got)
			}
			if !strings.Contains(got, "alice") || !strings.Contains(got, "<redacted>") {
				t.Errorf("log line lost ordinary values or the redaction mark: %s", got)
			}
		})
	}
}

func TestLoggerHidesURLPasswords(t *testing.T) {
	var buf bytes.Buffer
	log := newLogger(&buf, slog.LevelInfo, "text")
	log.Error("open database", "err", fmt.Errorf("connect: %w", errors.New("cannot parse `postgres://u:"+dbPassword+"@db/x`")),
		"target", "https://bob:"+dbPassword+"@jira.example.com/rest")
	if got := buf.String(); strings.Contains(got, dbPassword) || !strings.Contains(got, "postgres://u:<redacted>@db/x") {
		t.Errorf("log line: %s", got)
	}
}
