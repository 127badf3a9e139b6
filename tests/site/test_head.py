"""Every read-only address answers HEAD as it answers GET (monitors and link checkers use it)."""

import pytest
from django.urls import reverse

from tests.site.world import fill

pytestmark = pytest.mark.django_db


def test_every_url_pattern_answers_head_like_get(client, world):
    different = []
    for name, variants in fill(world).items():
        kwargs, query = variants[0]
        url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
        get, head = client.get(url), client.head(url)
        if (head.status_code, head.get("Content-Type")) != (get.status_code, get.get("Content-Type")):
            different.append(f"{url}: GET {get.status_code}, HEAD {head.status_code}")
        elif (b"".join(head) if head.streaming else head.content) != b"":
            different.append(f"{url}: HEAD has a body")
    assert different == []


def test_map_json_answers_head(client):
    assert client.head("/projects/map.json").status_code == 200
