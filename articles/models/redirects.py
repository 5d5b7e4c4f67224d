"""Old addresses that answer 301 to where their page is now (see articles.redirects)."""

from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom.sanitize import strip_control_characters

REDIRECT_PATH_LENGTH = 500


def normalize_redirect_path(value: str) -> str:
    """The path part of an address, percent-escapes decoded, as Django's request.path has it.

    "https://old.example/2019/05/%C3%A6/?p=3" and "/2019/05/æ/" give the same "/2019/05/æ/".
    """
    value = (value or "").strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return value
    if parts.scheme in {"http", "https"} and parts.netloc:
        path = parts.path or "/"
    else:
        path = value.split("?")[0].split("#")[0]
    return unquote(path)


class Redirect(models.Model):
    """An old address that answers with a permanent redirect (301) to where the page is now.

    Consulted only when an address would otherwise answer 404 (articles.redirects), so it
    costs ordinary pages nothing.
    """

    class Source(models.TextChoices):
        IMPORT = "import", _("Imported from WordPress")
        SLUG_CHANGE = "slug_change", _("Article address changed")
        MANUAL = "manual", _("Added by an editor")

    old_path = models.CharField(
        _("old address"),
        max_length=REDIRECT_PATH_LENGTH,
        unique=True,
        help_text=_('The path readers may still ask for, starting with "/", for example '
                    "/2019/05/harbour-reopens/. A full address is cut down to its path."),
    )  # fmt: skip
    target = models.CharField(
        _("new address"),
        max_length=1000,
        blank=True,
        help_text=_('A path on this site ("/news/2024/3/1/harbour-reopens/") or a full address '
                    'starting with "https://". Left empty when the old address is a picture\'s.'),
    )  # fmt: skip
    # An old picture address follows the library image, whose public address changes with
    # its renditions and exists only while it is public (404 otherwise: nothing leaks).
    image = models.ForeignKey(
        "media.Image",
        verbose_name=_("picture"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an old picture address: answers with the picture while it is public."),
    )
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    site = models.CharField(
        _("old site"),
        max_length=200,
        blank=True,
        help_text=_("For imported addresses: the site they came from."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["old_path"]
        verbose_name = _("redirect")
        verbose_name_plural = _("redirects")

    def __str__(self):
        return f"{self.old_path} → {self.target}"

    def save(self, *args, **kwargs):
        self.old_path = normalize_redirect_path(self.old_path)
        self.target = self.target.strip()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        errors = {}
        self.old_path = normalize_redirect_path(self.old_path)
        self.target = (self.target or "").strip()
        if not self.old_path.startswith("/") or self.old_path.startswith("//"):
            errors["old_path"] = ValidationError(
                _('The old address must be a path starting with one "/".'), code="invalid"
            )
        elif _has_control_characters(self.old_path) or len(self.old_path) > REDIRECT_PATH_LENGTH:
            errors["old_path"] = ValidationError(
                _("The old address holds characters no address can have."), code="invalid"
            )
        try:
            target = urlsplit(self.target)
        except ValueError:
            target = None
        if not self.target:
            if self.image_id is None:
                errors["target"] = ValidationError(_("Give the new address."), code="required")
            # else the picture's own public address, found when asked.
        elif target is None or _has_control_characters(self.target):
            errors["target"] = ValidationError(_("This is not a valid address."), code="invalid")
        elif target.scheme or target.netloc:
            if target.scheme not in {"http", "https"} or not target.netloc:
                errors["target"] = ValidationError(
                    _('A full address must start with "https://" or "http://".'), code="invalid"
                )
        elif not self.target.startswith("/") or self.target.startswith("//"):
            errors["target"] = ValidationError(
                _('A path on this site must start with one "/".'), code="invalid"
            )
        elif "old_path" not in errors and self._leads_back():
            errors["target"] = ValidationError(
                _("This would send readers round in a circle back to the old address."),
                code="loop",
            )
        if errors:
            raise ValidationError(errors)

    def _leads_back(self):
        """True when following the target (and at most a few redirects after it) returns here."""
        seen = {self.old_path}
        target = self.target
        for _step in range(5):
            path = normalize_redirect_path(target)
            if path in seen:
                return True
            seen.add(path)
            following = (
                Redirect.objects.exclude(pk=self.pk).filter(old_path=path).values_list("target")
            ).first()
            if following is None:
                return False
            target = following[0]
        return False

    @property
    def is_external(self):
        return not self.target.startswith("/")


def record_move(*, old_path: str, new_path: str, source=Redirect.Source.SLUG_CHANGE):
    """Send an address that moved to its new place, and earlier redirects to it straight on.

    A redirect from the new address itself is removed: the page lives there now.
    """
    old_path = normalize_redirect_path(old_path)
    new_path = normalize_redirect_path(new_path)
    if old_path == new_path or len(old_path) > REDIRECT_PATH_LENGTH:
        return None
    Redirect.objects.filter(old_path=new_path).delete()
    Redirect.objects.filter(target=old_path).update(target=new_path)
    redirect, _created = Redirect.objects.update_or_create(
        old_path=old_path, defaults={"target": new_path, "source": source}
    )
    return redirect


def _has_control_characters(value: str) -> bool:
    return strip_control_characters(value) != value
