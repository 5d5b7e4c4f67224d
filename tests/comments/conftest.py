import re
import time

import pytest

from articles.roles import EDITOR
from comments.abuse import make_form_token
from comments.models import DiscussionSettings
from tests.factories import UserFactory


@pytest.fixture
def discussion(db):
    """The discussion settings as shipped, saved so tests can change them."""
    settings = DiscussionSettings()
    settings.save()
    return settings


@pytest.fixture
def comment_editor(roles):
    """A member of the "Editor" group: moderates comments too."""
    user = UserFactory(username="comment-editor", is_staff=True)
    user.groups.add(roles[EDITOR])
    return user


def form_data(article, **fields):
    """A complete, valid submission, from a form shown ten seconds ago."""
    data = {
        "author_name": "Ines Albarrán",
        "author_email": "ines@example.net",
        "author_url": "",
        "body": "The harbour plan leaves out the ferry users entirely.",
        "token": make_form_token(article.pk, now=time.time() - 10),
        "parent": "",
        "contact_fax": "",
    }
    data.update(fields)
    return data


@pytest.fixture
def post_comment(client):
    """Posts to an article's comment URL as a same-origin browser form would.

    A refusal redirects to the article showing the form and its errors: that redirect is
    followed, as the browser does, so the answer is that page. An accepted comment's
    redirect is returned as it is.
    """

    def post(article, headers=None, **fields):
        headers = {"Sec-Fetch-Site": "same-origin", **(headers or {})}
        response = client.post(
            f"/comments/post/{article.pk}/", form_data(article, **fields), headers=headers
        )
        if response.status_code == 303:
            return client.get(response["Location"], headers=headers)
        return response

    return post


def field_value(html, name):
    match = re.search(rf'name="{name}"[^>]*value="([^"]*)"', html)
    return match[1] if match else None


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what waits for the commit (the notification tasks) at the end of the block."""

    def block():
        return django_capture_on_commit_callbacks(execute=True)

    return block


LINK = re.compile(r"https?://[^/\s]+(/comments/[a-z]+/[^/\s]+/(?:withdraw/)?)")


def links_in(text, kind):
    """The paths of the signed links of one kind (moderate, manage...) in an email's text."""
    return [path for path in LINK.findall(text) if path.startswith(f"/comments/{kind}/")]


def page_link(html, kind):
    """The path of the first signed link of one kind in a page."""
    match = re.search(rf'href="(?:https?://[^/"]+)?(/comments/{kind}/[^/"]+/)"', html)
    return match[1] if match else None
