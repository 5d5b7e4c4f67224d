"""The articles app's settings: its own defaults, a project's values, the environment's."""

import pytest

from articles import conf
from tests.production import PYTHON, django_eval, production_env, run

DEFAULTS = {
    "ARTICLES_PER_PAGE": (conf.articles_per_page, 20),
    "SEARCH_MAX_QUERY_LENGTH": (conf.search_max_query_length, 200),
    "READING_WORDS_PER_MINUTE": (conf.reading_words_per_minute, 230),
    "PREVIEW_LINK_MAX_AGE": (conf.preview_link_max_age, 48 * 60 * 60),
}

READ_ALL = (
    "from articles import conf\n"
    "print(json.dumps([conf.articles_per_page(), conf.preview_link_max_age()]))"
)


@pytest.mark.parametrize("name", DEFAULTS)
def test_a_project_that_sets_nothing_gets_the_apps_default(settings, name):
    read, default = DEFAULTS[name]
    if hasattr(settings, name):
        delattr(settings, name)
    assert read() == default


@pytest.mark.parametrize("name", DEFAULTS)
def test_a_projects_own_value_wins_over_the_default(settings, name):
    read, _ = DEFAULTS[name]
    setattr(settings, name, 7)
    assert read() == 7


def test_the_environment_sets_what_a_deployment_may_change():
    env = production_env(ARTICLES_PER_PAGE="12", PREVIEW_LINK_MAX_AGE="3600")
    assert django_eval(READ_ALL, env) == [12, 3600]


def test_an_environment_without_them_leaves_the_defaults():
    assert django_eval(READ_ALL, production_env()) == [20, 48 * 60 * 60]


def test_a_malformed_value_in_the_environment_stops_the_start_with_its_name():
    env = production_env(ARTICLES_PER_PAGE="twenty")
    result = run([PYTHON, "-c", "import django; django.setup()"], env)
    assert result.returncode != 0
    assert "ARTICLES_PER_PAGE must be a whole number, not 'twenty'." in result.stderr
