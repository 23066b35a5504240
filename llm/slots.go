package llm

import (
	"container/list"
	"context"
	"fmt"
	"sync"
)

// slots lets at most max calls run at once. Callers queue in FIFO order, at
// most maxWaiting of them; each gives up when its context ends.
type slots struct {
	mu         sync.Mutex
	max        int
	maxWaiting int
	running    int
	queue      list.List // of chan struct{}, closed when the slot is handed over
}

func newSlots(max, maxWaiting int) *slots {
	return &slots{max: max, maxWaiting: maxWaiting}
}

// acquire takes a slot; the caller must release it.
func (s *slots) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.running < s.max && s.queue.Len() == 0 {
		s.running++
		s.mu.Unlock()
		return nil
	}
	if s.queue.Len() >= s.maxWaiting {
		n := s.queue.Len()
		s.mu.Unlock()
		return fmt.Errorf("%w (%d already waiting)", ErrBusy, n)
	}
	ready := make(chan struct{})
	el := s.queue.PushBack(ready)
	s.mu.Unlock()

	select {
	case <-ready:
		return nil
	case <-ctx.Done():
		s.mu.Lock()
		select {
		case <-ready:
			// Handed a slot just as we gave up: pass it on.
			s.mu.Unlock()
			s.release()
		default:
			s.queue.Remove(el)
			s.mu.Unlock()
		}
		return fmt.Errorf("llm: gave up waiting for a free slot: %w", ctx.Err())
	}
}

// release frees a slot, handing it straight to the first waiter if any.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if front := s.queue.Front(); front != nil {
		s.queue.Remove(front)
		close(front.Value.(chan struct{}))
		return
	}
	s.running--
}

func (s *slots) waiting() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.queue.Len()
}

func (s *slots) inFlight() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}
