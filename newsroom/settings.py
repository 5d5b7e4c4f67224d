"""Newsroom settings: one module, every deployment-specific value read from the environment.

Development needs no environment at all; production sets DEBUG=false and a real SECRET_KEY.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from newsroom import email_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def env_int(name, default):
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


DEBUG = env_bool("DEBUG", default=False)

# A development key is only accepted while DEBUG is on; production refuses to start without
# a real one.
_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env("SECRET_KEY") or (_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_SECRET_KEY):
    raise ImproperlyConfigured(
        "Set SECRET_KEY to a long random value (or DEBUG=true for local development)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env("SITE_NAME", "Newsroom")
SITE_DESCRIPTION = env(
    "SITE_DESCRIPTION", "Independent reporting on the world, the economy, science and culture."
)
ADMIN_PATH = env("ADMIN_PATH", "admin/").strip("/") + "/"
# Only staff log in, to the admin: a login without a safe ?next= lands there.
LOGIN_REDIRECT_URL = "admin:index"

# How many reverse proxies (load balancer, nginx, CDN) stand between the visitor and
# gunicorn, each appending the address it saw to X-Forwarded-For. 0: visitors connect
# directly and REMOTE_ADDR is theirs. See newsroom/http.py.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

INSTALLED_APPS = [
    # Django's admin with the two-factor login step (newsroom/admin.py).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "reversion",
    "django_tasks_db",
    # The article body's rich-text editor in the admin (ProseMirror; assets in the wheel).
    "django_prose_editor",
    # Failed admin logins counted per account and per address, in the database.
    "axes",
    # Two-factor authentication for staff: authenticator apps (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # The page cache's record of changes, so none is lost while Redis misses it.
    "newsroom.pagecache",
    # The media library: images reused by articles and authors, private until published.
    "newsroom.media",
    "authors",
    "articles",
    "comments",
]
# The demo newsroom (demo/: its content and the seed_demo and seed_demo_comments commands) is
# for development: installed when DEMO is true, which it is by default only with DEBUG on.
# `make run` and `make seed` turn it on, and so do the test settings; a production
# configuration (DEBUG off, DEMO unset) never has it. Nothing in the other apps imports it.
if env_bool("DEMO", default=DEBUG):
    INSTALLED_APPS.append("demo")

# Everything that sets security headers sits at the top, so responses that middleware
# further down answers by itself (static files, and pages from the rendered-page cache,
# which belongs right below these) carry the same headers as freshly rendered ones.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the page cache, so stored pages are compressed too (newsroom/compression.py).
    "newsroom.compression.CompressionMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsroom.middleware.security_headers",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions, CSRF and authentication: a stored page is served without them.
    "newsroom.pagecache.PageCacheMiddleware",
    # Reader requests read from a replica; removes itself without DATABASE_REPLICA_URLS.
    "newsroom.replica_middleware.ReplicaReadsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "articles.redirects.redirect_fallback",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "comments.middleware.private_pending_comment",
    # Last, as django-axes asks: it turns a locked-out login into its own answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsroom.urls"
WSGI_APPLICATION = "newsroom.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The admin puts a nonce on its import map; reader templates never use one.
                "django.template.context_processors.csp",
                "newsroom.context_processors.site",
                "articles.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'newsroom.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and a writer work at once; IMMEDIATE avoids "database is locked"
    # when two requests try to upgrade a read transaction to a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Covering indexes (INCLUDE) are a PostgreSQL speed-up; SQLite builds the same indexes
    # on their key columns alone, which is all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# PostgreSQL read replicas (docs/scaling.md): comma-separated database URLs. Reader pages
# read from them; writes, transactions, the admin and a visitor's next reads after sending a
# form use the primary above (newsroom/db_router.py, newsroom/replica_middleware.py).
for _number, _url in enumerate(env_list("DATABASE_REPLICA_URLS"), start=1):
    try:
        _replica = dj_database_url.parse(
            _url,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    except ValueError as error:
        raise ImproperlyConfigured(
            f"DATABASE_REPLICA_URLS: replica {_number} is not a database URL ({error})."
        ) from None
    if "postgresql" not in DATABASES["default"]["ENGINE"] or "postgresql" not in _replica["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URLS needs PostgreSQL, for DATABASE_URL and every replica."
        )
    # Seconds to wait for a replica before reading from the primary instead.
    _replica["OPTIONS"] = {"connect_timeout": env_int("DATABASE_REPLICA_CONNECT_TIMEOUT", 2)}
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES[f"replica{_number}"] = _replica
# The reader pages' compiled queries (newsroom/compiled.py) are prepared statements on
# PostgreSQL, planned once per connection; psycopg prepares them on their first run and
# never prepares Django's other queries. Off for poolers that cannot keep them.
if env_bool("DATABASE_PREPARED_STATEMENTS", True):
    for _database in DATABASES.values():
        if "postgresql" in _database["ENGINE"]:
            _database.setdefault("OPTIONS", {})["prepare_threshold"] = 0
DATABASE_ROUTERS = ["newsroom.db_router.ReplicaRouter"] if len(DATABASES) > 1 else []
# How long a visitor reads from the primary after sending a form, and how recent a change
# must be for a page showing it to be rendered from the primary.
DATABASE_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 5)
# How long a replica that did not answer is left alone before it is tried again.
DATABASE_REPLICA_RETRY_SECONDS = env_int("DATABASE_REPLICA_RETRY_SECONDS", 30)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, except that a Redis that does not answer is logged and
            # treated as empty instead of failing the request (newsroom/cache.py).
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "newsroom"),
            "OPTIONS": {
                # Seconds to wait for Redis before giving up on it for this request.
                "socket_connect_timeout": float(env("REDIS_TIMEOUT", "0.5")),
                "socket_timeout": float(env("REDIS_TIMEOUT", "0.5")),
                # One try: a hung Redis costs a request one timeout, not several.
                "retry_on_timeout": False,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Admin login -----------------------------------------------------------------------------

# django-axes first: it refuses a locked-out account or address before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# After AXES_FAILURE_LIMIT failed logins for one username from one address, that pair is
# refused for AXES_COOLOFF_MINUTES: one person's typos do not lock out everyone behind the
# office's address, and a stranger elsewhere cannot lock out a named editor.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Ours, not django-axes': against password spraying, an address with this many failed
# logins within the cool-off, over any usernames, waits too (newsroom.admin's handler).
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_HANDLER = "newsroom.admin.NewsroomAxesHandler"
AXES_RESET_ON_SUCCESS = True
# The same idea of the visitor's address as the comment rate limits.
AXES_CLIENT_IP_CALLABLE = "newsroom.http.client_ip"
AXES_LOCKOUT_CALLABLE = "newsroom.admin.locked_out"
# Successful logins are not kept: the failures are what the limits need.
AXES_DISABLE_ACCESS_LOG = True

# Two-factor authentication. With REQUIRE_2FA on (the default unless DEBUG is), superusers
# and members of the TWO_FACTOR_GROUPS must confirm every admin login with a code from an
# authenticator app or a recovery code; other staff may turn it on for themselves.
REQUIRE_2FA = env_bool("REQUIRE_2FA", default=not DEBUG)
TWO_FACTOR_GROUPS = env_list("TWO_FACTOR_GROUPS", "Editor")
OTP_TOTP_ISSUER = SITE_NAME
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
TWO_FACTOR_RECOVERY_CODES = 10

# Staff sessions end this many seconds after the last change to them (10 hours: a working
# day). Readers have no sessions.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 10 * 60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Serve uploaded media from Django itself; a deployment with a web server or object storage
# in front turns this off.
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)
# Uploaded media: the local folder, or with MEDIA_STORAGE=s3 an S3-compatible bucket
# (AWS, MinIO, Ceph, R2...) through django-storages, configured by the S3_* variables.
MEDIA_STORAGE = env("MEDIA_STORAGE", "local")
if MEDIA_STORAGE == "local":
    _media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            # Empty: boto3 finds credentials itself (instance role, ~/.aws, AWS_* variables).
            "access_key": env("S3_ACCESS_KEY_ID") or None,
            "secret_key": env("S3_SECRET_ACCESS_KEY") or None,
            "region_name": env("S3_REGION") or None,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "custom_domain": env("S3_CUSTOM_DOMAIN") or None,
            "location": env("S3_PREFIX", "media"),
            # Public pictures behind a plain (CDN) address rather than expiring signed links.
            "querystring_auth": env_bool("S3_SIGNED_URLS", default=False),
            "default_acl": env("S3_DEFAULT_ACL") or None,
            # Two uploads with one name get two files, as on the local disk.
            "file_overwrite": False,
            # Stored pictures never change under their name; renditions get new names.
            "object_parameters": {
                "CacheControl": env("S3_CACHE_CONTROL", "public, max-age=31536000, immutable")
            },
        },
    }
    if not _media_storage["OPTIONS"]["bucket_name"]:
        raise ImproperlyConfigured("MEDIA_STORAGE=s3 needs S3_BUCKET.")
else:
    raise ImproperlyConfigured(f"MEDIA_STORAGE must be local or s3, not {MEDIA_STORAGE!r}.")
# Where pictures come from when that is not our own address; the Content Security Policy
# allows images from there.
MEDIA_ORIGIN = env(
    "MEDIA_ORIGIN",
    f"https://{env('S3_CUSTOM_DOMAIN')}" if env("S3_CUSTOM_DOMAIN") else "",
).rstrip("/")

# The media library's files until a public page uses them (docs/media.md): a folder that no
# address maps to, outside MEDIA_ROOT (and outside what nginx serves), or with S3 another
# prefix of the bucket, kept private and reached through signed links only by the staff view.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "var" / "private-media")))
if MEDIA_STORAGE == "s3":
    _private_media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_media_storage["OPTIONS"],
            "location": env("S3_PRIVATE_PREFIX", "private"),
            "default_acl": "private",
            "querystring_auth": True,
            "custom_domain": None,
            "object_parameters": {"CacheControl": "private, no-store"},
        },
    }
else:
    _private_media_storage = {"BACKEND": "newsroom.media.storage.PrivateFileSystemStorage"}

STORAGES = {
    "default": _media_storage,
    "private_media": _private_media_storage,
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Request limits: bigger or longer requests are answered 400 (or 413) before any view.
# Pictures are uploaded as files, which stream to disk past FILE_UPLOAD_MAX_MEMORY_SIZE;
# the picture limit itself (20 MB) is checked by newsroom/images.py.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 2000)
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Security headers ------------------------------------------------------------------------

# Reader pages are shared by every visitor and by caches, so their policy has no nonce: no
# inline script or style at all, everything from our own origin.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
# The admin is never cached, so its pages may carry a nonce: the body editor's import map
# is an inline <script type="importmap"> that Django's admin marks with it. The editor
# (Tiptap, inside django-prose-editor) also adds one fixed <style> element of its own,
# without a nonce; its hash allows exactly that stylesheet. A new editor version with
# other styles shows up as a violation in tests/e2e/test_csp.py.
PROSE_EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"
ADMIN_CSP = {
    **SECURE_CSP,
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, PROSE_EDITOR_STYLE_HASH],
}
# Uploaded files served by Django (SERVE_MEDIA): nothing in them may run or load anything.
MEDIA_CSP = "default-src 'none'; sandbox"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Other sites may not load our responses into their pages (newsroom/middleware.py), except
# the ones made for that: feeds, read by web-based feed readers, and uploaded pictures,
# which social networks and messengers show in link previews.
CROSS_ORIGIN_RESOURCE_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS. On by default unless DEBUG is; `make serve` turns the redirect off because it
# listens on plain HTTP on this machine. Behind a TLS-terminating proxy
# (TRUSTED_PROXY_COUNT > 0), X-Forwarded-Proto says whether the visitor used HTTPS: the
# proxy must set it, overwriting whatever the visitor sent.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# Preload only marks the site as ready for the browsers' list; someone still has to submit it.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Cookies exist only for staff (session, CSRF): sent over HTTPS only, out of reach of
# scripts where possible, never on cross-site requests that could change something.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# EMAIL_URL (smtp://user:password@host:587 in production; console: or file:///path while
# developing; see newsroom/email_url.py). EMAIL_BACKEND, a backend's dotted path, still works.
MAILERS = {
    "default": email_url.parse(env("EMAIL_URL"))
    if env("EMAIL_URL")
    else {"BACKEND": env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")},
}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "newsroom@localhost")

# Background work (workflow mail). "immediate" runs a task in the request that enqueues it:
# right for development and tests. Production sets TASKS_BACKEND=database: tasks wait in the
# database (django-tasks-db) until `manage.py db_worker` runs them.
TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
_tasks_backend = env("TASKS_BACKEND", "immediate")
if _tasks_backend not in TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, not {_tasks_backend!r}."
    )
TASKS = {"default": {"BACKEND": TASK_BACKENDS[_tasks_backend]}}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Reader pages
# Anonymous readers' pages are kept rendered in the cache for up to this many seconds, and
# dropped sooner when anything they show changes (newsroom/pagecache/); 0 turns it off.
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 600)
# What reader pages tell browsers (max-age) and shared caches such as a CDN or nginx
# (s-maxage): a shared cache may keep a page this long after a change.
PAGE_MAX_AGE = env_int("PAGE_MAX_AGE", 60)
PAGE_SHARED_MAX_AGE = env_int("PAGE_SHARED_MAX_AGE", 300)
PAGE_STALE_WHILE_REVALIDATE = env_int("PAGE_STALE_WHILE_REVALIDATE", 60)
PAGE_STALE_IF_ERROR = env_int("PAGE_STALE_IF_ERROR", 24 * 60 * 60)
# Front caches (Varnish with the xkey vmod) told to drop pages by surrogate key after each
# change: base URLs, comma-separated, e.g. http://127.0.0.1:6081. Empty sends no purge.
FRONT_CACHES = env_list("FRONT_CACHE_URLS")

# Articles: what a deployment may set through the environment. Left unset, the app's own
# default applies (articles/conf.py, where every articles setting is described).
if env("ARTICLES_PER_PAGE"):
    ARTICLES_PER_PAGE = env_int("ARTICLES_PER_PAGE", None)
if env("PREVIEW_LINK_MAX_AGE"):
    PREVIEW_LINK_MAX_AGE = env_int("PREVIEW_LINK_MAX_AGE", None)

# Comments: the defaults and what each value means are in comments/conf.py; these are the
# ones an operator may set through the environment.
_COMMENTS_ENV = {
    "COMMENTS_MAX_LENGTH": env_int,
    "COMMENTS_SPAM_CHECKERS": env_list,
    "COMMENTS_MANAGE_LINK_AGE": env_int,
    "COMMENTS_EDIT_WINDOW": env_int,
    "COMMENTS_MODERATION_LINK_AGE": env_int,
    "COMMENTS_UNSUBSCRIBE_LINK_AGE": env_int,
    "COMMENTS_OUTCOME_EMAILS": env_bool,
    "COMMENTS_CONFIRM_EMAIL": env_bool,
    "COMMENTS_PRIVACY_CONTACT": env,
    "COMMENTS_ERASE_TEXT": env_bool,
    "COMMENTS_KEEP_IP_DAYS": env_int,
    "COMMENTS_KEEP_REJECTED_DAYS": env_int,
    "COMMENTS_KEEP_UNCONFIRMED_DAYS": env_int,
    "COMMENTS_PURGE_BATCH": env_int,
    "COMMENTS_MAIL_ATTEMPTS": env_int,
    "COMMENTS_MAIL_RETRY_SECONDS": env_int,
}
for _name, _read in _COMMENTS_ENV.items():
    if os.environ.get(_name):
        globals()[_name] = _read(_name, None)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # Tasks run inline with the immediate backend, where a line for every task started and
    # finished would bury the output of the command or request that enqueued them; failures
    # are logged at ERROR and still show. The database backend's worker logs as configured.
    "loggers": {"django.tasks": {"level": "WARNING"}} if _tasks_backend == "immediate" else {},
}
