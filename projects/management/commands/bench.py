"""`manage.py bench`: seed synthetic projects and time the public pages.

Run it through ``make bench``, which points DATABASE_URL at the separate ``habitat_bench``
database: it holds the largest size, each other size a database of its own beside it
(``habitat_1000_bench``). The command wipes every project and organisation of these
databases, so it refuses any database whose name does not end with ``_bench``.
"""

import contextlib
import datetime
import gzip
import math
import os
import platform
import random
import re
import statistics
import subprocess
import time
import warnings
from collections import Counter
from datetime import timedelta
from typing import NamedTuple
from urllib.parse import urlencode

import django
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.utils import load_backend
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django.utils.text import slugify

from habitat import geo, page_cache
from habitat.models import Organisation
from projects.models import (
    HousingModel,
    LocationPrecision,
    MapCell,
    Project,
    ProjectActor,
    Stage,
    Status,
    Tenure,
)
from projects.models.project import search_vector
from subscriptions import digests
from subscriptions.models import Subscription

DEFAULT_SIZES = "1000,1000000"
WARM_UP_REQUESTS = 3
SEARCH_WORD = "cooperative"
# The same word as French writes it: search folds accents, so it finds the same projects.
ACCENTED_SEARCH_WORD = "coopérative"
CITY_ZOOM = 12
# A digest's period, in publications: a busy week of a world-wide directory.
DIGEST_PUBLICATIONS = 1000
CITY_HALF_SIZE_DEGREES = 0.1
APPROXIMATE_SHARE = 0.2
SCATTERED_SHARE = 0.1
ORGANISATIONS = 40
FOUNDING_ORGANISATIONS = 6

# Name|ISO country|latitude|longitude: the centres the synthetic projects cluster around.
CITIES = """
Zurich|CH|47.377|8.540
Geneva|CH|46.204|6.143
Basel|CH|47.560|7.588
Bern|CH|46.948|7.447
Lausanne|CH|46.520|6.633
Paris|FR|48.857|2.352
Lyon|FR|45.764|4.836
Marseille|FR|43.297|5.370
Toulouse|FR|43.605|1.444
Nantes|FR|47.218|-1.554
Lille|FR|50.629|3.057
Strasbourg|FR|48.573|7.752
Grenoble|FR|45.188|5.724
Bordeaux|FR|44.838|-0.579
Rennes|FR|48.117|-1.678
Montpellier|FR|43.611|3.877
Brussels|BE|50.850|4.352
Liège|BE|50.633|5.567
Antwerp|BE|51.219|4.402
Ghent|BE|51.054|3.717
Amsterdam|NL|52.370|4.895
Rotterdam|NL|51.924|4.478
Utrecht|NL|52.091|5.122
Berlin|DE|52.520|13.405
Hamburg|DE|53.551|9.993
Munich|DE|48.135|11.582
Leipzig|DE|51.340|12.375
Freiburg|DE|47.999|7.842
Tübingen|DE|48.521|9.057
Cologne|DE|50.938|6.960
Frankfurt|DE|50.110|8.682
Vienna|AT|48.208|16.373
Graz|AT|47.070|15.439
Copenhagen|DK|55.676|12.568
Aarhus|DK|56.163|10.204
Stockholm|SE|59.329|18.069
Gothenburg|SE|57.709|11.975
Oslo|NO|59.914|10.752
Helsinki|FI|60.170|24.938
London|GB|51.507|-0.128
Bristol|GB|51.455|-2.588
Manchester|GB|53.481|-2.242
Leeds|GB|53.801|-1.549
Liverpool|GB|53.408|-2.992
Glasgow|GB|55.864|-4.252
Edinburgh|GB|55.953|-3.188
Cardiff|GB|51.481|-3.179
Dublin|IE|53.350|-6.260
Madrid|ES|40.417|-3.704
Barcelona|ES|41.385|2.173
Valencia|ES|39.470|-0.376
Seville|ES|37.389|-5.984
Bilbao|ES|43.263|-2.935
Zaragoza|ES|41.649|-0.889
Lisbon|PT|38.722|-9.139
Porto|PT|41.158|-8.629
Rome|IT|41.903|12.496
Milan|IT|45.464|9.190
Turin|IT|45.070|7.687
Bologna|IT|44.495|11.343
Naples|IT|40.852|14.268
Athens|GR|37.984|23.728
Prague|CZ|50.076|14.438
Brno|CZ|49.195|16.607
Warsaw|PL|52.230|21.012
Kraków|PL|50.065|19.945
Budapest|HU|47.498|19.040
Ljubljana|SI|46.057|14.506
Zagreb|HR|45.815|15.982
Belgrade|RS|44.787|20.457
Bucharest|RO|44.427|26.103
Cluj-Napoca|RO|46.771|23.624
Sofia|BG|42.698|23.322
Tallinn|EE|59.437|24.754
Riga|LV|56.950|24.105
Vilnius|LT|54.687|25.280
Istanbul|TR|41.008|28.978
Kyiv|UA|50.450|30.524
Dakar|SN|14.717|-17.467
Saint-Louis|SN|16.018|-16.489
Abidjan|CI|5.360|-4.008
Bamako|ML|12.639|-8.003
Ouagadougou|BF|12.371|-1.520
Niamey|NE|13.512|2.112
Lomé|TG|6.131|1.223
Cotonou|BJ|6.366|2.418
Accra|GH|5.604|-0.187
Lagos|NG|6.524|3.379
Abuja|NG|9.076|7.399
Douala|CM|4.051|9.768
Yaoundé|CM|3.848|11.502
Kinshasa|CD|-4.441|15.266
Nairobi|KE|-1.292|36.822
Mombasa|KE|-4.043|39.668
Kampala|UG|0.347|32.582
Dar es Salaam|TZ|-6.792|39.208
Kigali|RW|-1.944|30.062
Addis Ababa|ET|9.030|38.740
Lusaka|ZM|-15.387|28.322
Harare|ZW|-17.825|31.034
Lilongwe|MW|-13.963|33.774
Maputo|MZ|-25.969|32.573
Johannesburg|ZA|-26.204|28.047
Cape Town|ZA|-33.925|18.424
Durban|ZA|-29.858|31.022
Windhoek|NA|-22.560|17.066
Antananarivo|MG|-18.879|47.508
Casablanca|MA|33.573|-7.590
Rabat|MA|34.020|-6.841
Tunis|TN|36.806|10.181
Algiers|DZ|36.754|3.059
Cairo|EG|30.044|31.236
Khartoum|SD|15.500|32.560
Freetown|SL|8.484|-13.234
Monrovia|LR|6.301|-10.797
Conakry|GN|9.641|-13.578
Montevideo|UY|-34.901|-56.165
Paysandú|UY|-32.317|-58.075
Salto|UY|-31.383|-57.967
Buenos Aires|AR|-34.604|-58.382
Rosario|AR|-32.945|-60.650
Córdoba|AR|-31.420|-64.189
Mendoza|AR|-32.889|-68.845
Santiago|CL|-33.449|-70.669
Valparaíso|CL|-33.047|-71.613
Concepción|CL|-36.827|-73.050
Lima|PE|-12.046|-77.043
Arequipa|PE|-16.409|-71.537
La Paz|BO|-16.490|-68.119
El Alto|BO|-16.504|-68.163
Cochabamba|BO|-17.414|-66.165
Quito|EC|-0.180|-78.468
Guayaquil|EC|-2.170|-79.922
Bogotá|CO|4.711|-74.072
Medellín|CO|6.244|-75.581
Cali|CO|3.452|-76.532
Caracas|VE|10.481|-66.904
Asunción|PY|-25.264|-57.576
São Paulo|BR|-23.551|-46.633
Rio de Janeiro|BR|-22.907|-43.173
Belo Horizonte|BR|-19.917|-43.935
Porto Alegre|BR|-30.035|-51.218
Recife|BR|-8.048|-34.877
Salvador|BR|-12.978|-38.502
Fortaleza|BR|-3.732|-38.527
Brasília|BR|-15.794|-47.882
Mexico City|MX|19.433|-99.133
Guadalajara|MX|20.660|-103.350
Monterrey|MX|25.687|-100.316
Oaxaca|MX|17.073|-96.726
Puebla|MX|19.041|-98.206
Guatemala City|GT|14.634|-90.507
San Salvador|SV|13.693|-89.218
Tegucigalpa|HN|14.072|-87.192
Managua|NI|12.114|-86.236
San José|CR|9.928|-84.091
Panama City|PA|8.983|-79.517
Havana|CU|23.113|-82.366
Santo Domingo|DO|18.486|-69.931
Port-au-Prince|HT|18.594|-72.307
San Juan|PR|18.466|-66.106
Kingston|JM|17.971|-76.793
New York|US|40.713|-74.006
Boston|US|42.360|-71.059
Philadelphia|US|39.953|-75.165
Washington|US|38.907|-77.037
Baltimore|US|39.290|-76.612
Burlington|US|44.476|-73.212
Chicago|US|41.878|-87.630
Detroit|US|42.331|-83.046
Minneapolis|US|44.978|-93.265
Atlanta|US|33.749|-84.388
New Orleans|US|29.951|-90.072
Houston|US|29.760|-95.370
Austin|US|30.267|-97.743
Denver|US|39.739|-104.990
Albuquerque|US|35.084|-106.651
Los Angeles|US|34.052|-118.244
San Francisco|US|37.775|-122.419
Oakland|US|37.804|-122.271
Seattle|US|47.606|-122.332
Portland|US|45.515|-122.679
Montreal|CA|45.502|-73.567
Quebec City|CA|46.813|-71.208
Toronto|CA|43.653|-79.383
Vancouver|CA|49.283|-123.121
Winnipeg|CA|49.895|-97.138
Halifax|CA|44.649|-63.575
Mumbai|IN|19.076|72.878
Delhi|IN|28.704|77.102
Ahmedabad|IN|23.023|72.571
Bangalore|IN|12.972|77.595
Chennai|IN|13.083|80.271
Kolkata|IN|22.573|88.364
Pune|IN|18.520|73.857
Bhuj|IN|23.242|69.667
Karachi|PK|24.861|67.010
Lahore|PK|31.549|74.344
Dhaka|BD|23.811|90.413
Kathmandu|NP|27.717|85.324
Colombo|LK|6.927|79.861
Bangkok|TH|13.756|100.502
Chiang Mai|TH|18.788|98.985
Phnom Penh|KH|11.556|104.928
Hanoi|VN|21.028|105.854
Ho Chi Minh City|VN|10.823|106.630
Vientiane|LA|17.975|102.633
Yangon|MM|16.840|96.173
Manila|PH|14.600|120.984
Quezon City|PH|14.676|121.044
Cebu|PH|10.316|123.885
Davao|PH|7.190|125.455
Jakarta|ID|-6.208|106.846
Surabaya|ID|-7.258|112.752
Yogyakarta|ID|-7.797|110.370
Makassar|ID|-5.148|119.432
Kuala Lumpur|MY|3.139|101.687
Singapore|SG|1.352|103.820
Seoul|KR|37.567|126.978
Busan|KR|35.180|129.076
Tokyo|JP|35.676|139.650
Osaka|JP|34.694|135.502
Taipei|TW|25.033|121.565
Hong Kong|HK|22.320|114.169
Shanghai|CN|31.230|121.474
Ulaanbaatar|MN|47.886|106.906
Tbilisi|GE|41.716|44.783
Yerevan|AM|40.179|44.499
Beirut|LB|33.894|35.502
Amman|JO|31.954|35.911
Tehran|IR|35.689|51.389
Sydney|AU|-33.869|151.209
Melbourne|AU|-37.814|144.963
Brisbane|AU|-27.470|153.026
Perth|AU|-31.951|115.861
Adelaide|AU|-34.929|138.601
Auckland|NZ|-36.848|174.763
Wellington|NZ|-41.286|174.776
Christchurch|NZ|-43.532|172.637
Suva|FJ|-18.142|178.442
"""

# Rough boxes over land (west, south, east, north) for the projects outside any city.
LAND_BOXES = [
    (-125, 25, -70, 55),
    (-105, 10, -80, 25),
    (-75, -35, -40, 5),
    (-10, 36, 40, 60),
    (-15, -30, 40, 15),
    (35, 25, 75, 45),
    (68, 8, 90, 30),
    (100, 20, 135, 45),
    (95, -8, 125, 20),
    (115, -35, 150, -20),
]

FRENCH_COUNTRIES = {"FR", "SN", "CI", "ML", "BF", "NE", "TG", "BJ", "CM", "CD", "MG", "MA", "TN", "DZ", "HT", "GN"}
FRENCH_CITIES = {"Geneva", "Lausanne", "Brussels", "Liège", "Montreal", "Quebec City"}
SPANISH_COUNTRIES = {
    "ES", "UY", "AR", "CL", "PE", "BO", "EC", "CO", "VE", "PY", "MX", "GT", "SV", "HN", "NI", "CR", "PA", "CU",
    "DO", "PR",
}  # fmt: skip

EN_ADJECTIVES = [
    "Green", "Old", "New", "Red", "Blue", "Sunny", "Little", "Great", "North", "South", "East", "West", "Upper",
    "Lower", "Free", "Common", "Golden", "Silver", "Quiet", "Bright",
]  # fmt: skip
EN_NOUNS = [
    "Hill", "River", "Garden", "Orchard", "Mill", "Bridge", "Harbour", "Meadow", "Oak", "Willow", "Market",
    "Station", "Brook", "Quarry", "Lantern", "Bakery", "Foundry", "Terrace", "Courtyard", "Vineyard", "Canal",
    "Chapel", "Forge", "Wharf",
]  # fmt: skip
EN_NAMES = [
    "{adj} {noun} Housing Cooperative",
    "{noun} Community Land Trust",
    "{adj} {noun} Cohousing",
    "{noun} Mutual-Aid Cooperative",
    "{adj} {noun} Self-Build Group",
    "{noun} Tenants' Association",
    "{adj} {noun} Residents' Collective",
    "{noun} Community Housing",
]
EN_MODELS = {
    HousingModel.COOPERATIVE: "housing cooperative",
    HousingModel.MUTUAL_AID_COOPERATIVE: "mutual-aid cooperative",
    HousingModel.COMMUNITY_LAND_TRUST: "community land trust",
    HousingModel.PARTICIPATORY_HOUSING: "participatory housing project",
    HousingModel.SELF_BUILD: "self-build project",
    HousingModel.INCREMENTAL_UPGRADING: "incremental upgrading project",
    HousingModel.COLLECTIVE_OWNERSHIP: "collectively owned building",
    HousingModel.TENANT_MANAGED: "tenant-managed estate",
    HousingModel.OTHER: "community-led housing project",
}
EN_CLAUSES = [
    "with shared gardens and a common house",
    "on land held in trust by the community",
    "where members pooled their savings and their labour",
    "renovating an empty factory",
    "built by mutual aid at weekends",
    "with rents kept well below the market",
    "started by a tenants' union facing eviction",
    "with a workshop, a laundry and a guest room shared by all households",
    "financed by a revolving fund and a community bank",
    "designed with the residents by a local technical assistance team",
]
EN_SENTENCES = [
    "The households met for two years before they found the land.",
    "Each family gave hours of work on the site, counted and shared fairly.",
    "The general assembly decides on rents, repairs and new members.",
    "A municipal lease of ninety-nine years keeps the land out of speculation.",
    "Solar panels on the roofs and a rainwater tank lower the running costs.",
    "Women's committees led the negotiations with the city.",
    "The project inspired several neighbouring groups to start their own cooperative.",
    "Older residents and young families live side by side.",
    "Building materials were produced on site in a small brick workshop.",
    "The community land trust keeps homes affordable for every future buyer.",
]
FR_NOUNS = [
    "des Tilleuls", "du Moulin", "de la Colline", "des Jardins", "du Canal", "de la Source", "des Vergers",
    "du Lavoir", "de la Fabrique", "des Acacias", "du Port", "de la Halle",
]  # fmt: skip
FR_NAMES = [
    "Coopérative d'habitants {noun}",
    "Habitat participatif {noun}",
    "Organisme foncier solidaire {noun}",
    "Les Habitants {noun}",
    "Autoconstruction {noun}",
]
FR_CLAUSES = [
    "avec un jardin partagé et une salle commune",
    "sur un terrain porté par un organisme foncier solidaire",
    "où les familles ont mis en commun leur épargne et leur travail",
    "dans une ancienne usine rénovée par ses habitants",
    "avec des loyers bien inférieurs au marché",
]
ES_NOUNS = [
    "El Molino", "La Esperanza", "Nuevo Amanecer", "Los Álamos", "Villa Unión", "La Tejedora", "El Ceibo",
    "Las Acacias", "Juntos Podemos", "La Aurora", "El Hornero", "Tierra Nuestra",
]  # fmt: skip
ES_NAMES = [
    "Cooperativa de Vivienda {noun}",
    "Cooperativa de Ayuda Mutua {noun}",
    "Vivienda Colectiva {noun}",
    "Autoconstrucción {noun}",
    "Comunidad {noun}",
]
ES_CLAUSES = [
    "construida por ayuda mutua los fines de semana",
    "con un salón comunal y una huerta compartida",
    "en tierra de propiedad colectiva",
    "donde las familias aportaron su ahorro y su trabajo",
    "con alquileres muy por debajo del mercado",
]
SYLLABLES = ["ka", "lo", "mba", "ri", "sa", "to", "ne", "vi", "du", "mo", "ra", "ze", "la", "ko", "ta", "bu"]
STREETS = ["Mill Road", "Station Street", "Rue du Marché", "Calle Mayor", "Garden Lane", "Avenida Central"]
STAGE_WEIGHTS = {
    Stage.IDEA: 5,
    Stage.FORMING_GROUP: 8,
    Stage.PLANNING: 14,
    Stage.CONSTRUCTION: 13,
    Stage.INHABITED: 55,
    Stage.STOPPED: 5,
}
STAGES = [stage.value for stage in STAGE_WEIGHTS]
STAGE_WEIGHT_VALUES = list(STAGE_WEIGHTS.values())
HOUSING_MODELS = HousingModel.values
TENURES = Tenure.values


def parse_sizes(text):
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(f"--sizes must be whole numbers separated by commas, not {text!r}.") from None
    if not sizes or any(size < 1 for size in sizes):
        raise CommandError("--sizes needs at least one number of projects, each 1 or more.")
    return sizes


def resident_megabytes():
    """The resident memory of this process (Linux), in MB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of an already sorted list."""
    rank = max(math.ceil(fraction * len(sorted_values)), 1)
    return sorted_values[rank - 1]


@contextlib.contextmanager
def indexes_built_after(cursor, table):
    """Drop the indexes of ``table`` that no constraint owns, and build them again when the
    block ends: building an index over a million rows once is many times faster than
    updating it a million times. Run it in a transaction, so that a failure puts them back."""
    cursor.execute(
        """
        SELECT index.indexrelid::regclass::text, pg_get_indexdef(index.indexrelid)
        FROM pg_index AS index
        WHERE index.indrelid = %s::regclass
          AND NOT EXISTS (SELECT FROM pg_constraint WHERE pg_constraint.conindid = index.indexrelid)
        """,
        [table],
    )
    found = cursor.fetchall()
    for name, _definition in found:
        cursor.execute(f"DROP INDEX {name}")
    yield
    cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
    for _name, definition in found:
        cursor.execute(definition)


class Synthesiser:
    """Deterministic synthetic projects: the same seed gives the same directory."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.cities = []
        for line in CITIES.strip().splitlines():
            name, country, lat, lon = line.split("|")
            self.cities.append((name, country, float(lat), float(lon)))
        # A few big centres of community-led housing and a long tail, in a seeded order.
        order = list(range(len(self.cities)))
        self.rng.shuffle(order)
        self.city_weights = [0.0] * len(self.cities)
        for rank, index in enumerate(order):
            self.city_weights[index] = 1 / (rank + 1) ** 0.8
        # How far projects spread around each centre, in degrees of latitude.
        self.city_spread = [self.rng.uniform(0.03, 0.12) for _ in self.cities]
        self.box_weights = [(e - w) * (n - s) for w, s, e, n in LAND_BOXES]
        self.city_counts = Counter()

    def nearest_city(self, lat, lon):
        return min(self.cities, key=lambda c: (c[2] - lat) ** 2 + ((c[3] - lon) * math.cos(math.radians(lat))) ** 2)

    def place_name(self):
        rng = self.rng
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).capitalize()

    def location(self):
        """A (latitude, longitude, city, country) in a city or scattered over land."""
        rng = self.rng
        if rng.random() < SCATTERED_SHARE:
            west, south, east, north = rng.choices(LAND_BOXES, weights=self.box_weights)[0]
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            _name, country, _lat, _lon = self.nearest_city(lat, lon)
            return lat, lon, self.place_name(), country
        index = rng.choices(range(len(self.cities)), weights=self.city_weights)[0]
        self.city_counts[index] += 1
        name, country, lat, lon = self.cities[index]
        spread = self.city_spread[index]
        lat += rng.gauss(0, spread)
        lon += rng.gauss(0, spread) / max(math.cos(math.radians(lat)), 0.2)
        lon = (lon + 180) % 360 - 180
        return max(min(lat, 84.0), -84.0), lon, name, country

    def texts(self, language, city, models, dwellings):
        rng = self.rng
        if language == "fr":
            name = rng.choice(FR_NAMES).format(noun=rng.choice(FR_NOUNS))
            summary = f"{dwellings} logements à {city}, {rng.choice(FR_CLAUSES)}."
            description = " ".join(rng.sample(FR_CLAUSES, 2)).capitalize() + "."
        elif language == "es":
            name = rng.choice(ES_NAMES).format(noun=rng.choice(ES_NOUNS))
            summary = f"{dwellings} viviendas en {city}, {rng.choice(ES_CLAUSES)}."
            description = " ".join(rng.sample(ES_CLAUSES, 2)).capitalize() + "."
        else:
            name = rng.choice(EN_NAMES).format(adj=rng.choice(EN_ADJECTIVES), noun=rng.choice(EN_NOUNS))
            summary = f"A {EN_MODELS[models[0]]} of {dwellings} homes in {city}, {rng.choice(EN_CLAUSES)}."
            description = " ".join(rng.sample(EN_SENTENCES, rng.randint(2, 5)))
        return name, summary, description

    def project(self, number, now):
        """The column values of one published project, by field name.

        ``public_location`` and ``map_cell`` come from habitat.geo, as Project.save() would
        compute them (COPY bypasses save()); points are written as EWKT.
        """
        rng = self.rng
        lat, lon, city, country = self.location()
        language = "fr" if country in FRENCH_COUNTRIES or city in FRENCH_CITIES else "en"
        language = "es" if country in SPANISH_COUNTRIES else language
        exact = rng.random() >= APPROXIMATE_SHARE
        public_lon, public_lat = geo.public_coordinates(lon, lat, exact)
        models = rng.sample(HOUSING_MODELS, rng.choice((1, 1, 2)))
        stage = rng.choices(STAGES, weights=STAGE_WEIGHT_VALUES)[0]
        dwellings = max(int(rng.lognormvariate(3.0, 0.9)), 2)
        start_year = rng.randint(1965, 2025)
        completion_year = None
        if stage == Stage.INHABITED:
            completion_year = min(start_year + rng.randint(1, 8), 2026)
        name, summary, description = self.texts(language, city, models, dwellings)
        published_at = now - datetime.timedelta(seconds=rng.randint(0, 10 * 365 * 24 * 3600))
        return {
            f"name_{language}": name,
            f"summary_{language}": summary,
            f"description_{language}": description,
            "slug": f"{slugify(name)[:80].strip('-')}-{number}",
            "original_language": language,
            "stage": stage,
            "housing_models": models,
            "tenure": rng.choice(TENURES),
            "dwellings": dwellings,
            "inhabitants": int(dwellings * rng.uniform(1.5, 3.5)),
            "start_year": start_year,
            "completion_year": completion_year,
            "priority_neighbourhood": rng.random() < 0.15,
            "website": f"https://example.org/{number}" if rng.random() < 0.5 else "",
            "address": f"{rng.randint(1, 200)} {rng.choice(STREETS)}" if exact else "",
            "city": city,
            "country": country,
            "location": f"SRID=4326;POINT({lon!r} {lat!r})",
            "location_precision": LocationPrecision.EXACT.value if exact else LocationPrecision.APPROXIMATE.value,
            "public_location": f"SRID=4326;POINT({public_lon!r} {public_lat!r})",
            "map_cell": geo.interleave(*geo.cell_xy(public_lon, public_lat)),
            "status": Status.PUBLISHED.value,
            "created_at": published_at,
            "updated_at": published_at,
            "published_at": published_at,
        }

    def organisations(self):
        rng = self.rng
        kinds = Organisation.Kind.values
        result = []
        for number in range(1, ORGANISATIONS + 1):
            name = f"{rng.choice(EN_ADJECTIVES)} {rng.choice(EN_NOUNS)} Housing Support {number}"
            city, country = rng.choice(self.cities)[:2]
            result.append(
                Organisation(
                    name_en=name,
                    slug=slugify(name),
                    kind=rng.choice(kinds),
                    city=city,
                    country=country,
                    is_member=number <= 20,
                    is_founding_member=number <= FOUNDING_ORGANISATIONS,
                )
            )
        return result


class Command(BaseCommand):
    help = (
        "Benchmark the public pages. For each size, wipe every project and organisation, seed that many "
        "synthetic published projects around the world (fixed random seed, some with approximate locations) "
        "and print the median and 95th-percentile time, the bytes and the number of SQL queries of map.json "
        "(world and city views), the project list (with and without a search), a project page and the home "
        "page. Timings are in-process (django.test.Client), without any network. Run it with `make bench`: it "
        "only runs on a database whose name ends with _bench, because it deletes data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--sizes",
            default=DEFAULT_SIZES,
            help=f"Numbers of projects to seed and measure in turn, comma-separated (default {DEFAULT_SIZES}).",
        )
        parser.add_argument(
            "--requests",
            type=int,
            # The 95th percentile of 30 requests is their second slowest: one hiccup of a shared
            # machine moves it. Of 100, it is the fifth slowest.
            default=100,
            help=f"Timed requests per URL, after {WARM_UP_REQUESTS} warm-up requests (default 100).",
        )
        parser.add_argument("--seed", type=int, default=2014, help="Random seed of the synthetic data (default 2014).")
        parser.add_argument(
            "--seed-only",
            action="store_true",
            help="Seed the (single) size given and measure nothing: the load test's directory.",
        )

    def handle(self, *args, **options):
        database = connection.settings_dict["NAME"]
        if not str(database).endswith("_bench"):
            raise CommandError(
                f"Refusing to run on the database {database!r}: the benchmark deletes every project and "
                "organisation, so it only runs on a database whose name ends with _bench. Use `make bench`, "
                "which sets DATABASE_URL=postgis://habitat:habitat@127.0.0.1:5432/habitat_bench."
            )
        sizes = parse_sizes(options["sizes"])
        # WhiteNoise warns that static files are not collected; only production collects them.
        warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)
        if options["requests"] < 1:
            raise CommandError("--requests must be 1 or more.")

        if options["seed_only"]:
            if len(sizes) != 1:
                raise CommandError("--seed-only takes one size.")
            seeding = self.seed(sizes[0], options["seed"])
            self.stdout.write(f"Seeded {sizes[0]:,} projects in {seeding['total']:.0f} s.")
            return
        directories = [self.directory(size, database, largest=size == max(sizes)) for size in sizes]
        self.print_machine(directories)
        seedings = {}
        for directory in directories:
            self.use(directory)
            self.stdout.write(f"Seeding {directory.size:,} projects into {directory.database}")
            seedings[directory.size] = self.seed(directory.size, options["seed"])
        results = self.measure(directories, seedings, options["requests"])
        if len(sizes) > 1:
            self.print_side_by_side(results)

    # --- One database per size, measured in turn request by request -------------------

    def directory(self, size, database, *, largest):
        """The database of one size: the one given for the largest, ``<name>_<size>_bench``
        beside it for the others (created and migrated here), and a pages cache of its own.

        Each size keeps its own database so that the sizes can be timed in turn, one request
        each, while the machine's speed drifts: a shared machine moves by half within an hour,
        which a run that measured one size and then the other read as growth."""
        name = database if largest else f"{database.removesuffix('_bench')}_{size}_bench"
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{name}"')
        settings_dict = {**connection.settings_dict, "NAME": name}
        database_connection = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
        # What the pages remember of the directory (the countries of the filters) is per size.
        pages = caches.create_connection("pages")
        pages.key_prefix = f"{pages.key_prefix}:bench-{size}"
        directory = Directory(size, name, database_connection, pages)
        if not largest:
            self.use(directory)
            call_command("migrate", interactive=False, verbosity=0)
            call_command("createcachetable", verbosity=0)
        return directory

    @staticmethod
    def use(directory):
        """Make ``directory`` the one that requests read, until another is used."""
        connections[DEFAULT_DB_ALIAS] = directory.connection
        caches["pages"] = directory.pages

    def print_side_by_side(self, results):
        """Each request's median and p95 at every size, how many times slower the largest is
        than the smallest (p95), and its queries: what grows with the directory stands out."""
        sizes = list(results)
        labels = [label for label in results[sizes[0]] if all(label in results[size] for size in sizes)]
        width = max(len(label) for label in labels)
        self.stdout.write("")
        self.stdout.write("Side by side (ms; queries per request)")
        columns = "".join(f"  {f'median {size:,}':>16}  {f'p95 {size:,}':>13}" for size in sizes)
        queries = "".join(f"  {f'q {size:,}':>9}" for size in sizes)
        self.stdout.write(f"  {'request':<{width}}{columns}  {'p95 ratio':>9}{queries}")
        for label in labels:
            rows = [results[size][label] for size in sizes]
            cells = "".join(f"  {row[0]:>16.1f}  {row[1]:>13.1f}" for row in rows)
            counts = "".join(f"  {row[3]:>9}" for row in rows)
            self.stdout.write(f"  {label:<{width}}{cells}  {rows[-1][1] / rows[0][1]:>8.1f}x{counts}")

    # --- The machine ---------------------------------------------------------------------

    def print_machine(self, directories):
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            postgres = cursor.fetchone()[0]
            cursor.execute("SELECT postgis_lib_version()")
            postgis = cursor.fetchone()[0]
            cursor.execute("SHOW shared_buffers")
            shared_buffers = cursor.fetchone()[0]
            cursor.execute("SHOW work_mem")
            work_mem = cursor.fetchone()[0]
        cpu = ""
        try:
            with open("/proc/cpuinfo", encoding="utf-8") as f:
                cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
        except OSError:
            pass
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        self.stdout.write(f"Benchmark of the public pages, {now}")
        self.stdout.write(f"  machine:    {cores} cores (nproc) {cpu}, load average {os.getloadavg()[0]:.2f}")
        self.stdout.write(
            f"  software:   Python {platform.python_version()}, Django {django.get_version()}, "
            f"PostgreSQL {postgres} (shared_buffers {shared_buffers}, work_mem {work_mem}), PostGIS {postgis}"
        )
        databases = ", ".join(f"{directory.database} ({directory.size:,} projects)" for directory in directories)
        self.stdout.write(f"  databases:  {databases}")
        self.stdout.write(
            "  method:     in-process django.test.Client, no network, DEBUG off while timing; "
            f"{WARM_UP_REQUESTS} warm-up requests per URL, then the timed ones, each size in turn request by "
            "request; queries counted on one more request"
        )

    # --- Seeding -------------------------------------------------------------------------

    def seed(self, size, seed):
        """Load ``size`` synthetic projects the fast way: rows by COPY with their search
        vectors computed in the same pass, the indexes built once all rows are in, the
        map's and organisations' counts made at the end rather than by triggers per row."""
        started = time.perf_counter()
        synthesiser = Synthesiser(seed)
        now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
        project_table = Project._meta.db_table
        with transaction.atomic(), connection.cursor() as cursor:
            # The map's counts too: rebuilt at the end, not deleted row by row.
            tables = f"{project_table}, {Organisation._meta.db_table}, {MapCell._meta.db_table}"
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
            organisations = Organisation.objects.bulk_create(synthesiser.organisations())
            cursor.execute(f"ALTER TABLE {project_table} DISABLE TRIGGER USER")
            with indexes_built_after(cursor, project_table):
                self.copy_projects(cursor, (synthesiser.project(number, now) for number in range(size)))
                # The deferred foreign-key checks of the rows first: ALTER TABLE waits for none.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"ALTER TABLE {project_table} ENABLE TRIGGER USER")
                cursor.execute(f"SELECT id FROM {project_table} ORDER BY id")
                project_ids = [row[0] for row in cursor.fetchall()]
                if len(project_ids) != size:
                    raise CommandError(f"Seeded {len(project_ids)} projects instead of {size}.")
                actors = []
                for project_id in project_ids:
                    # Seven projects in ten name no organisation, the others one or two.
                    count = synthesiser.rng.choices((0, 1, 2), weights=(7, 2, 1))[0]
                    for order, organisation in enumerate(synthesiser.rng.sample(organisations, count)):
                        role = synthesiser.rng.choice(ProjectActor.Role.values)
                        actors.append((project_id, organisation.pk, role, order))
                # The organisations' counts too are made once at the end (recount_organisations).
                cursor.execute(f"ALTER TABLE {ProjectActor._meta.db_table} DISABLE TRIGGER USER")
                with cursor.copy(
                    f'COPY {ProjectActor._meta.db_table} (project_id, organisation_id, role, "order") FROM STDIN'
                ) as copy:
                    for actor in actors:
                        copy.write_row(actor)
                cursor.execute(f"ALTER TABLE {ProjectActor._meta.db_table} ENABLE TRIGGER USER")
                rows = time.perf_counter() - started
        index_time = time.perf_counter() - started - rows
        with transaction.atomic(), connection.cursor() as cursor:
            # Statistics first: without them, the counts below are planned for an empty table.
            cursor.execute(f"ANALYZE {project_table}, {ProjectActor._meta.db_table}")
            with indexes_built_after(cursor, MapCell._meta.db_table):
                MapCell.objects.rebuild()
            Project.objects.recount_organisations()
        map_counts = time.perf_counter() - started - rows - index_time
        with connection.cursor() as cursor:
            # What autovacuum does on a live site: mark the pages all-visible (index-only
            # scans need it) and refresh the statistics.
            for table in (
                project_table,
                ProjectActor._meta.db_table,
                Organisation._meta.db_table,
                MapCell._meta.db_table,
            ):
                cursor.execute(f"VACUUM ANALYZE {table}")
        # COPY and TRUNCATE send no signal: what the pages remember of the last directory of
        # this database (the countries of the filters) is forgotten here.
        page_cache.directory_changed()
        total = time.perf_counter() - started
        densest = max(synthesiser.city_counts, key=synthesiser.city_counts.get)
        return {
            "rows": rows,
            "indexes": index_time,
            "map_counts": map_counts,
            "vacuum": total - rows - index_time - map_counts,
            "total": total,
            "city": synthesiser.cities[densest],
        }

    def copy_projects(self, cursor, rows):
        """Load project rows with COPY: much faster than bulk_create for 100,000 rows.

        COPY fills a temporary table of the same columns, from which one INSERT computes each
        row's search vector as Project.save() would (``search_vector()``): the table is
        written once, with no UPDATE of every row after. Every column the rows leave out
        gets its field's default, as Project() would give.
        """
        table = Project._meta.db_table
        fields = [
            field for field in Project._meta.concrete_fields if not field.primary_key and field.name != "search_vector"
        ]
        defaults = {field.attname: field.get_db_prep_save(field.get_default(), connection) for field in fields}
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        cursor.execute(f"CREATE TEMPORARY TABLE bench_rows ON COMMIT DROP AS SELECT {columns} FROM {table} LIMIT 0")
        with cursor.copy(f"COPY bench_rows ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row.get(field.attname, defaults[field.attname]) for field in fields])
        # The vector's SQL names the project table's columns: the rows are read under its name.
        query = Project.objects.all().query
        vector, params = query.get_compiler(connection=connection).compile(search_vector().resolve_expression(query))
        cursor.execute(
            f"INSERT INTO {table} ({columns}, search_vector) SELECT {columns}, {vector} FROM bench_rows AS {table}",
            params,
        )

    # --- Measuring -----------------------------------------------------------------------

    def urls(self, seeding):
        name, _country, lat, lon = seeding["city"]
        h = CITY_HALF_SIZE_DEGREES
        city_bbox = f"{lon - h:.4f},{lat - h:.4f},{lon + h:.4f},{lat + h:.4f}"
        # A project in the middle of the directory, with an organisation if any has one.
        public = Project.objects.public().order_by("pk")
        middle = public.count() // 2
        project = public.filter(pk__gte=public[middle].pk, actors__isnull=False).first() or public[middle]
        country_bbox = f"{lon - 10:.4f},{lat - 6:.4f},{lon + 10:.4f},{lat + 6:.4f}"

        def map_json(bbox, zoom, **filters):
            return "/projects/map.json?" + urlencode({"bbox": bbox, "zoom": zoom, **filters}, safe=",")

        def charts(bbox, zoom, **filters):
            return map_json(bbox, zoom, **filters).replace("/map.json?", "/map-charts.json?")

        facets = {"stage": Stage.INHABITED, "housing_model": HousingModel.COOPERATIVE}
        return [
            ("map.json world, zoom 2", map_json("-180,-85,180,85", 2)),
            ("map.json world, stage", map_json("-180,-85,180,85", 2, stage=Stage.INHABITED)),
            ("map.json world, housing model", map_json("-180,-85,180,85", 2, housing_model=HousingModel.COOPERATIVE)),
            ("map.json country, zoom 6", map_json(country_bbox, 6)),
            ("map.json country, 2 facets", map_json(country_bbox, 6, **facets)),
            (f"map.json {name}, zoom {CITY_ZOOM}", map_json(city_bbox, CITY_ZOOM)),
            (f"map.json {name}, 2 facets", map_json(city_bbox, CITY_ZOOM, **facets)),
            (f"map.json world, search {SEARCH_WORD!r}", map_json("-180,-85,180,85", 2, q=SEARCH_WORD)),
            (f"map.json {name}, search {SEARCH_WORD!r}", map_json(city_bbox, CITY_ZOOM, q=SEARCH_WORD)),
            # The charts beside the list's map: the same parameters, asked after the markers.
            ("charts world, zoom 2", charts("-180,-85,180,85", 2)),
            ("charts country, 2 facets", charts(country_bbox, 6, **facets)),
            (f"charts {name}, search {SEARCH_WORD!r}", charts(city_bbox, CITY_ZOOM, q=SEARCH_WORD)),
            ("list", "/en/projects/"),
            ("list, page 50", "/en/projects/?page=50"),
            ("list, 2 facets", "/en/projects/?" + urlencode(facets)),
            (f"list, search {SEARCH_WORD!r}", f"/en/projects/?q={SEARCH_WORD}"),
            (f"list, search {ACCENTED_SEARCH_WORD!r}", "/en/projects/?" + urlencode({"q": ACCENTED_SEARCH_WORD})),
            ("list, search and facets", "/en/projects/?" + urlencode({"q": SEARCH_WORD, **facets})),
            ("project page", project.get_absolute_url()),
            ("home", "/en/"),
            ("organisations", "/en/organisations/"),
            ("feed, 2 facets", "/en/projects/feed.atom?" + urlencode(facets)),
            ("subscription page, 2 facets", "/en/subscriptions/?" + urlencode(facets)),
            ("API projects, 2 facets", "/api/v1/projects/?" + urlencode({**facets, "limit": 50})),
            ("export CSV, first bytes", "/projects/export.csv"),
            ("export GeoJSON, first bytes", "/projects/export.geojson"),
        ]

    @staticmethod
    def first_bytes(response):
        """The body, or for a streamed export its first chunk: an export of a million projects
        is timed to its first bytes (measure_exports() reads the whole of it once)."""
        if not response.streaming:
            return response.content
        chunks = iter(response.streaming_content)
        first = next(chunks, b"")
        response.close()
        return first

    def measure_exports(self, client):
        """Each export read whole, once: how long, how big, and how much the process grew."""
        lines = []
        for label, url in [("CSV", "/projects/export.csv"), ("GeoJSON", "/projects/export.geojson")]:
            before = resident_megabytes()
            peak, size_bytes = before, 0
            started = time.perf_counter()
            response = client.get(url)
            for number, chunk in enumerate(response.streaming_content):
                size_bytes += len(chunk)
                if number % 5000 == 0:
                    peak = max(peak, resident_megabytes())
            seconds = time.perf_counter() - started
            peak = max(peak, resident_megabytes())
            lines.append(
                f"  export {label}, whole: {seconds:.1f} s, {size_bytes / 1e6:,.1f} MB, "
                f"process grew by {peak - before:.0f} MB (resident {before:.0f} MB before)"
            )
        return lines

    def measure_digest(self, requests):
        """What one e-mail subscription's digest takes to compute (subscriptions.digests: the
        projects of two facets among the last DIGEST_PUBLICATIONS published, and the meetings
        announced meanwhile), its median over ``requests`` runs; no message is sent."""
        query = urlencode({"stage": Stage.INHABITED, "housing_model": HousingModel.COOPERATIVE})
        subscription = Subscription(email="bench@example.org", query=query, language="en")
        now = timezone.now()
        newest = Project.objects.public().newest_first().values_list("published_at", flat=True)
        since = list(newest[:DIGEST_PUBLICATIONS])[-1] - timedelta(microseconds=1)
        times = []
        for _ in range(WARM_UP_REQUESTS + requests):
            started = time.perf_counter()
            news = digests.news_between(subscription, since, now)
            listed = list(news.projects[: digests.LISTED_AT_MOST])
            count = news.projects.count() if len(listed) == digests.LISTED_AT_MOST else len(listed)
            list(news.meetings[: digests.LISTED_AT_MOST])
            times.append((time.perf_counter() - started) * 1000)
        median = statistics.median(times[WARM_UP_REQUESTS:])
        return [
            f"  a digest of 2 facets over the last {DIGEST_PUBLICATIONS:,} publications "
            f"({count:,} matching): {median:.1f} ms median"
        ]

    def sql_alone(self, statements, requests):
        """The p95 (ms) of a request's SQL statements run directly with psql, as many times as
        the request was timed after as many warm-up runs: what the database alone takes."""
        rounds = WARM_UP_REQUESTS + requests
        script = "\\timing on\n" + "\n".join(f"{sql};" for _ in range(rounds) for sql in statements)
        db = connection.settings_dict
        output = subprocess.run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", db["HOST"], "-p", str(db["PORT"] or 5432)]
            + ["-U", db["USER"], "-d", db["NAME"], "-o", "/dev/null"],
            input=script,
            env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        times = [float(ms) for ms in re.findall(r"^Time: ([0-9.]+) ms", output, re.MULTILINE)]
        if len(times) != rounds * len(statements):
            raise CommandError(f"psql timed {len(times)} statements instead of {rounds * len(statements)}.")
        per_request = [sum(times[n : n + len(statements)]) for n in range(0, len(times), len(statements))]
        return percentile(sorted(per_request[WARM_UP_REQUESTS:]), 0.95)

    def measure(self, directories, seedings, requests):
        """Time every URL at every size, the sizes in turn request by request, then print
        each size's figures; ``{size: {label: (median, p95, bytes, queries)}}``."""
        # A failing page answers 500 (its traceback is logged) and stops the run below.
        client = Client(HTTP_HOST="127.0.0.1", raise_request_exception=False)
        urls = {}
        for directory in directories:
            self.use(directory)
            urls[directory.size] = dict(self.urls(seedings[directory.size]))
        labels = list(urls[directories[0].size])
        timings = {directory.size: {label: [] for label in labels} for directory in directories}
        measured = {directory.size: {"rows": [], "views": [], "overheads": []} for directory in directories}
        # Exports are limited per address for visitors; the benchmark is one address asking often.
        with override_settings(DEBUG=False, EXPORTS_PER_HOUR=10**6):
            for label in labels:
                for directory in directories:
                    self.use(directory)
                    for _ in range(WARM_UP_REQUESTS):
                        self.timed_request(client, urls[directory.size][label])
                for _ in range(requests):
                    for directory in directories:
                        self.use(directory)
                        milliseconds = self.timed_request(client, urls[directory.size][label])
                        timings[directory.size][label].append(milliseconds)
                for directory in directories:
                    self.use(directory)
                    self.count_and_compare(
                        client,
                        label,
                        urls[directory.size][label],
                        timings[directory.size][label],
                        measured[directory.size],
                        requests,
                    )
            for directory in directories:
                self.use(directory)
                measured[directory.size]["exports"] = self.measure_exports(client) + self.measure_digest(requests)
        results = {}
        for directory in directories:
            self.use(directory)
            results[directory.size] = self.report(
                directory.size, seedings[directory.size], urls[directory.size], measured[directory.size], requests
            )
        return results

    def timed_request(self, client, url):
        started = time.perf_counter()
        response = client.get(url)
        self.first_bytes(response)
        milliseconds = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}, not 200: nothing more was measured.")
        return milliseconds

    def count_and_compare(self, client, label, url, timings, measured, requests):
        """The queries of one more request of ``url``; for map.json, its features and the p95
        of its SQL run directly with psql."""
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
            first = self.first_bytes(response)
        if url.startswith("/projects/map.json"):
            data = response.json()
            measured["views"].append(
                f"{label} answers {len(data['features'])} features for {data['in_view']:,} projects in view "
                f"({len(first) / 1000:,.1f} KB, {len(gzip.compress(first)) / 1000:,.1f} KB compressed)"
            )
            statements = [query["sql"] for query in queries.captured_queries]
            measured["overheads"].append(
                (label, percentile(sorted(timings), 0.95), self.sql_alone(statements, requests))
            )
        ordered = sorted(timings)
        measured["rows"].append(
            (label, statistics.median(ordered), percentile(ordered, 0.95), len(first), len(queries))
        )

    def report(self, size, seeding, urls, measured, requests):
        results, views, overheads = measured["rows"], measured["views"], measured["overheads"]
        self.stdout.write("")
        self.stdout.write(f"N = {size:,} published projects")
        self.stdout.write(
            f"  seeded in {seeding['total']:.1f} s: rows and search vectors {seeding['rows']:.1f} s, indexes "
            f"{seeding['indexes']:.1f} s, map and organisation counts {seeding['map_counts']:.1f} s, "
            f"VACUUM {seeding['vacuum']:.1f} s"
        )
        matches = Project.objects.public().search(SEARCH_WORD).count()
        for view in views:
            self.stdout.write(f"  {view}")
        self.stdout.write(f"  search {SEARCH_WORD!r} matches {matches:,} projects")
        self.stdout.write(f"  {requests} timed requests per URL; load average after timing {os.getloadavg()[0]:.2f}")
        width = max(len(row[0]) for row in results)
        self.stdout.write("")
        self.stdout.write(f"  {'request':<{width}}  {'median ms':>9}  {'p95 ms':>8}  {'bytes':>9}  {'queries':>7}")
        self.stdout.write(f"  {'-' * width}  {'-' * 9}  {'-' * 8}  {'-' * 9}  {'-' * 7}")
        for label, median, p95, size_bytes, query_count in results:
            self.stdout.write(f"  {label:<{width}}  {median:>9.1f}  {p95:>8.1f}  {size_bytes:>9,}  {query_count:>7}")
        self.stdout.write("")
        self.stdout.write("  What Django adds to map.json: its p95, and the p95 of the same SQL run directly with psql")
        for label, p95, sql_p95 in overheads:
            self.stdout.write(
                f"  {label:<{width}}  {p95:>6.1f} ms; SQL alone {sql_p95:>6.1f} ms; Django {p95 - sql_p95:>5.1f} ms"
            )
        self.stdout.write("")
        for line in measured["exports"]:
            self.stdout.write(line)
        self.stdout.write("")
        for label, url in urls.items():
            self.stdout.write(f"  {label:<{width}}  {url}")
        return {label: (median, p95, size_bytes, queries) for label, median, p95, size_bytes, queries in results}


class Directory(NamedTuple):
    """One size of directory being measured: its database, its connection, its pages cache."""

    size: int
    database: str
    connection: object
    pages: object
