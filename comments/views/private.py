"""What every page opened from a signed link shares: the commenter's own, and the moderators'.

Each is private (no shared cache, no search engine, no Referer carrying the token away) and
changes nothing on GET: mail programs and scanners open links by themselves, so every change
waits for a button on the page. The POSTs are exempt from the cookie-based CSRF check (these
pages set no cookie); the token in the address is the secret a forger would need, and
browsers' Origin and Sec-Fetch-Site headers are checked as for the comment form.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from .. import abuse, links


def private(response):
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # No Referer carrying the token to other sites; same-origin keeps the Origin header of
    # this page's own forms (with no-referrer, browsers send "Origin: null").
    response["Referrer-Policy"] = "same-origin"
    return response


def page(request, template, context, status=200):
    return private(render(request, f"comments/{template}.html", context, status=status))


def problem(request, error):
    return page(request, "link_problem", {"error": error}, status=error.status)


def from_elsewhere(request):
    if abuse.check_same_site(request):
        message = _("This request came from another website.")
        return problem(request, links.LinkError(403, message))
    return None
