// Package gentsv writes large Eurostat bulk TSV files for benchmarks: the
// same bytes for the same seed and size, so a measurement can be repeated
// without committing a gigabyte. The content looks like migr_pop1ctz (a
// key of six dimensions, one column per year, ":" for missing, flags after
// values), which is what the reader spends its time on.
package gentsv

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
)

// Stats describe what Write wrote, for checking a reader against it.
type Stats struct {
	Bytes   int64   // bytes written, header included
	Rows    int64   // data rows
	Cells   int64   // value cells (rows x years)
	Missing int64   // cells written as ":" (with or without flags)
	Flagged int64   // cells with a flag
	Sum     float64 // sum of the non-missing values, in file order
}

// FirstYear and Years are the time columns, newest first as Eurostat
// writes them.
const (
	FirstYear = 1990
	Years     = 35
)

var (
	units = []string{"NR", "PC"}
	sexes = []string{"F", "M", "T"}
	ages  = []string{"TOTAL", "Y_LT5", "Y5-9", "Y10-14", "Y15-19", "Y20-24", "Y25-29", "Y30-34", "Y35-39",
		"Y40-44", "Y45-49", "Y50-54", "Y55-59", "Y60-64", "Y65-69", "Y70-74", "Y75-79", "Y80-84", "Y_GE85", "UNK", "Y_GE65"}
	valueFlags   = []string{"e", "p", "b", "ep", "bep"}
	missingFlags = []string{"c", "z", "u"}
)

// Header is the header line Write starts with, without its line end.
func Header() string {
	h := `freq,unit,sex,age,citizen,geo\TIME_PERIOD`
	for y := FirstYear + Years - 1; y >= FirstYear; y-- {
		h += "\t" + strconv.Itoa(y) + " "
	}
	return h
}

// Write writes data rows after the header until the next row would take
// the output past size bytes (at least one row). The same seed and size
// give the same bytes.
func Write(w io.Writer, seed uint64, size int64) (Stats, error) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	bw := bufio.NewWriterSize(w, 1<<20)
	var st Stats
	header := Header() + "\n"
	if _, err := bw.WriteString(header); err != nil {
		return st, err
	}
	st.Bytes = int64(len(header))
	line := make([]byte, 0, 1024)
	for i := int64(0); ; i++ {
		line = line[:0]
		line = appendKey(line, i)
		var cells, missing, flagged int64
		sum := st.Sum // summed in file order, as a reader sums
		for y := 0; y < Years; y++ {
			line = append(line, '\t')
			switch r := rng.IntN(100); {
			case r < 30: // missing, sometimes flagged
				line = append(line, ':')
				missing++
				if r < 3 {
					line = append(line, ' ')
					line = append(line, missingFlags[rng.IntN(len(missingFlags))]...)
					flagged++
				}
				line = append(line, ' ')
			default:
				var v float64
				if r < 60 {
					v = float64(rng.IntN(2_000_000))
					line = strconv.AppendFloat(line, v, 'f', -1, 64)
				} else {
					// k/10 is correctly rounded, so it equals what
					// parsing its one-decimal text gives.
					v = float64(rng.IntN(1_000_000)) / 10
					line = strconv.AppendFloat(line, v, 'f', 1, 64)
				}
				sum += v
				line = append(line, ' ')
				if r >= 90 {
					line = append(line, valueFlags[rng.IntN(len(valueFlags))]...)
					flagged++
				}
			}
			cells++
		}
		line = append(line, '\n')
		if st.Rows > 0 && st.Bytes+int64(len(line)) > size {
			break
		}
		if _, err := bw.Write(line); err != nil {
			return st, err
		}
		st.Bytes += int64(len(line))
		st.Rows++
		st.Cells += cells
		st.Missing += missing
		st.Flagged += flagged
		st.Sum = sum
	}
	return st, bw.Flush()
}

// appendKey writes the key of row i: every row has a different key.
func appendKey(b []byte, i int64) []byte {
	b = append(b, "A,"...)
	b = append(b, units[i%int64(len(units))]...)
	i /= int64(len(units))
	b = append(b, ',')
	b = append(b, sexes[i%int64(len(sexes))]...)
	i /= int64(len(sexes))
	b = append(b, ',')
	b = append(b, ages[i%int64(len(ages))]...)
	i /= int64(len(ages))
	b = append(b, ',')
	b = appendCountry(b, i%676)
	i /= 676
	b = append(b, ',')
	if i >= 676 {
		// Past 57 million rows the geo codes grow a digit, still unique.
		b = append(b, fmt.Sprint(i/676)...)
	}
	return appendCountry(b, i%676)
}

func appendCountry(b []byte, n int64) []byte {
	return append(b, byte('A'+n/26), byte('A'+n%26))
}
