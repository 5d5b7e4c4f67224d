"""The reader pages' parts that take more than one query, assembled for the views.

The article page's parts are shared by every view that renders it: the article view, the
preview, and any app that shows the page again with something of its own.
"""

import datetime
import json
import operator
from functools import partial, reduce

from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.functions import JSONObject, RowNumber
from django.utils import timezone

from authors.models import Author
from newsroom import pagecache
from newsroom.compiled import CompiledQuery, IdList
from newsroom.media.models import Image

from .article_html import article_html, meta_html
from .models import (
    LISTING_DEFERRED,
    Article,
    Byline,
    Correction,
    Section,
    Tag,
    all_sections,
)
from .teasers import related_html

SECTION_RAIL_SIZE = 4
RELATED_STORIES = 4

# The article page's row: compiled once, run on every render (newsroom/compiled.py).
_PUBLIC_BY_SLUG = CompiledQuery(
    lambda slug, now: with_hero_columns(
        Article.objects.public(at=now)
        .filter(slug=slug)
        .defer("body_text", "search_vector", "rank_vector")
    ),
    slug=str,
    now=datetime.datetime,
)


def public_article(slug):
    """The public article with this slug, or None; its section comes from with_sections()."""
    found = attach_heroes(_PUBLIC_BY_SLUG.raw(slug=slug, now=timezone.now()))
    return found[0] if found else None


# What a reader page needs of a hero to show it (Image.picture): a compiled query maps one
# model, so these come in the story's own row, through the join, and become its Image.
_HERO_COLUMNS = ("is_public", "renditions", "focal_x", "focal_y")


def with_hero_columns(queryset):
    """The queryset with the hero's columns a page needs, read in the same row."""
    return queryset.annotate(
        **{f"hero_column_{name}": F(f"hero__{name}") for name in _HERO_COLUMNS}
    )


def attach_heroes(stories):
    """Give each story of a with_hero_columns() query its hero, without another query."""
    stories = list(stories)
    for story in stories:
        values = {name: story.__dict__.pop(f"hero_column_{name}", None) for name in _HERO_COLUMNS}
        hero = None
        if story.hero_id is not None:
            renditions = values["renditions"]
            if isinstance(renditions, (str, bytes)):
                renditions = json.loads(renditions)
            hero = Image(
                pk=story.hero_id,
                is_public=bool(values["is_public"]),
                renditions=renditions or {},
                focal_x=float(values["focal_x"]),
                focal_y=float(values["focal_y"]),
            )
        Article.hero.field.set_cached_value(story, hero)
    return stories


def with_sections(stories, request=None):
    """Give each story its section from the kept list of sections (no query, no join)."""
    sections = {section.pk: section for section in all_sections(request)}
    for story in stories:
        section = sections.get(story.section_id)
        if section is not None:
            story.section = section
    return stories


def front_page_stories(request=None, *, top_size, latest_size):
    """The front page's lead, top stories, latest and section rails, in two queries.

    One query reads every story any part may show (the newest featured, the newest, and
    the newest of each section, enough of them to fill a rail once the top stories are left
    out), compiled once per process; their sections come from the kept list, and their
    bylines come in the same rows on PostgreSQL (with_byline_json), from a second compiled
    query elsewhere. The parts are picked from that list in Python, in the same order as one
    query per part would give them.
    """
    sections = all_sections(request)
    key = (top_size, latest_size, bool(sections))
    queries = _FRONT_PAGE_STORIES.get(key)
    if queries is None:
        sizes = {"top_size": top_size, "latest_size": latest_size, "rails": bool(sections)}
        queries = _FRONT_PAGE_STORIES[key] = (
            CompiledQuery(partial(_front_page_candidates, **sizes), now=datetime.datetime),
            CompiledQuery(partial(_front_page_bylines, **sizes), now=datetime.datetime),
        )
    now = timezone.now()
    stories = with_sections(attach_heroes(queries[0].raw(now=now)), request)
    attach_teaser_bylines(stories, queries[1], now=now)
    featured = [story for story in stories if story.is_featured][:top_size]
    chosen = {story.pk for story in featured}
    lead_and_rest = featured + [story for story in stories if story.pk not in chosen]
    top = lead_and_rest[:top_size]
    shown = {story.pk for story in top}
    by_section = {}
    for story in stories:
        if story.pk not in shown:
            by_section.setdefault(story.section_id, []).append(story)
    return {
        "lead": top[0] if top else None,
        "top_stories": top[1:],
        "latest": lead_and_rest[top_size : top_size + latest_size],
        "rails": [
            (section, by_section[section.pk][:SECTION_RAIL_SIZE])
            for section in sections
            if section.pk in by_section
        ],
    }


# Compiled once per process for each size of the page (newsroom/compiled.py).
_FRONT_PAGE_STORIES = {}


def _front_page_pool(now, *, top_size, latest_size, rails):
    """Every story a part of the front page may show."""
    public = Article.objects.public(at=now)
    newest = public.newest_first().values("pk")
    parts = [newest.filter(is_featured=True)[:top_size], newest[: top_size + latest_size]]
    if rails:
        parts.append(_newest_of_each_section(public, SECTION_RAIL_SIZE + top_size))
    return Article.objects.filter(pk_in_any(parts))


def _front_page_candidates(now, **sizes):
    """Every story a part of the front page may show, newest first (one query)."""
    pool = _front_page_pool(now, **sizes)
    return with_byline_json(with_hero_columns(pool.newest_first().defer(*LISTING_DEFERRED)))


def _front_page_bylines(now, **sizes):
    return byline_authors(bylines__article__in=_front_page_pool(now, **sizes).values("pk"))


def pk_in_any(subqueries):
    """The rows whose id one of the subqueries (each a sliced list of ids) gives."""
    if connection.vendor != "postgresql":
        return reduce(operator.or_, (Q(pk__in=subquery) for subquery in subqueries))
    # id = ANY(ARRAY(...) || ARRAY(...)): one index lookup per id. An OR of IN conditions
    # made PostgreSQL read the whole table (150 ms at 100,000 articles).
    ids = reduce(
        lambda left, right: Func(left, right, function="array_cat"),
        (ArraySubquery(subquery) for subquery in subqueries),
    )
    return _EqualsAny(F("pk"), ids)


class _EqualsAny(Func):
    """value = ANY(array), a condition for filter()."""

    arity = 2
    arg_joiner = " = ANY("
    template = "%(expressions)s)"
    output_field = BooleanField()


def _newest_of_each_section(public, size):
    """The ids of the `size` newest public stories of each section, as a subquery."""
    newest = public.newest_first().values("pk")
    if connection.vendor == "postgresql":
        # One small index scan per section, written once whatever the number of sections:
        # SELECT unnest(ARRAY(SELECT id ... WHERE section_id = s.id ... LIMIT n)) FROM section.
        per_section = ArraySubquery(newest.filter(section=OuterRef("pk"))[:size])
        return Section.objects.annotate(
            story=Func(per_section, function="unnest", output_field=BigIntegerField())
        ).values("story")
    # Elsewhere, number each section's stories.
    return (
        public.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=(F("published_at").desc(), F("pk").desc()),
            )
        )
        .filter(rank__lte=size)
        .values("pk")
    )


def article_page_context(article, request=None, *, keep=True):
    """What the article template needs besides the request (other apps re-render the page).

    `keep=False` renders every part afresh and keeps nothing (previews of unpublished work).
    """
    parts = article_parts(article, request=request, keep=keep)
    pagecache.tag_response(request, *parts.get("keys", ()))
    return {
        "article": article,
        "article_parts": parts,
        "related_html": parts["related"],
        "current_section": article.section.slug,
    }


def article_parts(article, request=None, *, keep=True):
    """The article itself, its metadata for <head> and its "Related stories" rail, rendered
    once per change of the site and kept together (one read and one write of the cache).

    Its headline, body, bylines, tags and corrections change only with the site's version
    (any save of an article, author, tag or correction moves it), never with its comments;
    so do which stories are related and how they look. A page rendered again for a new
    comment reuses them and asks the database for the article's row and its thread alone.
    """

    def render_parts():
        attach_relations(article)
        parts = {"meta": meta_html(article), "article": article_html(article)}
        stories = related_stories(article, request=request)
        parts["related"] = related_html(stories) if stories else ""
        # What the page shows, for the front caches' purges by key.
        parts["keys"] = [
            pagecache.keys.article(article.pk),
            pagecache.keys.section(article.section_id),
            *(pagecache.keys.author(byline.author_id) for byline in article.bylines.all()),
            *(pagecache.keys.tag(tag.pk) for tag in article.tags.all()),
        ]
        return parts

    if not keep:
        return render_parts()
    return pagecache.remember(f"article-parts:{article.pk}", render_parts, request=request)


# An article's own related rows, read again after every change of the site: compiled once
# (newsroom/compiled.py), each in the order its prefetch would give.
_BYLINE_AUTHORS = CompiledQuery(
    lambda article_pk: byline_authors(bylines__article=article_pk), article_pk=int
)
_TAGS = CompiledQuery(lambda article_pk: Tag.objects.filter(articles=article_pk), article_pk=int)
_CORRECTIONS = CompiledQuery(
    lambda article_pk: Correction.objects.filter(article=article_pk), article_pk=int
)


# What an article's page shows of its relations, as JSON objects (_RELATIONS): every concrete
# field, since other apps render the page again and may read any.
def _fields_json(model, prefix=""):
    return JSONObject(
        **{field.attname: f"{prefix}{field.name}" for field in model._meta.concrete_fields}
    )


def _article_relations(article_pk):
    """On PostgreSQL, the article's bylines with their authors, its tags and its corrections
    in one row: three arrays of JSON objects, each in the order its own query would give."""
    bylines = Byline.objects.filter(article=article_pk).order_by("position", "pk")
    return (
        Article.objects.filter(pk=article_pk)
        .annotate(
            byline_json=ArraySubquery(
                bylines.values(
                    json=JSONObject(
                        pk="pk", position="position", author=_fields_json(Author, "author__")
                    )
                )
            ),
            tag_json=ArraySubquery(
                Tag.objects.filter(articles=article_pk)
                .order_by(*Tag._meta.ordering)
                .values(json=_fields_json(Tag))
            ),
            correction_json=ArraySubquery(
                Correction.objects.filter(article=article_pk)
                .order_by(*Correction._meta.ordering)
                .values(json=_fields_json(Correction))
            ),
        )
        .values_list("byline_json", "tag_json", "correction_json")
    )


_RELATIONS = CompiledQuery(_article_relations, vendor="postgresql", article_pk=int)


def attach_relations(article):
    """The article's bylines with their authors, its tags and its corrections.

    What prefetch_related_objects() gives, for a fraction of its CPU: building and compiling
    the three prefetches cost more than the database takes to answer them. On PostgreSQL
    they come in one row (_RELATIONS), elsewhere in three compiled queries. A relation
    already prefetched (a preview of unsaved bylines or tags) is left as it is.
    """
    known = getattr(article, "_prefetched_objects_cache", {})
    if connection.vendor == "postgresql" and not known:
        rows = _RELATIONS.rows(article_pk=article.pk)
        bylines, tags, corrections = rows[0] if rows else ((), (), ())
        authors = []
        for byline in map(_loaded, bylines):
            author = _from_json(Author, byline["author"])
            author.__dict__.update(
                byline_pk=byline["pk"],
                byline_article=article.pk,
                byline_position=byline["position"],
            )
            authors.append(author)
        attach_bylines([article], authors)
        _set_prefetched(article, "tags", [_from_json(Tag, fields) for fields in tags])
        corrections = [_from_json(Correction, fields) for fields in corrections]
    else:
        if "bylines" not in known:
            attach_bylines([article], _BYLINE_AUTHORS.raw(article_pk=article.pk))
        if "tags" not in known:
            _set_prefetched(article, "tags", _TAGS.raw(article_pk=article.pk))
        if "corrections" in known:
            return
        corrections = list(_CORRECTIONS.raw(article_pk=article.pk))
    for correction in corrections:
        Correction.article.field.set_cached_value(correction, article)
    _set_prefetched(article, "corrections", corrections)


def _loaded(value):
    """A JSON object of an array, which the driver may give as its text."""
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _from_json(model, fields):
    """An instance of `model` from a _fields_json() object, as if read from its table."""
    fields = _loaded(fields)
    concrete = model._meta.concrete_fields
    values = [
        None if fields[field.attname] is None else field.to_python(fields[field.attname])
        for field in concrete
    ]
    return model.from_db(None, [field.attname for field in concrete], values)


def byline_authors(**articles):
    """The authors of some articles' bylines (a filter on `bylines__article`), each marked
    with its byline, in byline order: what prefetch_bylines() reads, as one compilable query."""
    return (
        Author.objects.filter(**articles)
        .annotate(
            byline_pk=F("bylines__pk"),
            byline_article=F("bylines__article"),
            byline_position=F("bylines__position"),
        )
        .order_by("bylines__position", "bylines__pk")
    )


def attach_bylines(stories, authors):
    """Give each story its bylines from byline_authors() rows, as prefetch_bylines() would."""
    by_pk = {story.pk: story for story in stories}
    bylines = {pk: [] for pk in by_pk}
    for author in authors:
        values = author.__dict__
        story = by_pk.get(values.pop("byline_article"))
        byline = Byline(
            pk=values.pop("byline_pk"), author=author, position=values.pop("byline_position")
        )
        if story is not None:
            byline.article = story
            bylines[story.pk].append(byline)
    for story in stories:
        _set_prefetched(story, "bylines", bylines[story.pk])


def with_byline_json(queryset):
    """On PostgreSQL, each story's bylines in its own row, as an array of JSON objects.

    A teaser shows its authors' names, so a listing need not read whole authors in a second
    query: the related stories' query and the front page's carry them (attach_byline_json).
    Elsewhere the queryset is left as it is, and the callers read byline_authors().
    """
    if connection.vendor != "postgresql":
        return queryset
    bylines = Byline.objects.filter(article=OuterRef("pk")).order_by("position", "pk")
    return queryset.annotate(
        byline_json=ArraySubquery(
            bylines.values(
                json=JSONObject(
                    pk="pk", position="position", author="author_id", name="author__name",
                    slug="author__slug",
                )
            )
        )
    )  # fmt: skip


def attach_byline_json(stories):
    """Give each story of a with_byline_json() query its bylines, without another query.

    Their authors carry what a teaser shows of them: the id, the name and the slug.
    """
    for story in stories:
        bylines = []
        for value in story.__dict__.pop("byline_json", None) or ():
            fields = json.loads(value) if isinstance(value, (str, bytes)) else value
            author = Author(pk=fields["author"], name=fields["name"], slug=fields["slug"])
            byline = Byline(pk=fields["pk"], author=author, position=fields["position"])
            byline.article = story
            bylines.append(byline)
        _set_prefetched(story, "bylines", bylines)
    return stories


def attach_teaser_bylines(stories, bylines_query, **values):
    """Give the stories of a with_byline_json() query their bylines: from their own rows on
    PostgreSQL, from `bylines_query` (compiled byline_authors() of the same stories, run
    with `values`) elsewhere."""
    if connection.vendor == "postgresql":
        attach_byline_json(stories)
    elif stories:
        attach_bylines(stories, bylines_query.raw(**values))


def _set_prefetched(instance, name, objects):
    """instance.<name>.all() is these objects from now on, as after a prefetch."""
    queryset = getattr(instance, name).get_queryset()
    queryset._result_cache = list(objects)
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[name] = queryset


def _related_pool(article_pk, section_id, now):
    """The related stories' candidates of the three kinds, as many of each as the rail holds."""
    size = RELATED_STORIES
    public = Article.objects.public(at=now)
    others = public.exclude(pk=article_pk)
    picks = Article.related_articles.through.objects.filter(from_article=article_pk)
    tag_ids = Article.tags.through.objects.filter(article=article_pk).values("tag")
    # A semi-join rather than DISTINCT: the database walks the date index and stops early.
    tagged_ids = Article.tags.through.objects.filter(tag__in=tag_ids).values("article")
    return Article.objects.filter(
        pk_in_any(
            [
                public.filter(pk__in=picks.values("to_article")).newest_first().values("pk")[:size],
                others.filter(pk__in=tagged_ids).newest_first().values("pk")[:size],
                others.filter(section_id=section_id).newest_first().values("pk")[:size],
            ]
        )
    )


def _related_candidates(article_pk, section_id, now):
    """The rail's stories, in its order: editors' picks, then the newest sharing a tag, then
    the newest of the section, each once (one query over the three kinds' candidates)."""
    picks = Article.related_articles.through.objects.filter(from_article=article_pk)
    tag_ids = Article.tags.through.objects.filter(article=article_pk).values("tag")
    candidates = (
        _related_pool(article_pk, section_id, now)
        .annotate(
            is_pick=Exists(picks.filter(to_article=OuterRef("pk"))),
            shares_tag=Exists(
                Article.tags.through.objects.filter(article=OuterRef("pk"), tag__in=tag_ids)
            ),
            # Every candidate is one of the three kinds: the pool holds no other.
            kind=Case(
                When(is_pick=True, then=Value(0)),
                When(shares_tag=True, then=Value(1)),
                default=Value(2),
            ),
        )
        .order_by("kind", "-published_at", "-pk")
        .defer(*LISTING_DEFERRED)
    )[:RELATED_STORIES]
    return with_byline_json(with_hero_columns(candidates))


# Compiled once: rendered again for every article after any change of the site.
_RELATED_CANDIDATES = CompiledQuery(
    _related_candidates, article_pk=int, section_id=int, now=datetime.datetime
)
_RELATED_BYLINES = CompiledQuery(
    lambda article_pk, section_id, now: byline_authors(
        bylines__article__in=_related_pool(article_pk, section_id, now).values("pk")
    ),
    article_pk=int,
    section_id=int,
    now=datetime.datetime,
)


def related_stories(article, request=None):
    """Editors' picks first, then the newest stories sharing a tag, then from the section.

    One query reads the rail's stories: the candidates of the three kinds (as many of each
    as the rail holds) ranked by kind, then newest first. Their sections come from the kept
    list, and their bylines come in the same rows on PostgreSQL (with_byline_json), from a
    second compiled query elsewhere.
    """
    values = {"article_pk": article.pk, "section_id": article.section_id, "now": timezone.now()}
    stories = with_sections(attach_heroes(_RELATED_CANDIDATES.raw(**values)), request)
    attach_teaser_bylines(stories, _RELATED_BYLINES, **values)
    return stories


SCHEDULED_MOMENTS = ("published_at", "expires_at", "comments_close_at")


def _first_future_moments(now):
    """The published stories holding the first moment after `now` of each kind (one query)."""
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    firsts = [
        published.filter(**{f"{field}__gt": now}).order_by(field).values("pk")[:1]
        for field in SCHEDULED_MOMENTS
    ]
    return Article.objects.filter(pk_in_any(firsts)).only(*SCHEDULED_MOMENTS)


# Asked after every change of the site: compiled once (newsroom/compiled.py).
_FIRST_FUTURE_MOMENTS = CompiledQuery(_first_future_moments, now=datetime.datetime)


def next_public_change(now=None):
    """When readers next see a change that nobody makes.

    A scheduled article's time, an expiry, or an article's comments closing at a set time
    (closing after the discussion settings' number of days is left to the page cache's
    lifetime: the comment form refuses late posts whatever a page shows). The first moment
    of each kind is found by its own index lookup, the three in one query.
    """
    now = now or timezone.now()
    moments = (
        getattr(story, field)
        for story in _FIRST_FUTURE_MOMENTS.raw(now=now)
        for field in SCHEDULED_MOMENTS
    )
    return min((moment for moment in moments if moment is not None and moment > now), default=None)


def _search_rows(ids, text):
    """A page of search results: what their teasers show, and their snippets."""
    page = Article.objects.filter(pk__in=IdList(ids))
    return with_byline_json(with_hero_columns(page.defer(*LISTING_DEFERRED).with_snippets(text)))


# The same SQL for every search (the ids are one array), compiled once and prepared.
_SEARCH_ROWS = CompiledQuery(_search_rows, vendor="postgresql", ids=list, text=str)


def search_results(ids, text, request=None):
    """The articles of these ids (a page of ranked results), in that order, as their
    teasers show them, with a snippet of their text around the words searched for.

    On PostgreSQL one compiled query reads them with their heroes, bylines and snippets;
    their sections come from the kept list. Elsewhere the listing's queries do.
    """
    if connection.vendor == "postgresql":
        rows = attach_byline_json(attach_heroes(_SEARCH_ROWS.raw(ids=list(ids), text=text)))
        with_sections(rows, request)
    else:
        rows = Article.objects.filter(pk__in=ids).for_listing().with_snippets(text)
    by_id = {article.pk: article for article in rows}
    return [by_id[pk] for pk in ids if pk in by_id]
