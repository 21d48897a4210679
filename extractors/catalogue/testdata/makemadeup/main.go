// Command makemadeup writes the made-up fixtures of live-only sources whose
// publisher's format is a binary one (an XLSX workbook): the publisher's
// layout, with figures that are MADE UP. Run from the module root:
//
//	go run ./extractors/catalogue/testdata/makemadeup -out extractors/catalogue/testdata
//
// The files never enter the sample archive; the catalogue's tests read them
// through the sources' readers and mappings (TestLiveOnlyFixtures).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/xuri/excelize/v2"
)

var out = flag.String("out", "extractors/catalogue/testdata", "where to write the files")

func main() {
	flag.Parse()
	if err := homeOfficeVisas(filepath.Join(*out, "gb-home-office-entry-clearance-visas_madeup.xlsx")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// visD02Header is the header of the Home Office's Data_Vis_D02 sheet, as
// public code that reads the released workbooks names its columns.
var visD02Header = []any{"Year", "Quarter", "Nationality", "Region", "Visa type group", "Visa type",
	"Visa type subgroup", "Applicant type", "Case outcome", "Decisions"}

// visD02Rows are MADE-UP outcomes. Work and Study come as main applicants
// and dependants, Family, Visitor and Other as "All" (as public code reading
// the workbooks describes them); refusals, withdrawals, visitor and transit
// visas, and another nationality are there for the mapping to leave out. The
// visa type and subgroup texts are illustrations: the source does not read
// them. Russian nationals' issued work, study and family visas add up to 80
// in 2021 Q4, 360 in 2022 Q1 and 211 in 2022 Q2; Belarusians' to 17 in 2022 Q1.
var visD02Rows = [][]any{
	{2021, "2021 Q4", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", "Issued", 70},
	{2021, "2021 Q4", "Russia", "Europe Other", "Family", "Partner", "Partner", "All", "Issued", 10},
	{2021, "2021 Q4", "Russia", "Europe Other", "Visitor", "Visitor", "Standard Visitor", "All", "Issued", 4100},
	{2022, "2022 Q1", "Belarus", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", "Issued", 17},
	{2022, "2022 Q1", "Belarus", "Europe Other", "Visitor", "Visitor", "Standard Visitor", "All", "Issued", 900},
	{2022, "2022 Q1", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", "Issued", 101},
	{2022, "2022 Q1", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Dependant", "Issued", 22},
	{2022, "2022 Q1", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", "Refused", 9},
	{2022, "2022 Q1", "Russia", "Europe Other", "Study", "Sponsored study", "Student", "Main Applicant", "Issued", 203},
	{2022, "2022 Q1", "Russia", "Europe Other", "Study", "Sponsored study", "Student", "Dependant", "Issued", 4},
	{2022, "2022 Q1", "Russia", "Europe Other", "Family", "Partner", "Partner", "All", "Issued", 30},
	{2022, "2022 Q1", "Russia", "Europe Other", "Visitor", "Visitor", "Standard Visitor", "All", "Issued", 5000},
	{2022, "2022 Q1", "Russia", "Europe Other", "Other", "Transit", "Visitor in Transit", "All", "Issued", 7},
	{2022, "2022 Q2", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", "Issued", 111},
	{2022, "2022 Q2", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Dependant", "Issued", 33},
	{2022, "2022 Q2", "Russia", "Europe Other", "Study", "Sponsored study", "Student", "Main Applicant", "Issued", 55},
	{2022, "2022 Q2", "Russia", "Europe Other", "Family", "Partner", "Partner", "All", "Issued", 12},
	{2022, "2022 Q2", "Russia", "Europe Other", "Family", "Partner", "Partner", "All", "Withdrawn", 3},
	{2022, "2022 Q2", "Russia", "Europe Other", "Visitor", "Visitor", "Standard Visitor", "All", "Issued", 4000},
	{2022, "2022 Q2", "Russia", "Europe Other", "Visitor", "Visitor", "Standard Visitor", "All", "Lapsed", 1},
}

// homeOfficeVisas writes the entry clearance visa workbook: a notes sheet,
// the applications sheet (Data_Vis_D01) and the outcomes sheet
// (Data_Vis_D02), each data sheet with a title and two notes rows above its
// header (the layout of the 2025-2026 releases; earlier ones had the header
// on row 2).
func homeOfficeVisas(path string) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", "Notes"); err != nil {
		return err
	}
	if err := f.SetCellStr("Notes", "A1", "Notes (MADE-UP TEST FIXTURE: every figure in this workbook is invented)"); err != nil {
		return err
	}
	d01 := [][]any{
		{"Data - Vis_D01: Entry clearance visa applications, by nationality and visa type (made-up test figures)"},
		{"This worksheet contains one table. Some cells refer to notes which can be found on the notes worksheet."},
		{"Figures are made up for a test."},
		{"Year", "Quarter", "Nationality", "Region", "Visa type group", "Visa type", "Visa type subgroup", "Applicant type", "Applications"},
		{2022, "2022 Q1", "Russia", "Europe Other", "Work", "Skilled Worker", "Skilled Worker", "Main Applicant", 140},
	}
	d02 := append([][]any{
		{"Data - Vis_D02: Outcomes of entry clearance visa applications, by nationality, visa type, and outcome (made-up test figures)"},
		{"This worksheet contains one table. Some cells refer to notes which can be found on the notes worksheet."},
		{"Figures are made up for a test."},
		visD02Header,
	}, visD02Rows...)
	for _, sh := range []struct {
		name string
		rows [][]any
	}{{"Data_Vis_D01", d01}, {"Data_Vis_D02", d02}} {
		sheet, rows := sh.name, sh.rows
		if _, err := f.NewSheet(sheet); err != nil {
			return err
		}
		for i, r := range rows {
			cell, err := excelize.CoordinatesToCellName(1, i+1)
			if err != nil {
				return err
			}
			if err := f.SetSheetRow(sheet, cell, &r); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}
