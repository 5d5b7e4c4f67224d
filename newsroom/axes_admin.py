"""django-axes' list of login attempts, with a clean-up action that works outside a login.

Imported once the admin has found every app's admin module (newsroom.apps), because
axes.admin registers itself on the admin site this package defines.
"""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    @admin.action(description=_("Clean up expired attempts"))
    def cleanup_expired_attempts(self, request, queryset):
        # django-axes counts "expired" from the attempt time its login handler sets on the
        # request; outside a login that attribute is missing, so give it the present.
        request.axes_attempt_time = timezone.now()
        return super().cleanup_expired_attempts(request, queryset)


def replace_access_attempt_admin():
    if admin.site.is_registered(AccessAttempt):
        admin.site.unregister(AccessAttempt)
        admin.site.register(AccessAttempt, AccessAttemptAdmin)
