import pytest

from tests.transaction_sessions.support import build_scene


@pytest.fixture
def scene(world):
    return build_scene(world)
