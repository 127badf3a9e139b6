"""Subscriptions by e-mail (no account) and follows (signed-in users)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from habitat import ratelimits
from habitat.ratelimits import RateLimit
from subscriptions import digests
from subscriptions.follows import follow_target
from subscriptions.forms import SubscriptionForm
from subscriptions.models import Follow, Subscription

QUERY_MAX_LENGTH = Subscription._meta.get_field("query").max_length

# Each subscription sends a message asking to confirm it: a few per connection an hour, and
# a few a day to one address, so that the form cannot be used to flood someone's mailbox.
SUBSCRIBE_LIMITS = (
    RateLimit("subscribe-ip", limit=5, period=60 * 60),
    RateLimit("subscribe-address", limit=3, period=24 * 60 * 60),
)


@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """Ask for the digest of the list's filters (those of the page the visitor came from)."""
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        query = request.POST.get("query", "")
    else:
        query = request.GET.urlencode()
        form = None
    filterset = digests.filters_of(query)
    if not filterset.is_valid() or len(filterset.filter_query()) > QUERY_MAX_LENGTH:
        return render(request, "subscriptions/subscribe.html", {"filterset": filterset, "form": None}, status=400)
    query = filterset.filter_query()
    if form is None:
        form = SubscriptionForm(initial={"query": query})
    elif form.filled_honeypot():
        # Answered as if it had worked, so that a robot learns nothing; nothing is sent.
        return redirect("subscriptions:sent")
    elif form.is_valid():
        email = form.cleaned_data["email"]
        counted = [(SUBSCRIBE_LIMITS[0], ratelimits.client_address(request)), (SUBSCRIBE_LIMITS[1], email.lower())]
        if not ratelimits.exceeded(counted):
            ratelimits.record(counted)
            subscription = _subscription_for(email, query, form.cleaned_data["frequency"])
            digests.send_confirmation(subscription)
            return redirect("subscriptions:sent")
        form.add_error(
            None,
            _(
                "Too many subscriptions have been asked from your connection or for this address lately. "
                "Try again later."
            ),
        )
        return _subscribe_page(request, filterset, form, status=429)
    return _subscribe_page(request, filterset, form, status=400 if form.is_bound else 200)


def _subscribe_page(request, filterset, form, status):
    context = {
        "filterset": filterset,
        "form": form,
        "query": filterset.filter_query(),
        "description": digests.describe(filterset),
    }
    return render(request, "subscriptions/subscribe.html", context, status=status)


def _subscription_for(email, query, frequency):
    """The subscription of ``email`` to ``query``: a new one waiting for confirmation, or the
    one already there (a second request sends the confirmation again; a confirmed one keeps its
    frequency until confirmed anew, so that nobody else can change it)."""
    existing = Subscription.objects.filter(email__iexact=email, query=query).first()
    if existing is not None:
        if not existing.is_confirmed:
            existing.frequency = frequency
            existing.language = translation.get_language()
            existing.save(update_fields=["frequency", "language"])
        return existing
    try:
        with transaction.atomic():
            return Subscription.objects.create(
                email=email, query=query, frequency=frequency, language=translation.get_language()
            )
    except IntegrityError:
        # Asked twice at the same instant: the other request made it.
        return Subscription.objects.get(email__iexact=email, query=query)


@require_http_methods(["GET", "HEAD"])
def sent(request):
    return render(request, "subscriptions/sent.html")


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    """The link of the confirmation message. Opening it shows a button: programs that open
    every link of a message to check it must not subscribe anyone."""
    subscription = Subscription.objects.filter(token=token).first()
    if subscription is None:
        return render(request, "subscriptions/gone.html", status=404)
    if request.method == "POST":
        if subscription.confirm():
            messages.success(
                request, _("Your subscription is confirmed. The first news will come with the next digest.")
            )
        else:
            messages.info(request, _("Your subscription was already confirmed."))
        return redirect("subscriptions:confirm", token=token)
    return render(
        request,
        "subscriptions/confirm.html",
        {"subscription": subscription, "description": subscription.describe(), "list_url": _list_path(subscription)},
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """Every message's unsubscribe link. A mail program's own "Unsubscribe" button posts here
    (RFC 8058, List-Unsubscribe-Post) with no form of ours: hence no CSRF token, which is
    harmless, since the secret token in the address is what proves the right to unsubscribe.
    The link in the message's text opens a page with one button, for the reason given in
    ``confirm``; the address is then forgotten."""
    subscription = Subscription.objects.filter(token=token).first()
    if request.method == "POST":
        if subscription is not None:
            subscription.delete()
        return render(request, "subscriptions/unsubscribed.html")
    if subscription is None:
        return render(request, "subscriptions/gone.html", status=404)
    return render(
        request,
        "subscriptions/unsubscribe.html",
        {"subscription": subscription, "description": subscription.describe()},
    )


def _list_path(subscription):
    path = reverse("projects:list")
    return f"{path}?{subscription.query}" if subscription.query else path


@login_required
@require_POST
def follow(request):
    """Follow, or stop following, a project, an organisation or a HUB; back to its page."""
    target_kind = request.POST.get("target", "")
    if target_kind not in Follow.TARGETS:
        raise Http404("Nothing of this kind can be followed.")
    target = follow_target(target_kind, request.POST.get("slug", ""))
    if target is None:
        raise Http404("Nothing to follow here.")
    following = Follow.objects.filter(user=request.user, **{target_kind: target})
    if request.POST.get("action") == "unfollow":
        following.delete()
        messages.success(request, _("You no longer follow “%(name)s”.") % {"name": target})
    else:
        if not following.exists():
            try:
                with transaction.atomic():
                    Follow.objects.create(user=request.user, **{target_kind: target})
            except IntegrityError:
                pass  # Followed by another request at the same instant.
        messages.success(
            request, _("You follow “%(name)s”: its news shows on your page, My projects.") % {"name": target}
        )
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = target.get_absolute_url()
    return redirect(back)
