import random

from django.core.management.base import BaseCommand
from django.db import transaction

from articles.models import Article
from comments.models import Comment

# Readers of the demo newsroom, and what they have to say. Written for this project.
READERS = [
    ("Marta Lindholm", "https://marta.example"),
    ("Owen Achterberg", ""),
    ("Sunniva Rask", ""),
    ("Dev Kulkarni", "https://devk.example"),
    ("Hélène Marchetti", ""),
    ("Tomasz Wrona", ""),
]
OPENERS = [
    "Thanks for explaining this clearly; the numbers in the third paragraph were new to me.",
    "I live nearby and can confirm the mood is much as described.",
    "Good reporting, though I would have liked to hear from the people who disagree.",
    "Does anyone know when the full report will be published?",
    "The headline undersells it: this will matter for years.",
]
REPLIES = [
    "The report is due next month, according to the last paragraph.",
    "Agreed, a second view would have helped.",
    "Same here. The local meeting on Thursday is open to everyone, by the way.",
]
PENDING = "First time commenting: is there a way to get these stories by email?"


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
        added = 0
        for article in articles:
            rng = random.Random(f"demo-comments-{article.slug}")
            readers = rng.sample(READERS, 3)
            opening, later = rng.sample(OPENERS, 2)
            first = self.comment(article, readers[0], opening)
            self.comment(article, readers[1], rng.choice(REPLIES), parent=first)
            self.comment(article, readers[2], later)
            added += 3
            if article == newest[0]:
                self.comment(article, ("Ingrid Salo", ""), PENDING, status=Comment.Status.PENDING)
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
