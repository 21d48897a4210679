// Package transform turns observations into the estimate: canonical codes,
// de-duplication and the methods of ../shared/METHOD.md.
package transform

import (
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/emigre/emigre/extractors"
)

// country is one row of the code table. Name is the common English short
// name used in reports; alt lists other spellings publishers use (ISO's
// formal short names among them) so that CountryCode accepts them.
type country struct {
	a2, a3, name string
	alt          []string
}

// countries is ISO 3166-1 (249 entries) plus Kosovo (XK, user-assigned but
// used by Eurostat and the EU).
var countries = []country{
	{"AD", "AND", "Andorra", nil},
	{"AE", "ARE", "United Arab Emirates", []string{"UAE"}},
	{"AF", "AFG", "Afghanistan", nil},
	{"AG", "ATG", "Antigua and Barbuda", nil},
	{"AI", "AIA", "Anguilla", nil},
	{"AL", "ALB", "Albania", nil},
	{"AM", "ARM", "Armenia", nil},
	{"AO", "AGO", "Angola", nil},
	{"AQ", "ATA", "Antarctica", nil},
	{"AR", "ARG", "Argentina", nil},
	{"AS", "ASM", "American Samoa", nil},
	{"AT", "AUT", "Austria", nil},
	{"AU", "AUS", "Australia", nil},
	{"AW", "ABW", "Aruba", nil},
	{"AX", "ALA", "Åland Islands", nil},
	{"AZ", "AZE", "Azerbaijan", nil},
	{"BA", "BIH", "Bosnia and Herzegovina", nil},
	{"BB", "BRB", "Barbados", nil},
	{"BD", "BGD", "Bangladesh", nil},
	{"BE", "BEL", "Belgium", nil},
	{"BF", "BFA", "Burkina Faso", nil},
	{"BG", "BGR", "Bulgaria", nil},
	{"BH", "BHR", "Bahrain", nil},
	{"BI", "BDI", "Burundi", nil},
	{"BJ", "BEN", "Benin", nil},
	{"BL", "BLM", "Saint Barthélemy", nil},
	{"BM", "BMU", "Bermuda", nil},
	{"BN", "BRN", "Brunei", []string{"Brunei Darussalam"}},
	{"BO", "BOL", "Bolivia", []string{"Bolivia, Plurinational State of", "Bolivia (Plurinational State of)"}},
	{"BQ", "BES", "Caribbean Netherlands", []string{"Bonaire, Sint Eustatius and Saba"}},
	{"BR", "BRA", "Brazil", nil},
	{"BS", "BHS", "Bahamas", nil},
	{"BT", "BTN", "Bhutan", nil},
	{"BV", "BVT", "Bouvet Island", nil},
	{"BW", "BWA", "Botswana", nil},
	{"BY", "BLR", "Belarus", nil},
	{"BZ", "BLZ", "Belize", nil},
	{"CA", "CAN", "Canada", nil},
	{"CC", "CCK", "Cocos (Keeling) Islands", nil},
	{"CD", "COD", "DR Congo", []string{"Congo, The Democratic Republic of the", "Congo, Democratic Republic of the", "Democratic Republic of the Congo", "Congo (Kinshasa)"}},
	{"CF", "CAF", "Central African Republic", nil},
	{"CG", "COG", "Congo", []string{"Republic of the Congo", "Congo (Brazzaville)"}},
	{"CH", "CHE", "Switzerland", nil},
	{"CI", "CIV", "Côte d'Ivoire", []string{"Ivory Coast"}},
	{"CK", "COK", "Cook Islands", nil},
	{"CL", "CHL", "Chile", nil},
	{"CM", "CMR", "Cameroon", nil},
	{"CN", "CHN", "China", nil},
	{"CO", "COL", "Colombia", nil},
	{"CR", "CRI", "Costa Rica", nil},
	{"CU", "CUB", "Cuba", nil},
	{"CV", "CPV", "Cabo Verde", []string{"Cape Verde"}},
	{"CW", "CUW", "Curaçao", nil},
	{"CX", "CXR", "Christmas Island", nil},
	{"CY", "CYP", "Cyprus", nil},
	{"CZ", "CZE", "Czechia", []string{"Czech Republic"}},
	{"DE", "DEU", "Germany", nil},
	{"DJ", "DJI", "Djibouti", nil},
	{"DK", "DNK", "Denmark", nil},
	{"DM", "DMA", "Dominica", nil},
	{"DO", "DOM", "Dominican Republic", nil},
	{"DZ", "DZA", "Algeria", nil},
	{"EC", "ECU", "Ecuador", nil},
	{"EE", "EST", "Estonia", nil},
	{"EG", "EGY", "Egypt", nil},
	{"EH", "ESH", "Western Sahara", nil},
	{"ER", "ERI", "Eritrea", nil},
	{"ES", "ESP", "Spain", nil},
	{"ET", "ETH", "Ethiopia", nil},
	{"FI", "FIN", "Finland", nil},
	{"FJ", "FJI", "Fiji", nil},
	{"FK", "FLK", "Falkland Islands", []string{"Falkland Islands (Malvinas)"}},
	{"FM", "FSM", "Micronesia", []string{"Micronesia, Federated States of", "Micronesia (Federated States of)"}},
	{"FO", "FRO", "Faroe Islands", nil},
	{"FR", "FRA", "France", nil},
	{"GA", "GAB", "Gabon", nil},
	{"GB", "GBR", "United Kingdom", []string{"United Kingdom of Great Britain and Northern Ireland", "Great Britain"}},
	{"GD", "GRD", "Grenada", nil},
	{"GE", "GEO", "Georgia", nil},
	{"GF", "GUF", "French Guiana", nil},
	{"GG", "GGY", "Guernsey", nil},
	{"GH", "GHA", "Ghana", nil},
	{"GI", "GIB", "Gibraltar", nil},
	{"GL", "GRL", "Greenland", nil},
	{"GM", "GMB", "Gambia", nil},
	{"GN", "GIN", "Guinea", nil},
	{"GP", "GLP", "Guadeloupe", nil},
	{"GQ", "GNQ", "Equatorial Guinea", nil},
	{"GR", "GRC", "Greece", nil},
	{"GS", "SGS", "South Georgia and the South Sandwich Islands", nil},
	{"GT", "GTM", "Guatemala", nil},
	{"GU", "GUM", "Guam", nil},
	{"GW", "GNB", "Guinea-Bissau", nil},
	{"GY", "GUY", "Guyana", nil},
	{"HK", "HKG", "Hong Kong", []string{"Hong Kong SAR", "Hong Kong, China"}},
	{"HM", "HMD", "Heard Island and McDonald Islands", nil},
	{"HN", "HND", "Honduras", nil},
	{"HR", "HRV", "Croatia", nil},
	{"HT", "HTI", "Haiti", nil},
	{"HU", "HUN", "Hungary", nil},
	{"ID", "IDN", "Indonesia", nil},
	{"IE", "IRL", "Ireland", nil},
	{"IL", "ISR", "Israel", nil},
	{"IM", "IMN", "Isle of Man", nil},
	{"IN", "IND", "India", nil},
	{"IO", "IOT", "British Indian Ocean Territory", nil},
	{"IQ", "IRQ", "Iraq", nil},
	{"IR", "IRN", "Iran", []string{"Iran, Islamic Republic of", "Iran (Islamic Republic of)"}},
	{"IS", "ISL", "Iceland", nil},
	{"IT", "ITA", "Italy", nil},
	{"JE", "JEY", "Jersey", nil},
	{"JM", "JAM", "Jamaica", nil},
	{"JO", "JOR", "Jordan", nil},
	{"JP", "JPN", "Japan", nil},
	{"KE", "KEN", "Kenya", nil},
	{"KG", "KGZ", "Kyrgyzstan", []string{"Kyrgyz Republic"}},
	{"KH", "KHM", "Cambodia", nil},
	{"KI", "KIR", "Kiribati", nil},
	{"KM", "COM", "Comoros", nil},
	{"KN", "KNA", "Saint Kitts and Nevis", nil},
	{"KP", "PRK", "North Korea", []string{"Korea, Democratic People's Republic of", "Democratic People's Republic of Korea"}},
	{"KR", "KOR", "South Korea", []string{"Korea, Republic of", "Republic of Korea", "Korea"}},
	{"KW", "KWT", "Kuwait", nil},
	{"KY", "CYM", "Cayman Islands", nil},
	{"KZ", "KAZ", "Kazakhstan", nil},
	{"LA", "LAO", "Laos", []string{"Lao People's Democratic Republic", "Lao PDR"}},
	{"LB", "LBN", "Lebanon", nil},
	{"LC", "LCA", "Saint Lucia", nil},
	{"LI", "LIE", "Liechtenstein", nil},
	{"LK", "LKA", "Sri Lanka", nil},
	{"LR", "LBR", "Liberia", nil},
	{"LS", "LSO", "Lesotho", nil},
	{"LT", "LTU", "Lithuania", nil},
	{"LU", "LUX", "Luxembourg", nil},
	{"LV", "LVA", "Latvia", nil},
	{"LY", "LBY", "Libya", nil},
	{"MA", "MAR", "Morocco", nil},
	{"MC", "MCO", "Monaco", nil},
	{"MD", "MDA", "Moldova", []string{"Moldova, Republic of", "Republic of Moldova"}},
	{"ME", "MNE", "Montenegro", nil},
	{"MF", "MAF", "Saint Martin", []string{"Saint Martin (French part)"}},
	{"MG", "MDG", "Madagascar", nil},
	{"MH", "MHL", "Marshall Islands", nil},
	{"MK", "MKD", "North Macedonia", []string{"Republic of North Macedonia", "Macedonia", "The former Yugoslav Republic of Macedonia"}},
	{"ML", "MLI", "Mali", nil},
	{"MM", "MMR", "Myanmar", []string{"Burma"}},
	{"MN", "MNG", "Mongolia", nil},
	{"MO", "MAC", "Macao", []string{"Macau"}},
	{"MP", "MNP", "Northern Mariana Islands", nil},
	{"MQ", "MTQ", "Martinique", nil},
	{"MR", "MRT", "Mauritania", nil},
	{"MS", "MSR", "Montserrat", nil},
	{"MT", "MLT", "Malta", nil},
	{"MU", "MUS", "Mauritius", nil},
	{"MV", "MDV", "Maldives", nil},
	{"MW", "MWI", "Malawi", nil},
	{"MX", "MEX", "Mexico", nil},
	{"MY", "MYS", "Malaysia", nil},
	{"MZ", "MOZ", "Mozambique", nil},
	{"NA", "NAM", "Namibia", nil},
	{"NC", "NCL", "New Caledonia", nil},
	{"NE", "NER", "Niger", nil},
	{"NF", "NFK", "Norfolk Island", nil},
	{"NG", "NGA", "Nigeria", nil},
	{"NI", "NIC", "Nicaragua", nil},
	{"NL", "NLD", "Netherlands", []string{"Kingdom of the Netherlands"}},
	{"NO", "NOR", "Norway", nil},
	{"NP", "NPL", "Nepal", nil},
	{"NR", "NRU", "Nauru", nil},
	{"NU", "NIU", "Niue", nil},
	{"NZ", "NZL", "New Zealand", nil},
	{"OM", "OMN", "Oman", nil},
	{"PA", "PAN", "Panama", nil},
	{"PE", "PER", "Peru", nil},
	{"PF", "PYF", "French Polynesia", nil},
	{"PG", "PNG", "Papua New Guinea", nil},
	{"PH", "PHL", "Philippines", nil},
	{"PK", "PAK", "Pakistan", nil},
	{"PL", "POL", "Poland", nil},
	{"PM", "SPM", "Saint Pierre and Miquelon", nil},
	{"PN", "PCN", "Pitcairn", []string{"Pitcairn Islands"}},
	{"PR", "PRI", "Puerto Rico", nil},
	{"PS", "PSE", "Palestine", []string{"Palestine, State of", "State of Palestine"}},
	{"PT", "PRT", "Portugal", nil},
	{"PW", "PLW", "Palau", nil},
	{"PY", "PRY", "Paraguay", nil},
	{"QA", "QAT", "Qatar", nil},
	{"RE", "REU", "Réunion", nil},
	{"RO", "ROU", "Romania", nil},
	{"RS", "SRB", "Serbia", nil},
	{"RU", "RUS", "Russia", []string{"Russian Federation"}},
	{"RW", "RWA", "Rwanda", nil},
	{"SA", "SAU", "Saudi Arabia", nil},
	{"SB", "SLB", "Solomon Islands", nil},
	{"SC", "SYC", "Seychelles", nil},
	{"SD", "SDN", "Sudan", nil},
	{"SE", "SWE", "Sweden", nil},
	{"SG", "SGP", "Singapore", nil},
	{"SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", []string{"Saint Helena"}},
	{"SI", "SVN", "Slovenia", nil},
	{"SJ", "SJM", "Svalbard and Jan Mayen", nil},
	{"SK", "SVK", "Slovakia", []string{"Slovak Republic"}},
	{"SL", "SLE", "Sierra Leone", nil},
	{"SM", "SMR", "San Marino", nil},
	{"SN", "SEN", "Senegal", nil},
	{"SO", "SOM", "Somalia", nil},
	{"SR", "SUR", "Suriname", nil},
	{"SS", "SSD", "South Sudan", nil},
	{"ST", "STP", "São Tomé and Príncipe", nil},
	{"SV", "SLV", "El Salvador", nil},
	{"SX", "SXM", "Sint Maarten", []string{"Sint Maarten (Dutch part)"}},
	{"SY", "SYR", "Syria", []string{"Syrian Arab Republic"}},
	{"SZ", "SWZ", "Eswatini", []string{"Swaziland"}},
	{"TC", "TCA", "Turks and Caicos Islands", nil},
	{"TD", "TCD", "Chad", nil},
	{"TF", "ATF", "French Southern Territories", nil},
	{"TG", "TGO", "Togo", nil},
	{"TH", "THA", "Thailand", nil},
	{"TJ", "TJK", "Tajikistan", nil},
	{"TK", "TKL", "Tokelau", nil},
	{"TL", "TLS", "Timor-Leste", []string{"East Timor"}},
	{"TM", "TKM", "Turkmenistan", nil},
	{"TN", "TUN", "Tunisia", nil},
	{"TO", "TON", "Tonga", nil},
	{"TR", "TUR", "Türkiye", []string{"Turkey"}},
	{"TT", "TTO", "Trinidad and Tobago", nil},
	{"TV", "TUV", "Tuvalu", nil},
	{"TW", "TWN", "Taiwan", []string{"Taiwan, Province of China"}},
	{"TZ", "TZA", "Tanzania", []string{"Tanzania, United Republic of", "United Republic of Tanzania"}},
	{"UA", "UKR", "Ukraine", nil},
	{"UG", "UGA", "Uganda", nil},
	{"UM", "UMI", "United States Minor Outlying Islands", nil},
	{"US", "USA", "United States", []string{"United States of America"}},
	{"UY", "URY", "Uruguay", nil},
	{"UZ", "UZB", "Uzbekistan", nil},
	{"VA", "VAT", "Vatican City", []string{"Holy See", "Holy See (Vatican City State)"}},
	{"VC", "VCT", "Saint Vincent and the Grenadines", nil},
	{"VE", "VEN", "Venezuela", []string{"Venezuela, Bolivarian Republic of", "Venezuela (Bolivarian Republic of)"}},
	{"VG", "VGB", "British Virgin Islands", []string{"Virgin Islands, British", "Virgin Islands (British)"}},
	{"VI", "VIR", "U.S. Virgin Islands", []string{"Virgin Islands, U.S.", "Virgin Islands (U.S.)"}},
	{"VN", "VNM", "Vietnam", []string{"Viet Nam"}},
	{"VU", "VUT", "Vanuatu", nil},
	{"WF", "WLF", "Wallis and Futuna", nil},
	{"WS", "WSM", "Samoa", nil},
	{"YE", "YEM", "Yemen", nil},
	{"YT", "MYT", "Mayotte", nil},
	{"ZA", "ZAF", "South Africa", nil},
	{"ZM", "ZMB", "Zambia", nil},
	{"ZW", "ZWE", "Zimbabwe", nil},
	{"XK", "XKX", "Kosovo", []string{"Kosovo under UNSCR 1244/99"}},
}

// aliases are codes publishers use instead of ISO's: Eurostat writes EL for
// Greece and UK for the United Kingdom.
var aliases = map[string]string{"EL": "GR", "UK": "GB"}

var (
	byAlpha2 = map[string]*country{}
	byKey    = map[string]string{} // normalized code or name -> alpha-2
)

func init() {
	add := func(key, a2 string) {
		k := normalize(key)
		if prev, dup := byKey[k]; dup && prev != a2 {
			panic(fmt.Sprintf("transform: %q names both %s and %s", key, prev, a2))
		}
		byKey[k] = a2
	}
	for i := range countries {
		c := &countries[i]
		if _, dup := byAlpha2[c.a2]; dup {
			panic("transform: country listed twice: " + c.a2)
		}
		byAlpha2[c.a2] = c
		add(c.a2, c.a2)
		add(c.a3, c.a2)
		add(c.name, c.a2)
		for _, a := range c.alt {
			add(a, c.a2)
		}
	}
	for k, v := range aliases {
		add(k, v)
	}
}

// fold strips the diacritics that occur in country names, so "Turkiye" and
// "Türkiye" are the same key.
var fold = strings.NewReplacer("å", "a", "é", "e", "ç", "c", "ô", "o", "ü", "u", "ã", "a", "í", "i", "’", "'", "&", "and")

// normalize makes a lookup key: lower case, folded, single spaces, without
// ISO's "(the)" and a leading "the".
func normalize(s string) string {
	s = fold.Replace(strings.ToLower(s))
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, " (the)")
	s = strings.TrimPrefix(s, "the ")
	return s
}

// CountryCode returns the ISO 3166-1 alpha-2 code for an alpha-2 or alpha-3
// code, a publisher alias (EL, UK) or an English name, case-insensitively.
func CountryCode(s string) (string, error) {
	if a2, ok := byKey[normalize(s)]; ok {
		return a2, nil
	}
	return "", fmt.Errorf("unknown country %q", s)
}

// CountryName returns the English short name of an alpha-2 code, or the code
// itself when it is not in the table.
func CountryName(iso2 string) string {
	if c, ok := byAlpha2[strings.ToUpper(iso2)]; ok {
		return c.name
	}
	return iso2
}

// Canonicalize returns the observation with canonical country codes after
// checking it against the contract: a known metric, a whole non-negative
// value and a period that fits the metric.
func Canonicalize(o extractors.Observation) (extractors.Observation, error) {
	fail := func(format string, a ...any) (extractors.Observation, error) {
		return o, fmt.Errorf("source %s: %s", o.SourceID, fmt.Sprintf(format, a...))
	}
	if o.SourceID == "" {
		return o, errors.New("observation without source id")
	}
	dest, err := CountryCode(o.Destination)
	if err != nil {
		return fail("destination: %v", err)
	}
	cit, err := CountryCode(o.Citizenship)
	if err != nil {
		return fail("citizenship: %v", err)
	}
	o.Destination, o.Citizenship = dest, cit
	if !o.Metric.Valid() {
		return fail("unknown metric %q", o.Metric)
	}
	if o.Metric == extractors.Statement {
		if !o.Measure.Valid() || o.Measure == extractors.Statement {
			return fail("statement needs a measure saying what it counts, got %q", o.Measure)
		}
	} else if o.Measure != "" {
		return fail("measure %q set on metric %s (only statements have one)", o.Measure, o.Metric)
	}
	if o.PeriodStart.IsZero() || o.PeriodEnd.IsZero() {
		return fail("%s without a period", o.Metric)
	}
	if o.IsStock() {
		if !o.PeriodStart.Equal(o.PeriodEnd) {
			return fail("stock %s with period %s..%s: start and end must be the reference date",
				o.Metric, o.PeriodStart.Format("2006-01-02"), o.PeriodEnd.Format("2006-01-02"))
		}
	} else if o.PeriodStart.After(o.PeriodEnd) {
		return fail("flow %s with period start %s after end %s",
			o.Metric, o.PeriodStart.Format("2006-01-02"), o.PeriodEnd.Format("2006-01-02"))
	}
	if o.Missing {
		return o, nil // the value is meaningless: nothing more to check
	}
	switch v := o.Value; {
	case math.IsNaN(v) || math.IsInf(v, 0):
		return fail("%s value %v is not a number", o.Metric, v)
	case v < 0:
		return fail("%s value %v is negative", o.Metric, v)
	case v != math.Trunc(v):
		return fail("%s value %v is not a whole number of persons", o.Metric, v)
	}
	return o, nil
}
