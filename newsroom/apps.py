from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the site that asks staff for their second factor."""

    default_site = "newsroom.admin.NewsroomAdminSite"
