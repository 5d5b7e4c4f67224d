"""Previews: in the admin for staff, and by a signed link for reviewers without an account."""

import datetime
import re

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from articles import conf, preview
from articles.models import Article
from tests.articles.test_workflow import press
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(section, author):
    return ArticleFactory(draft=True, section=section, authors=[author], headline="Quiet draft")


def share(client, article):
    """Press "Share preview link" and return the path of the link it gives."""
    response = client.post(
        reverse("admin:articles_article_share_preview", args=[article.pk]), follow=True
    )
    match = re.search(r'value="http://testserver(/preview/[^"]+/)"', response.content.decode())
    assert match, "no preview link on the page"
    return match[1]


def test_admin_preview_renders_the_reader_template_marked_and_noindex(client, editor, draft):
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "articles/article_detail.html" in [t.name for t in response.templates]
    assert 'class="preview-banner"' in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert "Quiet draft" in html


def test_admin_preview_needs_a_staff_login(client, draft):
    response = client.get(reverse("admin:articles_article_preview", args=[draft.pk]))
    assert response.status_code == 302


def test_shared_link_works_without_an_account(client, editor, draft):
    client.force_login(editor)
    path = share(client, draft)
    client.logout()
    response = client.get(path)
    assert response.status_code == 200
    assert "Quiet draft" in response.content.decode()
    assert 'class="preview-banner"' in response.content.decode()
    assert response["Referrer-Policy"] == "no-referrer"


def test_the_published_page_has_no_preview_banner_or_noindex(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert "preview-banner" not in html
    assert "noindex" not in html


def test_shared_link_expires_after_the_configured_time(client, draft):
    token = preview.make_token(draft)
    path = reverse("articles:preview", kwargs={"token": token})
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=conf.preview_link_max_age() + 60
    )
    with time_machine.travel(later):
        response = client.get(path)
    assert response.status_code == 410
    assert "has expired" in response.content.decode()


def test_shared_link_still_works_just_before_it_expires(client, draft):
    path = preview.preview_url(draft)
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=conf.preview_link_max_age() - 60
    )
    with time_machine.travel(later):
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "mangle",
    [
        lambda token: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        lambda token: "x" + token,
        lambda token: "not-a-token",
        lambda token: signing.dumps({"a": 1, "k": "guess"}, salt="another.salt"),
    ],
    ids=["signature", "payload", "garbage", "other-salt"],
)
def test_a_tampered_link_is_400_with_a_clear_page(client, draft, mangle):
    token = mangle(preview.make_token(draft))
    response = client.get(f"/preview/{token}/")
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_a_signed_token_of_the_wrong_shape_is_400(client, draft):
    token = signing.dumps(["a", "list"], salt=preview.SALT)
    assert client.get(f"/preview/{token}/").status_code == 400


def test_revoking_stops_every_link_given_so_far(client, editor, draft):
    client.force_login(editor)
    old = share(client, draft)
    client.post(reverse("admin:articles_article_revoke_preview", args=[draft.pk]))
    client.logout()
    response = client.get(old)
    assert response.status_code == 403
    assert "withdrawn" in response.content.decode()
    draft.refresh_from_db()
    assert client.get(preview.preview_url(draft)).status_code == 200


def test_a_link_stops_working_once_the_article_is_published(client, editor, draft):
    path = preview.preview_url(draft)
    client.force_login(editor)
    press(client, draft, "publish")
    client.logout()
    response = client.get(path)
    assert response.status_code == 410
    html = response.content.decode()
    assert "has been published" in html
    draft.refresh_from_db()
    assert draft.get_absolute_url() in html


def test_a_link_to_a_deleted_article_is_410(client, draft):
    path = preview.preview_url(draft)
    Article.objects.filter(pk=draft.pk).delete()
    assert client.get(path).status_code == 410


def test_sharing_and_revoking_refuse_get_and_other_peoples_articles(client, writer, draft):
    client.force_login(writer)
    share_url = reverse("admin:articles_article_share_preview", args=[draft.pk])
    revoke_url = reverse("admin:articles_article_revoke_preview", args=[draft.pk])
    assert client.get(share_url).status_code == 405
    assert client.post(share_url).status_code == 403
    assert client.post(revoke_url).status_code == 403
