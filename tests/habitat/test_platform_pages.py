"""The platform's own pages: three languages, sanitised HTML, links in the navigation and footer."""

import io

import pytest
from django.core.management import call_command

from habitat.models import Page

pytestmark = pytest.mark.django_db


def make_page(**fields):
    fields.setdefault("slug", "history")
    fields.setdefault("title_en", "Our history")
    fields.setdefault("title_fr", "Notre histoire")
    fields.setdefault("title_es", "Nuestra historia")
    fields.setdefault("body_en", "<p>It began in Geneva in 2014.</p>")
    return Page.objects.create(**fields)


@pytest.mark.parametrize(
    ("code", "title"), [("en", "Our history"), ("fr", "Notre histoire"), ("es", "Nuestra historia")]
)
def test_page_in_each_language(client, code, title):
    make_page()
    response = client.get(f"/{code}/about/history/")
    assert response.status_code == 200
    assert f'<h1 lang="{code}">{title}</h1>' in response.content.decode()


def test_untranslated_body_falls_back_to_the_original(client):
    make_page()
    content = client.get("/es/about/history/").content.decode()
    assert '<div class="page-body" lang="en"><p>It began in Geneva in 2014.</p></div>' in content


def test_body_is_sanitised_on_save():
    page = make_page(
        body_en='<p onclick="steal()">Hello <script>alert(1)</script><a href="javascript:x()">x</a>'
        '<a href="/en/projects/">projects</a><img src=x onerror=y></p><h2>Kept</h2>'
    )
    page.refresh_from_db()
    assert "<script" not in page.body_en
    assert "onclick" not in page.body_en
    assert "javascript:" not in page.body_en
    assert "<img" not in page.body_en
    assert '<a href="/en/projects/" rel="noopener noreferrer">projects</a>' in page.body_en
    assert "<h2>Kept</h2>" in page.body_en


def test_body_written_around_save_is_sanitised_on_render(client):
    make_page()
    Page.objects.filter(slug="history").update(body_en="<p>Hi</p><script>alert(1)</script>")
    content = client.get("/en/about/history/").content.decode()
    assert "alert(1)" not in content.split("</main>")[0]


def test_navigation_and_footer_list_their_pages(client):
    make_page(slug="join", title_en="Join", show_in_navigation=True, show_in_footer=False, order=2)
    make_page(slug="history", title_en="History", show_in_navigation=False, show_in_footer=True, order=1)
    content = client.get("/en/").content.decode()
    header = content.split('<header class="site-header">')[1].split("</header>")[0]
    footer = content.split('<footer class="site-footer">')[1].split("</footer>")[0]
    assert '<a href="/en/about/join/">Join</a>' in header
    assert "/en/about/history/" not in header
    assert '<a href="/en/about/history/">History</a>' in footer
    assert "/en/about/join/" not in footer
    assert "/en/stats/" in header and "/en/programmes/" in header


def test_current_page_is_marked_in_the_navigation(client):
    make_page(slug="join", title_en="Join", show_in_navigation=True)
    content = client.get("/en/about/join/").content.decode()
    assert '<a href="/en/about/join/" aria-current="page">Join</a>' in content


def test_unknown_page_is_not_found(client):
    assert client.get("/en/about/no-such-page/").status_code == 404


def test_demo_pages_load_in_three_languages_and_again(client):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_pages", stdout=io.StringIO())
    call_command("load_demo_pages", stdout=io.StringIO())
    assert Page.objects.count() == 5
    for page in Page.objects.all():
        assert page.title_en and page.title_fr and page.title_es
        assert page.body_en and page.body_fr and page.body_es
    history = client.get("/fr/about/history/").content.decode()
    assert "Genève" in history and "2014" in history
    six = client.get("/en/about/six-organisations-one-voice/").content.decode()
    assert '<a href="/en/organisations/sdi/"' in six
    for slug in ["sdi", "achr", "chi", "hic", "gsn", "bshf"]:
        assert client.get(f"/en/organisations/{slug}/").status_code == 200
    listing = client.get("/es/about/list-a-project/").content.decode()
    assert '<a href="/es/projects/new/"' in listing


def test_admin_edits_pages(admin_client):
    page = make_page()
    assert admin_client.get("/admin/habitat/page/").status_code == 200
    assert admin_client.get(f"/admin/habitat/page/{page.pk}/change/").status_code == 200
