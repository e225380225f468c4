package config

import (
	"slices"
	"strings"
	"testing"
)

// TestDigestPlatforms: a digest names the chat platforms it is posted on,
// carried into its schedule; a platform warroom does not speak is refused
// with its key.
func TestDigestPlatforms(t *testing.T) {
	c, err := Load(writeFile(t, "c.yaml", "digests:\n  - channel: \"400000000000000001\"\n    schedule: \"0 9 * * MON\"\n    platforms: [discord]\n"), env())
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Insights.Digests[0].Schedule().Platforms; !slices.Equal(got, []string{"discord"}) {
		t.Errorf("platforms %v, want [discord]", got)
	}
	_, err = Load(writeFile(t, "c.yaml", "digests:\n  - channel: x\n    schedule: \"0 9 * * MON\"\n    platforms: [teams]\n"), env())
	if err == nil || !strings.Contains(err.Error(), `digests[0]: platforms[0]: "teams" is not slack or discord`) {
		t.Errorf("error %v", err)
	}
}
