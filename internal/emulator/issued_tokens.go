package emulator

// IssuedTokens returns every access token issued so far, so that tests can
// prove no token reached a log or a state file.
func (e *Emulator) IssuedTokens() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := make([]string, 0, len(e.tokens))
	for token := range e.tokens {
		out = append(out, token)
	}
	return out
}
