"""EMAIL_URL: where outgoing mail goes, written as one address, read into a MAILERS entry.

    smtp://user:password@mail.example.com:587   SMTP; STARTTLS on port 587 or with ?tls=true
    smtps://user:password@mail.example.com      SMTP over TLS (port 465 unless given)
    console:                                    printed to the console (development)
    file:///srv/newsroom/var/mail               one file per batch in that folder (development)
    dummy:                                      dropped

User names and passwords are percent-encoded in the address (`@` as %40, `:` as %3A).
?timeout=SECONDS bounds each connection (10 seconds unless given).
"""

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}


def parse(url: str) -> dict:
    """The MAILERS entry ({"BACKEND": ..., "OPTIONS": {...}}) an EMAIL_URL describes."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with one of {', '.join(s + ':' for s in BACKENDS)}, "
            f"not {url.split(':')[0]!r}."
        )
    entry = {"BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder, e.g. file:///var/mail.")
        entry["OPTIONS"] = {"file_path": unquote(parts.path)}
    elif scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL needs a host name, e.g. smtp://mail.example.com.")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        try:
            port = parts.port or (465 if scheme == "smtps" else 25)
            timeout = int(query.get("timeout", 10))
        except ValueError:
            raise ImproperlyConfigured(
                "EMAIL_URL has a port or timeout that is not a number."
            ) from None
        use_ssl = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
        use_tls = not use_ssl and (port == 587 or query.get("tls", "").lower() in _TRUE)
        entry["OPTIONS"] = {
            "host": parts.hostname,
            "port": port,
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
            "use_tls": use_tls,
            "use_ssl": use_ssl,
            "timeout": timeout,
        }
    return entry
