from django.utils.functional import SimpleLazyObject

from .models import all_sections


def navigation(request):
    # Lazy: pages that never show the navigation (feeds, sitemaps) never look it up.
    return {"nav_sections": SimpleLazyObject(lambda: all_sections(request))}
