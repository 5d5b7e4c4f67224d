"""EMAIL_URL becomes the MAILERS entry Django sends mail with."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from newsroom.email_url import parse

SMTP = "django.core.mail.backends.smtp.EmailBackend"

CASES = [
    (
        "smtp://news%40example.com:p%3Ass@mail.example.com:587",
        {
            "BACKEND": SMTP,
            "OPTIONS": {
                "host": "mail.example.com",
                "port": 587,
                "username": "news@example.com",
                "password": "p:ss",
                "use_tls": True,
                "use_ssl": False,
                "timeout": 10,
            },
        },
    ),
    (
        "smtps://relay.example.com?timeout=30",
        {
            "BACKEND": SMTP,
            "OPTIONS": {
                "host": "relay.example.com",
                "port": 465,
                "username": "",
                "password": "",
                "use_tls": False,
                "use_ssl": True,
                "timeout": 30,
            },
        },
    ),
    (
        "smtp://localhost",
        {
            "BACKEND": SMTP,
            "OPTIONS": {
                "host": "localhost",
                "port": 25,
                "username": "",
                "password": "",
                "use_tls": False,
                "use_ssl": False,
                "timeout": 10,
            },
        },
    ),
    ("console:", {"BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    (
        "file:///srv/newsroom/var/mail",
        {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": "/srv/newsroom/var/mail"},
        },
    ),
]


@pytest.mark.parametrize(("url", "entry"), CASES)
def test_an_email_url_names_the_backend_and_its_options(url, entry):
    assert parse(url) == entry


def test_tls_can_be_asked_for_on_any_port():
    assert parse("smtp://mail.example.com:2525?tls=true")["OPTIONS"]["use_tls"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://mail.example.com", "EMAIL_URL must start with one of"),
        ("smtp://", "needs a host name"),
        ("smtp://mail.example.com:notaport", "not a number"),
        ("file://", "needs a folder"),
    ],
)
def test_a_broken_email_url_stops_the_start_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        parse(url)
