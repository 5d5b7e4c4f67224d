"""Demo content for `manage.py seed_demo`: sections, authors, tags, story templates and the
illustrations that go with them.

Every person, place, company and event here is invented. Stories are assembled from templates
(fixed paragraphs with slots for names, places and numbers), so all the randomness comes from a
`random.Random` the caller seeds: the same seed always yields the same newsroom, which is what
makes the command safe to run again.

Images are abstract illustrations drawn with Pillow, never anything that could pass for a
photograph, and every credit says so.
"""

import html
import io
import math
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils.text import slugify
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

# --- Sections, tags, authors -----------------------------------------------------------------

SECTIONS = [
    # (name, slug, description); the position is the order of this list.
    ("World", "world", "International news, diplomacy, elections and the stories shaping "
     "countries near and far."),
    ("Business", "business", "Companies, markets, jobs and the economic decisions that reach "
     "every household."),
    ("Science", "science", "Research, discoveries and the people behind them, from the ocean "
     "floor to deep space."),
    ("Technology", "technology", "How software, devices and the companies that make them are "
     "changing work and everyday life."),
    ("Culture", "culture", "Film, books, music and the arts: news, reviews and interviews."),
    ("Sport", "sport", "Results, reports and the stories behind the games, from local clubs to "
     "international competitions."),
    ("Opinion", "opinion", "Columns and commentary from our writers and guest contributors."),
]  # fmt: skip

TAGS = [
    "Climate", "Energy", "Transport", "Housing", "Health", "Education", "Elections",
    "Local government", "Diplomacy", "Trade", "Startups", "Artificial intelligence",
    "Cybersecurity", "Space", "Oceans", "Research", "Weather", "Awards", "Film", "Music",
    "Books", "Football", "Cycling", "Grassroots sport",
]  # fmt: skip

AGENCY = "News agencies"
AGENCY_SLUG = slugify(AGENCY)


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    job_title: str
    beats: tuple  # section slugs this person usually writes for
    bio: str = ""
    # X handles carry a "nrdemo" suffix so that they cannot plausibly belong to a real account.
    x_handle: str = ""
    colour: tuple = (90, 90, 90)
    is_agency: bool = False

    @property
    def slug(self):
        return slugify(self.name)


AUTHORS = [
    DemoAuthor(
        AGENCY,
        "",
        ("world", "business", "science", "technology", "sport"),
        bio="Reports from international and national news agencies, edited by our news desk.",
        is_agency=True,
    ),
    DemoAuthor(
        "Maren Okafor",
        "International correspondent",
        ("world",),
        bio="Maren Okafor covers diplomacy, elections and conflict. Before joining the "
        "Newsroom she reported from four continents for regional radio. She speaks five "
        "languages and still gets lost in airports.",
        x_handle="okafor_nrdemo",
        colour=(32, 96, 160),
    ),
    DemoAuthor(
        "Tomasz Reyes-Holt",
        "Economics editor",
        ("business",),
        bio="Tomasz Reyes-Holt writes about the economy, central banks and the cost of living. "
        "He trained as an accountant and believes every story has a spreadsheet behind it.",
        x_handle="reyesholt_nrdemo",
        colour=(176, 92, 36),
    ),
    DemoAuthor(
        "Priya Castellane",
        "Science correspondent",
        ("science",),
        bio="Priya Castellane has covered science and health for twelve years, from marine "
        "biology to space missions. She has a doctorate in ecology and a weakness for "
        "field trips in bad weather.",
        x_handle="castellane_nrdemo",
        colour=(40, 136, 104),
    ),
    DemoAuthor(
        "Jonah Whitlock",
        "Technology reporter",
        ("technology", "business"),
        bio="Jonah Whitlock reports on the technology industry, privacy and security. He "
        "previously worked as a software developer and still reads privacy policies for fun.",
        x_handle="whitlock_nrdemo",
        colour=(112, 64, 168),
    ),
    DemoAuthor(
        "Ines Marchetti",
        "Culture editor",
        ("culture",),
        bio="Ines Marchetti edits our culture pages and writes about film, books and music. "
        "She has sat on festival juries and once reviewed an opera from the orchestra pit.",
        x_handle="marchetti_nrdemo",
        colour=(184, 48, 88),
    ),
    DemoAuthor(
        "Callum Brightwell",
        "Sport reporter",
        ("sport",),
        bio="Callum Brightwell covers football, cycling and the business of sport. He has "
        "reported from more lower-league grounds than he can remember, and prefers them.",
        x_handle="brightwell_nrdemo",
        colour=(24, 120, 64),
    ),
    DemoAuthor(
        "Adaeze Lindqvist",
        "Columnist",
        ("opinion", "world"),
        bio="Adaeze Lindqvist writes a weekly column on cities, schools and public services. "
        "She was a secondary school teacher and a city councillor before turning to "
        "journalism.",
        x_handle="lindqvist_nrdemo",
        colour=(200, 140, 24),
    ),
    DemoAuthor(
        "Farid Haddadi",
        "Climate and data reporter",
        ("science", "world", "business"),
        bio="Farid Haddadi reports on climate, energy and the numbers behind the news. He "
        "builds many of the charts on this site and checks everyone else's.",
        x_handle="haddadi_nrdemo",
        colour=(20, 132, 150),
    ),
]

# --- Pools for the slots in story templates ----------------------------------------------------

FIRST_NAMES = [
    "Amara", "Bastian", "Celine", "Dmitri", "Elin", "Farah", "Gideon", "Hana", "Idris",
    "Johanna", "Kofi", "Leontine", "Mateo", "Nadia", "Oskar", "Paloma", "Quentin", "Rosalind",
    "Soren", "Tamsin", "Ulla", "Viktor", "Wren", "Yusuf", "Zofia", "Anouk", "Benedikt", "Carys",
    "Emeka", "Greta", "Hugo", "Ilse", "Jasper", "Katja", "Linus", "Mireille", "Niamh", "Piet",
    "Ronan", "Saskia", "Teodor", "Vesna",
]  # fmt: skip
LAST_NAMES = [
    "Aldenmoor", "Brannigan", "Castellow", "Dunmore", "Eklund", "Ferrante", "Galloway",
    "Hartigan", "Ibsworth", "Jansky", "Kellermann", "Lindgren", "Mabry", "Novak", "Okonkwo",
    "Pellegrin", "Quarrie", "Rasmussen", "Saarinen", "Thorne", "Urquhart", "Vantongeren",
    "Whitcombe", "Yildiz", "Zeller", "Achterberg", "Brisco", "Carvalho", "Demir", "Fairweather",
    "Halvorsen", "Marchbank", "Osei", "Rautio", "Stenhouse", "Tavares",
]  # fmt: skip
CITIES = [
    "Kessingford", "Port Alder", "Brackenford", "Sennet Point", "Ardlow", "Valebridge",
    "Corran Harbour", "Elmsworth", "Larkhaven", "Wrenmouth", "Halloway Bay", "Mirefield",
    "Oakhurst Cross", "Tollbridge",
]  # fmt: skip
COUNTRIES = ["Varenia", "Kestria", "Olvany", "Estravia", "Duressa", "Tamberland"]
REGIONS = [
    "the Ardlow valley", "the northern lakes region", "the Serin basin", "the eastern highlands",
    "the Calder lowlands", "the Tollbridge plain",
]  # fmt: skip
COASTS = [
    "the Calder coast", "the Marrow peninsula", "the Halloway shore", "the Sennet coast",
    "the Brackwater estuary",
]  # fmt: skip
UNIVERSITIES = [
    "Kessingford University", "the University of Valebridge", "Port Alder Technical University",
    "the University of Larkhaven", "Mirefield College of Science",
]  # fmt: skip
CLUB_SUFFIXES = ["Athletic", "Town", "Rovers", "United", "Albion", "Wanderers"]


def _club(slot):
    return lambda rng, fills: f"{fills[slot]} {rng.choice(CLUB_SUFFIXES)}"


# --- Story templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One kind of story. Text uses str.format slots: {city}, {p1} (a full name), {l1} (that
    person's surname) and so on, plus the template's own `slots`."""

    key: str
    section: str
    tags: tuple
    headlines: tuple
    standfirsts: tuple
    lead: tuple  # paragraphs before the subheading
    subheads: tuple
    rest: tuple  # paragraphs after it
    extras: tuple  # optional paragraphs; each story uses some of them
    closing: str
    caption: str
    quote: tuple | None = None  # (speaker slot, role, words)
    social: tuple | None = None  # (account name, words)
    source: str = "Newsroom reporting"
    # Slot name -> (low, high) integers, a list to choose from, or a function of (rng, fills).
    slots: dict = field(default_factory=dict)


# Filled in below, one block per section.
TEMPLATES: list[Template] = []

# World ------------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="rail-strike",
        section="world",
        tags=("transport", "local-government"),
        slots={
            "union": [
                "the Rail and Transit Workers' Union",
                "the Federation of Railway Staff",
                "the Signal and Track Workers' Association",
            ],
            "operator": ["Midland Regional Rail", "Coastway Trains", "Lakeside Rail Services"],
            "hours": ["24-hour", "48-hour", "72-hour"],
            "riders": (180_000, 420_000),
            "pay_offer": (3, 5),
            "pay_demand": (7, 11),
            "routes": (14, 40),
        },
        headlines=(
            "Regional rail strike halts trains across {region}",
            "Commuters face {hours} rail walkout as pay talks fail",
            "Rail staff strike in {city} and {city2} after talks collapse",
        ),
        standfirsts=(
            "Services on {routes} routes were cancelled as staff walked out over pay, with both "
            "sides blaming the other for the collapse of talks.",
            "About {riders:,} daily passengers are affected. The operator says its offer of "
            "{pay_offer}% is final; the union wants at least {pay_demand}%.",
        ),
        lead=(
            "Trains across {region} stood still on the first day of a {hours} strike by {union}, "
            "after the latest round of pay talks with {operator} ended without agreement late "
            "the previous evening. Stations in {city} and {city2} were largely deserted during "
            "the morning rush, with staff posted at the gates to turn passengers away.",
            "The operator said it had cancelled services on {routes} routes and was running a "
            "limited replacement bus timetable between the larger towns. It advised passengers "
            "to travel only if necessary and warned that the first trains after the strike "
            "could be crowded, as trains and crews would need several hours to return to "
            "their usual positions.",
            "About {riders:,} people use the network on a normal weekday. Employers' groups in "
            "{city} said many offices had told staff to work from home, while schools near the "
            "main lines reported a rise in late arrivals as parents tried to share car journeys.",
        ),
        subheads=("A gap that has barely moved", "What each side wants", "How the talks failed"),
        rest=(
            "At the heart of the dispute is a gap that has narrowed little since the spring. "
            "{operator} has offered a {pay_offer}% rise this year, tied to changes in rostering "
            "that it says would make weekend services more reliable. The union is asking for at "
            "least {pay_demand}%, arguing that its members' pay has fallen behind prices for "
            "three years in a row.",
            "The union also objects to a plan to remove guards from some of the shorter "
            "suburban routes, which the operator describes as a modernisation and the union as "
            "a safety risk. Negotiators said the two issues had become tangled together, making "
            "it hard to settle one without the other.",
            "{p2}, who chairs the transport committee of the regional assembly, said both sides "
            "should return to the table with an independent mediator. 'Passengers are not a "
            "bargaining chip,' {l2} said, adding that the committee would ask the operator to "
            "publish the full details of its offer.",
        ),
        extras=(
            "Freight services, which run on the same tracks, were largely unaffected, though "
            "some overnight trains were delayed because signal boxes were staffed by fewer "
            "people than usual.",
            "Bus and tram operators in {city} added extra vehicles on the busiest corridors. "
            "Ride-hailing prices rose sharply in the early morning, according to passengers who "
            "shared screenshots online, before falling back by mid-morning.",
            "A previous strike on the network, two years ago, lasted four days and ended with a "
            "deal that both sides later said had only postponed the current argument.",
        ),
        closing="No new talks had been scheduled by the evening. The union said further "
        "walkouts were possible next month if there was no improved offer.",
        quote=(
            "p1",
            "general secretary of {union}",
            "Nobody on a picket line wants to be there. Our members keep this network running "
            "every day of the year, and all they are asking is that their pay keeps up with the "
            "cost of living.",
        ),
        social=(
            "{operator}",
            "Due to industrial action, most services across the region are cancelled today. "
            "Limited replacement buses are running between the main stations. Please check "
            "before you travel.",
        ),
        caption="Rail services across {region} were suspended for the duration of the strike.",
    ),
    Template(
        key="river-treaty",
        section="world",
        tags=("diplomacy", "climate", "trade"),
        source=AGENCY,
        slots={
            "river": ["Serin", "Aldra", "Vessa", "Morrow"],
            "years": (11, 30),
            "share": (38, 55),
            "dams": ["two", "three", "four", "five"],
            "km": (400, 1200),
        },
        headlines=(
            "{country} and {country2} sign deal to share the waters of the {river}",
            "Neighbours end {years}-year dispute over the {river} river",
            "River treaty gives {country2} guaranteed water during droughts",
        ),
        standfirsts=(
            "The agreement sets out how much water each country may draw in dry years and "
            "creates a joint commission to monitor the river's health.",
            "Negotiators say the deal, reached after {years} years of on-off talks, could become "
            "a model for other shared rivers in the region.",
        ),
        lead=(
            "{country} and {country2} have signed an agreement on sharing the {river}, ending a "
            "dispute that has soured relations between the two neighbours for {years} years. The "
            "treaty was signed in {city} by the two countries' foreign ministers and must now be "
            "approved by both parliaments, which is expected before the end of the year.",
            "The {river} runs for about {km:,} kilometres, rising in the mountains of {country} "
            "and crossing the farmland of {country2} before reaching the sea. In recent dry "
            "summers its flow at the border has fallen to a fraction of the long-term average, "
            "and farmers downstream have accused upstream reservoirs of holding back water.",
            "Under the deal, {country2} is guaranteed at least {share}% of the river's measured "
            "flow at the border during declared droughts. A joint commission, with engineers "
            "from both countries, will operate monitoring stations along the river and publish "
            "daily readings online.",
        ),
        subheads=("What the treaty changes", "Measuring every litre", "Farmers wait to see"),
        rest=(
            "The {dams} large dams built upstream since the dispute began will remain under "
            "national control, but their release schedules will be shared with the commission "
            "a season in advance. Either side can call an emergency meeting if the flow drops "
            "below agreed thresholds for more than ten days in a row.",
            "Diplomats involved in the talks said the breakthrough came when both sides agreed "
            "to rely on a single set of measurements. For years, each government had published "
            "its own figures, and the numbers rarely matched. 'Once we agreed on what the river "
            "was actually doing, the politics became easier,' one negotiator said.",
            "Farmers' associations in {country2} welcomed the agreement cautiously. Many depend "
            "on irrigation canals fed by the {river}, and several said they would judge the "
            "treaty by what happened the next time the summer was dry, not by the ceremony in "
            "{city}.",
        ),
        extras=(
            "Environmental groups noted that the treaty also sets a minimum flow for the "
            "river's delta, where wetlands have shrunk and fish stocks have fallen. They said the "
            "figure was lower than scientists had recommended but better than no limit at all.",
            "The two countries' trade ministers are due to meet next month. Officials on both "
            "sides suggested that easing the water dispute could unlock talks on a new road "
            "crossing and on trading electricity across the border.",
            "The treaty also covers pollution. Factories and towns along the river will have to "
            "report discharges to the joint commission, and the two governments have agreed to "
            "align their limits on farm runoff over the next five years.",
        ),
        closing="The commission is expected to hold its first meeting within three months of "
        "ratification.",
        quote=(
            "p1",
            "foreign minister of {country2}",
            "Water has divided our people for too long. With this agreement we are choosing to "
            "manage a shared river together, in good years and in bad ones.",
        ),
        caption="The {river} crosses the border between {country} and {country2}.",
    ),
    Template(
        key="coalition-collapse",
        section="world",
        tags=("elections", "health", "transport"),
        source=AGENCY,
        slots={
            "party": ["Civic Alliance", "People's Renewal", "Progress Union"],
            "party2": ["the National Centre Party", "the Farmers' League", "the Liberal Forum"],
            "months": (7, 20),
            "seats": [121, 151, 175, 201],
            "weeks": ["six", "eight", "ten"],
        },
        headlines=(
            "Coalition collapses in {country} as snap election is called",
            "{country} heads to early polls after budget row topples government",
            "Government of {country} falls as coalition partner walks out",
        ),
        standfirsts=(
            "The governing coalition lasted {months} months before falling apart over spending "
            "plans. A vote is expected within {weeks} weeks.",
            "A dispute over the budget has ended the coalition, leaving a caretaker government "
            "in charge until voters go to the polls.",
        ),
        lead=(
            "The coalition government of {country} collapsed after {party2} withdrew its "
            "ministers in a row over the draft budget, leaving Prime Minister {p1} without a "
            "majority in parliament. {l1} announced that a snap election would be held within "
            "{weeks} weeks, ending a partnership that had lasted just {months} months.",
            "The split had been building for weeks. The smaller party had demanded that planned "
            "cuts to regional transport and hospital budgets be reversed, while the prime "
            "minister's {party} insisted the deficit had to come down this year to meet the "
            "targets it had promised voters.",
            "Late-night talks at the prime minister's office failed to find a compromise, and "
            "the smaller party's leader, {p2}, told reporters in the early hours that 'there is "
            "no point pretending any more'. The party's five ministers handed in their "
            "resignations the next morning.",
        ),
        subheads=("A caretaker government", "What the polls suggest", "The campaign ahead"),
        rest=(
            "Under the constitution, the current cabinet will stay on as a caretaker government "
            "with limited powers until a new one is formed. It can keep paying salaries and "
            "pensions but cannot introduce new laws or sign major contracts, which means the "
            "budget will roll over on last year's figures for now.",
            "Recent opinion polls suggest no single party is close to a majority in the "
            "{seats}-seat parliament. The {party} has slipped since the last election but "
            "remains the largest party, while several newer parties have gained ground with "
            "promises to focus on the cost of housing and energy.",
            "Analysts in {city} said the collapse reflected tensions that had been visible "
            "since the coalition was formed. 'It was an arrangement built on arithmetic rather "
            "than shared ideas,' said {p3}, a political scientist at {university}. 'The budget "
            "simply made that impossible to hide.'",
        ),
        extras=(
            "Financial markets reacted calmly. The yield on the country's ten-year bonds rose "
            "slightly in morning trading but fell back in the afternoon, as investors bet that "
            "any new government would keep to the broad lines of current economic policy.",
            "The election commission said it would confirm the date within days. It will be the "
            "country's third national vote in five years, and turnout, which fell sharply last "
            "time, is likely to be closely watched.",
        ),
        closing="Both parties said they would campaign on their records in government.",
        quote=(
            "p1",
            "prime minister of {country}",
            "We were elected to put the public finances on a sound footing. I will not "
            "apologise for refusing to spend money we do not have, and I am ready to let voters "
            "decide.",
        ),
        social=(
            "{p2}",
            "Today we leave the government. We could not support a budget that closes hospital "
            "wards in the regions. Our voters sent us to protect public services, not to cut "
            "them.",
        ),
        caption="Parliament in {city} will be dissolved ahead of the early election.",
    ),
    Template(
        key="coastal-storm",
        section="world",
        tags=("weather", "climate", "housing", "oceans"),
        slots={
            "storm": ["Storm Idris", "Storm Marit", "Storm Oriel", "Storm Tamsin"],
            "homes": (300, 2400),
            "wind": (110, 160),
            "rain": (120, 260),
            "days": ["two", "three", "four"],
            "power": (15_000, 90_000),
        },
        headlines=(
            "{storm} floods homes along {coast}",
            "Thousands without power as {storm} batters {city}",
            "Clean-up begins in {city} after {storm} brings record rain",
        ),
        standfirsts=(
            "Winds of up to {wind} km/h and more than {rain} mm of rain in {days} days left about "
            "{homes:,} homes damaged and roads blocked along {coast}.",
            "Emergency services say the worst has passed, but engineers warn that river levels "
            "will stay high for days.",
        ),
        lead=(
            "Residents of {city} began clearing mud and debris from their homes after {storm} "
            "swept along {coast}, bringing gusts of up to {wind} km/h and more than {rain} "
            "millimetres of rain in {days} days. Local officials said about {homes:,} homes had "
            "been damaged, most of them by water rather than wind.",
            "At the height of the storm, around {power:,} households were without electricity. "
            "Grid engineers worked through the night to restore supplies, although some villages "
            "in the hills above the town were expected to remain cut off until fallen trees "
            "could be cleared from access roads.",
            "No deaths were reported, which emergency officials attributed partly to early "
            "warnings issued two days before the storm arrived. Several hundred people spent the "
            "night in sports halls and schools that had been opened as shelters.",
        ),
        subheads=("Warnings that worked", "Counting the cost", "Questions about sea defences"),
        rest=(
            "The harbour district of {city2} was among the worst affected. Shopkeepers there "
            "described water rising above the level of their counters within half an hour, as "
            "high tides and the storm surge combined to push the sea over a wall that was last "
            "raised more than forty years ago.",
            "Insurance companies said it was too early to estimate the total cost, but loss "
            "adjusters were already visiting properties. Housing charities urged landlords to "
            "move quickly on repairs, saying tenants in damp, damaged flats were at risk of "
            "illness as temperatures fell.",
            "{p2}, a coastal engineer who has advised the regional government, said the storm "
            "should prompt a broader debate about where new homes are built. 'We keep putting "
            "houses in places that the sea has always visited now and then,' {l2} said. 'Each "
            "storm is a reminder, and each one seems to come a little sooner.'",
        ),
        extras=(
            "Schools in the area stayed closed for a second day while buildings were checked. "
            "Bus services resumed on most routes by the afternoon, but the coast road between "
            "{city} and {city2} remained shut after part of its embankment collapsed.",
            "Volunteers from sports clubs and church groups helped to fill sandbags and deliver "
            "hot meals to people who could not leave their homes. The regional government said "
            "it would open a hardship fund for households without insurance.",
        ),
        closing="Forecasters said a calmer, drier spell was expected for the rest of the week.",
        quote=(
            "p1",
            "mayor of {city}",
            "People here know the sea, but nobody I have spoken to has seen water come into the "
            "town this quickly. We will need help from the region and the state to put this "
            "right.",
        ),
        social=(
            "{city} Emergency Services",
            "Shelters remain open at the sports centre and the old market hall. If you need help "
            "leaving your home, call the emergency line. Please stay away from the harbour wall.",
        ),
        caption="Flood water reached homes in the harbour district of {city2}.",
    ),
    Template(
        key="mayor-election",
        section="world",
        tags=("elections", "local-government", "housing", "transport"),
        slots={"turnout": (38, 64), "margin": (300, 4200), "pct": (51, 58)},
        headlines=(
            "{p1} wins mayoral race in {city} by {margin:,} votes",
            "{city} elects its first new mayor in twelve years",
            "Housing promises carry {p1} to victory in {city}",
        ),
        standfirsts=(
            "The former teacher won {pct}% of the vote in a run-off, on a turnout of {turnout}%, "
            "after a campaign dominated by rents and public transport.",
            "The result ends more than a decade in office for the incumbent, who conceded "
            "shortly after midnight.",
        ),
        lead=(
            "{p1} has been elected mayor of {city}, winning the run-off with {pct}% of the vote "
            "and a margin of {margin:,} ballots over the incumbent, {p2}. Turnout was "
            "{turnout}%, higher than at the previous election, with queues reported at polling "
            "stations in several of the city's newer districts.",
            "{l1}, a former secondary school teacher who spent six years on the city council, "
            "ran on a promise to build more affordable homes on council-owned land and to extend "
            "the tram network to the eastern suburbs. {l2} had campaigned on a record of "
            "balanced budgets and a redeveloped city centre.",
            "The count at the city hall ran late into the night as several districts requested "
            "recounts of spoiled ballots. {l2} conceded shortly after midnight, congratulating "
            "the winner and saying the city 'deserves a smooth handover'.",
        ),
        subheads=("A city that changed", "What happens next", "The first hundred days"),
        rest=(
            "Analysts pointed to the city's changing population as a factor. {city} has grown "
            "by tens of thousands of residents in the past decade, many of them young families "
            "drawn by jobs at new employers on the outskirts, and rents have risen faster than "
            "wages in almost every neighbourhood.",
            "The new mayor will take office next month but will face a council in which no "
            "group has a majority. Any plan to borrow money for housing or transport will need "
            "the support of at least two other groups, and several councillors said they would "
            "wait to see detailed proposals.",
            "{l1} said the first priority would be a review of empty council-owned buildings "
            "that could be converted into homes, followed by talks with the regional transport "
            "authority about the tram extension. 'I did not promise miracles, and I will not "
            "pretend to have them,' {l1} told supporters.",
        ),
        extras=(
            "Turnout was lowest in the old town and highest in the suburbs on the city's "
            "eastern edge, according to provisional figures published by the electoral office. "
            "Postal votes made up almost a fifth of the total.",
            "Business groups in {city} said they hoped the new administration would keep the "
            "city's finances stable. The chamber of commerce said it looked forward to working "
            "with the mayor on parking and deliveries in the city centre.",
        ),
        closing="The electoral office will certify the result later this week.",
        quote=(
            "p1",
            "mayor-elect of {city}",
            "People told me on every doorstep that they love this city but cannot afford to "
            "live in it. That is the problem I was elected to fix, and I intend to start on day "
            "one.",
        ),
        social=(
            "{p1}",
            "Thank you, {city}. Every single vote counted tonight. Now the work starts: more "
            "homes, better trams, and a city hall that listens.",
        ),
        caption="Votes were counted at {city}'s city hall late into the night.",
    ),
]

# Business ---------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="waterfront",
        section="business",
        tags=("housing", "local-government"),
        slots={
            "developer": ["Harbourline Developments", "Kestrel Quay Partners", "Meridian Urban"],
            "homes": (400, 1600),
            "affordable": (20, 30),
            "votes_for": (24, 31),
            "votes_against": lambda rng, f: 51 - f["votes_for"] - rng.randint(0, 3),
            "cost": (180, 650),
            "years": ["eight", "ten", "twelve"],
        },
        headlines=(
            "{city} council approves {homes:,}-home waterfront scheme",
            "Councillors back {developer} plan for {city} docks",
            "Waterfront vote splits {city} council after six-hour debate",
        ),
        standfirsts=(
            "The €{cost} million project will turn disused docks into homes, offices and a "
            "park. Opponents say the share of affordable housing is too low.",
            "The plan passed by {votes_for} votes to {votes_against}. Construction could start "
            "next year and take up to {years} years.",
        ),
        lead=(
            "{city} city council has approved plans to redevelop the old docks on the city's "
            "waterfront, clearing the way for {homes:,} new homes, office space and a riverside "
            "park. The scheme, led by {developer}, was backed by {votes_for} votes to "
            "{votes_against} after a debate that lasted more than six hours.",
            "The docks have been largely empty since the last shipping company moved its "
            "operations to a deeper harbour along the coast. Since then the site has been used "
            "for car parking, occasional markets and, for two summers, an open-air cinema that "
            "became popular with residents.",
            "Under the approved plan, {affordable}% of the new homes will be offered at "
            "below-market rents or sold through a shared-ownership scheme. Opponents on the "
            "council argued that the share should have been higher, given that the land was "
            "sold to the developer by the city.",
        ),
        subheads=("What will be built", "An argument over affordable homes", "The money"),
        rest=(
            "The development is expected to cost about €{cost} million and to be built in phases "
            "over {years} years. The first phase will include a school, a health centre and a "
            "footbridge across the river, which the council made a condition of approval so "
            "that new residents are not left waiting for public services.",
            "Residents of the neighbouring streets raised concerns about traffic, building "
            "heights and the loss of the open-air market. The developer agreed during the debate "
            "to cap the tallest tower at eighteen storeys, three fewer than originally proposed, "
            "and to keep a space for the market in the final design.",
            "{p2}, who leads the opposition group on the council, said the vote was a missed "
            "opportunity. 'This is public land, and the public deserves more than a quarter of "
            "the homes being within reach of ordinary wages,' {l2} said. The group said it would "
            "examine whether the decision could be challenged.",
        ),
        extras=(
            "The scheme still needs approval from the regional planning authority, which "
            "usually takes several months. Environmental assessments, including studies of "
            "flood risk from the river, will be published as part of that process.",
            "Construction firms in the region welcomed the vote, saying it would secure work "
            "for hundreds of people over the coming decade. A local college said it was "
            "discussing apprenticeships with the developer.",
            "The open-air cinema, which drew thousands of visitors in its two summers on the "
            "docks, will move to a temporary site in the city park while construction takes "
            "place. Its organisers said they hoped to return to the waterfront once the new park "
            "is finished.",
        ),
        closing="{developer} said it hoped to start clearing the site next spring.",
        quote=(
            "p1",
            "head of planning at {city} city council",
            "This has been one of the most thoroughly debated applications in the city's "
            "history. The plan that passed tonight is better than the one we started with, "
            "because people pushed for changes.",
        ),
        caption="The old docks on {city}'s waterfront have been largely unused for years.",
    ),
    Template(
        key="freight-results",
        section="business",
        tags=("trade", "transport", "energy"),
        source=AGENCY,
        slots={
            "company": ["Halden Freight", "Northway Logistics", "Carrick Shipping Group"],
            "profit_fall": (12, 38),
            "revenue": (900, 4800),
            "jobs": (250, 1200),
        },
        headlines=(
            "{company} profits fall {profit_fall}% as freight rates slide",
            "{company} to cut {jobs:,} jobs after a weak year",
            "Shares in {company} drop as the freight boom fades",
        ),
        standfirsts=(
            "The logistics group blamed lower shipping prices and weaker demand from retailers, "
            "and said it would close two warehouses.",
            "Revenue fell to €{revenue:,} million. The company says cost cuts will help it "
            "return to growth next year.",
        ),
        lead=(
            "{company} reported a {profit_fall}% fall in annual operating profit, blaming lower "
            "freight rates and weaker demand from retailers that have been cutting their stock "
            "levels. Revenue fell to €{revenue:,} million, slightly below what analysts had "
            "expected, and the shares fell sharply in early trading.",
            "The group, which runs container ships, warehouses and a fleet of lorries across the "
            "region, said it would cut about {jobs:,} jobs over the next eighteen months, mostly "
            "in administration, and close two warehouses near {city} as it moves work to a "
            "larger site.",
            "Chief executive {p1} said the company had enjoyed unusually high prices for several "
            "years and was now adjusting to a more normal market. 'We built capacity for a world "
            "that was moving more goods than it needed,' {l1} told analysts on a conference "
            "call.",
        ),
        subheads=("A return to normal", "What investors want", "Jobs and warehouses"),
        rest=(
            "Freight rates on the company's main routes have fallen by more than a third from "
            "their peak, as new ships ordered during the boom years have entered service. At the "
            "same time, retailers have become more cautious, holding less stock and ordering in "
            "smaller quantities closer to when they expect to sell.",
            "Unions said they had not been consulted before the announcement and called for "
            "talks on redundancy terms. The warehouses due to close employ about 400 people "
            "between them, and the company said it would offer transfers to its new site, about "
            "forty kilometres away, where possible.",
            "Some investors welcomed the cost cuts. {p3}, an analyst at a brokerage in {city2}, "
            "said the company had 'finally accepted' that the boom was over. 'The question now "
            "is whether it can grow again without chasing volume at any price,' {l3} said.",
        ),
        extras=(
            "The company kept its dividend unchanged, which surprised some analysts who had "
            "expected a cut. It said its balance sheet remained strong, with little debt and a "
            "large cash reserve built up during the boom years.",
            "{company} also said it would invest in electric lorries for short journeys around "
            "its main hubs, partly to meet tighter emissions rules due to take effect in several "
            "cities over the next few years.",
            "Competitors face similar pressures. Two other regional logistics groups have issued "
            "profit warnings this year, and industry associations expect more mergers as smaller "
            "operators struggle with lower prices and higher costs for fuel and labour.",
        ),
        closing="The company expects profits to stabilise in the second half of next year.",
        quote=(
            "p1",
            "chief executive of {company}",
            "These are difficult decisions, and they affect people who have worked hard for "
            "this company. But we have to size the business for the market we actually have.",
        ),
        caption="Container traffic through the region's ports has slowed this year.",
    ),
    Template(
        key="interest-rates",
        section="business",
        tags=("trade", "housing"),
        slots={
            "rate": ["3.25", "3.5", "3.75", "4"],
            "inflation": ["2.8", "3.1", "3.4", "3.9"],
        },
        headlines=(
            "Central bank of {country} holds rates at {rate}% as inflation eases",
            "Borrowers in {country} wait longer for a rate cut",
            "Rates unchanged in {country}, but the bank hints at cuts next year",
        ),
        standfirsts=(
            "Inflation has fallen to {inflation}%, but policymakers say they want more evidence "
            "that price pressures are easing before lowering borrowing costs.",
            "The decision disappoints home buyers and small businesses hoping for relief, "
            "though economists expect a cut in the first half of next year.",
        ),
        lead=(
            "The Central Bank of {country} kept its main interest rate at {rate}%, saying that "
            "although inflation had fallen to {inflation}%, it wanted more evidence that price "
            "rises were slowing across the whole economy before lowering borrowing costs.",
            "The decision was widely expected by economists, but it will disappoint homeowners "
            "whose fixed-rate mortgages are due to end in the coming months, as well as small "
            "businesses that have been paying more to borrow since rates began rising.",
            "In a statement, the bank's policy committee said that the prices of goods had "
            "stabilised but that the cost of services, including rents, repairs and restaurant "
            "meals, was still rising faster than it would like. Wage growth also remained "
            "strong, it said, which could keep pushing prices up.",
        ),
        subheads=("Why the bank is waiting", "What it means for mortgages", "Reading the signals"),
        rest=(
            "Governor {p1} told a press conference that the committee had discussed a cut but "
            "decided that the risks of acting too early outweighed the risks of waiting. 'If we "
            "cut now and inflation comes back, we would have to raise rates again, and that "
            "would be worse for everyone,' {l1} said.",
            "Lenders in {city} said demand for mortgages had picked up slightly in recent months "
            "as buyers anticipated lower rates. Several banks have already trimmed the rates on "
            "their fixed-term deals, reflecting expectations in financial markets that the "
            "central bank will start cutting next year.",
            "{p2}, chief economist at a savings bank in {city2}, said the bank's language had "
            "softened. 'They are preparing the ground,' {l2} said. 'The message is that the "
            "direction of travel is down, but they want to be sure before they move.'",
        ),
        extras=(
            "The currency weakened slightly after the announcement, as traders read the "
            "statement as leaning towards future cuts. Government bond yields fell, particularly "
            "on shorter maturities.",
            "The bank also published new forecasts, which show inflation returning to its 2% "
            "target within about eighteen months and economic growth picking up modestly next "
            "year as household spending recovers.",
            "Opposition politicians in {city} said the bank should be doing more to help "
            "households, but most economists defended its caution. {p3}, who teaches economics at "
            "{university}, said the bank's credibility was its most valuable tool. 'Cutting early "
            "to win applause would be the easy option,' {l3} said. 'The hard part is waiting "
            "until the data are clear.'",
        ),
        closing="The committee's next decision is due in six weeks.",
        quote=(
            "p1",
            "governor of the Central Bank of {country}",
            "We have come a long way. Inflation is less than half what it was at its peak. But "
            "the last part of the journey is often the hardest, and we intend to finish it.",
        ),
        caption="The central bank's next decision on interest rates is due in six weeks.",
    ),
    Template(
        key="battery-plant",
        section="business",
        tags=("energy", "local-government", "education"),
        slots={
            "company": ["Voltaris Cells", "Northgrid Batteries", "Elkmoor Energy Storage"],
            "invest": (400, 1900),
            "jobs": (600, 2400),
            "gwh": (8, 30),
        },
        headlines=(
            "{company} to build €{invest:,} million battery plant near {city}",
            "Battery factory promises {jobs:,} jobs for {city}",
            "{city} wins the race for {company}'s new factory",
        ),
        standfirsts=(
            "The plant will make cells for electric cars and grid storage, with production due "
            "to begin in three years.",
            "Regional officials call it the largest private investment in the area for a "
            "generation, though campaigners have raised concerns about water use.",
        ),
        lead=(
            "{company} will build a battery factory on the outskirts of {city}, investing about "
            "€{invest:,} million and creating up to {jobs:,} permanent jobs, the company and the "
            "regional government announced. The plant is due to start production in three years "
            "and to reach a capacity of {gwh} gigawatt-hours a year.",
            "The factory will produce cells for electric cars as well as larger units for "
            "storing renewable electricity on the grid. {company} said it had chosen the site "
            "because of its rail links, its skilled workforce and a long-term agreement to buy "
            "power from nearby wind farms.",
            "Several other locations had been in the running, including sites in {country2}, "
            "and the regional government confirmed it had offered grants and tax relief worth a "
            "significant share of the investment. The exact amount will be published once the "
            "aid is approved by the competition authority.",
        ),
        subheads=("Why {city}", "Jobs, skills and water", "A bet on electric cars"),
        rest=(
            "For {city}, which lost thousands of jobs when a steelworks closed more than a "
            "decade ago, the announcement was greeted as a turning point. The local college said "
            "it would launch courses in battery chemistry and electrical maintenance next "
            "autumn, developed together with the company.",
            "Environmental groups welcomed the investment in clean technology but asked how much "
            "water the factory would use, noting that the region had shortages during recent dry "
            "summers. The company said the plant would recycle most of its process water and "
            "draw on treated wastewater rather than drinking supplies.",
            "Demand for electric cars has grown more slowly than some forecasters expected, and "
            "several battery projects elsewhere have been delayed or scaled back. {p2}, who "
            "follows the sector for an industry research firm, said the company's focus on grid "
            "storage as well as cars made its plans 'more resilient than most'.",
        ),
        extras=(
            "Construction is expected to employ up to 1,500 people at its peak. Local "
            "businesses, from hotels to building suppliers, said they were already receiving "
            "inquiries from contractors.",
            "The company, founded eight years ago, runs a smaller pilot plant and has supply "
            "contracts with two carmakers. It said the new factory would use a cell design that "
            "needs less cobalt than older chemistries.",
        ),
        closing="A decision on planning permission is expected early next year.",
        quote=(
            "p1",
            "chief executive of {company}",
            "We looked at sites across the continent. {city} offered us the people, the power "
            "and the partnership we need. We intend to be here for decades.",
        ),
        social=(
            "{company}",
            "Big news: our new cell factory is coming to {city}. Up to {jobs:,} jobs, powered by "
            "local wind. Production starts in three years.",
        ),
        caption="The factory will be built on former industrial land outside {city}.",
    ),
]

# Science ----------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="kelp-recovery",
        section="science",
        tags=("oceans", "climate", "research"),
        slots={
            "institute": [
                "Aldwick Institute for Marine Science",
                "Corran Bay Marine Laboratory",
                "Northern Seas Research Centre",
            ],
            "pct": (20, 60),
            "sites": (12, 40),
            "years": ["six", "eight", "ten", "twelve"],
            "species": (30, 90),
        },
        headlines=(
            "Kelp forests bounce back where urchins are kept in check, study finds",
            "Underwater forests are recovering along {coast}, scientists report",
            "Divers record a {pct}% rise in kelp after fishing limits",
        ),
        standfirsts=(
            "Researchers from the {institute} surveyed {sites} sites over {years} years and found "
            "the strongest recovery where sea urchin numbers were kept down.",
            "The findings suggest coastal ecosystems can recover within a decade, but scientists "
            "warn that warmer seas remain the biggest threat.",
        ),
        lead=(
            "Kelp forests along {coast} have recovered strongly in areas where sea urchin "
            "numbers have been brought under control, according to a study by the {institute}. "
            "Divers surveyed {sites} sites over {years} years and found that kelp cover rose by "
            "an average of {pct}% in protected areas, compared with little change elsewhere.",
            "Kelp, a fast-growing seaweed, forms underwater forests that shelter fish, absorb "
            "wave energy and store carbon. Along much of the coast these forests had been "
            "replaced by so-called urchin barrens, stretches of bare rock where grazing sea "
            "urchins stop young kelp from taking hold.",
            "The study, published in a peer-reviewed journal, compared sites where local fishing "
            "rules had allowed predators such as lobsters to recover, sites where volunteers had "
            "removed urchins by hand, and sites with no intervention at all.",
        ),
        subheads=("How the forests came back", "Counting fish and seaweed", "The warming problem"),
        rest=(
            "The strongest recovery was found where both measures were used together. 'Once the "
            "urchins are under control, kelp grows astonishingly quickly,' said {p1}, the marine "
            "ecologist who led the research. 'In some places we went from bare rock to a canopy "
            "over our heads in three summers.'",
            "The team also recorded {species} species of fish and invertebrates in recovered "
            "forests, compared with fewer than half that number in nearby barrens. Young fish "
            "were especially common, which the authors say could eventually benefit fisheries "
            "that depend on the coast as a nursery.",
            "However, the researchers warned that warming seas remain the biggest long-term "
            "threat. Kelp struggles in water that stays above about twenty degrees for long "
            "periods, and marine heatwaves have become more frequent along {coast} over the "
            "past two decades.",
        ),
        extras=(
            "Local fishers, who were at first sceptical of the fishing limits, have become some "
            "of the project's strongest supporters, according to the study. Several now take "
            "part in annual surveys, recording what they see on their dives and in their nets.",
            "{p2}, a marine biologist at {university} who was not involved in the research, said "
            "the study was valuable because it covered so many years. 'Short studies often catch "
            "a good or a bad season,' {l2} said. 'This one shows a trend.'",
        ),
        closing="The institute plans to extend the survey to sites further north next year.",
        quote=(
            "p1",
            "marine ecologist at the {institute}",
            "What gives me hope is how quickly the whole system responds. Give kelp a chance and "
            "the fish, the crabs and the birds all come back with it.",
        ),
        social=(
            "{institute}",
            "New study: kelp forests are recovering along the coast where urchins are kept in "
            "check. {sites} sites, {years} years of dives, and a lot of very cold fieldwork.",
        ),
        caption="Researchers surveyed kelp forests at {sites} sites along the coast.",
    ),
    Template(
        key="asteroid-probe",
        section="science",
        tags=("space", "research"),
        slots={
            "mission": ["Lantern", "Cairn", "Wayfarer"],
            "asteroid": ["Merrow", "Tallis", "Orrin"],
            "agency": lambda rng, f: f"the {f['country']} Space Agency",
            "km": (2, 40),
            "distance": (180, 420),
            "years": ["four", "five", "six", "seven"],
        },
        headlines=(
            "Probe finds signs of ancient water on asteroid {asteroid}",
            "{mission} spacecraft sends first close-up images of {asteroid}",
            "Asteroid {asteroid} is a loose 'rubble pile', {mission} mission finds",
        ),
        standfirsts=(
            "The spacecraft reached the {km}-kilometre asteroid after a journey of {years} years. "
            "Early data suggest it is made of loosely bound rock and dust.",
            "Scientists say the findings could help explain how water reached the early Earth.",
        ),
        lead=(
            "The {mission} spacecraft has sent back the first detailed images of the asteroid "
            "{asteroid}, revealing a surface covered with boulders and shallow craters, and "
            "signs of minerals that formed in the presence of water. The probe arrived after a "
            "journey of {years} years and about {distance} million kilometres.",
            "The {km}-kilometre asteroid appears to be a 'rubble pile', a loose collection of "
            "rocks held together by its own weak gravity rather than a single solid body. "
            "Scientists on the mission, run by {agency}, said its low density and spinning-top "
            "shape pointed to a violent history.",
            "Instruments on board detected clay-like minerals in several areas. Such minerals "
            "usually form when rock reacts with liquid water, suggesting that the body from which "
            "{asteroid} broke away once held water, possibly as ice that melted early in the "
            "history of the solar system.",
        ),
        subheads=("A fragile world", "Clues about water", "What comes next for {mission}"),
        rest=(
            "'Every image is a surprise,' said {p1}, the mission's principal investigator. 'We "
            "expected a rough surface, but not this many large boulders. It tells us that this "
            "asteroid has been broken apart and put back together, probably more than once.'",
            "Understanding asteroids like {asteroid} matters for two reasons, scientists say. "
            "They are leftovers from the formation of the planets, preserving material that has "
            "changed little in billions of years. And some pass close to Earth, so knowing how "
            "they are built helps planners think about how one might be deflected.",
            "{mission} will spend the next eighteen months mapping the asteroid from different "
            "heights. Towards the end of the mission, engineers plan to guide the spacecraft "
            "down to touch the surface briefly and collect a small sample of dust, which would "
            "return to Earth in a capsule several years later.",
        ),
        extras=(
            "The first images were received at a tracking station in {country} early in the "
            "morning and shared with the science team within hours. New pictures will be posted "
            "on the agency's website every week.",
            "{p2}, a planetary scientist at {university} who is not part of the mission team, "
            "called the mineral results 'tantalising but preliminary'. Confirming them would "
            "require the returned sample, {l2} said.",
        ),
        closing="The agency expects to publish a first scientific paper early next year.",
        quote=(
            "p1",
            "principal investigator of the {mission} mission",
            "We are looking at material that has been waiting for four and a half billion "
            "years. If we read it carefully, it can tell us where the water in our oceans came "
            "from.",
        ),
        social=(
            "{country} Space Agency",
            "Hello, {asteroid}! {mission} has sent back its first close-up images. Boulders "
            "everywhere. Our science team is already busy.",
        ),
        caption="An illustration of the {mission} spacecraft approaching {asteroid}.",
    ),
    Template(
        key="soil-antibiotic",
        section="science",
        tags=("health", "research"),
        slots={
            "compound": ["kessomycin", "ardolin", "valetracin"],
            "strains": ["three", "five", "seven", "nine"],
            "samples": (800, 4000),
        },
        headlines=(
            "Soil bacteria yield a new antibiotic candidate, researchers say",
            "Compound from garden soil kills drug-resistant bacteria in lab tests",
            "Scientists in {city} find a promising antibiotic in a soil sample",
        ),
        standfirsts=(
            "The compound, named {compound}, killed several drug-resistant strains in laboratory "
            "tests, but years of trials lie ahead.",
            "Researchers screened {samples:,} soil samples collected by volunteers before "
            "finding the molecule.",
        ),
        lead=(
            "Researchers at {university} have identified a new compound produced by soil "
            "bacteria that killed several strains of drug-resistant bacteria in laboratory "
            "tests. The molecule, which the team has named {compound}, came from a soil sample "
            "collected in a garden on the edge of {city}.",
            "The discovery was the result of a citizen science project in which volunteers sent "
            "in more than {samples:,} soil samples from parks, gardens and farms. Laboratory "
            "staff grew bacteria from each sample and tested whether they produced substances "
            "that stopped the growth of common hospital pathogens.",
            "In tests, {compound} was effective against {strains} strains known to resist "
            "commonly used antibiotics, according to a paper published by the team. The "
            "researchers were also unable to make the bacteria develop resistance to it over "
            "several weeks of repeated exposure.",
        ),
        subheads=("A needle in a haystack", "Why new antibiotics are rare", "The road to clinic"),
        rest=(
            "New classes of antibiotics are rare. Most of those used today were discovered "
            "decades ago, and drug companies have largely left the field because new "
            "antibiotics, which doctors try to keep in reserve, rarely earn back the cost of "
            "developing them. Meanwhile, resistance keeps rising.",
            "{p1}, the microbiologist who led the project, cautioned that the work was at an "
            "early stage. 'Many compounds look brilliant in a dish and then fail when we test "
            "them in animals or people,' {l1} said. 'We have to find out whether it is safe, "
            "whether the body can absorb it, and whether it works where it needs to.'",
            "The team now plans to study how {compound} works. Early results suggest it attacks "
            "the bacterial cell wall in a way that differs from existing drugs, which may explain "
            "why resistance did not appear. The researchers have applied for funding for animal "
            "studies over the next two years.",
        ),
        extras=(
            "The volunteer who collected the sample, a retired postal worker, took it from "
            "beneath a hedge at the bottom of the garden. 'I nearly did not bother sending it,' "
            "the volunteer said. 'It looked like perfectly ordinary dirt.'",
            "Public health officials have repeatedly warned that drug-resistant infections could "
            "become one of the leading causes of death in coming decades if new treatments are "
            "not found and existing ones are not used more carefully.",
            "The project has also become a teaching tool. Schools in {city} have joined as "
            "collectors, and pupils follow their own samples through the laboratory's online "
            "tracker, learning how bacteria are grown, tested and identified.",
        ),
        closing="The project is still accepting soil samples from volunteers.",
        quote=(
            "p2",
            "an infectious disease specialist at {city2} General Hospital",
            "Every few years we lose another drug to resistance. A genuinely new mechanism is "
            "exactly what we need, so this is worth watching closely, with the usual caution.",
        ),
        caption="Volunteers sent in soil from parks, gardens and farms for the project.",
    ),
    Template(
        key="heat-warnings",
        section="science",
        tags=("health", "weather", "climate", "research"),
        source=AGENCY,
        slots={"pct": (12, 30), "summers": ["four", "five", "six", "seven"], "towns": (20, 60)},
        headlines=(
            "Heat warnings cut hospital admissions among older people, study finds",
            "Early heatwave alerts protected older residents in {region}, researchers say",
            "Phone calls and cool rooms reduced heat illness, study suggests",
        ),
        standfirsts=(
            "Researchers found that admissions fell by about {pct}% in towns that combined "
            "warnings with practical help.",
            "The study of {towns} towns over {summers} summers is one of the largest of its kind.",
        ),
        lead=(
            "Early warnings during heatwaves, combined with practical help such as phone calls "
            "to vulnerable people and cool rooms in public buildings, cut hospital admissions "
            "among people over seventy-five by about {pct}%, according to a study covering "
            "{towns} towns across {region} over {summers} summers.",
            "The research, led by {p1} at {university}, compared towns that had introduced heat "
            "action plans with similar towns that had not. Researchers looked at admissions for "
            "conditions linked to heat, including dehydration, kidney problems and heart "
            "failure, on days when temperatures passed local warning thresholds.",
            "Towns that only issued public warnings saw a smaller effect. The largest reductions "
            "came where councils also called vulnerable residents during heatwaves, opened "
            "libraries and community centres as cool spaces, and moved home care visits to the "
            "cooler hours of the day.",
        ),
        subheads=("What worked best", "An ageing population", "Cooler buildings"),
        rest=(
            "'Warnings alone tell people there is a problem,' {l1} said. 'What really protects "
            "people is someone checking that they have water, that their curtains are closed, "
            "and that they are not sitting in a hot flat on their own.'",
            "The findings come as health services prepare for hotter summers. Heatwaves in "
            "{region} have become both more frequent and more intense in recent decades, and the "
            "population is ageing, which means more people are at risk from high temperatures.",
            "The authors also noted the limits of the study. Towns that introduced plans may "
            "have differed in other ways from those that did not, and the researchers could not "
            "measure deaths outside hospitals as precisely. Still, they said, the pattern was "
            "consistent across different summers and regions.",
        ),
        extras=(
            "Some councils have gone further, planting trees along streets with little shade "
            "and painting roofs white to reflect sunlight. The study did not measure the effect "
            "of those changes, which take years to have an impact.",
            "Nursing homes were not included in the main analysis because most already follow "
            "national heat guidelines. A separate study of care homes is expected next year.",
            "{p3}, who coordinates the heat plan in {city2}, said the most effective measure had "
            "also been the simplest. 'We gave every care worker a thermometer and a list of "
            "names,' {l3} said. 'If a flat was above a certain temperature, they called us, and "
            "we moved someone or brought in a fan the same day.'",
        ),
        closing="The national health agency said it would review its heatwave guidance.",
        quote=(
            "p2",
            "a public health doctor in {city}",
            "This is not expensive medicine. It is phone calls, open doors and common sense, "
            "organised properly. The evidence now shows that it works.",
        ),
        social=(
            "{city} Public Health",
            "Heat alert in force from tomorrow. Check on older neighbours, drink water regularly "
            "and use our cool rooms at the central library and the sports centre.",
        ),
        caption="Libraries and community centres were opened as cool rooms during heatwaves.",
    ),
    Template(
        key="urban-bees",
        section="science",
        tags=("research", "climate", "local-government"),
        slots={
            "institute": ["Urban Ecology Centre", "Valebridge Institute of Ecology"],
            "species": (40, 110),
            "gardens": (200, 900),
            "years": ["three", "four", "five"],
        },
        headlines=(
            "City gardens support more bee species than farmland, survey finds",
            "Wild bees are thriving in {city}'s allotments and parks",
            "Volunteers count {species} kinds of wild bee in {city}",
        ),
        standfirsts=(
            "A {years}-year survey of {gardens} gardens found {species} species of wild bee, "
            "including several considered rare in the region.",
            "Scientists say the findings show the value of leaving corners of the city a little "
            "untidy.",
        ),
        lead=(
            "Gardens, allotments and parks in {city} support a surprising variety of wild bees, "
            "according to a {years}-year survey that recorded {species} species across {gardens} "
            "sites. Several are considered rare in the surrounding countryside, where intensive "
            "farming has reduced the variety of flowering plants.",
            "The survey was coordinated by the {institute} and relied on hundreds of volunteers, "
            "who set simple traps and photographed bees on flowers in their own gardens. "
            "Specialists then identified the insects from the photographs and from samples sent "
            "to the institute's laboratory.",
            "Sites with flowers through the seasons, patches of bare soil and dead wood "
            "supported the most species. Neatly mown lawns supported the fewest. Allotments, "
            "with their mix of vegetables, fruit trees and weeds, were among the richest "
            "habitats recorded.",
        ),
        subheads=("Why cities help", "Rare visitors", "What gardeners can do"),
        rest=(
            "{p1}, the ecologist who led the survey, said the results did not mean cities were "
            "better for nature in general. 'Farmland can be wonderful for bees when it has "
            "hedgerows and wildflower margins,' {l1} said. 'But where it does not, a city with "
            "thousands of small gardens can act as a refuge.'",
            "Among the more unusual finds was a species of mining bee that had not been recorded "
            "in the region for more than thirty years. It was found nesting in the sandy soil of "
            "a school playground, which the school has agreed to leave undisturbed during the "
            "nesting season.",
            "The researchers cautioned that wild bees are still under pressure from habitat "
            "loss, pesticides and a changing climate. Warmer springs can cause plants to flower "
            "before the bees that depend on them have emerged, a mismatch that scientists are "
            "only beginning to measure.",
        ),
        extras=(
            "The city council has said it will mow some verges and parts of larger parks less "
            "often, leaving the grass long until late summer. Similar schemes elsewhere have "
            "drawn complaints about untidiness, but also more wildflowers.",
            "Volunteers said taking part had changed how they saw their gardens. One counted "
            "more than a dozen kinds of bee in a small back yard that had seemed to be 'just a "
            "lawn and a shed'.",
            "The survey also found that new housing estates, where gardens are often laid to lawn "
            "and divided by fence panels rather than hedges, had fewer bee species than older "
            "neighbourhoods. The researchers said small changes to planting rules for new "
            "developments could make a real difference.",
        ),
        closing="The survey continues next spring, with a focus on the city's newer estates.",
        quote=(
            "p1",
            "ecologist at the {institute}",
            "The most useful thing most people can do is simply to do a little less. Mow less "
            "often, leave a corner wild, and let the dandelions flower.",
        ),
        social=(
            "{institute}",
            "Our urban bee survey is out: {species} wild bee species found in {city}'s gardens "
            "and parks. Thank you to every volunteer who spent a summer photographing bees!",
        ),
        caption="Allotments were among the richest habitats for wild bees in the survey.",
    ),
]

# Technology -------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="clinic-notes",
        section="technology",
        tags=("artificial-intelligence", "health"),
        slots={
            "company": ["Corvane Health", "Lumenwise", "Tessera Medical Systems"],
            "clinics": (12, 60),
            "minutes": ["four", "six", "seven", "nine"],
            "pct_errors": (2, 6),
            "doctors": (300, 1500),
        },
        headlines=(
            "Clinics trial software that drafts doctors' notes",
            "{company} tool listens to appointments and writes the notes",
            "Doctors in {city} test AI note-taker to cut paperwork",
        ),
        standfirsts=(
            "Doctors in {clinics} clinics say the tool saves about {minutes} minutes per "
            "appointment, but patient groups want clear rules on consent and data.",
            "The software drafts notes from recorded consultations for doctors to check and "
            "sign. Regulators are watching closely.",
        ),
        lead=(
            "Doctors at {clinics} clinics in and around {city} have begun using software from "
            "{company} that listens to appointments and drafts the medical notes, in a trial "
            "that the regional health authority says could reduce the time clinicians spend on "
            "paperwork.",
            "With the patient's consent, the system records the conversation, produces a "
            "written summary in the format used by the hospital's records system and suggests "
            "follow-up tasks such as referrals or prescriptions. A doctor must review and "
            "approve every note before it is saved.",
            "Early results from the first three months suggest that doctors save about "
            "{minutes} minutes per appointment, according to the health authority. Several said "
            "they could now look at the patient during consultations, rather than at a keyboard.",
        ),
        subheads=("Checking the machine's work", "Consent and privacy", "What will be measured"),
        rest=(
            "The notes are not always right. In a review of a sample of drafts, clinicians "
            "corrected errors in about {pct_errors}% of cases, most often in medication doses or "
            "in who had said what. The health authority said this was why a doctor had to sign "
            "off every note, and that no draft was ever sent to another service automatically.",
            "Patient groups said they supported efforts to reduce paperwork but wanted clear "
            "information about how recordings were stored and who could access them. {company} "
            "said audio was deleted within seven days, was never used to train its models "
            "without separate permission, and was stored on servers inside the country.",
            "{p2}, a family doctor taking part in the trial, said it had changed the feel of "
            "appointments. 'I used to finish the day with an hour of typing,' {l2} said. 'Now I "
            "spend that time reading drafts, which is faster, but I still have to concentrate. "
            "It is a tool, not a colleague.'",
        ),
        extras=(
            "The national medical regulator has said it will publish guidance on such tools next "
            "year. It has reminded doctors that they remain responsible for the accuracy of "
            "records, however they were produced.",
            "If the trial is judged a success, the health authority plans to offer the software "
            "to about {doctors:,} doctors across the region. Unions representing medical "
            "secretaries have asked for assurances about their members' jobs.",
        ),
        closing="A full evaluation of the trial is due to be published next summer.",
        quote=(
            "p1",
            "chief medical officer of the regional health authority",
            "If we can give doctors back even a few minutes with each patient, that matters. But "
            "the rule is simple: the doctor reads it, the doctor signs it, the doctor is "
            "responsible.",
        ),
        caption="Doctors must check and approve every note the software drafts.",
    ),
    Template(
        key="ransomware",
        section="technology",
        tags=("cybersecurity", "local-government"),
        slots={"days": ["three", "five", "six", "nine"]},
        headlines=(
            "Cyber-attack disrupts council services in {city}",
            "{city} council refuses to pay ransom after hackers lock its systems",
            "Residents in {city} face delays as council recovers from a hack",
        ),
        standfirsts=(
            "Payments, planning applications and parking permits have been affected for {days} "
            "days. The council says it will not pay the criminals behind the attack.",
            "Investigators are trying to establish whether residents' personal data was stolen "
            "before the systems were encrypted.",
        ),
        lead=(
            "{city} city council has been unable to process many payments, planning "
            "applications and permits for {days} days after a ransomware attack encrypted large "
            "parts of its computer network. The council said it had been contacted by the "
            "criminals behind the attack and would not pay a ransom.",
            "Emergency services, schools and care for vulnerable residents were not affected, "
            "as they run on separate systems, the council said. But residents trying to pay "
            "local taxes, book bulky waste collections or register births and deaths have been "
            "told to expect delays, and some services have gone back to paper forms.",
            "The attack was discovered early on a weekday morning, when staff arriving at work "
            "found that they could not open files and that a message demanding payment had "
            "appeared on several screens. The council's IT team cut the network off from the "
            "internet within an hour to stop the attack spreading.",
        ),
        subheads=("Was data stolen?", "Rebuilding from backups", "Why councils are targets"),
        rest=(
            "Investigators are now trying to determine whether personal data was copied before "
            "the files were encrypted, a common tactic used by criminal groups to put pressure "
            "on victims. The council has informed the data protection regulator and said it "
            "would write to anyone whose information was found to have been taken.",
            "{p2}, the council's chief executive, said the backups had not been affected and "
            "that systems were being restored one by one, after each was checked for traces of "
            "the attackers. 'We could switch everything back on tomorrow, but we would risk "
            "letting them straight back in,' {l2} said.",
            "Local authorities are frequent targets for ransomware because they hold large "
            "amounts of personal data, provide essential services and often run older software. "
            "{p3}, a security researcher in {city2}, said many councils had improved their "
            "defences but were still stretched. 'The attackers only need one unlocked door,' "
            "{l3} said.",
        ),
        extras=(
            "The council has set up a telephone helpline and extended deadlines for payments "
            "and applications. Residents will not be charged late fees for the period of the "
            "disruption.",
            "The national cybersecurity agency is assisting with the investigation. It said the "
            "attack bore the hallmarks of a group that has targeted several public bodies and "
            "hospitals across the continent in the past year.",
        ),
        closing="The council expects most online services to be restored within two weeks.",
        quote=(
            "p1",
            "leader of {city} city council",
            "Paying would only fund the next attack, on another council or a hospital. We will "
            "rebuild carefully, and we will be honest with residents about what we find.",
        ),
        social=(
            "{city} City Council",
            "Update: our online payment and permit services are still unavailable. Please do not "
            "worry about late fees; deadlines have been extended. Phone lines are open from 8am "
            "to 6pm.",
        ),
        caption="Some council services have gone back to paper forms during the recovery.",
    ),
    Template(
        key="grid-storage-startup",
        section="technology",
        tags=("startups", "energy", "climate"),
        source=AGENCY,
        slots={
            "company": ["Fennick Power", "Stillwater Storage", "Quillon Energy"],
            "raise": (18, 140),
            "staff": (40, 160),
            "mwh": (50, 400),
            "founded": ["three", "four", "five", "six"],
        },
        headlines=(
            "Grid battery start-up {company} raises €{raise} million",
            "{company} secures funding to build batteries for the power grid",
            "Investors back {company}'s plan to store wind power for days",
        ),
        standfirsts=(
            "The {city} company, founded {founded} years ago, makes iron-based batteries that "
            "can store electricity for longer than lithium systems.",
            "The funding round values the company at several times its previous valuation, "
            "despite a cooler market for start-ups.",
        ),
        lead=(
            "{company}, a start-up based in {city} that develops batteries for storing "
            "electricity on the power grid, has raised €{raise} million from investors led by a "
            "pension fund and an energy company. It plans to use the money to build its first "
            "large installation and to double its staff of {staff}.",
            "The company's batteries use iron, salt and water rather than lithium, which makes "
            "them heavier and bulkier but cheaper and less prone to catching fire. They are "
            "designed to store energy for many hours at a time, helping to keep the lights on "
            "when wind and solar output falls.",
            "Its first commercial system, with a capacity of {mwh} megawatt-hours, will be "
            "installed next to a wind farm near {city2} and is due to start operating next year. "
            "The company said two grid operators had agreed to buy further systems if the "
            "project meets its targets.",
        ),
        subheads=("Why long storage matters", "A cautious market", "From the lab to the field"),
        rest=(
            "As more electricity comes from wind and solar farms, grid operators need ways to "
            "store power for longer. Lithium-ion batteries typically cover a few hours; covering "
            "a calm, grey week requires either much larger installations or a different "
            "technology.",
            "Money for young companies has become harder to find over the past two years, as "
            "higher interest rates have made investors more cautious. {p2}, a partner at one of "
            "the investors, said the firm liked the company's focus on cheap, widely available "
            "materials. 'This is not a bet on a breakthrough,' {l2} said. 'It is a bet on good "
            "engineering.'",
            "Founded {founded} years ago by researchers from {university}, the company has so "
            "far operated a test unit on its own premises. Co-founder {p1} acknowledged that "
            "scaling up was the hardest step. 'Many storage companies have great prototypes,' "
            "{l1} said. 'We now have to prove we can build and run the real thing.'",
        ),
        extras=(
            "The company said it would buy most of its materials within the region, reducing "
            "its dependence on imported minerals. Its workshop, in a former printing works on "
            "the edge of {city}, produces a small number of units a month.",
            "Analysts said several competing technologies, from compressed air to molten salt, "
            "are chasing the same market, and that it is not yet clear which will prove "
            "cheapest at scale.",
        ),
        closing="{company} expects to choose the site of a larger factory next year.",
        quote=(
            "p1",
            "co-founder of {company}",
            "The sun sets every day and the wind drops every week. If we want a grid that runs on "
            "renewables, we need storage that is cheap, safe and boring. That is what we are "
            "building.",
        ),
        social=(
            "{company}",
            "We're thrilled to announce our new funding round! Next stop: our first grid-scale "
            "system, next to a wind farm. And yes, we are hiring.",
        ),
        caption="The company's first grid-scale system will sit beside a wind farm.",
    ),
    Template(
        key="ride-hailing-inquiry",
        section="technology",
        tags=("artificial-intelligence", "transport"),
        slots={
            "company": ["Ridora", "Swiftcar", "Hopway"],
            "drivers": (6000, 22000),
            "months": ["six", "nine", "twelve"],
            "pct": (8, 25),
        },
        headlines=(
            "Regulator opens inquiry into how {company} sets drivers' pay",
            "{company} drivers say the app's pay formula is a black box",
            "Watchdog in {country} to examine ride-hailing app's pricing",
        ),
        standfirsts=(
            "The consumer authority will examine whether the app's pricing system treats "
            "drivers and passengers fairly.",
            "Drivers say their earnings per trip fell by up to {pct}% last year without "
            "explanation. {company} says its system is transparent.",
        ),
        lead=(
            "The consumer and competition authority of {country} has opened an inquiry into the "
            "ride-hailing company {company}, to examine how its software sets fares for "
            "passengers and pay for drivers. The inquiry is expected to take {months} months.",
            "The authority said it had received complaints from drivers who say their earnings "
            "per trip have fallen by as much as {pct}% over the past year, even as fares for "
            "passengers have stayed the same or risen. Drivers say they cannot see how the "
            "amount offered for each trip is calculated.",
            "{company}, which says about {drivers:,} drivers use its app in the country, said it "
            "welcomed the chance to explain its system. It denied paying different drivers "
            "different rates for the same journey, and said pay reflected demand, distance, "
            "time and traffic.",
        ),
        subheads=("Inside the black box", "What drivers say", "A wider debate about algorithms"),
        rest=(
            "The inquiry will look in particular at whether the app uses information about "
            "individual drivers, such as how often they accept poorly paid trips, to decide what "
            "to offer them. Researchers have warned that such systems could learn to offer less "
            "to the drivers most likely to accept less.",
            "{p2}, who has driven for the app in {city} for four years, said drivers had formed "
            "a group to compare offers for similar journeys. 'Two of us standing next to each "
            "other get different prices for the same trip,' {l2} said. 'Maybe there is a reason. "
            "We just want to know it.'",
            "Similar questions are being asked in other countries, where regulators and courts "
            "have examined how platforms manage their workers through software. A bill now "
            "before parliament would require platforms to explain the main factors behind "
            "automated decisions about pay and work.",
        ),
        extras=(
            "Passenger groups said they would also like more clarity on surge pricing, which "
            "can raise fares sharply at busy times. Some said they had been charged very "
            "different amounts for the same route on consecutive days.",
            "Shares in {company}'s parent company fell slightly after the inquiry was announced. "
            "The company operates in several countries, and analysts said an adverse finding "
            "could encourage regulators elsewhere to act.",
            "{company} has previously said its pricing system is reviewed by an internal ethics "
            "board and that it publishes an annual report on driver earnings. Critics note that "
            "the report gives national averages, which can hide large differences between cities "
            "and times of day.",
        ),
        closing="The authority said it would publish interim findings before any decision.",
        quote=(
            "p1",
            "head of the consumer and competition authority",
            "Algorithms can make markets work better, but they should not be a place to hide. "
            "People have a right to understand how the price of their work is set.",
        ),
        social=(
            "{p2}",
            "Same street, same time, same destination. Two drivers, two different offers. We "
            "have been asking why for a year. Glad someone is finally going to look.",
        ),
        caption="Ride-hailing drivers in {city} say they cannot see how their pay is set.",
    ),
]

# Culture ----------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="film-festival",
        section="culture",
        tags=("film", "awards"),
        slots={
            "film": ["The Salt Orchard", "Northern Hours", "A House Without Winter"],
            "films": (18, 26),
        },
        headlines=(
            "'{film}' wins the top prize at the {city} film festival",
            "First feature by {p1} takes the festival's main award",
            "Quiet family drama '{film}' triumphs in {city}",
        ),
        standfirsts=(
            "The film, about three generations of a family running a fruit farm, was the jury's "
            "surprise choice from {films} films in competition.",
            "{p1} cast mostly non-professional actors, many of them from the village where the "
            "film was shot.",
        ),
        lead=(
            "'{film}', a quiet family drama directed by {p1}, has won the main prize at the "
            "{city} International Film Festival, beating {films} other films in competition. The "
            "jury described it as 'a film of great patience and tenderness, which trusts its "
            "audience'.",
            "The film follows three generations of a family trying to keep their fruit farm "
            "going through a year of drought, debts and a bitter dispute over an inheritance. It "
            "was shot over four seasons in a village in the hills near {city2}, with most roles "
            "played by people who had never acted before.",
            "{l1}, who previously made documentaries, said at the closing ceremony that the "
            "prize belonged to the village. 'They opened their homes and their arguments to us,' "
            "the director said, to laughter from the audience. 'I only had to point the camera "
            "in the right direction.'",
        ),
        subheads=("A jury's surprise", "The other winners", "A festival finding its place"),
        rest=(
            "The choice surprised many critics, who had expected the prize to go to one of the "
            "larger productions in the competition, including a historical epic that drew long "
            "queues at its premiere. Several critics, however, had named '{film}' as the most "
            "moving film of the festival.",
            "The award for best performance went to {p2} for the role of a night-shift nurse in "
            "a drama set over a single weekend in a city hospital. The prize for best screenplay "
            "went to an animated film about a lighthouse keeper, the first animation to win an "
            "award at the festival in more than a decade.",
            "The festival, now in its thirty-first year, sold more tickets than ever before, "
            "according to its organisers, helped by open-air screenings in the old town square. "
            "Its director, {p3}, said the event had worked to attract younger audiences with "
            "cheaper tickets for students and late-night screenings.",
        ),
        extras=(
            "Distribution rights for '{film}' were sold to companies in several countries during "
            "the festival, and it is expected to open in cinemas next spring.",
            "The festival also honoured a veteran cinematographer who shot many of the country's "
            "best-known films of the past forty years, with a retrospective of twelve films and "
            "a lifetime achievement award.",
            "Figures released by the organisers showed that almost a third of tickets were bought "
            "by people under twenty-five, a sharp rise on previous years. Student volunteers ran "
            "a nightly discussion club in a café near the main cinema, which often went on well "
            "after midnight.",
        ),
        closing="The next edition of the festival will be held at the same time next year.",
        quote=(
            "p3",
            "director of the {city} International Film Festival",
            "Every year people ask whether a small festival still matters. Tonight a film made "
            "in a village, on a tiny budget, was seen by thousands of people. That is the answer.",
        ),
        caption="Open-air screenings in the old town square drew record crowds.",
    ),
    Template(
        key="book-prize",
        section="culture",
        tags=("books", "awards", "education"),
        slots={
            "prize": ["Corran Prize for Fiction", "Silver Quill Award", "Larkhaven Book Prize"],
            "book": ["Small Weather", "What the River Kept", "A Map of Lesser Islands"],
            "shortlist": ["five", "six"],
            "entries": (120, 260),
            "money": (20, 50),
        },
        headlines=(
            "'{book}' by {p1} wins the {prize}",
            "Novel about a ferry town takes the {prize}",
            "{p1} wins the {prize} with a story of one winter",
        ),
        standfirsts=(
            "The judges chose the novel from a shortlist of {shortlist}, praising its "
            "'unhurried, generous' portrait of a town facing change.",
            "The prize, worth €{money},000, attracted {entries} entries this year, a record.",
        ),
        lead=(
            "{p1} has won the {prize} for '{book}', a novel about a coastal town waiting to learn "
            "whether its ferry service will be cut. The judges chose the book from a shortlist "
            "of {shortlist}, describing it as 'unhurried, generous and quietly funny'.",
            "The novel follows a dozen residents over a single winter, from the ferry's ageing "
            "captain to a teenager who runs the town's only café. Each chapter is told by a "
            "different character, and the story builds through gossip, misunderstandings and a "
            "public meeting that goes spectacularly wrong.",
            "{l1}, who worked as a librarian for twenty years before writing fiction, said the "
            "idea came from conversations at the library's front desk. 'People come in to borrow "
            "a book and stay to tell you their life story,' the author said. 'I wrote a few of "
            "them down, with permission, and then made up the rest.'",
        ),
        subheads=("A record year for entries", "The shortlist", "Libraries and readers"),
        rest=(
            "The prize, worth €{money},000, attracted {entries} entries this year, the most "
            "since it was founded. Organisers said there had been a notable increase in "
            "submissions from small independent publishers, several of which made the longlist.",
            "The chair of the judges, {p2}, said the panel had argued for hours before reaching "
            "a decision. 'Every book on the shortlist could have won,' {l2} said. 'In the end we "
            "chose the one we could not stop talking about, and the one we most wanted to press "
            "into other people's hands.'",
            "Other shortlisted books included a historical novel about a women's rowing crew in "
            "the 1920s, a collection of linked stories set in a hospital laundry, and a slim, "
            "experimental novel written entirely as a series of voicemail messages.",
        ),
        extras=(
            "{l1} said part of the prize money would go to the library in {city}, where the "
            "author still runs a weekly reading group. The library said it would spend the gift "
            "on books for its children's section.",
            "Sales of shortlisted books usually rise sharply after the announcement. Booksellers "
            "in {city2} said they had ordered extra copies of '{book}' in anticipation.",
            "Independent bookshops have campaigned for the prize to do more for translated "
            "fiction and first-time writers. The organisers said they would review the rules next "
            "year, including whether to create a separate award for debut novels.",
        ),
        closing="A paperback edition of the novel is due next spring.",
        quote=(
            "p1",
            "winner of the {prize}",
            "This is a book about people who are told their town does not matter very much. I "
            "wanted to say, as loudly as a quiet book can, that it does.",
        ),
        caption="The winning novel is set over a single winter in a coastal town.",
    ),
    Template(
        key="concert-hall",
        section="culture",
        tags=("music", "local-government"),
        slots={
            "hall": ["Ropewalk Hall", "Tannery Concert Hall", "Harbour Assembly Rooms"],
            "raise": (400, 2400),
            "donors": (1200, 9000),
            "age": (90, 140),
        },
        headlines=(
            "Crowdfunding campaign saves the {hall} from closure",
            "{city}'s oldest concert venue gets a reprieve",
            "Musicians and residents raise €{raise:,},000 to keep the {hall} open",
        ),
        standfirsts=(
            "More than {donors:,} people donated to keep the {age}-year-old hall open after the "
            "council withdrew its grant.",
            "The venue's new owner, a community trust, plans to repair the roof and offer "
            "cheaper concerts for young people.",
        ),
        lead=(
            "The {hall}, {city}'s oldest concert venue, will stay open after a community "
            "campaign raised €{raise:,},000 to buy and repair the building. More than "
            "{donors:,} people contributed, from schoolchildren who sold cakes to a retired "
            "violinist who gave the proceeds of a lifetime's collection of sheet music.",
            "The {age}-year-old hall faced closure earlier this year after the city council, "
            "under pressure to cut its budget, withdrew the annual grant that had covered most "
            "of its running costs. The building also needs urgent repairs to its roof, which has "
            "leaked onto the balcony seats during heavy rain.",
            "A community trust formed by local musicians, teachers and residents will now take "
            "over the building. The council has agreed to sell it to the trust for a nominal "
            "sum, on condition that it remains a public venue for at least twenty-five years.",
        ),
        subheads=("A hall with a long memory", "The plan for the future", "Who paid"),
        rest=(
            "Generations of musicians have performed at the hall, which was built as a meeting "
            "place for the rope-makers' guild before it became a concert venue. Performers prize "
            "its wooden interior for its warm sound, and the city's youth orchestra has "
            "rehearsed there every Saturday morning for decades.",
            "{p2}, who chairs the trust, said the first priority would be the roof, followed by "
            "better access for wheelchair users and a new heating system. 'We want the building "
            "to be warm, dry and open to everyone,' {l2} said. 'After that we can start being "
            "ambitious.'",
            "The trust plans to fill the hall more often, with cheaper concerts on weekday "
            "evenings, folk and jazz nights, and rehearsal space for local bands. It will also "
            "offer free tickets to school groups, and hopes to cover its costs through hire "
            "fees, a café and a membership scheme.",
        ),
        extras=(
            "Not everyone is convinced the model can last. {p3}, an arts consultant who has "
            "advised several venues in the region, said community ownership brought energy and "
            "goodwill but could struggle with the steady, unglamorous costs of an old building.",
            "The council leader said the sale showed what could happen when a community and a "
            "council worked together, even in difficult financial times. Opposition councillors "
            "said the grant should never have been withdrawn.",
        ),
        closing="The hall's autumn season will open with a concert by the youth orchestra.",
        quote=(
            "p1",
            "conductor of the {city} Youth Orchestra",
            "I played my first concert in that hall when I was nine years old. The idea that my "
            "students might never play there was unbearable. This city did not let it happen.",
        ),
        social=(
            "Friends of the {hall}",
            "WE DID IT. Thank you to every single person who gave. The {hall} stays open. See "
            "you at the first concert.",
        ),
        caption="The {hall} has hosted concerts for {age} years.",
    ),
]

# Sport ------------------------------------------------------------------------------------------

TEMPLATES += [
    Template(
        key="cup-upset",
        section="sport",
        tags=("football", "grassroots-sport"),
        slots={
            "club1": _club("city"),
            "club2": _club("city2"),
            "score": ["2-1", "1-0", "3-2"],
            "crowd": (3000, 9000),
            "divs": ["two", "three"],
        },
        headlines=(
            "{club1} stun {club2} to reach the cup quarter-finals",
            "Cup upset as part-timers {club1} knock out {club2}",
            "Late winner sends {club1} through against {club2}",
        ),
        standfirsts=(
            "The part-time side, who play {divs} divisions below their opponents, won {score} in "
            "front of a sold-out crowd of {crowd:,}.",
            "A stoppage-time header from a substitute sealed one of the biggest shocks in the "
            "competition's recent history.",
        ),
        lead=(
            "{club1} produced one of the biggest shocks in the recent history of the national "
            "cup, beating {club2} {score} in front of a sold-out crowd of {crowd:,} to reach the "
            "quarter-finals. The home side, whose squad includes a plumber, a primary school "
            "teacher and two university students, play {divs} divisions below their opponents.",
            "The visitors dominated possession for long spells and took the lead through a "
            "well-worked move early in the second half. But {club1} defended with discipline and "
            "growing confidence, and levelled when their captain, {p2}, forced the ball in after "
            "a corner was only half cleared.",
            "The winner came deep into stoppage time. A substitute, {p3}, who had been on the "
            "pitch for less than ten minutes, rose highest to meet a cross from the left and "
            "headed in off the post, setting off a pitch invasion that delayed the final whistle "
            "by several minutes.",
        ),
        subheads=("A night to remember", "How it happened", "The draw ahead"),
        rest=(
            "'I have been coming here since I was six,' said one supporter, still wearing a "
            "scarf knitted by her grandmother, as fans gathered outside the clubhouse after the "
            "match. 'We have had some terrible seasons. Nights like this make all of it worth "
            "it.'",
            "{club2}'s manager, {p4}, did not look for excuses. 'They wanted it more and they "
            "deserved it,' {l4} said. 'We had chances to kill the game and we did not take them. "
            "At this level, if you give a team like that hope, you are in trouble.'",
            "The win is worth a significant sum in prize money and television fees for {club1}, "
            "whose annual budget is a small fraction of their opponents'. The club's chairman "
            "said the money would pay for new floodlights and better training pitches for the "
            "youth teams.",
        ),
        extras=(
            "{l3}, who works as an electrician during the week, had been given the morning off "
            "by an understanding employer. 'My boss texted me after the game,' {l3} said. 'I can "
            "have the quarter-final off as well.'",
            "The ground, which usually holds fewer than half as many spectators on a league "
            "match day, had temporary stands installed for the tie. Tickets sold out within "
            "hours of going on sale.",
        ),
        closing="The draw for the quarter-finals will be made next week.",
        quote=(
            "p1",
            "manager of {club1}",
            "I told the players before the game: nobody expects anything from us, so go and "
            "enjoy it. They did more than enjoy it. They were magnificent from the first minute "
            "to the last.",
        ),
        social=(
            "{club1}",
            "WE ARE IN THE QUARTER-FINALS. {score}. What a night. What a team. What a town.",
        ),
        caption="Home supporters celebrated on the pitch after the final whistle.",
    ),
    Template(
        key="cycling-stage",
        section="sport",
        tags=("cycling", "weather"),
        source=AGENCY,
        slots={
            "race": ["Three Valleys Tour", "Tour of the Lakes", "Coastal Stage Race"],
            "climb": ["Brenn Pass", "Harrow Pass", "Ardo Col"],
            "stage": (9, 16),
            "next_stage": lambda rng, f: f["stage"] + 1,
            "km": (140, 220),
            "seconds": (8, 54),
        },
        headlines=(
            "{p1} wins mountain stage to take the lead of the {race}",
            "Solo attack on the {climb} gives {p1} stage {stage}",
            "{race}: rain, a steep climb and a new leader",
        ),
        standfirsts=(
            "The climber attacked with five kilometres to go and finished {seconds} seconds "
            "ahead of the group of favourites.",
            "Stage {stage} covered {km} kilometres and three major climbs in heavy rain.",
        ),
        lead=(
            "{p1} won stage {stage} of the {race} with a solo attack on the final climb of the "
            "{climb}, taking the leader's jersey with a week of racing to go. The new leader "
            "crossed the line {seconds} seconds ahead of a small group of favourites, arms raised "
            "despite the pouring rain.",
            "The {km}-kilometre stage from {city} to the ski resort above {city2} included three "
            "major climbs, and the pace was high from the start as several teams tried to put "
            "riders into the early breakaway. A group of eleven riders built a lead of more "
            "than four minutes before the main climbs.",
            "{l1}'s team took control on the penultimate climb, setting a pace that steadily "
            "thinned the group of favourites. The breakaway was caught with eight kilometres "
            "remaining, and {l1} attacked three kilometres later on the steepest section of the "
            "{climb}.",
        ),
        subheads=("A decisive attack", "The overall standings", "A week still to ride"),
        rest=(
            "No one was able to follow. The previous race leader, {p2}, lost contact shortly "
            "afterwards and finished more than a minute down. 'My legs were empty today,' {l2} "
            "said. 'It happens. There is still a long way to go.'",
            "The weather added to the difficulty. Heavy rain fell for most of the afternoon, and "
            "the race was neutralised for several minutes on the descent before the final climb "
            "after two riders slid off the road on a wet bend. Both continued, though one later "
            "abandoned with a suspected wrist injury.",
            "The race now enters its final week with two more mountain stages and a time trial, "
            "which is expected to decide the overall result. {l1}, a strong climber but a less "
            "reliable time-triallist, acknowledged that the lead might not be enough. 'Tonight I "
            "enjoy this,' {l1} said. 'Tomorrow we think about the time trial.'",
        ),
        extras=(
            "Crowds lined the final kilometres despite the weather, many of them from the "
            "villages along the route, who had painted riders' names on the road in the days "
            "before the stage.",
            "The team's sports director said the attack had been planned since the morning. 'We "
            "rode this climb in the spring,' the director said. 'We knew exactly where the steep "
            "part was.'",
        ),
        closing="Stage {next_stage} is flatter and is expected to suit the sprinters.",
        quote=(
            "p1",
            "new leader of the {race}",
            "I have dreamed about this jersey since I was a child watching this race on "
            "television. To take it on a day like this, in the rain, on this climb, is something "
            "I will never forget.",
        ),
        social=(
            "{race}",
            "Stage {stage}: {l1} attacks on the {climb} and takes the stage and the overall "
            "lead! What a ride in the rain.",
        ),
        caption="The stage finished at a ski resort above {city2}.",
    ),
    Template(
        key="stadium-plan",
        section="sport",
        tags=("football", "local-government", "housing", "transport"),
        slots={
            "club": _club("city"),
            "ground": ["Millfield Road", "the Brewery Ground", "Castle Meadow"],
            "capacity": (18_000, 32_000),
            "old_capacity": (9000, 14_000),
            "cost": (90, 260),
            "build": ["two", "three"],
        },
        headlines=(
            "{club} unveil plans for a {capacity:,}-seat stadium",
            "{club} to leave {ground} after more than a century",
            "Fans divided as {club} plan a move to a new stadium",
        ),
        standfirsts=(
            "The club says the €{cost} million ground will secure its future, but some "
            "supporters worry about leaving the city centre.",
            "The proposed stadium on the edge of {city} would more than double the capacity of "
            "the current ground.",
        ),
        lead=(
            "{club} have unveiled plans to leave {ground}, their home for more than a century, "
            "and move to a new {capacity:,}-seat stadium on the edge of {city}. The club says "
            "the €{cost} million project would secure its financial future and allow it to "
            "compete with larger rivals.",
            "The current ground holds about {old_capacity:,} spectators and has been sold out "
            "for most matches in recent seasons. The club says parts of it, including the main "
            "stand, need repairs so extensive that rebuilding on the same site would cost nearly "
            "as much as moving.",
            "The new stadium would be built on former railway land near a new station on the "
            "commuter line, with a hotel, a sports clinic and community pitches alongside. If "
            "planning permission is granted, construction would take about {build} years.",
        ),
        subheads=("Leaving the old ground", "Who pays", "What supporters think"),
        rest=(
            "The club's owners, a group of local business people who bought it five years ago, "
            "said they would pay a large share of the cost, with the rest coming from loans and "
            "the sale of the old ground, which would be redeveloped for housing. They have asked "
            "the city council to pay for road improvements around the new site.",
            "Supporters' groups are divided. Some welcome the chance to see the club grow and "
            "the end of long queues for tickets. Others fear the move will cut the club off from "
            "the streets around the old ground, where pubs and cafés fill up on match days and "
            "some families have held season tickets for generations.",
            "{p2}, chair of the supporters' trust, said members would be surveyed before the "
            "trust took a position. 'Nobody wants to be sentimental about leaky roofs and narrow "
            "seats,' {l2} said. 'But a football club is more than a balance sheet, and the "
            "ground is part of who we are.'",
        ),
        extras=(
            "The council said it would consider the application carefully, including its "
            "effect on traffic and on the neighbourhood around the current ground. A public "
            "consultation will open next month.",
            "Similar moves elsewhere have had mixed results. Some clubs have flourished in "
            "larger stadiums, while others have struggled to fill seats in grounds far from "
            "their traditional supporters.",
        ),
        closing="The club hopes to play its first match in the new stadium within five years.",
        quote=(
            "p1",
            "chief executive of {club}",
            "We love {ground}, and nothing will replace the memories. But if we stay, we stand "
            "still. This stadium is how we make sure there is a club here for the next hundred "
            "years.",
        ),
        social=(
            "{club} Supporters' Trust",
            "The club has published its stadium plans. Before we take a position we want to "
            "hear from every member. The survey opens tonight; the members' meeting is next "
            "week.",
        ),
        caption="The club has played at {ground} for more than a century.",
    ),
]

# Opinion ----------------------------------------------------------------------------------------

OPINION_SOURCE = "Newsroom opinion desk"

TEMPLATES += [
    Template(
        key="opinion-fares",
        section="opinion",
        tags=("transport", "local-government", "climate"),
        source=OPINION_SOURCE,
        slots={"fare": ["1", "1.50", "2"], "pct": (15, 40)},
        headlines=(
            "Cheaper buses would do more for {city} than another road",
            "Fares, not flyovers, will fix {city}'s traffic",
            "{city} should try a year of cheap public transport",
        ),
        standfirsts=(
            "Every serious study of the city's traffic reaches the same conclusion. It is time "
            "the council acted on it and made the bus the obvious choice.",
            "A simple, cheap fare would cost less than the road scheme now being planned, and "
            "would help far more people.",
        ),
        lead=(
            "Every few years, {city} commissions a study of its traffic, and every few years the "
            "study says the same thing. The roads into the centre are full at peak times, most "
            "journeys are short, and many people who drive would take the bus if it were "
            "quicker, more reliable and cheaper. Then the report goes on a shelf, and the city "
            "plans another road.",
            "The latest plan, a link road on the city's northern edge, is expected to cost more "
            "than the whole bus network receives in subsidies over a decade. Its supporters say "
            "it will relieve congestion. Experience from almost everywhere suggests it will, for "
            "a few years, until new traffic fills the space.",
            "There is a cheaper experiment the city could try first: a single flat fare of "
            "€{fare} for any journey by bus or tram within the city, for one year, with the "
            "results carefully measured. Cities that have tried something similar have seen "
            "ridership rise by {pct}% or more, with the biggest gains among young people and "
            "those on low incomes.",
        ),
        subheads=("The objections, answered", "A question of fairness", "A year to find out"),
        rest=(
            "The objections are familiar. Buses are already crowded at peak times, so who will "
            "pay for more of them? Fare revenue would fall, at least at first. And a cheaper "
            "fare does not make a bus arrive on time if it is stuck in the same traffic as "
            "everyone else.",
            "All true, and all reasons to design the experiment well rather than not to try it. "
            "Fares are a smaller share of the network's income than most people assume. Bus "
            "lanes on the main corridors, which cost a fraction of a new road, would make the "
            "service faster. And more passengers is exactly the argument for more buses.",
            "There is also a question of fairness. The people who would gain most from a "
            "cheaper, better bus service are the least likely to own a car: students, older "
            "residents, shift workers travelling when the roads are quiet but the buses are "
            "rare. A new road serves people who already have choices.",
        ),
        extras=(
            "None of this means that nobody should drive. Tradespeople with vans, parents with "
            "three children and a week's shopping, and people with limited mobility will still "
            "need roads that work. Those roads will work better if fewer people use them simply "
            "because they have no alternative.",
            "The council will say it cannot afford the experiment. But it has found money for "
            "consultants, for designs and for years of planning a road. A year of cheap fares is "
            "a modest sum by comparison, and unlike a road, it can be stopped if it fails.",
        ),
        closing="Try it for a year and count the passengers. If I am wrong, the figures will "
        "show it.",
        quote=(
            "p1",
            "a hospital cleaner in {city}",
            "The last bus home leaves before my shift ends. I have a car because I have no "
            "choice, not because I want one.",
        ),
        caption="Buses in {city} share the main roads into the centre with cars.",
    ),
    Template(
        key="opinion-ai-schools",
        section="opinion",
        tags=("education", "artificial-intelligence"),
        source=OPINION_SOURCE,
        headlines=(
            "Banning AI from classrooms will not teach anyone to think",
            "Schools should teach pupils to argue with the machine",
            "The essay is not dead, but homework has to change",
        ),
        standfirsts=(
            "Pupils are already using chatbots at home. Pretending otherwise leaves them to work "
            "out the rules alone.",
            "The answer to AI in schools is not a ban but better questions, more writing in "
            "class and honest lessons about what the tools get wrong.",
        ),
        lead=(
            "When the education ministry of {country} told schools this term to 'limit the use "
            "of generative AI in assessed work', it was responding to a real problem. Teachers "
            "have received essays that read smoothly, say little and were plainly not written by "
            "the pupil whose name is at the top. Something has to change. But a ban is the wrong "
            "answer.",
            "The first reason is practical. Pupils have these tools on their phones, and they "
            "will use them at home whatever schools say. A rule that cannot be enforced outside "
            "the classroom mostly teaches that rules are for the people who follow them, and it "
            "puts the most conscientious pupils at a disadvantage.",
            "The second reason matters more. These tools will be part of the working lives of "
            "almost everyone now at school, in one form or another. Knowing when to use them, "
            "how to check them and when to ignore them is a skill, and skills are what schools "
            "are for.",
        ),
        subheads=("Change the homework, not the rules", "Teaching scepticism", "Teachers' needs"),
        rest=(
            "That does not mean letting a chatbot write the history essay. It means changing "
            "what we ask for. More writing can happen in class, by hand or on locked-down "
            "devices, where teachers can watch the thinking develop. Homework can shift towards "
            "reading, research and preparing for discussions that no tool can have on a pupil's "
            "behalf.",
            "It also means teaching pupils to argue with the machine. Ask it a question you "
            "already know the answer to, and see where it goes wrong. Ask it for sources, and "
            "check whether they exist. A class of fourteen-year-olds catching a confident error "
            "learns more about evidence than a class forbidden from looking.",
            "Teachers will need help to do this, and time. The ministry's guidance runs to a few "
            "pages; what schools need is training, example lessons and room in a crowded "
            "timetable. The teachers I have spoken to in {city} are not afraid of the "
            "technology. They are tired of being asked to manage it alone.",
        ),
        extras=(
            "There are real concerns behind the ban: privacy, the quality of the tools, and the "
            "risk that struggling pupils lean on them instead of learning. Those concerns argue "
            "for careful rules about which tools are used and how, not for pretending they do "
            "not exist.",
            "Calculators, the internet and even ballpoint pens were each greeted as the end of "
            "real learning. Each time, the schools that did best were those that worked out what "
            "the new tool was good for, and kept teaching the old skills alongside it.",
        ),
        closing="The essay is not dead. But the way we ask for it has to grow up, quickly.",
        quote=(
            "p1",
            "an English teacher in {city}",
            "I can usually tell when an essay was not written by the pupil. What I cannot do is "
            "prove it, and I do not want to spend my evenings as a detective.",
        ),
        caption="Teachers say homework has to change now that pupils use AI tools at home.",
    ),
]

# --- Putting a story together ------------------------------------------------------------------

SOURCE_WITH_AGENCIES = "Newsroom reporting, with additional reporting from news agencies"
HERO_CREDITS = (
    "Illustration: Newsroom graphics desk",
    "Illustration: Newsroom design team",
    "Graphic: Newsroom graphics desk",
)


@dataclass(frozen=True)
class Story:
    key: str
    section: str
    tags: tuple  # the template's tags; pick_tags() chooses an article's from them
    headline: str
    standfirst: str
    body: str
    source: str
    hero_caption: str

    @property
    def from_agency(self):
        return self.source == AGENCY


def _fills(template, rng):
    cities = rng.sample(CITIES, 2)
    countries = rng.sample(COUNTRIES, 2)
    fills = {
        "city": cities[0],
        "city2": cities[1],
        "country": countries[0],
        "country2": countries[1],
        "region": rng.choice(REGIONS),
        "coast": rng.choice(COASTS),
        "university": rng.choice(UNIVERSITIES),
    }
    for number, (first, last) in enumerate(
        zip(rng.sample(FIRST_NAMES, 4), rng.sample(LAST_NAMES, 4), strict=True), start=1
    ):
        fills[f"p{number}"] = f"{first} {last}"
        fills[f"l{number}"] = last
    for name, spec in template.slots.items():
        if callable(spec):
            fills[name] = spec(rng, fills)
        elif isinstance(spec, tuple):
            fills[name] = rng.randint(*spec)
        else:
            fills[name] = rng.choice(spec)
    return fills


def _text(value):
    return html.escape(value, quote=False)


def _pull_quote(words, cite):
    return (
        f'<blockquote class="pull-quote"><p>{_text(words)}</p>'
        f"<cite>{_text(cite)}</cite></blockquote>"
    )


def _social_post(name, words, post_id, posted):
    handle = re.sub(r"[^a-z0-9]+", "", name.lower())[:20]
    # social.example is reserved for documentation, so the link can never reach a real account.
    url = f"https://social.example/@{handle}/{post_id}"
    return (
        f'<blockquote class="social-post" cite="{url}"><p>{_text(words)}</p>'
        f'<p>— {_text(name)} (@{handle}) <a href="{url}">{posted.day} {posted:%B %Y}</a></p>'
        "</blockquote>"
    )


def compose(template, rng, variant=0, *, posted=None):
    """Write one story from `template`. `variant` picks the headline, so repeated uses of a
    template read differently; `posted` (a date) enables the embedded social post, if any."""
    fills = _fills(template, rng)

    def fill(text):
        return text.format_map(fills)

    headline = fill(template.headlines[variant % len(template.headlines)])
    standfirst = fill(rng.choice(template.standfirsts))
    source = template.source
    if source == "Newsroom reporting" and rng.random() < 0.25:
        source = SOURCE_WITH_AGENCIES

    rest = [fill(text) for text in template.rest]
    extras = template.extras
    for extra in rng.sample(extras, rng.randint(min(2, len(extras)), len(extras))):
        rest.insert(rng.randint(1, len(rest)), fill(extra))

    blocks = [f"<p>{_text(fill(text))}</p>" for text in template.lead]
    # Draw every random choice even when it is not used, so that the rest of the story does
    # not change with `posted`.
    with_quote = rng.random() < 0.8
    quote_at = rng.randint(2, len(blocks))
    with_social = rng.random() < 0.65
    post_id = rng.randrange(10**17, 10**18)
    if template.quote and with_quote:
        speaker, role, words = template.quote
        blocks.insert(quote_at, _pull_quote(fill(words), f"{fills[speaker]}, {fill(role)}"))
    blocks.append(f"<h2>{_text(fill(rng.choice(template.subheads)))}</h2>")
    if template.social and with_social and posted is not None:
        name, words = template.social
        blocks.append(_social_post(fill(name), fill(words), post_id, posted))
    blocks += [f"<p>{_text(text)}</p>" for text in rest]
    blocks.append(f"<p>{_text(fill(template.closing))}</p>")

    return Story(
        key=template.key,
        section=template.section,
        tags=template.tags,
        headline=headline,
        standfirst=standfirst,
        body="\n".join(blocks),
        source=source,
        hero_caption=fill(template.caption),
    )


def pick_tags(story, rng):
    """The template's main tag and one to three of its others."""
    main, *others = story.tags
    return [main, *rng.sample(others, rng.randint(1, min(3, len(others))))]


def pick_bylines(story, rng):
    """Author slugs in byline order: reporters on the section's beat, or the agency."""
    staff = [a.slug for a in AUTHORS if story.section in a.beats and not a.is_agency]
    if story.section == "opinion":
        return [rng.choice(staff)]
    rng.shuffle(staff)
    if story.from_agency:
        # Agency copy runs under the agency's name, or rewritten by a reporter who adds to it.
        return [AGENCY_SLUG] if rng.random() < 0.5 else [staff[0], AGENCY_SLUG]
    count = rng.choices([1, 2, 3], weights=[6, 3, 1])[0]
    return staff[:count]


def headline_slug(headline, taken):
    """A short slug from the headline, made unique among `taken` (which it updates)."""
    text = re.sub(r"(\d)\.(\d)", r"\1-\2", headline)
    base = slugify(text)
    if len(base) > 60:
        base = base[:61].rsplit("-", 1)[0]
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    taken.add(slug)
    return slug


@dataclass(frozen=True)
class DemoArticle:
    story: Story
    slug: str
    status: str  # "published" or "draft"; a future published_at makes it scheduled
    published_at: datetime | None
    updated_at: datetime | None
    is_featured: bool
    authors: list
    tags: list
    image_seed: int
    hero_credit: str


DEMO_PUBLISHED, DEMO_DRAFTS, DEMO_SCHEDULED = 60, 3, 3


def demo_articles(seed, now):
    """The demo newsroom's articles: published over the last four weeks, then a few drafts,
    then a few scheduled for the coming days. Everything but the times depends on `seed`."""
    rng = random.Random(seed)
    total = DEMO_PUBLISHED + DEMO_DRAFTS + DEMO_SCHEDULED
    # Every template at least twice, the rest once more, in a shuffled order.
    order = TEMPLATES * 2 + rng.sample(TEMPLATES, total - 2 * len(TEMPLATES))
    rng.shuffle(order)
    now = now.replace(second=0, microsecond=0)
    # Published articles are spread evenly over the last four weeks, newest first.
    step_minutes = 27 * 24 * 60 / DEMO_PUBLISHED
    uses, slugs, articles = {}, set(), []
    for number, template in enumerate(order):
        variant = uses.get(template.key, 0)
        uses[template.key] = variant + 1
        # Drawn for every article, used or not, so that each keeps its times on every run.
        age = timedelta(minutes=60 + int(step_minutes * (number + rng.random())))
        edited_after = timedelta(minutes=rng.randint(40, 300))
        morning = rng.randint(6, 10)
        status, published_at, updated_at = "published", None, None
        if number < DEMO_PUBLISHED:
            published_at = now - age
            if number % 9 == 4 and published_at + edited_after < now:
                updated_at = published_at + edited_after
        elif number < DEMO_PUBLISHED + DEMO_DRAFTS:
            # The first waits for an editor, so the dashboard has something in review.
            status = "review" if number == DEMO_PUBLISHED else "draft"
        else:
            # Scheduled: one a morning from tomorrow on.
            days = number - DEMO_PUBLISHED - DEMO_DRAFTS + 1
            published_at = now.replace(hour=morning, minute=0) + timedelta(days=days)
        story_rng = random.Random(f"{seed}-story-{number}")
        story = compose(template, story_rng, variant, posted=(published_at or now).date())
        articles.append(
            DemoArticle(
                story=story,
                slug=headline_slug(story.headline, slugs),
                status=status,
                published_at=published_at,
                updated_at=updated_at,
                is_featured=number < DEMO_PUBLISHED and number % 8 == 0,
                authors=pick_bylines(story, story_rng),
                tags=pick_tags(story, story_rng),
                image_seed=seed * 1000 + number,
                hero_credit=story_rng.choice(HERO_CREDITS),
            )
        )
    return articles


def archive_stories(seed, count):
    """`count` distinct stories for the benchmark archive (without social posts, whose dates
    would not match the many publication times each story is reused for)."""
    return [
        compose(
            TEMPLATES[number % len(TEMPLATES)],
            random.Random(f"{seed}-archive-{number}"),
            number // len(TEMPLATES),
        )
        for number in range(count)
    ]


# --- Illustrations -----------------------------------------------------------------------------

HERO_SIZE = (1600, 900)
PORTRAIT_SIZE = (600, 600)
# Shapes are drawn at twice the size and scaled down: ImageDraw does not antialias.
SUPERSAMPLE = 2
JPEG_OPTIONS = {"format": "JPEG", "quality": 82, "optimize": True, "progressive": True}

# (gradient from, gradient to, accents), each colour named so the alt text can describe it.
PALETTES = [
    (("deep navy", (14, 27, 64)), ("teal", (20, 128, 138)),
     (("amber", (246, 178, 62)), ("coral", (238, 108, 88)), ("pale cyan", (168, 230, 236)))),
    (("charcoal", (34, 36, 42)), ("slate blue", (72, 98, 150)),
     (("lemon yellow", (246, 222, 92)), ("white", (245, 245, 240)), ("sky blue", (120, 190, 240)))),
    (("plum", (64, 22, 70)), ("magenta", (186, 46, 122)),
     (("peach", (252, 190, 150)), ("gold", (240, 196, 70)), ("lilac", (200, 170, 240)))),
    (("forest green", (16, 58, 40)), ("sage", (120, 168, 120)),
     (("cream", (246, 236, 208)), ("orange", (236, 130, 46)), ("mint", (170, 236, 200)))),
    (("midnight blue", (10, 18, 48)), ("violet", (96, 60, 180)),
     (("pink", (246, 140, 190)), ("turquoise", (64, 214, 206)), ("white", (240, 240, 250)))),
    (("rust", (120, 46, 24)), ("sand", (226, 180, 120)),
     (("dark teal", (18, 92, 98)), ("ivory", (250, 244, 226)), ("brick red", (170, 56, 40)))),
    (("ink blue", (20, 34, 80)), ("cornflower blue", (100, 140, 230)),
     (("tangerine", (250, 150, 60)), ("butter yellow", (250, 226, 140)), ("navy", (24, 40, 96)))),
    (("olive", (60, 64, 24)), ("mustard", (206, 170, 50)),
     (("burgundy", (120, 28, 48)), ("off-white", (244, 238, 224)), ("moss green", (96, 128, 56)))),
    (("graphite", (40, 40, 48)), ("steel grey", (130, 140, 150)),
     (("scarlet", (222, 52, 52)), ("white", (246, 246, 246)), ("black", (16, 16, 16)))),
    (("deep teal", (6, 60, 66)), ("aquamarine", (80, 200, 180)),
     (("sunflower", (252, 206, 60)), ("salmon", (250, 140, 120)), ("white", (240, 250, 250)))),
    (("aubergine", (48, 20, 48)), ("rose", (214, 110, 140)),
     (("mint", (160, 230, 200)), ("cream", (250, 240, 220)), ("crimson", (170, 20, 60)))),
    (("dusk blue", (40, 56, 96)), ("apricot", (244, 170, 120)),
     (("white", (250, 250, 250)), ("deep red", (150, 30, 40)), ("pale yellow", (250, 236, 170)))),
]  # fmt: skip


def _rgba(rng, accents, low=90, high=200):
    return rng.choice(accents)[1] + (rng.randint(low, high),)


def _circles(draw, rng, w, h, accents):
    for _ in range(rng.randint(4, 9)):
        r = rng.randint(h // 12, h * 2 // 5)
        x, y = rng.randint(0, w), rng.randint(0, h)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(rng, accents))


def _rings(draw, rng, w, h, accents):
    for _ in range(rng.randint(1, 3)):
        x, y = rng.randint(0, w), rng.randint(0, h)
        width = rng.randint(h // 90, h // 30)
        for r in range(rng.randint(h // 10, h // 5), w, rng.randint(width * 3, width * 6)):
            draw.ellipse((x - r, y - r, x + r, y + r), outline=_rgba(rng, accents), width=width)


def _bands(draw, rng, w, h, accents):
    slant = rng.choice((-1, 1)) * rng.randint(h // 3, h)
    x = rng.randint(-w // 4, 0)
    while x < w + abs(slant):
        width = rng.randint(w // 40, w // 8)
        draw.polygon(
            [(x, 0), (x + width, 0), (x + width - slant, h), (x - slant, h)],
            fill=_rgba(rng, accents, 60, 170),
        )
        x += width + rng.randint(w // 40, w // 6)


def _triangles(draw, rng, w, h, accents):
    for _ in range(rng.randint(6, 14)):
        x, y, size = rng.randint(0, w), rng.randint(0, h), rng.randint(h // 10, h // 2)
        points = [(x + rng.randint(-size, size), y + rng.randint(-size, size)) for _ in range(3)]
        draw.polygon(points, fill=_rgba(rng, accents, 70, 190))


def _dots(draw, rng, w, h, accents):
    step = rng.randint(w // 28, w // 14)
    phase, colour = rng.random() * 6.3, _rgba(rng, accents, 140, 230)
    for row, y in enumerate(range(step // 2, h, step)):
        for col, x in enumerate(range(step // 2, w, step)):
            # Dot sizes rise and fall across the grid, like a halftone wave.
            r = step * (0.12 + 0.28 * (1 + math.sin(col * 0.45 + row * 0.3 + phase)) / 2)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)


def _waves(draw, rng, w, h, accents):
    for _ in range(rng.randint(4, 8)):
        base, height = rng.randint(0, h), rng.randint(h // 20, h // 5)
        length, phase = rng.randint(w // 3, w), rng.random() * 6.3
        half = rng.randint(h // 120, h // 36)
        centre = [(x, base + height * math.sin(x / length * 6.3 + phase)) for x in range(0, w, 8)]
        # One polygon per wave: a translucent line drawn segment by segment would darken
        # wherever the segments overlap.
        outline = [(x, y - half) for x, y in centre] + [(x, y + half) for x, y in centre[::-1]]
        draw.polygon(outline, fill=_rgba(rng, accents, 120, 220))


# Drawing function -> how the alt text describes what it draws.
STYLES = {
    _circles: "overlapping circles",
    _rings: "concentric rings",
    _bands: "diagonal bands",
    _triangles: "scattered triangles",
    _dots: "a grid of dots",
    _waves: "flowing wave lines",
}


def _gradient(size, start, end, angle):
    """A linear gradient from `start` to `end` running at `angle` degrees."""
    ramp = Image.linear_gradient("L").rotate(angle, Image.Resampling.BICUBIC, expand=True)
    # The centre of the rotated square never includes its empty corners.
    cx, cy = ramp.width // 2, ramp.height // 2
    ramp = ImageOps.autocontrast(ramp.crop((cx - 88, cy - 88, cx + 88, cy + 88)))
    return ImageOps.colorize(ramp.resize(size, Image.Resampling.BICUBIC), start, end)


def _hero_plan(seed):
    rng = random.Random(f"hero-{seed}")
    start, end, accents = rng.choice(PALETTES)
    styles = rng.sample(list(STYLES), rng.choice((1, 2)))
    return rng, start, end, accents, styles


def hero_alt(seed):
    """The alt text of the illustration `render_hero(seed)` draws."""
    _, start, end, accents, styles = _hero_plan(seed)
    shapes = " and ".join(STYLES[style] for style in styles)
    (first, _), (second, _), (third, _) = accents
    return (
        f"Abstract illustration: {shapes} in {first}, {second} and {third} over a gradient "
        f"from {start[0]} to {end[0]}."
    )


def render_hero(seed):
    """A 1600×900 abstract illustration as JPEG bytes."""
    rng, start, end, accents, styles = _hero_plan(seed)
    image = _gradient(HERO_SIZE, start[1], end[1], rng.uniform(0, 360))

    # A few large, soft glows, drawn small and scaled up: blurring is cheap that way.
    glow = Image.new("RGBA", (160, 90), (0, 0, 0, 0))
    glow_draw = ImageDraw.Draw(glow)
    for _ in range(rng.randint(2, 4)):
        x, y, r = rng.randint(0, 160), rng.randint(0, 90), rng.randint(15, 45)
        glow_draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgba(rng, accents, 50, 110))
    glow = glow.filter(ImageFilter.GaussianBlur(12)).resize(HERO_SIZE, Image.Resampling.BICUBIC)
    image = Image.alpha_composite(image.convert("RGBA"), glow).convert("RGB")

    # The smooth background needs no antialiasing: blow it up with NEAREST so that the final
    # box reduction gives back exactly the same pixels, and only the shapes' edges get smoothed.
    w, h = HERO_SIZE[0] * SUPERSAMPLE, HERO_SIZE[1] * SUPERSAMPLE
    image = image.resize((w, h), Image.Resampling.NEAREST)
    draw = ImageDraw.Draw(image, "RGBA")  # "RGBA" mode blends translucent fills
    for style in styles:
        style(draw, rng, w, h, accents)
    return _jpeg(image.reduce(SUPERSAMPLE))


def _mix(colour, other, amount):
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))


def render_portrait(name, colour):
    """A square, portrait-style avatar: the author's initials on a coloured disc."""
    size = PORTRAIT_SIZE[0] * SUPERSAMPLE
    ramp = Image.linear_gradient("L").resize((size, size))
    image = ImageOps.colorize(
        ramp, _mix(colour, (255, 255, 255), 0.75), _mix(colour, (0,) * 3, 0.2)
    )
    draw = ImageDraw.Draw(image)
    centre, radius = size // 2, size * 2 // 5
    draw.ellipse(
        (centre - radius, centre - radius, centre + radius, centre + radius),
        fill=_mix(colour, (0, 0, 0), 0.1),
        outline=(255, 255, 255),
        width=size // 60,
    )
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = ImageFont.load_default(size=size // 3)
    draw.text((centre, centre), initials, font=font, fill=(255, 255, 255), anchor="mm")
    return _jpeg(image.reduce(SUPERSAMPLE))


def _jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, **JPEG_OPTIONS)
    return buffer.getvalue()
