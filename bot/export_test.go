package bot

// QueuedDeliveries counts the deliveries waiting for the group commit.
func (s *Service) QueuedDeliveries() int {
	s.gc.mu.Lock()
	defer s.gc.mu.Unlock()
	return len(s.gc.queue)
}
