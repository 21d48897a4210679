//go:build reliability

package reliability

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emigre/emigre/load"
)

// The stages a kill aims at. What the process was really doing when the
// signal went out is recorded separately (observedStage).
var killStages = []string{"fetch", "parse", "load", "publish"}

// TestCrashes SIGKILLs `emigre run` at random points of 20 live refreshes,
// aiming in turn at the fetch, the parse, the load and the publish. After
// each kill the published warehouse opens and reads back whole (every row
// of every table and view), holds exactly the state before the run or the
// state an unkilled run reaches from the same start, the archive's
// manifest lines all have their objects, and the next run succeeds with no
// repair, leaving no working file behind.
func TestCrashes(t *testing.T) {
	const kills = 20
	seed := uint64(8)
	if s := os.Getenv("EMIGRE_CRASH_SEED"); s != "" {
		seed, _ = strconv.ParseUint(s, 10, 64)
	}
	rng := rand.New(rand.NewPCG(seed, seed))
	bin := buildEmigre(t)
	srv, err := NewSampleServer()
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	in := newInstance(t, t.TempDir(), srv)
	runLog := in.db + load.RunLogSuffix
	works := map[bool]string{true: in.db + load.WorkSuffix, false: runLog + load.WorkSuffix}

	// Three healthy runs: the second (a revision, no migrations to apply)
	// says how many requests a run makes and how long its working file
	// lives; the third (nothing new) how long the run log's does.
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("first run: exit %d\n%s", code, out)
	}
	srv.Set("eurostat-migr_pop1ctz", Revised(1000))
	hits := srv.TotalHits()
	w := watchWork(works[true])
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("second run: exit %d\n%s", code, out)
	}
	loadTimes := map[bool]time.Duration{true: w.stop()}
	requests := srv.TotalHits() - hits
	w = watchWork(works[false])
	if code, out := in.run(t, bin); code != 0 {
		t.Fatalf("third run: exit %d\n%s", code, out)
	}
	loadTimes[false] = w.stop()
	if requests == 0 || loadTimes[true] <= 0 || loadTimes[false] <= 0 {
		t.Fatalf("%d requests, working file for %v, run log's working file for %v", requests, loadTimes[true], loadTimes[false])
	}
	t.Logf("a run makes %d requests and keeps its working file for %v (the run log's, when nothing changed, for %v); seed %d",
		requests, loadTimes[true], loadTimes[false], seed)

	observed := map[string]int{}
	var landed, asBefore, asAfter, temps int
	for i := range kills {
		aim := killStages[i%len(killStages)]
		// Most runs revise a figure, so before and after differ in data
		// and the warehouse is republished; every third brings nothing
		// new, so the run goes to the run log, which a kill then hits.
		changes := i%3 != 2
		if changes {
			srv.Set("eurostat-migr_pop1ctz", Revised(i+1))
		}
		work, target, loadTime := works[changes], in.db, loadTimes[changes]
		if !changes {
			target = runLog
		}
		before, err := ReadState(t.Context(), in.db)
		if err != nil {
			t.Fatalf("kill %d: before: %v", i, err)
		}
		ref := newInstance(t, t.TempDir(), srv)
		copyFile(t, in.db, ref.db)
		if exists(runLog) {
			copyFile(t, runLog, ref.db+load.RunLogSuffix)
		}
		if err := os.CopyFS(ref.archive, os.DirFS(in.archive)); err != nil {
			t.Fatal(err)
		}
		publishedBefore, _ := os.Stat(target)

		cmd, out := in.command(bin)
		var once sync.Once
		stage := "finished"
		hits0 := srv.TotalHits()
		kill := func() {
			once.Do(func() {
				stage = observedStage(srv.TotalHits()-hits0, requests, work, target, publishedBefore)
				_ = cmd.Process.Signal(syscall.SIGKILL) // it may have finished: then there is nothing to kill
			})
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		switch aim {
		case "fetch": // at a random request
			k := 1 + rng.IntN(requests-1)
			srv.OnRequest(func(string) {
				if srv.TotalHits()-hits0 == k {
					kill()
				}
			})
		case "parse": // just after the last answer
			delay := time.Duration(rng.IntN(5000)) * time.Microsecond
			srv.OnRequest(func(string) {
				if srv.TotalHits()-hits0 == requests {
					time.AfterFunc(delay, kill)
				}
			})
		case "load": // while the working file is built
			go afterWork(work, time.Duration(rng.Float64()*0.8*float64(loadTime)), kill)
		case "publish":
			if i/len(killStages)%2 == 0 { // around checkpoint, close, sync and rename
				go afterWork(work, time.Duration((0.8+rng.Float64()*0.3)*float64(loadTime)), kill)
			} else { // just after the rename, before the process is done
				go afterRename(target, publishedBefore, kill)
			}
		}
		_ = cmd.Wait() // a killed run exits with an error; its wait status says how it ended
		srv.OnRequest(nil)
		once.Do(func() {}) // a kill that did not fire now never will
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			landed++
		} else {
			stage = "finished"
		}
		observed[stage]++

		// The published warehouse: whole, and before or after.
		killed, err := ReadState(t.Context(), in.db)
		if err != nil {
			t.Fatalf("kill %d (aimed at %s, landed in %s): the published warehouse: %v\n%s", i, aim, stage, err, out)
		}
		if code, out := ref.run(t, bin); code != 0 {
			t.Fatalf("kill %d: reference run: exit %d\n%s", i, code, out)
		}
		after, err := ReadState(t.Context(), ref.db)
		if err != nil {
			t.Fatal(err)
		}
		same, whyNotBefore := killed.Equal(before)
		if same {
			asBefore++
		} else if same, whyNotAfter := killed.Equal(after); same {
			asAfter++
		} else {
			t.Errorf("kill %d (aimed at %s, landed in %s): the warehouse is neither before (%s) nor after (%s) the run",
				i, aim, stage, whyNotBefore, whyNotAfter)
		}
		temps += checkArchiveFiles(t, in.archive, true)

		// The next run needs no repair.
		if code, out := in.run(t, bin); code != 0 {
			t.Fatalf("kill %d (landed in %s): the next run: exit %d\n%s", i, stage, code, out)
		}
		for _, p := range []string{works[true], works[true] + ".wal", works[false], works[false] + ".wal"} {
			if exists(p) {
				t.Errorf("kill %d: %s left after the next run", i, p)
			}
		}
		next, err := ReadState(t.Context(), in.db)
		if err != nil {
			t.Fatal(err)
		}
		if ok, why := (State{Observations: next.Observations, Estimates: next.Estimates}).Equal(
			State{Observations: after.Observations, Estimates: after.Estimates}); !ok {
			t.Errorf("kill %d: the next run's data differ from an unkilled run's: %s", i, why)
		}
		if len(next.Runs) != len(killed.Runs)+1 {
			t.Errorf("kill %d: the next run took the warehouse from %d to %d runs", i, len(killed.Runs), len(next.Runs))
		}
	}
	t.Logf("%d kills aimed (%v), %d landed; landed in %v; warehouse as before %d times, as after %d times; %d object temp files left by kills",
		kills, killStages, landed, observed, asBefore, asAfter, temps)
	if asBefore == 0 || asAfter == 0 {
		t.Errorf("kills left the state before %d times and after %d times: both must be exercised", asBefore, asAfter)
	}
}

// observedStage names what a run was doing: fetching (not every request
// made), parsing (all answered, no working file yet), loading (the working
// file exists) or published (the file was renamed over the published one).
func observedStage(hits, requests int, work, published string, before os.FileInfo) string {
	switch {
	case hits < requests:
		return "fetch"
	case exists(work):
		return "load"
	}
	if now, err := os.Stat(published); err == nil && (before == nil || !os.SameFile(now, before)) {
		return "published"
	}
	return "parse"
}

// workWatch measures how long a working file exists.
type workWatch struct {
	done    chan struct{}
	elapsed chan time.Duration
}

func watchWork(work string) workWatch {
	w := workWatch{done: make(chan struct{}), elapsed: make(chan time.Duration, 1)}
	go func() {
		var appeared time.Time
		for {
			select {
			case <-w.done:
				w.elapsed <- 0
				return
			case <-time.After(time.Millisecond):
			}
			switch there := exists(work); {
			case there && appeared.IsZero():
				appeared = time.Now()
			case !there && !appeared.IsZero():
				w.elapsed <- time.Since(appeared)
				return
			}
		}
	}()
	return w
}

func (w workWatch) stop() time.Duration {
	select {
	case d := <-w.elapsed:
		return d
	case <-time.After(time.Second):
		close(w.done)
		return <-w.elapsed
	}
}

// afterWork calls fn once d has passed since the working file appeared.
func afterWork(work string, d time.Duration, fn func()) {
	deadline := time.Now().Add(time.Minute)
	for !exists(work) {
		if time.Now().After(deadline) {
			return
		}
		time.Sleep(200 * time.Microsecond)
	}
	time.Sleep(d)
	fn()
}

// afterRename calls fn as soon as path names another file than before.
func afterRename(path string, before os.FileInfo, fn func()) {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if now, err := os.Stat(path); err == nil && !os.SameFile(now, before) {
			fn()
			return
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(fmt.Errorf("copy %s: %w", filepath.Base(from), err))
	}
}
