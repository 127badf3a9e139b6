"""E-mail subscriptions (subscriptions.digests): a visitor subscribes to a filter of the list or
an area of the map, confirms from the message (double opt-in), receives daily or weekly digests
of what is new there, and unsubscribes in one click from any message.

Time moves forward by moving the subscription's last digest back: the rules read the clock."""

import datetime
import re
from datetime import timedelta

import pytest
from django.contrib.gis.geos import Polygon
from django.core import mail
from django.test import Client, TestCase
from django.utils import timezone

from projects.models import HousingModel, Status
from subscriptions import digests
from subscriptions.models import Subscription
from tests.factories import HIDDEN_ADDRESS, HIDDEN_LAT, HIDDEN_LON, make_hidden_project, make_moderator, make_project
from tests.factories.hubs import make_meeting

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https?://\S+/subscriptions/confirm/(\S+)/")
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+/subscriptions/unsubscribe/(\S+)/")
GENEVA_AREA = "5.9,46.1,6.3,46.3"
BRAZIL_CLTS = "country=BR&housing_model=community_land_trust"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://sph.example.org"


@pytest.fixture(autouse=True)
def _directory():
    """Projects in Brazil and Switzerland published a month ago: the list's filters offer
    the countries that have projects, and these are older than any digest here."""
    month_ago = timezone.now() - timedelta(days=30)
    make_project(
        name_en="An older Brazilian CLT",
        country="BR",
        city="Recife",
        lon=-34.9,
        lat=-8.05,
        housing_models=[HousingModel.COMMUNITY_LAND_TRUST],
        published_at=month_ago,
    )
    make_project(name_en="An older Swiss co-operative", published_at=month_ago)


def subscribe(client, query, email="rosa@example.org", frequency="daily"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/en/subscriptions/", {"query": query, "email": email, "frequency": frequency})


def run_digests():
    """The day's run of the digests, its messages sent (as the worker would, after the commit)."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return digests.send_digests.call()


def confirmed(query, email="rosa@example.org", frequency=Subscription.Frequency.DAILY, days_ago=1):
    """A confirmed subscription whose last digest went ``days_ago`` days ago."""
    then = timezone.now() - timedelta(days=days_ago)
    subscription = Subscription.objects.create(email=email, query=query, frequency=frequency, language="en")
    Subscription.objects.filter(pk=subscription.pk).update(confirmed_at=then, last_sent_at=then, created_at=then)
    subscription.refresh_from_db()
    return subscription


def brazil_clt(**fields):
    fields.setdefault("name_en", "Comunidade Vila Autódromo CLT")
    return make_project(
        country="BR",
        city="Rio de Janeiro",
        lon=-43.4,
        lat=-22.97,
        housing_models=[HousingModel.COMMUNITY_LAND_TRUST],
        **fields,
    )


def test_the_page_says_in_words_what_the_filters_follow(client):
    response = client.get(f"/en/subscriptions/?{BRAZIL_CLTS}&sort=name&page=2")
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>Brazil, Community land trust</strong>" in page
    # Sorting and paging are not filters: they are not kept.
    assert f'name="query" value="{BRAZIL_CLTS.replace("&", "&amp;")}"' in page


def test_filters_that_do_not_hold_are_explained_not_followed(client):
    response = client.get("/en/subscriptions/?area=1,2,3")
    assert response.status_code == 400
    assert "These filters cannot be followed" in response.content.decode()
    assert Subscription.objects.count() == 0


def test_subscribing_sends_one_confirmation_and_nothing_else_until_confirmed(client):
    response = subscribe(client, BRAZIL_CLTS)
    assert response.status_code == 302
    assert response["Location"] == "/en/subscriptions/sent/"
    subscription = Subscription.objects.get()
    assert (subscription.email, subscription.query, subscription.is_confirmed) == (
        "rosa@example.org",
        BRAZIL_CLTS,
        False,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rosa@example.org"]
    assert message.subject == "Confirm your subscription: Brazil, Community land trust"
    assert CONFIRM_LINK.search(message.body).group(1) == subscription.token

    # Not confirmed: news is not sent.
    Subscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - timedelta(days=2))
    brazil_clt()
    assert run_digests() == 0
    assert len(mail.outbox) == 1


def test_opening_the_confirmation_link_asks_for_a_press_and_the_press_confirms(client):
    subscribe(client, BRAZIL_CLTS)
    token = CONFIRM_LINK.search(mail.outbox[0].body).group(1)
    page = client.get(f"/en/subscriptions/confirm/{token}/")
    assert page.status_code == 200
    assert "Confirm my subscription" in page.content.decode()
    # A program that opens every link of a message to check it subscribes nobody.
    assert not Subscription.objects.get().is_confirmed

    response = client.post(f"/en/subscriptions/confirm/{token}/", follow=True)
    subscription = Subscription.objects.get()
    assert subscription.is_confirmed
    assert subscription.last_sent_at == subscription.confirmed_at
    assert "Your subscription is confirmed" in response.content.decode()


def test_the_digest_holds_the_new_projects_matching_the_filters_only():
    subscription = confirmed(BRAZIL_CLTS)
    before = brazil_clt(name_en="Published before the last digest")
    Project = type(before)
    Project.objects.filter(pk=before.pk).update(published_at=timezone.now() - timedelta(days=3))
    brazil_clt(name_en="Vila Autódromo")
    make_project(name_en="A Geneva co-operative", housing_models=[HousingModel.COMMUNITY_LAND_TRUST])
    brazil_clt(name_en="Still a draft", status=Status.DRAFT)
    make_project(name_en="A Brazilian co-operative", country="BR", lon=-43.2, lat=-22.9)

    assert run_digests() == 1

    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert message.subject == "New on the map: Brazil, Community land trust"
    assert "Vila Autódromo" in message.body
    for absent in ["Published before", "A Geneva co-operative", "Still a draft", "A Brazilian co-operative"]:
        assert absent not in message.body
    token = subscription.token
    assert UNSUBSCRIBE_LINK.search(message.body).group(1) == token
    assert (
        message.extra_headers["List-Unsubscribe"] == f"<https://sph.example.org/en/subscriptions/unsubscribe/{token}/>"
    )
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_second_run_the_same_day_sends_nothing_again():
    confirmed(BRAZIL_CLTS)
    brazil_clt()
    assert run_digests() == 1
    assert run_digests() == 0
    assert len(mail.outbox) == 1


def test_nothing_new_sends_nothing_but_the_period_moves_on():
    subscription = confirmed(BRAZIL_CLTS)
    before = subscription.last_sent_at
    assert run_digests() == 0
    assert mail.outbox == []
    subscription.refresh_from_db()
    assert subscription.last_sent_at > before


def test_a_weekly_digest_waits_for_its_week():
    subscription = confirmed(BRAZIL_CLTS, frequency=Subscription.Frequency.WEEKLY, days_ago=2)
    brazil_clt()
    assert run_digests() == 0
    Subscription.objects.filter(pk=subscription.pk).update(last_sent_at=timezone.now() - timedelta(days=7))
    assert run_digests() == 1


def test_an_area_of_the_map_gets_the_projects_and_meetings_inside_it():
    confirmed(f"area={GENEVA_AREA}")
    make_project(name_en="Coopérative de la Jonction")
    make_project(name_en="Mtumba housing", country="KE", city="Nairobi", lon=36.8, lat=-1.3)
    next_year = timezone.now().date().year + 1
    make_meeting(name_en="European HUB in Geneva", start_date=datetime.date(next_year, 5, 4))
    make_meeting(name_en="African HUB in Dakar", lon=-17.45, lat=14.7, start_date=datetime.date(next_year, 6, 1))
    make_meeting(name_en="A past meeting in Geneva", start_date=datetime.date(2019, 5, 4))

    assert run_digests() == 1

    body = mail.outbox[0].body
    assert "Coopérative de la Jonction" in body
    assert "European HUB in Geneva" in body
    for absent in ["Mtumba", "Dakar", "A past meeting"]:
        assert absent not in body


def test_a_country_filter_gets_the_meetings_in_that_country():
    confirmed("country=CH")
    next_year = timezone.now().date().year + 1
    make_meeting(name_en="Annual meeting in Geneva", start_date=datetime.date(next_year, 9, 30))
    make_meeting(name_en="Lyon day", country="FR", lon=4.83, lat=45.76, start_date=datetime.date(next_year, 6, 5))
    assert run_digests() == 1
    assert "Annual meeting in Geneva" in mail.outbox[0].body
    assert "Lyon day" not in mail.outbox[0].body


def test_a_digest_is_written_in_the_subscribers_language():
    subscription = confirmed(BRAZIL_CLTS)
    Subscription.objects.filter(pk=subscription.pk).update(language="fr")
    brazil_clt()
    run_digests()
    assert (
        mail.outbox[0].subject
        == "Nouveau sur la carte\u00a0: Brésil, Organisme foncier solidaire (community land trust)"
    )


def test_the_mail_programs_one_click_unsubscribe_works_without_a_form():
    subscription = confirmed(BRAZIL_CLTS)
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/en/subscriptions/unsubscribe/{subscription.token}/", {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    # Again (a second press, or the link of an older message): still answered kindly.
    assert client.post(f"/en/subscriptions/unsubscribe/{subscription.token}/").status_code == 200


def test_the_unsubscribe_link_shows_one_button_that_forgets_the_address(client):
    subscription = confirmed(BRAZIL_CLTS)
    page = client.get(f"/en/subscriptions/unsubscribe/{subscription.token}/")
    assert page.status_code == 200
    assert "Brazil, Community land trust" in page.content.decode()
    assert Subscription.objects.exists()
    response = client.post(f"/en/subscriptions/unsubscribe/{subscription.token}/")
    assert "You are unsubscribed" in response.content.decode()
    assert not Subscription.objects.filter(email="rosa@example.org").exists()
    brazil_clt()
    assert run_digests() == 0


def test_an_unknown_link_says_so(client):
    assert client.get("/en/subscriptions/confirm/not-a-token/").status_code == 404
    response = client.get("/en/subscriptions/unsubscribe/not-a-token/")
    assert response.status_code == 404
    assert "This link no longer works" in response.content.decode()


def test_addresses_that_never_confirm_are_forgotten_after_a_week(client):
    subscribe(client, BRAZIL_CLTS)
    subscribe(client, "country=CH", email="recent@example.org")
    Subscription.objects.filter(email="rosa@example.org").update(created_at=timezone.now() - timedelta(days=8))
    run_digests()
    assert list(Subscription.objects.values_list("email", flat=True)) == ["recent@example.org"]


def test_asking_again_makes_no_second_subscription_and_never_says_who_subscribes(client):
    subscription = confirmed(BRAZIL_CLTS)
    response = subscribe(client, BRAZIL_CLTS, email="Rosa@Example.org", frequency="weekly")
    # The same answer as for a new address: the page does not tell that this one subscribes.
    assert response["Location"] == "/en/subscriptions/sent/"
    assert Subscription.objects.count() == 1
    subscription.refresh_from_db()
    # Only the address's owner changes a confirmed subscription.
    assert subscription.frequency == Subscription.Frequency.DAILY
    [message] = mail.outbox
    assert message.subject == "You already receive news of: Brazil, Community land trust"
    assert not CONFIRM_LINK.search(message.body)


def test_too_many_requests_for_one_address_are_refused_and_nothing_typed_is_lost(client):
    for query in ["country=CH", "country=BR", "stage=inhabited"]:
        assert subscribe(client, query).status_code == 302
    response = subscribe(client, "stage=planning")
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many subscriptions" in page
    assert 'value="rosa@example.org"' in page
    assert len(mail.outbox) == 3


def test_a_bad_address_is_explained_and_kept(client):
    response = subscribe(client, BRAZIL_CLTS, email="rosa@")
    assert response.status_code == 400
    page = response.content.decode()
    assert "does not look complete" in page
    assert 'value="rosa@"' in page
    assert Subscription.objects.count() == 0


def test_a_robot_filling_the_honeypot_is_thanked_and_nothing_is_sent(client):
    response = client.post(
        "/en/subscriptions/", {"query": "", "email": "bot@example.org", "frequency": "daily", "topic": "cheap"}
    )
    assert response["Location"] == "/en/subscriptions/sent/"
    assert Subscription.objects.count() == 0
    assert mail.outbox == []


def test_the_list_offers_its_filters_by_e_mail(client):
    page = client.get(f"/en/projects/?{BRAZIL_CLTS}").content.decode()
    assert f'href="/en/subscriptions/?{BRAZIL_CLTS.replace("&", "&amp;")}"' in page


def test_staff_see_subscriptions_in_the_admin(client):
    confirmed(BRAZIL_CLTS)
    client.force_login(make_moderator(is_superuser=True, is_staff=True))
    page = client.get("/admin/subscriptions/subscription/")
    assert page.status_code == 200
    assert "Brazil, Community land trust" in page.content.decode()


def test_filters_too_long_to_keep_are_explained(client):
    response = client.get("/en/subscriptions/?q=" + "housing " * 400)
    assert response.status_code == 400
    assert Subscription.objects.count() == 0


def test_an_area_never_finds_where_a_hidden_group_lives():
    """Areas are matched against public points: a rectangle drawn tightly around the exact
    place of a group that hides it finds nothing, and a digest says only what its page says."""
    project = make_hidden_project(name_en="Settlement facing eviction")
    project.refresh_from_db()
    d = 0.0005
    tight = f"{HIDDEN_LON - d},{HIDDEN_LAT - d},{HIDDEN_LON + d},{HIDDEN_LAT + d}"
    assert not project.public_location.intersects(Polygon.from_bbox([float(v) for v in tight.split(",")]))
    confirmed(f"area={tight}", email="probe@example.org")
    wide = "36.5,-1.5,37.1,-1.1"
    confirmed(f"area={wide}")

    assert run_digests() == 1

    [message] = mail.outbox
    assert message.to == ["rosa@example.org"]
    assert "Settlement facing eviction" in message.body
    for secret in (HIDDEN_ADDRESS, f"{HIDDEN_LAT:.4f}", f"{HIDDEN_LON:.4f}"):
        assert secret not in message.body
