package sources

import (
	"strings"
	"time"

	"github.com/emigre/emigre/extractors"
)

// statementLicence is what reusing a statement means for us: the figure and
// a short quote are kept for reporting, the page stays its publisher's.
const statementLicence = "The page is its publisher's copyright; only the figure, a short quote and the link are kept (quotation for reporting)."

// A statementRow is one official statement: who said which figure, when,
// where it was published, and how to find it on the page.
type statementRow struct {
	ID          string
	Destination string
	Publisher   string // the institution the figure comes from
	Homepage    string
	Title       string
	URL         string // the article that published it
	Entry       extractors.StatementEntry
	Notes       string
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic("sources: bad date " + s)
	}
	return t
}

// statementRows are the statements registered; each one's figure is read
// from the archived page by its Pattern, so it stays traceable to bytes.
var statementRows = []statementRow{
	{
		ID:          "am-migration-service-statement-2024-08",
		Destination: "AM",
		Publisher:   "Migration and Citizenship Service, Ministry of Internal Affairs of Armenia",
		Homepage:    "https://migration.am",
		Title:       "Russian citizens with legal residence in Armenia (statement, August 2024)",
		URL:         "https://am.sputniknews.ru/amp/20240819/okolo-40-tys-grazhdan-rf-prozhivaet-v-armenii-na-zakonnykh-osnovaniyakh--migratsionnaya-sluzhba-79643347.html",
		Entry: extractors.StatementEntry{
			Measure: extractors.PermitsValid,
			RefDate: day("2024-08-19"),
			SaidOn:  day("2024-08-19"),
			Speaker: "Migration and Citizenship Service of Armenia's Ministry of Internal Affairs, via Public Television of Armenia (reported by Sputnik Armenia)",
			Quote: "На данный момент в Армении с правом законного проживания или действительным видом на жительство " +
				"проживает около 40 тыс. граждан. Рост числа граждан РФ начался в 2022 г.",
			Translation: "At present about 40 thousand [Russian] citizens live in Armenia with a right of legal residence or a valid " +
				"residence permit. The growth in the number of Russian citizens began in 2022.",
			Pattern: `проживает около (\d[\d\s.,]*) тыс\. граждан`,
			Scale:   1000,
		},
		Notes: "A stock of Russian citizens holding a legal residence status or a valid residence permit, 'at present' on the day of " +
			"the report (19 Aug 2024); the same report gives the entry-exit balance of Russian citizens: +23,000 in 2023, +4,600 in " +
			"2024 so far. Armenia publishes no dataset by citizenship (catalogue). The figure is rounded ('about 40 thousand') and " +
			"has no pre-war baseline: transform flags it stock_without_baseline. Page text verified in the search corpus (pages).",
	},
	{
		ID:          "kz-ru-consulate-statement-2023-12",
		Destination: "KZ",
		Publisher:   "Consulate General of Russia in Almaty, citing Kazakh authorities",
		Homepage:    "https://bizmedia.kz/",
		Title:       "Russian citizens who came after the 2022 mobilisation and remain in Kazakhstan (statement, end of 2023)",
		URL:         "https://bizmedia.kz/2024-02-13-okolo-80-tysyach-grazhdan-rossii-ostayutsya-v-kazahstane-s-2022-goda",
		Entry: extractors.StatementEntry{
			Measure: extractors.ResidentStock,
			RefDate: day("2023-12-31"),
			SaidOn:  day("2024-02-13"),
			Speaker: "Dmitry Turaev, Consul General of the Russian Federation in Almaty, interview to TASS (reported by Bizmedia.kz)",
			Quote: "Дмитрий Тураев осветил, что согласно информации, предоставленной соответствующими учреждениями Республики " +
				"Казахстан, после объявления мобилизации в Российской Федерации, в Казахстан въехало около четырехсот тысяч " +
				"россиян. По состоянию на конец декабря, в республике продолжают пребывать примерно от пятидесяти до " +
				"восьмидесяти тысяч из них.",
			Translation: "Dmitry Turaev explained that, according to information provided by the relevant institutions of the " +
				"Republic of Kazakhstan, about four hundred thousand Russians entered Kazakhstan after mobilisation was announced " +
				"in the Russian Federation. As of the end of December, roughly fifty to eighty thousand of them remain in the republic.",
			Pattern: `Около (\d[\d\s.,]*) тысяч граждан России остаются в Казахстане`,
			Scale:   1000,
			Since:   day("2022-09-21"),
		},
		Notes: "The upper end (80,000) of a range (50,000-80,000) of Russians who entered after the mobilisation of 21 Sep 2022 and were " +
			"still in Kazakhstan at the end of December 2023; the figure is read from the article's headline ('Около 80 тысяч ...'), " +
			"the body gives the range in words. Caveat: other relays of the same TASS interview (103news.com, silver.ru) give " +
			"'about 80 thousand' as the relocants in Almaty and Almaty region (consular register), not all of Kazakhstan; treat " +
			"the national reading as uncertain. The speaker is the origin country's consul, citing Kazakh data: Kazakhstan's own " +
			"MIA figures are permit counts (catalogue). Body text verified in the search corpus (pages); the headline text is " +
			"restored from the article's URL slug.",
	},
	{
		ID:          "rs-mup-statement-2023-02",
		Destination: "RS",
		Publisher:   "Ministry of Internal Affairs of Serbia (MUP)",
		Homepage:    "https://www.mup.gov.rs",
		Title:       "Russian citizens with residence permits in Serbia (statement, February 2023)",
		URL:         "https://panteon-offshore.ru/news/za-proshlyy-god-v-serbiyu-vekhalo-okolo-450-tysyach-rossiyan-i-ukraintsev-no-ostalos-namnogo-menshe/",
		Entry: extractors.StatementEntry{
			Measure: extractors.PermitsValid,
			RefDate: day("2023-02-28"),
			SaidOn:  day("2023-02-28"),
			Speaker: "Ministry of Internal Affairs of Serbia (MUP), as reported by Panteon Offshore",
			Quote: "МВД страны сообщило о численности российских и украинских граждан, получивших ВНЖ в 2022 г. По последним " +
				"данным на февраль этого года, на территории юрисдикции проживает 23 804 россиян и 706 украинцев с ВНЖ.",
			Translation: "The country's Interior Ministry reported the number of Russian and Ukrainian citizens who obtained residence " +
				"permits in 2022. According to the latest data for February this year, 23,804 Russians and 706 Ukrainians with " +
				"residence permits live in the jurisdiction.",
			Pattern: `проживает (\d[\d\s.,]*\d) россиян`,
			Scale:   1,
		},
		Notes: "Russians holding Serbian residence permits, 'latest data for February' 2023. The page gives the month only: RefDate " +
			"and SaidOn are set to the end of February 2023 (month precision). Serbia publishes no dataset (catalogue); the " +
			"same page gives MUP's 2021 border balance (294,000 Russian entries, 263,000 exits). Page text verified in the search " +
			"corpus (pages).",
	},
	{
		ID:          "rs-mup-statement-2023-05",
		Destination: "RS",
		Publisher:   "Ministry of Internal Affairs of Serbia (MUP)",
		Homepage:    "https://www.mup.gov.rs",
		Title:       "Russian citizens with approved temporary residence in Serbia (statement, May 2023)",
		URL:         "https://www.serbianmonitor.com/en/how-many-serbian-passports-were-given-to-russians/",
		Entry: extractors.StatementEntry{
			Measure: extractors.PermitsValid,
			RefDate: day("2023-05-15"),
			SaidOn:  day("2023-08-21"),
			Speaker: "Ministry of Internal Affairs of Serbia (MUP), data provided to Radio Free Europe (RSE); reported by N1 and Serbian Monitor",
			Quote: "According to data from May 15 of this year, which the Interior Ministry ofprovided to RSE, there are almost " +
				"30,000 Russian citizens residing in Serbia on the basis of approved temporary residence.",
			Translation: "Published in English: the quote is the original.",
			Pattern:     `almost (\d[\d\s.,]*\d) Russian citizens residing in Serbia`,
			Scale:       1,
		},
		Notes: "Russians residing in Serbia on approved temporary residence on 15 May 2023 ('almost 30,000', a rounded figure), MUP " +
			"data given to RFE/RL's Serbian service and published by N1 on 21 Aug 2023. The later of the two Serbian statements; " +
			"the quote keeps the page's typo ('ofprovided'). Page text verified in the search corpus (pages).",
	},
}

func statementSource(r statementRow) *extractors.Source {
	e := r.Entry
	// One request per figure: the entry's page, then each earlier figure's.
	reqs := []extractors.Request{{URL: r.URL}}
	for _, f := range e.Earlier {
		reqs = append(reqs, extractors.Request{URL: f.URL})
	}
	return &extractors.Source{
		ID:          r.ID,
		Destination: r.Destination,
		Publisher:   r.Publisher,
		Dataset:     "statement",
		Title:       r.Title,
		Homepage:    r.Homepage,
		Requests:    reqs,
		Format:      "statement",
		Map:         extractors.Mapping{FixedCitizenship: "RU", Metric: extractors.Statement},
		Cadence:     extractors.AdHoc,
		Licence:     statementLicence,
		Notes: strings.Join([]string{r.Notes, "The fetcher re-reads the page on every run: a page that is gone or no longer " +
			"holds the pattern raises an alert."}, " "),
		Priority:  10,
		Statement: &e,
	}
}

func init() {
	for _, r := range statementRows {
		extractors.Register(statementSource(r))
	}
}
