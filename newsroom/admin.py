"""The admin site: Django's, with a second login step for staff who use two factors."""

from django.contrib import admin
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import path

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


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer to a login it refuses: the admin's look, and how long to wait."""
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    context = {
        **admin.site.each_context(request),
        "title": "Too many failed logins",
        "minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "admin/locked_out.html", context, status=429)
