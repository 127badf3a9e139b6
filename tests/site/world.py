"""A directory holding everything that could leak, for the privacy sweep (test_privacy.py);
the fixture that builds it is in conftest.py."""

import datetime
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import LocalePrefixPattern

from habitat.models import Organisation, Page
from hubs.models import MeetingDocument, MeetingPhoto
from policies.models import Policy
from projects.confirmation import token_for
from projects.models import (
    EditorInvitation,
    LocationPrecision,
    Programme,
    ProjectActor,
    ProjectDocument,
    ProjectPhoto,
    Status,
    SupportAction,
)
from projects.sections import SECTIONS
from subscriptions.models import Subscription
from tests.factories import (
    HIDDEN_ADDRESS,
    HIDDEN_LAT,
    HIDDEN_LON,
    make_moderator,
    make_organisation,
    make_project,
    make_user,
)
from tests.factories.awards import make_edition, make_nomination
from tests.factories.files import jpeg, pdf
from tests.factories.hubs import make_hub, make_meeting, make_session

# A draft somewhere else (Dakar), with an exact point: not public at all, nor its name.
DRAFT_LON, DRAFT_LAT = -17.4676863, 14.7166718
DRAFT_NAME = "Unpublished draft of Ouakam"
# Every address is distinctive, so that finding one, or its first part, is never a coincidence.
EMAILS = {
    "contact": "kzq-contact-7731@example.org",
    "editor": "kzq-editor-2218@example.org",
    "co_editor": "kzq-coeditor-5560@example.org",
    "draft_editor": "kzq-drafter-9012@example.org",
    "moderator": "kzq-moderator-4407@example.org",
    "stranger": "kzq-stranger-6675@example.org",
    "invited": "kzq-invited-3349@example.org",
}


def stored(instance):
    instance.full_clean()
    instance.save()
    return instance


@dataclass
class World:
    project: object
    draft: object
    organisation: object
    unreviewed: object
    hub: object
    meeting: object
    conference: object
    award_edition: object
    programme: object
    policy: object
    page: object
    invitation: object
    people: dict
    files: dict
    subscription: object = None


def build_world():
    """A published project that hides where it lives, with every kind of thing linked to it:
    its editors and their invitation, its contact address, a reviewed organisation and one
    the group named that staff have not reviewed, photos and documents, a meeting that
    visited it (with its programme, report and photo), a conference, an award it won, a
    programme that supports it, a platform page; and a draft that nobody may see."""
    people = {
        role: (make_moderator if role == "moderator" else make_user)(email=address, display_name=f"The {role}")
        for role, address in EMAILS.items()
        if role not in ("contact", "invited")
    }
    organisation = make_organisation(name_en="Muungano wa Wanavijiji", slug="muungano", country="KE")
    unreviewed = Organisation.objects.create_for_review(name="Riverside Savings Group")
    project = make_project(
        name_en="Settlement facing eviction",
        summary_en="A group that asked to hide where it lives.",
        lon=HIDDEN_LON,
        lat=HIDDEN_LAT,
        location_precision=LocationPrecision.APPROXIMATE,
        address=HIDDEN_ADDRESS,
        contact_email=EMAILS["contact"],
        city="Nairobi",
        country="KE",
        organisations=[organisation],
    )
    ProjectActor.objects.create(project=project, organisation=unreviewed, order=1)
    project.editors.add(people["editor"], people["co_editor"])
    invitation = EditorInvitation.objects.create(
        project=project, email=EMAILS["invited"], invited_by=people["editor"], language="fr"
    )
    files = {
        "photo": stored(ProjectPhoto(project=project, image=SimpleUploadedFile("p.jpg", jpeg()), alt_text="Homes")),
        "document": stored(ProjectDocument(project=project, file=SimpleUploadedFile("d.pdf", pdf()), title="Plan")),
    }

    draft = make_project(
        name_en=DRAFT_NAME, lon=DRAFT_LON, lat=DRAFT_LAT, city="Dakar", country="SN", status=Status.DRAFT
    )
    draft.editors.add(people["draft_editor"])
    files["draft_photo"] = stored(ProjectPhoto(project=draft, image=SimpleUploadedFile("q.jpg", jpeg()), alt_text="x"))

    hub = make_hub(name_en="Africa", slug="africa")
    meeting = make_meeting(
        hub=hub,
        slug="nairobi-hub-meeting",
        start_date=datetime.date(2019, 10, 8),
        end_date=None,
        city="Nairobi",
        country="KE",
        lon=36.817,
        lat=-1.286,
        time_zone="Africa/Nairobi",
    )
    make_session(meeting, title="Visit to the settlement", organisations=[organisation])
    meeting.visited_projects.add(project, draft)
    meeting.participants.add(organisation)
    files["report"] = stored(MeetingDocument(meeting=meeting, file=SimpleUploadedFile("r.pdf", pdf()), title="Report"))
    files["meeting_photo"] = stored(
        MeetingPhoto(meeting=meeting, image=SimpleUploadedFile("m.jpg", jpeg()), alt_text="The meeting")
    )
    conference = make_meeting(
        slug="annual-conference-2019", kind="conference", start_date=datetime.date(2019, 11, 4), end_date=None
    )

    edition = make_edition(year=2019)
    make_nomination(edition, project=project, project_name=project.name_en, result="winner")
    make_nomination(edition, project=draft, project_name="", result="finalist")

    programme = Programme.objects.create(slug="support-programme", name_en="Support programme")
    SupportAction.objects.create(programme=programme, project=project, title_en="Feasibility study", city="Nairobi")
    SupportAction.objects.create(programme=programme, project=draft, title_en="A visit")
    # A policy that made both the hidden project and the draft possible: its page names the
    # first, never the second.
    policy = Policy.objects.create(
        slug="housing-law",
        name_en="Housing law",
        country="KE",
        level="national",
        kind="law",
        sources="https://example.org/law",
    )
    policy.projects.set([project, draft])
    policy.programmes.set([programme])
    page = Page.objects.create(slug="about", title_en="About", body_en="<p>The platform.</p>")
    # An e-mail subscription to the area where the hidden project is: its pages must say
    # neither the address nor the exact place.
    subscription = Subscription.objects.create(
        email=people["editor"].email, query="area=36.7,-1.4,36.9,-1.2", language="en"
    )
    subscription.confirm()

    return World(
        project=project,
        draft=draft,
        organisation=organisation,
        unreviewed=unreviewed,
        hub=hub,
        meeting=meeting,
        conference=conference,
        award_edition=edition,
        programme=programme,
        policy=policy,
        page=page,
        invitation=invitation,
        people=people,
        files={name: f"/media/{(getattr(item, 'image', None) or item.file).name}" for name, item in files.items()},
        subscription=subscription,
    )


# --- The site's URL patterns, and how to fill each with the world's objects ------------------

# Query strings that make a listing or the map show the hidden project in every way it can.
PROJECT_FILTERS = [
    "",
    "q=eviction",
    "q=Nairobi",
    "country=KE",
    "organisation=muungano",
    "programme=support-programme",
    "award=any",
    "award=won",
    "stage=inhabited&sort=name",
    "housing_model=cooperative",
    "priority_neighbourhood=false",
    "page=2",
]
# The open data takes the list's filters (the sort and page apart).
EXPORT_FILTERS = ["", "country=KE", "q=eviction", "stage=inhabited", "housing_model=cooperative"]
MAP_VIEWS = [f"bbox=-180,-85,180,85&zoom={zoom}" for zoom in range(0, 19)]
MAP_VIEWS += [f"bbox=36.7,-1.4,36.9,-1.2&zoom={zoom}" for zoom in range(10, 19)]
MAP_VIEWS += [f"bbox=-17.6,14.6,-17.3,14.8&zoom={zoom}" for zoom in (12, 18)]  # where the draft is
MAP_VIEWS += [f"{view}&{query}" for view in ("zoom=18", "zoom=3") for query in PROJECT_FILTERS[1:8]]


def fill(world):
    """The concrete arguments and query strings for each URL pattern, from the world's objects."""
    slug = world.project.slug
    return {
        "home": [({}, "")],
        "robots": [({}, "")],
        "favicon": [({}, "")],
        "health": [({}, "")],
        "csp-report": [({}, "")],
        # The operator's street map, when one is configured: tiles of streets, nothing of ours.
        "street-tiles": [({}, "")],
        "sitemap": [({}, "")],
        "media": [({"path": url.removeprefix("/media/")}, "") for url in world.files.values()],
        "projects_data:map-json": [({}, query) for query in MAP_VIEWS],
        "projects_data:map-charts": [({}, query) for query in MAP_VIEWS],
        "embed-map": [
            ({}, query)
            for query in [
                "",
                "country=KE",
                "q=eviction&zoom=3",
                "bbox=36.7,-1.4,36.9,-1.2",
                "lat=-1.3&lon=36.8&zoom=12",
            ]
        ],
        "projects_data:export-csv": [({}, query) for query in EXPORT_FILTERS],
        "projects_data:export-geojson": [({}, query) for query in EXPORT_FILTERS],
        "projects:feed": [({}, query) for query in EXPORT_FILTERS],
        "open-data": [({}, "")],
        "api-v1:api-root": [({}, "")],
        "api-v1:openapi-json": [({}, "")],
        "api-v1:openapi-view": [({}, "")],
        "api-v1:projects": [({}, query) for query in ["", *EXPORT_FILTERS[1:], "limit=1", "limit=1&cursor=YWZ0ZXI6MA"]],
        "api-v1:project": [({"project_id": world.project.pk}, ""), ({"project_id": world.draft.pk}, "")],
        "api-v1:organisations": [({}, "")],
        "api-v1:organisation": [({"slug": world.organisation.slug}, ""), ({"slug": world.unreviewed.slug}, "")],
        "api-v1:meetings": [({}, "")],
        "api-v1:meeting": [({"slug": world.meeting.slug}, ""), ({"slug": world.conference.slug}, "")],
        "api-v1:awards": [({}, "")],
        "api-v1:award": [({"slug": world.award_edition.award.slug}, "")],
        "api-v1:programmes": [({}, "")],
        "api-v1:programme": [({"slug": world.programme.slug}, "")],
        "projects:list": [({}, query) for query in PROJECT_FILTERS],
        "projects:detail": [({"slug": slug}, ""), ({"slug": world.draft.slug}, "")],
        # An editor's answer to the yearly reminder, with the token its e-mail carries; and a
        # token for the draft, whose page must not say what the draft is.
        "projects:confirm": [
            ({"slug": slug, "token": token_for(world.project, world.people["editor"])}, ""),
            ({"slug": world.draft.slug, "token": token_for(world.draft, world.people["draft_editor"])}, ""),
        ],
        "projects:contact": [({"slug": slug}, "")],
        "projects:report": [({"slug": slug}, "")],
        "projects:exchange": [({"slug": slug}, ""), ({"slug": world.draft.slug}, "")],
        # POST only, so every read is refused whatever the exchange (the world holds none):
        # tests/projects/test_exchanges.py checks what each side sees before and after acceptance.
        **{f"projects:exchange-{step}": [({"pk": 1}, "")] for step in ("accept", "decline", "withdraw")},
        "projects:create": [({}, "")],
        "projects:accept-invitation": [({"token": world.invitation.token}, "")],
        "projects:edit": [({"slug": slug}, ""), ({"slug": world.draft.slug}, "")],
        "projects:start-change": [({"slug": slug}, "")],
        "projects:submit": [({"slug": slug}, "")],
        "projects:edit-organisations": [({"slug": slug}, "")],
        "projects:edit-photos": [({"slug": slug}, "")],
        "projects:edit-documents": [({"slug": slug}, "")],
        "projects:edit-editors": [({"slug": slug}, "")],
        "projects:edit-section": [({"slug": slug, "section": section}, "") for section in SECTIONS],
        "my-projects": [({}, "")],
        "organisation-list": [({}, "")],
        "organisation-detail": [({"slug": world.organisation.slug}, ""), ({"slug": world.unreviewed.slug}, "")],
        "programmes:list": [({}, "")],
        "programmes:detail": [({"slug": world.programme.slug}, "")],
        "policies:list": [({}, ""), ({}, "country=KE"), ({}, "kind=law&level=national"), ({}, "country=XX")],
        "policies:detail": [({"slug": world.policy.slug}, "")],
        "stats": [({}, "")],
        "subscriptions:subscribe": [({}, query) for query in ["", *EXPORT_FILTERS[1:], "area=36.7,-1.4,36.9,-1.2"]],
        "subscriptions:sent": [({}, "")],
        "subscriptions:confirm": [({"token": world.subscription.token}, ""), ({"token": "not-a-token"}, "")],
        "subscriptions:unsubscribe": [({"token": world.subscription.token}, ""), ({"token": "not-a-token"}, "")],
        # POST only, for signed-in users: what a GET answers is read too.
        "subscriptions:follow": [({}, "")],
        # Towns from the public gazetteer only: where the hidden project and the draft are, by
        # name, as a group placing its project would look for them.
        "places": [({}, query) for query in ["q=Nairobi", "q=nai&country=KE", "q=Dakar", "q=Ouakam", "q="]],
        "page": [({"slug": world.page.slug}, "")],
        "hubs:list": [({}, "")],
        "hubs:calendar": [({}, ""), ({}, "view=month&month=2019-10"), ({}, "hub=does-not-exist")],
        "hubs:detail": [({"slug": world.hub.slug}, "")],
        "hubs:meeting": [({"slug": world.meeting.slug}, ""), ({"slug": world.conference.slug}, "")],
        "hubs:conference": [({}, "")],
        "hubs:conference-year": [({"year": world.conference.year}, "")],
        "hubs_data:calendar": [({}, "")],
        "hubs_data:meeting-ics": [({"slug": world.meeting.slug}, "")],
        "awards:list": [({}, "")],
        "awards:award": [({"slug": world.award_edition.award.slug}, "")],
        "awards:edition": [({"slug": world.award_edition.award.slug, "year": world.award_edition.year}, "")],
        "profile": [({}, "")],
        "account-delete": [({}, "")],
        "personal-data": [({}, "")],
        # allauth's pages: the ones with a key are read with one that is not valid.
        **{
            name: [({}, "")]
            for name in [
                "account_login",
                "account_logout",
                "account_inactive",
                "account_signup",
                "account_reauthenticate",
                "account_email",
                "account_email_verification_sent",
                "account_change_password",
                "account_set_password",
                "account_reset_password",
                "account_confirm_login_code",
                "account_reset_password_from_key_done",
                "account_reset_password_done",
                "mfa_index",
                "mfa_authenticate",
                "mfa_reauthenticate",
                "mfa_activate_totp",
                "mfa_deactivate_totp",
                "mfa_view_recovery_codes",
                "mfa_generate_recovery_codes",
                "mfa_download_recovery_codes",
            ]
        },
        "account_confirm_email": [({"key": "not-a-valid-key"}, "")],
        "account_reset_password_from_key": [({"uidb36": "1", "key": "not-a-valid-key"}, "")],
    }


def url_patterns():
    """``(name, is_under_a_language_prefix)`` of every URL pattern of the site."""
    found = []

    def walk(patterns, namespace, localised):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in [namespace, pattern.namespace] if part)
                walk(pattern.url_patterns, inner, localised or isinstance(pattern.pattern, LocalePrefixPattern))
            elif isinstance(pattern, URLPattern):
                name = ":".join(part for part in [namespace, pattern.name] if part) or str(pattern.pattern)
                found.append((name, localised))

    walk(get_resolver().url_patterns, "", False)
    return found
