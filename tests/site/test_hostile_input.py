"""Hostile input never makes a 500: every URL, query string and form of the site, fed with
what a broken or malicious client sends, answers a page or a 4xx that says what was wrong.

The sweeps find what to attack themselves, so that a new URL or form is covered without
editing this file:

* every URL pattern of the resolver (world.url_patterns()) is built from the world's
  objects (world.fill()); its path parameters are replaced by hostile values (many of them
  accepted by the converter, so that the view itself runs);
* every URL is read with hostile query strings, made of the filters of the project list and
  the map, the fields of the GET forms that point at it, and random names;
* every URL is sent hostile POST bodies (broken multipart, invalid UTF-8, JSON);
* every POST form found on the site's pages, read as a visitor and as an editor, is posted
  with hostile values for each of its fields, as the persona that saw it.

What is checked (``assert_handled``): the status is below 500; a 4xx has a body that says
something (a 405 names the allowed methods in its Allow header instead); no traceback. A 500
fails with the exception the view raised and the smallest input that raises it.

The strategies are in hostile.py. The world is built once for the module, in a transaction
rolled back at the end; each example runs in a savepoint rolled back after it, so that what
one example posts (a report, a rate-limit count, a logout) never changes the next.
"""

import re
import traceback
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects.filters import ProjectFilter
from projects.models import ProjectDocument, ProjectPhoto, Status
from tests.factories import make_project, make_user
from tests.factories.files import jpeg, pdf
from tests.site import hostile
from tests.site.world import build_world, fill, url_patterns

pytestmark = pytest.mark.django_db

# The hypothesis budget: enough examples to hit each parameter with each kind of value a few
# times, few enough that the module runs in about a minute on two cores.
FEW = settings(
    max_examples=8,
    deadline=None,
    database=None,  # nothing written into the checkout
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
# The admin is Django's, behind staff sign-in: a lighter sweep.
ADMIN_EXAMPLES = 2

# Query parameters the site reads somewhere: the filters of the list and the map (one
# FilterSet), the paginator, the map's view, allauth's. (The GET forms found on the pages
# add their fields to these: SiteForms.query_names.)
KNOWN_PARAMETERS = [*ProjectFilter.base_filters, "page", "bbox", "zoom", "next", "key"]

# A named group of a regular-expression URL pattern (allauth's keys, the admin's app label), or
# an unnamed one (django-reversion's admin), whose name here is its position ("#0").
GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()?][^()]*|)\)")


# --- The world, the personas and the URLs ------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The privacy sweep's world, built once for the module and rolled back after it."""
    media = tmp_path_factory.mktemp("media")
    # Hashing a password takes a good part of a second, and the forms check hundreds.
    fast = override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        world = build_world()
        world.people["staff"] = make_user(is_staff=True, is_superuser=True)
        # A change under way, so that the editor's section pages show their forms.
        world.project.editable_version(by=world.people["editor"])
        yield world
        transaction.set_rollback(True)


def pattern_objects():
    """``{name: (URLPattern, route)}`` of every URL pattern, named as world.url_patterns()
    names them; the admin's unnamed patterns (its redirects, its catch-all) by their route."""
    found = {}

    def walk(patterns, namespace, route):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = ":".join(part for part in [namespace, pattern.namespace] if part)
                walk(pattern.url_patterns, inner, route + [pattern.pattern])
            elif isinstance(pattern, URLPattern):
                full = route + [pattern.pattern]
                name = ":".join(part for part in [namespace, pattern.name] if part)
                if not pattern.name:
                    name = f"{namespace}:{''.join(str(part) for part in full)}"
                found[name] = (pattern, full)

    walk(get_resolver().url_patterns, "", [])
    return found


PATTERNS = pattern_objects()
NAMES = sorted(PATTERNS)


def is_admin(name):
    return name.startswith("admin:")


def is_named(name):
    return PATTERNS[name][0].name is not None


def parameter_regexes(name):
    """``{parameter: regex it must match}`` for the path parameters of a URL pattern."""
    pattern = PATTERNS[name][0].pattern
    converters = getattr(pattern, "converters", {})
    if converters:
        return {param: converter.regex for param, converter in converters.items()}
    groups = GROUP.finditer(str(pattern))
    return {match["name"] or f"#{index}": match["body"] for index, match in enumerate(groups)}


WITH_PARAMETERS = [name for name in NAMES if parameter_regexes(name)]

# URL patterns that the query-string and POST-body sweeps leave out, and why. Their paths are
# still attacked (test_hostile_path_parameters_...).
NOT_ATTACKED = {}
ATTACKED = [name for name in NAMES if name not in NOT_ATTACKED and f"{name.split(':')[0]}:*" not in NOT_ATTACKED]


def valid_arguments(name, world):
    """Path arguments that lead to a real object: the world's (fill()), or for the admin the
    first row of the model it edits."""
    filled = fill(world).get(name)
    if filled:
        return {key: str(value) for key, value in filled[0][0].items()}
    arguments = {}
    for param, regex in parameter_regexes(name).items():
        if param == "app_label":
            arguments[param] = regex.split("|")[0]
        elif param == "object_id" and is_named(name):
            prefixes = {
                f"admin:{model._meta.app_label}_{model._meta.model_name}_": model for model in admin.site._registry
            }
            model = next((model for prefix, model in prefixes.items() if name.startswith(prefix)), None)
            row = model._default_manager.order_by("pk").first() if model else None
            arguments[param] = str(row.pk if row else 1)
        else:
            arguments[param] = "1"
    return arguments


def route_path(name, arguments):
    """The path of an unnamed pattern, put together from the routes that lead to it."""
    path = "/"
    for part in PATTERNS[name][1]:
        text = str(part).removeprefix("^").removesuffix("$")
        text = re.sub(r"<(?:\w+:)?(\w+)>", lambda match: arguments[match[1]], text)
        path += GROUP.sub(lambda match: arguments[match["name"]], text)
    return path


def build_path(name, world, replaced=None):
    """The path of URL pattern ``name`` with the world's arguments, except those in
    ``replaced`` (already percent-encoded), which are put in as they are, whatever they are."""
    replaced = replaced or {}
    arguments = valid_arguments(name, world)
    sentinels = {}
    for index, param in enumerate(arguments):
        if param in replaced:
            regex = parameter_regexes(name)[param]
            sentinel = next(
                (s for s in (f"zzqsentinel{index}", f"987650{index}") if re.fullmatch(regex, s)), arguments[param]
            )
            sentinels[param] = sentinel
            arguments[param] = sentinel
    if is_named(name):
        positional = [value for param, value in arguments.items() if param.startswith("#")]
        with translation.override("en"):
            path = reverse(name, args=positional) if positional else reverse(name, kwargs=arguments)
    else:
        path = route_path(name, arguments)
    for param, sentinel in sentinels.items():
        head, found, tail = path.rpartition(sentinel)
        if found:
            path = head + replaced[param] + tail
    return path


PERSONAS = ["anonymous", "editor"]


def client_for(world, persona):
    client = Client()
    if persona != "anonymous":
        client.force_login(world.people[persona])
    return client


class Clients:
    """A client per persona, signed in once per test (outside the examples' savepoints); each
    example starts from the persona's cookies, whatever the last one did (a logout)."""

    def __init__(self, world):
        self.world = world
        self.made = {}

    def __call__(self, persona):
        if persona not in self.made:
            client = client_for(self.world, persona)
            self.made[persona] = (client, {name: morsel.value for name, morsel in client.cookies.items()})
        client, cookies = self.made[persona]
        client.cookies = SimpleCookie(cookies)
        return client


def persona_for(name):
    return st.just("staff") if is_admin(name) else st.sampled_from(PERSONAS)


def examples_for(name, usual):
    return ADMIN_EXAMPLES if is_admin(name) else usual


# --- What every answer must be ---------------------------------------------------------------


def assert_handled(response, asked):
    """A page or a 4xx that says something; never a 500, never a traceback."""
    status = response.status_code
    assert status < 500, f"{asked} answered {status}"
    body = b"" if response.streaming else response.content
    assert b"Traceback (most recent call last)" not in body, asked
    if status == 405:
        # The method, not the input, is refused: the answer names the ones allowed.
        assert response.has_header("Allow"), asked
    elif 400 <= status < 500:
        text = re.sub(rb"<[^>]*>", b" ", body).strip()
        assert text, f"{asked} answered {status} with nothing to read"


def request(client, method, path, asked, **extra):
    """``client.get``, ``client.post`` or a raw ``client.generic``, in a savepoint rolled back
    after it."""
    with transaction.atomic():
        if method == "raw post":
            # generic() sends the bytes as they are (post() would re-encode them in the charset).
            response = client.generic("POST", path, **extra)
        else:
            response = getattr(client, method)(path, **extra)
        assert_handled(response, asked)
        transaction.set_rollback(True)
    return response


# --- Every URL pattern can be built ------------------------------------------------------------


def test_every_url_pattern_can_be_attacked(hostile_world):
    # Each pattern builds with its real arguments and with a replaced one; a new pattern whose
    # parameters this sweep cannot fill fails here (fill it in world.fill()).
    assert {name for name in NAMES if is_named(name)} == {name for name, _ in url_patterns() if name != "admin"}
    for name in NAMES:
        assert build_path(name, hostile_world).startswith("/")
        for param in parameter_regexes(name):
            assert "%FF" in build_path(name, hostile_world, {param: "%FF"}), (name, param)
    assert len(NAMES) > 150 and len(WITH_PARAMETERS) > 20


# --- Path parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_PARAMETERS)
def test_hostile_path_parameters_get_a_page_or_a_clear_4xx(hostile_world, name):
    regexes = parameter_regexes(name)
    clients = Clients(hostile_world)

    @settings(FEW, max_examples=examples_for(name, 6))
    @given(
        persona=persona_for(name),
        replaced=st.fixed_dictionaries({}, optional={param: hostile.path_value(rx) for param, rx in regexes.items()}),
        fallback=st.sampled_from(list(regexes)),
        value=hostile.url_value(),
    )
    def attack(persona, replaced, fallback, value):
        replaced = replaced or {fallback: value}
        path = build_path(name, hostile_world, replaced)
        request(clients(persona), "get", path, f"GET {path} as {persona}")

    attack()


# --- Query strings -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ATTACKED)
def test_hostile_query_strings_get_a_page_or_a_clear_4xx(hostile_world, site_forms, name):
    path = build_path(name, hostile_world)
    clients = Clients(hostile_world)
    names = sorted({*KNOWN_PARAMETERS, *site_forms.query_names(name)})

    @settings(FEW, max_examples=4)
    @given(persona=persona_for(name), query=hostile.query_string(names))
    def attack(persona, query):
        request(clients(persona), "get", path, f"GET {path}?{query} as {persona}", QUERY_STRING=query)

    attack()


# --- Raw POST bodies ---------------------------------------------------------------------------

BODY_TYPES = [
    "application/x-www-form-urlencoded",
    "application/x-www-form-urlencoded; charset=latin-1",
    "application/x-www-form-urlencoded; charset=no-such-charset",
    "multipart/form-data; boundary=zzq",
    "multipart/form-data",
    "multipart/form-data; boundary=",
    "application/json",
    "application/csp-report",
    "text/plain",
]


@st.composite
def raw_body(draw):
    kind = draw(st.sampled_from(BODY_TYPES))
    if kind.startswith("multipart"):
        part = draw(hostile.url_value()).encode()
        name = draw(st.sampled_from([b"name", b"email", b"message", b"\xff", b'"', b""]))
        body = draw(
            st.sampled_from(
                [
                    b'--zzq\r\nContent-Disposition: form-data; name="' + name + b'"\r\n\r\n' + part + b"\r\n--zzq--",
                    b'--zzq\r\nContent-Disposition: form-data; name="f"; filename="' + part + b'"\r\n\r\nxx',
                    b"--zzq\r\n\r\n" + part,
                    part,
                ]
            )
        )
    elif kind.startswith("application/x-www-form-urlencoded"):
        body = draw(hostile.query_string(KNOWN_PARAMETERS)).encode("latin-1")
    else:
        body = draw(
            st.one_of(
                st.binary(max_size=200),
                st.sampled_from(
                    [b"{", b"[]", b"null", b'{"csp-report": []}', b'{"csp-report": {"document-uri": 1e999}}']
                ),
            )
        )
    return kind, body


@pytest.mark.parametrize("name", ATTACKED)
def test_hostile_post_bodies_get_a_page_or_a_clear_4xx(hostile_world, name):
    path = build_path(name, hostile_world)
    clients = Clients(hostile_world)

    @settings(FEW, max_examples=3)
    @given(persona=persona_for(name), body=raw_body())
    def attack(persona, body):
        content_type, data = body
        asked = f"POST {path} ({content_type}) {data[:200]!r} as {persona}"
        request(clients(persona), "raw post", path, asked, data=data, content_type=content_type)

    attack()


# --- Every form of the site --------------------------------------------------------------------


class FormFinder(HTMLParser):
    """The forms of a page: method, action and fields (name, kind, the values it offers)."""

    def __init__(self):
        super().__init__()
        self.forms = []
        self.form = None
        self.select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = {
                "method": (attrs.get("method") or "get").lower(),
                "action": attrs.get("action") or "",
                "fields": {},
            }
            self.forms.append(self.form)
        elif self.form is not None and tag in ("input", "textarea", "select", "button") and attrs.get("name"):
            kind = tag if tag in ("textarea", "select") else (attrs.get("type") or "text").lower()
            field = self.form["fields"].setdefault(attrs["name"], {"kind": kind, "choices": []})
            if attrs.get("value"):
                field["choices"].append(attrs["value"])
            if tag == "select":
                self.select = field
        elif tag == "option" and self.select is not None and attrs.get("value") is not None:
            self.select["choices"].append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "select":
            self.select = None


class SiteForms:
    """Every form on the site's pages, read as each persona, by the URL pattern it goes to."""

    def __init__(self, world):
        self.post = {}  # (persona, action path, field names) -> form
        self.get_names = {}  # URL name -> the names of the GET forms' fields
        pages = []
        for name, variants in fill(world).items():
            for kwargs, query in variants:
                with translation.override("en"):
                    path = reverse(name, kwargs=kwargs)
                pages.append(f"{path}?{query}" if query else path)
        for persona in PERSONAS:
            client = client_for(world, persona)
            for page in dict.fromkeys(pages):
                response = client.get(page)
                if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                    continue
                finder = FormFinder()
                finder.feed(response.text)
                for form in finder.forms:
                    self._add(persona, page, form)

    def _add(self, persona, page, form):
        action = urlsplit(form["action"] or page)
        if action.netloc:
            return
        try:
            target = resolve(action.path).view_name
        except Resolver404:
            return
        if form["method"] == "get":
            self.get_names.setdefault(target, set()).update(form["fields"])
            return
        key = (persona, form["action"] or page, tuple(sorted(form["fields"])))
        self.post.setdefault(key, {**form, "persona": persona, "action": key[1], "target": target, "page": page})

    def query_names(self, name):
        return self.get_names.get(name, set())


@pytest.fixture(scope="module")
def site_forms(hostile_world, django_db_blocker):
    with django_db_blocker.unblock():
        return SiteForms(hostile_world)


@st.composite
def posted(draw, form):
    """Hostile values for the fields of ``form``: each field left out, given one value or
    repeated, files replaced by junk with hostile names, plus fields nobody asked for."""
    data = {}
    for name, field in form["fields"].items():
        shape = draw(st.sampled_from(["value", "value", "value", "missing", "repeated"]))
        if shape == "missing":
            continue
        if field["kind"] == "file" and draw(st.booleans()):
            filename = draw(st.sampled_from(hostile.CLASSIC[:30] + ["x.jpg", "x.pdf", "a" * 300 + ".jpg"]))
            content = draw(st.binary(max_size=300))
            data[name] = SimpleUploadedFile(filename.replace("\x00", "") or "x", content)
            continue
        value = hostile.form_value(field["kind"], field["choices"])
        values = draw(st.lists(value, min_size=1, max_size=3 if shape == "repeated" else 1))
        data[name] = values if shape == "repeated" else values[0]
    extra = draw(st.dictionaries(st.text(min_size=1, max_size=20), st.text(max_size=20), max_size=2))
    return {**extra, **data}


def test_the_form_sweep_finds_the_forms_of_the_site(site_forms):
    targets = {form["target"] for form in site_forms.post.values()}
    expected = {
        "projects:contact",
        "projects:report",
        "projects:create",
        "projects:edit-section",
        "projects:edit-organisations",
        "projects:edit-photos",
        "projects:edit-documents",
        "projects:edit-editors",
        "projects:submit",
        "projects:accept-invitation",
        "profile",
        "account-delete",
        "account_login",
        "account_signup",
        "account_reset_password",
        "account_logout",
        "subscriptions:subscribe",
        "subscriptions:follow",
    }
    assert expected <= targets, sorted(expected - targets)
    assert "q" in site_forms.query_names("projects:list")


def attack_form(clients, persona, action, form):
    @settings(FEW, max_examples=6)
    @given(data=posted(form))
    def attack(data):
        asked = f"POST {action} as {persona}: {data!r}"[:3000]
        request(clients(persona), "post", action, asked, data=data)

    attack()


# The forms are found at run time, so they cannot name the tests; they are dealt into a few
# shares, so that parallel workers (pytest -n) split them.
FORM_SHARES = 4


@pytest.mark.parametrize("share", range(FORM_SHARES))
def test_hostile_form_values_get_a_page_or_a_clear_4xx(hostile_world, site_forms, share):
    failures = []
    clients = Clients(hostile_world)
    for (persona, action, fields), form in sorted(site_forms.post.items())[share::FORM_SHARES]:
        try:
            attack_form(clients, persona, action, form)
        except Exception:  # noqa: BLE001 -- collected, so that one broken form hides no other
            failures.append(f"{action} ({', '.join(fields)}) as {persona}:\n{traceback.format_exc()}")
    assert not failures, "\n\n".join(failures)


# --- Regressions: each 500 the sweeps found, as a plain example -------------------------------


def stored(instance):
    instance.full_clean()
    instance.save()
    return instance


@pytest.fixture
def draft(media_root):
    """A draft (its sections change the project itself) with its editor, a photo and a document."""
    editor = make_user()
    project = make_project(status=Status.DRAFT)
    project.editors.add(editor)
    stored(ProjectPhoto(project=project, image=SimpleUploadedFile("p.jpg", jpeg()), alt_text="Homes"))
    stored(ProjectDocument(project=project, file=SimpleUploadedFile("d.pdf", pdf()), title="Plan"))
    return project, editor


NOT_A_DOCUMENT = "This document is not one of the project&#x27;s documents: it may have been removed already."


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (" ", NOT_A_DOCUMENT),
        ("x", NOT_A_DOCUMENT),
        ("-1", NOT_A_DOCUMENT),
        ("99999999999999999999", NOT_A_DOCUMENT),
        ("1\x00", "Null characters are not allowed."),
    ],
)
def test_removing_a_document_that_is_none_of_the_project_says_so(client, draft, value, message):
    project, editor = draft
    client.force_login(editor)
    response = client.post(reverse("projects:edit-documents", kwargs={"slug": project.slug}), {"delete": value})
    assert response.status_code == 400
    assert f'<li class="message message-error">{message}</li>' in response.text
    assert project.documents.count() == 1


def test_removing_another_projects_document_says_so_in_french(client, draft):
    project, editor = draft
    other = make_project()
    document = stored(ProjectDocument(project=other, file=SimpleUploadedFile("o.pdf", pdf()), title="Other"))
    client.force_login(editor)
    with translation.override("fr"):
        url = reverse("projects:edit-documents", kwargs={"slug": project.slug})
    response = client.post(url, {"delete": str(document.pk)})
    assert response.status_code == 400
    assert "Ce document ne fait pas partie des documents du projet" in response.text
    assert ProjectDocument.objects.filter(pk=document.pk).exists()


def test_removing_a_document_of_the_project_still_removes_it(client, draft):
    project, editor = draft
    client.force_login(editor)
    document = project.documents.get()
    response = client.post(reverse("projects:edit-documents", kwargs={"slug": project.slug}), {"delete": document.pk})
    assert response.status_code == 302
    assert project.documents.count() == 0


def photo_rows(project, rows, total):
    data = {"photos-TOTAL_FORMS": total, "photos-INITIAL_FORMS": 1, "photos-MIN_NUM_FORMS": 0}
    data["photos-MAX_NUM_FORMS"] = 1000
    for index, row in enumerate(rows):
        data.update({f"photos-{index}-{name}": value for name, value in row.items()})
    return {**data, "action": "save", "project-version": project.version}


def test_a_photo_row_added_to_the_photos_form_creates_no_photo(client, draft):
    project, editor = draft
    photo = project.photos.get()
    client.force_login(editor)
    rows = [{"id": photo.pk, "alt_text": "Homes", "order": 0}, {"alt_text": "A photo without a file", "order": 1}]
    response = client.post(
        reverse("projects:edit-photos", kwargs={"slug": project.slug}), photo_rows(project, rows, total=2)
    )
    assert response.status_code == 302
    assert list(project.photos.all()) == [photo]


def test_an_empty_photo_row_with_a_broken_count_shows_the_page_again(client, draft):
    project, editor = draft
    client.force_login(editor)
    data = {**photo_rows(project, [{"id": "", "alt_text": ""}], total=1), "photos-INITIAL_FORMS": ""}
    response = client.post(reverse("projects:edit-photos", kwargs={"slug": project.slug}), data)
    assert response.status_code == 200
    assert project.photos.count() == 1


@pytest.mark.parametrize("body", [b"\x00", b"", b"\xff\xfe", b"q=1"])
def test_a_csp_report_that_is_not_one_is_refused_with_a_reason_in_the_readers_language(client, body):
    response = client.generic(
        "POST", "/csp-report/", body or b"[]", content_type="text/plain", headers={"accept-language": "es"}
    )
    assert response.status_code == 400
    assert response.text == (
        "Esta dirección solo recibe los informes que los navegadores envían sobre la Content-Security-Policy, en JSON."
    )


def test_an_invitation_token_with_a_nul_byte_is_refused(client):
    client.force_login(make_user())
    response = client.get("/en/projects/invitations/abc%00def/")
    assert response.status_code == 400
    assert "We could not understand this address" in response.text


def test_a_media_path_with_a_nul_byte_is_refused(client, media_root):
    assert client.get("/media/photos/abc%00def.jpg").status_code == 400


@pytest.mark.parametrize(
    "address",
    [
        "/fr/projects/?q=coop%00",
        "/admin/projects/project/?stage=%00",
        "/admin/projects/project/?q=a%00b",
        "/admin/projects/project/{pk}/change/?_to_field=",
        "/admin/account/emailaddress/?_to_field=",
    ],
)
def test_addresses_no_page_makes_get_a_translated_400_even_in_the_admin(client, settings, address):
    # Django's admin sends a NUL byte in a filter to the database, and reads an empty
    # _to_field as a field named "": both were 500s.
    settings.STAFF_REQUIRE_MFA = False
    client.force_login(make_user(is_staff=True, is_superuser=True))
    project = make_project()
    response = client.get(address.format(pk=project.pk), headers={"accept-language": "fr"})
    assert response.status_code == 400
    assert "Nous n’avons pas compris cette adresse" in response.text
