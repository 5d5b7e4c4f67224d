"""Old addresses answer 301 to where their page is now; ordinary pages pay nothing for it.

The middleware looks at the answer first and asks the database only when it is a 404, the
way django.contrib.redirects does. One exception: WordPress's own short addresses
(/?p=123, /?page_id=123) are the front page with a query, never a 404; they are looked up
by their WordPress id, and only when the query has one of those keys, so the front page
itself costs nothing more.
"""

from django.core.exceptions import DisallowedRedirect
from django.http import HttpResponsePermanentRedirect

from newsroom import images
from newsroom.media.models import Image
from newsroom.sanitize import strip_control_characters

from . import body_pictures
from .models import REDIRECT_PATH_LENGTH, Article, Redirect, WordPressLink

# The query keys of WordPress's short addresses: /?p=123 for a post, /?page_id=123 for a page.
WORDPRESS_ID_KEYS = ("p", "page_id")


def redirect_fallback(get_response):
    def middleware(request):
        if request.method in {"GET", "HEAD"} and request.path in {"/", "/index.php"}:
            shortlink = wordpress_shortlink(request)
            if shortlink is not None:
                return shortlink
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
    found = {
        old_path: (target, image_id)
        for old_path, target, image_id in Redirect.objects.filter(old_path__in=paths).values_list(
            "old_path", "target", "image_id"
        )
    }
    target, image_id = next((found[path] for path in paths if path in found), ("", None))
    if image_id is not None:
        target = picture_address(image_id)
    if not target or target == request.path:
        return None
    query = request.META.get("QUERY_STRING", "")
    if query and "?" not in target and "#" not in target:
        target = f"{target}?{query}"
    try:
        return HttpResponsePermanentRedirect(target)
    except DisallowedRedirect:
        return None


def picture_address(image_id) -> str:
    """The largest public rendition of a library picture, or "" while it is not public
    (an old address of a draft's picture answers 404 like the draft)."""
    image = Image.objects.public().filter(pk=image_id).first()
    if image is None:
        return ""
    return image.picture_url(body_pictures.KIND, images.BODY_WIDTHS[-1])


def wordpress_shortlink(request):
    """A 301 from /?p=123 to the article WordPress post 123 became, or None (no query)."""
    if not request.META.get("QUERY_STRING"):
        return None
    for key in WORDPRESS_ID_KEYS:
        value = request.GET.get(key, "")
        if value:
            article = article_for_wordpress_id(value)
            return HttpResponsePermanentRedirect(article.get_absolute_url()) if article else None
    return None


def article_for_wordpress_id(post_id: str):
    """The public article a WordPress post id became on any imported site, or None."""
    if not post_id.isdigit() or len(post_id) > 19:
        return None
    ids = WordPressLink.objects.filter(kind=WordPressLink.Kind.POST, key=post_id).values(
        "object_id"
    )
    for article in Article.objects.filter(pk__in=ids).order_by("pk"):
        if article.is_public:
            return article
    return None
