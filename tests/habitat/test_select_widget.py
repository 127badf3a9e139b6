"""Our select template (templates/django/forms/widgets/select.html) writes each option itself
instead of including a template per option: the same HTML as Django's own."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils import translation


class Choices(forms.Form):
    single = forms.ChoiceField(
        choices=[("", "—"), ("x", "X & <y>"), ("Group", [("g1", "G1"), ("g2", "G2")])], required=False
    )
    several = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")], required=False)
    answer = forms.NullBooleanField()


def tags(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.mark.parametrize("language", ["en", "fr"])
def test_selects_render_as_django_renders_them(language):
    data = {"single": "g2", "several": ["1", "3"], "answer": "true"}
    with translation.override(language):
        ours = [str(field) for field in Choices(data)]
        django_s = [str(field) for field in Choices(data, renderer=DjangoTemplates())]
    assert [tags(html) for html in ours] == [tags(html) for html in django_s]
    assert '<option value="g2" selected>G2</option>' in ours[0]
    assert "X &amp; &lt;y&gt;" in ours[0]


def test_the_form_renderer_takes_our_select_template(settings):
    from django.forms.renderers import get_default_renderer

    template = get_default_renderer().get_template("django/forms/widgets/select.html")
    assert str(template.origin.name).startswith(str(settings.BASE_DIR / "templates"))
