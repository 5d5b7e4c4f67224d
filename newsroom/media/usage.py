"""Where images are used: a registry the apps fill, so the library names no app.

Each app registers its uses once, from its AppConfig.ready(): the articles app the hero of
an article, the authors app an author's photo. A use answers, for many images at once and
in one query each:

- ``references(image_ids)``: which of these images it uses, and where (for the library's
  "where it is used" column and the change page's list, with links);
- ``publishing(image_ids)``: which of these images it shows on a public page (a published
  article's hero, a shown author's photo); an image is public while any use publishes it;
- ``pages(image_ids)``: the page-cache versions of the pages that show these images, moved
  when an image's public files change so no cached page points at a removed file.

``ForeignKeyUse`` covers the usual case, a foreign key to Image on a model.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Reference:
    """One place an image is used: "Hero of" the article "Floods in the north"."""

    image_id: int
    use: str
    label: str
    title: str
    url: str = ""


@dataclass(frozen=True)
class Use:
    """A use of images, answering for many image ids at once (one query each)."""

    name: str
    label: str
    references: Callable[[list[int]], Iterable[Reference]]
    publishing: Callable[[list[int]], Iterable[int]]
    pages: Callable[[list[int]], Iterable[str]] = field(default=lambda ids: ())


class ForeignKeyUse:
    """A model's foreign key to Image, with the rows whose image readers see.

    ``model`` is an "app_label.Model" string, resolved when used; ``public`` narrows a
    queryset of that model to the rows shown on public pages (``lambda qs: qs.public()``);
    ``pages`` names the page-cache versions of a row (``lambda row: [f"article:{row.pk}"]``).
    """

    def __init__(self, *, name, model, field, label, public, pages=None):
        self.name, self.label = name, label
        self._model, self._field = model, field
        self._public, self._pages = public, pages

    def _rows(self, image_ids):
        model = apps.get_model(self._model)
        return model._default_manager.filter(**{f"{self._field}__in": list(image_ids)})

    def references(self, image_ids):
        model = apps.get_model(self._model)
        meta = model._meta
        for row in self._rows(image_ids).order_by("pk"):
            try:
                url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
            except NoReverseMatch:
                url = ""
            yield Reference(
                image_id=getattr(row, f"{self._field}_id"),
                use=self.name,
                label=str(self.label),
                title=str(row),
                url=url,
            )

    def publishing(self, image_ids):
        return self._public(self._rows(image_ids)).values_list(f"{self._field}_id", flat=True)

    def pages(self, image_ids):
        if self._pages is None:
            return []
        return [name for row in self._rows(image_ids) for name in self._pages(row)]

    def as_use(self):
        return Use(
            name=self.name,
            label=self.label,
            references=self.references,
            publishing=self.publishing,
            pages=self.pages,
        )


_uses: dict[str, Use] = {}


def register(use) -> None:
    """Declare a use of images (a ``Use`` or a ``ForeignKeyUse``), once per name.

    Registering a name again replaces the use of that name, so a reloaded app or a test
    does not count one use twice.
    """
    if isinstance(use, ForeignKeyUse):
        use = use.as_use()
    _uses[use.name] = use


def unregister(name: str) -> None:
    _uses.pop(name, None)


def registered() -> list[Use]:
    return list(_uses.values())


def references(image_ids) -> dict[int, list[Reference]]:
    """Every place each image is used: one query per registered use, whatever the count."""
    image_ids = list(image_ids)
    found = defaultdict(list)
    if image_ids:
        for use in registered():
            for reference in use.references(image_ids):
                found[reference.image_id].append(reference)
    return dict(found)


def publishing(image_ids) -> set[int]:
    """The images that at least one use shows on a public page."""
    image_ids = list(image_ids)
    shown = set()
    if image_ids:
        for use in registered():
            shown.update(use.publishing(image_ids))
    return shown


def pages(image_ids) -> list[str]:
    """Page-cache versions of every page that shows one of these images."""
    image_ids = list(image_ids)
    names = []
    if image_ids:
        for use in registered():
            names.extend(use.pages(image_ids))
    return list(dict.fromkeys(names))
