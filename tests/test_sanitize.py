import json
import re

import pytest
from django.utils.safestring import SafeString

from newsroom.sanitize import (
    clean_article_html,
    highlight,
    json_ld,
    render_comment_text,
    sanitized,
)
from tests.markup import Markup

FORBIDDEN_TAGS = {
    "script", "iframe", "object", "embed", "style", "form", "input", "button", "textarea",
    "select", "svg", "math", "base", "meta", "link", "template", "noscript", "frame",
    "frameset", "applet", "xmp", "title",
}  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "cite", "action", "formaction", "srcset", "background", "poster"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")
# A tag that still carries an event handler, whatever the spacing or quoting.
EVENT_HANDLER = re.compile(r"<[^>]*[\s/\"']on\w+\s*=", re.IGNORECASE)


def assert_harmless(html):
    assert "<script" not in html.lower()
    assert not EVENT_HANDLER.search(html), html
    markup = Markup(html)
    assert not markup.tags() & FORBIDDEN_TAGS, html
    for tag, attributes in markup.elements:
        for name, value in attributes.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "srcset", "class"} or tag in {"blockquote", "figure"}
            # What a browser sees once entities are decoded and blanks dropped.
            squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
            if name in URL_ATTRIBUTES:
                assert not squeezed.startswith(DANGEROUS_SCHEMES), (tag, name, value)
            assert "javascript:" not in squeezed, (tag, name, value)


XSS_VECTORS = [
    ("script-tag", "<p>Hi</p><script>alert(1)</script>"),
    ("script-uppercase", "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>"),
    ("script-nested-split", "<scr<script>ipt>alert(1)</scr</script>ipt>"),
    ("img-onerror", "<img src=x onerror=alert(1)>"),
    ("img-onerror-media-src", '<img src="/media/x.png" onerror="alert(1)">'),
    ("svg-onload", "<svg onload=alert(1)>"),
    ("svg-slash-onload", "<svg/onload=alert(1)>"),
    ("href-javascript", '<a href="javascript:alert(1)">x</a>'),
    ("href-javascript-mixed-case", '<a href="JaVaScRiPt:alert(1)">x</a>'),
    ("href-javascript-colon-entity", '<a href="javascript&colon;alert(1)">x</a>'),
    ("href-javascript-decimal-entities", '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>'),  # noqa: E501
    ("href-javascript-tab-entity", '<a href="jav&#x09;ascript:alert(1)">x</a>'),
    ("href-javascript-newline", '<a href="java\nscript:alert(1)">x</a>'),
    ("href-javascript-leading-space", '<a href="  javascript:alert(1)">x</a>'),
    ("href-data-html", '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>'),
    ("href-vbscript", '<a href="vbscript:msgbox(1)">x</a>'),
    ("img-src-javascript", '<img src="javascript:alert(1)">'),
    ("img-src-data-svg", '<img src="data:image/svg+xml,&lt;svg onload=alert(1)&gt;">'),
    ("iframe", '<iframe src="https://evil.example/"></iframe>'),
    ("iframe-srcdoc", '<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>'),
    ("object", '<object data="javascript:alert(1)"></object>'),
    ("embed", '<embed src="https://evil.example/x.swf">'),
    ("style-tag", "<style>body{background:url(javascript:alert(1))}</style><p>x</p>"),
    ("style-attribute", '<p style="background:url(javascript:alert(1))">x</p>'),
    ("event-handler-on-p", '<p onclick="alert(1)">x</p>'),
    ("event-handler-on-a", '<a href="https://example.com/" onmouseover="alert(1)">x</a>'),
    ("event-handler-on-blockquote", '<blockquote onfocus="alert(1)" tabindex="0">x</blockquote>'),
    ("form", '<form action="javascript:alert(1)"><button>Go</button></form>'),
    ("input-autofocus", "<input autofocus onfocus=alert(1)>"),
    ("button-formaction", '<button formaction="javascript:alert(1)">x</button>'),
    ("math-namespace", "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"),
    ("math-href", '<math href="javascript:alert(1)"><mi>x</mi></math>'),
    ("svg-style-namespace", "<svg><style><img src=x onerror=alert(1)></style></svg>"),
    ("svg-a-xlink", '<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>'),
    ("base-href", '<base href="javascript:alert(1)//">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    ("link-stylesheet", '<link rel="stylesheet" href="https://evil.example/x.css">'),
    ("comment", "<!--<img src=x onerror=alert(1)>-->"),
    ("comment-breakout", "<!--><img src=x onerror=alert(1)>-->"),
    ("conditional-comment", "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->"),
    ("cdata", "<![CDATA[<script>alert(1)</script>]]>"),
    ("noscript-title-breakout", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">'),
    ("template", "<template><img src=x onerror=alert(1)></template>"),
    ("xmp", "<xmp><img src=x onerror=alert(1)></xmp>"),
    ("unclosed-script", "<p>hello <script"),
    ("unclosed-img", "<img src=x onerror=alert(1) "),
    ("unclosed-attribute", '<a href="javascript:alert(1)'),
    ("third-party-image", '<img src="https://other.example/x.png">'),
    ("protocol-relative-image", '<img src="//evil.example/x">'),
    ("backslash-image", '<img src="/\\evil.example/x.png">'),
    ("media-prefix-then-host", '<img src="/media//evil.example/x.png">'),
    ("srcset", '<img src="/media/a.png" srcset="https://evil.example/x.png 2x">'),
    ("class-not-allowed", '<p class="evil">x</p><blockquote class="evil">q</blockquote>'),
    ("blockquote-cite-javascript", '<blockquote cite="javascript:alert(1)">x</blockquote>'),
    ("blockquote-cite-data", '<blockquote cite="data:text/html,x">x</blockquote>'),
    ("null-byte-in-tag", "<scr\x00ipt>alert(1)</script>"),
    ("data-image-breakout", '<img data-image="1&quot; onerror=&quot;alert(1)">'),
    ("data-image-unquoted-handler", "<img data-image=1 onerror=alert(1)>"),
]  # fmt: skip


@pytest.mark.parametrize("vector", [v for _, v in XSS_VECTORS], ids=[i for i, _ in XSS_VECTORS])
def test_article_policy_neutralises_hostile_markup(vector):
    assert_harmless(clean_article_html(vector))


@pytest.mark.parametrize(
    ("vector", "dropped"),
    [
        ('<img src="https://other.example/x.png">', "other.example"),
        ('<img src="//evil.example/x">', "evil.example"),
        ('<img src="/\\evil.example/x.png">', "evil.example"),
        ('<img src="/media//evil.example/x.png">', "evil.example"),
        ('<img src="/media/a.png" srcset="https://evil.example/x.png 2x">', "evil.example"),
        ('<p class="evil">x</p>', "evil"),
        ('<blockquote cite="javascript:alert(1)">x</blockquote>', "alert"),
        ("<iframe src=x></iframe>Kept text", "iframe"),
        # A library picture's reference is a number, on an <img>, and nothing else.
        ('<img data-image="12abc" alt="">', "data-image"),
        ('<img data-image="-3" alt="">', "data-image"),
        ('<img data-image="0" alt="">', "data-image"),
        ('<p data-image="12">x</p>', "data-image"),
        ('<img data-other="12" alt="">', "data-other"),
    ],
)
def test_article_policy_drops_what_it_does_not_allow(vector, dropped):
    """Third-party images, srcset, unknown classes and unsafe quotes leave nothing behind."""
    assert dropped not in clean_article_html(vector)


ALLOWED_MARKUP = [
    ("paragraph", "<p>The council voted.</p>", "<p>The council voted.</p>"),
    (
        "library-picture",
        '<img data-image="12" alt="The quay" width="300" height="200">',
        '<img data-image="12" alt="The quay" width="300" height="200">',
    ),
    ("subheadings", "<h2>Two</h2><h3>Three</h3><h4>Four</h4>", None),
    (
        "blockquote-cite-and-classes",
        '<blockquote class="pull-quote" cite="https://example.com/speech">We will build.'
        "</blockquote>",
        None,
    ),
    (
        "social-post",
        '<blockquote class="social-post"><p>Posted at noon.</p></blockquote>',
        None,
    ),
    ("both-quote-classes", '<blockquote class="pull-quote social-post">Q</blockquote>', None),
    ("unordered-list", "<ul><li>One</li><li>Two</li></ul>", None),
    ("ordered-list-start", '<ol start="3"><li>Three</li></ol>', None),
    (
        "link-gets-noopener",
        '<a href="https://example.com/report">the report</a>',
        '<a href="https://example.com/report" rel="noopener">the report</a>',
    ),
    (
        "link-rel-and-target-replaced",
        '<a href="https://example.com/" rel="nofollow" target="_blank" title="T">x</a>',
        '<a href="https://example.com/" title="T" rel="noopener">x</a>',
    ),
    (
        "relative-link",
        '<a href="/news/2026/03/05/story/">x</a>',
        '<a href="/news/2026/03/05/story/" rel="noopener">x</a>',
    ),
    (
        "mailto-link",
        '<a href="mailto:desk@example.com">x</a>',
        '<a href="mailto:desk@example.com" rel="noopener">x</a>',
    ),
    ("emphasis", "<p><strong>Bold</strong>, <em>em</em>, <b>b</b>, <i>i</i>.</p>", None),
    ("cite", "<p><cite>The Times</cite></p>", None),
    (
        "figure-with-media-image",
        '<figure class="inline-figure"><img src="/media/articles/2026/03/a.jpg" alt="A crane"'
        ' width="640" height="360"><figcaption>Cranes.</figcaption></figure>',
        None,
    ),
    ("media-image", '<img src="/media/a.png" alt="A">', None),
    ("rule-and-break", "<p>One<br>two</p><hr>", None),
    ("entities", "<p>Fish &amp; chips &lt;3</p>", None),
    ("unicode", "<p>Zürich — 東京 — مرحبا — 🎉</p>", None),
]


@pytest.mark.parametrize(
    ("html", "expected"),
    [(html, expected) for _, html, expected in ALLOWED_MARKUP],
    ids=[name for name, _, _ in ALLOWED_MARKUP],
)
def test_article_policy_keeps_editorial_markup(html, expected):
    assert clean_article_html(html) == (expected if expected is not None else html)


@pytest.mark.parametrize(
    "html",
    [html for _, html, _ in ALLOWED_MARKUP] + [html for _, html in XSS_VECTORS],
    ids=[name for name, _, _ in ALLOWED_MARKUP] + [name for name, _ in XSS_VECTORS],
)
def test_article_policy_is_stable_when_applied_again(html):
    """Bodies are cleaned on every save: a second pass changes nothing."""
    once = clean_article_html(html)
    assert clean_article_html(once) == once


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<img src="/media/a.png" width="100%" height="9e9">', '<img src="/media/a.png">'),
        ('<ol start="-1"><li>x</li></ol>', "<ol><li>x</li></ol>"),
        ('<img src="/MEDIA/a.png">', "<img>"),
        ('<img src="/static/a.png">', "<img>"),
        ('<a href="https://example.com/" id="x" data-track="1">x</a>',
         '<a href="https://example.com/" rel="noopener">x</a>'),
        ("<h1>Big</h1><h5>Small</h5><div><span>Text</span></div>", "BigSmallText"),
        ("", ""),
        (None, ""),
    ],
)  # fmt: skip
def test_article_policy_strips_attributes_and_tags_outside_the_allow_list(html, expected):
    assert clean_article_html(html) == expected


def test_sanitized_marks_a_stored_body_safe_unchanged():
    body = clean_article_html("<p>Kept</p>")
    assert sanitized(body) == body
    assert isinstance(sanitized(body), SafeString)


COMMENT_REL = 'rel="nofollow ugc noopener"'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain words.", "<p>Plain words.</p>"),
        ("<b>bold</b> & <i>it</i>", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;it&lt;/i&gt;</p>"),
        ("line one\nline two", "<p>line one<br>line two</p>"),
        ("para one\n\npara two", "<p>para one</p><p>para two</p>"),
        ("windows\r\nline\r\n\r\nbreaks", "<p>windows<br>line</p><p>breaks</p>"),
        ("  \n\n  spaced  \n\n\n\n  ", "<p>spaced</p>"),
        ("", ""),
        (None, ""),
        (
            "See https://example.com/a?b=1&c=2 now",
            '<p>See <a href="https://example.com/a?b=1&amp;c=2" ' + COMMENT_REL
            + ">https://example.com/a?b=1&amp;c=2</a> now</p>",
        ),
        (
            "http://example.org",
            '<p><a href="http://example.org" ' + COMMENT_REL + ">http://example.org</a></p>",
        ),
    ],
)  # fmt: skip
def test_comment_text_is_escaped_with_paragraphs_and_links(text, expected):
    rendered = render_comment_text(text)
    assert rendered == expected
    assert isinstance(rendered, SafeString)


@pytest.mark.parametrize(
    "text",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(document.cookie)",
        "click javascript://example.com/%0aalert(1)",
        '<a href="javascript:alert(1)">x</a>',
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        "data:text/html;base64,PHNjcmlwdD4=",
        "vbscript:msgbox(1)",
        "mailto:someone@example.com",
        "ftp://example.com/file",
        '"><svg onload=alert(1)>',
        'https://example.com/"onmouseover="alert(1)',
    ],
)
def test_comment_text_never_links_anything_but_the_web(text):
    rendered = render_comment_text(text)
    assert_harmless(rendered)
    for tag, attributes in Markup(rendered).elements:
        assert tag in {"p", "br", "a"}
        if tag == "a":
            assert attributes["href"].startswith(("http://", "https://"))
            assert attributes["rel"] == "nofollow ugc noopener"


@pytest.mark.parametrize(
    ("text", "terms", "expected"),
    [
        ("Harbour plan approved", ["harbour"], "<mark>Harbour</mark> plan approved"),
        ("Plan and PLAN", ["plan"], "<mark>Plan</mark> and <mark>PLAN</mark>"),
        ("Fish & <b>chips</b>", ["chips"], "Fish &amp; &lt;b&gt;<mark>chips</mark>&lt;/b&gt;"),
        ("<script>alert(1)</script>", ["script"],
         "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt;"),
        ("a and b", ["a", "b"], "a and b"),
        ("costs (up) 5%", ["(up)", "5%", ".*"], "costs <mark>(up)</mark> <mark>5%</mark>"),
        ("amp &", ["amp"], "<mark>amp</mark> &amp;"),
        ("no terms", [], "no terms"),
        ("", ["x"], ""),
        (None, ["x"], ""),
        # PostgreSQL marks the matches itself with control characters.
        ("the \x02harbour\x03 <b>plan</b>", ["ignored"],
         "the <mark>harbour</mark> &lt;b&gt;plan&lt;/b&gt;"),
        ("stray \x02marker", [], "stray <mark>marker</mark>"),
    ],
)  # fmt: skip
def test_highlight_escapes_and_marks_matches(text, terms, expected):
    result = highlight(text, terms)
    assert result == expected
    assert isinstance(result, SafeString)


@pytest.mark.parametrize(
    "value",
    [
        "</script><script>alert(1)</script>",
        "</SCRIPT ><script>alert(1)</script>",
        "<!--<script>",
        "]]><script>alert(1)</script>",
        "\u2028\u2029 & < >",
    ],
)
def test_json_ld_values_cannot_break_out_of_the_script_block(value):
    block = json_ld({"headline": value, "author": [{"name": value}]})
    assert isinstance(block, SafeString)
    assert block.startswith('<script type="application/ld+json">')
    assert block.endswith("</script>")
    payload = block.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in payload and ">" not in payload
    assert json.loads(payload) == {"headline": value, "author": [{"name": value}]}
