package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/emigre/emigre/extractors/archive"
	"github.com/emigre/emigre/load"
	"github.com/emigre/emigre/reliability"
)

// growthRow is one size of the warehouse in the growth table.
type growthRow struct {
	scale                     int
	bytes                     int64
	observations, runs        int
	manifestLines             int // the archive's, before the timed runs
	unchanged, changed        time.Duration
	unchangedLog, changedCopy int64 // bytes written: the run log, the published file
}

// changedSource is the source whose answer the one-source-changed refresh
// revises: one Eurostat dataset, as a publisher's monthly revision would.
const changedSource = "eurostat-migr_pop1ctz"

// benchGrowth measures, at 1x, 10x and 100x today's warehouse, an unchanged
// refresh (every source answers 304) and a refresh in which one source
// changed. Today's warehouse is the sample's after one live refresh; 10x and
// 100x add a synthetic history of 9 and 99 earlier runs (every table's
// per-run rows again, and every current observation as an older vintage
// revised by the next run), generated deterministically in SQL, and the
// archive's manifest the lines of as many earlier fetches.
func benchGrowth(bin, tmp string, reps int) []growthRow {
	srv := sampleServer()
	defer srv.Close()
	var out []growthRow
	for _, scale := range []int{1, 10, 100} {
		dir := filepath.Join(tmp, fmt.Sprintf("growth%d", scale))
		db, arch := filepath.Join(dir, "emigre.duckdb"), filepath.Join(dir, "archive")
		check(os.MkdirAll(dir, 0o755))
		cfg := filepath.Join(dir, "emigre.yaml")
		check(os.WriteFile(cfg, []byte(srv.Config(db, arch)+duckdbConfig()), 0o644))
		run(bin, "run", "--config", cfg)
		if scale > 1 {
			synthesiseHistory(db, scale)
			synthesiseManifest(arch, scale)
		}
		run(bin, "run", "--config", cfg) // the first unchanged run starts the run log
		g := growthRow{scale: scale}
		g.bytes, g.observations, g.runs = fileSize(db), countRows(db, "observations"), countRows(db, "runs")
		g.manifestLines = manifestLines(arch)
		var unchanged, changed []time.Duration
		for range reps {
			w, _ := run(bin, "run", "--config", cfg)
			unchanged = append(unchanged, w)
		}
		g.unchangedLog = fileSize(db + load.RunLogSuffix)
		for i := range reps {
			srv.Set(changedSource, reliability.Revised(scale*1000+i+1))
			w, _ := run(bin, "run", "--config", cfg)
			changed = append(changed, w)
		}
		g.changedCopy = fileSize(db)
		setETags(srv) // the changed source answers 304 again
		g.unchanged, g.changed = median(unchanged), median(changed)
		out = append(out, g)
		check(os.RemoveAll(dir))
	}
	return out
}

// synthesiseHistory makes the warehouse at path scale times today's: scale-1
// earlier runs, each with the real run's per-run rows, and every current
// observation as scale-1 older vintages, each superseded by the next run.
func synthesiseHistory(path string, scale int) {
	ctx := context.Background()
	db, err := load.Open(ctx, path)
	check(err)
	defer db.Close()
	var real string
	check(db.QueryRow(`SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1`).Scan(&real))
	hist := `printf('hist-%05d', k)`
	stmts := []string{
		`INSERT INTO runs BY NAME SELECT r.* REPLACE (` + hist + ` AS run_id, r.started_at - to_days(k::INTEGER) AS started_at,
			r.finished_at - to_days(k::INTEGER) AS finished_at) FROM runs AS r, range(1, $2) AS t(k) WHERE r.run_id = $1`,
		`INSERT INTO snapshots BY NAME SELECT s.* REPLACE (sha256(s.sha256 || k) AS sha256, ` + hist + ` AS run_id)
			FROM snapshots AS s, range(1, $2) AS t(k) WHERE s.run_id = $1`,
		`INSERT INTO observations BY NAME SELECT o.* EXCLUDE (obs_id) REPLACE (
			CASE WHEN o.missing THEN NULL ELSE o.value + k END AS value,
			sha256(o.snapshot_sha256 || k) AS snapshot_sha256, ` + hist + ` AS run_id,
			CASE WHEN k = 1 THEN $1 ELSE printf('hist-%05d', k - 1) END AS superseded_by_run)
			FROM observations AS o, range(1, $2) AS t(k) WHERE o.superseded_by_run IS NULL`,
	}
	for _, t := range []string{"run_sources", "source_states", "estimates", "estimate_methods", "estimate_series",
		"estimate_total_series", "estimate_components", "quality_checks"} {
		stmts = append(stmts, `INSERT INTO `+t+` BY NAME SELECT x.* REPLACE (`+hist+` AS run_id)
			FROM `+t+` AS x, range(1, $2) AS t(k) WHERE x.run_id = $1`)
	}
	for _, q := range stmts {
		_, err := db.ExecContext(ctx, q, real, scale)
		check(err)
	}
	_, err = db.ExecContext(ctx, `CHECKPOINT`)
	check(err)
}

// synthesiseManifest puts scale-1 copies of the archive manifest's lines
// before them: the record of as many earlier fetches of the same answers
// (the newest lines stay the real ones).
func synthesiseManifest(dir string, scale int) {
	path := filepath.Join(dir, archive.ManifestName)
	real, err := os.ReadFile(path)
	check(err)
	check(os.WriteFile(path, bytes.Repeat(real, scale), 0o644))
}

func manifestLines(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, archive.ManifestName))
	check(err)
	return bytes.Count(b, []byte{'\n'})
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// duckdbConfig is the config's duckdb section with the settings in force.
func duckdbConfig() string {
	s := load.CurrentSettings()
	return fmt.Sprintf("duckdb:\n  threads: %d\n  memory_limit: %q\n", s.Threads, s.MemoryLimit)
}

// filesystem names the filesystem dir is on.
func filesystem(dir string) string {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return "unknown"
	}
	names := map[int64]string{0xEF53: "ext4", 0x58465342: "xfs", 0x9123683E: "btrfs", 0x01021994: "tmpfs",
		0x794C7630: "overlayfs", 0x2FC12FC1: "zfs", 0x6969: "nfs", 0x65735546: "fuse", 0x5346544E: "ntfs"}
	if n, ok := names[int64(st.Type)]; ok {
		return n
	}
	return fmt.Sprintf("type 0x%X", st.Type)
}

func printGrowth(rows []growthRow, fs string, reps int) {
	fmt.Printf("\nRefresh cost as the warehouse grows (filesystem %s; median of %d runs each; live refresh of the sample\n"+
		"against local servers; one-source-changed: %s revised):\n\n", fs, reps, changedSource)
	var b strings.Builder
	fmt.Fprintf(&b, "%-6s %10s %13s %6s %15s %20s %8s %24s %8s\n", "size", "file", "observations", "runs", "manifest lines",
		"unchanged refresh", "vs 1x", "one source changed", "vs 1x")
	for _, g := range rows {
		fmt.Fprintf(&b, "%-6s %10s %13d %6d %15d %20s %8s %24s %8s\n", fmt.Sprintf("%dx", g.scale), mb(g.bytes), g.observations, g.runs,
			g.manifestLines, ms(g.unchanged), ratio(g.unchanged, rows[0].unchanged), ms(g.changed), ratio(g.changed, rows[0].changed))
	}
	fmt.Print(b.String())
	last := rows[len(rows)-1]
	fmt.Printf("\nunchanged refresh 100x vs 1x: %s (target <= 1.5x); it writes the run log only (%s at 100x), never the warehouse.\n",
		ratio(last.unchanged, rows[0].unchanged), mb(last.unchangedLog))
	fmt.Printf("one-source-changed refresh 100x vs 1x: %s: it copies and republishes the whole file (%s at 100x).\n",
		ratio(last.changed, rows[0].changed), mb(last.changedCopy))
}
