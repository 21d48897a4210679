package schedules

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// LockSuffix names the lock file beside the warehouse.
const LockSuffix = ".lock"

// Holder is who holds a warehouse lock, as written in the lock file.
type Holder struct {
	PID     int       `json:"pid"`
	Started time.Time `json:"started"`
	Host    string    `json:"host,omitempty"`
	Command string    `json:"command,omitempty"`
}

func (h Holder) String() string {
	s := fmt.Sprintf("PID %d", h.PID)
	if h.Host != "" {
		s += " on " + h.Host
	}
	if h.Command != "" {
		s += " (" + h.Command + ")"
	}
	return s + ", started " + h.Started.Local().Format(time.RFC3339)
}

// LockedError is the refusal of a second writer.
type LockedError struct {
	Warehouse string
	Holder    *Holder // nil when the holder has not written its details yet
}

func (e *LockedError) Error() string {
	who := "another process (its details are not written yet)"
	if e.Holder != nil {
		who = e.Holder.String()
	}
	return fmt.Sprintf("warehouse %s is locked by %s: one refresh at a time; wait for it to finish or stop it", e.Warehouse, who)
}

// Lock is the one-writer lock of a warehouse: a file beside it, locked
// with the operating system's advisory lock. The operating system drops the
// lock when its holder dies however it dies, so a lock left by a dead
// process is taken over without guessing from PIDs (which get reused); the
// file's content only names the holder for the refusal message.
type Lock struct {
	f    *os.File
	path string
	// TookOver names the holder of a lock that was left behind by a
	// process that ended without releasing it; nil otherwise.
	TookOver *Holder
}

// LockPath is the lock file of the warehouse at path.
func LockPath(warehouse string) string { return warehouse + LockSuffix }

// AcquireLock takes the warehouse's lock for this process or returns a
// *LockedError naming the holder. command says what holds it (emigre run).
// It never waits.
func AcquireLock(warehouse, command string) (*Lock, error) {
	path := LockPath(warehouse)
	// The first run into a new folder creates it, as publishing would.
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("lock warehouse %s: %w", warehouse, err)
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("lock warehouse %s: %w", warehouse, err)
	}
	if err := lockFile(f); err != nil {
		prev, _ := readHolder(f)
		f.Close()
		if errors.Is(err, errLocked) {
			return nil, &LockedError{Warehouse: warehouse, Holder: prev}
		}
		return nil, fmt.Errorf("lock warehouse %s: %s: %w", warehouse, path, err)
	}
	l := &Lock{f: f, path: path}
	// A holder still written in the file ended without releasing: it died.
	if prev, err := readHolder(f); err == nil && prev != nil {
		l.TookOver = prev
		slog.Warn("took over the warehouse lock of a process that ended without releasing it",
			"lock", path, "previous_pid", prev.PID, "previous_started", prev.Started)
	}
	host, _ := os.Hostname()
	me := Holder{PID: os.Getpid(), Started: time.Now().UTC().Truncate(time.Second), Host: host, Command: command}
	b, _ := json.Marshal(me)
	if err := writeHolder(f, append(b, '\n')); err != nil {
		return nil, errors.Join(fmt.Errorf("lock warehouse %s: write %s: %w", warehouse, path, err), l.Release())
	}
	return l, nil
}

// Release empties the lock file and unlocks it. The file stays: removing
// it would let a process that opened the old file and one that creates a
// new one both believe they hold the lock.
func (l *Lock) Release() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Truncate(0)
	if serr := l.f.Sync(); err == nil {
		err = serr
	}
	err = errors.Join(err, unlockFile(l.f), l.f.Close())
	l.f = nil
	if err != nil {
		return fmt.Errorf("release %s: %w", l.path, err)
	}
	return nil
}

func readHolder(f *os.File) (*Holder, error) {
	b, err := io.ReadAll(io.NewSectionReader(f, 0, 4096))
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(string(b)) == "" {
		return nil, nil
	}
	var h Holder
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("lock file %s: %w", filepath.Base(f.Name()), err)
	}
	return &h, nil
}

func writeHolder(f *os.File, b []byte) error {
	if err := f.Truncate(0); err != nil {
		return err
	}
	if _, err := f.WriteAt(b, 0); err != nil {
		return err
	}
	return f.Sync()
}

// errLocked is lockFile's answer when another process holds the lock.
var errLocked = errors.New("locked by another process")
