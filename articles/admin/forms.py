"""The article change form: the body editor, the version it was opened at, the move it asks for."""

from types import SimpleNamespace

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from PIL import Image as PILImage

from newsroom import images
from newsroom.media.validators import check_hero_size

from .. import body_pictures, workflow
from ..models import Article

# What the body editor offers: exactly what newsroom.sanitize's article policy keeps, so
# nothing an editor makes disappears on save.
BODY_EDITOR = {
    "extensions": {
        "Bold": True,
        "Italic": True,
        "Heading": {"levels": [2, 3]},
        "BulletList": True,
        "OrderedList": True,
        "ListItem": True,
        "Blockquote": True,
        "NodeClass": {
            "cssClasses": {
                "blockquote": [
                    {"className": "pull-quote", "title": "Pull quote"},
                    {"className": "social-post", "title": "Embedded post"},
                ]
            }
        },
        "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"]},
        # Images from the media library (/media/...), with an optional caption.
        "Figure": True,
        "Image": True,
        "Caption": True,
        "HorizontalRule": True,
        "HardBreak": True,
        "History": True,
    }
}


# The story's words for its picture, and the library's defaults for them.
HERO_WORDS = (("hero_alt", "alt_text"), ("hero_caption", "caption"), ("hero_credit", "credit"))


class ArticleAdminForm(forms.ModelForm):
    """The change form, with the version it was opened at, to refuse overwriting a newer save.

    The workflow buttons submit this form too (``_workflow=<move>``), so an edit and the move
    it leads to are checked together and saved together: a refused move saves nothing.
    """

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    substantive_update = forms.BooleanField(
        label=_("This is a substantive update"),
        required=False,
        help_text=_('Readers see "Updated" with the time of this save. Leave it unticked for '
                    "typo fixes and small edits."),
    )  # fmt: skip
    workflow_note = forms.CharField(
        label=_("Note to the writer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 40}),
    )
    publish_at = forms.DateTimeField(
        label=_("Go live"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"invalid": _("Please give a valid time, for example 2026-05-01 09:30.")},
    )

    hero_upload = images.PictureFormField(
        label=_("or upload a new picture"),
        required=False,
        help_text=_("It joins the media library with this story's alt text, caption and credit."),
    )

    # Set by ArticleAdmin.get_form: who is saving, to check the move they ask for.
    editor = None
    # Set by ArticleAdmin when the move failed after the save and the form is shown again.
    refusal = None

    class Meta:
        model = Article
        # The admin replaces this with the fields of its fieldsets.
        fields = ("headline", "slug", "standfirst", "body")
        widgets = {"body": AdminProseEditorWidget(config=BODY_EDITOR, preset="configurable")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workflow_note"].widget.attrs["id"] = "workflow-note"
        self.fields["publish_at"].widget.attrs.update(
            {"id": "publish-at", "aria-describedby": "publish-at-help"}
        )
        if self.instance.pk:
            # The editor keeps only pictures with an address: the library's get theirs.
            self.initial["body"] = body_pictures.for_editing(self.instance.body)
            self.fields["base_version"].initial = self.instance.version
            self.fields["base_version"].required = True
            published_at = self.instance.published_at
            if published_at and published_at > timezone.now():
                self.fields["publish_at"].initial = timezone.localtime(published_at)

    @property
    def move_name(self):
        """The workflow button pressed, if any."""
        return (self.data.get("_workflow") or "").strip() if self.is_bound else ""

    @property
    def move(self):
        return workflow.MOVES.get(self.move_name)

    def clean_hero(self):
        image = self.cleaned_data.get("hero")
        # A newly chosen picture must be large enough; one chosen before the limit stays.
        if image is not None and image.pk != self.instance.hero_id:
            check_hero_size(image)
        return image

    def clean_hero_upload(self):
        upload = self.cleaned_data.get("hero_upload")
        if upload:
            with PILImage.open(upload) as picture:
                check_hero_size(SimpleNamespace(width=picture.width, height=picture.height))
            upload.seek(0)
        return upload

    def _clean_hero_words(self, cleaned):
        """A picture from the library lends its words to fields left empty."""
        if cleaned.get("hero_upload") and cleaned.get("hero"):
            self.add_error(
                "hero_upload",
                ValidationError(
                    _("Choose a picture from the library or upload a new one, not both."),
                    code="two_heroes",
                ),
            )
        if cleaned.get("hero_upload") and not (cleaned.get("hero_alt") or "").strip():
            self.add_error(
                "hero_alt",
                ValidationError(
                    _("Describe the image for readers who cannot see it."), code="required"
                ),
            )
        image = cleaned.get("hero")
        if image is None:
            return
        for field, source in HERO_WORDS:
            if field in self.fields and not (cleaned.get(field) or "").strip():
                limit = Article._meta.get_field(field).max_length
                cleaned[field] = getattr(image, source)[:limit]

    def clean(self):
        cleaned = super().clean()
        self._clean_hero_words(cleaned)
        stored = None
        if self.instance.pk:
            # The lock is held until the admin's transaction ends, after the save, so a
            # second save that arrives meanwhile waits and then sees the new version.
            stored = (
                Article.objects.select_for_update()
                .values("version", "status")
                .get(pk=self.instance.pk)
            )
            self.stored_version = stored["version"]
        if self.move_name:
            self._clean_move(stored)
        if self.refusal is not None:
            self.add_error(None, self.refusal)
        base = cleaned.get("base_version")
        # The edit-conflict check comes last: whatever else is wrong, a stale form is refused.
        if stored is not None and base is not None and stored["version"] != base:
            url = reverse("admin:articles_article_change", args=[self.instance.pk])
            raise ValidationError(
                format_html(
                    "Someone else saved this article while you were editing it, so your "
                    "changes were not saved. They are still in the form below. "
                    '<a href="{}" target="_blank" rel="noopener">Open the newer version '
                    "in a new tab</a>, bring your changes over there, and save again.",
                    url,
                ),
                code="stale",
            )
        return cleaned

    def _clean_move(self, stored):
        """Refuse a move this user may not make, or one the stored article cannot make."""
        move = self.move
        if move is None:
            self.add_error(None, ValidationError(_("There is no such step."), code="no_move"))
            return
        if stored is None:
            self.add_error(
                None,
                ValidationError(
                    _("Save the new article first, then use “%(action)s”.")
                    % {"action": move.label},
                    code="unsaved",
                ),
            )
            return
        if self.editor is None or not workflow.allowed(self.editor, move, self.instance):
            self.add_error(
                None,
                ValidationError(
                    _("You may not use “%(action)s” on this article; nothing was saved.")
                    % {"action": move.label},
                    code="not_allowed",
                ),
            )
            return
        if stored["status"] not in move.sources:
            status = Article.Status(stored["status"]).label.lower()
            self.add_error(
                None,
                ValidationError(
                    _("The article is %(status)s now, so “%(action)s” no longer applies; "
                      "nothing was saved.") % {"status": status, "action": move.label},
                    code="stale_state",
                ),
            )  # fmt: skip
            return
        if move.needs_note and not self.cleaned_data.get("workflow_note", "").strip():
            self.add_error(
                "workflow_note",
                ValidationError(_("Tell the writer what to change."), code="note_required"),
            )
        if move is not workflow.PUBLISH_MOVE:
            return
        at = self.cleaned_data.get("publish_at")
        if at is None and "publish_at" not in self.errors:
            # Publishing now: a future time typed in the Publishing section still counts.
            return

    def save(self, commit=True):
        if self.cleaned_data.get("substantive_update"):
            self.instance.updated_at = timezone.now()
        return super().save(commit=commit)


class MoveRefused(Exception):
    """The move failed after the article was saved: the save is rolled back with it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message
