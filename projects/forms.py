"""Forms that visitors fill in on a public project page: writing to the group, reporting a problem.

(The group's own editing forms live in projects/sections.py.)
"""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from projects.models import ProjectReport

EMAIL_ERRORS = {
    "invalid": _("This e-mail address does not look complete: check it, for example name@example.org."),
}


class HoneypotMixin:
    """A field that people never see and robots fill in.

    It sits off screen, out of the tab order and hidden from screen readers; its label tells
    anyone who reaches it anyway to leave it empty. A form that comes back with it filled is
    answered as if it had worked, so that the robot learns nothing, and nothing is sent.
    """

    honeypot_name = "topic"

    def filled_honeypot(self):
        return bool(self.data.get(self.add_prefix(self.honeypot_name), "").strip())


def honeypot_field():
    return forms.CharField(
        required=False,
        label=_("Leave this field empty"),
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )


class ContactForm(HoneypotMixin, forms.Form):
    name = forms.CharField(
        label=_("Your name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": _("Write your name, so that the group knows who writes.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("The group answers you at this address. Nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            **EMAIL_ERRORS,
            "required": _("Give your e-mail address, or the group cannot answer you."),
        },
    )
    message = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Write your message."),
            "max_length": _("Keep your message under %(limit_value)d characters (it has %(show_value)d)."),
        },
    )
    topic = honeypot_field()


class ReportForm(HoneypotMixin, forms.ModelForm):
    # Radio buttons show every kind of problem at once; declared here so that no empty
    # "---------" choice appears among them.
    kind = forms.ChoiceField(
        label=_("What kind of problem is it?"),
        choices=[(value, capfirst(label)) for value, label in ProjectReport.Kind.choices],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the kind of problem."),
            "invalid_choice": _("Choose one of the kinds of problem listed."),
        },
    )
    topic = honeypot_field()

    class Meta:
        model = ProjectReport
        fields = ["kind", "message", "email"]
        labels = {"message": _("What is wrong?")}
        help_texts = {
            "message": _("Say what you saw and, if you know it, what is right."),
            "email": _("Only the moderators see it, in case they need to ask you more."),
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 6}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
        }
        error_messages = {
            "message": {
                "required": _("Say what is wrong, so that a moderator can check it."),
                "max_length": _("Keep your report under %(limit_value)d characters (it has %(show_value)d)."),
            },
            "email": EMAIL_ERRORS,
        }
