package schedules

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// lockHelper is the second process: it takes the lock of the warehouse in
// $EMIGRE_TEST_WAREHOUSE, says so on stdout, and holds it until stdin
// closes (or it is killed).
func lockHelper() int {
	l, err := AcquireLock(os.Getenv("EMIGRE_TEST_WAREHOUSE"), "lock helper")
	if err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Println("locked", os.Getpid())
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n') // wait for the parent's word (or its exit)
	if err := l.Release(); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	return 0
}

// holdLock starts a helper process holding the lock of warehouse.
func holdLock(t *testing.T, warehouse string) (*exec.Cmd, func()) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"=lock", "EMIGRE_TEST_WAREHOUSE="+warehouse)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "locked ") {
		_ = cmd.Process.Kill()
		t.Fatalf("helper: %q %v", line, err)
	}
	if pid, _ := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(line, "locked "))); pid != cmd.Process.Pid {
		t.Fatalf("helper says pid %d, started %d", pid, cmd.Process.Pid)
	}
	return cmd, func() { stdin.Close() }
}

func TestASecondWriterIsRefusedWithTheHoldersPIDAndStart(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "emigre.duckdb")
	before := time.Now().Add(-time.Second)
	holder, release := holdLock(t, wh)

	_, err := AcquireLock(wh, "emigre run")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder == nil {
		t.Fatalf("second writer: %v, want a LockedError naming the holder", err)
	}
	if le.Holder.PID != holder.Process.Pid || le.Holder.Command != "lock helper" ||
		le.Holder.Started.Before(before.Truncate(time.Second)) || le.Holder.Started.After(time.Now()) {
		t.Errorf("holder %+v, want PID %d started just now", le.Holder, holder.Process.Pid)
	}
	msg := err.Error()
	if !strings.Contains(msg, fmt.Sprintf("PID %d", holder.Process.Pid)) || !strings.Contains(msg, le.Holder.Started.Local().Format(time.RFC3339)) {
		t.Errorf("message %q does not name the holder's PID and start time", msg)
	}

	// The holder releases: the next writer takes the lock without a takeover.
	release()
	if err := holder.Wait(); err != nil {
		t.Fatalf("helper: %v", err)
	}
	l, err := AcquireLock(wh, "emigre run")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if err := l.Release(); err != nil {
			t.Error(err)
		}
	}()
	if l.TookOver != nil {
		t.Errorf("a released lock reported as taken over from %+v", l.TookOver)
	}
}

func TestAKilledHoldersLockIsTakenOver(t *testing.T) {
	wh := filepath.Join(t.TempDir(), "emigre.duckdb")
	holder, _ := holdLock(t, wh)
	if err := holder.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = holder.Wait() // killed: no release ran, the file still names it
	b, err := os.ReadFile(LockPath(wh))
	if err != nil || !strings.Contains(string(b), strconv.Itoa(holder.Process.Pid)) {
		t.Fatalf("lock file after the kill: %q %v", b, err)
	}
	l, err := AcquireLock(wh, "emigre schedule")
	if err != nil {
		t.Fatalf("a dead holder's lock was not taken over: %v", err)
	}
	if l.TookOver == nil || l.TookOver.PID != holder.Process.Pid {
		t.Errorf("took over from %+v, want the killed PID %d", l.TookOver, holder.Process.Pid)
	}
	// Now held by this process: a third writer is refused, naming it.
	_, err = AcquireLock(wh, "emigre run")
	var le *LockedError
	if !errors.As(err, &le) || le.Holder == nil || le.Holder.PID != os.Getpid() {
		t.Errorf("third writer: %v", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(LockPath(wh)); len(b) != 0 {
		t.Errorf("released lock file still holds %q", b)
	}
}
