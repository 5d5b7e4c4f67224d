import pytest

from newsroom.media import usage


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the commit (renditions, file removals), as a real commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def uses():
    """A clean registry of uses for the test; the apps' own uses come back after it."""
    saved = dict(usage._uses)
    usage._uses.clear()
    yield usage
    usage._uses.clear()
    usage._uses.update(saved)
