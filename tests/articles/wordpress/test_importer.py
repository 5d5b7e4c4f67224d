import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from articles import wordpress
from articles.models import Article, Redirect, Section, Tag, WordPressLink
from authors.models import Author

from .builder import WXRAuthor, WXRComment, WXRItem, wxr_bytes

pytestmark = pytest.mark.django_db

HARBOUR = ("category", "harbour", "Harbour")
COUNCIL = ("category", "council", "Council")
FERRIES = ("post_tag", "ferries", "Ferries")


def export(tmp_path, name="export.xml", **kwargs):
    kwargs.setdefault("authors", [WXRAuthor(2, "editor1", display_name="Edda Ness")])
    kwargs.setdefault("categories", [("harbour", "Harbour", ""), ("council", "Council", "")])
    kwargs.setdefault("tags", [("ferries", "Ferries")])
    path = tmp_path / name
    path.write_bytes(wxr_bytes(**kwargs))
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def newsroom_items():
    return [
        WXRItem(
            10,
            title="Harbour reopens &amp; ferries return",
            slug="harbour-reopens",
            content="The quay is open.\n\nFerries run again.",
            excerpt="After a year, the quay is open.",
            categories=[HARBOUR, COUNCIL, FERRIES],
            comments=[WXRComment(1)],
        ),
        WXRItem(
            18,
            title="Block story",
            slug="block-story",
            content=(
                "<!-- wp:paragraph -->\n<p>Seen from the quay.</p>\n<!-- /wp:paragraph -->\n"
                '<!-- wp:embed {"url":"https://x.com/harbourdesk/status/42"} -->\n'
                "<figure><div>https://x.com/harbourdesk/status/42</div></figure>\n"
                "<!-- /wp:embed -->\n"
                '<!-- wp:shortcode -->[gallery ids="3,4"]<!-- /wp:shortcode -->\n'
                '<!-- wp:image --><figure class="wp-block-image"><img '
                'src="https://old-site.example/wp-content/uploads/q.jpg" alt="Quay"/></figure>'
                "<!-- /wp:image -->"
            ),
            categories=[HARBOUR],
        ),
        WXRItem(
            11,
            title="Next week",
            status="future",
            date="2099-01-01 06:00:00",
            date_gmt="2099-01-01 05:00:00",
            categories=[HARBOUR],
        ),
        WXRItem(12, title="Unfinished", status="draft", categories=[HARBOUR]),
        WXRItem(13, title="Waiting", status="pending", categories=[HARBOUR]),
        WXRItem(14, title="Staff only", status="private", categories=[HARBOUR]),
        WXRItem(15, title="About us", post_type="page"),
        WXRItem(
            16,
            title="quay.jpg",
            post_type="attachment",
            status="inherit",
            attachment_url="https://old-site.example/wp-content/uploads/quay.jpg",
        ),
        WXRItem(17, title="Binned", status="trash", categories=[HARBOUR]),
    ]


def test_an_export_becomes_authors_sections_tags_and_articles(tmp_path, client):
    out, err = run(export(tmp_path, items=newsroom_items()))
    story = Article.objects.get(slug="harbour-reopens")
    assert story.headline == "Harbour reopens & ferries return"
    assert story.standfirst == "After a year, the quay is open."
    assert story.body == "<p>The quay is open.</p>\n<p>Ferries run again.</p>"
    assert story.status == Article.Status.PUBLISHED and story.is_public
    assert story.section.name == "Harbour"
    assert sorted(story.tags.values_list("name", flat=True)) == ["Council", "Ferries"]
    assert [a.name for a in story.byline_authors] == ["Edda Ness"]
    statuses = dict(Article.objects.values_list("headline", "status"))
    assert statuses == {
        "Harbour reopens & ferries return": "published",
        "Block story": "published",
        "Next week": "published",
        "Unfinished": "draft",
        "Waiting": "review",
        "Staff only": "draft",
    }
    assert Article.objects.get(headline="Next week").is_scheduled
    block = Article.objects.get(slug="block-story")
    assert "<!--" not in block.body and 'class="social-post"' in block.body
    assert "Shortcodes left as text: [gallery] x1" in out
    assert "Images still on the old site's uploads: 1" in out
    assert "pages left out: 1" in out and "attachments left out: 1" in out
    assert "posts with status trash left out: 1" in out
    assert "private, imported as a draft" in err
    response = client.get("/2024/03/01/harbour-reopens/")
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()
    redirect = Redirect.objects.get(old_path="/2024/03/01/harbour-reopens/")
    assert redirect.source == Redirect.Source.IMPORT and redirect.site == "old-site.example"
    # The two public posts have old addresses, not the scheduled one.
    article_targets = set(
        Redirect.objects.filter(target__startswith="/news/").values_list("target", flat=True)
    )
    assert article_targets == {story.get_absolute_url(), block.get_absolute_url()}


def test_importing_again_updates_instead_of_doubling(tmp_path):
    items = newsroom_items()
    run(export(tmp_path, items=items))
    counts = (
        Article.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        Redirect.objects.count(),
    )
    items[0].title = "Harbour reopens at last"
    out, _err = run(export(tmp_path, items=items))
    assert counts == (
        Article.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
        Tag.objects.count(),
        Redirect.objects.count(),
    )
    assert Article.objects.filter(headline="Harbour reopens at last").count() == 1
    assert "articles updated: 1" in out and "articles unchanged: 5" in out


def test_a_dry_run_saves_nothing(tmp_path):
    out, _err = run(export(tmp_path, items=newsroom_items()), "--dry-run")
    assert "articles created: 6" in out and "dry run" in out
    assert not Article.objects.exists() and not Author.objects.exists()
    assert not WordPressLink.objects.exists() and not Redirect.objects.exists()


def test_a_broken_file_imports_nothing_and_names_the_line(tmp_path):
    path = export(tmp_path, items=[WXRItem(1, categories=[HARBOUR]), WXRItem(2)])
    path.write_bytes(path.read_bytes().replace(b"<wp:post_id>2</wp:post_id>", b"<wp:post_id>2"))
    with pytest.raises(CommandError, match=r"line \d+, column \d+.*Nothing was imported"):
        run(path)
    assert not Article.objects.exists()


def test_a_post_without_category_needs_a_default_section(tmp_path):
    items = [
        WXRItem(1, title="Loose", categories=[("category", "uncategorized", "Uncategorized")]),
        WXRItem(2, title="Filed", categories=[HARBOUR]),
    ]
    _out, err = run(export(tmp_path, items=items))
    assert "has no category" in err
    assert list(Article.objects.values_list("headline", flat=True)) == ["Filed"]
    Section.objects.create(name="News", slug="news")
    run(export(tmp_path, items=items), "--default-section", "news")
    assert Article.objects.get(headline="Loose").section.slug == "news"


def test_an_unknown_default_section_is_refused(tmp_path):
    with pytest.raises(CommandError, match='No section has the slug "nope"'):
        run(export(tmp_path), "--default-section", "nope")


def test_duplicate_slugs_get_distinct_addresses(tmp_path):
    items = [
        WXRItem(1, slug="weather", categories=[HARBOUR]),
        WXRItem(2, slug="weather", categories=[HARBOUR]),
    ]
    run(export(tmp_path, items=items))
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["weather", "weather-2"]


def test_items_by_authors_missing_from_the_header_get_an_author(tmp_path):
    run(
        export(
            tmp_path,
            version="1.0",
            authors=[],
            items=[WXRItem(1, creator="ghostwriter", categories=[HARBOUR])],
        )
    )
    assert Article.objects.get().byline_authors[0].name == "ghostwriter"


def test_two_sites_keep_their_own_keys(tmp_path):
    items = [WXRItem(1, slug="one", categories=[HARBOUR])]
    run(export(tmp_path, items=items), "--site", "first.example")
    items = [WXRItem(1, slug="two", categories=[HARBOUR])]
    run(export(tmp_path, items=items), "--site", "second.example")
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["one", "two"]


def test_registered_handlers_see_every_item_with_its_article(tmp_path):
    seen = []

    def handler(*, item, article, run):
        seen.append((item.post_id, article.slug if article else None, len(item.comments)))

    wordpress.register_handler(handler)
    try:
        run_path = export(tmp_path, items=newsroom_items()[:1] + newsroom_items()[6:7])
        run(run_path)
    finally:
        wordpress.unregister_handler(handler)
    assert seen == [(10, "harbour-reopens", 1), (15, None, 0)]


def test_a_failing_handler_undoes_only_its_own_item(tmp_path):
    def handler(*, item, article, run):
        if item.post_id == 2:
            raise ValueError("the comments could not be read")

    wordpress.register_handler(handler)
    try:
        items = [
            WXRItem(1, slug="kept", categories=[HARBOUR]),
            WXRItem(2, slug="undone", categories=[HARBOUR]),
        ]
        _out, err = run(export(tmp_path, items=items))
    finally:
        wordpress.unregister_handler(handler)
    assert list(Article.objects.values_list("slug", flat=True)) == ["kept"]
    assert "post 2" in err and "the comments could not be read" in err


def test_published_time_comes_from_the_gmt_date(tmp_path):
    run(export(tmp_path, items=[WXRItem(1, categories=[HARBOUR])]))
    published = Article.objects.get().published_at
    assert published == datetime.datetime(2024, 3, 1, 8, 30, tzinfo=datetime.UTC)


def test_unicode_posts_import_with_an_ascii_address_and_keep_their_old_one(tmp_path, client):
    """The slug in Japanese has no ASCII form; the headline's Latin letters give one."""
    items = [
        WXRItem(
            5,
            title="Ærøskøbing’s ferry — 渡し船",
            slug="%e6%b8%a1%e3%81%97%e8%88%b9",
            content="Ferja kom — 渡し船 🚢",
            categories=[HARBOUR],
        )
    ]
    run(export(tmp_path, items=items))
    article = Article.objects.get()
    assert article.slug == "aeroskobings-ferry"
    assert article.headline == "Ærøskøbing’s ferry — 渡し船"
    assert article.body == "<p>Ferja kom — 渡し船 🚢</p>"
    response = client.get("/2024/03/01/%e6%b8%a1%e3%81%97%e8%88%b9/")
    assert response["Location"] == article.get_absolute_url()


def test_a_post_with_no_latin_letters_gets_an_address_from_its_id(tmp_path):
    items = [WXRItem(6, title="渡し船", slug="%e6%b8%a1", categories=[HARBOUR])]
    run(export(tmp_path, items=items))
    assert Article.objects.get().slug == "post-6"


def test_the_summary_lists_every_item_left_out_with_its_id_title_and_reason(tmp_path):
    out, _err = run(export(tmp_path, items=newsroom_items()))
    assert "Left out (3):" in out
    assert '#15 "About us": a page, not a post' in out
    assert '#16 "quay.jpg": an attachment, and no --media-from or --media-base-url' in out
    assert '#17 "Binned": status trash' in out


def test_a_private_post_is_never_public_and_a_later_change_shows_as_updated(tmp_path, client):
    items = [
        WXRItem(1, title="Staff only", slug="staff-only", status="private", categories=[HARBOUR]),
        WXRItem(2, title="Changed later", slug="changed-later", categories=[HARBOUR]),
    ]
    path = export(tmp_path, items=items)
    text = path.read_text().replace(
        "<wp:post_modified_gmt><![CDATA[2024-03-01 08:30:00]]></wp:post_modified_gmt>\n"
        "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
        "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n"
        "\t\t<wp:post_name><![CDATA[changed-later]]>",
        "<wp:post_modified_gmt><![CDATA[2024-03-05 10:00:00]]></wp:post_modified_gmt>\n"
        "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
        "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n"
        "\t\t<wp:post_name><![CDATA[changed-later]]>",
    )
    path.write_text(text)
    run(path)
    private = Article.objects.get(slug="staff-only")
    assert not private.is_public and private.status == Article.Status.DRAFT
    assert client.get("/2024/03/01/staff-only/").status_code == 404
    changed = Article.objects.get(slug="changed-later")
    assert changed.updated_at == datetime.datetime(2024, 3, 5, 10, tzinfo=datetime.UTC)
    assert private.updated_at is None


def test_an_article_edited_here_is_kept_and_reported_unless_overwritten(tmp_path):
    items = newsroom_items()
    path = export(tmp_path, items=items)
    run(path)
    story = Article.objects.get(slug="harbour-reopens")
    story.headline = "Harbour reopens, edited here"
    story.save()
    # Unchanged in WordPress: nothing to report, the edit stays.
    out, _err = run(path)
    assert Article.objects.get(pk=story.pk).headline == "Harbour reopens, edited here"
    assert "Edited here since the last import" not in out
    # Changed in WordPress too: a conflict, the edit still stays.
    items[0].content = "The quay is open, and busy."
    path = export(tmp_path, items=items)
    out, _err = run(path)
    assert Article.objects.get(pk=story.pk).headline == "Harbour reopens, edited here"
    assert "Edited here since the last import (1):" in out
    assert 'post 10 "Harbour reopens &amp; ferries return"' in out
    assert "articles kept (edited here since): 1" in out
    # --overwrite puts the export's version back.
    out, _err = run(path, "--overwrite")
    story.refresh_from_db()
    assert story.headline == "Harbour reopens & ferries return"
    assert story.body == "<p>The quay is open, and busy.</p>"
    assert "articles updated: 1" in out and "Edited here" not in out
    # Since nothing was edited here after that, the next change comes in by itself.
    items[0].content = "Busier still."
    out, _err = run(export(tmp_path, items=items))
    assert Article.objects.get(pk=story.pk).body == "<p>Busier still.</p>"


def test_staff_accounts_are_made_inactive_without_passwords_in_the_writer_group(tmp_path):
    from django.contrib.auth import get_user_model

    authors = [
        WXRAuthor(
            2,
            "editor1",
            email="edda@mail.example",
            display_name="Edda Ness",
            first_name="Edda",
            last_name="Ness",
        ),  # fmt: skip
    ]
    path = export(tmp_path, items=newsroom_items(), authors=authors)
    out, _err = run(path, "--create-staff")
    user = get_user_model().objects.get(username="editor1")
    assert user.is_staff and not user.is_active and not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == ["Writer"]
    assert Author.objects.get(name="Edda Ness").user == user
    assert "staff accounts created: 1" in out
    run(path, "--create-staff")
    assert get_user_model().objects.filter(username="editor1").count() == 1


def test_without_create_staff_no_account_is_made(tmp_path):
    from django.contrib.auth import get_user_model

    run(export(tmp_path, items=newsroom_items()))
    assert not get_user_model().objects.exists()
    assert Author.objects.get(name="Edda Ness").user is None


def test_no_progress_bar_when_the_output_is_not_a_terminal(tmp_path):
    _out, err = run(export(tmp_path, items=newsroom_items()))
    assert "items" not in err and "#" not in err


def test_the_progress_bar_draws_on_a_terminal(tmp_path):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    err = Terminal()
    call_command("import_wordpress", str(export(tmp_path, items=newsroom_items())),
                 stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert "] 9/9 items" in err.getvalue()
    err = Terminal()
    call_command("import_wordpress", str(export(tmp_path, items=newsroom_items())), "-v", "0",
                 stdout=io.StringIO(), stderr=err)  # fmt: skip
    assert "items" not in err.getvalue()


def test_a_sticky_post_is_featured_and_closed_comments_stay_closed(tmp_path):
    items = [
        WXRItem(
            1,
            title="Top story",
            slug="top",
            sticky=True,
            comment_status="closed",
            categories=[HARBOUR],
        ),  # fmt: skip
    ]
    run(export(tmp_path, items=items))
    article = Article.objects.get(slug="top")
    assert article.is_featured and not article.comments_enabled


def test_the_yoast_primary_category_is_the_section_and_the_others_are_tags(tmp_path):
    items = [
        WXRItem(
            1,
            title="Council on the harbour",
            slug="council-harbour",
            categories=[HARBOUR, COUNCIL, FERRIES],
            meta=[("_yoast_wpseo_primary_category", "2")],
        ),  # fmt: skip
    ]
    run(export(tmp_path, items=items))
    article = Article.objects.get(slug="council-harbour")
    assert article.section.name == "Council"
    assert sorted(article.tags.values_list("name", flat=True)) == ["Ferries", "Harbour"]


def test_a_scheduled_post_gets_its_old_addresses_once_it_is_published(tmp_path, client):
    path = export(tmp_path, items=newsroom_items())
    run(path)
    scheduled = Article.objects.get(headline="Next week")
    assert not Redirect.objects.filter(target=scheduled.get_absolute_url()).exists()
    # Its time comes (here: moved to the past), then the same file is imported again.
    Article.objects.filter(pk=scheduled.pk).update(
        published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
        first_published_at=datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC),
    )
    scheduled.refresh_from_db()
    run(path)
    response = client.get(f"/{scheduled.slug}/")
    assert response.status_code == 301
    assert response["Location"] == scheduled.get_absolute_url()
