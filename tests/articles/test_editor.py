"""The admin's body editor: served from our own static files, and its markup kept on save."""

import pytest
from django.urls import reverse

from newsroom.sanitize import clean_article_html
from tests.factories import UserFactory
from tests.markup import Markup

pytestmark = pytest.mark.django_db

# What the editor writes for each of its features (as ProseMirror serialises them).
EDITOR_OUTPUT = [
    ("subheadings", "<h2>What happens next</h2><h3>The objections</h3>"),
    ("bullet-list", "<ul><li><p>Flood risk</p></li><li><p>Traffic</p></li></ul>"),
    ("ordered-list", "<ol><li><p>Consultation</p></li><li><p>Vote</p></li></ol>"),
    ("link", '<p><a href="https://example.com/plan" rel="noopener">the plan</a></p>'),
    ("mail-link", '<p><a href="mailto:desk@example.com" rel="noopener">the desk</a></p>'),
    ("quote", "<blockquote><p>We will build.</p></blockquote>"),
    ("pull-quote", '<blockquote class="pull-quote"><p>We will build.</p></blockquote>'),
    ("social-post", '<blockquote class="social-post"><p>The vote is in.</p></blockquote>'),
    ("image", '<figure><img src="/media/library/wall.jpg" alt="The wall"></figure>'),
    (
        "image-with-caption",
        '<figure><img src="/media/library/wall.jpg" alt="The wall">'
        "<figcaption>The wall at high tide.</figcaption></figure>",
    ),
    ("marks-rule-break", "<p><strong>Bold</strong> <em>italic</em><br>next</p><hr>"),
]


@pytest.mark.parametrize("html", [h for _, h in EDITOR_OUTPUT], ids=[i for i, _ in EDITOR_OUTPUT])
def test_every_editor_feature_survives_the_article_policy(html):
    assert clean_article_html(html) == html


def test_the_editors_figure_class_is_dropped_but_the_figure_kept():
    html = '<figure class="figure"><img src="/media/a.jpg" alt="A"></figure>'
    cleaned = clean_article_html(html)
    assert '"figure"' not in cleaned
    assert '<img src="/media/a.jpg" alt="A"></figure>' in cleaned


def test_admin_article_form_loads_the_editor_from_our_static_files(client):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    response = client.get(reverse("admin:articles_article_add"))
    markup = Markup(response.content)
    [body] = [attrs for tag, attrs in markup.elements if attrs.get("name") == "body"]
    assert "data-django-prose-editor-configurable" in body
    scripts = [attrs["src"] for tag, attrs in markup.elements if tag == "script" and "src" in attrs]
    assert "/static/django_prose_editor/editor.js" in scripts
    # Nothing from another origin: no CDN.
    assert not [src for src in scripts if not src.startswith("/")]
    assert not [src for src in scripts if src.startswith("//")]
    assert "This is a substantive update" in response.text
