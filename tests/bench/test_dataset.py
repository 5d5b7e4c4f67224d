import importlib.util
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from articles.models import Article, Section
from authors.models import Author

pytestmark = pytest.mark.django_db

PATH = Path(__file__).resolve().parent.parent.parent / "bench" / "dataset.py"
spec = importlib.util.spec_from_file_location("bench_dataset", PATH)
dataset = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dataset)


def load(total, **options):
    return dataset.load_archive(total, stdout=io.StringIO(), **options)


@pytest.mark.usefixtures("quick_illustrations")
def test_archive_adds_articles_up_to_the_number_asked_once(client):
    call_command("seed_demo", stdout=io.StringIO())
    demo = (Article.objects.count(), Article.objects.public().count())
    sections, authors = Section.objects.count(), Author.objects.count()

    assert load(50, batch_size=20) == 50
    assert Article.objects.count() == demo[0] + 50
    assert Article.objects.public().count() == demo[1] + 50
    assert (Section.objects.count(), Author.objects.count()) == (sections, authors)
    archive = Article.objects.filter(slug__startswith=dataset.ARCHIVE_PREFIX)
    assert not archive.filter(bylines__isnull=True).exists()
    # They share the demo's library pictures, public already.
    assert archive.filter(hero__isnull=False).exists()
    assert not archive.filter(hero__isnull=False, hero__is_public=False).exists()

    assert load(50) == 0
    assert Article.objects.count() == demo[0] + 50
    assert client.get("/search/?q=the").status_code == 200


def test_archive_needs_the_demo_newsroom_first():
    with pytest.raises(RuntimeError, match="seed_demo"):
        load(10)


@pytest.mark.parametrize("options", [{"batch_size": 0}, {"workers": 0}])
def test_archive_refuses_impossible_numbers(options):
    with pytest.raises(ValueError):
        load(10, **options)


@pytest.mark.parametrize("argv", [["--articles", "-1"], ["--articles", "5", "--batch-size", "0"]])
def test_dataset_script_refuses_impossible_numbers(argv, capsys):
    with pytest.raises(SystemExit):
        dataset.main(argv)
    assert "--articles must be 0 or more" in capsys.readouterr().err
