"""The location step without JavaScript: "Find" lists the towns of the name typed, and saving
with one chosen places the project at its centre, approximately (projects.sections.LocationForm).
The script's suggestions are tested in tests/browser/test_town_search.py."""

import pytest

from habitat import places
from projects.models import LocationPrecision
from tests.factories import make_user
from tests.projects.support import login

pytestmark = pytest.mark.django_db

MONTEVIDEO = "geonames:3441575"
SALTO = "geonames:3440714"


def location_data(project, **changes):
    """What the location step sends: every field, as a browser sends an empty one."""
    data = {
        "town": "",
        "address": "",
        "city": project.city,
        "country": project.country,
        "latitude": "",
        "longitude": "",
        "location_precision": "exact",
        "project-version": project.version,
    }
    data.update(changes)
    return data


def url(project):
    return f"/en/projects/{project.slug}/edit/location/"


def test_find_lists_the_towns_and_keeps_everything_typed(client, editor, draft):
    before = draft.location.coords
    response = login(client, editor).post(
        url(draft),
        location_data(draft, town="Salt", address="Calle Uruguay 1234", action="find"),
    )
    assert response.status_code == 200
    form = response.context["form"]
    # Kept to the country of the form (Uruguay), the most populous first.
    assert [choice for choice, _label in form.fields["place"].choices][:1] == [SALTO]
    assert {place.country for place in form.places} == {"UY"}
    assert 'name="place" value="geonames:3440714"' in response.text
    assert "Towns found for “Salt”" in response.text
    assert 'value="Calle Uruguay 1234"' in response.text and 'value="Salt"' in response.text
    # Finding is not saving, and the empty coordinates are not an error yet.
    assert form.errors == {}
    draft.refresh_from_db()
    assert (draft.location.coords, draft.address, draft.version) == (before, "", 1)


def test_saving_with_a_town_chosen_places_the_project_at_its_centre_approximately(client, editor, draft):
    draft.city = ""
    draft.save()
    response = login(client, editor).post(
        url(draft),
        location_data(draft, town="Montevideo", place=MONTEVIDEO, address="Calle Uruguay 1234"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.location.coords == (-56.18816, -34.90328)
    assert draft.location_precision == LocationPrecision.APPROXIMATE
    assert (draft.city, draft.country, draft.address) == ("Montevideo", "UY", "Calle Uruguay 1234")
    assert draft.version == 2


def test_a_town_chosen_fills_in_the_country_when_none_was_chosen(client, editor, draft):
    draft.country = ""
    draft.save()
    login(client, editor).post(url(draft), location_data(draft, town="Londres", place="geonames:2643743"))
    draft.refresh_from_db()
    assert (draft.city, draft.country) == ("London", "GB")
    assert draft.location.coords == (-0.12574, 51.50853)


def test_a_town_chosen_comes_before_coordinates_typed(client, editor, draft):
    login(client, editor).post(
        url(draft), location_data(draft, town="Montevideo", place=MONTEVIDEO, latitude="10", longitude="10")
    )
    draft.refresh_from_db()
    assert draft.location.coords == (-56.18816, -34.90328)


def test_without_a_town_chosen_the_coordinates_are_saved_as_typed(client, editor, draft):
    login(client, editor).post(
        url(draft), location_data(draft, town="Montevideo", latitude="-34.9011", longitude="-56.1645")
    )
    draft.refresh_from_db()
    assert draft.location.coords == (-56.1645, -34.9011)
    assert draft.location_precision == LocationPrecision.EXACT


def test_find_with_no_town_found_says_so_and_saves_nothing(client, editor, draft):
    response = login(client, editor).post(url(draft), location_data(draft, town="Zzqxw", action="find"))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["town"]
    assert "No town or neighbourhood found by that name." in response.text
    draft.refresh_from_db()
    assert draft.version == 1


def test_find_with_a_text_too_long_says_so(client, editor, draft):
    response = login(client, editor).post(url(draft), location_data(draft, town="a" * 101, action="find"))
    assert response.status_code == 200
    assert response.context["form"].errors["town"] == ["Ensure this value has at most 100 characters (it has 101)."]


def test_enter_in_another_field_with_no_town_typed_saves(client, editor, draft):
    # The first button of the form is "Find": Enter in the latitude field sends it.
    response = login(client, editor).post(
        url(draft), location_data(draft, latitude="-34.9011", longitude="-56.1645", action="find")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.location.coords == (-56.1645, -34.9011)


def test_a_town_no_longer_found_is_refused_with_the_input_kept(client, editor, draft):
    before = draft.location.coords
    response = login(client, editor).post(
        url(draft), location_data(draft, town="Montevideo", place="geonames:2643743", address="Calle 1")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["place"] == ["This town is no longer among those found: find it again."]
    assert 'value="Calle 1"' in response.text
    draft.refresh_from_db()
    assert (draft.location.coords, draft.version) == (before, 1)


def test_the_town_typed_is_no_change_of_the_project(client, editor, draft):
    """Two editors: what one typed to find a town is no conflict with what the other saved."""
    other = make_user()
    draft.editors.add(other)
    started_from = draft.version
    login(client, other).post(url(draft), location_data(draft, latitude="-34.9", longitude="-56.2", town="Monte"))
    draft.refresh_from_db()
    response = login(client, editor).post(
        url(draft),
        location_data(
            draft, latitude="-34.9", longitude="-56.2", town="Montevideo", **{"project-version": started_from}
        ),
    )
    assert response.status_code == 302


def test_the_step_offers_the_search_to_the_script(client, editor, draft):
    response = login(client, editor).get(url(draft))
    assert 'data-places-url="/en/places/"' in response.text
    assert 'role="listbox"' in response.text and 'role="status"' in response.text
    assert '<button type="submit" name="action" value="find"' in response.text
    assert places.gazetteer().get(MONTEVIDEO).name == "Montevideo"
