"""The admin site: Django's, with a second login step for staff who use two factors."""

import datetime

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.db.models import Max, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils import timezone

from . import twofactor


class NewsroomAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and twofactor.is_satisfied(request)

    def login(self, request, extra_context=None):
        # Whoever got past the password but still owes a code goes to the second step,
        # whether they just typed the password or come back to the admin later.
        if twofactor.owes_second_factor(request):
            return twofactor.redirect_to_second_step(request)
        response = super().login(request, extra_context)
        if isinstance(response, HttpResponseRedirect) and twofactor.owes_second_factor(request):
            return twofactor.redirect_to_second_step(request, next_url=response.url)
        return response

    def get_urls(self):
        return [
            path("two-factor/", twofactor.verify, name="two-factor-verify"),
            path("two-factor/setup/", twofactor.setup, name="two-factor-setup"),
            path("two-factor/setup/qr.svg", twofactor.qr_code, name="two-factor-qr"),
            path(
                "two-factor/recovery-codes/",
                twofactor.new_recovery_codes,
                name="two-factor-recovery-codes",
            ),
            path("two-factor/cancel/", twofactor.cancel, name="two-factor-cancel"),
            *super().get_urls(),
        ]


def address_failure_limit() -> int:
    """Failed logins from one address, whatever the usernames, before that address waits."""
    return getattr(settings, "AXES_ADDRESS_FAILURE_LIMIT", 30)


def _recent(attempts, request):
    cool_off = get_cool_off(request) or datetime.timedelta(0)
    return attempts.filter(attempt_time__gte=timezone.now() - cool_off)


def address_failures(request) -> int:
    """Failed logins from the request's address within the cool-off, for every username."""
    ip = getattr(request, "axes_ip_address", None)
    if not ip:
        return 0
    attempts = _recent(AccessAttempt.objects.filter(ip_address=ip), request)
    return attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0


class NewsroomAxesHandler(AxesDatabaseHandler):
    """django-axes' database handler, plus a slower limit per address across usernames.

    Axes locks a username and address pair (AXES_LOCKOUT_PARAMETERS), so one person's typos
    lock only themselves and a stranger cannot lock a named editor out. Trying many
    usernames from one address (password spraying) meets this second, higher limit.
    """

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or self.address_is_locked(request)

    def address_is_locked(self, request) -> bool:
        return getattr(settings, "AXES_LOCK_OUT_AT_FAILURE", True) and (
            address_failures(request) >= address_failure_limit()
        )

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        # Axes flags only the pair's own lockout; the address's is flagged here, so the
        # refusal (and the failure that reaches the limit) gets the lockout page.
        if request is not None and self.address_is_locked(request):
            request.axes_locked_out = True


def retry_time(request, credentials=None):
    """When the refused login may be tried again: the lock's last failure plus the cool-off."""
    cool_off = get_cool_off(request)
    if not cool_off:
        return None
    ip = getattr(request, "axes_ip_address", None)
    username = get_client_username(request, credentials)
    pair = _recent(AccessAttempt.objects.filter(ip_address=ip, username=username), request)
    pair_failures = pair.aggregate(n=Sum("failures_since_start"))["n"] or 0
    if pair_failures >= get_failure_limit(request, credentials):
        attempts = pair
    else:
        attempts = _recent(AccessAttempt.objects.filter(ip_address=ip), request)
    last = attempts.aggregate(last=Max("attempt_time"))["last"] or timezone.now()
    return last + cool_off


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login it refuses: the admin's look, and when to try again."""
    retry_at = retry_time(request, credentials)
    now = timezone.now()
    minutes = None
    if retry_at:
        minutes = max(1, int((retry_at - now).total_seconds() + 59) // 60)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "retry_at": retry_at,
        "retry_today": retry_at and timezone.localdate(retry_at) == timezone.localdate(now),
        "minutes": minutes,
    }
    return render(request, "admin/locked_out.html", context, status=429)
