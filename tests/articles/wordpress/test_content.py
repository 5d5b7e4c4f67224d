import pytest

from articles.wordpress.content import autop, convert, embed_markup

from .builder import BASE_URL

UPLOADS = f"{BASE_URL}/wp-content/uploads/"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One line", "<p>One line</p>"),
        ("First\nsecond", "<p>First<br>\nsecond</p>"),
        ("One\n\nTwo\n\n\n\nThree", "<p>One</p>\n<p>Two</p>\n<p>Three</p>"),
        (
            "Text\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
            "<p>Text</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>",
        ),
        ("<h2>Head</h2>\nBody", "<h2>Head</h2>\n<p>Body</p>"),
        ("<blockquote>Said\nthis</blockquote>", "<blockquote><p>Said<br>\nthis</p></blockquote>"),
        ("Line<br><br>Next", "<p>Line</p>\n<p>Next</p>"),
        ('<a\nhref="https://a.example">x</a>', '<p><a href="https://a.example">x</a></p>'),
        ("   \n\n ", ""),
    ],
)
def test_classic_text_gets_paragraphs_as_wordpress_makes_them(text, expected):
    assert autop(text) == expected


def test_block_editor_comments_are_removed_and_blocks_are_not_re_wrapped():
    content = (
        '<!-- wp:heading {"level":2} -->\n<h2>Quay</h2>\n<!-- /wp:heading -->\n\n'
        "<!-- wp:paragraph -->\n<p>The quay\nreopened.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:separator --><hr class="wp-block-separator"/><!-- /wp:separator -->'
    )
    result = convert(content)
    assert "wp:" not in result.html and "<!--" not in result.html
    assert result.html == "<h2>Quay</h2>\n\n<p>The quay\nreopened.</p>\n\n<hr>"


def test_a_caption_becomes_a_figure_with_its_caption():
    content = (
        "Before the picture.\n"
        '[caption id="attachment_9" align="alignleft" width="300"]'
        f'<a href="{UPLOADS}2024/03/quay.jpg"><img class="size-medium" '
        f'src="{UPLOADS}2024/03/quay-300x200.jpg" alt="The quay" width="300" height="200" />'
        "</a> Boats at the quay, March[/caption]\nAfter it."
    )
    result = convert(content, picture_id=lambda url: 7)
    # The picture by its library id; the link to the full size by its old address, which
    # answers with the picture while it is public.
    assert result.html == (
        "<p>Before the picture.</p>\n"
        '<figure class="inline-figure">'
        '<a href="/wp-content/uploads/2024/03/quay.jpg" rel="noopener">'
        '<img data-image="7" alt="The quay" width="300" height="200">'
        "</a><figcaption>Boats at the quay, March</figcaption></figure>\n<p>After it.</p>"
    )
    assert result.unknown_shortcodes == []


def test_an_old_style_caption_attribute_is_the_figcaption():
    result = convert(
        f'[caption caption="Nets drying"]<img src="{UPLOADS}n.jpg" alt="" />[/caption]'
    )
    assert "<figcaption>Nets drying</figcaption>" in result.html
    assert result.html.startswith('<figure class="inline-figure">')


def test_images_on_the_old_sites_uploads_are_listed_once_each():
    content = (
        f'<img src="{UPLOADS}a.jpg" alt="A"> <img src="{UPLOADS}a.jpg" alt="A again"> '
        f'<a href="{UPLOADS}b.pdf">Report</a> <img src="https://elsewhere.example/c.jpg" alt="">'
    )
    result = convert(content, uploads_url=UPLOADS)
    assert result.upload_urls == [f"{UPLOADS}a.jpg", f"{UPLOADS}b.pdf"]
    # Until the importer re-points them, no image from another site is shown: each becomes
    # a link to it, named by its alt text.
    assert "<img" not in result.html
    assert f'<a href="{UPLOADS}a.jpg" rel="noopener">A again</a>' in result.html
    assert '<a href="https://elsewhere.example/c.jpg" rel="noopener">Picture</a>' in result.html
    assert result.linked_pictures == [
        f"{UPLOADS}a.jpg",
        f"{UPLOADS}a.jpg",
        "https://elsewhere.example/c.jpg",
    ]


def test_without_an_uploads_address_any_wordpress_uploads_path_counts():
    result = convert('<img src="https://cdn.example/wp-content/uploads/x.png" alt="">')
    assert result.upload_urls == ["https://cdn.example/wp-content/uploads/x.png"]


TWEET = "https://twitter.com/harbourdesk/status/1234567890"
TWEET_BLOCK = (
    '<blockquote class="social-post" cite="https://x.com/harbourdesk/status/1234567890">'
    '<p><a href="https://x.com/harbourdesk/status/1234567890" rel="noopener">'
    "Post by @harbourdesk on X</a></p></blockquote>"
)
VIDEO_BLOCK = (
    '<blockquote class="social-post" cite="https://www.youtube.com/watch?v=Ab3_-xYz012">'
    '<p><a href="https://www.youtube.com/watch?v=Ab3_-xYz012" rel="noopener">'
    "Video on YouTube</a></p></blockquote>"
)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            '<!-- wp:embed {"url":"' + TWEET + '","type":"rich","providerNameSlug":"twitter"} -->\n'
            '<figure class="wp-block-embed is-provider-twitter">'
            '<div class="wp-block-embed__wrapper">'
            f"\n{TWEET}\n</div></figure>\n<!-- /wp:embed -->",
            TWEET_BLOCK,
        ),
        (
            '<!-- wp:core-embed/youtube {"url":"https://youtu.be/Ab3_-xYz012"} -->\n'
            "<figure><div>\nhttps://youtu.be/Ab3_-xYz012\n</div></figure>\n"
            "<!-- /wp:core-embed/youtube -->",
            VIDEO_BLOCK,
        ),
        ("[embed]https://www.youtube.com/watch?v=Ab3_-xYz012&amp;t=5[/embed]", VIDEO_BLOCK),
        (f'[embed width="500"]{TWEET}?s=20[/embed]', TWEET_BLOCK),
        (f"\n{TWEET.replace('twitter.com', 'x.com')}\n", TWEET_BLOCK),
        ("https://www.youtube.com/shorts/Ab3_-xYz012", VIDEO_BLOCK),
        (
            '<iframe width="560" src="https://www.youtube-nocookie.com/embed/Ab3_-xYz012" '
            "allowfullscreen></iframe>",
            VIDEO_BLOCK,
        ),
    ],
)
def test_youtube_and_x_embeds_become_the_sites_embedded_post_block(content, expected):
    assert convert(content).html == expected


def test_a_pasted_tweet_keeps_its_words_as_an_embedded_post_without_the_script():
    content = (
        '<blockquote class="twitter-tweet" data-width="500"><p lang="en">Ferry back on time.</p>'
        f'&mdash; Harbour Desk (@harbourdesk) <a href="{TWEET}?ref_src=x">March 1, 2024</a>'
        '</blockquote> <script async src="https://platform.twitter.com/widgets.js"></script>'
    )
    html = convert(content).html
    assert html.startswith(f'<blockquote class="social-post" cite="{TWEET}?ref_src=x">')
    assert "Ferry back on time." in html and "script" not in html and "twitter-tweet" not in html


def test_a_url_inside_a_sentence_is_not_turned_into_an_embed():
    html = convert(f"Read {TWEET} for more").html
    assert html == f"<p>Read {TWEET} for more</p>"


def test_an_embed_of_another_provider_becomes_a_plain_link():
    html = convert("[embed]https://maps.example/harbour[/embed]").html
    assert (
        html
        == '<p><a href="https://maps.example/harbour" rel="noopener">https://maps.example/harbour</a></p>'
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "https://twitter.com/harbourdesk",
        "https://www.youtube.com/watch?v=%22%3E%3Cscript%3E",
        "https://youtu.be/",
        "http://[::1",
    ],
)
def test_urls_that_are_not_a_post_or_a_video_make_no_embed(url):
    assert embed_markup(url) is None


def test_unknown_shortcodes_stay_as_text_and_are_listed():
    content = (
        '[gallery ids="1,2,3"]\n\n[contact-form-7 id="4" title="Tips"]\n\n'
        "[pullquote]Yes[/pullquote]"
    )
    result = convert(content)
    assert result.unknown_shortcodes == ["contact-form-7", "gallery", "pullquote"]
    assert '[gallery ids="1,2,3"]' in result.html and "[/pullquote]" in result.html


def test_the_result_always_goes_through_the_article_sanitizer():
    content = (
        '<p onclick="x()">Hi<script>alert(1)</script></p><iframe src="https://evil.example/">'
        '</iframe><div style="color:red">Boxed</div>'
    )
    html = convert(content).html
    assert "onclick" not in html and "script" not in html and "iframe" not in html
    assert "style" not in html and "Boxed" in html


def test_unicode_text_comes_through_unchanged():
    text = "Ærøskøbing’s ferry — 渡し船 🚢"
    assert convert(text).html == f"<p>{text}</p>"
