"""Staff-only views of the library: private files, and uploads (a page, or JSON for the
article form's "upload in place"). Mounted by the image admin (admin.py), behind the
admin's login, two factors and permissions."""

import mimetypes

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousFileOperation
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_safe

from newsroom.views import SAFE_MEDIA_TYPES

from .storage import private_storage

PRIVATE_CACHE_CONTROL = "private, max-age=600"


@require_safe
def private_file(request, name, *, allowed):
    """A private original or rendition, for staff who may see the library.

    Anyone else gets 403: a visitor without a staff login (and two factors where they are
    required), and staff without the permission. Only the library's own files are served,
    as pictures, and no shared cache keeps them.
    """
    if not allowed(request):
        raise PermissionDenied
    if not name.startswith("library/") or ".." in name.split("/"):
        raise Http404("No such file.")
    storage = private_storage()
    content_type = mimetypes.guess_type(name)[0]
    if content_type not in SAFE_MEDIA_TYPES:
        raise Http404("No such file.")
    try:
        try:
            storage.path(name)
        except NotImplementedError:
            # Object storage: a signed link that expires, never a public address.
            response = HttpResponseRedirect(storage.url(name))
        else:
            response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    except (SuspiciousFileOperation, OSError, ValueError):
        raise Http404("No such file.") from None
    response["Cache-Control"] = PRIVATE_CACHE_CONTROL
    response["Content-Security-Policy"] = settings.MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    return response


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def upload_json(request, form, describe):
    """The JSON side of the upload view: 201 with the new images, or 400 with each error."""
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    with transaction.atomic():
        made = form.save(by=request.user)
    return JsonResponse({"images": [describe(image) for image in made]}, status=201)
