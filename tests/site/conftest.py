import pytest

from tests.site.world import build_world


@pytest.fixture
def world(media_root):
    return build_world()
