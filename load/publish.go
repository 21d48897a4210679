package load

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"
)

// WorkSuffix is appended to the published path to name the working file
// Publish builds the next state in, in the same directory.
const WorkSuffix = ".work"

// publishLocks serialises Publish and the run log (from OpenRunLog to Log
// or Abandon) per path within the process. Two processes publishing the
// same path at once are not supported (the schedule daemon never runs two
// refreshes at once; do not also run `emigre run` from cron on the same
// warehouse).
var publishLocks sync.Map // absolute path -> *sync.Mutex

// Publish lands one run in the warehouse at path, whole or not at all:
//
//  1. copy the published file (if any) to path+".work", after removing a
//     stale working file;
//  2. open the copy read-write, apply migrations and views, and fold in
//     the run log's runs (see LogRun);
//  3. in ONE transaction, run build and then insert *run, as build left it
//     (so build may fill in the counts and status it learns while loading;
//     FinishedAt is set to now when zero) and the run_log row declaring
//     the run log this version extends; commit;
//  4. checkpoint, close the database (releasing DuckDB's instance), and
//     check that no WAL remains;
//  5. fsync the working file, rename it over path, fsync the directory.
//
// Readers that hold the old file open (OpenReadOnly) are never blocked and
// keep their view until they reopen. On any error the working file is
// removed, the published file is left untouched, and the error is returned
// wrapped (errors.Is finds build's error). build must not commit or roll
// back; it returns an error to abandon the run.
func Publish(ctx context.Context, path string, run *Run, build func(ctx context.Context, tx *Tx) error) (err error) {
	abs, unlock, err := lockForRun(path, run, "publish")
	if err != nil {
		return err
	}
	defer unlock()

	begun := time.Now()
	defer func() {
		if err != nil {
			err = fmt.Errorf("publish run %s to %s: %w", run.ID, path, err)
		}
	}()
	err = replaceFile(abs, func(work string) error {
		if err := copyPublished(ctx, abs, work); err != nil {
			return err
		}
		return buildWork(ctx, abs, work, run, build)
	})
	if err != nil {
		return err
	}
	// The runs the run log held are in the new file now; a reader of it
	// ignores the log anyway (another generation), so this is tidiness.
	if err := os.Remove(abs + RunLogSuffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.WarnContext(ctx, "run published, but the folded run log could not be removed", "error", err)
	}
	info, _ := os.Stat(abs)
	var size int64
	if info != nil {
		size = info.Size()
	}
	slog.InfoContext(ctx, "published warehouse", "path", abs, "run", run.ID,
		"bytes", size, "duration", time.Since(begun).Round(time.Millisecond))
	return nil
}

// lockPath holds this process's lock on the warehouse at abs until the
// returned function is called: one writer of a path at a time.
func lockPath(abs string) (unlock func()) {
	mu, _ := publishLocks.LoadOrStore(abs, new(sync.Mutex))
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// replaceFile replaces target by a version written through its working
// file (target + WorkSuffix), in the same folder: it removes a stale
// working file, lets write fill a new one (a DuckDB file, checkpointed and
// closed) and puts it in place (commitWork). On an error before the rename
// (or a panic in write) the working file is removed and target is as it
// was.
func replaceFile(target string, write func(work string) error) (err error) {
	work := target + WorkSuffix
	renamed := false
	defer func() {
		if !renamed {
			if rerr := removeWork(work); rerr != nil {
				err = errors.Join(err, rerr)
			}
		}
	}()
	if err := removeWork(work); err != nil {
		return err
	}
	if err := write(work); err != nil {
		return err
	}
	renamed, err = commitWork(target, work)
	return err
}

// commitWork puts the working file work (written, checkpointed and closed)
// in place of target: it checks that no WAL is left beside it, fsyncs it,
// renames it over target and fsyncs the folder. The rename is the commit
// point: renamed says it happened, and an error after it is the folder's
// fsync only, saying that target was replaced.
func commitWork(target, work string) (renamed bool, err error) {
	if _, err := os.Stat(work + ".wal"); err == nil {
		return false, fmt.Errorf("working file %s still has a WAL after checkpoint and close", work)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("check WAL of %s: %w", work, err)
	}
	if err := syncFile(work); err != nil {
		return false, err
	}
	if err := os.Rename(work, target); err != nil {
		return false, fmt.Errorf("rename %s over %s: %w", work, target, err)
	}
	if err := syncDir(filepath.Dir(target)); err != nil {
		return true, fmt.Errorf("%s replaced, but: %w", target, err)
	}
	return true, nil
}

// buildWork opens the working file, migrates it, runs build and the run's
// row in one transaction, checkpoints and closes it.
func buildWork(ctx context.Context, published, work string, run *Run, build func(ctx context.Context, tx *Tx) error) (err error) {
	db, err := openDB(ctx, work, "")
	if err != nil {
		return err
	}
	closed := false
	defer func() {
		if !closed {
			if cerr := db.Close(); cerr != nil {
				err = errors.Join(err, fmt.Errorf("close %s: %w", work, cerr))
			}
		}
	}()
	if err := Migrate(ctx, db); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := foldRunLog(ctx, db, published); err != nil {
		return err
	}
	err = update(ctx, db, Tx{private: true}, func(ctx context.Context, tx *Tx) error {
		if err := build(ctx, tx); err != nil {
			return fmt.Errorf("build: %w", err)
		}
		if run.FinishedAt.IsZero() {
			// DuckDB keeps microseconds: store exactly what the caller sees.
			run.FinishedAt = time.Now().UTC().Truncate(time.Microsecond)
		}
		if err := declare(ctx, tx, published, run); err != nil {
			return err
		}
		return InsertRun(ctx, tx, *run)
	})
	if err != nil {
		return err
	}
	// Committed. Fold the WAL into the file now rather than trust the
	// implicit checkpoint at close, and do not let a cancelled context
	// undo a committed run.
	freeGoMemory()
	if _, err := db.ExecContext(context.WithoutCancel(ctx), "CHECKPOINT"); err != nil {
		return fmt.Errorf("checkpoint %s: %w", work, err)
	}
	closed = true
	if err := db.Close(); err != nil {
		return fmt.Errorf("close %s: %w", work, err)
	}
	return nil
}

// copyPublished copies the published file to the working file. A missing
// published file means a new warehouse: DuckDB creates the working file. A
// WAL beside the published file (left by someone who opened it read-write
// and crashed) is copied too, so DuckDB replays it into the working file.
func copyPublished(ctx context.Context, published, work string) error {
	if err := copyFile(published, work); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	if err := copyFile(published+".wal", work+".wal"); err == nil {
		slog.WarnContext(ctx, "published warehouse had a WAL: replaying it into the next version", "path", published)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// copyFile copies src to a new file dst and syncs it. The error wraps
// fs.ErrNotExist when src does not exist.
func copyFile(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("open %s: %w", src, err)
	}
	defer in.Close()
	info, err := in.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", src, err)
	}
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, info.Mode().Perm())
	if err != nil {
		return fmt.Errorf("create %s: %w", dst, err)
	}
	defer func() {
		if cerr := out.Close(); cerr != nil && err == nil {
			err = fmt.Errorf("close %s: %w", dst, cerr)
		}
	}()
	if _, err := io.Copy(out, in); err != nil {
		return fmt.Errorf("copy %s to %s: %w", src, dst, err)
	}
	if err := out.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dst, err)
	}
	return nil
}

// removeWork removes the working file and whatever DuckDB keeps beside it.
func removeWork(work string) error {
	var errs []error
	for _, p := range []string{work, work + ".wal"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove %s: %w", p, err))
		}
	}
	// DuckDB's spill directory for the working file, if it spilled.
	if err := os.RemoveAll(work + ".tmp"); err != nil {
		errs = append(errs, fmt.Errorf("remove %s.tmp: %w", work, err))
	}
	return errors.Join(errs...)
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open %s to sync: %w", path, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename in dir durable. Windows cannot sync a directory
// (and its rename is durable on its own).
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory %s to sync: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// checkRun refuses a run that cannot be recorded: none, or one without its
// identity. verb names the call (publish, log) in errors.
func checkRun(path string, run *Run, verb string) error {
	if run == nil {
		return fmt.Errorf("%s to %s: %w", verb, path, invalid("no run"))
	}
	if err := run.validateIdentity(); err != nil {
		return fmt.Errorf("%s run to %s: %w", verb, path, err)
	}
	return nil
}

// lockForRun checks run and takes the lock of the warehouse at path (as an
// absolute path), what Publish starts with.
func lockForRun(path string, run *Run, verb string) (abs string, unlock func(), err error) {
	if err := checkRun(path, run, verb); err != nil {
		return "", nil, err
	}
	if abs, err = filepath.Abs(path); err != nil {
		return "", nil, fmt.Errorf("%s run %s to %s: %w", verb, run.ID, path, err)
	}
	return abs, lockPath(abs), nil
}
