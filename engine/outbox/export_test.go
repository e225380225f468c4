package outbox

// LaneIdle says w's lane of target runs, takes reservations and has every
// slot free.
func LaneIdle(w *Worker, target string) bool {
	l := w.lane(target)
	if l == nil {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open && l.busy == 0
}
