import pytest

from tests.factories.awards import make_award


@pytest.fixture
def award():
    return make_award(name_en="World Habitat Awards", slug="world-habitat-awards")
