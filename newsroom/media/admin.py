"""The media library in the admin: the list, uploads, the focal point, where each image is
used, and the staff-only view of private files."""

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from newsroom import images

from . import conf, usage, views
from .forms import ImageForm, UploadForm
from .models import Image, StaffFiles


class UploaderFilter(admin.SimpleListFilter):
    title = _("uploaded by")
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return (("1", _("Me")),)

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.filter(uploaded_by=request.user)
        return queryset


class LibraryChangeList(ChangeList):
    """Finds where the page's images are used with one query per use, not one per row."""

    def get_results(self, request):
        super().get_results(request)
        found = usage.references(image.pk for image in self.result_list)
        for image in self.result_list:
            image.references = found.get(image.pk, [])


def describe_references(references):
    if not references:
        return _("Not used")
    return format_html(
        '<ul class="media-uses">{}</ul>',
        format_html_join(
            "",
            "<li>{}: {}</li>",
            (
                (
                    reference.label,
                    format_html('<a href="{}">{}</a>', reference.url, reference.title)
                    if reference.url
                    else reference.title,
                )
                for reference in references
            ),
        ),
    )


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    change_form_template = "admin/media/image/change_form.html"
    change_list_template = "admin/media/image/change_list.html"
    list_display = (
        "thumbnail",
        "description",
        "dimensions",
        "uploaded_by",
        "uploaded_at",
        "where_used",
        "is_public",
    )
    list_display_links = ("thumbnail", "description")
    list_filter = (("uploaded_at", admin.DateFieldListFilter), "is_public", UploaderFilter)
    list_select_related = ("uploaded_by",)
    search_fields = ("alt_text", "caption", "credit", "original_name")
    date_hierarchy = "uploaded_at"
    show_facets = admin.ShowFacets.NEVER
    about = ("dimensions", "original_name", "uploaded_by", "uploaded_at", "is_public", "where_used")
    readonly_fields = ("focal_picker", "crops", "original_file", *about)

    class Media:
        css = {"all": ("css/admin.css", "css/admin-media.css")}
        js = ("js/admin-media.js",)

    @property
    def list_per_page(self):
        return conf.images_per_page()

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": ("file", "alt_text", "caption", "credit")}),)
        return (
            (_("Focal point"), {"fields": ("focal_picker", ("focal_x", "focal_y"), "crops")}),
            (None, {"fields": ("alt_text", "caption", "credit")}),
            (_("About the picture"), {"fields": self.about}),
            (_("Replace the picture"), {"classes": ("collapse",), "fields": ("file",)})
            if self.has_change_permission(request, obj)
            else (_("The picture"), {"fields": ("original_file",)}),
        )

    def get_changelist(self, request, **kwargs):
        return LibraryChangeList

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("upload/", wrap(self.upload_view), name="media_image_upload"),
            # Not behind admin_view: a picture asked for without a staff login answers 403,
            # not a redirect to the login page, and the browser may keep it for a while.
            path("file/<path:name>", self.file_view, name="media_image_file"),
            *super().get_urls(),
        ]

    # Permissions: writers change their own images, editors any (edit_any_image).

    def _owns_or_may_edit_any(self, request, obj):
        return (
            obj is None
            or obj.uploaded_by_id == request.user.pk
            or request.user.has_perm("media.edit_any_image")
        )

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._owns_or_may_edit_any(
            request, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._owns_or_may_edit_any(
            request, obj
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except ProtectedError as error:
            self._refuse_deletion(request, error)

    def delete_queryset(self, request, queryset):
        try:
            super().delete_queryset(request, queryset)
        except ProtectedError as error:
            self._refuse_deletion(request, error)

    def _refuse_deletion(self, request, error):
        # The confirmation page lists what protects an image; this catches a use added
        # between that page and the click.
        names = ", ".join(sorted({str(row) for row in error.protected_objects}))
        self.message_user(
            request,
            _("The image was not deleted: it is used by %(uses)s.") % {"uses": names},
            messages.ERROR,
        )
        raise _DeletionRefused

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except _DeletionRefused:
            return HttpResponseRedirect(request.path)

    def response_action(self, request, queryset, *args, **kwargs):
        try:
            return super().response_action(request, queryset, *args, **kwargs)
        except _DeletionRefused:
            return HttpResponseRedirect(request.get_full_path())

    # Columns and read-only parts of the change page.

    @admin.display(description=_("picture"))
    def thumbnail(self, obj):
        url = obj.picture_url("square", 160, private=True)
        if not url:
            return format_html('<span class="media-pending">{}</span>', _("Being prepared"))
        return format_html(
            '<img class="media-thumb" src="{}" alt="" width="80" height="80" loading="lazy">',
            url,
        )

    @admin.display(description=_("description"), ordering="alt_text")
    def description(self, obj):
        text = obj.alt_text or obj.caption
        if not text:
            return format_html('<span class="media-missing">{}</span>', _("No alt text yet"))
        return text

    @admin.display(description=_("size"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height} px" if obj.width else "—"

    @admin.display(description=_("where it is used"))
    def where_used(self, obj):
        references = getattr(obj, "references", None)
        if references is None:
            references = usage.references([obj.pk]).get(obj.pk, []) if obj.pk else []
        return describe_references(references)

    @admin.display(description=_("original"))
    def original_file(self, obj):
        # The private original, through the staff view: it has no public address.
        url = StaffFiles().url(obj.file.name)
        return format_html('<a href="{}">{}</a>', url, obj.original_name or obj.file.name)

    @admin.display(description=_("click the part of the picture that matters"))
    def focal_picker(self, obj):
        if not obj.file:
            return "—"
        boxes = {
            kind.name: images.focal_crop_box(
                obj.width, obj.height, kind.ratio, obj.focal_x, obj.focal_y
            )
            for kind in images.KINDS.values()
        }
        return render_to_string(
            "admin/media/image/focal_picker.html",
            {
                "image": obj,
                "src": reverse("admin:media_image_file", kwargs={"name": obj.file.name}),
                "kinds": [
                    {
                        "name": name,
                        "ratio": f"{images.KINDS[name].ratio_for(obj.width, obj.height):.6f}",
                        "x": left,
                        "y": top,
                        "width": right - left,
                        "height": bottom - top,
                    }
                    for name, (left, top, right, bottom) in boxes.items()
                ],
                "cx": round(obj.focal_x * obj.width),
                "cy": round(obj.focal_y * obj.height),
                "r": max(8, round(max(obj.width, obj.height) / 60)),
            },
        )

    @admin.display(description=_("crops"))
    def crops(self, obj):
        return render_to_string(
            "admin/media/image/crops.html",
            {
                "crops": [
                    {
                        "kind": name,
                        "made": name in (obj.renditions or {}),
                        "picture": obj.picture(name, private=True),
                    }
                    for name in images.KINDS
                ],
            },
        )

    # Extra pages.

    def file_view(self, request, name):
        return views.private_file(
            request,
            name,
            allowed=lambda request: (
                self.admin_site.has_permission(request) and self.has_view_permission(request)
            ),
        )

    def describe(self, image):
        return {
            "id": image.pk,
            "text": str(image),
            "width": image.width,
            "height": image.height,
            # Renditions are made after the commit; until then the original stands in.
            "thumbnail": image.picture_url("square", 160, private=True)
            or StaffFiles().url(image.file.name),
            "change_url": reverse("admin:media_image_change", args=[image.pk]),
        }

    def upload_view(self, request):
        """Several pictures at once; with Accept: application/json, the article form's
        "upload in place" (201 and the new images, or 400 and what was wrong)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and views.wants_json(request):
            return views.upload_json(request, form, self.describe)
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                made = form.save(by=request.user)
            self.message_user(
                request,
                ngettext(
                    "One picture was added to the library.",
                    "%(count)d pictures were added to the library.",
                    len(made),
                )
                % {"count": len(made)},
                messages.SUCCESS,
            )
            return HttpResponseRedirect(reverse("admin:media_image_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Upload pictures"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            "has_view_permission": self.has_view_permission(request),
        }
        return TemplateResponse(request, "admin/media/image/upload.html", context)


class _DeletionRefused(Exception):
    """An image's deletion was refused and the editor told why."""
