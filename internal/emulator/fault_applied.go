package emulator

// FaultApplied is how many requests on route the current fault has answered
// (0 when there is none), so tests can prove an injected fault was hit.
func (e *Emulator) FaultApplied(route Route) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	if fs := e.faults[route]; fs != nil {
		return fs.applied
	}
	return 0
}
