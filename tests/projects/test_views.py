import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from habitat.models import Organisation
from projects.models import LocationPrecision, Project, ProjectActor, Stage, Status
from tests.factories import make_moderator, make_organisation, make_project

pytestmark = pytest.mark.django_db


class PageParser(HTMLParser):
    """Collects what tests look at: headings, links, ld+json blocks and the html lang."""

    def __init__(self):
        super().__init__()
        self.lang = None
        self.h1 = []
        self.links = []
        self.ld_json = []
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.lang = attrs.get("lang")
        elif tag == "h1":
            self._in = "h1"
            self.h1.append("")
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in = "ld"
            self.ld_json.append("")

    def handle_endtag(self, tag):
        if tag in ("h1", "script"):
            self._in = None

    def handle_data(self, data):
        if self._in == "h1":
            self.h1[-1] += data
        elif self._in == "ld":
            self.ld_json[-1] += data


def parse(response):
    parser = PageParser()
    parser.feed(response.content.decode())
    return parser


def listed_names(response):
    return [project.name for project in response.context["page_obj"]]


# --- The list ---------------------------------------------------------------------------


def test_list_shows_only_published_projects(client):
    make_project(name_en="Published one")
    for status in [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.ARCHIVED]:
        make_project(name_en=f"Not public {status}", status=status)
    response = client.get("/en/projects/")
    assert listed_names(response) == ["Published one"]
    assert "Not public" not in response.text


def test_the_filters_offer_the_organisations_and_countries_of_the_directory_as_it_is_now(client):
    client.get("/en/projects/")  # the form is made once; its choices are read on each request
    make_project(name_en="Zona 3", country="UY", organisations=[make_organisation(name_en="FUCVAM", slug="fucvam")])
    form = client.get("/fr/projects/").context["filter"].form
    assert "UY" in [value for value, _label in form.fields["country"].choices]
    assert "fucvam" in [str(value) for value, _label in form.fields["organisation"].choices]
    assert listed_names(client.get("/en/projects/", {"organisation": "fucvam"})) == ["Zona 3"]


def test_list_filters_by_country_stage_model_organisation_and_neighbourhood(client):
    fucvam = make_organisation(name_en="FUCVAM", slug="fucvam")
    make_project(name_en="Zona 3", country="UY", organisations=[fucvam], housing_models=["mutual_aid_cooperative"])
    make_project(name_en="Mukuru", country="KE", stage=Stage.PLANNING, housing_models=["incremental_upgrading"])
    make_project(
        name_en="Arlequin", country="FR", priority_neighbourhood=True, housing_models=["participatory_housing"]
    )
    assert listed_names(client.get("/en/projects/", {"country": "UY"})) == ["Zona 3"]
    assert listed_names(client.get("/en/projects/", {"stage": "planning"})) == ["Mukuru"]
    assert listed_names(client.get("/en/projects/", {"housing_model": "participatory_housing"})) == ["Arlequin"]
    assert listed_names(client.get("/en/projects/", {"organisation": "fucvam"})) == ["Zona 3"]
    assert listed_names(client.get("/en/projects/", {"priority_neighbourhood": "true"})) == ["Arlequin"]
    assert sorted(listed_names(client.get("/en/projects/", {"priority_neighbourhood": "false"}))) == [
        "Mukuru",
        "Zona 3",
    ]


def test_list_country_choices_are_the_countries_with_projects(client):
    make_project(country="UY")
    make_project(country="KE", status=Status.DRAFT)
    choices = [value for value, _label in client.get("/en/projects/").context["filter"].form.fields["country"].choices]
    assert choices == ["UY"]


@pytest.mark.parametrize(
    ("field", "text", "query"),
    [
        ("summary_en", "Families rebuilt a former textile factory.", "factories"),
        ("summary_fr", "Des familles ont construit leurs logements ensemble.", "logement"),
        ("summary_es", "Las familias construyeron sus viviendas por ayuda mutua.", "vivienda"),
        ("description_en", "The land is held by a community land trust.", "trusts"),
    ],
)
def test_list_search_finds_words_in_each_language(client, field, text, query):
    make_project(name_en="The match", **{"summary_en": "", field: text})
    make_project(name_en="Another project", summary_en="Nothing about it here.")
    assert listed_names(client.get("/en/projects/", {"q": query})) == ["The match"]


def test_list_search_finds_names_and_cities_exactly(client):
    make_project(name_en="Kalkbreite", city="Zürich", country="CH")
    make_project(name_en="Zona 3", city="Montevideo", country="UY")
    assert listed_names(client.get("/en/projects/", {"q": "kalkbreite"})) == ["Kalkbreite"]
    assert listed_names(client.get("/en/projects/", {"q": "Montevideo"})) == ["Zona 3"]


def test_list_search_with_odd_characters_does_not_fail(client):
    make_project(name_en="Kalkbreite")
    for text in ['"unbalanced', "a & | ! b", "((", "-", "'; drop table", "x" * 500]:
        response = client.get("/en/projects/", {"q": text})
        assert response.status_code == 200


def test_list_sorts_by_name_dwellings_and_newest(client):
    make_project(name_en="Bravo", dwellings=10)
    make_project(name_en="alpha", dwellings=200)
    make_project(name_en="Charlie", dwellings=None)
    assert listed_names(client.get("/en/projects/", {"sort": "name"})) == ["alpha", "Bravo", "Charlie"]
    assert listed_names(client.get("/en/projects/", {"sort": "dwellings"})) == ["alpha", "Bravo", "Charlie"]
    assert listed_names(client.get("/en/projects/")) == ["Charlie", "alpha", "Bravo"]


def test_list_paginates_and_keeps_the_filters_in_page_links(client):
    for i in range(25):
        make_project(name_en=f"Project {i:02}", country="FR")
    make_project(name_en="Elsewhere", country="UY")
    response = client.get("/en/projects/", {"country": "FR", "sort": "name"})
    assert len(listed_names(response)) == 20
    assert "?country=FR&amp;sort=name&amp;page=2" in response.text
    second = client.get("/en/projects/", {"country": "FR", "sort": "name", "page": "2"})
    assert listed_names(second) == [f"Project {i:02}" for i in range(20, 25)]


def test_list_page_out_of_range_is_a_404_not_a_500(client):
    make_project()
    assert client.get("/en/projects/", {"page": "99"}).status_code == 404
    assert client.get("/en/projects/", {"page": "abc"}).status_code == 404


def test_list_with_no_result_says_so_and_how_to_widen(client):
    make_project(country="UY")
    response = client.get("/en/projects/", {"q": "nothingmatchesthis"})
    assert response.status_code == 200
    assert "No project matches these filters." in response.text
    assert "Clear all filters" in response.text or "clear all filters" in response.text


def test_list_with_an_invalid_filter_explains_it_and_keeps_the_input(client):
    make_project()
    response = client.get("/en/projects/", {"stage": "flying", "q": "kept words"})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert "stage" in form.errors
    assert 'value="kept words"' in response.text
    assert "Some filters are not valid" in response.text


def test_list_queries_do_not_grow_with_the_number_of_projects(client):
    organisation = make_organisation()

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/projects/", {"organisation": organisation.slug}).status_code == 200
        return len(context)

    make_project(organisations=[organisation])
    few = queries()
    for _ in range(15):
        make_project(organisations=[organisation, make_organisation()], housing_models=["self_build", "other"])
    assert queries() == few


# --- The project page -------------------------------------------------------------------


def test_project_page_shows_its_public_fields_and_organisations(client):
    hic = make_organisation(name_en="Habitat International Coalition", acronym="HIC", slug="hic")
    project = make_project(
        name_en="Cooperativa La Fábrica",
        summary_en="An old textile factory rebuilt by a mutual-aid co-operative.",
        description_en="First paragraph.\n\nSecond paragraph.",
        city="Buenos Aires",
        country="AR",
        dwellings=50,
        inhabitants=150,
        start_year=2007,
        completion_year=2017,
        housing_models=["mutual_aid_cooperative"],
        website="https://example.org/fabrica",
        source_url="https://example.org/source",
        organisations=[hic],
    )
    response = client.get(project.get_absolute_url())
    page = parse(response)
    assert response.status_code == 200
    assert page.h1 == ["Cooperativa La Fábrica"]
    assert "<p>First paragraph.</p>" in response.text and "<p>Second paragraph.</p>" in response.text
    for fact in ["Buenos Aires", "Argentina", "50", "150", "2007", "2017", "Mutual-aid co-operative"]:
        assert fact in response.text
    assert "/en/organisations/hic/" in page.links
    assert "https://example.org/source" in page.links


def test_project_page_of_an_unpublished_project_is_a_404(client):
    for status in [Status.DRAFT, Status.SUBMITTED, Status.REJECTED, Status.ARCHIVED]:
        project = make_project(status=status)
        assert client.get(project.get_absolute_url()).status_code == 404


def test_project_page_never_shows_the_contact_email(client):
    project = make_project(contact_email="group-secret@example.org")
    response = client.get(project.get_absolute_url())
    assert "group-secret@example.org" not in response.text
    assert "group-secret" not in response.text


def test_project_page_structured_data_is_json_ld_with_the_public_point(client):
    project = make_project(name_en="Kalkbreite", lon=8.5178, lat=47.3753, city="Zürich")
    (block,) = parse(client.get(project.get_absolute_url())).ld_json
    data = json.loads(block)
    assert data["@type"] == "Place"
    assert data["name"] == "Kalkbreite"
    assert (data["geo"]["longitude"], data["geo"]["latitude"]) == (8.5178, 47.3753)


def test_project_page_marks_untranslated_text_with_its_language(client):
    project = make_project(
        name_en="",
        name_fr="Le Village Vertical",
        original_language="fr",
        summary_en="",
        summary_fr="Coopérative d'habitants à Villeurbanne.",
    )
    response = client.get(project.get_absolute_url())
    assert '<h1 lang="fr">Le Village Vertical</h1>' in response.text
    assert 'lang="fr">Coopérative d&#x27;habitants à Villeurbanne.</span>' in response.text
    # Said beside the text itself, in the page's language; not on the page of its own language.
    assert '<span class="written-in">Written in French</span>' in response.text
    spanish = client.get(f"/es/projects/{project.slug}/")
    assert '<span class="written-in">Escrito en francés</span>' in spanish.text
    assert "written-in" not in client.get(f"/fr/projects/{project.slug}/").text


def test_a_translation_replaces_the_original_and_its_label(client):
    project = make_project(
        name_fr="Le Village Vertical",
        original_language="fr",
        summary_en="A residents' co-operative in Villeurbanne.",
        summary_fr="Coopérative d'habitants à Villeurbanne.",
        description_fr="Quatorze logements.",
    )
    response = client.get(project.get_absolute_url())
    assert "A residents&#x27; co-operative in Villeurbanne." in response.text
    # The description has no English yet: labelled, on the page and on the list's card alike.
    assert response.text.count('<span class="written-in">Written in French</span>') == 1
    assert 'lang="fr"><p>Quatorze logements.</p>' in response.text
    card = client.get("/en/projects/").text
    assert "written-in" not in card


def test_staff_see_which_projects_lack_which_translation(client):
    from projects.admin import ProjectAdmin

    only_french = make_project(name_en="", name_fr="Le Village Vertical", original_language="fr", summary_en="")
    everything = make_project(
        name_en="Kalkbreite",
        name_fr="Kalkbreite",
        name_es="Kalkbreite",
        summary_en="A co-operative.",
        summary_fr="Une coopérative.",
        summary_es="Una cooperativa.",
    )
    client.force_login(make_moderator())
    listed = client.get("/admin/projects/project/", {"lacks": "en"})
    assert listed.status_code == 200
    assert [project.pk for project in listed.context["cl"].result_list] == [only_french.pk]
    lacking_spanish = client.get("/admin/projects/project/", {"lacks": "es"}).context["cl"].result_list
    assert only_french.pk in [p.pk for p in lacking_spanish] and everything.pk not in [p.pk for p in lacking_spanish]
    admin = ProjectAdmin(Project, None)
    assert admin.missing_translations(only_french) == "en, es"
    assert admin.missing_translations(everything) == "-"


def test_project_page_queries_do_not_grow_with_its_organisations(client):
    project = make_project()

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(project.get_absolute_url()).status_code == 200
        return len(context)

    few = queries()
    from projects.models import ProjectActor

    for i in range(10):
        ProjectActor.objects.create(project=project, organisation=make_organisation(), order=i)
    assert queries() == few


# --- Home, organisations, sitemap, errors ----------------------------------------------


def test_home_shows_live_figures_latest_projects_and_founders(client):
    make_organisation(name_en="Shack/Slum Dwellers International", acronym="SDI", is_founding_member=True, slug="sdi")
    make_project(name_en="Zona 3", dwellings=839)
    make_project(name_en="Mukuru", stage=Stage.PLANNING, dwellings=None)
    make_project(name_en="Draft", status=Status.DRAFT, dwellings=1000)
    response = client.get("/en/")
    assert response.context["figures"] == {"projects": 2, "inhabited": 1, "dwelling_total": 839}
    assert [p.name for p in response.context["latest_projects"]] == ["Mukuru", "Zona 3"]
    assert "Shack/Slum Dwellers International (SDI)" in response.text
    assert "Draft" not in [p.name for p in response.context["latest_projects"]]


def test_home_queries_do_not_grow_with_the_number_of_projects(client):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/").status_code == 200
        return len(context)

    make_project()
    make_organisation(is_founding_member=True)
    few = queries()
    for _ in range(10):
        make_project(housing_models=["self_build"])
        make_organisation(is_founding_member=True)
    assert queries() == few


def test_organisation_pages_list_their_published_projects(client):
    organisation = make_organisation(name_en="urbaMonde", slug="urbamonde", is_founding_member=True)
    make_project(name_en="Published project", organisations=[organisation])
    make_project(name_en="Draft project", organisations=[organisation], status=Status.DRAFT)
    listing = client.get("/en/organisations/")
    assert [o.public_project_count for o in listing.context["organisations"]] == [1]
    detail = client.get("/en/organisations/urbamonde/")
    assert [p.name for p in detail.context["projects"]] == ["Published project"]
    assert "Draft project" not in detail.text


def test_organisation_list_queries_do_not_grow(client):
    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/en/organisations/").status_code == 200
        return len(context)

    make_organisation()
    few = queries()
    for _ in range(10):
        make_project(organisations=[make_organisation()])
    assert queries() == few


def test_unknown_organisation_and_project_are_friendly_404s(client):
    for url in ["/en/organisations/nobody/", "/en/projects/nothing-here/", "/en/no/such/page/"]:
        response = client.get(url)
        assert response.status_code == 404
        assert "We could not find this page" in response.text


def test_bare_paths_redirect_to_the_browsers_language(client):
    response = client.get("/projects/", headers={"accept-language": "es"})
    assert response.status_code == 302
    assert response["Location"] == "/es/projects/"
    assert client.get("/").headers["Location"] == "/en/"


def test_server_error_page_is_friendly(client):
    from habitat.views import server_error

    response = server_error(client.get("/en/").wsgi_request)
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_sitemap_lists_published_pages_in_every_language_without_coordinates(client):
    from xml.etree import ElementTree

    public = make_project(name_en="Listed", lon=36.8219417, lat=-1.2920659)
    draft = make_project(name_en="Unlisted", status=Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [node.text for node in ElementTree.fromstring(response.content).findall("s:url/s:loc", namespace)]
    for language in ["en", "fr", "es"]:
        assert f"http://testserver/{language}{public.get_absolute_url()[3:]}" in locations
    assert not [loc for loc in locations if draft.slug in loc]
    assert not re.search(rb"36\.82|-1\.29", response.content)


def test_approximate_project_page_hides_the_address_and_says_why(client):
    project = make_project(
        address="12 Hidden Lane", location_precision=LocationPrecision.APPROXIMATE, lon=36.8219417, lat=-1.2920659
    )
    response = client.get(project.get_absolute_url())
    assert "12 Hidden Lane" not in response.text
    assert "Approximate location" in response.text


# --- Organisations named by a group wait for staff ------------------------------------


@pytest.fixture
def named_by_a_group():
    """A published project naming a reviewed organisation and one its group added."""
    project = make_project(name_en="Cooperativa Las Piedras", organisations=[make_organisation(name_en="FUCVAM")])
    unreviewed = Organisation.objects.create_for_review(name="Vecinos de Las Piedras", website="https://example.net")
    ProjectActor.objects.create(project=project, organisation=unreviewed, order=1)
    return project, unreviewed


def test_organisation_named_by_a_group_has_no_public_page_until_reviewed(client, named_by_a_group):
    project, unreviewed = named_by_a_group
    assert client.get(unreviewed.get_absolute_url()).status_code == 404
    listing = client.get("/en/organisations/")
    assert "Vecinos de Las Piedras" not in listing.text
    assert "FUCVAM" in listing.text
    assert unreviewed.get_absolute_url() not in client.get("/sitemap.xml").text
    choices = [
        value for value, _label in client.get("/en/projects/").context["filter"].form.fields["organisation"].choices
    ]
    assert unreviewed.slug not in [str(value) for value in choices]
    # Filtering by it answers as for any unknown organisation.
    assert client.get("/en/projects/", {"organisation": unreviewed.slug}).context["filter"].form.errors

    Organisation.objects.filter(pk=unreviewed.pk).update(reviewed=True)
    assert client.get(unreviewed.get_absolute_url()).status_code == 200
    assert "Vecinos de Las Piedras" in client.get("/en/organisations/").text


def test_project_page_names_an_organisation_waiting_for_review_without_a_link(client, named_by_a_group):
    project, unreviewed = named_by_a_group
    page = client.get(project.get_absolute_url()).text
    assert "Vecinos de Las Piedras" in page
    assert unreviewed.get_absolute_url() not in page
    reviewed = project.organisations.get(reviewed=True)
    assert f'href="{reviewed.get_absolute_url()}"' in page


def test_organisation_counts_are_of_public_projects_only(client):
    organisation = make_organisation(name_en="Urbamonde", slug="urbamonde")
    make_project(organisations=[organisation])
    make_project(organisations=[organisation], status=Status.DRAFT)
    merged = make_project(organisations=[organisation])
    merged.merge_into(make_project(), by=make_moderator())
    rows = {o.slug: o.public_project_count for o in client.get("/en/organisations/").context["organisations"]}
    assert rows["urbamonde"] == 1


# --- Search folds accents -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "query"),
    [
        ("Une coopérative d'habitants", "cooperative"),
        ("A housing cooperative", "coopérative"),
        ("Vivienda por ayuda mutua en Montevideo", "ayúda"),
        ("Habitat participatif à Genève", "geneve"),
    ],
)
def test_list_search_finds_words_with_or_without_accents(client, text, query):
    make_project(name_en="Found", summary_en=text)
    make_project(name_en="Not found", summary_en="Something else entirely.")
    assert listed_names(client.get("/en/projects/", {"q": query})) == ["Found"]
