"""Honeypot, signed form timestamp, rate limits, duplicates and replies, one rule at a time."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory

from comments import abuse
from comments.models import DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db
T0 = datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC)


def refusal_code(call, *args, **kwargs):
    refusal = call(*args, **kwargs)
    assert isinstance(refusal, abuse.Refusal)
    assert refusal.message
    return refusal.code


class TestFormToken:
    def check(self, token, article_id=7, discussion=None):
        return abuse.check_form_token(
            token, article_id=article_id, discussion=discussion or DiscussionSettings()
        )

    def test_a_form_sent_after_a_few_seconds_is_accepted(self):
        with time_machine.travel(T0, tick=False) as traveller:
            token = abuse.make_form_token(7)
            traveller.shift(datetime.timedelta(seconds=5))
            assert self.check(token) is None

    def test_a_form_sent_faster_than_a_person_can_type_is_refused(self):
        with time_machine.travel(T0, tick=False) as traveller:
            token = abuse.make_form_token(7)
            traveller.shift(datetime.timedelta(seconds=2))
            assert refusal_code(self.check, token) == "too_fast"

    def test_the_minimum_time_comes_from_the_settings(self):
        with time_machine.travel(T0, tick=False):
            token = abuse.make_form_token(7)
            assert self.check(token, discussion=DiscussionSettings(min_seconds=0)) is None

    def test_a_form_older_than_a_day_has_expired(self):
        with time_machine.travel(T0, tick=False) as traveller:
            token = abuse.make_form_token(7)
            traveller.shift(datetime.timedelta(days=1, seconds=1))
            assert refusal_code(self.check, token) == "token_expired"

    def test_a_form_for_another_article_is_refused(self):
        with time_machine.travel(T0, tick=False) as traveller:
            token = abuse.make_form_token(8)
            traveller.shift(datetime.timedelta(seconds=30))
            assert refusal_code(self.check, token) == "token_invalid"

    @pytest.mark.parametrize(
        "token",
        ["", "7:123", "garbage", "7:1000:forged-signature", "\x00", "8" * 5000],
    )
    def test_a_missing_or_forged_token_is_refused(self, token):
        assert refusal_code(self.check, token) == "token_invalid"

    def test_a_token_with_its_time_changed_is_refused(self):
        with time_machine.travel(T0, tick=False):
            article_id, issued, signature = abuse.make_form_token(7).split(":")
        earlier = f"{article_id}:{int(issued) - 100}:{signature}"
        assert refusal_code(self.check, earlier) == "token_invalid"


def test_a_filled_honeypot_is_refused():
    assert abuse.check_honeypot("") is None
    assert refusal_code(abuse.check_honeypot, "http://spam.example") == "honeypot"


class TestRateLimits:
    def test_two_comments_from_one_address_within_the_interval_are_refused(self):
        discussion = DiscussionSettings()
        assert (
            abuse.check_rate_limits(ip="198.51.100.1", email="a@example.net", discussion=discussion)
            is None
        )
        code = refusal_code(
            abuse.check_rate_limits, ip="198.51.100.1", email="b@example.net", discussion=discussion
        )
        assert code == "rate_limited"

    def test_two_comments_from_one_email_within_the_interval_are_refused(self):
        discussion = DiscussionSettings()
        assert (
            abuse.check_rate_limits(ip="198.51.100.1", email="a@example.net", discussion=discussion)
            is None
        )
        code = refusal_code(
            abuse.check_rate_limits, ip="198.51.100.2", email="A@example.net", discussion=discussion
        )
        assert code == "rate_limited"

    def test_after_the_interval_the_same_commenter_may_post_again(self, movable_cache):
        discussion = DiscussionSettings(rate_limit_seconds=30)
        facts = {"ip": "198.51.100.1", "email": "a@example.net", "discussion": discussion}
        with time_machine.travel(T0, tick=False) as clock:
            assert abuse.check_rate_limits(**facts) is None
            clock.shift(29)
            assert refusal_code(abuse.check_rate_limits, **facts) == "rate_limited"
            clock.shift(2)
            assert abuse.check_rate_limits(**facts) is None

    def test_the_hourly_cap_holds_even_when_each_comment_waits_its_turn(self):
        discussion = DiscussionSettings(rate_limit_seconds=0, hourly_cap=3)
        for n in range(3):
            assert (
                abuse.check_rate_limits(
                    ip="198.51.100.1", email=f"{n}@example.net", discussion=discussion
                )
                is None
            )
        code = refusal_code(
            abuse.check_rate_limits, ip="198.51.100.1", email="x@example.net", discussion=discussion
        )
        assert code == "rate_limited"

    def test_different_commenters_do_not_slow_each_other_down(self):
        discussion = DiscussionSettings()
        assert (
            abuse.check_rate_limits(ip="198.51.100.1", email="a@example.net", discussion=discussion)
            is None
        )
        assert (
            abuse.check_rate_limits(ip="198.51.100.2", email="b@example.net", discussion=discussion)
            is None
        )


class TestDuplicates:
    def test_the_same_text_again_from_the_same_name_is_a_duplicate(self, article):
        first = CommentFactory(article=article, author_name="Ana", body="Same words.")
        code = refusal_code(
            abuse.check_duplicate,
            article=article,
            parent=None,
            name="Ana",
            email="new@example.net",
            body=first.body,
        )
        assert code == "duplicate"

    def test_the_same_text_again_from_the_same_email_is_a_duplicate(self, article):
        CommentFactory(article=article, author_email="ana@example.net", body="Same words.")
        code = refusal_code(
            abuse.check_duplicate,
            article=article,
            parent=None,
            name="Another name",
            email="ANA@example.net",
            body="Same words.",
        )
        assert code == "duplicate"

    def test_the_same_text_under_another_article_or_parent_is_fine(self, article):
        first = CommentFactory(article=article, author_name="Ana", body="Same words.")
        assert (
            abuse.check_duplicate(
                article=ArticleFactory(),
                parent=None,
                name="Ana",
                email="x@example.net",
                body=first.body,
            )
            is None
        )
        assert (
            abuse.check_duplicate(
                article=article, parent=first, name="Ana", email="x@example.net", body=first.body
            )
            is None
        )


class TestParents:
    def test_an_approved_comment_of_the_same_article_can_be_answered(self, article):
        parent = CommentFactory(article=article)
        assert abuse.find_parent(parent.pk, article=article) == parent

    @pytest.mark.parametrize("status", ["pending", "spam", "removed"])
    def test_a_comment_not_approved_cannot_be_answered(self, article, status):
        parent = CommentFactory(article=article, status=status)
        assert abuse.find_parent(parent.pk, article=article) is None

    def test_a_comment_of_another_article_cannot_be_answered(self, article):
        parent = CommentFactory()
        assert abuse.find_parent(parent.pk, article=article) is None

    def test_an_unknown_comment_cannot_be_answered(self, article):
        assert abuse.find_parent(987654, article=article) is None


class TestSameSite:
    def request(self, **headers):
        return RequestFactory().post("/comments/post/1/", headers=headers)

    @pytest.mark.parametrize(
        "headers",
        [
            {},
            {"Sec-Fetch-Site": "same-origin"},
            {"Sec-Fetch-Site": "none"},
            {"Origin": "http://testserver"},
            {"Origin": "http://127.0.0.1:8000"},
        ],
    )
    def test_a_post_from_our_own_pages_is_accepted(self, headers):
        assert abuse.check_same_site(self.request(**headers)) is None

    @pytest.mark.parametrize(
        "headers",
        [
            {"Sec-Fetch-Site": "cross-site"},
            {"Sec-Fetch-Site": "same-site"},
            {"Origin": "https://evil.example"},
            {"Origin": "null"},
            {"Origin": "http://testserver.evil.example"},
            {"Sec-Fetch-Site": "same-origin", "Origin": "https://evil.example"},
        ],
    )
    def test_a_post_from_another_site_is_refused(self, headers):
        assert refusal_code(abuse.check_same_site, self.request(**headers)) == "cross_site"


def test_a_reader_reports_a_comment_once_per_address():
    assert abuse.first_report(comment_id=1, ip="198.51.100.1")
    assert not abuse.first_report(comment_id=1, ip="198.51.100.1")
    assert abuse.first_report(comment_id=1, ip="198.51.100.2")
    assert abuse.first_report(comment_id=2, ip="198.51.100.1")
