package main

import "time"

// europePages are the articles of the European statements
// (extractors/sources/europe_statements.go), their text copied verbatim from
// the search corpus (pages) as statementPage asks.
var europePages = []statementPage{
	{
		SourceID:  "gb-home-office-visas-statement-2022",
		Lang:      "pa",
		Title:     "ਯੂਕੇ ਵੀਜ਼ਾ: Residence visas 2022 ਵਿੱਚ ਪ੍ਰੀ-ਮਹਾਂਮਾਰੀ ਦੇ ਪੱਧਰ ਤੋਂ ਪਹਿਲਾਂ ਨਾਲੋਂ ਦੁੱਗਣਾ ਹੋ ਗਿਆ",
		Published: "2023-02 (relay of Bloomberg's article of 24 Feb 2023; the stored copy has no date)",
		Paras: []string{
			"ਕੁਝ ਵਿਅਕਤੀਆਂ 'ਤੇ ਵਿਆਪਕ ਪਾਬੰਦੀਆਂ ਦੇ ਬਾਵਜੂਦ, ਯੂਕਰੇਨ ਨਾਲ ਯੁੱਧ ਸ਼ੁਰੂ ਹੋਣ ਤੋਂ ਬਾਅਦ ਯੂਕੇ ਵਿੱਚ ਕੰਮ ਕਰਨ ਅਤੇ ਰਹਿਣ ਲਈ ਆਉਣ ਵਾਲੇ ਰੂਸੀਆਂ ਦੀ ਗਿਣਤੀ ਵਿੱਚ ਵਾਧਾ ਹੋਇਆ ਹੈ।",
			"ਹੋਮ ਆਫਿਸ ਦੁਆਰਾ ਇਸ ਹਫਤੇ ਜਾਰੀ ਕੀਤੇ ਗਏ ਵੀਜ਼ਾ ਅੰਕੜੇ ਪਿਛਲੇ ਸਾਲ ਯੂਕਰੇਨ ਦੇ ਸ਼ਰਨਾਰਥੀਆਂ ਲਈ 210,906 ਵੀਜ਼ਾ ਪ੍ਰੋਗਰਾਮਾਂ ਨੂੰ ਦਰਸਾਉਂਦੇ ਹਨ।",
			"ਕੁਝ ਵਿਅਕਤੀਆਂ 'ਤੇ ਵਿਆਪਕ ਪਾਬੰਦੀਆਂ ਦੇ ਬਾਵਜੂਦ, ਯੂਕਰੇਨ ਨਾਲ ਯੁੱਧ ਸ਼ੁਰੂ ਹੋਣ ਤੋਂ ਬਾਅਦ ਯੂਕੇ ਵਿੱਚ ਕੰਮ ਕਰਨ ਅਤੇ ਰਹਿਣ ਲਈ ਆਉਣ ਵਾਲੇ ਰੂਸੀਆਂ ਦੀ ਗਿਣਤੀ ਵਿੱਚ ਵਾਧਾ ਹੋਇਆ ਹੈ।",
			"ਯੂਕੇ ਅਤੇ ਜ਼ਿਆਦਾਤਰ ਯੂਰਪ ਅਤੇ ਰੂਸ ਵਿਚਕਾਰ ਕੋਈ ਸਿੱਧੀਆਂ ਉਡਾਣਾਂ ਨਹੀਂ ਹਨ, ਪਰ ਰੂਸੀਆਂ ਨੂੰ ਬ੍ਰਿਟੇਨ ਜਾਣ ਲਈ 25,403 ਵੀਜ਼ੇ ਦਿੱਤੇ ਗਏ ਸਨ, ਜੋ 2021 ਦੇ ਪੱਧਰ ਤੋਂ 15 ਪ੍ਰਤੀਸ਼ਤ ਵੱਧ ਹਨ। ਰੂਸੀਆਂ ਲਈ ਵਰਕ ਵੀਜ਼ਿਆਂ ਦੀ ਸੰਖਿਆ 2022 ਵਿੱਚ 21 ਪ੍ਰਤੀਸ਼ਤ ਵਧ ਕੇ 5,754 ਵੀਜ਼ਾ ਤੱਕ ਪਹੁੰਚ ਗਈ।",
		},
		FetchedAt: time.Date(2023, 2, 25, 9, 0, 0, 0, time.UTC),
		Note: "Article text as stored in the search corpus (pages), with its title, including the paragraph the stored copy " +
			"repeats; the social-media footer is not kept.",
	},
	{
		SourceID:  "cy-deputy-ministry-migration-statement-2024-08",
		Lang:      "el",
		Published: "after 2024-08-26 (the stored copy has no date)",
		Paras: []string{
			"Περισσότερες από 48.000 άδειες προσωρινής διαμονής παραχωρήθηκαν σε εργαζομένους εταιρειών ξένων συμφερόντων στην Κύπρο και στα μέλη των οικογενειών τους την περίοδο 1/1/2023 – 26/8/2024, σύμφωνα με στοιχεία του Υφυπουργείου Μετανάστευσης και Διεθνούς Προστασίας που κατέθεσε στη Βουλή ο Υπουργός Εσωτερικών Κωνσταντίνος Ιωάννου.",
			"Απαντώντας σε ερώτηση της βουλευτού Λευκωσίας Αλεξάνδρας Ατταλίδου, ο Υπουργός ανέφερε ότι για την εν λόγω περίοδο εκδόθηκαν:",
			"20.997 άδειες σε εργαζομένους εταιρειών ξένων συμφερόντων.",
			"σε εργαζομένους εταιρειών ξένων συμφερόντων. 25.053 άδειες σε μέλη οικογενειών στο πλαίσιο οικογενειακής επανένωσης.",
			"σε μέλη οικογενειών στο πλαίσιο οικογενειακής επανένωσης. 2.162 άδειες σε μέλη οικογενειών ως εξαρτώμενοι επισκέπτες (ανιόντες, σύντροφοι, τέκνα).",
			"Συνολικά, ο αριθμός των αδειών ανήλθε σε 48.212.",
			"Χώρες καταγωγής",
			"Η πλειονότητα των αδειών δόθηκε σε πολίτες Ρωσίας (33.517), ενώ ακολουθούν:",
		},
		FetchedAt: time.Date(2024, 8, 27, 9, 0, 0, 0, time.UTC),
		Note: "Article text as stored in the search corpus (pages) up to the sentence with the Russian figure, keeping the stored " +
			"copy's repeated fragments; the list of other nationalities that follows and the page chrome are not kept.",
	},
}

func init() { statementPages = append(statementPages, europePages...) }
