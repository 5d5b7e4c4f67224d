import random

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from comments.models import Comment
from demo.newsroom import COMMENTS


class Command(BaseCommand):
    help = (
        "Add a few reader comments to the demo articles: short threads with replies, and one "
        "comment waiting in the moderation queue. Articles that already have comments are "
        "left alone, so running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        newest = list(
            Article.objects.public().exclude(slug__startswith="archive-story-").newest_first()[:8]
        )
        discussed = set(
            Comment.objects.filter(article__in=newest).values_list("article_id", flat=True)
        )
        articles = [article for article in newest if article.pk not in discussed]
        readers = [tuple(reader) for reader in COMMENTS["readers"]]
        pending = COMMENTS["pending"]
        added = 0
        for article in articles:
            rng = random.Random(f"demo-comments-{article.slug}")
            first_reader, replier, later_reader = rng.sample(readers, 3)
            opening, later = rng.sample(COMMENTS["openers"], 2)
            first = self.comment(article, first_reader, opening)
            self.comment(article, replier, rng.choice(COMMENTS["replies"]), parent=first)
            self.comment(article, later_reader, later)
            added += 3
            if article == newest[0]:
                self.comment(
                    article, pending["reader"], pending["text"], status=Comment.Status.PENDING
                )
                added += 1
        self.stdout.write(f"Demo comments: {added} added to {len(articles)} articles.")

    def comment(self, article, reader, text, *, parent=None, status=Comment.Status.APPROVED):
        name, website = reader
        return Comment.objects.create(
            article=article,
            parent=parent,
            depth=parent.depth + 1 if parent else 1,
            author_name=name,
            author_email=f"{name.split()[0].lower()}@example.org",
            author_url=website,
            body=text,
            status=status,
        )
