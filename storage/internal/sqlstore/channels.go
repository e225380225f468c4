package sqlstore

import (
	"context"
	"database/sql"
	"errors"
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

// addChannel adds the rows of a platform and its channel unless they are
// there.
func (t *tx) addChannel(ctx context.Context, platform, channel string) error {
	return addChannel(ctx, t.queryRow, t.exec, platform, channel)
}

// addChannel is tx.addChannel through queryRow and exec: a transaction's,
// or the writer's outside one (Store.SaveMessage).
func addChannel(ctx context.Context, queryRow func(context.Context, string, ...any) *sql.Row,
	exec func(context.Context, string, ...any) (sql.Result, error), platform, channel string) error {
	var one int
	err := queryRow(ctx, qChannelKnown, platform, channel).Scan(&one)
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	if _, err := exec(ctx, qAddPlatform, platform); err != nil {
		return err
	}
	_, err = exec(ctx, qAddChannel, platform, channel)
	return err
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
