"""Response headers every answer carries, whichever part of the project produced it."""

from django.conf import settings


def security_headers(get_response):
    """Permissions-Policy on every response, and the admin's own Content Security Policy.

    Sits above the rendered-page cache and WhiteNoise, so what they answer gets the same.
    The admin is recognised by its path because its pages come from many views (Django's,
    the apps' and third-party ones); reader pages keep SECURE_CSP, which has no nonce.
    """
    admin_prefix = "/" + settings.ADMIN_PATH

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if request.path.startswith(admin_prefix) and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return response

    return middleware
