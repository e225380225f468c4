package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/warroom/warroom/bot"
)

func testTokens(t *testing.T, s bot.Store) {
	ctx := context.Background()
	create := func(tok bot.APIToken) error {
		return s.InTx(ctx, func(tx bot.Tx) error { return tx.CreateToken(ctx, &tok) })
	}
	ci := bot.APIToken{Name: "ci", Role: bot.RoleResponder, ActFor: true, Hash: "h1", CreatedAt: t0, CreatedBy: "admin"}
	if err := create(ci); err != nil {
		t.Fatal(err)
	}
	if err := create(bot.APIToken{Name: "ci", Role: bot.RoleViewer, Hash: "h2", CreatedAt: t0, CreatedBy: "admin"}); !errors.Is(err, bot.ErrTokenExists) {
		t.Fatalf("second live token of one name: %v", err)
	}
	got, err := s.TokenByHash(ctx, "h1")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&ci, got); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}
	if _, err := s.TokenByHash(ctx, "nope"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("unknown hash: %v", err)
	}
	at := t0.Add(time.Hour)
	if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.RevokeToken(ctx, "ci", at) }); err != nil {
		t.Fatal(err)
	}
	if err := s.InTx(ctx, func(tx bot.Tx) error { return tx.RevokeToken(ctx, "ci", at) }); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("revoking twice: %v", err)
	}
	if _, err := s.TokenByHash(ctx, "h1"); !errors.Is(err, bot.ErrNotFound) {
		t.Errorf("a revoked token still found: %v", err)
	}
	// The name is free again; the revoked row stays listed.
	if err := create(bot.APIToken{Name: "ci", Role: bot.RoleViewer, Hash: "h3", CreatedAt: at, CreatedBy: "admin"}); err != nil {
		t.Fatal(err)
	}
	list, err := s.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].RevokedAt == nil || !list[0].RevokedAt.Equal(at) || list[1].RevokedAt != nil || list[1].Role != bot.RoleViewer {
		t.Errorf("tokens %+v", list)
	}
}
