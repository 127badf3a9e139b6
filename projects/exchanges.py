"""Exchanges between groups, seen by their editors: asking a listed project for a visit, a call,
documents or technical help, answering, withdrawing, and the list on the user's page (/my/).

Who may do what is decided by ``Exchange`` (``may_ask``, ``can_answer``, ``can_withdraw``)
and its step methods; the views here fetch, call them and say what happened.
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from habitat import ratelimits
from habitat.ratelimits import RateLimit
from projects import notifications
from projects.models import Exchange, InvalidTransition, Project

# Each request sends e-mail to every editor of the asked project: like the visitors' contact
# form (projects.views.CONTACT_LIMITS), a person asks a few groups an hour, and a group
# receives at most a day's worth of requests however many people ask.
EXCHANGE_LIMITS = (
    RateLimit("exchange-user", limit=5, period=60 * 60),
    RateLimit("exchange-project", limit=20, period=24 * 60 * 60),
)


class ExchangeForm(forms.ModelForm):
    """What a group asks: which of its editor's listed projects asks (a choice only for an
    editor of several), what for, and its message."""

    # Radio buttons show every kind at once; declared so that no empty "---------" choice appears.
    kind = forms.ChoiceField(
        label=gettext_lazy("What does your group ask for?"),
        choices=[(value, capfirst(label)) for value, label in Exchange.Kind.choices],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose what your group asks for."),
            "invalid_choice": gettext_lazy("Choose one of the kinds of exchange listed."),
        },
    )

    class Meta:
        model = Exchange
        fields = ["asking", "kind", "message"]
        labels = {
            "asking": gettext_lazy("Which of your projects asks?"),
            "message": gettext_lazy("Your message to the group"),
        }
        help_texts = {
            "message": gettext_lazy(
                "Say who you are, what you would like and when. No e-mail address is sent: if the group "
                "accepts, the editors of both projects receive each other's addresses."
            ),
        }
        widgets = {"asking": forms.RadioSelect, "message": forms.Textarea(attrs={"rows": 8})}
        error_messages = {
            "asking": {
                "required": gettext_lazy("Choose which of your projects asks."),
                "invalid_choice": gettext_lazy("Choose one of your listed projects."),
            },
            "message": {
                "required": gettext_lazy("Write a message, so that the group knows what you ask."),
                "max_length": gettext_lazy(
                    "Keep your message under %(limit_value)d characters (it has %(show_value)d)."
                ),
            },
        }

    def __init__(self, *args, askers, asked, **kwargs):
        super().__init__(*args, instance=Exchange(asked=asked), **kwargs)
        if len(askers) == 1:
            # The one project the editor has: no question to ask.
            del self.fields["asking"]
            self.instance.asking = askers[0]
        else:
            self.fields["asking"].queryset = Project.objects.filter(pk__in=[project.pk for project in askers])
            self.fields["asking"].empty_label = None

    def clean(self):
        cleaned = super().clean()
        asking = cleaned.get("asking") if "asking" in self.fields else self.instance.asking
        # The constraint holds in the database too; said here by the field, in words.
        if asking and Exchange.objects.open().filter(asking=asking, asked=self.instance.asked).exists():
            message = _(
                "“%(name)s” has already asked this group; the request waits for their answer. "
                "You can withdraw it on your page."
            ) % {"name": asking.name}
            self.add_error("asking" if "asking" in self.fields else None, message)
        return cleaned


def _unavailable(request, project, reason):
    """The page for someone who cannot ask this project, saying why and what to do."""
    return render(request, "projects/exchange.html", {"project": project, "reason": reason})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def ask(request, slug):
    """An editor of a listed project asks this listed project for an exchange."""
    asked = get_object_or_404(Project.objects.public(), slug=slug)
    askers = list(Project.objects.public().filter(editors=request.user).exclude(pk=asked.pk).order_by("slug"))
    if not askers:
        return _unavailable(request, asked, "own" if asked.is_editor(request.user) else "unlisted")
    if not notifications.editors(asked).exists():
        return _unavailable(request, asked, "nobody")
    form = ExchangeForm(request.POST if request.method == "POST" else None, askers=askers, asked=asked)
    status = 200
    if form.is_valid():
        counted = [(EXCHANGE_LIMITS[0], request.user.pk), (EXCHANGE_LIMITS[1], asked.pk)]
        if ratelimits.exceeded(counted):
            form.add_error(
                None,
                _(
                    "Too many requests have come from you or gone to this group lately. "
                    "Your text is kept here: try again later."
                ),
            )
            status = 429
        else:
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    Exchange.ask(
                        asking=data.get("asking") or form.instance.asking,
                        asked=asked,
                        kind=data["kind"],
                        message=data["message"],
                        by=request.user,
                    )
            except IntegrityError:
                # Another request of the same project was saved at the same instant.
                form.add_error(None, _("Your project has already asked this group; the request waits for an answer."))
            except ValidationError as error:
                form.add_error(None, " ".join(error.messages))
            else:
                ratelimits.record(counted)
                messages.success(
                    request,
                    _(
                        "Your request is on its way to the group of “%(name)s”. "
                        "Their answer will show here, among your exchanges."
                    )
                    % {"name": asked.name},
                )
                return redirect(reverse("my-projects") + "#exchanges-heading")
    return render(request, "projects/exchange.html", {"project": asked, "form": form}, status=status)


def _step(request, pk, step, done):
    """Take ``step`` (accept, decline, withdraw) on exchange ``pk`` for the user, then back to
    their page. Who may take it is the model's rule (403 otherwise); a step already taken says
    so, harmlessly."""
    exchange = get_object_or_404(Exchange.objects.select_related("asking", "asked"), pk=pk)
    try:
        getattr(exchange, step)(by=request.user)
    except InvalidTransition as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, done(exchange))
    return redirect(reverse("my-projects") + "#exchanges-heading")


@login_required
@require_POST
def accept(request, pk):
    return _step(
        request,
        pk,
        "accept",
        lambda exchange: (
            _(
                "You accepted the request of “%(name)s”: the editors of both projects are receiving "
                "each other's e-mail addresses."
            )
            % {"name": exchange.asking.name}
        ),
    )


@login_required
@require_POST
def decline(request, pk):
    return _step(
        request,
        pk,
        "decline",
        lambda exchange: (
            _("You declined the request of “%(name)s”. They are told so; no address is shared.")
            % {"name": exchange.asking.name}
        ),
    )


@login_required
@require_POST
def withdraw(request, pk):
    return _step(
        request,
        pk,
        "withdraw",
        lambda exchange: _("Your request to “%(name)s” is withdrawn.") % {"name": exchange.asked.name},
    )


@dataclass
class MyExchanges:
    """The exchanges of a user's projects, as /my/ lists them."""

    incoming: list
    outgoing: list


def for_my_page(user):
    """The user's exchanges, asked of their projects and asked by them, in three queries
    whatever their number: the exchanges, and the editors of each side (whose addresses an
    accepted exchange shows to the other side)."""
    editors = notifications.reachable(get_user_model().objects.order_by("display_name", "pk"))
    exchanges = list(
        Exchange.objects.for_user(user)
        .select_related("asking", "asked", "asked_by", "answered_by")
        .prefetch_related(
            Prefetch("asking__editors", queryset=editors),
            Prefetch("asked__editors", queryset=editors),
        )
    )
    return MyExchanges(
        incoming=[exchange for exchange in exchanges if exchange.user_is_asked],
        outgoing=[exchange for exchange in exchanges if exchange.user_asks],
    )
