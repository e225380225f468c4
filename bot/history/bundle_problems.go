package history

import (
	"errors"
	"fmt"

	"github.com/warroom/warroom/bot"
)

// The problem sections: problems, then the incidents linked to them and
// their action items, which refer to both.

func checkProblem(p *bot.Problem, c *checker) error {
	if err := c.add("problem", "number", p.Number); err != nil {
		return fmt.Errorf("%w (%s)", err, p.Key())
	}
	if _, err := bot.ParseProblemStatus(string(p.Status)); err != nil || p.Status == "" {
		return fmt.Errorf("status: %q is not open, known-error, resolved or closed", p.Status)
	}
	switch {
	case p.Title == "":
		return errors.New("title: required")
	case bot.SanitizeTitle(p.Title, bot.MaxTitleLen) != p.Title:
		return errors.New("title: holds characters or a length warroom never stores")
	case p.CreatedAt.IsZero():
		return errors.New("created_at: required")
	case p.Version < 0:
		return errors.New("version: negative")
	}
	return nil
}

// problemRef checks that a row refers to a problem of the bundle.
func (c *checker) problemRef(number int64) error {
	if !c.ids["problem"].has(number) {
		return fmt.Errorf("problem: %s is not a problem of the bundle", bot.FormatProblemKey(number))
	}
	return nil
}

func checkProblemLink(l *bot.ProblemLink, c *checker) error {
	if err := c.problemRef(l.Problem); err != nil {
		return err
	}
	if err := c.ref("incident", l.Incident); err != nil {
		return err
	}
	key := fmt.Sprintf("%d/%d", l.Problem, l.Incident)
	if c.keys["problem_link "+key] {
		return fmt.Errorf("%s is linked to %s twice", bot.FormatKey(l.Incident), bot.FormatProblemKey(l.Problem))
	}
	c.keys["problem_link "+key] = true
	return nil
}

func checkProblemAction(a *bot.ProblemAction, c *checker) error {
	if err := c.add("problem_action", "id", a.ID); err != nil {
		return err
	}
	if err := checkActionFields(a.Kind, a.Status, a.Seq); err != nil {
		return err
	}
	return c.problemRef(a.Problem)
}
