package main

import (
	"time"

	"github.com/emigre/emigre/extractors"
)

// A statementPage is the article that published an official statement, as
// the search corpus (pages) stored its text: the paragraphs below are copied
// verbatim from there. Page chrome (menus, comments, scripts) is not kept,
// and neither is any paragraph the stored copy cut off mid-sentence.
type statementPage struct {
	SourceID string
	// URL is the page of a statement's earlier figure
	// (extractors.StatementEntry.Earlier); empty for the source's first
	// request.
	URL       string
	Lang      string
	Title     string // the <title>/<h1>; empty when the stored copy has none
	Published string // the article's date (documentation only: not written into the page)
	Paras     []string
	FetchedAt time.Time
	Note      string
}

// url is the request the page answers.
func (p statementPage) url(s *extractors.Source) string {
	if p.URL == "" {
		return s.Requests[0].URL
	}
	return p.URL
}

var statementPages = []statementPage{
	{
		SourceID:  "am-migration-service-statement-2024-08",
		Lang:      "ru",
		Published: "2024-08-19",
		Paras: []string{
			"ЕРЕВАН, 19 авг — Sputnik. Около 40 тыс. граждан России проживает в Армении на законных основаниях, сообщает Общественное телевидение Армении со ссылкой на Службу миграции и гражданства МВД республики.",
			"\"На данный момент в Армении с правом законного проживания или действительным видом на жительство проживает около 40 тыс. граждан. Рост числа граждан РФ начался в 2022 г.\", – говорится в сообщении.",
			"По сравнению с 2023 г., в 2024 г. разница во въездах и выездах граждан РФ уменьшилась. В 2023 г. число въехавших в Армению превышало число выехавших на 23 тыс., а в 2024 г. – всего на 4600.",
			"Растет также число прибывших в Армению граждан Индии. Если в целом за 2023 г. было выдано 29 815 въездных виз, то только в первой половине 2024 г. – 31 924.",
			"При этом показатели снизились по линии предоставления статуса проживания, поскольку выросло число случаев отклонения заявок иностранцев. Гражданам Индии в 2024 г. было предоставлено 858 статусов, связанных с проживанием в Армении.",
			"Что касается пересечения границы гражданами Армении, то в первом полугодии 2023 г. из страны выехало 26 тыс. человек, а за тот же период 2024 г. – 23 тыс.",
		},
		FetchedAt: time.Date(2024, 8, 20, 9, 0, 0, 0, time.UTC),
		Note:      "Article text as stored in the search corpus (pages); headline and page chrome not kept.",
	},
	{
		SourceID:  "kz-ru-consulate-statement-2023-12",
		Lang:      "ru",
		Title:     "Около 80 тысяч граждан России остаются в Казахстане с 2022 года",
		Published: "2024-02-13",
		Paras: []string{
			"К концу последнего месяца 2023 года, количество российских граждан, оставшихся на территории Казахстана, значительно сократилось с четырехсот тысяч до примерно восьмидесяти тысяч человек. Такие данные привёл в интервью агентству новостей ТАСС генконсул Российской Федерации в городе Алматы, Дмитрий Тураев. Об этом сообщает Bizmedia.kz.",
			"Он отметил, что уменьшение числа россиян в Казахстане может быть связано с рядом сложностей, среди которых — необходимость знания казахского языка для получения работы, усиление миграционного контроля, а также повышение стоимости на жильё.",
			"Дмитрий Тураев осветил, что согласно информации, предоставленной соответствующими учреждениями Республики Казахстан, после объявления мобилизации в Российской Федерации, в Казахстан въехало около четырехсот тысяч россиян. По состоянию на конец декабря, в республике продолжают пребывать примерно от пятидесяти до восьмидесяти тысяч из них.",
			"В начале года 2023 Казахстан ввёл более строгие правила для въезда и пребывания иностранных граждан, включая граждан России.",
		},
		FetchedAt: time.Date(2024, 2, 14, 9, 0, 0, 0, time.UTC),
		Note: "Body paragraphs as stored in the search corpus (pages), the last one cut after its first sentence where the stored " +
			"copy ends; the headline is restored from the article's URL slug (okolo-80-tysyach-grazhdan-rossii-ostayutsya-v-kazahstane-s-2022-goda).",
	},
	{
		SourceID:  "rs-mup-statement-2023-02",
		Lang:      "ru",
		Published: "2023-02",
		Paras: []string{
			"По последним статистическим данным МВД Сербии, в 2021 г. в государство въехало 294 тысяч российских граждан и 148 тысяч украинских. Однако за прошедший год количество выехавших граждан России составило 263 тысяч человек, а граждан Украины - 144 тысяч человек. Общее число въехавших за год составило 443 тысяч человека, в то время как количество выехавших из Сербии - 408 тысяч человека. Следовательно, количество людей, которые прибыли в Сербию и не покинули её на конец года, составило примерно 35 тысяч человек.",
			"Какое количество россиян и украинцев получило ВНЖ в Сербии в 2022 г.?",
			"МВД страны сообщило о численности российских и украинских граждан, получивших ВНЖ в 2022 г. По последним данным на февраль этого года, на территории юрисдикции проживает 23 804 россиян и 706 украинцев с ВНЖ. Стоит отметить, что между Сербией и нашим государством действует безвизовый режим, который позволяет россиянам пребывать в государстве без визы до 30 дней. В то же время, для украинцев данный период составляет 90 дней.",
		},
		FetchedAt: time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC),
		Note:      "Article text as stored in the search corpus (pages), up to the last complete paragraph; headline and page chrome not kept.",
	},
	{
		SourceID:  "rs-mup-statement-2023-05",
		Lang:      "en",
		Title:     "How many Serbian passports were given to Russians?",
		Published: "2023-08-21",
		Paras: []string{
			"Out of ten Serbian passports issued to foreign citizens in 2023, almost six went to a Russian citizen – shows the analysis conducted by Radio Free Europe (RSE).",
			"Thus, the trend of granting Serbian citizenship to Russian citizens from 2022 continued in 2023. The analysis includes only those citizenships granted by the Government of Serbia through a special procedure. The Government’s decisions are published in the Official Gazette, from where RSE took the data.",
			"Data on citizenships that are granted through a regular procedure and decided by the Interior Ministry (MUP) of Serbia are not publicly available.",
			"In the year of the Russian invasion of Ukraine, hundreds of thousands of Russians sought temporary or permanent residence in Serbia, some due to Western sanctions against Moscow, which prevented them from working for Western companies, some due to fear of conscription.",
			"Serbia, although a candidate for EU membership, is among the very few countries in Europe that has not imposed sanctions on Russia and has maintained direct flights with Moscow.",
			"Russian citizens to whom the Government granted Serbian citizenship in 2022 were mostly athletes and businessmen.",
			"According to data from May 15 of this year, which the Interior Ministry ofprovided to RSE, there are almost 30,000 Russian citizens residing in Serbia on the basis of approved temporary residence.",
			"(N1, 21.08.2023)",
		},
		FetchedAt: time.Date(2023, 8, 22, 9, 0, 0, 0, time.UTC),
		Note:      "Article text as stored in the search corpus (pages), with its title; share and comment widgets not kept.",
	},
}
