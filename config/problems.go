package config

import (
	"fmt"
	"time"

	"github.com/warroom/warroom/bot"
)

// Problems is the problems section: when recurring incidents suggest a
// candidate problem in the insights and digests (README.md, "Problem
// management").
//
//	problems:
//	  candidates: 3   # incidents of one alert rule or service, linked to no problem,
//	  within: 30d     # recurring within this long
type Problems struct {
	Candidates int           `yaml:"candidates"`
	Within     time.Duration `yaml:"within"`
}

func (p *Problems) fill() {
	if p.Candidates == 0 {
		p.Candidates = bot.DefaultCandidateCount
	}
	if p.Within == 0 {
		p.Within = bot.DefaultCandidateWindow
	}
}

func (p *Problems) check() []error {
	if err := p.Rule().Check(); err != nil {
		return []error{fmt.Errorf("problems: %s", bot.ErrorMessage(err))}
	}
	return nil
}

// Rule is the candidate rule the insights and digests apply.
func (p Problems) Rule() bot.CandidateRule {
	return bot.CandidateRule{Count: p.Candidates, Window: p.Within}
}
