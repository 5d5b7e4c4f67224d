from django.utils.functional import SimpleLazyObject

from .models import Section


def navigation(request):
    # Lazy: pages that never show the navigation (feeds, sitemaps) never query it.
    return {"nav_sections": SimpleLazyObject(lambda: list(Section.objects.all()))}
