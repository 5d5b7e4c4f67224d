"""A new worker process does its one-time work before its first reader, not during it.

The first request a process serves paid for everything done once per process: the Redis
client's import and connection, the reader templates read and compiled, the template tag
libraries imported, what the apps render once (`register`: the comment form's markup), the
reader pages' queries compiled to SQL, the URL patterns and the translations loaded.
Through gunicorn at a million articles, a worker's first article took 55 ms against 15 ms
for the next (24 ms with this warm-up: a new database connection and its first plans
remain), and with every worker of every app server paying it after each deploy, it was
among the slowest of a big site's article views. `newsroom/wsgi.py` calls `warm_up()` once
per process, as gunicorn or any WSGI server imports the application.

Nothing here writes anything, and nothing stops the process from starting: a database or
a cache that does not answer yet is logged and left to the first request, as before. The
connections it opened are closed again, so a server that imports the application before
forking its workers (gunicorn's --preload) never shares one between processes.
"""

import gc
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.template import engines
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)

# The templates of the pages readers and commenters see, as named by the views (under the
# project's templates/ folder); the admin's are left to the staff's first visit.
READER_TEMPLATE_FOLDERS = ("articles", "comments", "includes")
READER_TEMPLATES = ("base.html", "404.html")


_steps = []


def register(function):
    """An app's one-time work for a new process, such as markup it renders once and keeps;
    called from its AppConfig.ready(). It must write nothing."""
    _steps.append(function)


def reader_templates():
    root = Path(settings.BASE_DIR) / "templates"
    names = list(READER_TEMPLATES)
    for folder in READER_TEMPLATE_FOLDERS:
        names += sorted(
            str(path.relative_to(root))
            for path in (root / folder).rglob("*")
            if path.is_file() and "email" not in path.parts
        )
    return names


def warm_up():
    """Do the process's one-time work now."""
    started = time.perf_counter()
    translation.activate(settings.LANGUAGE_CODE)
    # Every URL pattern imported (the apps' views with them) and indexed for reverse().
    reverse("healthz")
    engine = engines["django"]
    for name in reader_templates():
        engine.get_template(name)
    try:
        cache.get("warm-up")
    except Exception:
        logger.warning("The cache did not answer while the process started.")
    # The apps' own one-time work (register()).
    for step in list(_steps):
        try:
            step()
        except Exception as error:
            logger.warning("%s was not done while the process started: %s", step.__name__, error)
    from newsroom.compiled import compile_all

    for alias in connections:
        try:
            compile_all(using=alias)
        except Exception as error:
            # Left to the first request, which compiles what is missing (or fails visibly).
            logger.warning("The queries for the database %s were not compiled: %s", alias, error)
    connections.close_all()
    translation.deactivate()
    # What the process holds now stays for its whole life: the garbage collector's full
    # passes need not walk it again and again (each took 40 to 90 ms amid a thousand
    # comments), and a server that forks after this keeps it shared between workers.
    gc.collect()
    gc.freeze()
    logger.info("The process was ready in %.0f ms.", (time.perf_counter() - started) * 1000)
