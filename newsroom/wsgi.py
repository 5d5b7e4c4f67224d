import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

application = get_wsgi_application()

# The process's one-time work before its first reader (newsroom/warmup.py).
from newsroom.warmup import warm_up  # noqa: E402

warm_up()
