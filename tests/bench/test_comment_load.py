"""The comment load bench's own arithmetic: what counts as lost, doubled or recognised.

The load itself (gunicorn, its own PostgreSQL and Redis, thousands of comments) is not run
here; bench/comment_load.py is run by hand and its figures kept in docs/benchmarks.md.
"""

import importlib.util
from pathlib import Path

import pytest

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory

PATH = Path(__file__).resolve().parent.parent.parent / "bench" / "comment_load.py"
spec = importlib.util.spec_from_file_location("bench_comment_load", PATH)
load = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load)

ACCEPTED, DUPLICATE, REFUSED = load.ACCEPTED, load.DUPLICATE, load.REFUSED
UNAVAILABLE, ERROR, FAILED = load.UNAVAILABLE, load.ERROR, load.FAILED


def body(key):
    return f"[{key}] Reader thinks the night ferry should run on Sundays too."


@pytest.mark.parametrize(
    ("outcomes", "stored", "expected"),
    [
        pytest.param([ACCEPTED], 1, {"confirmed": 1, "lost": 0, "doubled": 0}, id="accepted"),
        pytest.param([ACCEPTED], 0, {"confirmed": 1, "lost": 1}, id="accepted-but-missing"),
        pytest.param([ACCEPTED], 2, {"confirmed": 1, "lost": 0, "doubled": 1}, id="stored-twice"),
        pytest.param(
            [UNAVAILABLE, ACCEPTED],
            1,
            {"confirmed": 1, "recognised duplicates": 0, "lost": 0},
            id="503-then-accepted",
        ),
        pytest.param(
            [UNAVAILABLE, DUPLICATE],
            1,
            {"confirmed": 1, "recognised duplicates": 1, "lost": 0, "refused": 0},
            id="stored-before-the-503-and-recognised",
        ),
        pytest.param(
            [ERROR, DUPLICATE],
            0,
            {"confirmed": 1, "recognised duplicates": 1, "lost": 1},
            id="duplicate-of-nothing-is-lost",
        ),
        pytest.param(
            [DUPLICATE],
            0,
            {"confirmed": 0, "refused": 1, "lost": 0},
            id="first-post-a-duplicate-is-a-refusal",
        ),
        pytest.param(
            [REFUSED], 1, {"refused": 1, "refused but stored": 1}, id="refused-yet-stored"
        ),
        pytest.param(
            [UNAVAILABLE, UNAVAILABLE],
            0,
            {"confirmed": 0, "unconfirmed": 1, "lost": 0},
            id="gave-up",
        ),
        pytest.param([FAILED, ACCEPTED], 1, {"confirmed": 1, "lost": 0}, id="500-then-accepted"),
    ],
)
def test_one_comment_is_counted_by_what_its_client_was_told(outcomes, stored, expected):
    counts = load.tally({"load-1-calm-0": outcomes}, {"load-1-calm-0": stored} if stored else {})
    assert {name: counts[name] for name in expected} == expected


def test_keys_are_read_from_the_start_of_the_text_only():
    bodies = [body("load-1-calm-0"), body("load-1-calm-0"), "A reply quoting [load-1-calm-1]."]
    assert load.count_keys(bodies) == {"load-1-calm-0": 2}


@pytest.mark.django_db
def test_the_log_is_checked_against_the_comments_in_the_database(article, post_comment):
    """Posted through the app: one accepted, one sent again after a 503 and recognised
    as the duplicate of the first, one stored twice behind the form's back, one accepted
    and then deleted."""
    # Every post comes from the test client's one address.
    DiscussionSettings(rate_limit_seconds=0, hourly_cap=0).save()
    accepted = post_comment(article, body=body("load-1-calm-0"))
    assert accepted.status_code == 302
    first = post_comment(article, body=body("load-1-calm-1"))
    again = post_comment(article, body=body("load-1-calm-1"))
    assert (first.status_code, again.status_code) == (302, 409)
    CommentFactory.create_batch(2, article=article, body=body("load-1-calm-2"))
    post_comment(article, body=body("load-1-calm-3"), author_email="gone@example.net")
    Comment.objects.filter(author_email="gone@example.net").delete()
    log = {
        "load-1-calm-0": [ACCEPTED],
        # The first answer was lost on its way back, as when the database fails after the commit.
        "load-1-calm-1": [UNAVAILABLE, DUPLICATE],
        "load-1-calm-2": [ACCEPTED],
        "load-1-calm-3": [ACCEPTED],
    }
    stored = load.count_keys(Comment.objects.values_list("body", flat=True))
    counts = load.tally(log, stored)
    assert counts["confirmed"] == 4
    assert counts["recognised duplicates"] == 1
    assert counts["lost"] == 1
    assert counts["doubled"] == 1
    assert counts["stored"] == 4
    assert counts["stored without a post"] == 0


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (302, ACCEPTED),
        (409, DUPLICATE),
        (429, REFUSED),
        (400, REFUSED),
        (503, UNAVAILABLE),
        (0, ERROR),
        (500, FAILED),
        (502, FAILED),
    ],
)
def test_each_answer_to_a_post_has_its_outcome(status, outcome):
    assert load.classify(status, {}) == outcome
