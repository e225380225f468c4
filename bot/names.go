package bot

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"
)

// NameResolver asks a chat platform for one of its users' name (Slack
// users.info, Discord guild members).
type NameResolver func(ctx context.Context, id string) (PersonName, error)

// NamesStore is what Names keeps its names in: the people table.
type NamesStore interface {
	NamesReader
	InTx(ctx context.Context, fn func(tx Tx) error) error
}

// DefaultNameTTL is how long a display name is trusted before it is asked
// again.
const DefaultNameTTL = 24 * time.Hour

// nameRetry is how soon a name that could not be resolved is asked again.
const nameRetry = 10 * time.Minute

// Names turns chat ids into the names people read, when rendering: ids
// stay in the data. A name is looked up in memory only, so it never
// blocks a command; one not known (or stale) is rendered as the id and
// resolved in the background (Run), stored in the people table for the
// replicas and the next start, and shown from then on.
type Names struct {
	store   NamesStore
	people  *People
	ttl     time.Duration
	now     func() time.Time
	log     *slog.Logger
	resolve map[string]NameResolver

	mu    sync.Mutex
	known map[string]PersonName // platform + "\x00" + id
	asked map[string]bool       // queued or in flight
	queue chan [2]string        // platform, id
}

// NewNames builds the names of a store; people's configured names win.
// ttl 0 is DefaultNameTTL; now nil is time.Now.
func NewNames(store NamesStore, people *People, ttl time.Duration, now func() time.Time, log *slog.Logger) *Names {
	if ttl <= 0 {
		ttl = DefaultNameTTL
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Names{store: store, people: people, ttl: ttl, now: now, log: log.With("component", "names"),
		resolve: map[string]NameResolver{}, known: map[string]PersonName{}, asked: map[string]bool{}, queue: make(chan [2]string, 256)}
}

// Resolve registers how a platform's names are asked. Call it before Run.
func (n *Names) Resolve(platform string, r NameResolver) {
	if n != nil && r != nil {
		n.resolve[platform] = r
	}
}

// PlatformOf names the chat platform an id belongs to: "slack" for U…
// and W… ids (which always hold a digit, unlike a word such as UPDATE),
// "discord" for numeric ones, "" for anything else.
func PlatformOf(id string) string {
	switch {
	case discordID(id):
		return "discord"
	case chatID(id) && (id[0] == 'U' || id[0] == 'W') && len(id) >= 5 && strings.ContainsAny(id, "0123456789"):
		return "slack"
	}
	return ""
}

// Name returns the name of a chat user id (a leading @ is kept), or the
// id as given when it is not known yet (it is then resolved in the
// background). A nil Names returns the id.
func (n *Names) Name(id string) string {
	if n == nil {
		return id
	}
	at, bare := "", id
	if strings.HasPrefix(id, "@") {
		at, bare = "@", id[1:]
	}
	platform := PlatformOf(bare)
	if platform == "" {
		return id
	}
	if name := n.people.Name(platform, bare); name != "" {
		return at + name
	}
	key := platform + "\x00" + bare
	n.mu.Lock()
	p, ok := n.known[key]
	stale := !ok || !n.now().Before(p.RefreshedAt.Add(n.ttl))
	if stale && !n.asked[key] && n.resolve[platform] != nil {
		select {
		case n.queue <- [2]string{platform, bare}:
			n.asked[key] = true
		default: // full: asked again at the next rendering
		}
	}
	n.mu.Unlock()
	if !ok || p.Name == "" {
		return id
	}
	return at + p.Name
}

// idsInText finds chat user ids in text: Slack U…/W… ids and Discord ids,
// each with an optional leading @. An id is a whole word (a run of ASCII
// letters, digits and underscores): U or W and 2 to 20 upper-case letters
// or digits, or 15 to 20 digits. It returns the [start, end) of each, the
// @ included; nil when there is none. (It is what the regular expression
// `@?\b(?:[UW][A-Z0-9]{2,20}|[0-9]{15,20})\b` finds, about 20 times
// faster; every card and post goes through it.)
func idsInText(s string) [][2]int {
	var locs [][2]int
	for i := 0; i < len(s); {
		if !isWordByte(s[i]) {
			i++
			continue
		}
		j := i + 1
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if isChatID(s[i:j]) {
			start := i
			if i > 0 && s[i-1] == '@' {
				start--
			}
			locs = append(locs, [2]int{start, j})
		}
		i = j
	}
	return locs
}

// isChatID reports whether word is a Slack or Discord user id.
func isChatID(w string) bool {
	switch {
	case len(w) >= 3 && len(w) <= 21 && (w[0] == 'U' || w[0] == 'W'):
		for k := 1; k < len(w); k++ {
			if c := w[k]; (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
				return false
			}
		}
		return true
	case len(w) >= 15 && len(w) <= 20:
		for k := 0; k < len(w); k++ {
			if c := w[k]; c < '0' || c > '9' {
				return false
			}
		}
		return true
	}
	return false
}

func isWordByte(c byte) bool {
	return c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// Text replaces the chat user ids in text with their names; a mention in
// chat syntax (<@U…>) is left as it is, so that it still notifies.
func (n *Names) Text(s string) string {
	if n == nil || s == "" {
		return s
	}
	locs := idsInText(s)
	if locs == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, l := range locs {
		if l[0] > 0 && (s[l[0]-1] == '<' || strings.HasSuffix(s[:l[0]], "<@") || strings.HasSuffix(s[:l[0]], "<@!") || strings.HasSuffix(s[:l[0]], "<@&") || strings.HasSuffix(s[:l[0]], "^")) {
			continue
		}
		b.WriteString(s[last:l[0]])
		b.WriteString(n.Name(s[l[0]:l[1]]))
		last = l[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

// Message is m with the names applied to its title, text and field
// values; mentions, buttons and links stay as they are.
func (n *Names) Message(m Message) Message {
	if n == nil {
		return m
	}
	m.Title, m.Text = n.Text(m.Title), n.Text(m.Text)
	if len(m.Fields) > 0 {
		fields := make([]Field, len(m.Fields))
		for i, f := range m.Fields {
			f.Value = n.Text(f.Value)
			fields[i] = f
		}
		m.Fields = fields
	}
	return m
}

// Run loads the stored names, then resolves the names asked for until ctx
// ends, and reloads the stored ones every reload (replicas' answers).
func (n *Names) Run(ctx context.Context, reload time.Duration) {
	if reload <= 0 {
		reload = time.Minute
	}
	n.Load(ctx)
	t := time.NewTicker(reload)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n.Load(ctx)
		case q := <-n.queue:
			n.refresh(ctx, q[0], q[1])
		}
	}
}

// Load reads the stored names (Run does, and reloads them); a command
// line tool that only renders calls it once.
func (n *Names) Load(ctx context.Context) {
	list, err := n.store.PersonNames(ctx)
	if err != nil {
		n.log.Warn("read stored names", "err", err)
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, p := range list {
		k := p.Platform + "\x00" + p.ID
		if old, ok := n.known[k]; !ok || p.RefreshedAt.After(old.RefreshedAt) {
			n.known[k] = p
		}
	}
}

// refresh asks a platform for one name and stores it; a failure is
// logged and asked again at a later rendering.
func (n *Names) refresh(ctx context.Context, platform, id string) {
	key := platform + "\x00" + id
	defer func() {
		n.mu.Lock()
		delete(n.asked, key)
		n.mu.Unlock()
	}()
	rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := n.resolve[platform](rctx, id)
	if err != nil {
		// Not asked again before nameRetry (an id that names nobody, such
		// as a channel's, must not cost a call at every rendering); a name
		// known before is still shown.
		n.log.Info("could not resolve a display name", "platform", platform, "user", id, "err", err)
		n.mu.Lock()
		old := n.known[key]
		old.Platform, old.ID, old.RefreshedAt = platform, id, n.now().Add(nameRetry-n.ttl)
		n.known[key] = old
		n.mu.Unlock()
		return
	}
	p.Platform, p.ID, p.RefreshedAt = platform, id, n.now()
	if err := n.store.InTx(ctx, func(tx Tx) error { return tx.SavePersonName(ctx, p) }); err != nil {
		n.log.Warn("store a display name", "err", err)
	}
	n.mu.Lock()
	n.known[key] = p
	n.mu.Unlock()
}
