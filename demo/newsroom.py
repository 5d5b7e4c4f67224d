"""The demo newsroom, composed from the data files in demo/content/.

Every person, place, company and event there is invented. Stories are assembled from templates
(fixed paragraphs with slots for names, places and numbers), so all the randomness comes from a
`random.Random` the caller seeds: the same seed always yields the same newsroom, which is what
makes `seed_demo` safe to run again.

A story template (one `[[story]]` table in demo/content/stories/<section>.toml) has:
`headlines` and `standfirsts`, paired by position: the n-th use of a template in the demo takes
the n-th of each, so no two demo articles share either; `lead` (paragraphs before the
subheading), `subheads` (one is chosen), `rest` (paragraphs after it), `extras` (optional
paragraphs; each story uses some), `closing`, `caption`, `tags` (the first is the main one),
`source`, an optional `quote` (speaker slot, role, words) and `social` post (account, words).
Texts use str.format slots: {city}, {city2}, {country}, {country2}, {region}, {coast},
{university}, {p1}..{p4} (full names) and {l1}..{l4} (their surnames), and the template's own
`slots`, drawn in the order written: `{ min = A, max = B }` an integer, an array a choice, or
one of the derived slots that `_derived_slot` reads.
"""

import html
import random
import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from django.utils.text import slugify

CONTENT = Path(__file__).resolve().parent / "content"


def _load(name):
    with (CONTENT / name).open("rb") as file:
        return tomllib.load(file)


_NEWSROOM = _load("newsroom.toml")

# --- Sections, tags, authors -----------------------------------------------------------------

# (name, slug, description); the position is the order of the list.
SECTIONS = [
    (section["name"], section["slug"], section["description"]) for section in _NEWSROOM["sections"]
]
TAGS = _NEWSROOM["tags"]


@dataclass(frozen=True)
class DemoAuthor:
    name: str
    job_title: str = ""
    beats: tuple = ()  # section slugs this person usually writes for
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
        **{
            **author,
            "beats": tuple(author["beats"]),
            "colour": tuple(author.get("colour", DemoAuthor.colour)),
        }
    )
    for author in _NEWSROOM["authors"]
]
[AGENCY] = [author.name for author in AUTHORS if author.is_agency]
AGENCY_SLUG = slugify(AGENCY)
SOURCE_WITH_AGENCIES = _NEWSROOM["source_with_agencies"]
HERO_CREDITS = tuple(_NEWSROOM["hero_credits"])
POOLS = _NEWSROOM["pools"]

# --- Story templates -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    """One kind of story; the module docstring describes its fields."""

    key: str
    section: str
    tags: tuple
    headlines: tuple
    standfirsts: tuple
    lead: tuple
    subheads: tuple
    rest: tuple
    extras: tuple
    closing: str
    caption: str
    quote: tuple | None = None  # (speaker slot, role, words)
    social: tuple | None = None  # (account name, words)
    source: str = "Newsroom reporting"
    slots: dict = field(default_factory=dict)


def _template(section, story):
    quote, social = story.get("quote"), story.get("social")
    return Template(
        key=story["key"],
        section=section,
        tags=tuple(story["tags"]),
        headlines=tuple(story["headlines"]),
        standfirsts=tuple(story["standfirsts"]),
        lead=tuple(story["lead"]),
        subheads=tuple(story["subheads"]),
        rest=tuple(story["rest"]),
        extras=tuple(story["extras"]),
        closing=story["closing"],
        caption=story["caption"],
        quote=(quote["speaker"], quote["role"], quote["words"]) if quote else None,
        social=(social["account"], social["words"]) if social else None,
        source=story.get("source", Template.source),
        slots=story.get("slots", {}),
    )


# In the order of the sections, and within each file in the order written.
TEMPLATES = [
    _template(slug, story)
    for _, slug, _ in SECTIONS
    if (CONTENT / "stories" / f"{slug}.toml").exists()
    for story in _load(f"stories/{slug}.toml")["story"]
]

# --- Putting a story together ------------------------------------------------------------------


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


def _derived_slot(spec, rng, fills):
    """A slot computed from those drawn before it."""
    if "club_in" in spec:  # a sports club named after a town: "Ardlow Rovers"
        return f"{fills[spec['club_in']]} {rng.choice(POOLS['club_suffixes'])}"
    if "total" in spec:  # what is left of a total, less up to a few abstentions
        return spec["total"] - fills[spec["less"]] - rng.randint(0, spec["less_up_to"])
    if "after" in spec:  # the next number: stage 12, then stage 13
        return fills[spec["after"]] + 1
    if "text" in spec:
        return spec["text"].format_map(fills)
    raise ValueError(f"Unknown kind of slot: {spec!r}")


def _fills(template, rng):
    cities = rng.sample(POOLS["cities"], 2)
    countries = rng.sample(POOLS["countries"], 2)
    fills = {
        "city": cities[0],
        "city2": cities[1],
        "country": countries[0],
        "country2": countries[1],
        "region": rng.choice(POOLS["regions"]),
        "coast": rng.choice(POOLS["coasts"]),
        "university": rng.choice(POOLS["universities"]),
    }
    people = zip(
        rng.sample(POOLS["first_names"], 4), rng.sample(POOLS["last_names"], 4), strict=True
    )
    for number, (first, last) in enumerate(people, start=1):
        fills[f"p{number}"] = f"{first} {last}"
        fills[f"l{number}"] = last
    for name, spec in template.slots.items():
        if isinstance(spec, list):
            fills[name] = rng.choice(spec)
        elif "min" in spec:
            fills[name] = rng.randint(spec["min"], spec["max"])
        else:
            fills[name] = _derived_slot(spec, rng, fills)
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
    """Write one story from `template`. `variant` picks the headline and the standfirst, so
    repeated uses of a template read differently; `posted` (a date) enables the embedded
    social post, if any."""
    fills = _fills(template, rng)

    def fill(text):
        return text.format_map(fills)

    headline = fill(template.headlines[variant % len(template.headlines)])
    standfirst = fill(template.standfirsts[variant % len(template.standfirsts)])
    # A draw the standfirst once took: spent still, so that every later choice, and with them
    # each story of a newsroom seeded before, stays as it was.
    rng.randrange(2)
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
    status: str  # "published", "review" or "draft"; a future published_at makes it scheduled
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


# --- Corrections and readers' comments ----------------------------------------------------------

_EXTRAS = _load("extras.toml")
# {"slug", "kind", "hours", "text"}: notes the editors added to published demo stories.
CORRECTIONS = _EXTRAS["corrections"]
# {"readers", "openers", "replies", "pending"}; a reader is [name, website].
COMMENTS = _EXTRAS["comments"]
