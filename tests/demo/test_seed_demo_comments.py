import io

import pytest
from django.core.management import call_command

from comments.models import Comment
from tests.factories import ArticleFactory


def seed():
    call_command("seed_demo_comments", stdout=io.StringIO())


@pytest.mark.django_db
def test_demo_comments_are_added_once_with_replies_and_one_waiting():
    ArticleFactory.create_batch(3)
    ArticleFactory(draft=True)
    seed()
    seed()
    assert Comment.objects.count() == 3 * 3 + 1
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 1
    assert Comment.objects.filter(parent__isnull=False, depth=2).count() == 3
    assert not Comment.objects.filter(article__status="draft").exists()
