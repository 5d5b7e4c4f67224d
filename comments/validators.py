"""Commenters' email addresses, internationalized ones included.

Django's EmailValidator accepts internationalized domains but only ASCII local parts. A
commenter may type "zoë@example.org" or "用户@例子.广告", which mail servers that speak
SMTPUTF8 deliver, so the address is checked here as the standards describe it:

- the local part is RFC 6531's: a dot-string of atoms whose characters are RFC 5321's
  atext or any non-ASCII character (UTF8-non-ascii), or a quoted string; at most 64 octets
  in UTF-8; control, format and space characters are refused outside quotes;
- the domain must convert to ASCII by IDNA (each label to its "xn--" form), and then be an
  ordinary host name: letter-digit-hyphen labels of at most 63 characters, at least two of
  them, at most 253 characters, with a top-level label that is not all digits; or an
  address literal ("[192.0.2.1]", "[IPv6:2001:db8::1]").

The address is stored as it was typed; the domain's ASCII form is only for checking.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv4_address, validate_ipv6_address
from django.utils.translation import gettext_lazy as _

MAX_LOCAL_OCTETS = 64
MAX_DOMAIN_LENGTH = 253
MESSAGE = _("Please enter a valid email address.")

_ATEXT = re.compile(r"[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]")
_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)\Z")


def _is_utf8_non_ascii(char: str) -> bool:
    # Controls (Cc), format characters (Cf), unassigned or private code points and
    # separators (Z*) cannot be typed or read back reliably: refused.
    return ord(char) > 127 and unicodedata.category(char)[0] not in {"C", "Z"}


def _valid_atom(atom: str) -> bool:
    return bool(atom) and all(_ATEXT.match(c) or _is_utf8_non_ascii(c) for c in atom)


def _valid_quoted(local: str) -> bool:
    if len(local) < 2 or not (local.startswith('"') and local.endswith('"')):
        return False
    inner = local[1:-1]
    i = 0
    while i < len(inner):
        char = inner[i]
        if char == "\\":
            # quoted-pairSMTP: a backslash and one printable ASCII character.
            if i + 1 >= len(inner) or not 32 <= ord(inner[i + 1]) <= 126:
                return False
            i += 2
            continue
        if char == '"' or not (32 <= ord(char) <= 126 or _is_utf8_non_ascii(char)):
            return False
        i += 1
    return True


def valid_local_part(local: str) -> bool:
    if not local or len(local.encode()) > MAX_LOCAL_OCTETS:
        return False
    if local.startswith('"'):
        return _valid_quoted(local)
    return all(_valid_atom(atom) for atom in local.split("."))


def _valid_literal(literal: str) -> bool:
    inner = literal[1:-1]
    try:
        if inner[:5].lower() == "ipv6:":
            validate_ipv6_address(inner[5:])
        else:
            validate_ipv4_address(inner)
    except ValidationError:
        return False
    return True


def ascii_domain(domain: str) -> str | None:
    """The domain's ASCII (IDNA) form, or None when it is not a valid host name."""
    if not domain or domain.endswith(".") or any(c.isspace() for c in domain):
        return None
    labels = []
    for label in domain.split("."):
        try:
            label = label.encode("idna").decode("ascii")
        except UnicodeError:
            return None
        if not _LABEL.match(label):
            return None
        labels.append(label)
    name = ".".join(labels)
    if len(labels) < 2 or len(name) > MAX_DOMAIN_LENGTH or labels[-1].isdigit():
        return None
    return name


def validate_commenter_email(value: str) -> None:
    local, at, domain = (value or "").rpartition("@")
    if not at or not valid_local_part(local):
        raise ValidationError(MESSAGE, code="invalid")
    if domain.startswith("[") and domain.endswith("]"):
        if not _valid_literal(domain):
            raise ValidationError(MESSAGE, code="invalid")
        return
    if ascii_domain(domain) is None:
        raise ValidationError(MESSAGE, code="invalid")
