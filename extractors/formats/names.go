package formats

// The readers' registered names: what a source's Format says, what
// `emigre parse --format` takes, and what code outside this package
// compares with instead of repeating the string (a renamed reader then
// breaks the build, not a silent comparison).
const (
	CSV         = "csv"
	EurostatTSV = "eurostat-tsv"
	Genesis     = "genesis"
	HTMLTable   = "html-table"
	JSONLines   = "json-lines"
	JSONRecords = "json-records"
	JSONStat    = "jsonstat"
	OData       = "odata"
	ODS         = "ods"
	PCAxis      = "px"
	PxWeb       = "pxweb"
	SDMXCSV     = "sdmx-csv"
	SDMXJSON    = "sdmx-json"
	SDMXML      = "sdmx-ml"
	Statement   = "statement"
	Tempus      = "tempus"
	XLSX        = "xlsx"
)

// Names lists every reader name this package registers, sorted.
func Names() []string {
	return []string{CSV, EurostatTSV, Genesis, HTMLTable, JSONLines, JSONRecords, JSONStat, OData, ODS, PCAxis, PxWeb,
		SDMXCSV, SDMXJSON, SDMXML, Statement, Tempus, XLSX}
}
