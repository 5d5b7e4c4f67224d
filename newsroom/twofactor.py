"""Two-factor authentication for the admin: authenticator apps (TOTP) and recovery codes.

Built on django-otp's devices. After the password, a member of staff who has set up an
authenticator app types a code from it (or one of their recovery codes); one who must use
two factors (REQUIRE_2FA, for superusers and TWO_FACTOR_GROUPS) and has not set it up yet is
taken through setting it up. Until then the admin lets them do nothing else. Other staff
may turn it on for themselves from the link beside "Log out".

Wrong codes are slowed down by django-otp's throttling (each failure doubles the wait), on
top of django-axes' limit on passwords.
"""

import io
from base64 import b32encode
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

_SESSION_KEY = "two_factor_enrolled"


# Who must do what ------------------------------------------------------------------------


def is_required(user) -> bool:
    """Whether this account may only use the admin with a second factor."""
    if not (settings.REQUIRE_2FA and user.is_authenticated and user.is_staff):
        return False
    return user.is_superuser or user.groups.filter(name__in=settings.TWO_FACTOR_GROUPS).exists()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def _enrolled(request) -> bool:
    """is_enrolled(), remembered in the session so admin pages cost no query for it.

    Known afresh at every login; changed here when its owner sets it up.
    """
    remembered = request.session.get(_SESSION_KEY)
    if remembered is None or remembered[0] != request.user.pk:
        remembered = (request.user.pk, is_enrolled(request.user))
        request.session[_SESSION_KEY] = remembered
    return remembered[1]


def _verified(request) -> bool:
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def is_satisfied(request) -> bool:
    """Whether the logged-in user has given every factor their account asks for."""
    if not request.user.is_authenticated or _verified(request):
        return True
    return not _enrolled(request) and not is_required(request.user)


def owes_second_factor(request) -> bool:
    user = request.user
    return user.is_authenticated and user.is_active and user.is_staff and not is_satisfied(request)


def _next_url(request, fallback=None):
    url = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback or reverse("admin:index")


def redirect_to_second_step(request, next_url=None):
    name = "admin:two-factor-verify" if _enrolled(request) else "admin:two-factor-setup"
    query = urlencode({REDIRECT_FIELD_NAME: _next_url(request, next_url)})
    return HttpResponseRedirect(f"{reverse(name)}?{query}")


# Views -----------------------------------------------------------------------------------


def _staff_with_password(view):
    """The second-step pages: for active staff who have given their password."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return view(request, *args, **kwargs)

    return never_cache(wrapped)


def _render(request, template, context):
    context = {
        **admin.site.each_context(request),
        "next": _next_url(request),
        "required": is_required(request.user),
        **context,
    }
    return render(request, template, context)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )

    def clean_code(self):
        return "".join(self.cleaned_data["code"].split()).lower()


@_staff_with_password
def verify(request):
    """The second login step: a code from the app, or a recovery code."""
    user = request.user
    if not _enrolled(request):
        return redirect_to_second_step(request)
    if _verified(request):
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # Six digits come from the app; anything else can only be a recovery code. Asking
        # one device only keeps a mistyped code from counting against both.
        model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
        device = next(iter(model.objects.devices_for_user(user, confirmed=True)), None)
        if device is None or not _throttled(device, form):
            if device is not None and verify_token(user, device.persistent_id, code):
                request.session.cycle_key()
                otp_login(request, device)
                if model is StaticDevice:
                    _warn_codes_left(request, device)
                return HttpResponseRedirect(_next_url(request))
            form.add_error("code", "That code is not right. Check it and try again.")
    return _render(request, "admin/two_factor/verify.html", {"form": form, "title": "Log in"})


def _warn_codes_left(request, device):
    left = StaticToken.objects.filter(device=device).count()
    messages.warning(
        request,
        f"You used a recovery code; {left} left. If you have lost your phone, set up "
        "the authenticator app again from “Two-factor authentication”.",
    )


def _throttled(device, form) -> bool:
    """django-otp makes a device wait longer after each wrong code; say so rather than
    call a right code typed too soon wrong."""
    if device.verify_is_allowed()[0]:
        return False
    form.add_error("code", "Too many wrong codes. Wait a minute, then try again.")
    return True


def _needs_code_first(request):
    """Replacing an app someone already has takes a code from it: a password is not enough."""
    return _enrolled(request) and not _verified(request)


def _pending_device(user):
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


@_staff_with_password
def setup(request):
    """Set up an authenticator app: scan the code, type what the app shows, keep the
    recovery codes. Someone who already has one sees what they can do instead."""
    user = request.user
    if _needs_code_first(request):
        return redirect_to_second_step(request)
    if _enrolled(request) and request.method == "GET" and "new" not in request.GET:
        codes_left = StaticToken.objects.filter(device__user=user).count()
        return _render(
            request,
            "admin/two_factor/manage.html",
            {"title": "Two-factor authentication", "codes_left": codes_left},
        )
    device = _pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not _throttled(device, form):
        if device.verify_token(form.cleaned_data["code"]):
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = _replace_recovery_codes(user)
            request.session.cycle_key()
            otp_login(request, device)
            request.session[_SESSION_KEY] = (user.pk, True)
            return _render_codes(request, codes)
        form.add_error(
            "code", "That code is not right. Check the time on your phone and try again."
        )
    secret = b32encode(device.bin_key).decode()
    return _render(
        request,
        "admin/two_factor/setup.html",
        {
            "title": "Set up two-factor authentication",
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        },
    )


@_staff_with_password
def qr_code(request):
    """The setup code as an SVG picture (an image of our own origin, as the policy wants)."""
    if _needs_code_first(request):
        return HttpResponse(status=403)
    out = io.BytesIO()
    write_qrcode_image(_pending_device(request.user).config_url, out)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


def _replace_recovery_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def _render_codes(request, codes):
    return _render(
        request,
        "admin/two_factor/recovery_codes.html",
        {"title": "Your recovery codes", "codes": codes},
    )


@require_POST
@_staff_with_password
def new_recovery_codes(request):
    """A fresh set of recovery codes; the old ones stop working."""
    if not (_enrolled(request) and _verified(request)):
        return redirect_to_second_step(request)
    with transaction.atomic():
        codes = _replace_recovery_codes(request.user)
    return _render_codes(request, codes)


@require_POST
def cancel(request):
    """Log out from the second step (the admin's own logout needs a finished login)."""
    logout(request)
    return HttpResponseRedirect(reverse("admin:login"))
