"""The production configuration, run as it runs in production: in processes of its own."""

import json
import os
import socket
import urllib.error
import urllib.request

import pytest

from tests.production import PYTHON, django_eval, production_env, run

# Every test here starts Django or gunicorn in processes of its own.
pytestmark = pytest.mark.slow

# Settings and checks ---------------------------------------------------------------------


def test_check_deploy_reports_nothing_with_production_settings():
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"], production_env()
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run([PYTHON, "manage.py", "check"], production_env(SECRET_KEY=None))
    assert result.returncode != 0
    assert "Set SECRET_KEY to a long random value" in result.stderr


def test_production_settings_turn_the_protections_on():
    values = django_eval(
        "from django.conf import settings as s\n"
        "print(json.dumps([s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.REQUIRE_2FA, "
        "s.SECURE_PROXY_SSL_HEADER, s.MAILERS['default']['BACKEND']]))",
        production_env(),
    )
    assert values == [
        31536000,
        True,
        True,
        True,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
        "django.core.mail.backends.smtp.EmailBackend",
    ]


def test_the_admin_moves_with_admin_path_and_keeps_its_own_policy(production_server):
    _url, static_root = production_server
    found = django_eval(
        "from django.test import Client\n"
        "from django.urls import reverse\n"
        "r = Client().get('/newsdesk/login/', secure=True, HTTP_HOST='news.example.com')\n"
        "print(json.dumps([reverse('admin:index'), r.status_code, "
        "'nonce-' in r['Content-Security-Policy'], 'Log in' in r.text]))",
        production_env(
            ADMIN_PATH="newsdesk", DATABASE_URL="sqlite:///:memory:", STATIC_ROOT=str(static_root)
        ),
    )
    assert found == ["/newsdesk/", 200, True, True]


def test_make_serve_says_what_it_needs():
    result = run(["bash", "tools/serve"], {"PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    assert result.returncode == 2
    for name in ("SECRET_KEY", "DATABASE_URL", "REDIS_URL"):
        assert name in result.stderr


# Media storage ---------------------------------------------------------------------------

S3_ENV = {
    "MEDIA_STORAGE": "s3",
    "S3_BUCKET": "newsroom-media",
    "S3_REGION": "eu-west-1",
    "S3_ENDPOINT_URL": "http://127.0.0.1:1",
    "S3_ACCESS_KEY_ID": "AKIAEXAMPLE",
    "S3_SECRET_ACCESS_KEY": "not-a-real-secret",
    "S3_CUSTOM_DOMAIN": "media.example.com",
}


def test_media_go_to_an_s3_bucket_by_configuration_alone():
    """The storage is chosen and configured from the environment; nothing is sent."""
    found = django_eval(
        "from django.core.files.storage import storages\nd = storages['default']\n"
        "from django.conf import settings as s\n"
        "print(json.dumps([type(d).__module__ + '.' + type(d).__name__, d.bucket_name,"
        " d.endpoint_url, d.location, d.file_overwrite, d.url('pictures/a.jpg'),"
        " s.SECURE_CSP['img-src']]))",
        production_env(**S3_ENV),
    )
    assert found == [
        "storages.backends.s3.S3Storage",
        "newsroom-media",
        "http://127.0.0.1:1",
        "media",
        False,
        "https://media.example.com/media/pictures/a.jpg",
        ["'self'", "https://media.example.com"],
    ]


def test_media_stay_on_the_local_disk_by_default():
    found = django_eval(
        "from django.core.files.storage import storages\nd = storages['default']\n"
        "print(json.dumps(type(d).__name__))",
        production_env(),
    )
    assert found == "FileSystemStorage"


def test_an_s3_storage_without_a_bucket_is_refused():
    result = run([PYTHON, "manage.py", "check"], production_env(MEDIA_STORAGE="s3"))
    assert result.returncode != 0
    assert "MEDIA_STORAGE=s3 needs S3_BUCKET" in result.stderr


# gunicorn with the database and Redis down ----------------------------------------------


def fetch(url, headers=None):
    request = urllib.request.Request(url, headers={"Host": "127.0.0.1", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_static_files_are_served_compressed_with_far_future_headers(production_server):
    url, static_root = production_server
    manifest = json.loads((static_root / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    status, headers, body = fetch(f"{url}/static/{hashed}", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert body[:2] == b"\x1f\x8b"


def test_readers_get_the_503_page_while_the_database_is_down(production_server):
    url, _static = production_server
    status, headers, body = fetch(f"{url}/")
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert headers["Cache-Control"] == "no-store"
    assert "Content-Security-Policy" in headers
    html = body.decode()
    assert "We'll be back in a moment" in html
    # The collected, hashed stylesheet: the page keeps the site's look.
    assert "/static/css/site." in html and ".css" in html


def test_healthz_names_every_service_that_is_down(production_server):
    url, _static = production_server
    status, headers, body = fetch(f"{url}/healthz")
    assert status == 503
    assert body == b"database unavailable; cache unavailable\n"
    assert headers["Cache-Control"] == "no-store"


def test_gunicorn_refuses_a_garbled_request_line(production_server):
    url, _static = production_server
    port = int(url.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(b"GET /\x00\xff HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        answer = conn.recv(200)
    assert answer.startswith(b"HTTP/1.1 400")
