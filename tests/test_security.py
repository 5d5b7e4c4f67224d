"""Security headers, the Content Security Policy, the client's address and served uploads."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from newsroom.http import client_ip, rate_limit_key
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent


def directives(policy):
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


@pytest.fixture
def reader_pages(article):
    return [
        "/",
        article.get_absolute_url(),
        article.section.get_absolute_url(),
        "/search/?q=harbour",
        "/no-such-page/",
    ]


def test_reader_pages_have_a_strict_policy_without_nonce(client, reader_pages):
    """Shared pages get the same policy for everyone: own origin only, nothing inline."""
    for url in reader_pages:
        response = client.get(url)
        policy = directives(response["Content-Security-Policy"])
        assert policy["script-src"] == ["'self'"], url
        assert policy["style-src"] == ["'self'"], url
        assert policy["img-src"] == ["'self'"], url
        assert policy["font-src"] == ["'self'"], url
        assert policy["object-src"] == ["'none'"], url
        assert policy["base-uri"] == ["'none'"], url
        assert policy["frame-ancestors"] == ["'none'"], url
        assert policy["form-action"] == ["'self'"], url
        header = response["Content-Security-Policy"]
        for forbidden in ("nonce-", "unsafe-inline", "unsafe-eval", "http:", "https:"):
            assert forbidden not in header, (url, forbidden)


def test_reader_pages_carry_the_other_security_headers(client, reader_pages):
    for url in reader_pages:
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["X-Frame-Options"] == "DENY"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_anonymous_reader_pages_set_no_cookie_and_do_not_vary_on_cookies(client, reader_pages):
    """What a cache may share between visitors: no Set-Cookie, no Vary: Cookie."""
    for url in reader_pages:
        response = client.get(url)
        assert not response.cookies, url
        assert "cookie" not in response.get("Vary", "").lower(), url


def test_the_healthz_page_and_static_files_carry_the_headers_too(client):
    for response in (client.get("/healthz"), client.get("/static/css/site.css")):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" in response
        assert "Permissions-Policy" in response


def test_the_admin_gets_a_nonce_for_the_editor_import_map(client, editor, article):
    """The body editor's import map is inline; the admin's policy lets it run by nonce."""
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
    html = response.text
    assert f'<script type="importmap" nonce="{nonce}">' in html
    policy = directives(response["Content-Security-Policy"])
    # Styles: our own, and the one stylesheet the editor adds, by its hash.
    assert policy["style-src"] == ["'self'", settings.PROSE_EDITOR_STYLE_HASH]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_the_login_page_has_the_strict_admin_policy(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert [v for v in policy["script-src"] if not v.startswith("'nonce-")] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]


# Templates: nothing inline that the policy would block -------------------------------------

TEMPLATE_DIRS = [ROOT / "templates", *ROOT.glob("*/templates")]
INLINE = [
    (re.compile(r"\sstyle\s*=", re.I), "style attribute"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "event handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
    # A script element without src runs inline code, unless it is a JSON-LD data block.
    (
        re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/ld\+json\")", re.I),
        "inline <script>",
    ),
]


def template_files():
    return sorted(
        path
        for folder in TEMPLATE_DIRS
        for path in folder.rglob("*")
        if path.suffix in {".html", ".txt", ".xml"}
    )


def test_templates_were_found():
    names = {path.name for path in template_files()}
    assert {"base.html", "article_detail.html", "503.html", "verify.html"} <= names


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_has_inline_script_or_style(path):
    text = path.read_text()
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert match is None, f"{what} in {path.relative_to(ROOT)}: {match and match[0]!r}"


# The client's address --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (0, "203.0.113.9", None, "203.0.113.9"),
        # Without a trusted proxy, the header is the visitor's word and proves nothing.
        (0, "203.0.113.9", "198.51.100.1", "203.0.113.9"),
        (1, "10.0.0.2", "198.51.100.1", "198.51.100.1"),
        # A visitor's own X-Forwarded-For is kept by the proxy, which appends the real one.
        (1, "10.0.0.2", "192.0.2.66, 198.51.100.1", "198.51.100.1"),
        (2, "10.0.0.2", "192.0.2.66, 198.51.100.1, 10.0.0.1", "198.51.100.1"),
        # Fewer hops than proxies: misconfigured, so only the connection is believed.
        (2, "10.0.0.2", "198.51.100.1", "10.0.0.2"),
        (1, "10.0.0.2", "", "10.0.0.2"),
        # A malformed entry proves nothing either: the connection is counted instead.
        (1, "10.0.0.2", "not-an-address", "10.0.0.2"),
        (1, "10.0.0.2", "198.51.100.1\x00", "10.0.0.2"),
        (2, "10.0.0.2", "300.1.1.1, 10.0.0.1", "10.0.0.2"),
        (1, "10.0.0.2", "2001:db8::1", "2001:db8::1"),
        (0, "", None, None),
    ],
)
def test_client_ip(settings, proxies, remote, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    assert client_ip(RequestFactory().get("/", **headers)) == expected


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("198.51.100.7", "198.51.100.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("::ffff:198.51.100.7", "198.51.100.7"),
        ("", None),
        (None, None),
        ("garbage", None),
    ],
)
def test_rate_limits_count_an_ipv6_address_by_its_64_network(address, key):
    assert rate_limit_key(address) == key


def test_a_malformed_forwarded_header_does_not_skip_the_flood_limit(client, settings, article):
    """The connection's address is counted when the proxy's entry is not an address.

    Posts follow their redirect: to the new comment (200), or to the refused form (429).
    """
    settings.TRUSTED_PROXY_COUNT = 1
    DiscussionSettings.objects.create(rate_limit_seconds=60)

    def post(forwarded, email):
        return client.post(
            f"/comments/post/{article.pk}/",
            form_data(article, author_email=email, body=f"A comment from {email}."),
            headers={"Sec-Fetch-Site": "same-origin"},
            follow=True,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert post("not-an-address", "one@example.net").status_code == 200
    assert post("still, not, one", "two@example.net").status_code == 429


def test_ipv6_visitors_in_one_64_network_share_a_flood_limit(client, settings, article):
    DiscussionSettings.objects.create(rate_limit_seconds=60)

    def post(address, email):
        return client.post(
            f"/comments/post/{article.pk}/",
            form_data(article, author_email=email, body=f"A comment from {email}."),
            headers={"Sec-Fetch-Site": "same-origin"},
            follow=True,
            REMOTE_ADDR=address,
        )

    assert post("2001:db8:5:6::1", "one@example.net").status_code == 200
    assert post("2001:db8:5:6::2", "two@example.net").status_code == 429
    assert post("2001:db8:5:7::1", "three@example.net").status_code == 200


def test_comments_record_and_rate_limit_the_address_behind_the_proxy(client, settings, article):
    settings.TRUSTED_PROXY_COUNT = 1
    DiscussionSettings.objects.create(rate_limit_seconds=60)

    def post(visitor, email):
        return client.post(
            f"/comments/post/{article.pk}/",
            form_data(article, author_email=email, body=f"A comment from {email}."),
            headers={"Sec-Fetch-Site": "same-origin"},
            follow=True,
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=visitor,
        )

    assert post("198.51.100.7", "one@example.net").status_code == 200
    assert Comment.objects.get().ip_address == "198.51.100.7"
    # Another visitor behind the same proxy is not slowed down by the first...
    assert post("198.51.100.8", "two@example.net").status_code == 200
    # ...but the first one posting again at once is, whatever address they claim.
    assert post("192.0.2.1, 198.51.100.7", "three@example.net").status_code == 429


# Uploaded files as Django serves them ----------------------------------------------------


@pytest.fixture
def media_file(media_root):
    def save(name, content):
        path = Path(media_root) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return settings.MEDIA_URL + name

    return save


def test_served_pictures_keep_their_type_under_a_sandbox(client, media_file):
    from tests.factories import image_bytes

    response = client.get(media_file("pictures/a.jpg", image_bytes(size=(10, 10))))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize(
    "name", ["page.html", "drawing.svg", "script.js", "notes.txt", "page.xhtml", "noext"]
)
def test_anything_but_a_picture_is_served_as_an_inert_download(client, media_file, name):
    """A file that reached the media folder by another way still cannot act as our page."""
    response = client.get(media_file(name, b"<script>alert(document.cookie)</script>"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"] == "attachment"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


# Cross-origin resource policy and the login redirect -------------------------------------


def test_pages_may_not_be_loaded_by_other_sites(client, reader_pages):
    for url in [*reader_pages, "/healthz", "/static/js/comments.js"]:
        assert client.get(url)["Cross-Origin-Resource-Policy"] == "same-origin", url


def test_feeds_and_pictures_are_meant_for_other_sites(client, article, media_file):
    """Web feed readers show our feeds, link previews our pictures: both load cross-origin."""
    from tests.factories import image_bytes

    for url in ["/rss.xml", reverse("articles:section-feed", args=[article.section.slug])]:
        assert client.get(url)["Cross-Origin-Resource-Policy"] == "cross-origin", url
    picture = client.get(media_file("pictures/b.jpg", image_bytes(size=(10, 10))))
    assert picture["Cross-Origin-Resource-Policy"] == "cross-origin"
    download = client.get(media_file("notes.txt", b"plain"))
    assert download["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.parametrize("next_url", [None, "https://elsewhere.example/", "//elsewhere.example/"])
def test_a_login_without_a_safe_next_lands_on_the_admin(client, editor, next_url):
    editor.set_password("a long passphrase for tests")
    editor.save()
    url = reverse("admin:login") + (f"?next={next_url}" if next_url else "")
    data = {"username": editor.username, "password": "a long passphrase for tests"}
    if next_url:
        data["next"] = next_url
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
