package main

import "time"

// The articles that published the non-European statements, as the search
// corpus (pages) stored their text: paragraphs copied verbatim, page chrome
// (menus, bylines, captions, widgets) and paragraphs the stored copy cuts
// off mid-sentence left out, as in pages.go.

const (
	pagesNote      = "Article text as stored in the search corpus (pages); page chrome not kept."
	pagesNoteTitle = "Article text as stored in the search corpus (pages), with its title; page chrome not kept."
	pagesNoteCut   = "Article text as stored in the search corpus (pages), up to the last complete paragraph of the stored copy; page chrome not kept."
)

func init() {
	statementPages = append(statementPages, worldPages...)
}

var worldPages = []statementPage{
	{
		SourceID:  "il-cbs-statements",
		Lang:      "en",
		Published: "2024 (undated copy; after June 2024)",
		Paras: []string{
			"Israel welcomed 46,033 new immigrants in 2023, marking a 38.4% decrease from the previous year, according to a report by the Central Bureau of Statistics released on Wednesday.",
			"The decline was mainly due to a significant drop in arrivals from Ukraine, which sent only 2,091 immigrants compared to 14,656 in 2022. Despite the decrease, 2023 was still the second-highest year for immigration since 2000, second only to 2022.",
			"The aftermath of the October 7 terrorist attack and the onset of the Gaza war led to a temporary dip in immigration numbers. However, the trend reversed, with arrivals increasing again in the first half of 2024.",
			"Russia was the largest source of immigrants, contributing 33,116 newcomers, or 72% of the total. Other notable countries included the United States with 2,413 immigrants, Ukraine with 2,091, Belarus with 1,840 and France with 1,006 immigrants.",
			"The majority of new arrivals came from former Soviet Union countries, making up 83.6% of the total. The age profile of these immigrants skewed younger, with fewer children and seniors compared to previous years and a higher proportion of working-age individuals.",
			"Nearly half of the immigrants initially settled in central Israel, particularly the Tel Aviv area. Other popular destinations included Haifa, the southern and northern districts and Jerusalem. Notably, around two-thirds of the new arrivals settled in just nine cities, with Tel Aviv, Haifa and Netanya being the top choices.",
			"In most large settlements, immigrants from Russia comprised about 78% of the total. Jerusalem was an exception, with only 37.4% from Russia and a significant 27% from the United States.",
		},
		FetchedAt: time.Date(2024, 7, 2, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
	{
		SourceID:  "il-cbs-statements",
		URL:       "https://www.israelnationalnews.com/news/376154",
		Lang:      "en",
		Published: "2023-08-27",
		Paras: []string{
			"The data also show that about 3.4 million immigrants have so far immigrated to Israel, about 46.2% of whom immigrated from 1990 onwards. In 2022, 74,714 immigrants arrived, three times the number from 2021. The rate of immigrants increased accordingly and stood at 7.8 immigrants per 1,000 residents (compared to a rate of 2.7 immigrants in 2021). Of all the immigrants in 2022, 86.0% came from the USSR (former) - mainly from Russia (60.9% of the total immigrants), Ukraine (19.6%), and Belarus (3%). 4.0% came from the United States and 3.0% - from France.",
		},
		FetchedAt: time.Date(2023, 8, 28, 9, 0, 0, 0, time.UTC),
		Note: "Only the paragraph that states 2022's total and Russia's share, as stored in the search corpus (pages); the " +
			"article's other paragraphs (the same share in its second paragraph, monthly arrivals, civil status) and page " +
			"chrome are not kept.",
	},
	{
		SourceID:  "il-aliyah-ministry-statement-2022-07",
		Lang:      "en",
		Published: "2022-07-26",
		Paras: []string{
			"The outbreak of the Ukraine war has led to a major spike in the number of immigrants from Russia, data provided by the Aliyah and Integration Ministry at the request of Israel Hayom revealed.",
			"Since the beginning of this year, about 19,200 people made aliyah from Russia, compared to the 7,824 who moved to Israel in all of 2021. Last year's monthly record was registered in October with 1,248 new immigrants, while this year, on average 3,000 Jews from Russia have moved to Israel every month.",
			"In February, Israel welcomed 743 Russian Jews, a number that spiked after the outbreak of the war, with 3,361 having made aliyah in March.",
			"The numbers are especially high if compared to aliyah from other countries, even Ukraine. Since the beginning of 2022, 12,358 Jews have made aliyah from the country, and while the number increased after the outbreak of the war, it has since returned to average (only 384 Ukrainian Jews made aliyah in July, compared to 549 in July 2021, before the war began).",
			"So far in 2022, 39,585 people made aliyah to Israel, 48% of whom came from Russia.",
			"As Russia continues to threaten to close the offices of the Jewish Agency, which works to promote aliyah to Israel, political sources say there is fear President Vladimir Putin might even shut down flights to Israel altogether.",
			"\"There is definitely fear that there could be a closure. We are not sure what exactly they want, because they have not submitted any demands. Perhaps they are afraid of an increase in aliyah, one cannot rule this out,\" one source said, adding that political officials are \"increasingly worried.\"",
			"A rabbi who lives in Russia told Israel Hayom that in his opinion, there was a direct link between the Kremlin's actions and the massive number of immigrants leaving the country for Israel.",
		},
		FetchedAt: time.Date(2022, 7, 27, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "tr-pmm-statement-2022-12",
		Lang:      "en",
		Title:     "Turkey halts granting residence permits to Russian citizens: Report",
		Published: "2023-01-24",
		Paras: []string{
			"Turkey halted to grant residence permits to Russian citizens, T24 said.",
			"Russians’ applications for a short-term residence permit in Turkey’s various cities were rejected since Dec. 26, the news website said on Tuesday, citing Russian media.",
			"According to the Russian Current Time, a woman named Ekaterina who moved to Turkey with her husband from Moscow said that they were told “no matter what document they present, the Russians were not currently granted a residence permit”.",
			"The Turkish Foreign Ministry has not yet made a statement regarding the issue, T24 said.",
			"Following the Ukraine war, Turkey became a safe haven for Russian citizens.",
			"Despite condemning the Russian invasion of Ukraine, NATO member Turkey that sought close ties with Moscow in recent years has refused to follow the Western sanctions imposed on Russia or Russian citizens. Turkey allowed Russian oligarchs to moor their luxury yachts at its ports and said Russian citizens would be welcome in the country as both tourists and investors.",
			"According to Turkish official data, Russians living with residence permits in Turkey in 2022 have numbered 145,715 by the end of the year, more than doubling the previous year’s figures, making up the top of the list of foreigners living in Turkey with residence permits.",
			"Since the beginning of the war on Feb.24 last year, Russian billionaires also sought to make major investments in Turkish market that provide them a Turkish citizenship.",
		},
		FetchedAt: time.Date(2023, 1, 25, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "tr-pmm-statement-2024-05",
		Lang:      "en",
		Title:     "Russians leave Turkiye due to issues with residency legalization - Reuters",
		Published: "2024-05-22",
		Paras: []string{
			"Thousands of Russians who fled to Turkiye following Russia's invasion of Ukraine have relocated to other countries in the past year due to difficulties obtaining residency permits, high prices, and challenges accessing banking services due to sanctions, reports Reuters.",
			"This month, the number of Russians with residency permits in Turkiye has dropped to 96,000, a third less compared to the 154,000 at the end of 2022, according to official data.",
			"Russian citizens have been complaining about difficulties in obtaining residency permits since the beginning of 2023. In conversations with the agency, they reported that obtaining a permit now costs around $2000.",
			"The rapid increase in expenses is also cited as a reason for relocation - inflation in Turkiye reached 70% last month. Additionally, Russian citizens are facing difficulties in accessing basic banking services in Turkiye due to the impact of sanctions.",
			"Turkiye's migration authority stated that all rejected residency permit applications include explanations in the applicants' native language according to the laws and that applicants can freely utilize legal means of recourse.",
			"Mass exodus of Russian citizens from the country",
			"The mass exodus of Russian citizens from Russia began after Russian President Vladimir Putin declared mobilization for war against Ukraine in September 2022.",
			"The Kremlin has not disclosed any data on the exodus, but the Danish Refugee Council's Mixed Migration Center says that around 800,000 Russian citizens have moved abroad since the invasion of Ukraine.",
			"Russian citizens in Turkiye",
			"Turkiye, which maintains warm relations with both Moscow and Kyiv, has retained a visa-free regime for Russians and has not joined the West's sanctions against Russia.",
			"Former Turkish Foreign Minister Mevlut Cavusoglu stated that Russian oligarchs and their yachts are welcome, but they must abide by international law to conduct business.",
		},
		FetchedAt: time.Date(2024, 5, 23, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "kr-kis-statement-2023",
		Lang:      "en",
		Title:     "Korea sees surge in number of asylum seekers from Russia",
		Published: "2024-02-12",
		Paras: []string{
			"South Korea saw a significant rise in the number of Russian asylum seekers last year, with over 5,000 submitting refugee applications, a government report found Monday.",
			"According to the latest monthly report by the Korea Immigration Service under the Ministry of Justice, the number of Russian nationals who sought refugee status in Korea last year stood at 5,750, a five-fold increase from the number of asylum applications by Russian nationals in 2022, which stood at 1,038. The number is also almost equivalent to the total number of Russian asylum seekers over 26 years between 1994 and 2019.",
			"A total of 18,838 refugee applications were reported last year, a 63 percent increase from the previous year. Russians accounted for over 30 percent, followed by Kazakhstan nationals with 2,094, Chinese with 1,282, Malaysians with 1,205 and Indian nationals with 1,189.",
			"The dramatic increase is believed to be due to growing concerns among Russians over the possible additional conscription of citizens for Moscow's war against Kyiv. President Vladimir Putin began a military mobilization in September 2022, putting many men at risk of getting drafted.",
			"According to the government report, the most common reason for applying for asylum was due to \"political opinions,\" including objecting to getting conscripted (4,580), followed by religion (2,665), membership in a particular social group (1,205), uniting the family (887) and due to race (719).",
			"There are no exact figures on how many people have left Russia since the Ukraine war started, but the BBC has reported estimates could vary from hundreds of thousands to several million people. Forbes also cited sources within Russia's authorities as saying that between 600,000 and 1 million people crossed Russia's borders in 2022.",
		},
		FetchedAt: time.Date(2024, 2, 13, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "kr-moj-statement-2024-05",
		Lang:      "en",
		Title:     "No. of Russian asylum-seekers in Korea soars to nearly 9,000 since start of war in Ukraine",
		Published: "2024-07 (month of the relay's address)",
		Paras: []string{
			"The number of Russians seeking asylum in Korea has soared to nearly 9,000 since Moscow’s invasion of Ukraine in February 2022.",
			"An official at the Ministry of Justice told The Korea Times on Wednesday that 8,871 Russians had applied for refugee status here between January 2022 and this May.",
			"Given that only 45 Russians sought asylum during the whole year of 2021, most, if not all, of the 1,038 Russians who sent their applications to the ministry’s asylum adjudicators in 2022 are believed to have come to Korea after the war in Ukraine started.",
			"During the first five months of this year, 2,083 applications were already sent in, an average of 416 every month. If this trend continues into 2024, the number is expected to exceed last year’s total, 5,705, by the end of the year.",
			"Russian men seeking asylum in Korea and other countries have gained much attention since the beginning of Moscow’s full-scale invasion of Ukraine, with hundreds of thousands of Russians leaving their country since ― many of them fleeing military conscription.",
			"When asked how many of the Russian asylum-seekers have obtained the status here so far, the ministry official refused to answer, citing privacy and security.",
			"However, administrative and judicial precedents suggest that their chances are extremely low. In May, a court in Seoul ruled in favor of a Russian national who was challenging the ministry’s rejection of his asylum application, the first instance of such a ruling.",
		},
		FetchedAt: time.Date(2024, 7, 2, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut + " The photo caption is not kept.",
	},
	{
		SourceID:  "kg-population-registration-statement-2022-09",
		Lang:      "ru",
		Published: "2022 (undated copy; October 2022 or later)",
		Paras: []string{
			"В официальные органы Киргизии с начала 2022 года обратились более 1,5 тысячи россиян для получения киргизского гражданства, рассказал на пресс-конференции директор департамента регистрации населения при Министерстве цифрового развития республики Нурсултан Сардарбеков, сообщает EADaily. Как отметил чиновник, в этом году также идет рост прибывающих в страну граждан России примерно на 30%.",
			"По статистическим данным, за девять месяцев прошлого года в Кыргызстан из России прибыли 160 380 граждан. В этом году идет рост прибывающих примерно на 30%. С начала года в Кыргызстан из России прибыли 192 258 граждан. За девять месяцев 2021-го 385 граждан России подали документы на получение гражданства Кыргызстана. За аналогичный период этого года документы на получение гражданства подал 1631 человек, заявил Сардарбеков.",
			"При этом киргизский чиновник подчеркнул, что за девять месяцев минувшего года гражданство республики получили 226 человек, а за аналогичный период этого года — 603 человека.",
		},
		FetchedAt: time.Date(2022, 10, 2, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "me-mup-statement-2022-10",
		Lang:      "sr-Latn-ME",
		Published: "2022-10 (undated copy; data to 10 October 2022)",
		Paras: []string{
			"Nešto više od 13.500 hiljada ruskih državljana ima odobren privremeni ili stalni boravak u Crnoj Gori, dok je u našoj državi oko 11.100 Ukrajinaca po osnovu privremene zaštite ili odobrenog boravka. To pokazuju podaci koje je Ministarstvo unutrašnjih poslova dostavilo Portalu RTCG. Od početka rata u Ukrajini, u februaru, za boravak do 90 dana prijavilo se 112.755 državljana Rusije i 50.614 Ukrajinaca.MUP navodi da je od početka rata u Ukrajini 24. februara do 10. oktobra ove godine u Crnoj Gori, registrovan ulaz 119.619 državljana Ruske Federacije, dok je na izlazu registrovano 103.406.",
			"“Za isti period boravak do 90 dana prijavilo je 112.755 državljana Ruske Federacije”, navodi MUP.",
			"Ipak u Crnoj Gori, po osnovu odobrenog privremenog boravka, trenutno boravi 8.157 državljana Ruske Federacije, po osnovu odobrenog produženog privremenog boravka njih 4.269, dok po osnovu odobrenog stalnog boravaka u Crnoj Gori boravi 1.146 Rusa.",
			"U istom periodu MUP je registrovao da je u Crnu Goru ušlo 73.558 državljana Ukrajine, dok je na izlazu registrovano 65.700.",
			"“Za isti period boravak do 90 dana prijavilo je 50.614 državljana Ukrajine”, saopšteno nam je iz MUP-a.",
			"Kako kažu, u Crnoj Gori po osnovu odobrenog privremenog boravka trenutno boravi 934 državljana Ukrajine, po osnovu produženog privremenog boravka 1.141 državljana Ukrajine dok, kako kažu u MUP-u, po osnovu odobrenog stalnog boravka u Crnoj Gori boravi 2.359 državljana Ukrajine.",
			"“Zahtjev za odobrenje privremene zaštite podnijelo je 6.722 državljana Ukrajine, od ovog broja odobreno 5.833 zahtjeva dok se u radu nalazi još 889 zahtjeva za odobrenje privremene zaštite”, pokazuju podaci MUP-a.",
		},
		FetchedAt: time.Date(2022, 10, 12, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
	{
		SourceID:  "me-mup-statement-2025-11",
		Lang:      "bs",
		Published: "2025-11-30",
		Paras: []string{
			"Crna Gora će najkasnije do septembra naredne godine uvesti vize za državljane Rusije, potvrđeno je iz Ministarstva vanjskih poslova. Ova odluka dio je obaveza koje zemlja preuzima u okviru potpunog usklađivanja vizne politike sa pravilima Evropske unije.",
			"Kako je saopćilo Ministarstvo, Crna Gora mora u potpunosti uskladiti svoju viznu politiku s EU do kraja trećeg kvartala 2026. godine. Uvođenje viza za ruske građane predviđeno je u okviru Agende reformi za period 2024–2027, koja se odnosi na poglavlje 24 – pravda, sloboda i sigurnost. Naglašeno je da će proces usklađivanja biti postepen, uz uzimanje u obzir ekonomskih i drugih nacionalnih interesa.",
			"Trenutno, prema sporazumu o recipročnim putovanjima, ruski državljani mogu boraviti u Crnoj Gori bez vize do 30 dana. Prema podacima Ministarstva unutrašnjih poslova, u zemlji trenutno boravi više od 21.100 državljana Rusije, najviše u primorskim gradovima, naročito u Budvi.",
			"Uprkos ograničenju od 30 dana, dio ruskih državljana produžava boravak tako što na kratko napušta Crnu Goru i po povratku dobija novi 30-dnevni rok, navodi Vijesti.me.",
			"Planirano uvođenje viza označava značajnu promjenu u viznoj politici Crne Gore, koja se nastavlja usklađivati s evropskim zakonodavstvom. Očekuje se da će ova mjera dugoročno utjecati na migracijske tokove i odnose između Crne Gore i Rusije.",
		},
		FetchedAt: time.Date(2025, 12, 1, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
	{
		SourceID:  "uz-stat-statement-2022",
		Lang:      "en",
		Published: "2023-01-30",
		Paras: []string{
			"Media reports that 2,322 foreigners moved to Uzbekistan for permanent residence last year.",
			"The arrivals figure is shaped using special coupons designed for statistical purposes and compiled by the internal affairs bodies when recording the population at the residence, Uzbekistan’s State Statistics Committee said in a statement.",
			"Reportedly, Russian nationals topped the list in 2022 (813 people), followed by Kazakhstan (761), Tajikistan (156), closing the top three, and Kyrgyzstan, occupying the fourth place (111).",
		},
		FetchedAt: time.Date(2023, 1, 31, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
	{
		SourceID:  "uz-stat-statement-2023",
		Lang:      "ru",
		Title:     "Иностранцы стали чаще переезжать на ПМЖ в Узбекистан",
		Published: "2024-01-27",
		Paras: []string{
			"Больше всего прибывших из России и Казахстана.",
			"За 2023 год в Узбекистан иммигрировали 2 955 человек, следует из данных Агентства по статистике.",
			"В их числе 1 473 мужчины и 1 482 женщины. Ниже представлен список по странам:",
			"из России — 1 175 (39,8%);",
			"из Казахстана — 726 (24,6%);",
			"из Таджикистана — 286 (9,7%);",
			"из Кыргызстана — 150 (5,1%);",
			"из Туркменистана — 61 (2,1%);",
			"из других стран — 557 (18,7%).",
			"По сравнению с предыдущим годом показатель значительно вырос: в 2022 году на ПМЖ прибыли 2 304 человека.",
		},
		FetchedAt: time.Date(2024, 1, 28, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteTitle,
	},
	{
		SourceID:  "uz-stat-statement-2024",
		Lang:      "en",
		Title:     "Which countries are Uzbeks choosing for permanent residence?",
		Published: "2025-01-30",
		Paras: []string{
			"Last year, 10,842 Uzbeks moved abroad for permanent residence. This was reported by the Statistics Agency.",
			"In 2024, the majority of those who left Uzbekistan went to Kazakhstan (8,792 people) and Russia (1,601 people). Additionally, the share of those who left the country accounted for South Korea (96 people), Kyrgyzstan (73 people), Turkmenistan (39 people), and other countries (241 people).",
			"For comparison, in 2023, the number of Uzbeks who moved abroad for permanent residence was significantly higher than the previous year (17,336 people). Among them, 14,051 people moved to Kazakhstan, and 2,670 people moved to Russia.",
			"Fifteen years ago, in 2010, 44,420 people left Uzbekistan for abroad, 50,816 people in 2011, and 45,447 people in 2012. Since 2015, the trend of moving abroad began to decline significantly (31,765 people moved).",
			"In 2024, the number of people moving to Uzbekistan from foreign countries for permanent residence was 2,229. Of these, 813 were from Russia, and 539 were from Kazakhstan. Additionally, 241 people moved to the country from Tajikistan, and 153 people from Kyrgyzstan for permanent residence.",
			"For comparison, in 2023, 2,955 people moved to the republic from abroad. Of these, 1,175 were from Russia, and 726 were from Kazakhstan.",
		},
		FetchedAt: time.Date(2025, 1, 31, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteTitle + " Infographic captions not kept.",
	},
	{
		SourceID:  "ar-dnm-statement-2023",
		Lang:      "es",
		Published: "2023 (undated copy; no later than 30 June 2023)",
		Paras: []string{
			"Las rusas (y los rusos) ya no vienen. Es más: se están yendo. Según los registros de la Dirección Nacional de Migraciones (DNM), que lidera Florencia Carignano, desde el 1 de enero de 2022 hasta la semana actual, entraron a la Argentina 34.797 ciudadanas y ciudadanos rusos y se fueron 25.768. O sea, de casi 35.000 que llegaron, sólo se quedaron en la Argentina 9.000. La nueva tendencia se debe a que Migraciones ya no otorga radicaciones de manera casi automática, sino que realiza estudios socioambientales para ver si efectivamente el que está pidiendo radicación se queda en el país o es sólo una maniobra para pedir el pasaporte argentino. Y el resultado está a la vista: pocos venían a quedarse, el objetivo era el pasaporte. De hecho, Migraciones sólo otorgó 597 radicaciones permanentes y 402 radicaciones temporarias, pasos previos a que se puedan nacionalizar y obtener el pasaporte argentino. Como se sabe, el documento es recibido ampliamente en el mundo, mientras que el pasaporte ruso es un enorme obstáculo para entrar en los países y todavía más para conseguir trabajo.",
			"Los datos coinciden",
			"Página/12 consultó con a integrantes de la comunidad rusa y todos coincidieron en que la oleada es esa. Yegor Vasilkov, que lidera el blog de Telegram llamado Argentina en idioma ruso confirma que son más los que se van que los que vienen. “Hablando con uno de los transportes habituales, me dijo que se están yendo tres familias por semana y viene una sola”, le dijo a Página/12. Es apenas una muestra que se puede extender al conjunto.",
		},
		FetchedAt: time.Date(2023, 6, 30, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteCut,
	},
	{
		SourceID:  "ae-ru-consulate-statement-2026-01",
		Lang:      "ru",
		Title:     "Генконсул рассказал, сколько россиян постоянно проживает в Дубае",
		Published: "2026-01-02",
		Paras: []string{
			"ДУБАЙ, 2 янв - ПРАЙМ. Число постоянно проживающих в ОАЭ россиян превышает 150 тысяч человек, сообщил в интервью РИА Новости генконсул России в Дубае Максим Владимиров. \"Исходя из совокупных оценок - данных консульского учета, миграционной статистики и косвенных показателей, - можно говорить о том, что число российских граждан, постоянно проживающих в ОАЭ, превышает 150 тысяч человек. При этом наибольшая концентрация приходится на Дубай и Северные Эмираты, что объясняется рынком труда, деловой активностью и развитой инфраструктурой для иностранных резидентов\", - отметил генконсул. При этом, по его словам, ежегодный туристический поток из России в ОАЭ превышает 2 миллиона человек.",
		},
		FetchedAt: time.Date(2026, 1, 3, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteTitle + " The page's summary line repeating the lead is not kept.",
	},
	{
		SourceID:  "md-border-police-statement-2024-02",
		Lang:      "ro",
		Title:     "De la începutul invaziei în Ucraina, 91 de mii de cetățeni ruși au intrat în R. Moldova, fiecare al patrulea rămânând în țară",
		Published: "2024 (undated copy; about two years after February 2022)",
		Paras: []string{
			"Aproximativ 24 de mii de cetățeni ruși, dintr-un total de 91 de mii care au intrat în R. Moldova de la invazia rusească în Ucraina, au ales să rămână în țară, arată datele Poliției de Frontieră, citate de Radio Moldova. Potrivit autorităților, o bună parte dintre aceștia sunt moldoveni stabiliți în Rusia sau care muncesc acolo și au revenit în Moldova.",
			"Potrivit sursei citate, la aproximativ doi ani de la începutul războiului, 348 de cetățeni ruși au solicitat azil, fiind înregistrați la Inspectoratul General pentru Migrație. Totodată, datele Agenției Servicii Publice arată că, tot în această perioadă, 70% din numărul total de solicitanți ai cetățeniei Republicii Moldova au fost din Federația Rusă.",
			"Potrivit datelor ASP, în anii 2020 și 2021 au fost înregistrate peste 11700 de cereri, în timp ce în ultimii doi ani au fost recepționate peste 19 mii de solicitări.",
			"Săptămâna trecută, Guvernul a votat prelungirea procedurii de acordare a cetățeniei de la 20 de zile lucrătoare, până la 6 luni, pentru a asigura examinarea mai detaliată a documentelor depuse de solicitanții de cetățenie.",
		},
		FetchedAt: time.Date(2024, 2, 26, 9, 0, 0, 0, time.UTC),
		Note:      pagesNoteTitle,
	},
	{
		SourceID:  "kz-mia-statement-2022-03",
		Lang:      "ru",
		Published: "2022 (undated copy; April 2022 or later)",
		Paras: []string{
			"В МВД рассказали LS о том, сколько граждан России, Украины и Беларуси получили разрешение на проживание в Казахстане в этом году.",
			"По информации госоргана, только в марте 2022 года разрешение на временное проживание получили 6,5 тыс. россиян, на постоянное – 419 человек. Всего в I квартале – 16,8 тыс. и 986 граждан России соответственно.",
			"Также в марте разрешение на временное проживание было выдано 129 гражданам Украины, на постоянное – 15 украинцам. В I квартале – 430 и 32 человек соответственно.",
			"Что касается жителей Беларуси, то в марте временное проживание получили 111 человек, постоянное – два человека. В I квартале – 354 и 10 граждан данной страны.",
			"Ранее в МВД рассказали, что в Казахстане около 130 тыс. россиян и 3,5 тыс. украинцев. 170 россиян и семь украинцев подали заявки на получение казахстанского гражданства. Показатели аналогичны прошлым годам.",
			"Между тем в Минтруда пообещали обеспечить казахстанцев работой, несмотря на приток иностранцев.",
		},
		FetchedAt: time.Date(2022, 4, 2, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
	{
		SourceID:  "ge-government-statement-2026-02",
		Lang:      "en",
		Published: "2026-02-17",
		Paras: []string{
			"Around 32,000 Russian citizens hold residence permits in Georgia, accounting for approximately one-third of all foreigners with residency status, according to the country's prime minister.",
			"Over 107,000 foreign nationals have obtained residence permits in Georgia, Prime Minister Irakli Kobakhidze said, adding that nearly a third of them (29.9%) are Russian citizens.",
			"According to data presented by the PM, out of more than 32,000 Russian citizens holding residency permits in Georgia, 30% either previously held Georgian citizenship or are ethnic Georgians. Thus, Russian nationals lead in the number of Georgian residency permit holders.",
			"India ranks second, with 23,900 of its citizens living in the country on residency permits. These are primarily students pursuing education in Georgia.",
			"Azerbaijanis round out the top three (6.3%). According to Kobakhidze, these are mostly former residents of Georgia of Azerbaijani descent who have returned and obtained residency permits.",
			"The top ten also includes citizens of Ukraine, Armenia, Belarus, Turkey, Iran, Sudan, and China. Migration issues and their impact on the country are currently being actively discussed in Georgia.",
		},
		FetchedAt: time.Date(2026, 2, 18, 9, 0, 0, 0, time.UTC),
		Note:      pagesNote,
	},
}
