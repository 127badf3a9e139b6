import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from awards.models import Edition, Nomination
from projects.models import Status
from tests.factories import make_project
from tests.factories.awards import make_category, make_edition, make_nomination

pytestmark = pytest.mark.django_db


def test_edition_is_unique_per_award_year_and_cycle(award):
    make_edition(award, year=2017, label="2016-17")
    make_edition(award, year=2017, label="2017")
    with pytest.raises(IntegrityError):
        make_edition(award, year=2017, label="2017")


def test_edition_url_is_the_award_year_page(award):
    assert make_edition(award, year=2017).get_absolute_url() == "/en/awards/world-habitat-awards/2017/"


def test_nomination_needs_a_project_or_a_name():
    with pytest.raises(ValidationError):
        make_nomination(project=None, project_name="")


def test_nomination_category_must_belong_to_its_edition(award):
    other = make_category(make_edition(award, year=2019))
    with pytest.raises(ValidationError):
        make_nomination(make_edition(award, year=2020), category=other)


def test_public_links_only_public_projects_and_keeps_published_names():
    edition = make_edition()
    public = make_nomination(edition, project=make_project(name_en="Spreefeld"), project_name="Spreefeld, Berlin")
    hidden_named = make_nomination(
        edition, project=make_project(status=Status.DRAFT), project_name="Granby4Streets CLT"
    )
    hidden_unnamed = make_nomination(edition, project=make_project(status=Status.DRAFT), project_name="")
    unlinked = make_nomination(edition, project_name="Liter of Light")

    shown = {nomination.pk: nomination for nomination in Nomination.objects.public()}

    assert set(shown) == {public.pk, hidden_named.pk, unlinked.pk}
    assert hidden_unnamed.pk not in shown
    assert shown[public.pk].public_project == public.project
    assert shown[hidden_named.pk].public_project is None
    assert shown[unlinked.pk].display_name == "Liter of Light"


def test_ranked_puts_winners_first_then_gold_silver_bronze():
    edition = make_edition()
    make_nomination(edition, project_name="A finalist", result="finalist")
    make_nomination(edition, project_name="B bronze", level="bronze")
    make_nomination(edition, project_name="C gold", level="gold")
    make_nomination(edition, project_name="D mention", result="special_mention")
    names = list(edition.nominations.ranked().values_list("project_name", flat=True))
    assert names == ["C gold", "B bronze", "D mention", "A finalist"]


def test_deleting_a_project_keeps_its_award_result():
    project = make_project()
    nomination = make_nomination(project=project, project_name="Kept")
    project.delete()
    nomination.refresh_from_db()
    assert (nomination.project, nomination.project_name) == (None, "Kept")
    assert Edition.objects.count() == 1
