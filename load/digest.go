package load

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"

	"github.com/emigre/emigre/extractors"
)

// Digest summarises the observations of one answer of a source for one
// citizenship: Sum is order-independent (the rows' SHA-256s added up), so
// the same rows in another order have the same digest.
type Digest struct {
	Sum  string
	Keys int
}

type digestRow struct {
	source, citizenship string
	d                   Digest
}

// Answer is what the no-change check needs of a source's parsed answer:
// its digests per citizenship (two answers with equal digests load the
// same rows: merged again, the second changes nothing) and what merging it
// reports when it equals the current vintages (every key unchanged,
// counted per destination).
type Answer struct {
	Digests   map[string]Digest
	Unchanged MergeStats
}

// Summarise normalises a source's observations as MergeObservations would
// load them, once, and returns their Answer. The pipeline calls it as each
// source is parsed, while others are still being fetched.
func Summarise(sourceID string, obs []extractors.Observation) (*Answer, error) {
	rows, err := normalise(sourceID, obs)
	if err != nil {
		return nil, err
	}
	st := MergeStats{Unchanged: len(rows), ByDestination: map[string]MergeStats{}}
	for _, o := range rows {
		d := st.ByDestination[o.Destination]
		d.Unchanged++
		st.ByDestination[o.Destination] = d
	}
	return &Answer{Digests: digestOf(rows), Unchanged: st}, nil
}

// digestOf digests normalised rows per citizenship.
func digestOf(rows []staged) map[string]Digest {
	type acc struct {
		hi, lo uint64
		n      int
	}
	sums := map[string]*acc{}
	buf := make([]byte, 0, 256)
	for i := range rows {
		o := &rows[i]
		buf = buf[:0]
		for _, s := range []string{o.SourceID, o.Destination, o.Citizenship, string(o.Metric), string(o.Measure), o.Flags, o.Snapshot} {
			buf = append(buf, s...)
			buf = append(buf, 0)
		}
		buf = binary.LittleEndian.AppendUint64(buf, uint64(o.PeriodStart.Unix()))
		buf = binary.LittleEndian.AppendUint64(buf, uint64(o.PeriodEnd.Unix()))
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(o.Value))
		if o.Missing {
			buf = append(buf, 1)
		}
		h := sha256.Sum256(buf)
		a := sums[o.Citizenship]
		if a == nil {
			a = &acc{}
			sums[o.Citizenship] = a
		}
		a.hi += binary.LittleEndian.Uint64(h[:8])
		a.lo += binary.LittleEndian.Uint64(h[8:16])
		a.n++
	}
	out := make(map[string]Digest, len(sums))
	for cit, a := range sums {
		var b [16]byte
		binary.BigEndian.PutUint64(b[:8], a.hi)
		binary.BigEndian.PutUint64(b[8:], a.lo)
		out[cit] = Digest{Sum: hex.EncodeToString(b[:]), Keys: a.n}
	}
	return out
}

// storeDigests records the digests of the merged answers.
func storeDigests(ctx context.Context, tx *Tx, runID string, rows []digestRow) error {
	if len(rows) == 0 {
		return nil
	}
	values := make([][]driver.Value, 0, len(rows))
	keys := make([]string, 0, len(rows))
	for _, r := range rows {
		values = append(values, []driver.Value{r.source, r.citizenship, r.d.Sum, int64(r.d.Keys), runID})
		keys = append(keys, r.source+"|"+r.citizenship)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM source_digests WHERE list_contains(?::VARCHAR[], source_id || '|' || citizenship)`, keys); err != nil {
		return fmt.Errorf("store digests: %w", err)
	}
	if err := tx.insertStaged(ctx, "source_digests", []string{"source_id", "citizenship", "digest", "keys", "run_id"}, values, ""); err != nil {
		return fmt.Errorf("store digests: %w", err)
	}
	return nil
}

// Loaded is what a refresh compares its answers with to know whether it
// can change the published warehouse: the digests of each source's last
// loaded answer, and which of the run's snapshots it records already.
type Loaded struct {
	// Digests by source id and citizenship.
	Digests map[string]map[string]Digest
	// Known snapshots, by source id and SHA-256.
	Known map[string]map[string]bool
	// Destinations each source's current observations give a figure for,
	// for the origin asked (PublishedDestinations).
	Destinations map[string][]string
}

// ReadLoaded reads, through q (a logged run's transaction), the digests, the
// destinations per source for origin, and which of snapshots (SHA-256s by
// source id) the warehouse records.
func ReadLoaded(ctx context.Context, q Querier, origin string, snapshots map[string][]string) (*Loaded, error) {
	p := &Loaded{Digests: map[string]map[string]Digest{}, Known: map[string]map[string]bool{}}
	err := ScanRows(ctx, q, `SELECT source_id, citizenship, digest, keys FROM source_digests`, nil, func(rows *sql.Rows) error {
		var src, cit string
		var d Digest
		if err := rows.Scan(&src, &cit, &d.Sum, &d.Keys); err != nil {
			return err
		}
		if p.Digests[src] == nil {
			p.Digests[src] = map[string]Digest{}
		}
		p.Digests[src][cit] = d
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read source digests: %w", err)
	}
	var shas []string
	for _, list := range snapshots {
		shas = append(shas, list...)
	}
	if len(shas) > 0 {
		// A filter on the list, not a join with it: the join's hash table
		// cost a logged run more than the scan. A body another source
		// also answered with comes back too, harmlessly: Known is asked
		// for a source's own.
		err = ScanRows(ctx, q, `SELECT source_id, sha256 FROM snapshots WHERE list_contains(?::VARCHAR[], sha256)`,
			[]any{shas}, func(rows *sql.Rows) error {
				var src, sha string
				if err := rows.Scan(&src, &sha); err != nil {
					return err
				}
				if p.Known[src] == nil {
					p.Known[src] = map[string]bool{}
				}
				p.Known[src][sha] = true
				return nil
			})
		if err != nil {
			return nil, fmt.Errorf("read known snapshots: %w", err)
		}
	}
	if p.Destinations, err = PublishedDestinations(ctx, q, origin); err != nil {
		return nil, err
	}
	return p, nil
}
