// Package schedule only keeps DefaultInterval where the configuration
// reads it: the scheduler itself is the engine's (engine/schedule), and the
// default is the domain's (bot.DefaultCheckInterval).
//
// It imports bot only.
package schedule

import "github.com/warroom/warroom/bot"

// DefaultInterval is how often the scheduler ticks unless configured
// otherwise.
const DefaultInterval = bot.DefaultCheckInterval
