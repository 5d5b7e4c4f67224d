"""The form's signed timestamp, fetched fresh when a (possibly cached) page is shown."""

import time

import pytest
import time_machine
from django.core import signing

from comments.abuse import make_form_token
from comments.forms import CommentForm, blank_hidden_fields
from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_the_token_endpoint_signs_the_time_of_the_request(client, article):
    with time_machine.travel(1_900_000_000, tick=False):
        response = client.get(f"/comments/token/{article.pk}/")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
    value = signing.Signer(salt="comments.form-token").unsign(response.json()["token"])
    assert value == f"{article.pk}:1900000000"


def test_the_token_endpoint_knows_only_public_articles(client):
    draft = ArticleFactory(status="draft")
    assert client.get(f"/comments/token/{draft.pk}/").status_code == 404
    assert client.get("/comments/token/999999/").status_code == 404
    assert client.post(f"/comments/token/{draft.pk}/").status_code == 405


def test_a_post_right_after_the_page_was_shown_is_too_fast_even_from_an_old_page(
    client, article, post_comment
):
    """The cached page's token is hours old; the fresh one from the visit refuses a bot."""
    DiscussionSettings(min_seconds=3).save()
    stale = make_form_token(article.pk, now=time.time() - 3 * 3600)
    assert post_comment(article, token=stale, body="Posted from the old page.").status_code == 302
    fresh = client.get(f"/comments/token/{article.pk}/").json()["token"]
    response = post_comment(article, token=fresh)
    assert response.status_code == 400
    assert "That was very quick" in response.content.decode()
    assert Comment.objects.count() == 1


def test_article_pages_point_the_script_at_the_token_endpoint(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'data-token-url="/comments/token/{article.pk}/"' in html
    assert f'data-draft="{article.pk}"' in html


def test_the_page_after_an_accepted_post_tells_the_script_to_forget_the_draft(
    client, article, post_comment
):
    DiscussionSettings(auto_approve_known=False).save()
    response = post_comment(article)
    html = client.get(response["Location"]).content.decode()
    assert f'data-draft-article="{article.pk}" data-draft-posted="0"' in html
    assert "data-draft-posted" not in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.parametrize("parent", [None, 5])
def test_a_blank_forms_hidden_inputs_are_what_the_forms_own_widgets_write(parent):
    token = make_form_token(7)
    form = CommentForm(initial={"token": token, "parent": parent})
    assert blank_hidden_fields(token=token, parent=parent) == str(form["parent"]) + str(
        form["token"]
    )


def test_a_reply_address_puts_its_parent_in_the_blank_form(client, article):
    parent = CommentFactory(article=article)
    html = client.get(f"{article.get_absolute_url()}?replyto={parent.pk}").content.decode()
    assert f'<input type="hidden" name="parent" value="{parent.pk}" id="id_parent">' in html
    html = client.get(f"{article.get_absolute_url()}?replyto=999999").content.decode()
    assert '<input type="hidden" name="parent" id="id_parent">' in html
