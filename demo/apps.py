from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo newsroom: its content as data files, and the commands that load it.

    Installed for development and tests only (the DEMO setting); it has no models.
    """

    name = "demo"
    verbose_name = _("Demo newsroom")
