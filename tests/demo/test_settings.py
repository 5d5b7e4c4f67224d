import pytest

from tests.production import django_eval, production_env

INSTALLED = "from django.apps import apps; print(json.dumps(apps.is_installed('demo')))"


@pytest.mark.parametrize(
    ("environment", "installed"),
    [
        ({}, False),  # production: DEBUG off, DEMO unset
        ({"DEBUG": "true"}, True),  # development
        ({"DEBUG": "true", "DEMO": "false"}, False),
        ({"DEMO": "true"}, True),  # make run DEBUG=false, the benchmarks' seeding
    ],
)
def test_the_demo_app_is_installed_only_where_the_demo_is_wanted(environment, installed):
    assert django_eval(INSTALLED, production_env(**environment)) is installed
