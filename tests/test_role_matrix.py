"""Who may open which admin page and use which admin action: the whole matrix, by role.

Every registered model's five pages, every extra URL a ModelAdmin or the admin site adds,
and every action every ModelAdmin offers, for each role: Writer, Editor, Comment moderator,
a superuser, and a member of staff in no group. Two factors are required as in production
(superusers and TWO_FACTOR_GROUPS), and those who need them have given them.

A page, model or action added later fails test_every_page_and_action_has_a_decision until
this table says who may use it.

Results: an HTTP status, "302>name" for a redirect to the admin URL of that name, and for
actions "yes" (offered and carried out), "no" (not offered; a forged POST does nothing) or
"403" (the list itself is forbidden).
"""

import uuid

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.admin.options import ActionLocation
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.urls import resolve, reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from reversion.models import Version

from articles.models import Article, Redirect, Transition
from comments.models import DiscussionSettings
from newsroom import twofactor
from tests.factories import ArticleFactory, AuthorFactory, CommentFactory, TagFactory, UserFactory
from tests.media.factories import ImageFactory

pytestmark = pytest.mark.django_db

ROLES = ("writer", "editor", "moderator", "superuser", "staff")
STANDARD = ("changelist", "add", "change", "delete", "history")

# Redirects the table names often: back to the article's page after a workflow POST, from
# the one-row settings list to its form, to setting up two factors.
BACK = "302>articles_article_change"
FORM = "302>comments_discussionsettings_change"
SETUP = "302>two-factor-setup"

# fmt: off
# page: (writer, editor, moderator, superuser, staff in no group). The writer owns the draft
# used for the article pages; a moderator reads articles (view only, the change page shows
# the form read-only) and nothing else of the newsroom's; accounts, devices, login records
# and task results are the superusers' alone; a staff member in no group sees the home page,
# their password and their own two-factor pages.
PAGES = {
    "app_list": (200, 200, 200, 200, 404),
    "articles_article_add": (200, 200, 403, 200, 403),
    "articles_article_change": (200, 200, 200, 200, 403),
    "articles_article_changelist": (200, 200, 200, 200, 403),
    "articles_article_compare": (200, 200, 200, 200, 403),
    "articles_article_delete": (403, 200, 403, 200, 403),
    "articles_article_history": (200, 200, 200, 200, 403),
    "articles_article_autosave": (200, 200, 403, 200, 403),
    "articles_article_autosave_discard": (BACK, BACK, 403, BACK, 403),
    "articles_article_presence": (200, 200, 200, 200, 403),
    "articles_article_preview": (200, 200, 200, 200, 403),
    # An empty form: those who may write get its errors, never a save.
    "articles_article_preview_new": (400, 400, 403, 400, 403),
    "articles_article_restore": (BACK, BACK, 403, BACK, 403),
    "articles_article_revisions": (200, 200, 200, 200, 403),
    "articles_article_revoke_preview": (BACK, BACK, 403, BACK, 403),
    "articles_article_share_preview": (BACK, BACK, 403, BACK, 403),
    "articles_redirect_add": (403, 200, 403, 200, 403),
    "articles_redirect_change": (403, 200, 403, 200, 403),
    "articles_redirect_changelist": (403, 200, 403, 200, 403),
    "articles_redirect_delete": (403, 200, 403, 200, 403),
    "articles_redirect_history": (403, 200, 403, 200, 403),
    "articles_section_add": (403, 200, 403, 200, 403),
    "articles_section_change": (200, 200, 403, 200, 403),
    "articles_section_changelist": (200, 200, 403, 200, 403),
    "articles_section_delete": (403, 200, 403, 200, 403),
    "articles_section_history": (200, 200, 403, 200, 403),
    "articles_tag_add": (403, 200, 403, 200, 403),
    "articles_tag_change": (200, 200, 403, 200, 403),
    "articles_tag_changelist": (200, 200, 403, 200, 403),
    "articles_tag_delete": (403, 200, 403, 200, 403),
    "articles_tag_history": (200, 200, 403, 200, 403),
    "articles_transition_add": (403, 403, 403, 403, 403),
    "articles_transition_change": (403, 200, 403, 200, 403),
    "articles_transition_changelist": (403, 200, 403, 200, 403),
    "articles_transition_delete": (403, 403, 403, 200, 403),
    "articles_transition_history": (403, 200, 403, 200, 403),
    "auth_group_add": (403, 403, 403, 200, 403),
    "auth_group_change": (403, 403, 403, 200, 403),
    "auth_group_changelist": (403, 403, 403, 200, 403),
    "auth_group_delete": (403, 403, 403, 200, 403),
    "auth_group_history": (403, 403, 403, 200, 403),
    "auth_user_add": (403, 403, 403, 200, 403),
    "auth_user_change": (403, 403, 403, 200, 403),
    "auth_user_changelist": (403, 403, 403, 200, 403),
    "auth_user_delete": (403, 403, 403, 200, 403),
    "auth_user_history": (403, 403, 403, 200, 403),
    "auth_user_password_change": (403, 403, 403, 200, 403),
    "authors_author_add": (403, 200, 403, 200, 403),
    "authors_author_change": (200, 200, 403, 200, 403),
    "authors_author_changelist": (200, 200, 403, 200, 403),
    "authors_author_delete": (403, 200, 403, 200, 403),
    "authors_author_history": (200, 200, 403, 200, 403),
    "autocomplete": (200, 200, 200, 200, 403),
    "axes_accessattempt_add": (403, 403, 403, 403, 403),
    "axes_accessattempt_change": (403, 403, 403, 200, 403),
    "axes_accessattempt_changelist": (403, 403, 403, 200, 403),
    "axes_accessattempt_delete": (403, 403, 403, 200, 403),
    "axes_accessattempt_history": (403, 403, 403, 200, 403),
    "axes_accessfailurelog_add": (403, 403, 403, 403, 403),
    "axes_accessfailurelog_change": (403, 403, 403, 200, 403),
    "axes_accessfailurelog_changelist": (403, 403, 403, 200, 403),
    "axes_accessfailurelog_delete": (403, 403, 403, 200, 403),
    "axes_accessfailurelog_history": (403, 403, 403, 200, 403),
    "axes_accesslog_add": (403, 403, 403, 403, 403),
    "axes_accesslog_change": (403, 403, 403, 200, 403),
    "axes_accesslog_changelist": (403, 403, 403, 200, 403),
    "axes_accesslog_delete": (403, 403, 403, 200, 403),
    "axes_accesslog_history": (403, 403, 403, 200, 403),
    "comments_comment_add": (403, 403, 403, 403, 403),
    "comments_comment_change": (403, 200, 200, 200, 403),
    "comments_comment_changelist": (403, 200, 200, 200, 403),
    "comments_comment_delete": (403, 403, 403, 200, 403),
    "comments_comment_history": (403, 200, 200, 200, 403),
    "comments_comment_reply": (403, 200, 200, 200, 403),
    "comments_discussionsettings_add": (403, 403, 403, 403, 403),
    "comments_discussionsettings_change": (403, 200, 200, 200, 403),
    "comments_discussionsettings_changelist": (403, FORM, FORM, FORM, 403),
    "comments_discussionsettings_delete": (403, 403, 403, 403, 403),
    "comments_discussionsettings_history": (403, 200, 200, 200, 403),
    "django_tasks_database_dbtaskresult_add": (403, 403, 403, 403, 403),
    "django_tasks_database_dbtaskresult_change": (403, 403, 403, 200, 403),
    "django_tasks_database_dbtaskresult_changelist": (403, 403, 403, 200, 403),
    "django_tasks_database_dbtaskresult_delete": (403, 403, 403, 403, 403),
    "django_tasks_database_dbtaskresult_history": (403, 403, 403, 200, 403),
    "index": (200, 200, 200, 200, 200),
    "jsi18n": (200, 200, 200, 200, 200),
    "media_image_add": (200, 200, 403, 200, 403),
    "media_image_change": (200, 200, 403, 200, 403),
    "media_image_changelist": (200, 200, 403, 200, 403),
    "media_image_delete": (403, 200, 403, 200, 403),
    "media_image_file": (200, 200, 403, 200, 403),
    "media_image_history": (200, 200, 403, 200, 403),
    "media_image_upload": (200, 200, 403, 200, 403),
    "login": ("302>index", "302>index", "302>index", "302>index", "302>index"),
    "logout": (200, 200, 200, 200, 200),
    "otp_static_staticdevice_add": (403, 403, 403, 200, 403),
    "otp_static_staticdevice_change": (403, 403, 403, 200, 403),
    "otp_static_staticdevice_changelist": (403, 403, 403, 200, 403),
    "otp_static_staticdevice_delete": (403, 403, 403, 200, 403),
    "otp_static_staticdevice_history": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_add": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_change": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_changelist": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_config": (403, 403, 403, 403, 403),
    "otp_totp_totpdevice_delete": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_history": (403, 403, 403, 200, 403),
    "otp_totp_totpdevice_qrcode": (403, 403, 403, 403, 403),
    "password_change": (200, 200, 200, 200, 200),
    "password_change_done": (200, 200, 200, 200, 200),
    "two-factor-cancel": ("302>login", "302>login", "302>login", "302>login", "302>login"),
    "two-factor-qr": (200, 200, 200, 200, 200),
    "two-factor-recovery-codes": (SETUP, 200, SETUP, 200, SETUP),
    "two-factor-setup": (200, 200, 200, 200, 200),
    "two-factor-verify": (SETUP, "302>index", SETUP, "302>index", SETUP),
    "view_on_site": ("302>site", "302>site", "302>site", "302>site", "302>site"),
}
# action: (writer, editor, moderator, superuser, staff in no group). Only superusers delete
# comments, transitions, accounts and devices; the one-row discussion settings have no list
# to act on. django-axes' "Clean up expired attempts" works through newsroom.admin's
# AccessAttemptAdmin (as shipped it needs a request attribute only its login handler sets).
ACTIONS = {
    "articles.article:delete_selected": ("no", "yes", "no", "yes", 403),
    "articles.article:publish_selected": ("no", "yes", "no", "yes", 403),
    "articles.article:submit_selected": ("yes", "yes", "no", "yes", 403),
    "articles.article:unpublish_selected": ("no", "yes", "no", "yes", 403),
    "articles.redirect:delete_selected": (403, "yes", 403, "yes", 403),
    "articles.section:delete_selected": ("no", "yes", 403, "yes", 403),
    "articles.tag:delete_selected": ("no", "yes", 403, "yes", 403),
    "articles.transition:delete_selected": (403, "no", 403, "yes", 403),
    "auth.group:delete_selected": (403, 403, 403, "yes", 403),
    "auth.user:delete_selected": (403, 403, 403, "yes", 403),
    "authors.author:delete_selected": ("no", "yes", 403, "yes", 403),
    "axes.accessattempt:cleanup_expired_attempts": (403, 403, 403, "yes", 403),
    "axes.accessattempt:delete_selected": (403, 403, 403, "yes", 403),
    "axes.accessfailurelog:delete_selected": (403, 403, 403, "yes", 403),
    "axes.accesslog:delete_selected": (403, 403, 403, "yes", 403),
    "comments.comment:approve": (403, "yes", "yes", "yes", 403),
    "comments.comment:delete_selected": (403, "no", "no", "yes", 403),
    "comments.comment:erase_data": (403, "yes", "yes", "yes", 403),
    "comments.comment:export_data": (403, "yes", "yes", "yes", 403),
    "comments.comment:mark_as_spam": (403, "yes", "yes", "yes", 403),
    "comments.comment:remove": (403, "yes", "yes", "yes", 403),
    "comments.comment:restore": (403, "yes", "yes", "yes", 403),
    "comments.discussionsettings:delete_selected": (403, "no", "no", "no", 403),
    "django_tasks_database.dbtaskresult:delete_selected": (403, 403, 403, "no", 403),
    "media.image:delete_selected": ("no", "yes", 403, "yes", 403),
    "otp_static.staticdevice:delete_selected": (403, 403, 403, "yes", 403),
    "otp_totp.totpdevice:delete_selected": (403, 403, 403, "yes", 403),
}
# fmt: on


@pytest.fixture(autouse=True)
def production_security(settings):
    """Two factors and django-axes on, as in production."""
    settings.REQUIRE_2FA = True
    settings.AXES_ENABLED = True


@pytest.fixture
def people(writer, editor, moderator):
    return {
        "writer": writer,
        "editor": editor,
        "moderator": moderator,
        "superuser": UserFactory(username="chief", is_staff=True, is_superuser=True),
        "staff": UserFactory(username="intern", is_staff=True),
    }


def log_in(client, user):
    """Log in as the admin would, with a verified authenticator when the account needs one."""
    client.force_login(user)
    if twofactor.is_required(user):
        device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def world(people, settings):
    """One object of every registered model, owned by the writer where ownership matters."""
    writer = people["writer"]
    # The task results list shows each result's task from its backend: a database one.
    settings.TASKS = {
        **settings.TASKS,
        "database": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    with reversion.create_revision():
        article = ArticleFactory(
            draft=True,
            headline="The writer's own draft",
            authors=[AuthorFactory()],
            tags=[TagFactory()],
            created_by=writer,
        )
        reversion.set_user(writer)
    with reversion.create_revision():
        article.standfirst = "A second version."
        article.save()
        reversion.set_user(writer)
    versions = list(Version.objects.get_for_object(article).order_by("pk"))
    colleague = UserFactory(username="colleague", is_staff=True)
    comment = CommentFactory(article=article, pending=True)
    now = timezone.now()
    objects = {
        "articles.article": article,
        "articles.section": article.section,
        "articles.tag": article.tags.get(),
        "authors.author": article.bylines.get().author,
        "articles.transition": Transition.objects.create(
            article=article, from_status="draft", to_status="review", user=writer
        ),
        "articles.redirect": Redirect.objects.create(old_path="/old/path/", target="/new/"),
        "comments.comment": comment,
        "comments.discussionsettings": DiscussionSettings.objects.get_or_create(pk=1)[0],
        "auth.group": Group.objects.get(name="Writer"),
        "auth.user": writer,
        "django_tasks_database.dbtaskresult": DBTaskResult.objects.create(
            id=uuid.uuid4(),
            enqueued_at=now,
            args_kwargs={"args": [], "kwargs": {}},
            task_path="articles.notifications.send_transition_mail",
            backend_name="database",
            run_after=now,
            exception_class_path="",
            traceback="",
        ),
        "axes.accessattempt": AccessAttempt.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent="", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent=""
        ),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="someone", ip_address="192.0.2.1", user_agent=""
        ),
        # The writer's own picture: writers change their own, editors any.
        "media.image": ImageFactory(uploaded_by=writer),
        # Someone else's devices: the roles' own log-ins stay as they are.
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=colleague, name="phone"),
        "otp_static.staticdevice": StaticDevice.objects.create(user=colleague, name="codes"),
    }
    return {"objects": objects, "versions": versions, "article": article, "comment": comment}


def standard_pages():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        prefix = f"{model._meta.app_label}_{model._meta.model_name}"
        for page in STANDARD:
            yield f"{prefix}_{page}", label, model_admin


def extra_page_names():
    """Every named admin URL beyond the five standard pages of each registered model."""
    standard = {name for name, _label, _admin in standard_pages()}
    names = {url.name for url in admin.site.get_urls() if getattr(url, "name", None)}
    for model_admin in admin.site._registry.values():
        names |= {url.name for url in model_admin.get_urls() if url.name}
    return names - standard


def every_action():
    """(key, model, name) of every action of every ModelAdmin, whoever may use it.

    The base actions are what get_actions() chooses from for each user: the admin's own and
    the site-wide ones (delete_selected), before permissions are applied.
    """
    for model, model_admin in admin.site._registry.items():
        for action in model_admin._get_base_actions():
            yield f"{model._meta.label_lower}:{action.name}", model, action.name


def change_form_actions():
    """Actions offered on a change page (none yet): each would need its own rows here."""
    for model, model_admin in admin.site._registry.items():
        for action in model_admin._get_base_actions(ActionLocation.CHANGE_FORM):
            yield f"{model._meta.label_lower}:{action.name}@change_form"


def page_request(name, world):
    """(method, url, data) for one page."""
    objects = world["objects"]
    article, comment = world["article"], world["comment"]
    first, second = world["versions"]
    custom = {
        "articles_article_autosave": ("post", [], {"article": article.pk, "state": "{}"}),
        "articles_article_autosave_discard": ("post", [], {"article": article.pk}),
        "articles_article_presence": ("post", [article.pk], {}),
        "articles_article_preview": ("get", [article.pk], None),
        "articles_article_preview_new": ("post", [], {}),
        "articles_article_share_preview": ("post", [article.pk], {}),
        "articles_article_revoke_preview": ("post", [article.pk], {}),
        "articles_article_revisions": ("get", [article.pk], None),
        "articles_article_compare": ("get", [article.pk], {"from": first.pk, "to": second.pk}),
        "articles_article_restore": ("post", [article.pk, first.pk], {}),
        "comments_comment_reply": ("get", [comment.pk], None),
        "media_image_file": ("get", [], None),
        "auth_user_password_change": ("get", [objects["auth.user"].pk], None),
        "otp_totp_totpdevice_config": ("get", [objects["otp_totp.totpdevice"].pk], None),
        "otp_totp_totpdevice_qrcode": ("get", [objects["otp_totp.totpdevice"].pk], None),
        "app_list": ("get", [], None),
        "view_on_site": ("get", [], None),
        "autocomplete": (
            "get",
            [],
            {
                "app_label": "articles",
                "model_name": "article",
                "field_name": "related_articles",
                "term": "own",
            },
        ),
    }
    if name in custom:
        method, args, data = custom[name]
        if name == "app_list":
            return method, reverse("admin:app_list", kwargs={"app_label": "articles"}), data
        if name == "autocomplete":
            return method, reverse("admin:autocomplete"), data
        if name == "media_image_file":
            picture = objects["media.image"].file.name
            return method, reverse(f"admin:{name}", kwargs={"name": picture}), data
        if name == "view_on_site":
            from django.contrib.contenttypes.models import ContentType

            ct = ContentType.objects.get_for_model(Article)
            return method, reverse("admin:view_on_site", args=[ct.pk, article.pk]), data
        return method, reverse(f"admin:{name}", args=args), data
    for standard, label, _model_admin in standard_pages():
        if standard == name:
            page = name.rsplit("_", 1)[1]
            args = [] if page in ("changelist", "add") else [objects[label].pk]
            return "get", reverse(f"admin:{name}", args=args), None
    post_only = {"two-factor-recovery-codes", "two-factor-cancel", "logout"}
    return ("post" if name in post_only else "get"), reverse(f"admin:{name}"), {}


def outcome(response):
    if response.status_code in (301, 302):
        location = response["Location"].split("?")[0]
        if not location.startswith("/admin/"):
            return f"{response.status_code}>site"
        return f"{response.status_code}>{resolve(location).url_name}"
    return response.status_code


def visit_every_page(client, world):
    results = {}
    names = [name for name, _label, _admin in standard_pages()] + sorted(extra_page_names())
    # Pages that change things come last, so the others see the objects as made.
    changing = {"articles_article_autosave_discard", "articles_article_restore",
                "articles_article_revoke_preview", "two-factor-recovery-codes",
                "two-factor-cancel", "logout"}  # fmt: skip
    last = ("two-factor-cancel", "logout")  # both end the session
    for name in sorted(names, key=lambda n: (n in changing, n in last, n)):
        method, url, data = page_request(name, world)
        response = getattr(client, method)(url, data or {})
        results[name] = outcome(response)
    return results


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_the_table_allows(client, people, world, role):
    log_in(client, people[role])
    actual = visit_every_page(client, world)
    column = ROLES.index(role)
    expected = {name: row[column] for name, row in PAGES.items()}
    wrong = {name: (expected.get(name), got) for name, got in actual.items()
             if expected.get(name) != got}  # fmt: skip
    assert not wrong, f"{role}: page: (table, actual) {wrong}"


def try_every_action(client, world):
    """Each action's verdict for the logged-in user: offered and done, refused, or no list."""
    results = {}
    for key, model, name in every_action():
        label = model._meta.label_lower
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        page = client.get(changelist, follow=True)
        if page.status_code == 403:
            results[key] = 403
            continue
        form = page.context.get("action_form") if page.context else None
        offered = bool(form) and name in {value for value, _ in form.fields["action"].choices}
        try:
            response = client.post(
                changelist,
                {"action": name, "_selected_action": [world["objects"][label].pk], "index": 0},
            )
        except Exception:  # a server error; the table says where one is known
            results[key] = 500
            continue
        said = [str(message) for message in get_messages(response.wsgi_request)]
        if offered:
            assert response.status_code in (200, 302), (key, response.status_code)
            assert "No action selected." not in said, key
            results[key] = "yes"
        else:
            # Not offered, so a forged POST is turned away without doing anything: refused
            # with the admin's message, or, where the user has no action at all, answered
            # with the plain list.
            if response.status_code == 302:
                # The admin's refusal, or a model with no list to act on (one row only).
                assert "No action selected." in said or page.redirect_chain, (key, said)
            else:
                assert response.status_code == 200, (key, response.status_code)
                assert response.templates[0].name.endswith("change_list.html"), key
            results[key] = "no"
    return results


@pytest.mark.parametrize("role", ROLES)
def test_each_role_uses_exactly_the_actions_the_table_allows(client, people, world, role):
    log_in(client, people[role])
    actual = try_every_action(client, world)
    column = ROLES.index(role)
    expected = {name: row[column] for name, row in ACTIONS.items()}
    wrong = {name: (expected.get(name), got) for name, got in actual.items()
             if expected.get(name) != got}  # fmt: skip
    assert not wrong, f"{role}: action: (table, actual) {wrong}"


def test_every_page_and_action_has_a_decision():
    """A model, admin URL or action added later fails here until the table says who may use it."""
    pages = {name for name, _label, _admin in standard_pages()} | extra_page_names()
    actions = {key for key, _model, _name in every_action()} | set(change_form_actions())
    assert pages - PAGES.keys() == set(), "pages missing from PAGES"
    assert PAGES.keys() - pages == set(), "PAGES lists pages that no longer exist"
    assert actions - ACTIONS.keys() == set(), "actions missing from ACTIONS"
    assert ACTIONS.keys() - actions == set(), "ACTIONS lists actions that no longer exist"
    assert all(len(row) == len(ROLES) for row in (*PAGES.values(), *ACTIONS.values()))


@pytest.mark.parametrize("role", ["editor", "superuser"])
def test_without_the_second_factor_the_required_roles_reach_no_page(client, people, world, role):
    """Editors (TWO_FACTOR_GROUPS) and superusers who have not given a code are sent to it."""
    client.force_login(people[role])
    for name in ("index", "articles_article_changelist", "comments_comment_changelist"):
        response = client.get(reverse(f"admin:{name}"), follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("admin:two-factor-setup"))
