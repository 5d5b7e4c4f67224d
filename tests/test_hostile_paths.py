"""Hostile paths under every address prefix: a 4xx answer, never a server error."""

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

PREFIXES = [
    "/media/",
    "/static/",
    "/news/",
    "/section/",
    "/tag/",
    "/author/",
    "/archive/",
    "/search/",
    "/comments/",
    "/" + settings.ADMIN_PATH,
    "/preview/",
]
TAILS = [
    "a" * 256,
    "a" * 5000,
    ("d" * 200 + "/") * 30,
    "%00",
    "a%00b.jpg",
    "%ff%fe",
    "%c0%af",
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e/%2e%2e/etc/passwd",
    "../../etc/passwd",
    "./././x",
    "a%5c..%5c..%5cwindows",
    "a\\..\\b",
    "%2f%2f",
    "x%0d%0aSet-Cookie:%20a=b",
    "%u0000",
    "con",
    "\u202e" + "gpj.exe",
    "2026/13/40/slug/",
    "-1/",
]


@pytest.fixture
def media_folder(media_root):
    """An existing media folder, so a file name is looked up inside it."""
    media_root.mkdir(parents=True, exist_ok=True)
    return media_root


@pytest.fixture
def quiet_client(client):
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("prefix", PREFIXES)
def test_no_hostile_path_is_a_server_error(quiet_client, media_folder, article, prefix):
    failures = []
    for tail in TAILS:
        status = quiet_client.get(prefix + tail).status_code
        if status >= 500:
            failures.append((prefix + tail[:40], status))
    assert failures == []


def test_an_over_long_media_name_is_not_found(quiet_client, media_folder):
    assert quiet_client.get(settings.MEDIA_URL + "a" * 256 + ".jpg").status_code == 404
