"""The preview of an article form's unsaved content, exactly as a reader would see it.

The form and its inlines are checked as a save would check them, then saved inside a
transaction that is always rolled back: the reader's template gets a real article, with its
bylines, tags, section and sanitized body, and the database keeps nothing. No revision is
recorded (no revision block is open), the autosaved copy is left alone, and the page-cache
changes a save records vanish with the rollback. An uploaded picture is not previewed: the
stored hero stays, so no file is written.
"""

from django.db import transaction
from django.forms.formsets import all_valid
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from .. import preview
from ..models import Article, prefetch_bylines


def render_unsaved_preview(model_admin, request, obj):
    """The reader's page for the form as posted, or the form's errors; never a save."""
    change = obj is not None
    with transaction.atomic():
        try:
            response = _render(model_admin, request, obj, change)
        finally:
            transaction.set_rollback(True)
    return response


def _render(model_admin, request, obj, change):
    form_class = model_admin.get_form(request, obj, change=change)
    form = form_class(request.POST, instance=obj)
    form_valid = form.is_valid()
    article = model_admin.save_form(request, form, change=change) if form_valid else form.instance
    formsets, inline_instances = model_admin._create_formsets(request, article, change=change)
    if not (form_valid and all_valid(formsets)):
        return _errors(model_admin, request, obj, form, formsets)
    if not change:
        article.created_by = request.user
    article.modified_by = request.user
    article.save()
    form.save_m2m()
    for formset in formsets:
        formset.save()
    shown = (
        Article.objects.select_related("section")
        .prefetch_related(prefetch_bylines(), "tags")
        .get(pk=article.pk)
    )
    # Rendered at once, while the rows to be rolled back still exist.
    return preview.render_preview(request, shown, shared=False, unsaved=True)


def _errors(model_admin, request, obj, form, formsets):
    fields = [
        (form[name].label if name in form.fields else "", errors)
        for name, errors in form.errors.items()
        if name != "__all__"
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": obj,
        "title": _("Preview not possible yet"),
        "non_field_errors": form.non_field_errors(),
        "field_errors": fields,
        "inline_errors": [
            message
            for formset in formsets
            for errors in (formset.non_form_errors(), *formset.errors)
            for message in (errors.values() if isinstance(errors, dict) else [errors])
            if message
        ],
    }
    response = TemplateResponse(
        request, "admin/articles/article/preview_errors.html", context, status=400
    )
    response["Cache-Control"] = "private, no-store"
    return response
