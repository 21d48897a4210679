package formats

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Madrid time without the host's zoneinfo

	"github.com/emigre/emigre/extractors"
)

// The "tempus" reader reads INE Spain's Tempus3 JSON API (wstempus):
// DATOS_TABLA answers (an array of series) and DATOS_SERIE answers (one
// series), in each of their shapes:
//
//   - plain: {"COD", "Nombre", "FK_Unidad", "FK_Escala", "Data": [{"Fecha":
//     epoch ms, "FK_TipoDato", "FK_Periodo", "Anyo", "Valor", "Secreto"}]};
//   - tip=A: "T3_Unidad", and Data items with "Fecha" as an ISO date,
//     "T3_TipoDato" ("Definitivo", "Provisional", "Avance") and "T3_Periodo"
//     ("A", "M03", "T2", "S1");
//   - tip=M / tip=AM: plus "MetaData": [{"Variable": {"Codigo", "Nombre"} or
//     "T3_Variable", "Codigo", "Nombre"}], one entry per variable;
//   - tables of PC-Axis origin: {"Nombre", "Data": [{"NombrePeriodo", "Valor"}]}.
//
// Cells: dimension "series" (COD, or Nombre when there is no COD); with
// MetaData one dimension per variable (its Codigo, else its name) with the
// entry's Codigo (else its Nombre) as code; without, "name" (the series'
// Nombre); and "period": "2023", "2023M03", "2023Q2", "2023S1", or the
// reference date "2023-01-01" for point-in-time periods (population on 1
// January), read from Anyo and the period, never from Fecha alone (Fecha
// is midnight in Madrid, the previous day in UTC).
//
// Valor null is Missing; Secreto true is Missing with status "secreto"; the
// data type (Definitivo, Provisional, Avance) is the status.
//
// Parameters: max_bytes, max_cells.
func init() { extractors.RegisterReader(tempusReader{}) }

type tempusReader struct{}

func (tempusReader) Format() string { return Tempus }

type tempusSeries struct {
	COD      string
	Nombre   string
	MetaData []tempusMeta
	Data     []json.RawMessage
}

type tempusMeta struct {
	Codigo     string
	Nombre     string
	T3Variable string `json:"T3_Variable"`
	Variable   *struct{ Codigo, Nombre string }
}

type tempusDatum struct {
	Fecha         json.RawMessage
	FKTipoDato    *int   `json:"FK_TipoDato"`
	T3TipoDato    string `json:"T3_TipoDato"`
	FKPeriodo     *int   `json:"FK_Periodo"`
	T3Periodo     string `json:"T3_Periodo"`
	NombrePeriodo string
	Anyo          *int
	Valor         *float64
	Secreto       bool
}

var madrid = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		panic("tzdata: " + err.Error()) // embedded by time/tzdata: cannot happen
	}
	return loc
}()

func (tempusReader) Read(ctx context.Context, in extractors.Input, emit extractors.Emit) error {
	root, err := loadJSON(in)
	if err != nil {
		return err
	}
	maxCells, err := int64Param(in, "max_cells", DefaultMaxCells)
	if err != nil {
		return err
	}
	var raws []json.RawMessage
	path := "$"
	switch root.kind() {
	case '[':
		if err := json.Unmarshal(root, &raws); err != nil {
			return in.Errorf("$", "malformed array: %v", err)
		}
	case '{':
		o, err := root.object()
		if err != nil {
			return in.Errorf("$", "malformed object: %v", err)
		}
		if _, ok := o.get("Data"); !ok {
			return in.Errorf("$", "not a Tempus3 series (no Data): %s", excerpt(root, 120))
		}
		raws, path = []json.RawMessage{json.RawMessage(root)}, ""
	default:
		return in.Errorf("$", "Tempus3 answers with an array of series or one series, got %s", root.kindName())
	}
	if len(raws) == 0 {
		return in.Errorf("$", "an empty array: the table has no series (a wrong table id or filter?)")
	}
	tables := map[string]*extractors.Table{}
	var cells int64
	for i, raw := range raws {
		sp := "$"
		if path != "" {
			sp = jsonIndex(path, i)
		}
		var s tempusSeries
		if err := json.Unmarshal(raw, &s); err != nil {
			return in.Errorf(sp, "not a Tempus3 series: %v", err)
		}
		if s.Data == nil {
			return in.Errorf(sp, "a series without Data (metadata, not data: request DATOS_TABLA or DATOS_SERIE)")
		}
		table, codes, err := tempusTable(in, sp, &s, tables)
		if err != nil {
			return err
		}
		for j, rawd := range s.Data {
			if err := ctx.Err(); err != nil {
				return err
			}
			dp := jsonIndex(sp+".Data", j)
			if cells++; cells > maxCells {
				return in.Errorf(dp, "more than max_cells=%d values", maxCells)
			}
			var d tempusDatum
			if err := json.Unmarshal(rawd, &d); err != nil {
				return in.Errorf(dp, "not a Tempus3 data point: %v", err)
			}
			period, err := tempusPeriod(d)
			if err != nil {
				return in.Errorf(dp, "%v", err)
			}
			c := extractors.Cell{Table: table, Codes: append(codes[:len(codes):len(codes)], period), Status: tempusStatus(d)}
			switch {
			case d.Secreto:
				c.Missing, c.Status = true, joinStatus(c.Status, "secreto")
			case d.Valor == nil:
				c.Missing = true
			default:
				c.Value = *d.Valor
			}
			if err := emit(c); err != nil {
				return err
			}
		}
	}
	if cells == 0 {
		return in.Errorf("$", "%d series and not one data point (a filter or nult that matches nothing?)", len(raws))
	}
	return nil
}

// tempusTable returns the table of a series (one per set of variables) and
// the series' codes before the period.
func tempusTable(in extractors.Input, path string, s *tempusSeries, tables map[string]*extractors.Table) (*extractors.Table, []string, error) {
	series := strings.TrimSpace(s.COD)
	if series == "" {
		series = tempusName(s.Nombre)
	}
	if series == "" {
		return nil, nil, in.Errorf(path, "a series with neither COD nor Nombre")
	}
	dims := []string{"series"}
	codes := []string{series}
	if len(s.MetaData) == 0 {
		dims = append(dims, "name")
		codes = append(codes, tempusName(s.Nombre))
	}
	for k, m := range s.MetaData {
		id := m.T3Variable
		if v := m.Variable; v != nil {
			id = v.Codigo
			if id == "" {
				id = v.Nombre
			}
		}
		id = strings.TrimSpace(id)
		if id == "" {
			return nil, nil, in.Errorf(jsonIndex(path+".MetaData", k), "a MetaData entry without its variable")
		}
		code := strings.TrimSpace(m.Codigo)
		if code == "" {
			code = strings.TrimSpace(m.Nombre)
		}
		dims = append(dims, id)
		codes = append(codes, code)
	}
	dims = append(dims, "period")
	if err := checkUniqueDims(in, path+".MetaData", dims); err != nil {
		return nil, nil, err
	}
	key := strings.Join(dims, "\x00")
	t, ok := tables[key]
	if !ok {
		t = &extractors.Table{Dims: dims, Roles: map[string]string{"period": "time"}}
		tables[key] = t
	}
	return t, codes, nil
}

// tempusName trims the ". " INE ends every Nombre with.
func tempusName(s string) string { return strings.TrimRight(strings.TrimSpace(s), ". ") }

var tempusDataTypes = map[int]string{1: "Definitivo", 2: "Provisional", 3: "Avance"}

func tempusStatus(d tempusDatum) string {
	if d.T3TipoDato != "" {
		return d.T3TipoDato
	}
	if d.FKTipoDato != nil {
		if s, ok := tempusDataTypes[*d.FKTipoDato]; ok {
			return s
		}
		return "FK_TipoDato " + strconv.Itoa(*d.FKTipoDato)
	}
	return ""
}

// tempusPeriod names a data point's period in the codes ParsePeriod reads.
func tempusPeriod(d tempusDatum) (string, error) {
	if d.Anyo == nil {
		if p := strings.TrimSpace(d.NombrePeriodo); p != "" {
			return p, nil
		}
		return "", fmt.Errorf("a data point with neither Anyo nor NombrePeriodo")
	}
	y := strconv.Itoa(*d.Anyo)
	switch p := strings.TrimSpace(d.T3Periodo); {
	case p == "A":
		return y, nil
	case len(p) == 3 && p[0] == 'M':
		return y + p, nil
	case len(p) == 2 && p[0] == 'T' && p[1] >= '1' && p[1] <= '4':
		return y + "Q" + p[1:], nil
	case len(p) == 2 && p[0] == 'S' && (p[1] == '1' || p[1] == '2'):
		return y + p, nil
	case p != "":
		return tempusDate(d.Fecha, y+" "+p)
	}
	if d.FKPeriodo == nil {
		if p := strings.TrimSpace(d.NombrePeriodo); p != "" {
			return p, nil
		}
		return y, nil
	}
	switch p := *d.FKPeriodo; {
	case p >= 1 && p <= 12:
		return fmt.Sprintf("%sM%02d", y, p), nil
	case p >= 19 && p <= 22:
		return fmt.Sprintf("%sQ%d", y, p-18), nil
	case p == 23 || p == 24:
		return fmt.Sprintf("%sS%d", y, p-22), nil
	case p == 28:
		return y, nil
	}
	return tempusDate(d.Fecha, fmt.Sprintf("%s period %d", y, *d.FKPeriodo))
}

// tempusDate reads a point-in-time period from Fecha: epoch milliseconds
// or an ISO timestamp, both at midnight in Madrid.
func tempusDate(raw json.RawMessage, what string) (string, error) {
	var ms int64
	if err := json.Unmarshal(raw, &ms); err == nil {
		return time.UnixMilli(ms).In(madrid).Format(time.DateOnly), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil && len(s) >= 10 {
		if t, err := time.Parse(time.DateOnly, s[:10]); err == nil {
			return t.Format(time.DateOnly), nil
		}
	}
	return "", fmt.Errorf("period %s: Fecha %s is not a date", what, excerpt(raw, 40))
}
