from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Layout, Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from newsroom.sanitize import strip_control_characters

from . import abuse
from .abuse import HONEYPOT_FIELD
from .conf import conf
from .models import Comment, DiscussionSettings, ModerationEvent


def clean_text(value):
    return strip_control_characters(value or "").strip()


def clean_comment_body(value):
    """A comment's text as every form accepts it: present, not too short, not too long."""
    value = clean_text(value)
    if not value:
        raise ValidationError(_("Please type your comment."), code="required")
    if len(value) > conf.MAX_LENGTH:
        raise ValidationError(
            _("Your comment is too long (at most %(limit)s characters).")
            % {"limit": f"{conf.MAX_LENGTH:,}"},
            code="max_length",
        )
    if len(value) < conf.MIN_LENGTH:
        raise ValidationError(_("Your comment is too short."), code="min_length")
    return value


def strip_form_data(data):
    """A copy of submitted form data without control characters in any value.

    Stripped before validation, so a stray NUL pasted into one field is dropped rather than
    refusing the whole comment (Django's fields reject null characters outright).
    """
    data = data.copy()
    if hasattr(data, "setlist"):
        for key in list(data):
            data.setlist(key, [_strip_value(v) for v in data.getlist(key)])
    else:
        data = {key: _strip_value(value) for key, value in data.items()}
    return data


def _strip_value(value):
    return strip_control_characters(value) if isinstance(value, str) else value


def _limit_body(field):
    field.max_length = conf.MAX_LENGTH
    field.widget.attrs["maxlength"] = conf.MAX_LENGTH
    field.widget.attrs["minlength"] = conf.MIN_LENGTH
    field.validators = [v for v in field.validators if "Length" not in type(v).__name__]


class CommentForm(forms.ModelForm):
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    token = forms.CharField(required=False, widget=forms.HiddenInput)
    remember = forms.BooleanField(
        label=_("Save my name, email, and website in this browser for the next time I comment."),
        required=False,
    )
    email_link = forms.BooleanField(
        label=_("Email me a private link to change or withdraw this comment"),
        required=False,
    )

    class Meta:
        model = Comment
        fields = ("author_name", "author_email", "author_url", "body", "notify_replies")
        labels = {
            "author_name": _("Name"),
            "author_email": _("Email"),
            "author_url": _("Website"),
            "body": _("Comment"),
            "notify_replies": _("Notify me of replies by email"),
        }
        help_texts = {"author_email": "", "body": ""}
        widgets = {
            "body": forms.Textarea(attrs={"rows": 7}),
        }
        error_messages = {
            "author_name": {"required": _("Please enter your name.")},
            "author_email": {
                "required": _("Please enter your email address."),
                "invalid": _("Please enter a valid email address."),
            },
            "author_url": {
                "invalid": _("Please enter a website address starting with http:// or https://.")
            },
            "body": {"required": _("Please type your comment.")},
        }

    def __init__(self, data=None, *args, article=None, discussion=None, **kwargs):
        if data is not None:
            data = strip_form_data(data)
        super().__init__(data, *args, **kwargs)
        if self.is_bound and article is None:
            raise TypeError("A submitted comment form needs the article it was shown under.")
        self.article = article
        self.discussion = discussion
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            label=_("Leave this field empty"),
            required=False,
            widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        limits = {
            "author_name": conf.NAME_MAX_LENGTH,
            "author_email": conf.EMAIL_MAX_LENGTH,
            "author_url": conf.URL_MAX_LENGTH,
        }
        for name, limit in limits.items():
            field = self.fields[name]
            field.max_length = limit
            field.widget.attrs["maxlength"] = limit
            # Our own length messages replace Django's generic ones.
            field.validators = [v for v in field.validators if "Length" not in type(v).__name__]
        _limit_body(self.fields["body"])
        self.fields["author_name"].widget.attrs["autocomplete"] = "name"
        self.fields["author_email"].widget.attrs["autocomplete"] = "email"
        # A text box, not type="email": browsers refuse Unicode before the "@" there.
        self.fields["author_email"].widget.attrs["inputmode"] = "email"
        self.fields["author_url"].widget.attrs["autocomplete"] = "url"
        self.fields["author_url"].widget.attrs["placeholder"] = "https://"
        self.fields["author_url"].assume_scheme = "https"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "author_name",
            "author_email",
            "author_url",
            Field("body"),
            # Kept in a cookie by comments.js: shown by the script, never without it.
            Div("remember", css_class="comment-remember", hidden=True),
            "notify_replies",
            "email_link",
            # Invisible to people and to assistive technology; bots fill it in.
            Div(HONEYPOT_FIELD, css_class="comment-hp", aria_hidden="true"),
            # "parent" and "token" differ from one page to the next: the template writes
            # them, so the rest of a blank form can be rendered once (blank_form_html).
            Submit("submit", _("Post comment"), css_class="comment-submit"),
        )

    def _text(self, name, *, empty_message, too_long_message):
        value = clean_text(self.cleaned_data.get(name))
        if not value:
            raise ValidationError(empty_message, code="required")
        if len(value) > self.fields[name].max_length:
            raise ValidationError(too_long_message, code="max_length")
        return value

    def clean_author_name(self):
        return self._text(
            "author_name",
            empty_message=_("Please enter your name."),
            too_long_message=_("Your name is too long (at most %(limit)s characters).")
            % {"limit": conf.NAME_MAX_LENGTH},
        )

    def clean_author_email(self):
        value = clean_text(self.cleaned_data.get("author_email"))
        if len(value) > conf.EMAIL_MAX_LENGTH:
            raise ValidationError(_("Please enter a valid email address."), code="invalid")
        return value

    def clean_author_url(self):
        value = clean_text(self.cleaned_data.get("author_url"))
        if not value:
            return ""
        if len(value) > conf.URL_MAX_LENGTH:
            raise ValidationError(
                _("Your website address is too long (at most %(limit)s characters).")
                % {"limit": conf.URL_MAX_LENGTH},
                code="max_length",
            )
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise ValidationError(
                _("Please enter a website address starting with http:// or https://."),
                code="invalid",
            ) from None
        return value

    def clean_body(self):
        return clean_comment_body(self.cleaned_data.get("body"))

    def clean(self):
        """Machine traffic: the hidden field filled in, or a form not served for this article."""
        cleaned = super().clean()
        refusal = abuse.check_honeypot(cleaned.get(HONEYPOT_FIELD)) or abuse.check_form_token(
            cleaned.get("token"),
            article_id=self.article.pk,
            discussion=self.discussion or DiscussionSettings.load(),
        )
        if refusal is not None:
            raise ValidationError(refusal.message, code=refusal.code)
        return cleaned

    def refusal(self) -> abuse.Refusal:
        """What the commenter is told above an invalid form."""
        field_errors = [name for name in self.errors if name in self.fields]
        if not field_errors:
            for error in self.non_field_errors().as_data():
                if error.code in abuse.Code:
                    return abuse.Refusal(abuse.Code(error.code), error.messages[0])
        return abuse.Refusal(
            abuse.Code.INVALID,
            _("Your comment could not be posted. Please correct the errors below."),
        )


class CommentTextForm(forms.ModelForm):
    """The commenter's correction of their own text, from their private link."""

    class Meta:
        model = Comment
        fields = ("body",)
        labels = {"body": _("Your comment")}
        help_texts = {"body": ""}
        widgets = {"body": forms.Textarea(attrs={"rows": 7})}
        error_messages = {"body": {"required": _("Please type your comment.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_body(self.fields["body"])
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "body", Submit("save", _("Save the new text"), css_class="comment-submit")
        )

    def clean_body(self):
        return clean_comment_body(self.cleaned_data.get("body"))


class ModerationReasonForm(forms.Form):
    """The reason kept with a decision not to publish (and told to the commenter, if on)."""

    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[("", _("No reason given")), *ModerationEvent.Reason.choices],
    )


def raw_value(form, name):
    return form.data.get(form.add_prefix(name), "")


_blank_forms = {}


def blank_form_html():
    """The crispy markup of an empty comment form: the same on every article page.

    Rendering it takes longer than the rest of a comment thread, so each process does it
    once for the limits in the settings, in each language.
    """
    key = (get_language(),) + tuple(
        getattr(conf, name)
        for name in (
            "NAME_MAX_LENGTH",
            "EMAIL_MAX_LENGTH",
            "URL_MAX_LENGTH",
            "MIN_LENGTH",
            "MAX_LENGTH",
        )
    )
    html = _blank_forms.get(key)
    if html is None:
        html = _blank_forms[key] = render_crispy_form(CommentForm())
    return html


def blank_hidden_fields(*, token, parent=None):
    """The blank form's "parent" and "token" inputs, as the form's own widgets write them.

    A reader page needs no form object for a blank form: its markup is kept
    (blank_form_html), and only these two inputs change from one page to the next.
    """
    value = format_html(' value="{}"', parent) if parent is not None else ""
    return format_html(
        '<input type="hidden" name="parent"{} id="id_parent">'
        '<input type="hidden" name="token" value="{}" id="id_token">',
        value,
        token,
    )
