import io
import tracemalloc
from datetime import UTC, datetime

import pytest

from articles.wordpress.wxr import (
    Author,
    Category,
    Item,
    SiteInfo,
    Tag,
    WXRError,
    read_wxr,
)

from .builder import WXRAuthor, WXRComment, WXRItem, write_wxr, wxr_bytes


def read(**kwargs):
    return list(read_wxr(io.BytesIO(wxr_bytes(**kwargs))))


def items_of(records):
    return [record for record in records if isinstance(record, Item)]


@pytest.mark.parametrize("version", ["1.0", "1.1", "1.2"])
def test_every_wxr_version_is_read_through_its_own_namespace(version):
    """WXR 1.0, 1.1 and 1.2 declare different namespaces; each reads the same."""
    records = read(
        version=version,
        authors=[WXRAuthor(2, "editor1", "ed@mail.example", "Edda Ness", "Edda", "Ness")],
        items=[WXRItem(7, title="Harbour opens", content="Boats came in.", excerpt="Boats.")],
    )
    site = records[0]
    assert isinstance(site, SiteInfo)
    assert site.wxr_version == version
    assert site.base_site_url == "https://old-site.example"
    assert site.title == "The Harbour Gazette"
    assert records[1] == Author(2, "editor1", "ed@mail.example", "Edda Ness", "Edda", "Ness")
    (item,) = items_of(records)
    assert (item.post_id, item.title, item.content, item.excerpt) == (
        7,
        "Harbour opens",
        "Boats came in.",
        "Boats.",
    )


def test_an_item_carries_every_field_of_the_export():
    records = read(
        categories=[("local-news", "Local news", ""), ("harbour", "Harbour", "local-news")],
        tags=[("ferries", "Ferries")],
        items=[
            WXRItem(
                11,
                title="Tide tables",
                slug="tide-tables",
                creator="editor1",
                categories=[
                    ("category", "harbour", "Harbour"),
                    ("post_tag", "ferries", "Ferries"),
                ],
                meta=[
                    ("_thumbnail_id", "12"),
                    ("_wp_attachment_image_alt", "A quay"),
                    ("_yoast_wpseo_primary_category", "2"),
                ],
                sticky=True,
                menu_order=3,
                password="secret",
            )
        ],
    )
    assert Category(2, "harbour", "Harbour", "local-news", "") in records
    assert Tag(100, "ferries", "Ferries", "") in records
    (item,) = items_of(records)
    assert item.post_name == "tide-tables"
    assert item.creator == "editor1"
    assert item.status == "publish"
    assert item.post_type == "post"
    assert item.post_date == datetime(2024, 3, 1, 9, 30)
    assert item.post_date_gmt == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert item.pub_date == datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert item.link == "https://old-site.example/2024/03/01/tide-tables/"
    assert item.guid == "https://old-site.example/?p=11"
    assert item.is_sticky is True
    assert item.menu_order == 3
    assert item.post_password == "secret"
    assert [c.nicename for c in item.terms("category")] == ["harbour"]
    assert [c.name for c in item.terms("post_tag")] == ["Ferries"]
    assert item.meta("_thumbnail_id") == "12"
    assert item.meta("_wp_attachment_image_alt") == "A quay"
    assert item.meta("_yoast_wpseo_primary_category") == "2"
    assert item.meta("_missing", "none") == "none"


def test_drafts_scheduled_private_posts_pages_and_attachments_keep_their_kind():
    records = read(
        items=[
            WXRItem(1, status="draft", date_gmt="0000-00-00 00:00:00"),
            WXRItem(2, status="future", date="2030-01-01 06:00:00"),
            WXRItem(3, status="private"),
            WXRItem(4, post_type="page", title="About us", parent=0),
            WXRItem(
                5,
                post_type="attachment",
                status="inherit",
                parent=2,
                attachment_url="https://old-site.example/wp-content/uploads/2024/03/quay.jpg",
            ),
        ]
    )
    draft, scheduled, private, page, attachment = items_of(records)
    assert draft.status == "draft" and draft.post_date_gmt is None
    assert scheduled.status == "future" and scheduled.post_date == datetime(2030, 1, 1, 6)
    assert private.status == "private"
    assert page.post_type == "page" and page.post_parent is None
    assert attachment.post_type == "attachment" and attachment.post_parent == 2
    assert attachment.attachment_url.endswith("/wp-content/uploads/2024/03/quay.jpg")


def test_comments_keep_their_threads_statuses_types_and_metadata():
    statuses = {"1": "approved", "0": "pending", "spam": "spam", "trash": "trash"}
    comments = [
        WXRComment(1, content="First!", meta=[("akismet_result", "false")]),
        WXRComment(2, content="A reply", parent=1, user_id=2),
        WXRComment(3, content="Reply to the reply", parent=2),
        WXRComment(4, approved="0"),
        WXRComment(5, approved="spam"),
        WXRComment(6, approved="trash"),
        WXRComment(7, type="pingback", author="Another blog", content="[…] linked […]"),
        WXRComment(8, type="trackback"),
    ]
    (item,) = items_of(read(items=[WXRItem(1, comments=comments)]))
    by_id = {comment.id: comment for comment in item.comments}
    assert [comment.id for comment in item.comments] == list(range(1, 9))
    assert by_id[1].parent is None and by_id[1].meta == {"akismet_result": "false"}
    assert by_id[2].parent == 1 and by_id[2].user_id == 2
    assert by_id[3].parent == 2
    for comment_id, approved in zip((1, 4, 5, 6), statuses, strict=True):
        assert by_id[comment_id].status == statuses[approved]
    assert by_id[7].is_ping and by_id[8].is_ping and not by_id[1].is_ping
    assert by_id[1].date_gmt == datetime(2024, 3, 2, 9, tzinfo=UTC)
    assert by_id[1].author_ip == "192.0.2.10"


def test_unicode_survives_everywhere():
    text = "Ærøskøbing’s ferry — 渡し船 · Ψ · 🚢 · עברית"
    records = read(
        title=text,
        authors=[WXRAuthor(3, "søren", display_name=text)],
        categories=[("ferje", text, "")],
        items=[
            WXRItem(
                1,
                title=text,
                content=text,
                slug="%c3%a6r%c3%b8",
                comments=[WXRComment(1, author=text, content=text)],
            )
        ],
    )
    assert records[0].title == text
    assert records[1].display_name == text and records[1].login == "søren"
    assert records[2].name == text
    (item,) = items_of(records)
    assert item.title == item.content == item.comments[0].content == text


def test_a_cdata_end_marker_split_across_two_sections_comes_out_whole():
    content = "<p>Arrays like a[b[0]]> and ]]> stay as written</p>"
    (item,) = items_of(read(items=[WXRItem(1, content=content, title="]]>")]))
    assert item.content == content
    assert item.title == "]]>"


def test_authors_missing_from_the_header_still_leave_the_items_creator():
    """Old exports (WXR 1.0) list no authors; the items still name theirs."""
    records = read(version="1.0", items=[WXRItem(1, creator="ghostwriter")])
    assert not [record for record in records if isinstance(record, Author)]
    assert items_of(records)[0].creator == "ghostwriter"


def test_duplicate_slugs_are_read_as_they_are():
    """Slugs are not unique in WordPress across types; the reader keeps both."""
    items = items_of(read(items=[WXRItem(1, slug="news"), WXRItem(2, slug="news")]))
    assert [(item.post_id, item.post_name) for item in items] == [(1, "news"), (2, "news")]


def test_a_malformed_file_names_the_line_where_it_breaks():
    document = wxr_bytes(items=[WXRItem(1), WXRItem(2)]).decode()
    lines = document.splitlines()
    broken_line = next(n for n, line in enumerate(lines, 1) if "<wp:post_id>2<" in line)
    lines[broken_line - 1] = lines[broken_line - 1].replace("</wp:post_id>", "</wp:postid>")
    records = read_wxr(io.BytesIO("\n".join(lines).encode()))
    with pytest.raises(WXRError, match=rf"line {broken_line}, column \d+: mismatched tag"):
        list(records)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"", "line 1"),
        (b"<html><body>Not an export</body></html>", "starts with <html>"),
        (
            b'<rss version="2.0"><channel><title>Feed</title><item><title>x</title></item>'
            b"</channel></rss>",
            "declares no WordPress namespace",
        ),
        (b'<?xml version="1.0"?><rss><channel>', "line 1"),
    ],
)
def test_files_that_are_not_exports_are_refused_clearly(document, message):
    with pytest.raises(WXRError, match=message):
        list(read_wxr(io.BytesIO(document)))


def test_a_number_field_with_text_is_refused_clearly():
    document = wxr_bytes(items=[WXRItem(1)]).replace(
        b"<wp:menu_order>0</wp:menu_order>", b"<wp:menu_order>first</wp:menu_order>"
    )
    with pytest.raises(WXRError, match="wp:menu_order of item 1 is not a whole number"):
        list(read_wxr(io.BytesIO(document)))


def test_a_large_export_streams_in_bounded_memory(tmp_path):
    """1,500 posts with 15,000 comments (16 MB) are read without holding the file in memory.

    The reader's peak stays near 200 KB whatever the size (about 290 KB for a 55 MB file
    of 5,000 posts): a file a twentieth of this one's size would already show a reader that
    keeps it."""
    path = tmp_path / "large.xml"

    def posts():
        for post_id in range(1, 1501):
            yield WXRItem(
                post_id,
                title=f"Story {post_id}",
                content="<p>The council met again.</p>\n" * 20,
                comments=[
                    WXRComment(post_id * 10 + n, content="I was there too. " * 10)
                    for n in range(10)
                ],
            )

    with path.open("w", encoding="utf-8") as stream:
        write_wxr(stream, items=posts())
    size = path.stat().st_size
    tracemalloc.start()
    try:
        posts_read = comments_read = 0
        for record in read_wxr(path):
            if isinstance(record, Item):
                posts_read += 1
                comments_read += len(record.comments)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (posts_read, comments_read) == (1500, 15000)
    assert size > 15_000_000
    assert peak < size / 20, f"peak {peak} bytes for a {size}-byte file"
