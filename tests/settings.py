"""The project's settings with the few overrides a fast, self-contained test run needs."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-any-deployment")


def _worker_redis_url(url, worker):
    """The Redis database of one pytest-xdist worker: gw0 keeps the URL's, gw1 the next...

    Tests empty the cache before and after they run; workers sharing a database would empty
    each other's. Set in the environment, so servers a test starts use the same database.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    number = int(parts.path.strip("/") or 0) + int(worker.removeprefix("gw"))
    if number > 15:
        raise RuntimeError(f"Too many test workers for Redis's 16 databases ({worker}).")
    return parts._replace(path=f"/{number}").geturl()


if os.environ.get("REDIS_URL") and os.environ.get("PYTEST_XDIST_WORKER", "").startswith("gw"):
    os.environ["REDIS_URL"] = _worker_redis_url(
        os.environ["REDIS_URL"], os.environ["PYTEST_XDIST_WORKER"]
    )

from newsroom.settings import *  # noqa: E402, F403

# The demo newsroom's commands and content are tested too, whatever DEBUG and DEMO say.
if "demo" not in INSTALLED_APPS:  # noqa: F405
    INSTALLED_APPS = [*INSTALLED_APPS, "demo"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tests render templates without running collectstatic first.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
WHITENOISE_USE_FINDERS = True
# The tests of two-factor login and of login limits turn these on for themselves; the rest
# log staff in directly (client.login() gives django-axes no request to count).
REQUIRE_2FA = False
AXES_ENABLED = False
# The test client and the live test server speak plain HTTP.
SECURE_SSL_REDIRECT = False
# Most tests look at what a view does; the page cache's own tests turn it on
# (tests/test_pagecache.py), so a stored page never hides a view's behaviour elsewhere.
PAGE_CACHE_SECONDS = 0
# Two read replicas that are the test database itself (pytest-django points a MIRROR at it),
# for the router's tests (tests/test_replicas.py); routing is off unless a test installs
# the router, so the rest of the suite reads from "default" as before.
for _alias in ("replica1", "replica2"):
    DATABASES[_alias] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
