"""What a column of a network's file can be: our fields (``TARGETS``), and the guess of each
column's field from its header, in English, French or Spanish, whatever its case, accents or
punctuation ("Nom du projet", "país", "LATITUDE").

Required: the name and the country. The country is required of every project, and we cannot
tell it from a point (the database holds no borders); a point alone is not enough. Latitude
and longitude go together. Without them a project is imported without a place on the map,
which only a draft may be.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from habitat.places import normalise


@dataclass(frozen=True)
class Target:
    """One of our fields that a column can fill: its key, its label, the headers that name it."""

    key: str
    label: str
    headers: tuple = ()
    required: bool = False


TARGETS = [
    Target(
        "name",
        _("name"),
        (
            "name",
            "project",
            "project name",
            "nom",
            "nom du projet",
            "projet",
            "nombre",
            "nombre del proyecto",
            "proyecto",
            "title",
            "titre",
            "titulo",
        ),
        required=True,
    ),
    Target(
        "country",
        _("country (name or two-letter code)"),
        ("country", "country code", "country iso2", "iso2", "pays", "code pays", "pais", "codigo pais"),
        required=True,
    ),
    Target("summary", _("summary"), ("summary", "short description", "resume", "resumen", "abstract")),
    Target("description", _("description"), ("description", "descripcion", "details", "texte", "texto")),
    Target("city", _("city"), ("city", "town", "ville", "commune", "ciudad", "localidad", "municipio")),
    Target("address", _("address"), ("address", "adresse", "direccion", "street", "rue", "calle")),
    Target("latitude", _("latitude"), ("latitude", "lat", "latitud", "y", "geometry latitude")),
    Target("longitude", _("longitude"), ("longitude", "lon", "lng", "long", "longitud", "x", "geometry longitude")),
    Target(
        "location_precision",
        _("public location (exact or approximate)"),
        ("location precision", "precision", "public location", "localisation publique", "ubicacion publica"),
    ),
    Target(
        "housing_models",
        _("housing models"),
        (
            "housing model",
            "housing models",
            "model",
            "type",
            "modele",
            "modele d habitat",
            "type d habitat",
            "modelo",
            "modelo de vivienda",
            "tipo",
        ),
    ),
    Target("stage", _("stage"), ("stage", "etape", "stade", "avancement", "etapa", "fase")),
    Target("tenure", _("tenure"), ("tenure", "regime", "statut foncier", "tenencia", "regimen de tenencia")),
    Target(
        "dwellings",
        _("dwellings"),
        (
            "dwellings",
            "homes",
            "households",
            "units",
            "housing units",
            "logements",
            "nombre de logements",
            "menages",
            "viviendas",
            "hogares",
        ),
    ),
    Target("inhabitants", _("inhabitants"), ("inhabitants", "residents", "habitants", "habitantes")),
    Target(
        "start_year",
        _("start year"),
        ("start year", "started", "year started", "annee de debut", "debut", "ano de inicio", "inicio"),
    ),
    Target(
        "completion_year",
        _("completion year"),
        ("completion year", "completed", "year completed", "annee de fin", "livraison", "ano de finalizacion"),
    ),
    Target(
        "priority_neighbourhood",
        _("in a priority neighbourhood (yes or no)"),
        ("priority neighbourhood", "priority neighborhood", "qpv", "quartier prioritaire", "barrio prioritario"),
    ),
    Target(
        "website",
        _("website"),
        ("website", "web", "url", "site", "site web", "site internet", "sitio web", "pagina web"),
    ),
    Target("source_url", _("source"), ("source", "source url", "fuente")),
    Target("contact_email", _("contact e-mail"), ("email", "e mail", "contact email", "courriel", "correo")),
    Target(
        "external_id",
        _("external id (the network's own identifier)"),
        ("id", "external id", "identifier", "identifiant", "identificador", "ref", "reference", "code"),
    ),
]
TARGETS_BY_KEY = {target.key: target for target in TARGETS}
REQUIRED = [target.key for target in TARGETS if target.required]
_BY_HEADER = {header: target.key for target in TARGETS for header in target.headers}


def guess(headers):
    """``{header: target key}`` for the headers we recognise, each field for the first column
    that names it; the others are left out (ignored unless staff choose otherwise)."""
    mapping, taken = {}, set()
    for header in headers:
        key = _BY_HEADER.get(normalise(header))
        if key and key not in taken:
            mapping[header] = key
            taken.add(key)
    return mapping


def label_of(key):
    return TARGETS_BY_KEY[key].label
