"""Comments of an imported WordPress export: threads, statuses, pings, reruns, reader pages."""

import datetime
import io

import pytest
from django.core.management import call_command

from articles.models import Article, WordPressLink
from comments.models import Comment, DiscussionSettings
from tests.articles.wordpress.builder import WXRAuthor, WXRComment, WXRItem, wxr_bytes

pytestmark = pytest.mark.django_db

HARBOUR = ("category", "harbour", "Harbour")


def import_file(tmp_path, items):
    path = tmp_path / "export.xml"
    path.write_bytes(
        wxr_bytes(
            items=items,
            authors=[WXRAuthor(2, "editor1", display_name="Edda Ness")],
            categories=[("harbour", "Harbour", "")],
        )
    )
    out = io.StringIO()
    call_command("import_wordpress", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def thread_items():
    comments = [
        WXRComment(1, content="First, at the top.", date_gmt="2024-03-02 09:00:00"),
        WXRComment(2, content="A reply to the first.", parent=1, date_gmt="2024-03-02 10:00:00"),
        WXRComment(3, content="Deeper still.", parent=2, date_gmt="2024-03-02 11:00:00"),
        WXRComment(4, content="Deepest of all.", parent=3, date_gmt="2024-03-02 12:00:00"),
        WXRComment(5, content="Waiting for a look.", approved="0"),
        WXRComment(6, content="Buy cheap watches.", approved="spam"),
        WXRComment(7, content="Thrown away.", approved="trash"),
        WXRComment(8, content="Linked from elsewhere.", type="pingback"),
        WXRComment(9, content="Tracked back.", type="trackback"),
        WXRComment(
            10,
            content="Ålesund says <em>hei</em> &amp; ¡hola! 🌊",
            author="Åse Ø. Núñez",
            author_email="ase@mail.example",
            author_url="https://ase.example/",
            author_ip="2001:db8::7",
            date_gmt="2024-03-03 07:15:00",
        ),
        WXRComment(11, content="Answering a pingback.", parent=8),
    ]
    return [WXRItem(10, title="Harbour reopens", slug="harbour-reopens",
                    categories=[HARBOUR, ("post_tag", "ferries", "Ferries")],
                    comments=comments)]  # fmt: skip


def by_body(text):
    return Comment.objects.get(body__startswith=text)


def test_threads_keep_their_shape_within_the_allowed_depth(tmp_path):
    settings = DiscussionSettings.load()
    settings.max_depth = 3
    settings.save()
    import_file(tmp_path, thread_items())
    first, reply, deeper = by_body("First"), by_body("A reply"), by_body("Deeper")
    deepest = by_body("Deepest")
    assert (first.parent, first.depth) == (None, 1)
    assert (reply.parent, reply.depth) == (first, 2)
    assert (deeper.parent, deeper.depth) == (reply, 3)
    # Four levels where three are allowed: it joins the thread at the third.
    assert (deepest.parent, deepest.depth) == (reply, 3)
    # Its parent was a pingback, which is left out: it starts a thread of its own.
    assert by_body("Answering").parent is None


def test_every_wordpress_status_maps_and_pings_are_left_out(tmp_path):
    out = import_file(tmp_path, thread_items())
    assert by_body("First").status == Comment.Status.APPROVED
    assert by_body("Waiting").status == Comment.Status.PENDING
    assert by_body("Buy cheap").status == Comment.Status.SPAM
    assert by_body("Thrown").status == Comment.Status.REMOVED
    assert not Comment.objects.filter(body__in=["Linked from elsewhere.", "Tracked back."])
    assert "pingbacks and trackbacks left out: 2" in out
    assert "comments approved: 6" in out and "comments pending: 1" in out
    assert "comments spam: 1" in out and "comments removed: 1" in out


def test_authors_addresses_dates_and_unicode_are_kept(tmp_path):
    import_file(tmp_path, thread_items())
    comment = by_body("Ålesund")
    assert comment.body == "Ålesund says hei & ¡hola! 🌊"
    assert comment.author_name == "Åse Ø. Núñez"
    assert comment.author_email == "ase@mail.example"
    assert comment.author_url == "https://ase.example/"
    assert comment.ip_address == "2001:db8::7"
    assert comment.created_at == datetime.datetime(2024, 3, 3, 7, 15, tzinfo=datetime.UTC)
    link = WordPressLink.objects.get(kind=WordPressLink.Kind.COMMENT, key="10")
    assert link.object_id == comment.pk and link.site == "old-site.example"


def test_importing_again_adds_only_new_comments(tmp_path):
    items = thread_items()
    import_file(tmp_path, items)
    count = Comment.objects.count()
    items[0].comments.append(WXRComment(12, content="Posted after the first export.", parent=1))
    out = import_file(tmp_path, items)
    assert Comment.objects.count() == count + 1
    assert by_body("Posted after").parent == by_body("First")
    assert "comments already imported: 9" in out


def test_the_reader_page_shows_approved_comments_threaded_and_keeps_emails_private(
    tmp_path, client
):
    import_file(tmp_path, thread_items())
    article = Article.objects.get(slug="harbour-reopens")
    page = client.get(article.get_absolute_url()).content.decode()
    assert "First, at the top." in page and "A reply to the first." in page
    assert page.index("First, at the top.") < page.index("A reply to the first.")
    for hidden in ("Waiting for a look.", "Buy cheap watches.", "Thrown away.", "Linked from"):
        assert hidden not in page
    assert "ase@mail.example" not in page and "reader@mail.example" not in page
    assert "Edda Ness" in page
    assert f'href="{article.section.get_absolute_url()}"' in page
    assert f'href="{article.tags.get(name="Ferries").get_absolute_url()}"' in page


def test_posts_left_out_bring_no_comments(tmp_path):
    items = thread_items()
    items[0].status = "trash"
    import_file(tmp_path, items)
    assert not Comment.objects.exists()
