"""A form sent back with errors in Debian's Chromium: its error summary has the focus once the
page has loaded, with or without JavaScript, and each of its links takes the focus to the field
(habitat/templatetags/form_errors.py, docs/accessibility.md)."""

import pytest
from django import forms
from django.template import engines
from playwright.sync_api import Page, expect

from tests.factories import make_project

pytestmark = pytest.mark.browser

SUMMARY = ".error-summary"


@pytest.fixture
def project(transactional_db):
    return make_project(name_en="Kalkbreite", contact_email="group@example.org")


def send_past_the_browsers_checks(page: Page, button):
    """Send the form as it is, so that the server's errors come back (the browser would stop
    at its own checks of required fields first)."""
    page.locator("main form[method=post]").evaluate("form => { form.noValidate = true; }")
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def test_summary_has_the_focus_and_its_link_moves_it_to_the_field(page: Page, project, page_errors):
    page.goto(f"/en/projects/{project.slug}/contact/")
    page.get_by_label("Your name").fill("Ana Souza")
    page.get_by_label("Your e-mail").fill("ana@")
    send_past_the_browsers_checks(page, "Send the message")

    expect(page.locator(SUMMARY)).to_be_focused()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.title().startswith("Error: ")
    # What the people typed is still there.
    expect(page.get_by_label("Your e-mail")).to_have_value("ana@")

    page.locator(SUMMARY).get_by_role("link", name="Your message — ").click()

    expect(page.locator("#id_message")).to_be_focused()
    assert page.evaluate("document.activeElement.id") == "id_message"
    assert page_errors == []


def test_summary_link_is_reached_and_followed_with_the_keyboard(page: Page, project):
    page.goto(f"/en/projects/{project.slug}/report/")
    page.get_by_label("What is wrong?").fill("The co-operative has 48 dwellings, not 50.")
    send_past_the_browsers_checks(page, "Send the report")
    expect(page.locator(SUMMARY)).to_be_focused()

    page.keyboard.press("Tab")
    expect(page.locator(SUMMARY).get_by_role("link")).to_be_focused()
    page.keyboard.press("Enter")

    # A group of radio buttons is reached by its first.
    expect(page.locator("#id_kind_0")).to_be_focused()


def test_summary_has_the_focus_without_javascript(new_context, project):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(f"/en/projects/{project.slug}/contact/")
    # Without JavaScript the browser's own checks stop an empty required field; an address
    # with no top-level domain passes them, and the server refuses it.
    page.get_by_label("Your name").fill("Ana Souza")
    page.get_by_label("Your e-mail").fill("ana@example")
    page.get_by_label("Your message").fill("Could our group visit you in May?")
    with page.expect_navigation():
        page.get_by_role("button", name="Send the message").click()

    expect(page.locator(SUMMARY)).to_be_focused()


class FormWithAutofocus(forms.Form):
    name = forms.CharField(label="Name")
    email = forms.EmailField(label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True}))


def test_field_with_autofocus_does_not_take_the_focus_from_the_summary(page: Page):
    # No form of ours asks for autofocus today; a field that would, after the summary, must not
    # win: the browser focuses the first element with autofocus, and the summary comes first.
    template = engines["django"].from_string(
        "{% load form_errors %}<!DOCTYPE html><html lang='en'><title>Test</title><main><form method='post'>"
        "{% error_summary form %}{% for field in form %}{% include 'forms/field.html' %}{% endfor %}"
        "</form></main></html>"
    )
    page.set_content(template.render({"form": FormWithAutofocus({"email": "not an address"})}))

    expect(page.locator(SUMMARY)).to_be_focused()
    expect(page.locator("#id_email")).to_have_attribute("autofocus", "")


def test_summary_fits_a_phone(new_context, project):
    phone = new_context(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True).new_page()
    phone.goto(f"/en/projects/{project.slug}/report/")
    send_past_the_browsers_checks(phone, "Send the report")

    summary = phone.locator(SUMMARY).bounding_box()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert summary["x"] >= 0 and summary["x"] + summary["width"] <= 360
    for link in phone.locator(SUMMARY).get_by_role("link").all():
        assert link.bounding_box()["height"] >= 24
