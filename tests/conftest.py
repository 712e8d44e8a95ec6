import pytest

from tests.factories import build_world
from tests.seed2020_fixture import seed2020_closed  # noqa: F401 (a session fixture shared by several modules)


@pytest.fixture
def world(db):
    return build_world()


@pytest.fixture(autouse=True)
def _vietnamese_default(settings):
    settings.LANGUAGE_CODE = "vi"
    settings.AXES_ENABLED = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
