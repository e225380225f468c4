package postgres_test

import (
	"os"
	"strings"
	"testing"

	"github.com/warroom/warroom/storage/internal/sqlstore"
)

// The title search's condition must name the indexed expression exactly,
// or PostgreSQL reads every title instead of the index.
func TestTitleSearchUsesTheIndexedExpression(t *testing.T) {
	body, err := os.ReadFile("migrations/0019_search_access.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), "USING GIN ("+sqlstore.PostgresTitleVector+")") {
		t.Errorf("migration 0019 does not index %s", sqlstore.PostgresTitleVector)
	}
	cond, arg := sqlstore.PostgresTitleMatch([]string{"node", "42"}, "$1")
	if !strings.HasPrefix(cond, sqlstore.PostgresTitleVector+" @@ ") || arg != "'node' & '42':*" {
		t.Errorf("condition %s with %q", cond, arg)
	}
}
