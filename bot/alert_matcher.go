package bot

import (
	"regexp"
	"strconv"
	"strings"
)

// Matcher tests one alert label, as in Alertmanager silences: Op is "=",
// "!=", "=~" or "!~" (the last two with a regular expression that must
// match the whole value). A missing label has the value "".
type Matcher struct {
	Name  string `json:"name"`
	Op    string `json:"op"`
	Value string `json:"value"`

	re *regexp.Regexp // compiled by ParseMatcher or Compile
}

// Matcher operators.
const (
	MatchEqual     = "="
	MatchNotEqual  = "!="
	MatchRegexp    = "=~"
	MatchNotRegexp = "!~"
)

// labelNameRE is a Prometheus label name.
var labelNameRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// ParseMatcher reads one label matcher: name=value, name!=value,
// name=~regexp or name!~regexp (the regexp anchored to the whole value).
// A value may be double-quoted, as String writes it.
func ParseMatcher(s string) (Matcher, error) {
	i := strings.IndexAny(s, "=!")
	if i <= 0 {
		return Matcher{}, matcherError(s)
	}
	m := Matcher{Name: s[:i]}
	rest := s[i:]
	for _, op := range []string{MatchRegexp, MatchNotRegexp, MatchNotEqual, MatchEqual} {
		if v, ok := strings.CutPrefix(rest, op); ok {
			m.Op, m.Value = op, v
			break
		}
	}
	if m.Op == "" || !labelNameRE.MatchString(m.Name) {
		return Matcher{}, matcherError(s)
	}
	if len(m.Value) >= 2 && m.Value[0] == '"' {
		v, err := strconv.Unquote(m.Value)
		if err != nil {
			return Matcher{}, matcherError(s)
		}
		m.Value = v
	}
	return m.Compile()
}

// Compile checks m and prepares its regular expression; matchers built by
// hand (from configuration) go through it before use.
func (m Matcher) Compile() (Matcher, error) {
	if !labelNameRE.MatchString(m.Name) {
		return Matcher{}, Errorf(CodeInvalid, "%q is not a label name", SanitizeTitle(m.Name, 80))
	}
	switch m.Op {
	case MatchEqual, MatchNotEqual:
		m.re = nil
	case MatchRegexp, MatchNotRegexp:
		re, err := regexp.Compile("^(?:" + m.Value + ")$")
		if err != nil {
			return Matcher{}, Errorf(CodeInvalid, "matcher %s: %q is not a regular expression",
				SanitizeTitle(m.Name+m.Op, 80), SanitizeTitle(m.Value, 80))
		}
		m.re = re
	default:
		return Matcher{}, Errorf(CodeInvalid, "matcher %s: operator %q is not one of =, !=, =~, !~",
			SanitizeTitle(m.Name, 80), SanitizeTitle(m.Op, 10))
	}
	return m, nil
}

// Matches reports whether labels satisfy m.
func (m Matcher) Matches(labels map[string]string) bool {
	v := labels[m.Name]
	switch m.Op {
	case MatchEqual:
		return v == m.Value
	case MatchNotEqual:
		return v != m.Value
	case MatchRegexp, MatchNotRegexp:
		re := m.re
		if re == nil { // not compiled: compile now (slow path)
			c, err := m.Compile()
			if err != nil {
				return false
			}
			re = c.re
		}
		return re.MatchString(v) == (m.Op == MatchRegexp)
	}
	return false
}

// MatchAll reports whether labels satisfy every matcher (true for none).
func MatchAll(ms []Matcher, labels map[string]string) bool {
	for _, m := range ms {
		if !m.Matches(labels) {
			return false
		}
	}
	return true
}

// String writes m as ParseMatcher reads it, quoting a value that holds
// spaces, quotes or nothing.
func (m Matcher) String() string {
	v := m.Value
	if v == "" || strings.ContainsAny(v, " \t\n\"'\\") {
		v = strconv.Quote(v)
	}
	return m.Name + m.Op + v
}

// MatchersText joins matchers with spaces.
func MatchersText(ms []Matcher) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = m.String()
	}
	return strings.Join(parts, " ")
}

// Equal reports whether two matchers say the same thing.
func (m Matcher) Equal(o Matcher) bool {
	return m.Name == o.Name && m.Op == o.Op && m.Value == o.Value
}

func matcherError(s string) error {
	return Errorf(CodeInvalid, "%q is not a label matcher: write name=value, name!=value, name=~regexp or name!~regexp",
		SanitizeTitle(s, 80))
}
