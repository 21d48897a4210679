package formats

// The parameters readers take (extractors.Reader.Params), in groups that
// several readers share. docs/formats.md describes each.
var (
	// limitParams bound what a reader reads; every reader takes them.
	limitParams = []string{"max_bytes", "max_cells", "max_unzipped_bytes", "max_zip_ratio", "max_cell_bytes", "max_xml_depth"}
	// gridParams are the layout of a grid reader (csv, xlsx, ods,
	// html-table, odata, json-records): which columns are dimensions,
	// values and flags, and where the table starts and stops.
	gridParams = []string{"header_row", "header_rows", "header_match", "header_fill", "range", "dim.", "value", "status", "melt",
		"melt_dims", "decimal", "missing", "stop", "max_rows"}
	jsonStatParams = []string{"dataset", "text_values"}
	// sdmxOptionParams are the options every SDMX reader takes.
	sdmxOptionParams = []string{"dimensions", "attributes", "status", "measure_dim"}
)

// params joins parameter groups with the limits every reader takes.
func params(groups ...[]string) []string {
	out := append([]string{}, limitParams...)
	for _, g := range groups {
		out = append(out, g...)
	}
	return out
}

func (jsonStatReader) Params() []string { return params(jsonStatParams) }
func (pxWebReader) Params() []string    { return params(jsonStatParams, []string{"contents_dim"}) }
func (StatementReader) Params() []string {
	return params([]string{"pattern", "total_pattern", "scale", "decimal", "charset"})
}
func (sdmxMLReader) Params() []string   { return params(sdmxOptionParams, []string{"measure"}) }
func (sdmxJSONReader) Params() []string { return params(sdmxOptionParams) }
func (sdmxCSVReader) Params() []string {
	return params(sdmxOptionParams, []string{"delimiter", "measures"})
}
func (eurostatTSVReader) Params() []string { return params([]string{"max_line_bytes", "max_rows"}) }
func (pcaxisReader) Params() []string      { return params([]string{"lang", "charset", "max_header_bytes"}) }
func (csvReader) Params() []string {
	return params(gridParams, []string{"delimiter", "quote", "charset"})
}
func (xlsxReader) Params() []string { return params(gridParams, []string{"sheet", "merged"}) }
func (odsReader) Params() []string  { return params(gridParams, []string{"sheet", "merged"}) }
func (htmlTableReader) Params() []string {
	return params(gridParams, []string{"selector", "caption", "index", "charset"})
}
func (genesisReader) Params() []string {
	return params([]string{"charset", "member", "max_rows", "dim."})
}
func (tempusReader) Params() []string { return params() }
func (odataReader) Params() []string  { return params(gridParams, []string{"next_link", "cbs_period"}) }
func (jsonRecordsReader) Params() []string {
	return params(gridParams, []string{"records", "page", "page_count"})
}
func (jsonLinesReader) Params() []string { return params(gridParams, []string{"name_dim."}) }
