import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, Byline, Section, Tag
from authors.models import Author
from comments.models import Comment
from newsroom.media import publicity, renditions
from newsroom.media.models import Image as LibraryImage


def image_file(name="hero.jpg", size=(160, 90), color=(30, 90, 160), fmt="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return ContentFile(buffer.getvalue(), name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    """A library picture with its renditions made, as after an upload and its background task.

    Private, as every new picture is, until a use that shows it is synced (the factories of
    articles and authors below do that, as saving them does after commit).
    """

    class Meta:
        model = LibraryImage
        skip_postgeneration_save = True

    file = factory.LazyFunction(lambda: image_file(size=(1600, 900)))
    alt_text = "Cranes over the harbour at dawn"
    caption = "The harbour front, where building starts in spring."
    credit = "Photo: Newsroom"

    @factory.post_generation
    def made(self, create, extracted, **kwargs):
        if create and extracted is not False:
            renditions.rebuild_now(self)


def sync_pictures(*image_ids):
    """What a save asks the library after commit, at once (tests run inside one transaction)."""
    publicity.sync([pk for pk in image_ids if pk])


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("correct-horse-battery")


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")
    job_title = "Correspondent"
    bio = "Covers the city for the paper."

    @factory.post_generation
    def shown(self, create, extracted, **kwargs):
        if create and self.photo_id:
            sync_pictures(self.photo_id)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.Sequence(lambda n: f"section-{n}")
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, public since an hour ago."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council approves harbour plan, part {n}")
    slug = factory.Sequence(lambda n: f"council-approves-harbour-plan-{n}")
    standfirst = "The vote ends two years of argument over the waterfront."
    body = "<p>The council voted on Tuesday.</p><h2>What happens next</h2><p>Work starts soon.</p>"
    source = "News agencies"
    section = factory.SubFactory(SectionFactory)
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)
        scheduled = factory.Trait(
            published_at=factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(hours=2))
        )
        with_image = factory.Trait(
            hero=factory.SubFactory(ImageFactory),
            hero_alt="Cranes over the harbour at dawn",
            hero_caption="The harbour front, where building starts in spring.",
            hero_credit="Photo: Newsroom",
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def shown(self, create, extracted, **kwargs):
        if create and self.hero_id:
            sync_pictures(self.hero_id)


def image_bytes(size=(160, 90), color=(30, 90, 160), fmt="JPEG", mode="RGB", **options):
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, fmt, **options)
    return buffer.getvalue()


def noisy_image_bytes(size=(640, 360), fmt="JPEG"):
    """A picture with detail in it: its encoded data is long enough to cut in half."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 64).convert("RGB").save(buffer, fmt)
    return buffer.getvalue()


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "articles.Correction"

    article = factory.SubFactory(ArticleFactory)
    kind = "correction"
    text = "An earlier version of this story gave the wrong date for the vote."


class CommentFactory(factory.django.DjangoModelFactory):
    """An approved reader comment."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author_name = factory.Sequence(lambda n: f"Reader {n}")
    author_email = factory.LazyAttribute(
        lambda o: f"{o.author_name.lower().replace(' ', '.')}@example.org"
    )
    body = factory.Sequence(lambda n: f"A thoughtful point about the harbour, number {n}.")
    status = Comment.Status.APPROVED
    ip_address = "203.0.113.7"

    class Params:
        pending = factory.Trait(status=Comment.Status.PENDING)
