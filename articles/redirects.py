"""Old addresses answer 301 to where their page is now; ordinary pages pay nothing for it.

The middleware looks at the answer first and asks the database only when it is a 404, the
way django.contrib.redirects does.
"""

from django.core.exceptions import DisallowedRedirect
from django.http import HttpResponsePermanentRedirect

from newsroom.sanitize import strip_control_characters

from .models import REDIRECT_PATH_LENGTH, Redirect


def redirect_fallback(get_response):
    def middleware(request):
        response = get_response(request)
        if response.status_code != 404 or request.method not in {"GET", "HEAD"}:
            return response
        return redirect_for(request) or response

    return middleware


def candidate_paths(path: str) -> list[str]:
    """The stored forms an address may have: as asked, and with or without its final slash."""
    if len(path) > REDIRECT_PATH_LENGTH or strip_control_characters(path) != path:
        return []
    if not path.startswith("/"):
        return []
    other = path.rstrip("/") if path.endswith("/") else path + "/"
    return [path, other] if other and other != path else [path]


def redirect_for(request):
    """A 301 to the redirect stored for this request's address, or None."""
    paths = candidate_paths(request.path)
    if not paths:
        return None
    found = dict(Redirect.objects.filter(old_path__in=paths).values_list("old_path", "target"))
    target = next((found[path] for path in paths if path in found), None)
    if not target or target == request.path:
        return None
    query = request.META.get("QUERY_STRING", "")
    if query and "?" not in target and "#" not in target:
        target = f"{target}?{query}"
    try:
        return HttpResponsePermanentRedirect(target)
    except DisallowedRedirect:
        return None
