from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    """Django's admin, with the site that asks staff for their second factor."""

    default_site = "newsroom.admin.NewsroomAdminSite"

    def ready(self):
        super().ready()  # every app's admin.py is registered by now
        from .axes_admin import replace_access_attempt_admin

        replace_access_attempt_admin()
