package ticket

import "sync"

// Locks serialises work on one incident's ticket within this process: one
// create at a time per incident, so a job and /incident ticket never race
// to create two. Incidents share 64 stripes; the zero value is ready.
type Locks struct {
	stripes [64]sync.Mutex
}

// Lock locks the incident's stripe and returns its unlock:
// defer l.Lock(number)().
func (l *Locks) Lock(number int64) func() {
	m := &l.stripes[uint64(number)%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}
