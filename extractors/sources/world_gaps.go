package sources

import "github.com/emigre/emigre/extractors"

// worldGaps are destinations known to receive Russian emigrants for which no
// usable figure was found: the catalogue lists them with status "no source"
// so that reports name them instead of showing nothing, which reads as zero.
// A gap whose country gains a source the estimate can use must be removed (a
// test checks); a source the estimate ignores (UNHCR's asylum applications
// for Azerbaijan) leaves the gap standing, and its reason says so.
var worldGaps = []extractors.Gap{
	{
		Country: "VN",
		Reason: "No destination-side figure: Vietnam publishes no foreign-resident or migration statistics by citizenship and no " +
			"official was found giving a count of Russians; UNHCR records none. The only signal is the origin side.",
		Evidence: "Rosstat: 5,400 registered departures from Russia to Vietnam in H1 2022 " +
			"(https://imag.one/news/iz-rossii-s-nachala-goda-uehalo-bolee-400/12832208, catalogue row VN)",
		Checked: day("2026-11-25"),
	},
	{
		Country: "AZ",
		Reason: "No source for the estimate; only asylum applications. The State Migration Service publishes no residence " +
			"figures by citizenship and did not answer journalists (catalogue row AZ); UNHCR counts a handful of asylum " +
			"applications a year (az-unhcr-asylum-applications, registered as a cross-check: an application is not an " +
			"estimate of who moved and stayed, and the estimate does not use them) and about 270-310 refugees from Russia, " +
			"mostly from before 2022.",
		Evidence: "https://www.europeantimes.news/pt/2024/07/devido-a-san%C3%A7%C3%B5es-e-medo-de-mobiliza%C3%A7%C3%A3o%2C-650000-deixaram-a-R%C3%BAssia/ ; " +
			"UNHCR end-year population, shared/realdata/derived/russia__unhcr_gdidata_origin_RUS.csv (AZE)",
		Checked: day("2026-11-25"),
	},
	{
		Country: "TH",
		Reason: "Thailand publishes tourist arrivals only; the figures found count visitors (about 1.5-1.9 million Russian trips a " +
			"year) or requests to extend a stay in Phuket (7,596 in March 2023), not residents, and no stored page carries the " +
			"Russian ambassador's estimate of settled Russians that the catalogue mentions.",
		Evidence: "https://www.bangkokpost.com/thailand/general/2518074/7-600-russians-seek-to-extend-phuket-stay ; " +
			"https://360.ru/news/mir/posol-tomihin-rasskazal-chto-obostrenie-situatsii-na-granitse-tailanda-i-kambodzhi-ne-kosnulos-rossijskih-turistov/ (almost 1.5 million Russian visitors in 2023) ; " +
			"https://lenta.ru/news/2026/02/05/chislo-deportirovannyh-iz-tailanda-rossiyan-udvoilos/ (1.9 million Russian arrivals in 2025)",
		Checked: day("2026-11-25"),
	},
	{
		Country: "ID",
		Reason: "Indonesia's immigration offices in Bali give arrivals (59,854 Russians in 2022) and the number of Russians present " +
			"in their jurisdiction, tourists included (14,617 + 7,682 + 444 in March 2023); the only residence-permit figure " +
			"covers seven weeks of applications (2,640 limited-stay permits, 1 Jan - 22 Feb 2023). None counts Russians who " +
			"settled.",
		Evidence: "https://www.pikiran-rakyat.com/nasional/pr-016410506/russian-tourists-suspected-flocking-bali-avoiding-military-conscription-immigration-official-says ; " +
			"https://www.detik.com/bali/berita/d-6613807/14-328-warga-rusia-ajukan-izin-kunjungan-ke-bali",
		Checked: day("2026-11-25"),
	},
	{
		Country: "MN",
		Reason: "Mongolia's Immigration Agency gave only entries after the mobilisation (6,268 Russians through Altanbulag, 21-29 " +
			"September 2022) and 30-day stay extensions (748), and promised residence permits to applicants; no count of " +
			"residence permits granted to Russians was found.",
		Evidence: "https://www.wnp.pl/rynki-zagraniczne/mongolia-przyzna-zezwolenia-na-pobyt-obywatelom-rosji-ktorzy-zechca-pozostac-w-tym-kraju,628580.html ; " +
			"https://odessa-journal.com/mongolia-promised-to-issue-residence-permits-to-all-russians-who-ask-for-it/",
		Checked: day("2026-11-25"),
	},
}

func init() {
	for _, g := range worldGaps {
		extractors.RegisterGap(g)
	}
}
