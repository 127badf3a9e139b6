"""Exchanges between groups: one listed project asks another for a visit, a call, documents or
technical help; the asked group accepts or declines; addresses change hands only on acceptance."""

import json

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from projects.models import Exchange, Status
from tests.factories import make_moderator, make_project, make_user
from tests.projects.support import login

pytestmark = pytest.mark.django_db

# Distinctive, so that finding one anywhere is never a coincidence.
ASKING_EMAILS = ["xq-asker-4410@example.org", "xq-asker-co-8823@example.org"]
ASKED_EMAILS = ["xq-asked-1172@example.org", "xq-asked-co-6604@example.org"]
CONTACT_EMAILS = ["xq-asking-contact-3391@example.org", "xq-asked-contact-5527@example.org"]
EVERY_ADDRESS = ASKING_EMAILS + ASKED_EMAILS + CONTACT_EMAILS
REQUEST = {"kind": "visit", "message": "Could six of us visit your building site in May?"}


def ask_url(project):
    return f"/en/projects/{project.slug}/exchange/"


def step_url(exchange, step):
    return f"/en/projects/exchanges/{exchange.pk}/{step}/"


@pytest.fixture
def asker():
    return make_user(email=ASKING_EMAILS[0], display_name="Ana")


@pytest.fixture
def asking(asker):
    project = make_project(name_en="Asking co-operative", contact_email=CONTACT_EMAILS[0])
    project.editors.add(asker, make_user(email=ASKING_EMAILS[1], display_name="Abel"))
    return project


@pytest.fixture
def answerer():
    return make_user(email=ASKED_EMAILS[0], display_name="Bea")


@pytest.fixture
def asked(answerer):
    project = make_project(name_en="Asked co-operative", contact_email=CONTACT_EMAILS[1])
    project.editors.add(answerer, make_user(email=ASKED_EMAILS[1], display_name="Bruno"))
    return project


@pytest.fixture
def stranger():
    return make_user(email="xq-stranger-9981@example.org")


@pytest.fixture
def exchange(asking, asked, asker):
    return Exchange.objects.create(asking=asking, asked=asked, asked_by=asker, kind="call", message="A call?")


def sent(mailoutbox):
    """``{address: message}``: one message per person, never one with several recipients."""
    for message in mailoutbox:
        assert len(message.to) == 1 and message.cc == message.bcc == []
    return {message.to[0]: message for message in mailoutbox}


def addresses_in(text):
    return sorted(address for address in EVERY_ADDRESS if address in text or address.split("@")[0] in text)


# --- Asking ------------------------------------------------------------------------------------


def test_an_editor_of_a_listed_project_asks_and_the_asked_editors_hear_without_any_address(
    client, asker, asking, asked, mailoutbox, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, asker).post(ask_url(asked), REQUEST)

    assert response.status_code == 302
    assert response["Location"] == "/en/my/#exchanges-heading"
    exchange = Exchange.objects.get()
    assert (exchange.asking, exchange.asked, exchange.asked_by) == (asking, asked, asker)
    assert (exchange.kind, exchange.status, exchange.message) == ("visit", "requested", REQUEST["message"])
    messages = sent(mailoutbox)
    assert sorted(messages) == sorted(ASKED_EMAILS)
    for message in messages.values():
        assert message.subject == "Asking co-operative asks Asked co-operative for an exchange"
        assert message.reply_to == []
        assert 'The group of "Asking co-operative" asks "Asked co-operative"' in message.body
        assert "for an exchange: a visit." in message.body
        assert f"{settings.SITE_URL}/en/projects/{asking.slug}/" in message.body
        assert REQUEST["message"] in message.body
        assert "/en/my/" in message.body
        assert addresses_in(message.body) == []


def test_the_request_shows_on_both_sides_pages_with_what_each_may_do(client, exchange, asker, answerer):
    mine = login(client, asker).get("/en/my/")
    assert [e.pk for e in mine.context["exchanges"].outgoing] == [exchange.pk]
    assert mine.context["exchanges"].incoming == []
    assert step_url(exchange, "withdraw") in mine.text
    assert step_url(exchange, "accept") not in mine.text

    theirs = login(client, answerer).get("/en/my/")
    assert [e.pk for e in theirs.context["exchanges"].incoming] == [exchange.pk]
    assert step_url(exchange, "accept") in theirs.text and step_url(exchange, "decline") in theirs.text
    assert step_url(exchange, "withdraw") not in theirs.text
    assert "A call?" in theirs.text


def test_an_editor_of_one_listed_project_is_not_asked_which_project_asks(client, asker, asking, asked):
    response = login(client, asker).get(ask_url(asked))
    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["kind", "message"]
    assert 'name="asking"' not in response.text


def test_an_editor_of_several_listed_projects_chooses_among_them_only(
    client, asker, asking, asked, django_capture_on_commit_callbacks
):
    second = make_project(name_en="Second listed project")
    draft = make_project(name_en="A draft of theirs", status=Status.DRAFT)
    second.editors.add(asker)
    draft.editors.add(asker)
    asked.editors.add(asker)  # their editing the asked project too does not let it ask itself

    response = login(client, asker).get(ask_url(asked))
    assert sorted(p.pk for p in response.context["form"].fields["asking"].queryset) == sorted([asking.pk, second.pk])
    assert "A draft of theirs" not in response.text

    refused = client.post(ask_url(asked), {**REQUEST, "asking": draft.pk})
    assert refused.status_code == 200
    assert refused.context["form"].errors == {"asking": ["Choose one of your listed projects."]}
    assert REQUEST["message"] in refused.text

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ask_url(asked), {**REQUEST, "asking": second.pk})
    assert response.status_code == 302
    assert Exchange.objects.get().asking == second


def test_someone_without_a_listed_project_is_told_to_list_one_first(client, asked, mailoutbox):
    person = make_user()
    make_project(status=Status.DRAFT).editors.add(person)

    page = login(client, person).get(ask_url(asked))
    posted = client.post(ask_url(asked), REQUEST)

    for response in (page, posted):
        assert response.status_code == 200
        assert "you need to edit a project that is listed here first" in response.text
        assert "form" not in response.context
    assert Exchange.objects.count() == 0
    assert mailoutbox == []


def test_a_project_cannot_ask_itself(client, asked, answerer):
    response = login(client, answerer).get(ask_url(asked))
    assert response.status_code == 200
    assert "a project cannot ask itself for an exchange" in response.text
    assert client.post(ask_url(asked), REQUEST).status_code == 200
    assert Exchange.objects.count() == 0

    with pytest.raises(IntegrityError), transaction.atomic():
        Exchange.objects.create(asking=asked, asked=asked, kind="call", message="Me?")


def test_a_project_nobody_can_answer_says_so(client, asker, asking):
    orphan = make_project(name_en="Nobody here")
    response = login(client, asker).get(ask_url(orphan))
    assert response.status_code == 200
    assert "Nobody from this group has an account on the platform" in response.text


def test_anonymous_visitors_are_sent_to_sign_in(client, asked, exchange):
    response = client.get(ask_url(asked))
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")
    for step in ("accept", "decline", "withdraw"):
        assert client.post(step_url(exchange, step))["Location"].startswith("/en/accounts/login/")
    assert Exchange.objects.get().status == "requested"


@pytest.mark.parametrize("status", [Status.DRAFT, Status.SUBMITTED, Status.ARCHIVED, Status.REJECTED])
def test_a_project_that_is_not_listed_cannot_be_asked(client, asker, asking, status):
    hidden = make_project(name_en="Not listed", status=status)
    hidden.editors.add(make_user())
    login(client, asker)
    assert client.get(ask_url(hidden)).status_code == 404
    assert client.post(ask_url(hidden), REQUEST).status_code == 404
    assert Exchange.objects.count() == 0


def test_the_message_is_required_and_kept_under_5000_characters(client, asker, asking, asked, mailoutbox):
    login(client, asker)
    empty = client.post(ask_url(asked), {"kind": "", "message": ""})
    assert empty.context["form"].errors == {
        "kind": ["Choose what your group asks for."],
        "message": ["Write a message, so that the group knows what you ask."],
    }
    long = client.post(ask_url(asked), {"kind": "documents", "message": "x" * 5001})
    assert long.context["form"].errors == {"message": ["Keep your message under 5000 characters (it has 5001)."]}
    assert 'value="documents" required id="id_kind_2" checked' in long.text
    assert Exchange.objects.count() == 0 and mailoutbox == []


def test_hostile_values_get_the_form_again_with_their_errors(client, asker, asking, asked):
    second = make_project()
    second.editors.add(asker)
    login(client, asker)
    for data in [
        {"asking": "\x00", "kind": "visit\x00", "message": "Null\x00byte"},
        {"asking": str(asked.pk), "kind": "party", "message": "Hello"},
        {"asking": ["x", "y"], "kind": ["call", "visit"], "message": ["a", "b"]},
        {"asking": "99999999999999999999", "kind": "call", "message": "Hello"},
    ]:
        response = client.post(ask_url(asked), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors
    assert Exchange.objects.count() == 0


def test_a_second_open_request_between_the_same_projects_is_refused(
    client, asker, asking, asked, answerer, django_capture_on_commit_callbacks
):
    login(client, asker)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(ask_url(asked), REQUEST).status_code == 302
    again = client.post(ask_url(asked), {**REQUEST, "message": "Did you get our request?"})

    assert again.status_code == 200
    assert again.context["form"].non_field_errors() == [
        "“Asking co-operative” has already asked this group; the request waits for their answer. "
        "You can withdraw it on your page."
    ]
    assert "Did you get our request?" in again.text
    assert Exchange.objects.count() == 1
    # In the database too, whatever the way in.
    with pytest.raises(IntegrityError), transaction.atomic():
        Exchange.objects.create(asking=asking, asked=asked, kind="call", message="Twice")

    # Once answered, the group may ask again.
    with django_capture_on_commit_callbacks(execute=True):
        Exchange.objects.get().decline(by=answerer)
        assert client.post(ask_url(asked), REQUEST).status_code == 302
    assert Exchange.objects.count() == 2


def test_requests_are_rate_limited_and_the_text_is_kept(
    client, asker, asking, mailoutbox, django_capture_on_commit_callbacks
):
    groups = []
    for _ in range(6):
        group = make_project()
        group.editors.add(make_user())
        groups.append(group)
    login(client, asker)
    with django_capture_on_commit_callbacks(execute=True):
        statuses = [client.post(ask_url(group), REQUEST).status_code for group in groups[:5]]
        response = client.post(ask_url(groups[5]), {**REQUEST, "message": "One request too many."})

    assert statuses == [302] * 5
    assert response.status_code == 429
    assert response.context["form"].non_field_errors() == [
        "Too many requests have come from you or gone to this group lately. Your text is kept here: try again later."
    ]
    assert "One request too many." in response.text
    assert Exchange.objects.count() == 5
    assert len(mailoutbox) == 5


def test_a_group_receives_at_most_a_days_worth_of_requests(client, asked):
    statuses = []
    for _ in range(21):
        person = make_user()
        make_project().editors.add(person)
        statuses.append(login(client, person).post(ask_url(asked), REQUEST).status_code)
    assert statuses == [302] * 20 + [429]


# --- Answering -----------------------------------------------------------------------------------


def test_a_stranger_and_the_asker_cannot_answer_and_the_asked_cannot_withdraw(
    client, exchange, stranger, asker, answerer, mailoutbox
):
    refused = [
        (stranger, "accept"),
        (stranger, "decline"),
        (stranger, "withdraw"),
        (asker, "accept"),
        (asker, "decline"),
        (answerer, "withdraw"),
        (make_moderator(), "accept"),  # staff read exchanges in the admin; they do not answer
    ]
    for user, step in refused:
        assert login(client, user).post(step_url(exchange, step)).status_code == 403, (user, step)
    exchange.refresh_from_db()
    assert exchange.status == "requested"
    assert mailoutbox == []


def test_the_steps_take_post_only(client, exchange, answerer):
    login(client, answerer)
    for step in ("accept", "decline", "withdraw"):
        assert client.get(step_url(exchange, step)).status_code == 405
    assert client.post(f"/en/projects/exchanges/{exchange.pk + 1000}/accept/").status_code == 404


def test_nothing_is_revealed_before_acceptance_and_both_sides_get_each_other_s_addresses_after(
    client, asker, asking, asked, answerer, stranger, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        login(client, asker).post(ask_url(asked), REQUEST)
    exchange = Exchange.objects.get()
    pages = [
        login(client, user).get(url).text
        for user in (asker, answerer, stranger)
        for url in ("/en/my/", asked.get_absolute_url(), ask_url(asked))
    ]
    assert all(addresses_in(page) == [] for page in pages)
    before = len(mailoutbox)
    assert all(addresses_in(message.body + message.subject) == [] for message in mailoutbox)

    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, answerer).post(step_url(exchange, "accept"), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "You accepted the request of “Asking co-operative”: the editors of both projects are receiving "
        "each other's e-mail addresses."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.answered_by) == ("accepted", answerer)
    assert exchange.answered_at is not None
    accepted = sent(mailoutbox[before:])
    assert sorted(accepted) == sorted(ASKING_EMAILS + ASKED_EMAILS)
    for address in ASKING_EMAILS:
        assert accepted[address].subject == "Exchange with Asked co-operative accepted"
        assert addresses_in(accepted[address].body) == sorted(ASKED_EMAILS)
        assert f"Bea <{ASKED_EMAILS[0]}>" in accepted[address].body
    for address in ASKED_EMAILS:
        assert accepted[address].subject == "Exchange with Asking co-operative accepted"
        assert addresses_in(accepted[address].body) == sorted(ASKING_EMAILS)
        assert f"Ana <{ASKING_EMAILS[0]}>" in accepted[address].body

    # On the two sides' pages, the other side's editors; to anyone else, nothing.
    assert addresses_in(login(client, asker).get("/en/my/").text) == sorted(ASKED_EMAILS)
    assert addresses_in(login(client, answerer).get("/en/my/").text) == sorted(ASKING_EMAILS)
    assert f'<a href="mailto:{ASKED_EMAILS[0]}">' in login(client, asker).get("/en/my/").text
    outsider = make_user()
    make_project().editors.add(outsider)
    for user in (stranger, outsider):
        assert addresses_in(login(client, user).get("/en/my/").text) == []
    client.logout()
    assert addresses_in(client.get(asked.get_absolute_url()).text) == []


def test_declining_tells_the_asking_group_politely_and_reveals_nothing(
    client, exchange, asker, answerer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, answerer).post(step_url(exchange, "decline"), follow=True)

    assert [str(m) for m in response.context["messages"]] == [
        "You declined the request of “Asking co-operative”. They are told so; no address is shared."
    ]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.answered_by) == ("declined", answerer)
    messages = sent(mailoutbox)
    assert sorted(messages) == sorted(ASKING_EMAILS)
    for message in messages.values():
        assert message.subject == "Asked co-operative cannot take up your request"
        assert "cannot take it up. Thank you for reaching out" in message.body
        assert addresses_in(message.body) == []
    for user in (asker, answerer):
        assert addresses_in(login(client, user).get("/en/my/").text) == []


def test_the_asking_group_withdraws_its_request(
    client, exchange, asker, answerer, mailoutbox, django_capture_on_commit_callbacks
):
    response = login(client, asker).post(step_url(exchange, "withdraw"), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["Your request to “Asked co-operative” is withdrawn."]
    exchange.refresh_from_db()
    assert (exchange.status, exchange.answered_by) == ("withdrawn", asker)

    # Too late to accept: said plainly, nothing changes, nobody is mailed.
    with django_capture_on_commit_callbacks(execute=True):
        late = login(client, answerer).post(step_url(exchange, "accept"), follow=True)
    assert [str(m) for m in late.context["messages"]] == ["This request has already been answered or withdrawn."]
    exchange.refresh_from_db()
    assert exchange.status == "withdrawn"
    assert mailoutbox == []
    assert addresses_in(late.text) == []


def test_answering_twice_is_harmless(client, exchange, answerer, mailoutbox, django_capture_on_commit_callbacks):
    login(client, answerer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(step_url(exchange, "accept"))
    mails = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(step_url(exchange, "accept"), follow=True)
        declined = client.post(step_url(exchange, "decline"), follow=True)

    assert again.status_code == declined.status_code == 200
    assert [str(m) for m in declined.context["messages"]] == ["This request has already been answered or withdrawn."]
    exchange.refresh_from_db()
    assert exchange.status == "accepted"
    assert len(mailoutbox) == mails


def test_an_exchange_with_a_project_no_longer_listed_cannot_be_accepted(
    client, exchange, asking, answerer, mailoutbox, django_capture_on_commit_callbacks
):
    asking.archive(by=make_moderator())
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, answerer).post(step_url(exchange, "accept"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "One of the two projects is no longer listed: the exchange cannot be accepted."
    ]
    exchange.refresh_from_db()
    assert exchange.status == "requested"
    assert mailoutbox == []


def test_for_user_holds_the_exchanges_of_the_user_s_projects_only(exchange, asker, answerer, stranger, asked):
    other = Exchange.objects.create(asking=make_project(), asked=make_project(), kind="call", message="Elsewhere")
    assert list(Exchange.objects.for_user(asker)) == [exchange]
    assert list(Exchange.objects.for_user(answerer)) == [exchange]
    assert list(Exchange.objects.for_user(stranger)) == []
    [mine] = Exchange.objects.for_user(answerer)
    assert (mine.user_asks, mine.user_is_asked) == (False, True)
    assert other not in Exchange.objects.for_user(asker)
    assert exchange.can_answer(answerer) and not exchange.can_answer(asker)
    assert exchange.can_withdraw(asker) and not exchange.can_withdraw(answerer)
    # Before acceptance the model itself gives no address.
    assert exchange.addresses_for_asking() == exchange.addresses_for_asked() == []


# --- The user's page, the project page, the admin, the statistics, personal data --------------


def test_my_page_reads_the_same_number_of_queries_for_1_and_3_exchanges(
    client, asker, asking, answerer, django_assert_num_queries
):
    def add_exchange(accepted):
        group = make_project()
        group.editors.add(make_user(), make_user())
        exchange = Exchange.objects.create(asking=asking, asked=group, asked_by=asker, kind="visit", message="Hi")
        if accepted:
            Exchange.objects.filter(pk=exchange.pk).update(status="accepted")
        incoming = Exchange.objects.create(asking=group, asked=asking, kind="call", message="Hello")
        return incoming

    login(client, asker)
    add_exchange(accepted=True)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/en/my/").status_code == 200
    add_exchange(accepted=False)
    add_exchange(accepted=True)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get("/en/my/")
    assert len(response.context["exchanges"].outgoing) == len(response.context["exchanges"].incoming) == 3


def test_the_project_page_links_to_the_request_form_the_same_for_everyone(client, asked, asker):
    link = f'<a href="{ask_url(asked)}">Ask this group for an exchange</a>'
    assert link in client.get(asked.get_absolute_url()).text
    assert link in login(client, asker).get(asked.get_absolute_url()).text


def test_staff_see_every_exchange_in_the_admin_read_only(client, exchange):
    Exchange.objects.create(asking=make_project(name_en="Third"), asked=make_project(), kind="call", message="x")
    client.force_login(make_user(is_staff=True, is_superuser=True))

    changelist = client.get("/admin/projects/exchange/")
    assert changelist.status_code == 200
    assert changelist.context["cl"].result_count == 2
    assert "Asking co-operative" in changelist.text
    filtered = client.get("/admin/projects/exchange/?status__exact=requested&kind__exact=call&q=Asking")
    assert filtered.context["cl"].result_count == 1
    page = client.get(f"/admin/projects/exchange/{exchange.pk}/change/")
    assert page.status_code == 200
    assert "A call?" in page.text
    assert 'name="message"' not in page.text  # read-only: shown, not editable
    assert client.get("/admin/projects/exchange/add/").status_code == 403


def test_the_admin_list_reads_the_same_number_of_queries_for_1_and_3_exchanges(client, exchange):
    client.force_login(make_user(is_staff=True, is_superuser=True))

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get("/admin/projects/exchange/").status_code == 200
        return len(context)

    one = queries()
    for _ in range(2):
        Exchange.objects.create(asking=make_project(), asked=make_project(), kind="call", message="x")
    assert queries() == one


def test_moderators_see_exchanges_in_the_admin(client, exchange):
    client.force_login(make_moderator())
    assert client.get("/admin/projects/exchange/").status_code == 200


def test_statistics_count_the_exchanges_asked_and_accepted(client, exchange, asking, answerer):
    exchange.accept(by=answerer)
    Exchange.objects.create(asking=asking, asked=make_project(), kind="call", message="One")
    Exchange.objects.create(asking=make_project(), asked=asking, kind="visit", message="Two", status="declined")

    response = client.get("/en/stats/")

    assert response.context["exchanges"] == {"asked": 3, "accepted": 1}
    assert "<div><dt>exchanges asked</dt><dd>3</dd></div>" in response.text
    assert "<div><dt>exchanges accepted</dt><dd>1</dd></div>" in response.text


def test_personal_data_holds_the_requests_a_person_asked_and_answered_without_addresses(
    client, exchange, asker, answerer
):
    exchange.accept(by=answerer)
    mine = json.loads(login(client, asker).get("/en/accounts/data/").content)
    assert mine["exchanges_asked"] == [
        {
            "from_project": "Asking co-operative",
            "to_project": "Asked co-operative",
            "kind": "call",
            "message": "A call?",
            "status": "accepted",
            "sent": exchange.created_at.isoformat(),
        }
    ]
    assert mine["exchanges_answered"] == []
    theirs = json.loads(login(client, answerer).get("/en/accounts/data/").content)
    assert [item["status"] for item in theirs["exchanges_answered"]] == ["accepted"]
    assert theirs["exchanges_asked"] == []
    for data, own in [(mine, ASKING_EMAILS[0]), (theirs, ASKED_EMAILS[0])]:
        assert addresses_in(json.dumps(data)) == [own]


def test_deleting_the_asker_s_account_keeps_the_exchange(client, exchange, asker, answerer):
    exchange.accept(by=answerer)
    asker.delete()
    exchange.refresh_from_db()
    assert exchange.asked_by is None
    response = login(client, answerer).get("/en/my/")
    assert response.status_code == 200
    assert [e.pk for e in response.context["exchanges"].incoming] == [exchange.pk]
    # The account is gone, and its address with it; the co-editor's remains.
    assert addresses_in(response.text) == [ASKING_EMAILS[1]]
