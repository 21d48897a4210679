package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/emigre/emigre/extractors"
	"github.com/emigre/emigre/extractors/archive"
)

// TÜİK's statistical table of international migration by citizenship,
// written as an XLSX workbook from the figures its release published (the
// source's sample.figures: period, Gelen or Giden, value, the page relaying
// it). Only Russia's row is written: the other countries' figures are not
// here.

func init() {
	families = append(families, family{
		name:   "tuik",
		builds: func(s *extractors.Source) bool { return s.PublisherID == "tr-tuik" },
		build:  tuikBody,
	})
}

// tuikFetchedAt is after TÜİK's 2023 release (July 2024).
var tuikFetchedAt = time.Date(2024, 8, 1, 9, 0, 0, 0, time.UTC)

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func tuikBody(s *extractors.Source, in inputs, e *archive.Entry) ([]byte, error) {
	if in.entry == nil || in.entry.Sample == nil || len(in.entry.Sample.Figures) == 0 {
		return nil, fmt.Errorf("no sample.figures in %s", s.File)
	}
	figs := in.entry.Sample.Figures
	var years []string
	value := map[string]float64{}
	var evidence []string
	for _, f := range figs {
		if !slices.Contains(years, f.Period) {
			years = append(years, f.Period)
		}
		value[f.Period+"|"+f.Code] = f.Value
		if !slices.Contains(evidence, f.Evidence) {
			evidence = append(evidence, f.Evidence)
		}
	}
	slices.Sort(years)
	span := years[0] + "-" + years[len(years)-1]
	x := excelize.NewFile()
	defer x.Close()
	sheet := x.GetSheetName(0)
	rows := [][]any{
		{"Uyruk ülkesine göre yurt dışından gelen ve yurt dışına giden yabancı nüfus, " + span},
		{"Foreign population immigrated and emigrated by country of citizenship, " + span},
		{"Uyruk ülkesi - Country of citizenship"},
		{""},
		{"Rusya Federasyonu"},
		{},
		{"Kaynak: TÜİK, Uluslararası Göç İstatistikleri"},
	}
	for _, y := range years {
		rows[2] = append(rows[2], y, "")
		rows[3] = append(rows[3], "Gelen", "Giden")
		for _, flow := range []string{"Gelen", "Giden"} {
			v, ok := value[y+"|"+flow]
			if !ok {
				return nil, fmt.Errorf("no %s figure for %s in sample.figures", flow, y)
			}
			rows[4] = append(rows[4], v)
		}
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(sheet, cell, &r); err != nil {
			return nil, err
		}
	}
	// Each year heads its two columns as one merged cell, as the
	// portal's tables do; the citizenship heading spans both header rows.
	if err := x.MergeCell(sheet, "A3", "A4"); err != nil {
		return nil, err
	}
	for i := range years {
		from, _ := excelize.CoordinatesToCellName(2+2*i, 3)
		to, _ := excelize.CoordinatesToCellName(3+2*i, 3)
		if err := x.MergeCell(sheet, from, to); err != nil {
			return nil, err
		}
	}
	// Fixed document properties, so the workbook's bytes do not change
	// from one build to the next.
	stamp := tuikFetchedAt.Format(time.RFC3339)
	if err := x.SetDocProps(&excelize.DocProperties{Created: stamp, Modified: stamp, Creator: "TÜİK"}); err != nil {
		return nil, err
	}
	buf, err := x.WriteToBuffer()
	if err != nil {
		return nil, err
	}
	e.Header = map[string]string{"Content-Type": xlsxType}
	e.FetchedAt = tuikFetchedAt
	e.Provenance = &archive.Provenance{
		Kind:      "reconstructed",
		From:      "the figures of " + s.File + " (sample.figures), each with the page relaying TÜİK's release",
		Published: strings.Join(evidence, " ; "),
		Note: fmt.Sprintf("TÜİK's statistical table of foreign immigrants and emigrants by citizenship, %s, written as an XLSX "+
			"workbook with Russia's row only (%d figures); the other countries' rows, TÜİK's exact title and layout are not "+
			"known here (see the source's verified.unverified).", span, len(figs)),
	}
	return buf.Bytes(), nil
}
