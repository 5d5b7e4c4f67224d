"""The library's admin forms: one picture with its focal point, or several at once."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from newsroom import images

from .models import Image, StaffFiles


class FocalInput(forms.NumberInput):
    """A number from 0 to 1: the focal point without JavaScript (the click sets it with)."""

    def __init__(self, attrs=None):
        super().__init__({"step": "any", "min": "0", "max": "1", **(attrs or {})})


class _StaffLink:
    """The current file as the file input shows it: its name, linked to the staff view."""

    def __init__(self, name):
        self.name = name
        self.url = StaffFiles().url(name)

    def __str__(self):
        return self.name


class PrivatePictureInput(forms.ClearableFileInput):
    """A file input whose "Currently" link goes through the staff view: the file is private."""

    def get_context(self, name, value, attrs):
        if self.is_initial(value):
            value = _StaffLink(value.name)
        return super().get_context(name, value, attrs)

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class ImageForm(forms.ModelForm):
    class Meta:
        model = Image
        fields = ("file", "alt_text", "caption", "credit", "focal_x", "focal_y")
        widgets = {
            "file": PrivatePictureInput({"accept": "image/*"}),
            "focal_x": FocalInput({"data-focal": "x"}),
            "focal_y": FocalInput({"data-focal": "y"}),
            "caption": forms.Textarea({"rows": 2}),
        }


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePictureField(forms.FileField):
    """One or more pictures, each checked by newsroom/images.py; errors name the file."""

    widget = MultipleFileInput

    def __init__(self, **kwargs):
        super().__init__(widget=MultipleFileInput({"accept": "image/*"}), **kwargs)

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else [data] if data else []
        if not uploads:
            raise ValidationError(self.error_messages["required"], code="required")
        errors = []
        for upload in uploads:
            try:
                upload = forms.FileField.to_python(self, upload)
                checked = images.check_upload(upload)
                upload.content_type = images.MIME_TYPES[checked.format]
            except ValidationError as error:
                name = getattr(upload, "name", "") or _("A file")
                errors += [
                    ValidationError(
                        _("%(name)s: %(problem)s"),
                        code=error.code,
                        params={"name": name, "problem": message},
                    )
                    for message in error.messages
                ]
        if errors:
            raise ValidationError(errors)
        return uploads


class UploadForm(forms.Form):
    """Several pictures, with words that apply to each; they can be told apart later."""

    files = MultiplePictureField(
        label=_("Pictures"),
        help_text=_("One or more JPEG, PNG, WebP or GIF pictures, at most 20 MB each."),
    )
    alt_text = forms.CharField(
        label=_("Alt text"),
        max_length=300,
        required=False,
        help_text=_("What the pictures show, for readers who cannot see them."),
    )
    caption = forms.CharField(label=_("Caption"), max_length=500, required=False)
    credit = forms.CharField(label=_("Credit"), max_length=200, required=False)

    def save(self, *, by):
        made = []
        for upload in self.cleaned_data["files"]:
            image = Image(
                file=upload,
                alt_text=self.cleaned_data["alt_text"],
                caption=self.cleaned_data["caption"],
                credit=self.cleaned_data["credit"],
                uploaded_by=by,
            )
            image.full_clean()
            image.save()
            made.append(image)
        return made
