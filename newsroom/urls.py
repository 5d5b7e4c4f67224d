from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from newsroom import views as newsroom_views

handler500 = "newsroom.views.server_error"

# The article list and edit pages need the width more than a second menu of the apps.
admin.site.enable_nav_sidebar = False
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = f"{settings.SITE_NAME} admin"
admin.site.index_title = "Editorial desk"

urlpatterns = [
    path("healthz", newsroom_views.healthz, name="healthz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    # Before the articles: the comments app adds a feed below each article's address.
    path("", include("comments.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(
            r"^{}(?P<path>.*)$".format(settings.MEDIA_URL.lstrip("/")),
            newsroom_views.serve_media,
        )
    ]
