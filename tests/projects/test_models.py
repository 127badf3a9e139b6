import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse, set_script_prefix
from django.utils import translation

from projects.models import LocationPrecision, Project, Stage, Status
from tests.factories import make_project

pytestmark = pytest.mark.django_db


def test_public_is_only_published_projects():
    published = make_project()
    for status in [Status.DRAFT, Status.SUBMITTED, Status.CHANGES_REQUESTED, Status.REJECTED, Status.ARCHIVED]:
        make_project(status=status)
    assert list(Project.objects.public()) == [published]


def test_public_location_of_an_approximate_project_is_snapped_on_save(settings):
    settings.APPROXIMATE_LOCATION_CELL_DEGREES = 0.01
    project = make_project(lon=-58.3821, lat=-34.6037, location_precision=LocationPrecision.APPROXIMATE)
    project.refresh_from_db()
    assert project.location.coords == (-58.3821, -34.6037)
    assert project.public_location.coords == pytest.approx((-58.385, -34.605))


def test_moving_a_project_moves_its_public_point_and_map_cell():
    project = make_project(lon=6.14, lat=46.20)
    cell = project.map_cell
    project.location.x, project.location.y = -56.16, -34.90
    project.save(update_fields=["location"])
    project.refresh_from_db()
    assert project.public_location.coords == (-56.16, -34.90)
    assert project.map_cell != cell


def test_slug_is_made_from_the_name_and_kept_unique():
    first = make_project(name_en="Caño Martín Peña")
    second = make_project(name_en="Caño Martín Peña")
    assert first.slug == "cano-martin-pena"
    assert second.slug == "cano-martin-pena-2"


def test_name_in_the_original_language_is_required():
    project = Project(original_language="fr", name_en="Only English", country="FR", location="POINT(2 48)")
    with pytest.raises(ValidationError) as error:
        project.full_clean()
    assert "name_fr" in error.value.message_dict


def test_completion_before_start_is_refused_by_the_form_and_the_database():
    with pytest.raises(ValidationError) as error:
        make_project(start_year=2010, completion_year=2005)
    assert "completion_year" in error.value.message_dict
    project = make_project(start_year=2010, completion_year=2015)
    project.completion_year = 2005
    with pytest.raises(IntegrityError), transaction.atomic():
        project.save()


def test_figures_count_published_projects_inhabited_ones_and_dwellings():
    make_project(stage=Stage.INHABITED, dwellings=10)
    make_project(stage=Stage.CONSTRUCTION, dwellings=5)
    make_project(stage=Stage.INHABITED, dwellings=None)
    make_project(status=Status.DRAFT, dwellings=100)
    assert Project.objects.public().figures() == {"projects": 3, "inhabited": 2, "dwelling_total": 15}


def test_figures_of_an_empty_directory_are_zero():
    assert Project.objects.public().figures() == {"projects": 0, "inhabited": 0, "dwelling_total": 0}


def test_reading_a_text_falls_back_to_the_original_language():
    from django.utils import translation

    project = make_project(
        name_en="", name_fr="La Borda", original_language="fr", summary_es="Cooperativa en cesión de uso."
    )
    with translation.override("es"):
        assert project.name == "La Borda"
        assert project.summary == "Cooperativa en cesión de uso."
    with translation.override("en"):
        assert project.summary == "A group of families building their homes together."


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_name_sql_reads_is_the_name_a_project_shows(language):
    """Sorting by name and the map's markers read the name in SQL (fallback_expression): the
    same text as ``project.name`` in every language, whatever translations exist."""
    from habitat.translation import fallback_expression

    make_project(name_en="", name_fr="La Borda", original_language="fr")
    make_project(name_en="Ada's Yard", name_fr="", name_es="El Patio de Ada", original_language="es")
    make_project(name_en="", name_fr="", name_es="Cañada Real", original_language="es")
    make_project(name_en="Tower Co-op", name_fr="Coop de la Tour", original_language="en")
    with translation.override(language):
        rows = Project.objects.annotate(shown=fallback_expression("name")).order_by("pk")
        assert [row.shown for row in rows] == [row.name for row in rows]
        by_name = Project.objects.order_by(fallback_expression("name")).values_list("pk", flat=True)
        assert list(by_name) == [p.pk for p in sorted(rows, key=lambda p: p.name)]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_a_project_s_address_is_the_one_its_url_pattern_gives(language):
    project = make_project()
    with translation.override(language):
        assert project.get_absolute_url() == reverse("projects:detail", kwargs={"slug": project.slug})
        assert project.get_absolute_url() == f"/{language}/projects/{project.slug}/"
        # Served under a path (SCRIPT_NAME), as reverse() writes it.
        set_script_prefix("/habitat/")
        try:
            assert Project.url_of(project.slug) == f"/habitat/{language}/projects/{project.slug}/"
        finally:
            set_script_prefix("/")
