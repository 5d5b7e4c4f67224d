"""Admin login protection: failed-login limits and two-factor authentication."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def log_in(client, username, password=PASSWORD, ip="198.51.100.20"):
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
    )


def code_for(device, offset=0):
    return (
        f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift + offset):06d}"
    )


@pytest.fixture
def two_factor(settings):
    settings.REQUIRE_2FA = True


def enrol(client, next_url="/admin/"):
    """Goes through the setup page as a person would; returns the device and the codes."""
    page = client.get(reverse("admin:two-factor-setup"), {"next": next_url})
    assert page.status_code == 200
    device = TOTPDevice.objects.get(confirmed=False)
    qr = client.get(reverse("admin:two-factor-qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    done = client.post(
        reverse("admin:two-factor-setup"), {"code": code_for(device), "next": next_url}
    )
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.text)
    return TOTPDevice.objects.get(pk=device.pk), codes


@pytest.fixture
def enrolled(client, two_factor, editor):
    """The editor has set up an app and logged out again: (device, recovery codes)."""
    log_in(client, "editor")
    device, codes = enrol(client)
    client.logout()
    return device, codes


# Two factors ---------------------------------------------------------------------------------


def test_an_editor_must_set_up_an_app_before_using_the_admin(client, two_factor, editor):
    response = log_in(client, "editor")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:two-factor-setup"))
    # Nothing else in the admin opens until it is done.
    for url in ("/admin/", reverse("admin:articles_article_changelist")):
        blocked = client.get(url)
        assert blocked.status_code == 302
        assert reverse("admin:login") in blocked["Location"] or "two-factor" in blocked["Location"]
    assert client.get(reverse("admin:login")).status_code == 302

    page = client.get(response["Location"])
    assert "Set up two-factor authentication" in page.text
    assert "Your account needs two-factor authentication" in page.text
    wrong = client.post(response["Location"], {"code": "000000", "next": "/admin/"})
    assert "That code is not right" in wrong.text
    assert not TOTPDevice.objects.filter(confirmed=True).exists()
    # A right code typed at once after a wrong one has to wait.
    pending = TOTPDevice.objects.get()
    retry = client.post(response["Location"], {"code": code_for(pending), "next": "/admin/"})
    assert "Too many wrong codes" in retry.text
    pending.throttle_reset()

    device, codes = enrol(client)
    assert device.confirmed
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/admin/").status_code == 200


def test_after_setup_each_login_asks_for_a_code(client, enrolled):
    device, _codes = enrolled
    response = log_in(client, "editor")
    assert response["Location"].startswith(reverse("admin:two-factor-verify"))
    assert client.get("/admin/").status_code == 302
    wrong = client.post(response["Location"], {"code": "123456", "next": "/admin/"})
    assert "That code is not right" in wrong.text
    device.refresh_from_db()
    device.throttle_reset()
    # The code used to set up is spent; the app's next one (within the tolerance) works.
    right = client.post(response["Location"], {"code": code_for(device, 1), "next": "/admin/"})
    assert right.status_code == 302
    assert right["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_recovery_code_works_once(client, enrolled):
    _device, codes = enrolled
    log_in(client, "editor")
    verify = reverse("admin:two-factor-verify")
    assert client.post(verify, {"code": codes[0].upper(), "next": "/admin/"}).status_code == 302
    assert client.get("/admin/").status_code == 200
    assert StaticToken.objects.count() == 9
    client.logout()

    log_in(client, "editor")
    again = client.post(verify, {"code": codes[0], "next": "/admin/"})
    assert again.status_code == 200
    assert "That code is not right" in again.text


def test_repeated_wrong_codes_are_slowed_down(client, enrolled):
    device, _codes = enrolled
    log_in(client, "editor")
    verify = reverse("admin:two-factor-verify")
    client.post(verify, {"code": "111111"})
    # The right code straight after a wrong one must wait: guessing cannot go fast.
    response = client.post(verify, {"code": code_for(device)})
    assert response.status_code == 200
    assert "Too many wrong codes" in response.text


def test_a_password_alone_cannot_replace_the_app(client, enrolled):
    log_in(client, "editor")
    setup = client.get(reverse("admin:two-factor-setup"), {"new": "1"})
    assert setup.status_code == 302
    assert setup["Location"].startswith(reverse("admin:two-factor-verify"))
    assert client.get(reverse("admin:two-factor-qr")).status_code == 403
    assert client.post(reverse("admin:two-factor-recovery-codes")).status_code == 302
    assert TOTPDevice.objects.count() == 1


def test_a_writer_may_log_in_without_two_factors_but_may_turn_it_on(client, two_factor, writer):
    response = log_in(client, "writer")
    assert response["Location"] == "/admin/"
    index = client.get("/admin/")
    assert index.status_code == 200
    assert reverse("admin:two-factor-setup") in index.text
    enrol(client)
    client.logout()
    # From then on, their logins ask for the code too.
    assert log_in(client, "writer")["Location"].startswith(reverse("admin:two-factor-verify"))


def test_superusers_need_two_factors_too(client, two_factor):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    assert log_in(client, "root")["Location"].startswith(reverse("admin:two-factor-setup"))


def test_without_require_2fa_an_editor_logs_straight_in(client, settings, editor):
    settings.REQUIRE_2FA = False
    assert log_in(client, "editor")["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_new_recovery_codes_replace_the_old_ones(client, two_factor, editor):
    log_in(client, "editor")
    _device, old = enrol(client)
    manage = client.get(reverse("admin:two-factor-setup"))
    assert "10 recovery codes left" in manage.text
    response = client.post(reverse("admin:two-factor-recovery-codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.text)
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_log_out_from_the_second_step(client, two_factor, editor):
    log_in(client, "editor")
    response = client.post(reverse("admin:two-factor-cancel"))
    assert response["Location"] == reverse("admin:login")
    assert "_auth_user_id" not in client.session


def test_the_next_address_must_be_ours(client, two_factor, editor):
    log_in(client, "editor")
    page = client.get(reverse("admin:two-factor-setup"), {"next": "https://evil.example/"})
    assert "evil.example" not in page.text


def test_two_factor_pages_need_a_password_first(client):
    for name in ("admin:two-factor-verify", "admin:two-factor-setup", "admin:two-factor-qr"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


# Failed-login limits -------------------------------------------------------------------------


@pytest.fixture
def axes(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8


OFFICE = "198.51.100.7"  # one address for the whole newsroom, behind the office's NAT
ELSEWHERE = "203.0.113.5"


def test_an_editors_typos_lock_that_editor_at_that_address_only(client, axes, editor, writer):
    for _ in range(2):
        assert log_in(client, "editor", "wrong", ip=OFFICE).status_code == 200
    assert log_in(client, "editor", "wrong", ip=OFFICE).status_code == 429
    # Even the right password is refused for that pair now...
    assert log_in(client, "editor", ip=OFFICE).status_code == 429
    # ...but the rest of the office logs in as usual.
    assert log_in(client, "writer", ip=OFFICE).status_code == 302


def test_the_same_editor_from_another_address_is_not_locked(client, axes, editor):
    for _ in range(3):
        log_in(client, "editor", "wrong", ip=OFFICE)
    assert log_in(client, "editor", ip=ELSEWHERE).status_code == 302


def test_a_stranger_elsewhere_cannot_lock_out_a_named_editor(client, axes, editor):
    for _ in range(10):
        log_in(client, "editor", "guess", ip=ELSEWHERE)
    assert log_in(client, "editor", "guess", ip=ELSEWHERE).status_code == 429
    assert log_in(client, "editor", ip=OFFICE).status_code == 302


def test_trying_many_usernames_from_one_address_meets_the_address_limit(client, axes, editor):
    """Password spraying: a few guesses for each of many names, from one address."""
    names = ["alice", "bob", "carol", "dave"]
    for name in names:
        for _ in range(2):  # under the per-account limit of 3 each
            log_in(client, name, "Spring2026!", ip=ELSEWHERE)
    # Eight failures from that address: it waits, whatever name it tries next.
    locked = log_in(client, "editor", ip=ELSEWHERE)
    assert locked.status_code == 429
    assert "Too many failed logins" in locked.text
    # Other addresses are not affected.
    assert log_in(client, "editor", ip=OFFICE).status_code == 302


def test_a_few_typos_across_a_newsroom_stay_under_the_address_limit(client, axes, editor):
    for name in ("amira", "jonas", "petra"):
        log_in(client, name, "typo", ip=OFFICE)
        log_in(client, name, "typo", ip=OFFICE)
    assert log_in(client, "editor", ip=OFFICE).status_code == 302


def test_the_lockout_says_when_to_try_again(client, axes, editor):
    frozen = timezone.make_aware(datetime.datetime(2026, 5, 4, 10, 12))
    with time_machine.travel(frozen, tick=False):
        for _ in range(3):
            log_in(client, "editor", "wrong", ip=OFFICE)
        locked = log_in(client, "editor", ip=OFFICE)
    assert locked.status_code == 429
    # The cool-off (30 minutes) counts from the last failure.
    assert "Try again after 10:42" in locked.text
    assert "in 30 minutes" in locked.text


def test_the_lockout_counts_the_address_behind_the_proxy(client, axes, settings, editor):
    settings.TRUSTED_PROXY_COUNT = 1

    def attempt(name, visitor, password="wrong"):
        return client.post(
            reverse("admin:login"),
            {"username": name, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=visitor,
        )

    for _ in range(3):
        attempt("dave", "198.51.100.50")
    assert attempt("dave", "198.51.100.50").status_code == 429
    # The same name from another visitor behind the same proxy is not locked.
    assert attempt("editor", "198.51.100.51", PASSWORD).status_code == 302


def test_staff_sessions_expire_within_a_working_day(settings):
    assert 8 * 3600 <= settings.SESSION_COOKIE_AGE <= 12 * 3600
