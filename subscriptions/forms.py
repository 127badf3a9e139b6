from django import forms
from django.utils.translation import gettext_lazy as _

from projects.forms import EMAIL_ERRORS, HoneypotMixin, honeypot_field
from subscriptions.models import Subscription


class SubscriptionForm(HoneypotMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail"),
        help_text=_("We write to it only to send this news. Nobody else sees it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={**EMAIL_ERRORS, "required": _("Give the e-mail address the news should go to.")},
    )
    frequency = forms.ChoiceField(
        label=_("How often"),
        choices=Subscription.Frequency.choices,
        initial=Subscription.Frequency.WEEKLY,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how often."), "invalid_choice": _("Choose one of the options listed.")},
    )
    # The list's filters, carried from the page the visitor came from.
    query = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)
    topic = honeypot_field()
