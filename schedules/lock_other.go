//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package schedules

import (
	"errors"
	"os"
	"sync"
)

// Elsewhere (Plan 9, WASI, Solaris) the standard library has no file
// lock: the lock holds between the goroutines of one process only, so run
// one emigre per warehouse there.
var (
	heldMu    sync.Mutex
	heldLocks = map[string]bool{}
)

func lockFile(f *os.File) error {
	heldMu.Lock()
	defer heldMu.Unlock()
	if heldLocks[f.Name()] {
		return errLocked
	}
	heldLocks[f.Name()] = true
	return nil
}

func unlockFile(f *os.File) error {
	heldMu.Lock()
	defer heldMu.Unlock()
	if !heldLocks[f.Name()] {
		return errors.New("not locked")
	}
	delete(heldLocks, f.Name())
	return nil
}
