"""A refused commenter is told when to try again, in words and in Retry-After."""

import pytest

from comments import abuse
from comments.models import DiscussionSettings

pytestmark = pytest.mark.django_db


def test_posting_too_quickly_answers_429_with_retry_after(article, post_comment, discussion):
    discussion.rate_limit_seconds = 30
    discussion.save()
    post_comment(article)
    response = post_comment(article, body="A second thought, right away.")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 30
    assert "Please try again in " in response.content.decode()
    assert " seconds." in response.content.decode()


def test_other_refusals_carry_no_retry_after(article, post_comment):
    post_comment(article)
    response = post_comment(article)  # the same comment again: a duplicate
    assert response.status_code == 409
    assert "Retry-After" not in response


def test_the_wait_counts_down_from_the_last_post():
    """The time left, not the whole interval: ten seconds later, twenty remain."""
    discussion = DiscussionSettings(rate_limit_seconds=30, hourly_cap=0)
    facts = {"ip": "198.51.100.9", "email": "", "discussion": discussion}
    assert abuse.check_rate_limits(now=1_000_000.0, **facts) is None
    refusal = abuse.check_rate_limits(now=1_000_010.0, **facts)
    assert refusal.retry_after == 20
    assert "20 seconds" in refusal.message


def test_the_hourly_cap_says_when_the_next_hour_starts():
    discussion = DiscussionSettings(rate_limit_seconds=0, hourly_cap=1)
    facts = {"ip": "198.51.100.10", "email": "", "discussion": discussion}
    hour = 1_000 * 3600
    assert abuse.check_rate_limits(now=hour + 600, **facts) is None
    refusal = abuse.check_rate_limits(now=hour + 660, **facts)
    assert refusal.retry_after == 3600 - 660
    assert "49 minutes" in refusal.message
