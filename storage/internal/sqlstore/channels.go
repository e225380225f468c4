package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// Each chat platform's name is stored once (schema 30), in platforms, and
// each channel's name once, in channels: a posted message (messages.go)
// and an incident's link to its channel (incidents.go) name them by those
// rows' ids, so that neither the rows nor the indexes holding them repeat
// the names. A platform's or a channel's row is added when a message or a
// link first names it and stays: its id never changes.

const (
	// platformID is the id of the platform named $1.
	platformID = `(SELECT id FROM platforms WHERE name = $1)`
	// channelID is the id of the channel named $2 on platform $1.
	channelID = `(SELECT id FROM channels WHERE platform = ` + platformID + ` AND name = $2)`
)

const (
	// qChannelKnown, qAddPlatform and qAddChannel add the rows of a
	// platform and a channel where there are none yet: PostgreSQL spends
	// an id on every INSERT, also one that finds the row there, hence the
	// look first (a new channel on a known platform spends one of the
	// platforms' ids; they are 64 bits).
	qChannelKnown = `SELECT 1 FROM channels WHERE platform = ` + platformID + ` AND name = $2`
	qAddPlatform  = `INSERT INTO platforms (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`
	qAddChannel   = `INSERT INTO channels (platform, name) VALUES (` + platformID + `, $2) ON CONFLICT (platform, name) DO NOTHING`
)

// channelKey names a channel's row.
type channelKey struct{ platform, channel string }

// channelsSeen are the channels whose rows a committed transaction holds,
// by channelKey: as the rows stay once added, addChannel looks each up
// once per process rather than once per message (most messages go to a
// channel that has some already).
// The platforms of those channels have their rows too: a new channel on
// one of them adds only the channel's row.
type channelsSeen struct{ m, platforms sync.Map }

func (c *channelsSeen) has(k channelKey) bool { _, ok := c.m.Load(k); return ok }
func (c *channelsSeen) add(k channelKey) {
	c.m.Store(k, struct{}{})
	c.platforms.Store(k.platform, struct{}{})
}

// hasPlatform says a committed transaction holds platform's row.
func (c *channelsSeen) hasPlatform(platform string) bool {
	_, ok := c.platforms.Load(platform)
	return ok
}

// forget drops k, after a write naming its channel failed: were its rows
// gone after all (a database emptied under a running process), the next
// write looks again and adds them.
func (c *channelsSeen) forget(k channelKey) {
	c.m.Delete(k)
	c.platforms.Delete(k.platform)
}

// addChannel adds the rows of a platform and its channel unless they are
// there. Once the transaction commits, the channels it added are seen
// (tx.remember).
func (t *tx) addChannel(ctx context.Context, platform, channel string) error {
	k := channelKey{platform, channel}
	if t.s.seen.has(k) {
		return nil
	}
	// A row this transaction added is not committed: found again here, it
	// is not remembered (the transaction, or its savepoint, may roll back).
	found, err := addChannel(ctx, t.queryRow, t.exec, platform, channel, t.s.seen.hasPlatform(platform))
	if err != nil {
		t.s.seen.forget(k)
		return err
	}
	if found && !t.added[k] {
		t.s.seen.add(k)
	} else if !found {
		if t.added == nil {
			t.added = map[channelKey]bool{}
		}
		t.added[k] = true
	}
	return nil
}

// addChannel is tx.addChannel through queryRow and exec: a transaction's,
// or the writer's outside one (Store.SaveMessage). found says the rows
// were there already; knownPlatform that the platform's row is
// (channelsSeen.hasPlatform).
func addChannel(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row,
	exec func(context.Context, string, ...any) (sql.Result, error), platform, channel string, knownPlatform bool) (found bool, err error) {
	var one int
	err = queryRow(ctx, qChannelKnown, platform, channel).Scan(&one)
	if !errors.Is(err, sql.ErrNoRows) {
		return err == nil, err
	}
	if !knownPlatform {
		if _, err := exec(ctx, qAddPlatform, platform); err != nil {
			return false, err
		}
	}
	_, err = exec(ctx, qAddChannel, platform, channel)
	return false, err
}

// linkChannel links a platform's channel to the incident unless the
// channel is linked already (to it or to another), adding the channel's
// row where there is none; the result counts the links made.
func (t *tx) linkChannel(ctx context.Context, platform, channel string, number int64) (sql.Result, error) {
	if err := t.addChannel(ctx, platform, channel); err != nil {
		return nil, err
	}
	return t.exec(ctx, qLinkChannel, platform, channel, number)
}

// remember notes the channels whose rows the committed transaction
// added as seen.
func (t *tx) remember() {
	for k := range t.added {
		t.s.seen.add(k)
	}
}
