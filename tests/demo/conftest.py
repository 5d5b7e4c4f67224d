import pytest

from demo import pictures
from tests.factories import image_file


@pytest.fixture(autouse=True)
def project_dir(settings, tmp_path):
    """The command keeps the editor's password under BASE_DIR/var: never the real one here."""
    settings.BASE_DIR = tmp_path
    return tmp_path


@pytest.fixture
def quick_illustrations(monkeypatch):
    """Drawing 75 full-size illustrations takes most of a run; the tests need only files."""
    jpeg = image_file().read()
    monkeypatch.setattr(pictures, "render_hero", lambda *args: jpeg)
    monkeypatch.setattr(pictures, "render_portrait", lambda *args: jpeg)
