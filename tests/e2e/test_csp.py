"""The Content Security Policy in a real browser: nothing the site needs is blocked.

Every page is opened with a listener for `securitypolicyviolation` events installed before
any of the page's own code runs, and the console is watched for the browser's "Refused
to..." errors; either one fails the test.
"""

import urllib.request

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def watched(page):
    """The page, and a function that returns every policy violation seen so far."""
    console = []
    page.on(
        "console",
        lambda message: console.append(message.text) if message.type == "error" else None,
    )
    page.add_init_script(WATCH)
    page.set_viewport_size({"width": 1280, "height": 900})

    def violations():
        seen = page.evaluate("window.__violations || []")
        refused = [text for text in console if "Content Security Policy" in text]
        return seen + refused

    return page, violations


def test_reader_pages_run_under_the_policy_without_violations(watched, pages, newsroom):
    page, violations = watched
    CommentFactory(
        article=newsroom.lead, author_name="Jonas Berg", body="Good to see the ferry kept."
    )
    for name, url in pages.items():
        response = page.goto(url)
        assert "'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert violations() == [], name
    # The comment form's script (replies) runs: it is ours, from our origin.
    page.goto(pages["article"])
    page.get_by_role("link", name="Reply to Jonas Berg").click()
    expect(page.locator("#reply-title")).to_contain_text("Replying to Jonas Berg")
    assert violations() == []


def test_a_json_ld_data_block_is_not_blocked(watched, live_server):
    """Structured data is a data block, not a script: the policy leaves it alone."""
    page, violations = watched
    page.route(
        "**/json-ld-check",
        lambda route: route.fulfill(
            status=200,
            headers={
                "Content-Type": "text/html",
                "Content-Security-Policy": _policy_of(live_server.url + "/"),
            },
            body='<!doctype html><title>t</title><script type="application/ld+json">'
            '{"@context": "https://schema.org", "@type": "NewsArticle", "headline": "t"}'
            "</script><p>ok</p>",
        ),
    )
    page.goto(live_server.url + "/json-ld-check")
    expect(page.locator("p")).to_have_text("ok")
    assert (
        page.evaluate(
            "JSON.parse(document.querySelector('script[type=\"application/ld+json\"]').text)"
            ".headline"
        )
        == "t"
    )
    assert violations() == []


def _policy_of(url):
    with urllib.request.urlopen(url) as response:
        return response.headers["Content-Security-Policy"]


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_the_admin_and_its_body_editor_work_under_the_policy(watched, newsroom):
    page, violations = watched
    UserFactory(username="chief", is_staff=True, is_superuser=True, password=PASSWORD)
    CommentFactory(article=newsroom.lead, pending=True)
    log_in(page, "chief")
    expect(page.locator("#user-tools")).to_be_visible()
    assert violations() == [], "login"
    article = newsroom.lead
    article.status = "draft"
    article.save()
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    editor = page.locator(".prose-editor .tiptap.ProseMirror")
    expect(editor).to_be_visible()
    expect(page.locator(".prose-menubar")).to_be_visible()
    editor.locator("p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" An update typed under the policy.")
    page.keyboard.press("Control+b")
    page.keyboard.type(" Bold words.")
    expect(editor.locator("strong", has_text="Bold words.")).to_be_visible()
    # admin-workflow.js: the publish button follows the chosen time.
    publish_at = page.locator("#publish-at")
    if publish_at.count():
        publish_at.fill("2099-01-01T09:00")
        expect(page.locator("button[data-later-label]")).to_have_text("Schedule")
    assert violations() == [], "change form"
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert violations() == [], "after saving"
    for url in (
        reverse("admin:index"),
        reverse("admin:articles_article_changelist"),
        reverse("admin:articles_article_add"),
        reverse("admin:comments_comment_changelist"),
        reverse("admin:articles_article_revisions", args=[article.pk]),
        reverse("admin:auth_user_changelist"),
    ):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        assert violations() == [], url


def test_an_editor_sets_up_two_factors_and_logs_in_with_a_code(
    watched, settings, roles, screenshot
):
    settings.REQUIRE_2FA = True
    page, violations = watched
    user = UserFactory(username="desk", first_name="Dana", is_staff=True, password=PASSWORD)
    user.groups.add(roles["Editor"])

    log_in(page, "desk")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    qr = page.locator("img.two-factor-qr")
    expect(qr).to_be_visible()
    assert qr.evaluate("img => img.decode().then(() => img.naturalWidth)") > 0
    screenshot(page, "two-factor-setup")
    device = TOTPDevice.objects.get(user=user)
    page.get_by_label("Code from the app").fill(_code(device))
    page.get_by_role("button", name="Turn on two-factor authentication").click()
    expect(page.locator(".two-factor-codes li")).to_have_count(10)
    screenshot(page, "two-factor-recovery-codes")
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page.locator(".editorial-dashboard")).to_be_visible()

    page.locator("#logout-form button").click()
    log_in(page, "desk")
    expect(page.get_by_label("Code")).to_be_visible()
    screenshot(page, "two-factor-verify")
    page.get_by_label("Code").fill(_code(device, 1))
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".editorial-dashboard")).to_be_visible()
    assert violations() == []


def _code(device, offset=0):
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, offset):06d}"


def test_readers_see_the_503_page_in_the_site_look_while_the_database_is_down(
    watched, production_server, screenshot
):
    """gunicorn in production configuration, with PostgreSQL and Redis unreachable."""
    page, violations = watched
    url, _static = production_server
    response = page.goto(url + "/")
    assert response.status == 503
    expect(page.get_by_role("heading", name="We'll be back in a moment")).to_be_visible()
    # The site's own (collected, compressed) stylesheet is loaded and applied.
    assert page.evaluate("document.styleSheets[0].cssRules.length") > 50
    screenshot(page, "database-down-503")
    assert violations() == []
