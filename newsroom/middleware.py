"""Response headers every answer carries, whichever part of the project produced it."""

from django.conf import settings

# Responses made to be shown inside other sites: feeds (web feed readers fetch and display
# them) and uploaded pictures (link previews on social networks and in messengers).
FEED_TYPES = {"application/rss+xml", "application/atom+xml"}


def _embeddable(request, response) -> bool:
    content_type = response.get("Content-Type", "").split(";")[0].strip()
    if content_type in FEED_TYPES:
        return True
    return request.path.startswith(settings.MEDIA_URL) and content_type.startswith("image/")


def security_headers(get_response):
    """Permissions-Policy and Cross-Origin-Resource-Policy on every response, and the
    admin's own Content Security Policy.

    Sits above the rendered-page cache and WhiteNoise, so what they answer gets the same.
    The admin is recognised by its path because its pages come from many views (Django's,
    the apps' and third-party ones); reader pages keep SECURE_CSP, which has no nonce.
    """
    admin_prefix = "/" + settings.ADMIN_PATH

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        response.headers.setdefault(
            "Cross-Origin-Resource-Policy",
            "cross-origin"
            if _embeddable(request, response)
            else settings.CROSS_ORIGIN_RESOURCE_POLICY,
        )
        if request.path.startswith(admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response

    return middleware
