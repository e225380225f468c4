package jira

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

// TestExampleDefaults: the example configuration shows the issue types
// this package uses when none is configured.
func TestExampleDefaults(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "deploy", "warroom.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c := Config{URL: "https://example.atlassian.net", Token: "t", Project: "OPS", User: "bot@example.com"}
	if err := c.defaults(); err != nil {
		t.Fatal(err)
	}
	for key, code := range map[string]string{"issue_type": c.IssueType, "action_issue_type": c.ActionIssueType, "link_type": c.LinkType} {
		m := regexp.MustCompile(`(?m)^\s*# ` + key + `: (\S+)`).FindSubmatch(data)
		if m == nil {
			t.Errorf("the example does not show jira.%s", key)
			continue
		}
		if string(m[1]) != code {
			t.Errorf("the example shows jira.%s: %s; the default is %s", key, m[1], code)
		}
	}
}
