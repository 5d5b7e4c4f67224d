"""A story's teaser, as HTML: the front page, the listings, search and the related rail.

A front page shows some thirty teasers and a listing twenty, each rendered again after every
change of the site. With the template language each cost some fifty variable lookups,
filters and escapes and three nested includes, which made the teasers most of the time of a
page rendered after a change. The markup is small and fixed, so it is written here with
format_escaped, which escapes every value it is given (as newsroom.sanitize says), and
the templates call it through the `teaser` tag of the articles library (and a picture
elsewhere through the `picture` tag). The whitespace is that of the template it replaced,
so the pages' HTML stayed byte for byte the same. The "Related stories" rail under an
article, a heading and a few teasers, is written here the same way.
"""

import functools

from django.utils import dateformat, timezone, translation

from newsroom.sanitize import format_escaped

# The `sizes` attribute of a teaser's picture, by teaser size: the width the layout gives
# the picture (static/css/site.css).
SIZES = {
    "lead": "(max-width: 62rem) 100vw, 50rem",
    "top": "(max-width: 40rem) 6rem, (max-width: 62rem) 50vw, 25rem",
    "row": "(max-width: 40rem) 6.5rem, 12rem",
    "card": "(max-width: 40rem) 6rem, (max-width: 62rem) 50vw, 18rem",
}


def local_times(moment, shown_format):
    """(machine-readable, shown) of a moment in the site's zone, to the second for
    <time datetime> and in `shown_format` (a date filter format) for readers; empty
    without a moment."""
    if moment is None:
        return "", ""
    local = timezone.localtime(moment)
    return _formatted(local, local.tzinfo, shown_format, translation.get_language())


@functools.lru_cache(maxsize=4096)
def _formatted(local, zone, shown_format, language):
    """local_times() of a local moment, in a zone (an aware moment equals the same instant in
    any zone) and a language (the names of months and days).

    dateformat.format() costs some 30 µs, and every render after a change of the site shows
    again the moments it showed before: the teasers' days, the articles' datelines.
    """
    return local.replace(microsecond=0).isoformat(), dateformat.format(local, shown_format)


def picture_html(
    picture, *, sizes, alt="", class_name="", small_square=None, lazy=False, priority=False
):
    """A <picture> of a picture's renditions (newsroom.images.Picture): WebP sources, then
    an <img> in the fallback format.

    `small_square`, a square picture for narrow screens, comes first where a listing shows
    a small square thumbnail on a phone. Templates call it as the `picture` tag.
    """
    markup, values = ["<picture>"], []
    if small_square is not None:
        for mime_type, srcset in small_square.sources:
            markup.append('<source media="(max-width: 40rem)" type="{}" srcset="{}" sizes="6rem">')
            values += [mime_type, srcset]
        markup.append('<source media="(max-width: 40rem)" srcset="{}" sizes="6rem">')
        values.append(small_square.srcset)
    for mime_type, srcset in picture.sources:
        markup.append('<source type="{}" srcset="{}" sizes="{}">')
        values += [mime_type, srcset, sizes]
    markup.append('<img src="{}" srcset="{}" sizes="{}" alt="{}" width="{}" height="{}"')
    values += [picture.src, picture.srcset, sizes, alt, picture.width, picture.height]
    if class_name:
        markup.append(' class="{}"')
        values.append(class_name)
    if priority:
        markup.append(' fetchpriority="high"')
    if lazy:
        markup.append(' loading="lazy" decoding="async"')
    markup.append("></picture>\n")
    return format_escaped("".join(markup), *values)


def _picture(article, size, rail):
    """The teaser's picture, as each size of teaser shows it."""
    picture = article.teaser_picture
    if size == "lead":
        return picture_html(picture, sizes=SIZES["lead"], priority=True)
    if size == "top":
        return picture_html(picture, sizes=SIZES["top"], small_square=article.square_picture)
    if size == "row":
        return picture_html(picture, sizes=SIZES["row"], lazy=True)
    if rail:
        return picture_html(
            picture, sizes=SIZES["card"], small_square=article.square_picture, lazy=True
        )
    return picture_html(picture, sizes=SIZES["card"], lazy=True)


def byline_text(authors, *, link=False):
    """ "By A, B and C", as a teaser shows it, or with each name a link to the author's page
    (an article's own byline); empty without authors."""
    if not authors:
        return ""
    if link:
        names = [
            format_escaped('<a href="{}">{}</a>', author.get_absolute_url(), author.name)
            for author in authors
        ]
    else:
        names = [author.name for author in authors]
    joined = "{}" if len(names) == 1 else ", ".join(["{}"] * (len(names) - 1)) + " and {}"
    return format_escaped(f'<span class="byline">By {joined}</span>', *names)


def teaser_html(
    article,
    *,
    size="",
    level=3,
    show_section=False,
    no_standfirst=False,
    rail=False,
    snippet=None,
):
    """A story's <article class="teaser">.

    `size` is the layout ("lead", "top", "row", "card"); `level` the heading's; `rail` a
    card in a front-page rail, which shows a square thumbnail on phones; `snippet` replaces
    the standfirst (search results, highlighted and already safe).
    """
    url = article.get_absolute_url()
    markup = ['<article class="teaser{}">\n  ']
    values = [f" teaser-{size}" if size else ""]
    if article.teaser_picture:
        markup.append(
            '\n  <a class="teaser-image" href="{}" tabindex="-1" aria-hidden="true">\n'
            "    {}\n    \n  </a>\n  "
        )
        values += [url, _picture(article, size, rail)]
    markup.append('\n  <div class="teaser-text">\n    ')
    if show_section:
        section = article.section
        markup.append('<p class="kicker"><a href="{}">{}</a></p>')
        values += [section.get_absolute_url(), section.name]
    markup.append('\n    <h{} class="teaser-headline"><a href="{}">{}</a></h{}>\n    ')
    values += [level, url, article.headline, level]
    if not no_standfirst:
        if snippet:
            markup.append('<p class="teaser-standfirst teaser-snippet">{}</p>')
            values.append(snippet)
        else:
            markup.append('<p class="teaser-standfirst">{}</p>')
            values.append(article.standfirst)
    machine, shown = local_times(article.published_at, "j M Y")
    markup.append(
        '\n    <p class="teaser-meta">{}\n<time datetime="{}">{}</time></p>\n  </div>\n</article>\n'
    )
    values += [byline_text(article.byline_authors), machine, shown]
    return format_escaped("".join(markup), *values)


def related_html(stories):
    """The "Related stories" rail under an article: cards with their sections."""
    cards = [
        teaser_html(story, size="card", level=3, no_standfirst=True, show_section=True)
        for story in stories
    ]
    return format_escaped(
        '\n<section class="related" aria-labelledby="related-heading">\n'
        '  <h2 id="related-heading" class="rail-heading">Related stories</h2>\n'
        '  <div class="rail-grid">\n    '
        + "\n      {}\n    " * len(cards)
        + "\n  </div>\n</section>\n",
        *cards,
    )
