"""The admin home page answers "what needs me now" for each role, in a fixed number of queries."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article, Transition
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    CorrectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
S = Article.Status
HOME = reverse("admin:index")
# Mid-morning in the newsroom's time zone, so "today" has room either side.
MORNING = datetime.datetime(2026, 6, 10, 10, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))


@pytest.fixture
def morning():
    with time_machine.travel(MORNING, tick=False):
        yield MORNING


def at(hours):
    return MORNING + datetime.timedelta(hours=hours)


def home(client, user):
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def panel(html, title):
    """The HTML of one dashboard panel, found by its title."""
    start = html.index(f"<h2>{title} ")
    end = html.find('<div class="dashboard-panel', start)
    return html[start : end if end != -1 else html.index("</section>", start)]


def returned_draft(writer, editor, headline, note):
    article = ArticleFactory(draft=True, headline=headline)
    Article.objects.filter(pk=article.pk).update(created_by=writer)
    Transition.objects.create(
        article=article, from_status=S.DRAFT, to_status=S.IN_REVIEW, user=writer
    )
    Transition.objects.create(
        article=article, from_status=S.IN_REVIEW, to_status=S.DRAFT, user=editor, note=note
    )
    return article


def test_a_writer_sees_their_drafts_and_what_came_back_with_the_note(
    client, morning, writer, editor
):
    mine = ArticleFactory(draft=True, headline="Harbour ferry timetable draft")
    Article.objects.filter(pk=mine.pk).update(created_by=writer)
    bylined = ArticleFactory(draft=True, headline="Co-written river survey")
    bylined.bylines.create(author=AuthorFactory(user=writer), position=0)
    ArticleFactory(draft=True, headline="Someone else's draft")
    returned_draft(writer, editor, "Council budget explainer", "Needs a second source.")
    html = home(client, writer)
    drafts = panel(html, "My drafts")
    assert "Harbour ferry timetable draft" in drafts
    assert "Co-written river survey" in drafts
    assert "Council budget explainer" not in drafts
    back = panel(html, "Returned to me")
    assert "Council budget explainer" in back
    assert "Needs a second source." in back
    assert "Returned by Editor" in back
    assert "Someone else&#x27;s draft" not in html
    # Editors' and moderators' work is not the writer's.
    assert "<h2>In review " not in html
    assert "Comments awaiting moderation" not in html


def test_a_resubmitted_story_is_no_longer_returned(client, morning, writer, editor):
    article = returned_draft(writer, editor, "Council budget explainer", "Needs a source.")
    Transition.objects.create(
        article=article, from_status=S.DRAFT, to_status=S.IN_REVIEW, user=writer
    )
    Article.objects.filter(pk=article.pk).update(status=S.IN_REVIEW)
    html = home(client, writer)
    assert "Council budget explainer" not in html


def test_an_editor_sees_the_review_queue_schedule_new_stories_and_corrections(
    client, morning, editor
):
    ArticleFactory(draft=True, status=S.IN_REVIEW, headline="Waiting for a read")
    ArticleFactory(published_at=at(-2), headline="Out at eight")
    ArticleFactory(published_at=at(3), headline="Going out at one")
    ArticleFactory(published_at=at(26), headline="Tomorrow's feature")
    ArticleFactory(published_at=at(-30), headline="Out yesterday")
    CorrectionFactory(
        article=ArticleFactory(published_at=at(-50), headline="Bridge vote report"),
        text="An earlier version gave the wrong date for the vote.",
    )
    html = home(client, editor)
    assert "Waiting for a read" in panel(html, "In review")
    schedule = panel(html, "Today&#x27;s schedule")
    assert "Out at eight" in schedule and "Going out at one" in schedule
    assert schedule.index("Out at eight") < schedule.index("Going out at one")
    assert "live" in schedule and "scheduled" in schedule
    assert "Later this week" in schedule and "Tomorrow&#x27;s feature" in schedule
    assert "Out yesterday" not in schedule
    assert "Out yesterday" in panel(html, "Recently published")
    corrections = panel(html, "Recent corrections")
    assert "Bridge vote report" in corrections
    assert "An earlier version gave the wrong date" in corrections


def test_a_moderator_sees_the_queue_its_oldest_age_and_reported_comments(
    client, morning, moderator
):
    with time_machine.travel(at(-3), tick=False):
        CommentFactory(pending=True, body="The first one in the queue.")
    CommentFactory(pending=True, body="A newer comment.")
    CommentFactory(body="Readers did not like this one.", flag_count=2)
    CommentFactory(body="Nobody minded this one.")
    html = home(client, moderator)
    desk = html[html.index("Comments awaiting moderation") :]
    assert 'Comments awaiting moderation <span class="dashboard-count">2</span>' in html
    assert "The oldest has waited 3\xa0hours." in desk
    assert desk.index("The first one in the queue.") < desk.index("A newer comment.")
    reported = desk[desk.index("Reported by readers") :]
    assert "Readers did not like this one." in reported
    assert "2 reports" in reported
    assert "Nobody minded this one." not in reported
    # A moderator has no newsroom work on the home page.
    assert "<h2>In review " not in html and "<h2>My drafts " not in html


def test_staff_in_no_group_get_the_plain_admin_home(client, morning):
    ArticleFactory(draft=True, status=S.IN_REVIEW)
    CommentFactory(pending=True)
    html = home(client, UserFactory(username="nobody", is_staff=True))
    assert "editorial-dashboard" not in html


def grow(n, writer, editor):
    """n more of everything every panel lists."""
    for i in range(n):
        ArticleFactory(draft=True, status=S.IN_REVIEW)
        ArticleFactory(published_at=at(-1 - i))
        ArticleFactory(published_at=at(1 + i))
        returned_draft(writer, editor, f"Returned {i}", "Shorter, please.")
        mine = ArticleFactory(draft=True)
        Article.objects.filter(pk=mine.pk).update(created_by=writer)
        CorrectionFactory(article=ArticleFactory())
        CommentFactory(pending=True)
        CommentFactory(flag_count=1 + i)


def queries_for(client, user):
    client.force_login(user)
    client.get(HOME)  # the first visit after logging in writes to the session once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(HOME).status_code == 200
    return len(captured)


# Five queries are the admin's own (session, user, the user's and the groups' permissions,
# the recent actions box; a superuser needs no permission queries). Each panel is one query
# more (the writer's two panels share one; the moderation desk is three: the count with the
# oldest age, the oldest comments, the reported ones). Growing the tables must not add any:
# no query per article, byline, transition, correction or comment.
@pytest.mark.parametrize(
    ("who", "expected"),
    [("writer", 5 + 1), ("editor", 5 + 4 + 1 + 3), ("moderator", 5 + 3), ("superuser", 3 + 8)],
)
def test_the_home_page_costs_the_same_queries_however_much_there_is(
    client, morning, writer, editor, moderator, who, expected
):
    user = UserFactory(username="chief", is_staff=True, is_superuser=True)
    if who != "superuser":
        user = {"writer": writer, "editor": editor, "moderator": moderator}[who]
    grow(1, writer, editor)
    assert queries_for(client, user) == expected
    grow(6, writer, editor)
    assert queries_for(client, user) == expected


def test_editors_who_also_moderate_see_both_desks(client, morning, editor):
    editor.groups.add(Group.objects.get(name="Comment moderator"))
    CommentFactory(pending=True)
    html = home(client, editor)
    assert "<h2>In review " in html and "Comments awaiting moderation" in html
