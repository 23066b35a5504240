package extractive

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// entities are the people, places and organizations an article names.
type entities struct {
	people, places, orgs []string
}

// token is one word of a sentence as written, with what surrounds it.
type token struct {
	text  string // without surrounding punctuation or a possessive 's
	start bool   // first word of the sentence
	stop  bool   // followed by punctuation that ends a name (",", ".", ")")
}

type tally struct {
	counts map[string]int
	first  map[string]int
	order  int
}

func newTally() *tally { return &tally{counts: map[string]int{}, first: map[string]int{}} }

func (t *tally) add(name string) {
	if _, ok := t.first[name]; !ok {
		t.first[name] = t.order
		t.order++
	}
	t.counts[name]++
}

// top returns the names by frequency, then by first mention.
func (t *tally) top(n int) []string {
	names := make([]string, 0, len(t.counts))
	for k := range t.counts {
		names = append(names, k)
	}
	sort.Slice(names, func(a, b int) bool {
		if t.counts[names[a]] != t.counts[names[b]] {
			return t.counts[names[a]] > t.counts[names[b]]
		}
		return t.first[names[a]] < t.first[names[b]]
	})
	if len(names) > n {
		names = names[:n]
	}
	return names
}

// extractEntities finds names heuristically: runs of capitalised words,
// titles before people, a gazetteer of places and cue words of organizations.
func extractEntities(title string, sents []string) entities {
	people, places, orgs := newTally(), newTally(), newTally()
	all := sents
	if title != "" {
		all = append([]string{title}, sents...)
	}
	toks := make([][]token, len(all))
	// Words seen in lower case are common words when capitalised at the
	// start of a sentence ("Officials said ...").
	lower := map[string]bool{}
	for si, s := range all {
		toks[si] = tokenize(s)
		for _, t := range toks[si] {
			if r, _ := utf8.DecodeRuneInString(t.text); unicode.IsLower(r) {
				lower[t.text] = true
			}
		}
	}
	c := &classifier{people: people, places: places, orgs: orgs, common: lower}
	for si := range all {
		toks := toks[si]
		headline := si == 0 && title != ""
		for i := 0; i < len(toks); {
			if !isCapitalised(toks[i].text) {
				i++
				continue
			}
			j := i + 1
			for j < len(toks) && !toks[j-1].stop {
				if isCapitalised(toks[j].text) {
					j++
					continue
				}
				if connectors[toks[j].text] && j+1 < len(toks) && !toks[j].stop && isCapitalised(toks[j+1].text) {
					j += 2
					continue
				}
				break
			}
			run := make([]string, 0, j-i)
			for _, t := range toks[i:j] {
				run = append(run, t.text)
			}
			atStart := toks[i].start || headline
			if atStart && (lower[strings.ToLower(run[0])] || sentenceStarters[strings.ToLower(run[0])] || stopwords[strings.ToLower(run[0])]) {
				run = run[1:]
				atStart = false
			}
			c.classifyRun(run, atStart)
			i = j
		}
	}
	return entities{
		people: mergePeople(people).top(maxEntities),
		places: places.top(maxEntities),
		orgs:   orgs.top(maxEntities),
	}
}

// classifier files runs of capitalised words; common holds the words the
// article also writes in lower case ("election"), which are not names.
type classifier struct {
	people, places, orgs *tally
	common               map[string]bool
}

// classifyRun splits a run of capitalised words at titles ("US President
// George Bush") and files each part.
func (c *classifier) classifyRun(run []string, atStart bool) {
	people, places, orgs := c.people, c.places, c.orgs
	for len(run) > 0 && connectors[run[0]] {
		run = run[1:]
	}
	if len(run) == 0 {
		return
	}
	name := strings.Join(run, " ")
	if k := slices.Index(run, "and"); k >= 0 && !placeNames[name] && !orgNames[name] {
		// "Russia and Ukraine": two names unless the whole is known.
		c.classifyRun(run[:k], atStart)
		c.classifyRun(run[k+1:], false)
		return
	}
	// A country is a place even when a word of it is an organization cue
	// ("United States"); named organizations ("United Nations") are listed.
	if placeNames[name] && !orgNames[name] {
		places.add(name)
		return
	}
	if isOrg(run) {
		orgs.add(name)
		return
	}
	// A title inside the run: what follows is a person.
	for k := 0; k < len(run); k++ {
		n := titleLen(run[k:])
		if n == 0 {
			continue
		}
		if k > 0 {
			c.classifyRun(run[:k], atStart)
		}
		rest := run[k+n:]
		for len(rest) > 0 && titleLen(rest) > 0 {
			rest = rest[titleLen(rest):]
		}
		if len(rest) > 0 && connectors[rest[0]] {
			// "Bishop of Durham", "President of France": an office, not a name.
			c.classifyRun(rest[1:], false)
			return
		}
		if len(rest) > 0 && c.allCommon(rest) {
			// "General Election": a capitalised common word is not a person.
			return
		}
		if len(rest) > 0 && !placeNames[strings.Join(rest, " ")] && !isOrg(rest) {
			p := strings.Join(rest, " ")
			if len(rest) == 1 && honorifics[run[k+n-1]] {
				p = run[k+n-1] + " " + p
			}
			people.add(p)
		} else if len(rest) > 0 {
			c.classifyRun(rest, false)
		}
		return
	}
	// Places inside a longer run ("Moscow Kyiv") are rare; check each word.
	allPlaces := true
	for _, w := range run {
		if !placeNames[w] {
			allPlaces = false
		}
	}
	if allPlaces {
		for _, w := range run {
			places.add(w)
		}
		return
	}
	if len(run) < 2 || len(run) > 4 {
		return
	}
	for _, w := range run {
		if notNameWords[w] || isAcronym(w) || connectors[w] {
			return
		}
	}
	if c.allCommon(run) {
		return
	}
	people.add(name)
}

// allCommon reports whether every word of run is a common word: written in
// lower case elsewhere in the article, or a word no name is made of.
func (c *classifier) allCommon(run []string) bool {
	for _, w := range run {
		low := strings.ToLower(w)
		if !c.common[low] && !stopwords[low] && !notNameWords[w] {
			return false
		}
	}
	return true
}

// mergePeople folds "Mr Balls" and "Balls" into "Ed Balls" when the full
// name is also mentioned.
func mergePeople(t *tally) *tally {
	out := newTally()
	names := make([]string, 0, len(t.counts))
	for k := range t.counts {
		names = append(names, k)
	}
	sort.Slice(names, func(a, b int) bool { return t.first[names[a]] < t.first[names[b]] })
	full := map[string]string{}
	for _, n := range names {
		parts := strings.Fields(n)
		if len(parts) >= 2 && !honorifics[parts[0]] {
			if _, ok := full[parts[len(parts)-1]]; !ok {
				full[parts[len(parts)-1]] = n
			}
		}
	}
	for _, n := range names {
		parts := strings.Fields(n)
		target := n
		if len(parts) == 1 || len(parts) == 2 && honorifics[parts[0]] {
			if f, ok := full[parts[len(parts)-1]]; ok {
				target = f
			}
		}
		for c := 0; c < t.counts[n]; c++ {
			out.add(target)
		}
		if out.first[target] > t.first[n] {
			out.first[target] = t.first[n]
		}
	}
	return out
}

func tokenize(s string) []token {
	fields := strings.Fields(s)
	toks := make([]token, 0, len(fields))
	for i, f := range fields {
		core := strings.TrimLeftFunc(f, notLetter)
		trimmed := strings.TrimRightFunc(core, notLetter)
		stop := trimmed != core || strings.ContainsAny(f[:len(f)-len(core)], "\"“‘'(")
		if strings.Contains(trimmed, ".") && strings.HasPrefix(core[len(trimmed):], ".") {
			// "U.S.", "U.N.": an abbreviation keeps its final period (and,
			// as before, ends the run: "U.S. President Joe Biden").
			trimmed += "."
		}
		for _, suf := range []string{"'s", "’s", "'", "’"} {
			if strings.HasSuffix(trimmed, suf) {
				trimmed = strings.TrimSuffix(trimmed, suf)
				stop = true
				break
			}
		}
		// A word with trailing punctuation ends a name unless it is an
		// abbreviation such as "Mr." or an initial "J.".
		if stop && strings.HasSuffix(core, ".") && (neverFinal[strings.ToLower(trimmed)] || utf8.RuneCountInString(trimmed) == 1) {
			stop = false
		}
		if i > 0 && len(toks) > 0 && strings.ContainsAny(f[:len(f)-len(core)], "\"“‘(") {
			toks[len(toks)-1].stop = true
		}
		toks = append(toks, token{text: trimmed, start: i == 0, stop: stop})
	}
	return toks
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }

func isCapitalised(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.IsUpper(r)
}

func isAcronym(w string) bool {
	n := utf8.RuneCountInString(w)
	if n < 2 || n > 6 {
		return false
	}
	for _, r := range w {
		if !unicode.IsUpper(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

func isOrg(run []string) bool {
	name := strings.Join(run, " ")
	if orgNames[name] {
		return true
	}
	if len(run) == 1 {
		return isAcronym(name) && !placeNames[name] && !commonAcronyms[name]
	}
	for _, w := range run {
		if orgCues[w] {
			return true
		}
	}
	return false
}

// titleLen returns how many leading words of run form a title of a person.
func titleLen(run []string) int {
	if len(run) >= 2 && twoWordTitles[run[0]+" "+run[1]] {
		return 2
	}
	if titles[run[0]] || honorifics[run[0]] {
		return 1
	}
	return 0
}

// commonAcronyms are capitalised abbreviations that name no organization.
var commonAcronyms = setOf("PC", "PCs", "TV", "GDP", "CEO", "CFO", "DVD", "CD", "MP", "MPs", "MEP", "MEPs", "OK", "AM",
	"PM", "PR", "IT", "AI", "HIV", "AIDS", "SMS", "ID", "VAT", "GMT", "BST", "UTC", "FM", "DJ", "HD", "PhD", "Q1", "Q2",
	"Q3", "Q4", "ISBN", "URL", "USB", "LED", "GPS", "BC", "AD", "ET", "EST", "PST", "NB", "PS", "II", "III", "IV", "VI")

var connectors = setOf("of", "for", "de", "du", "del", "da", "bin", "ibn", "al", "van", "von", "der", "la", "le", "the", "and")

var honorifics = setOf("Mr", "Mrs", "Ms", "Dr", "Sir", "Dame", "Lord", "Lady", "Prof", "Professor")

var titles = setOf("President", "Minister", "Chancellor", "Secretary", "King", "Queen", "Prince", "Princess", "Pope",
	"Senator", "Sen", "Governor", "Gov", "General", "Gen", "Admiral", "Colonel", "Col", "Commander", "Ambassador",
	"Mayor", "Sheikh", "Ayatollah", "Premier", "Chairman", "Chairwoman", "Spokesman", "Spokeswoman", "Envoy",
	"Judge", "Justice", "Rep", "Representative", "Speaker", "Emir", "Sultan", "Cardinal", "Archbishop", "Bishop",
	"Director", "Commissioner", "Chief", "Leader", "Captain", "Capt", "Lt", "Sgt", "Coach", "Manager", "Striker",
	"Defender", "Goalkeeper", "Midfielder", "Singer", "Actor", "Actress", "Presenter", "Boss", "Vice", "Rt", "Rev",
	"Revd", "Reverend", "Father", "Imam", "Rabbi", "Patriarch", "Metropolitan", "Marshal", "Field", "Deputy",
	"Premier", "Dictator", "Warlord", "Opposition", "Activist", "Dissident", "Prosecutor", "Lawmaker", "MP", "MEP")

var twoWordTitles = setOf("Prime Minister", "Foreign Minister", "Defence Minister", "Defense Minister",
	"Foreign Secretary", "Home Secretary", "Secretary General", "Secretary-General", "Vice President",
	"Chief Executive", "Crown Prince", "Supreme Leader", "Deputy Prime", "Finance Minister", "Interior Minister",
	"Chief Minister", "State Secretary", "Attorney General", "Chief Justice", "Health Secretary", "Culture Secretary")

// notNameWords are capitalised words that make a run not a person's name.
var notNameWords = setOf("The", "A", "An", "This", "That", "These", "Those", "It", "In", "On", "At", "For", "But",
	"And", "Or", "If", "As", "January", "February", "March", "April", "May", "June", "July", "August", "September",
	"October", "November", "December", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
	"North", "South", "East", "West", "Northern", "Southern", "Eastern", "Western", "Central", "New", "Old", "Great",
	"World", "War", "Cup", "League", "Championship", "Open", "Awards", "Award", "Festival", "Prize", "Street",
	"Road", "Day", "Year", "Christmas", "Easter", "Ramadan", "Internet", "Web", "Online", "Budget", "Act", "Bill",
	"Treaty", "Accord", "Agreement", "Plan", "Report", "Summit", "Conference", "Games", "Olympics", "Olympic", "Series",
	"Show", "Film", "Album", "Radio", "TV", "Television", "News", "Times", "Post", "Journal", "Today", "Airport",
	"Station", "Square", "Palace", "House", "Hall", "Stadium", "Park", "River", "Sea", "Ocean", "Island", "Islands",
	"Mountains", "Valley", "Strait", "Gulf", "Bay", "Republic", "Kingdom", "State", "States", "Province", "Region",
	"Minister", "President", "Secretary", "Labour", "Conservative", "Conservatives", "Tory", "Tories", "Democrat",
	"Democrats", "Republican", "Republicans", "Liberal", "English", "British", "American", "European", "French",
	"German", "Russian", "Chinese", "Ukrainian", "Israeli", "Palestinian", "Iranian", "Arab", "Muslim", "Christian",
	"Jewish", "Christmas", "Premiership", "Premier", "Division", "Grand", "Slam", "Final", "Finals", "Tour",
	"Election", "Elections", "Referendum", "Inquiry", "Review", "Policy", "Strategy", "Programme", "Program",
	"Campaign", "Manifesto", "Constitution", "Charter", "Convention", "Declaration", "Reform", "Crisis", "Tax",
	"Law", "Court", "Committee", "Assembly", "Council", "Government", "Party", "Army", "Navy", "Police", "Office",
	"Rings", "Code", "Trojan", "Virus", "Oscar", "Oscars", "Grammy", "Grammys", "Brit", "Brits", "Microsoft", "Google", "Apple", "Sony")

var orgCues = setOf("Ministry", "Council", "Bank", "Party", "Union", "Organization", "Organisation", "Commission",
	"Agency", "Committee", "Court", "Parliament", "Assembly", "Army", "Navy", "Forces", "Force", "Corporation",
	"Corp", "Inc", "Ltd", "Plc", "PLC", "LLC", "Group", "Company", "Co", "University", "Institute", "Fund",
	"Association", "Federation", "Department", "Office", "Senate", "Congress", "Authority", "Board", "Bureau",
	"Service", "Services", "Guard", "Brigade", "Brigades", "Front", "Movement", "Alliance", "Coalition", "Foundation",
	"Society", "Airlines", "Airways", "Motors", "Holdings", "Industries", "Bros", "Studios", "Records", "Pictures",
	"Network", "Networks", "Club", "United", "City", "Rovers", "Athletic", "FC", "Police", "Secretariat", "Cabinet",
	"Government", "Exchange", "Reserve", "Treasury", "Tribunal", "Directorate", "Command", "Corps", "Council's",
	"Communications", "Systems", "Technologies", "Software", "Electronics", "Entertainment", "Media", "Energy",
	"Oil", "Petroleum", "Economics", "Consulting", "Capital", "Partners", "Securities", "Investments", "Gas", "Times", "Post", "Journal", "News", "Press", "Broadcasting", "Channel", "Radio")

var orgNames = setOf("NATO", "Nato", "UN", "U.N.", "EU", "E.U.", "OPEC", "Opec", "IMF", "WTO", "WHO", "OSCE", "ASEAN", "Asean",
	"BRICS", "Brics", "G7", "G20", "Kremlin", "Pentagon", "White House", "Downing Street", "Whitehall", "Hamas",
	"Hezbollah", "Taliban", "Al-Qaeda", "al-Qaeda", "Al Qaeda", "Reuters", "BBC", "CNN", "AFP", "AP", "Interpol",
	"Europol", "Frontex", "Gazprom", "Rosneft", "Aramco", "Wagner", "Houthis", "Fatah", "Mossad", "CIA", "FBI", "KGB",
	"FSB", "MI5", "MI6", "IAEA", "Unicef", "UNICEF", "UNHCR", "Red Cross", "Red Crescent", "World Bank",
	"Security Council", "European Commission", "European Union", "United Nations", "African Union", "Arab League",
	"Labour", "Conservatives", "Tories", "Democrats", "Republicans", "Liberal Democrats", "Lib Dems", "Bundestag",
	"Duma", "Knesset", "Congress", "Senate", "Parliament", "Commons", "Google", "Microsoft", "Apple", "Sony", "Nintendo",
	"Yahoo", "Amazon", "eBay", "Intel", "IBM", "Vodafone", "Nokia", "Samsung", "Facebook", "Twitter", "Meta", "OpenAI",
	"Airbus", "Boeing", "Ofcom", "Ofgem", "Fifa", "FIFA", "Uefa", "UEFA", "IOC", "ICC", "ICJ", "ECB", "Fed",
	"Bank of England", "Federal Reserve", "Eurostat", "OECD", "Nasa", "NASA", "Sinn Fein", "SNP", "UKIP", "Ukip",
	"Treasury", "Foreign Office", "Home Office", "State Department", "Elysee", "Élysée", "Politburo", "Quai d'Orsay")

// placeNames is a small gazetteer: countries, capitals, large cities and
// regions that geopolitics news names most often.
var placeNames = setOf(
	// Countries and territories.
	"Afghanistan", "Albania", "Algeria", "Andorra", "Angola", "Argentina", "Armenia", "Australia", "Austria",
	"Azerbaijan", "Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium", "Belize", "Benin", "Bhutan",
	"Bolivia", "Bosnia", "Botswana", "Brazil", "Brunei", "Bulgaria", "Burkina Faso", "Burundi", "Cambodia",
	"Cameroon", "Canada", "Chad", "Chile", "China", "Colombia", "Congo", "Costa Rica", "Croatia", "Cuba", "Cyprus",
	"Czech Republic", "Czechia", "Denmark", "Djibouti", "Dominican Republic", "Ecuador", "Egypt", "El Salvador",
	"Eritrea", "Estonia", "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "Gambia", "Georgia",
	"Germany", "Ghana", "Greece", "Greenland", "Guatemala", "Guinea", "Guyana", "Haiti", "Honduras", "Hungary",
	"Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Ivory Coast", "Jamaica", "Japan",
	"Jordan", "Kazakhstan", "Kenya", "Kosovo", "Kuwait", "Kyrgyzstan", "Laos", "Latvia", "Lebanon", "Lesotho",
	"Liberia", "Libya", "Liechtenstein", "Lithuania", "Luxembourg", "Madagascar", "Malawi", "Malaysia", "Maldives",
	"Mali", "Malta", "Mauritania", "Mauritius", "Mexico", "Moldova", "Monaco", "Mongolia", "Montenegro", "Morocco",
	"Mozambique", "Myanmar", "Burma", "Namibia", "Nepal", "Netherlands", "Holland", "New Zealand", "Nicaragua",
	"Niger", "Nigeria", "North Korea", "North Macedonia", "Macedonia", "Norway", "Oman", "Pakistan", "Palestine",
	"Panama", "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania",
	"Russia", "Rwanda", "Saudi Arabia", "Senegal", "Serbia", "Sierra Leone", "Singapore", "Slovakia", "Slovenia",
	"Somalia", "Somaliland", "South Africa", "South Korea", "Korea", "South Sudan", "Spain", "Sri Lanka", "Sudan",
	"Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania", "Thailand", "Timor-Leste",
	"East Timor", "Togo", "Tunisia", "Turkey", "Türkiye", "Turkmenistan", "Uganda", "Ukraine",
	"United Arab Emirates", "UAE", "United Kingdom", "UK", "Britain", "Great Britain", "England", "Scotland", "Wales",
	"Northern Ireland", "United States", "US", "USA", "U.S.", "U.S.A.", "U.K.", "America", "Uruguay", "Uzbekistan", "Venezuela",
	"Vietnam", "Yemen", "Zambia", "Zimbabwe", "Vatican",
	// Capitals and large cities.
	"Kabul", "Tirana", "Algiers", "Luanda", "Buenos Aires", "Yerevan", "Canberra", "Sydney", "Melbourne", "Vienna",
	"Baku", "Manama", "Dhaka", "Minsk", "Brussels", "Sarajevo", "Brasilia", "Rio de Janeiro", "Sao Paulo", "Sofia",
	"Phnom Penh", "Ottawa", "Toronto", "Montreal", "Vancouver", "Santiago", "Beijing", "Shanghai", "Hong Kong",
	"Macau", "Shenzhen", "Bogota", "Kinshasa", "Havana", "Nicosia", "Prague", "Copenhagen", "Cairo", "Addis Ababa",
	"Tallinn", "Helsinki", "Paris", "Marseille", "Lyon", "Tbilisi", "Berlin", "Munich", "Frankfurt", "Hamburg",
	"Accra", "Athens", "Budapest", "Reykjavik", "New Delhi", "Delhi", "Mumbai", "Kolkata", "Bangalore", "Jakarta",
	"Tehran", "Baghdad", "Mosul", "Basra", "Erbil", "Dublin", "Jerusalem", "Tel Aviv", "Gaza", "Rafah",
	"Khan Younis", "Ramallah", "Rome", "Milan", "Naples", "Tokyo", "Osaka", "Amman", "Astana", "Almaty", "Nairobi",
	"Pristina", "Kuwait City", "Bishkek", "Riga", "Beirut", "Tripoli", "Benghazi", "Vilnius", "Kuala Lumpur",
	"Bamako", "Valletta", "Mexico City", "Chisinau", "Ulaanbaatar", "Podgorica", "Rabat", "Casablanca", "Maputo",
	"Naypyidaw", "Yangon", "Kathmandu", "Amsterdam", "The Hague", "Rotterdam", "Wellington", "Auckland", "Niamey",
	"Abuja", "Lagos", "Pyongyang", "Oslo", "Muscat", "Islamabad", "Karachi", "Lahore", "Manila", "Warsaw",
	"Lisbon", "Doha", "Bucharest", "Moscow", "St Petersburg", "Saint Petersburg", "Kigali", "Riyadh", "Jeddah",
	"Mecca", "Dakar", "Belgrade", "Bratislava", "Ljubljana", "Mogadishu", "Pretoria", "Johannesburg", "Cape Town",
	"Seoul", "Juba", "Madrid", "Barcelona", "Colombo", "Khartoum", "Stockholm", "Geneva", "Zurich", "Bern",
	"Damascus", "Aleppo", "Idlib", "Homs", "Taipei", "Dushanbe", "Dodoma", "Dar es Salaam", "Bangkok", "Tunis",
	"Ankara", "Istanbul", "Ashgabat", "Kampala", "Kyiv", "Kiev", "Kharkiv", "Odesa", "Odessa", "Lviv", "Donetsk",
	"Luhansk", "Mariupol", "Kherson", "Zaporizhzhia", "Bakhmut", "Crimea", "Donbas", "Abu Dhabi", "Dubai", "London",
	"Manchester", "Birmingham", "Liverpool", "Leeds", "Glasgow", "Edinburgh", "Cardiff", "Belfast", "Washington",
	"New York", "Los Angeles", "Chicago", "San Francisco", "Boston", "Miami", "Houston", "Seattle", "Hollywood",
	"Montevideo", "Tashkent", "Caracas", "Hanoi", "Ho Chi Minh City", "Sanaa", "Aden", "Lusaka", "Harare", "Sochi",
	"Davos", "Strasbourg", "Luxembourg City", "Minsk", "Tbilisi", "Islamabad", "Kandahar", "Herat", "Fallujah",
	"Najaf", "Karbala", "Kirkuk", "Hebron", "Nablus", "Jenin", "Golan Heights", "West Bank", "Gaza Strip", "Sinai",
	"Kashmir", "Tibet", "Xinjiang", "Chechnya", "Darfur", "Kurdistan", "Balochistan", "Punjab", "Nagorno-Karabakh",
	"Transnistria", "Abkhazia", "South Ossetia", "Kaliningrad", "Siberia", "Sahel", "Balkans", "Caucasus",
	// Regions and seas.
	"Europe", "Asia", "Africa", "Middle East", "Latin America", "South America", "North America", "Central Asia",
	"East Asia", "South Asia", "Southeast Asia", "Arctic", "Antarctica", "Pacific", "Atlantic", "Indian Ocean",
	"Mediterranean", "Black Sea", "Red Sea", "Baltic", "Baltic Sea", "South China Sea", "Persian Gulf", "Gulf",
	"Strait of Hormuz", "Taiwan Strait", "Horn of Africa", "Scandinavia", "Western Europe", "Eastern Europe",
	"Wall Street", "Silicon Valley", "Brussels", "Westminster",
)
