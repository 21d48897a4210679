package transform

import "github.com/emigre/emigre/internal/iso3166"

// Country is one row of the country code table (internal/iso3166), as the
// warehouse's countries reference table carries it.
type Country = iso3166.Country

// Countries returns the code table ordered by alpha-2 code: every ISO
// 3166-1 country plus Kosovo. Publisher aliases (EL, UK) are not rows.
func Countries() []Country { return iso3166.All() }

// CountryCode returns the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3
// code, a publisher alias (EL, UK) or an English name, case-insensitively.
func CountryCode(s string) (string, error) { return iso3166.Code(s) }

// CountryName returns the English short name of an alpha-2 code, or the code
// itself when it is not in the table.
func CountryName(iso2 string) string { return iso3166.Name(iso2) }
