"""The article itself and its metadata for <head>, as HTML: the parts of its page kept
until the site changes.

Rendered again for every article after any change of the site (a publication, an edit), so
its cost is what the first view of each article pays after one. In the template language
that was most of such a render: some hundred lookups, filters and escapes. It is written
here with format_escaped, which escapes every value it is given, as the teasers and the
comment thread are; the whitespace is that of the template it replaced, so the page's HTML
stayed byte for byte the same.
"""

from django.conf import settings
from django.template.defaultfilters import linebreaksbr, urlencode
from django.utils import timezone

from newsroom import sanitize
from newsroom.sanitize import format_escaped

from .teasers import byline_text, local_times, picture_html

DATELINE = "j F Y, H:i e"
HERO_SIZES = "(max-width: 46rem) 100vw, 46rem"


def _times(moment):
    return local_times(moment, DATELINE)


def _isotime(moment):
    return _times(moment)[0]


def article_html(article):
    """The <article>: header, hero, text, corrections and footer with tags and sharing."""
    section = article.section
    published, published_shown = _times(article.published_at)
    markup = [
        '\n<article class="article" aria-labelledby="headline">\n'
        '  <header class="article-header">\n'
        '    <p class="kicker"><a href="{}">{}</a></p>\n'
        '    <h1 id="headline" class="headline">{}</h1>\n'
        '    <p class="standfirst">{}</p>\n'
        '    <div class="article-meta">\n'
        '      <p class="byline-line">{}\n</p>\n'
        '      <p class="dateline">\n'
        "        <span>Published "
    ]
    values = [
        section.get_absolute_url(),
        section.name,
        article.headline,
        article.standfirst,
        byline_text(article.byline_authors, link=True),
    ]
    is_public = article.is_public
    if is_public:
        markup.append('<a href="{}" title="Every story of that day">')
        values.append(article.get_day_archive_url())
    markup.append('<time datetime="{}">{}</time>')
    values += [published, published_shown]
    if is_public:
        markup.append("</a>")
    markup.append("</span>\n        ")
    if article.shows_update:
        markup.append('<span>Updated <time datetime="{}">{}</time></span>')
        values += _times(article.updated_at)
    markup.append("\n        <span>{} min read</span>\n      </p>\n    </div>\n  </header>\n  ")
    values.append(article.reading_time)

    hero = article.hero_picture
    if hero:
        markup.append('\n  <figure class="hero">\n    {}\n    ')
        values.append(picture_html(hero, alt=article.hero_alt, sizes=HERO_SIZES, priority=True))
        if article.hero_caption or article.hero_credit:
            markup.append("\n    <figcaption>{}")
            values.append(article.hero_caption)
            if article.hero_credit:
                markup.append(' <span class="credit">{}</span>')
                values.append(article.hero_credit)
            markup.append("</figcaption>\n    ")
        markup.append("\n  </figure>\n  ")
    markup.append('\n  <div class="article-body">\n    {}\n  </div>\n  ')
    values.append(article.rendered_body)

    notes = article.corrections.all()
    if notes:
        markup.append(
            '\n  <aside class="corrections" aria-labelledby="corrections-heading">\n'
            '    <h2 id="corrections-heading" class="corrections-heading">'
            "Corrections and updates</h2>\n"
            '    <ol class="correction-list">\n      '
        )
        for note in notes:
            markup.append(
                '\n      <li class="correction correction-{}">\n'
                '        <p class="correction-meta"><strong>{}</strong> '
                '<time datetime="{}">{}</time></p>\n'
                '        <p class="correction-text">{}</p>\n'
                "      </li>\n      "
            )
            values += [
                note.kind,
                note.get_kind_display(),
                *_times(note.created_at),
                linebreaksbr(note.text, autoescape=True),
            ]
        markup.append("\n    </ol>\n  </aside>\n  ")
    markup.append('\n  <footer class="article-footer">\n    ')
    if article.source:
        markup.append('<p class="source">Source: {}</p>')
        values.append(article.source)
    markup.append("\n    ")
    tags = article.tags.all()
    if tags:
        markup.append(
            '\n    <div class="tags">\n      <h2 class="visually-hidden">Topics</h2>\n      <ul>'
        )
        for tag in tags:
            markup.append('<li><a href="{}">{}</a></li>')
            values += [tag.get_absolute_url(), tag.name]
        markup.append("</ul>\n    </div>\n    ")
    share_url = settings.SITE_URL + article.get_absolute_url()
    headline, address = urlencode(article.headline), urlencode(share_url)
    markup.append(
        "\n    \n"
        '    <div class="share" data-share-url="{}" data-share-title="{}">\n'
        '      <h2 class="share-heading">Share this story</h2>\n'
        "      <ul>\n"
        '        <li><a href="mailto:?subject={}&amp;body={}">Email</a></li>\n'
        '        <li><a href="https://x.com/intent/post?text={}&amp;url={}"'
        ' rel="noopener noreferrer">X</a></li>\n'
        '        <li><a href="https://www.facebook.com/sharer/sharer.php?u={}"'
        ' rel="noopener noreferrer">Facebook</a></li>\n'
        '        <li><a href="https://www.linkedin.com/sharing/share-offsite/?url={}"'
        ' rel="noopener noreferrer">LinkedIn</a></li>\n'
        "      </ul>\n"
        '      <p class="share-status" role="status"></p>\n'
        "    </div>\n"
        '    <p class="print-only canonical-link">{}</p>\n'
        "  </footer>\n"
        "</article>\n"
    )
    values += [share_url, article.headline, headline, address, headline, address]
    values += [address, address, share_url]
    return format_escaped("".join(markup), *values)


def meta_html(article):
    """The article's <meta> tags for sharing cards and search engines, and its JSON-LD."""
    markup = [
        '\n  <meta name="twitter:title" content="{}">\n'
        '  <meta name="twitter:description" content="{}">\n  '
    ]
    values = [article.headline, article.standfirst]
    picture = article.social_picture
    if picture:
        image = settings.SITE_URL + picture.largest_url
        markup.append(
            '\n  <meta property="og:image" content="{}">\n'
            '  <meta property="og:image:width" content="{}">\n'
            '  <meta property="og:image:height" content="{}">\n'
            '  <meta property="og:image:alt" content="{}">\n'
            '  <meta name="twitter:image" content="{}">\n'
            '  <meta name="twitter:image:alt" content="{}">\n  '
        )
        values += [
            image,
            picture.largest_width,
            picture.largest_height,
            article.hero_alt,
            image,
            article.hero_alt,
        ]
    markup.append('\n  <meta property="article:published_time" content="{}">\n  ')
    values.append(_isotime(article.published_at))
    if article.shows_update:
        markup.append('<meta property="article:modified_time" content="{}">')
        values.append(_isotime(article.updated_at))
    markup.append('\n  <meta property="article:section" content="{}">\n  ')
    values.append(article.section.name)
    for tag in article.tags.all():
        markup.append('<meta property="article:tag" content="{}">\n  ')
        values.append(tag.name)
    markup.append("\n  {}\n")
    values.append(sanitize.json_ld(json_ld(article)))
    return format_escaped("".join(markup), *values)


def json_ld(article):
    """schema.org NewsArticle for search engines."""
    url = settings.SITE_URL + article.get_absolute_url()
    published = timezone.localtime(article.published_at).isoformat()
    modified = (
        timezone.localtime(article.updated_at or article.modified).isoformat()
        if article.shows_update
        else published
    )
    data = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.headline,
        "description": article.standfirst,
        "datePublished": published,
        "dateModified": modified,
        "articleSection": article.section.name,
        "keywords": [tag.name for tag in article.tags.all()],
        "wordCount": article.word_count,
        "author": [
            {
                "@type": "Organization" if author.is_agency else "Person",
                "name": author.name,
                "url": settings.SITE_URL + author.get_absolute_url(),
            }
            for author in article.byline_authors
        ],
        "publisher": {
            "@type": "Organization",
            "name": settings.SITE_NAME,
            "url": settings.SITE_URL + "/",
        },
    }
    if article.social_picture:
        data["image"] = [settings.SITE_URL + article.social_picture.largest_url]
    return data
