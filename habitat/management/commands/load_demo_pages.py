from django.core.management.base import BaseCommand
from django.db import transaction

from habitat.models import Page

# The six networks that urbaMonde gathered at the SPH Forum of World Habitat Day 2014 in
# Geneva, as the platform's own page lists them (slugs of load_demo's organisations).
FOUNDING = [
    ("sdi", "Shack/Slum Dwellers International"),
    ("achr", "Asian Coalition for Housing Rights"),
    ("chi", "Co-operative Housing International"),
    ("hic", "Habitat International Coalition"),
    ("gsn", "Grounded Solutions Network"),
    ("bshf", "World Habitat (Building and Social Housing Foundation)"),
]


def founding_list(code):
    items = "".join(f'<li><a href="/{code}/organisations/{slug}/">{name}</a></li>' for slug, name in FOUNDING)
    return f"<ul>{items}</ul>"


# Written from the platform's own texts (the seeds) and the demo data; no other facts.
PAGES = [
    {
        "slug": "platform",
        "order": 1,
        "show_in_navigation": True,
        "title": {"en": "The platform", "fr": "La plateforme", "es": "La plataforma"},
        "body": {
            "en": (
                "<p>Social production of habitat is the process by which communities plan, build and manage their "
                "urban environment: housing, local infrastructure and common spaces. It is generally carried out "
                "with technical support actors and requires relationships, conflictual or consensual, with public "
                "authorities.</p>"
                "<p>The Social Production of Habitat platform is a collaborative initiative, open to any actor working "
                "on community-driven habitat solutions who shares the vision of <strong>cities by and for their "
                "inhabitants</strong>. It seeks to:</p>"
                "<ul><li>create active solidarity links between inhabitant groups;</li>"
                "<li>make concrete exchanges between communities easier, in regional HUB meetings and online;</li>"
                "<li>make public policies and public support for community-driven urban development more "
                "visible.</li></ul>"
                '<p>Browse the <a href="/en/projects/">directory of projects</a> and the '
                '<a href="/en/programmes/">programmes that support them</a>.</p>'
            ),
            "fr": (
                "<p>La production sociale de l'habitat est le processus par lequel des communautés planifient, "
                "construisent et gèrent leur environnement urbain : logements, infrastructures locales et espaces "
                "communs. Elle se fait en général avec des acteurs d'appui technique et demande d'établir des "
                "relations, conflictuelles ou consensuelles, avec les pouvoirs publics.</p>"
                "<p>La plateforme de la production sociale de l'habitat est une initiative collaborative, ouverte à "
                "tout acteur qui travaille sur des solutions d'habitat portées par les communautés et partage la "
                "vision de <strong>villes faites par et pour leurs habitant·es</strong>. Elle cherche à :</p>"
                "<ul><li>créer des liens de solidarité active entre groupes d'habitant·es ;</li>"
                "<li>faciliter des échanges concrets entre communautés, dans les rencontres régionales (HUB) et en "
                "ligne ;</li>"
                "<li>rendre plus visibles les politiques et les soutiens publics au développement urbain porté par "
                "les communautés.</li></ul>"
                '<p>Parcourez l\'<a href="/fr/projects/">annuaire des projets</a> et les '
                '<a href="/fr/programmes/">programmes qui les soutiennent</a>.</p>'
            ),
            "es": (
                "<p>La producción social del hábitat es el proceso por el cual las comunidades planifican, construyen "
                "y gestionan su entorno urbano: viviendas, infraestructura local y espacios comunes. Suele llevarse a "
                "cabo con actores de apoyo técnico y exige establecer relaciones, conflictivas o de consenso, con las "
                "autoridades públicas.</p>"
                "<p>La plataforma de la producción social del hábitat es una iniciativa colaborativa, abierta a todo "
                "actor que trabaje en soluciones de hábitat impulsadas por las comunidades y comparta la visión de "
                "<strong>ciudades hechas por y para sus habitantes</strong>. Busca:</p>"
                "<ul><li>crear lazos de solidaridad activa entre grupos de habitantes;</li>"
                "<li>facilitar intercambios concretos entre comunidades, en los encuentros regionales (HUB) y en "
                "línea;</li>"
                "<li>dar más visibilidad a las políticas y los apoyos públicos al desarrollo urbano impulsado por las "
                "comunidades.</li></ul>"
                '<p>Recorra el <a href="/es/projects/">directorio de proyectos</a> y los '
                '<a href="/es/programmes/">programas que los apoyan</a>.</p>'
            ),
        },
    },
    {
        "slug": "history",
        "order": 2,
        "title": {"en": "Our history", "fr": "Notre histoire", "es": "Nuestra historia"},
        "body": {
            "en": (
                "<p>The idea of a common platform for the actors of the social production of habitat, connecting "
                "inhabitant groups in the North and the South, emerged on World Habitat Day 2014 in Geneva.</p>"
                "<p>There urbaMonde organised the <strong>Social Production of Habitat Forum</strong>, which gathered "
                "major networks of inhabitants and grassroots organisations:</p>"
                + founding_list("en")
                + "<p>From that forum came the platform: its regional HUB meetings, its awards and this directory "
                "of community-led housing projects.</p>"
            ),
            "fr": (
                "<p>L'idée d'une plateforme commune aux acteurs de la production sociale de l'habitat, reliant des "
                "groupes d'habitant·es du Nord et du Sud, est née lors de la Journée mondiale de l'habitat 2014 à "
                "Genève.</p>"
                "<p>urbaMonde y organisait le <strong>Forum de la production sociale de l'habitat</strong>, qui "
                "réunissait de grands réseaux d'habitant·es et d'organisations de base :</p>"
                + founding_list("fr")
                + "<p>De ce forum est née la plateforme : ses rencontres régionales (HUB), ses prix et cet annuaire "
                "de projets d'habitat portés par les habitant·es.</p>"
            ),
            "es": (
                "<p>La idea de una plataforma común a los actores de la producción social del hábitat, que conecte "
                "grupos de habitantes del Norte y del Sur, surgió en el Día Mundial del Hábitat 2014 en Ginebra.</p>"
                "<p>Allí urbaMonde organizó el <strong>Foro de la producción social del hábitat</strong>, que reunió "
                "a grandes redes de habitantes y organizaciones de base:</p>"
                + founding_list("es")
                + "<p>De ese foro nació la plataforma: sus encuentros regionales (HUB), sus premios y este directorio "
                "de proyectos de vivienda impulsados por sus habitantes.</p>"
            ),
        },
    },
    {
        "slug": "six-organisations-one-voice",
        "order": 3,
        "title": {
            "en": "Six organisations, one voice",
            "fr": "Six organisations, une seule voix",
            "es": "Seis organizaciones, una sola voz",
        },
        "body": {
            "en": (
                "<p>Six international networks of inhabitants and grassroots organisations met at the Social "
                "Production of Habitat Forum in Geneva in 2014, convened by urbaMonde, and carry the platform "
                "together:</p>" + founding_list("en") + '<p>See <a href="/en/organisations/">all the organisations</a> '
                "of the directory.</p>"
            ),
            "fr": (
                "<p>Six réseaux internationaux d'habitant·es et d'organisations de base se sont retrouvés au Forum de "
                "la production sociale de l'habitat à Genève en 2014, à l'invitation d'urbaMonde, et portent "
                "ensemble la plateforme :</p>" + founding_list("fr") + '<p>Voir <a href="/fr/organisations/">toutes '
                "les organisations</a> de l'annuaire.</p>"
            ),
            "es": (
                "<p>Seis redes internacionales de habitantes y organizaciones de base se reunieron en el Foro de la "
                "producción social del hábitat en Ginebra en 2014, convocado por urbaMonde, y llevan juntas la "
                "plataforma:</p>" + founding_list("es") + '<p>Vea <a href="/es/organisations/">todas las '
                "organizaciones</a> del directorio.</p>"
            ),
        },
    },
    {
        "slug": "join",
        "order": 4,
        "title": {"en": "Join the platform", "fr": "Rejoindre la plateforme", "es": "Unirse a la plataforma"},
        "body": {
            "en": (
                "<p>The platform is open to any actor working on community-driven habitat solutions and sharing the "
                "vision of cities by and for their inhabitants: inhabitant groups, networks, NGOs, technical support "
                "organisations, foundations, public authorities and researchers.</p>"
                "<ul><li>Inhabitant groups: "
                '<a href="/en/accounts/signup/">create an account</a> and list your project, so that other groups '
                "can find you.</li>"
                "<li>Organisations: the groups you work with name you when they list their project; staff check an "
                "organisation named for the first time.</li>"
                "<li>Everyone: take part in the regional HUB meetings and the annual conference.</li></ul>"
            ),
            "fr": (
                "<p>La plateforme est ouverte à tout acteur qui travaille sur des solutions d'habitat portées par les "
                "communautés et partage la vision de villes faites par et pour leurs habitant·es : groupes "
                "d'habitant·es, réseaux, ONG, structures d'appui technique, fondations, pouvoirs publics, "
                "chercheur·es.</p>"
                "<ul><li>Groupes d'habitant·es : "
                '<a href="/fr/accounts/signup/">créez un compte</a> et inscrivez votre projet, pour que d\'autres '
                "groupes vous trouvent.</li>"
                "<li>Organisations : les groupes avec qui vous travaillez vous nomment en inscrivant leur projet ; "
                "l'équipe vérifie toute organisation nommée pour la première fois.</li>"
                "<li>Tout le monde : participez aux rencontres régionales (HUB) et à la conférence annuelle.</li></ul>"
            ),
            "es": (
                "<p>La plataforma está abierta a todo actor que trabaje en soluciones de hábitat impulsadas por las "
                "comunidades y comparta la visión de ciudades hechas por y para sus habitantes: grupos de habitantes, "
                "redes, ONG, organizaciones de apoyo técnico, fundaciones, autoridades públicas e investigadores.</p>"
                "<ul><li>Grupos de habitantes: "
                '<a href="/es/accounts/signup/">cree una cuenta</a> e inscriba su proyecto, para que otros grupos '
                "los encuentren.</li>"
                "<li>Organizaciones: los grupos con los que trabaja lo nombran al inscribir su proyecto; el equipo "
                "revisa toda organización nombrada por primera vez.</li>"
                "<li>Todos: participen en los encuentros regionales (HUB) y en la conferencia anual.</li></ul>"
            ),
        },
    },
    {
        "slug": "list-a-project",
        "order": 5,
        "show_in_navigation": True,
        "title": {"en": "List a project", "fr": "Inscrire un projet", "es": "Inscribir un proyecto"},
        "body": {
            "en": (
                "<p>Any group that plans, builds or manages its housing together can list its project, at any stage "
                "from the idea to the inhabited homes. This page is the guide.</p>"
                "<ol><li>Sign in, or create an account.</li>"
                '<li><a href="/en/projects/new/">Start a new project</a>: its name, a short summary, where it is and '
                "its stage. The draft is saved as you go and only you and your co-editors see it.</li>"
                "<li>If the group could be harmed by being found, choose an approximate location: public pages then "
                "show only a point rounded to about 1 km, never the address.</li>"
                "<li>Add photos, documents and the organisations that work with you, then submit the project for "
                "review.</li>"
                "<li>A moderator publishes it, or sends it back with a message saying what to change. Nothing you "
                "typed is lost.</li></ol>"
            ),
            "fr": (
                "<p>Tout groupe qui conçoit, construit ou gère ensemble son logement peut inscrire son projet, à "
                "n'importe quelle étape, de l'idée aux logements habités. Cette page en est le guide.</p>"
                "<ol><li>Connectez-vous, ou créez un compte.</li>"
                '<li><a href="/fr/projects/new/">Commencez un nouveau projet</a> : son nom, un court résumé, où il se '
                "trouve et son étape. Le brouillon est enregistré au fur et à mesure, et vous seul·es (avec vos "
                "co-éditeur·rices) le voyez.</li>"
                "<li>Si le groupe pouvait pâtir d'être trouvé, choisissez une localisation approximative : les pages "
                "publiques ne montrent alors qu'un point arrondi à environ 1 km, jamais l'adresse.</li>"
                "<li>Ajoutez des photos, des documents et les organisations qui travaillent avec vous, puis "
                "soumettez le projet à la relecture.</li>"
                "<li>Une personne de la modération le publie, ou vous le renvoie avec un message qui dit quoi "
                "changer. Rien de ce que vous avez saisi n'est perdu.</li></ol>"
            ),
            "es": (
                "<p>Todo grupo que diseña, construye o gestiona en conjunto su vivienda puede inscribir su proyecto, "
                "en cualquier etapa, de la idea a las viviendas habitadas. Esta página es la guía.</p>"
                "<ol><li>Inicie sesión, o cree una cuenta.</li>"
                '<li><a href="/es/projects/new/">Empiece un proyecto nuevo</a>: su nombre, un breve resumen, dónde '
                "está y su etapa. El borrador se guarda a medida que avanza y solo usted y sus coeditores lo "
                "ven.</li>"
                "<li>Si al grupo le pudiera perjudicar ser encontrado, elija una ubicación aproximada: las páginas "
                "públicas solo muestran entonces un punto redondeado a 1 km aproximadamente, nunca la dirección.</li>"
                "<li>Añada fotos, documentos y las organizaciones que trabajan con ustedes, y envíe el proyecto a "
                "revisión.</li>"
                "<li>Un moderador lo publica, o se lo devuelve con un mensaje que dice qué cambiar. Nada de lo que "
                "escribió se pierde.</li></ol>"
            ),
        },
    },
]


class Command(BaseCommand):
    help = (
        "Load the platform's own pages (the idea, its history, the six founding organisations, how to join, "
        "how to list a project) in English, French and Spanish. Safe to run again: it updates, never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for page in PAGES:
            fields = {
                "order": page["order"],
                "show_in_navigation": page.get("show_in_navigation", False),
                "show_in_footer": True,
                "original_language": "en",
            }
            for name in ("title", "body"):
                for code, text in page[name].items():
                    fields[f"{name}_{code}"] = text
            Page.objects.update_or_create(slug=page["slug"], defaults=fields)
        self.stdout.write(f"Platform pages: {len(PAGES)} loaded.")
