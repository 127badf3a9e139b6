"""Everything the platform holds about one person, as they may download it (their right of
access), in one place: a model that starts holding something about a user belongs here too.

What is left out on purpose: secrets (password hash, second-factor secrets, recovery codes,
invitation tokens) and other people's addresses, except those the person typed themselves
(the co-editors they invited). Co-editors appear by their display name, as everywhere else.
Sessions are left out too: they hold the sign-in itself and nothing else about the person.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from reversion.models import Revision

from projects.models import EditorInvitation, Exchange, ModerationEvent, ProjectReport
from subscriptions.models import Follow, Subscription


def _when(value):
    return value.isoformat() if value else None


def _project(project):
    return {
        "id": project.pk,
        "name": project.name,
        "status": project.status,
        "url": settings.SITE_URL + project.get_absolute_url(),
    }


def personal_data(user):
    """A JSON-ready dict of every row that concerns ``user``."""
    addresses = list(EmailAddress.objects.filter(user=user).order_by("-primary", "email"))
    known_addresses = {address.email.lower() for address in addresses} | {user.email.lower()}
    projects = user.edited_projects.filter(revision_of__isnull=True).prefetch_related("editors").order_by("pk")
    return {
        "format": "SPH platform personal data, version 1",
        "exported_at": timezone.now().isoformat(),
        "account": {
            "display_name": user.display_name,
            "email": user.email,
            "language": user.language,
            "joined": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
            "staff": user.is_staff,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary} for address in addresses
        ],
        "second_factors": [
            {
                "type": authenticator.type,
                "created": _when(authenticator.created_at),
                "last_used": _when(authenticator.last_used_at),
            }
            for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
        ],
        "projects_edited": [
            {
                **_project(project),
                "co_editors": [editor.public_name for editor in project.editors.all() if editor != user],
            }
            for project in projects
        ],
        "moderation_steps": [
            {
                "project": event.project.name,
                "action": event.action,
                "message": event.message,
                "when": _when(event.created_at),
            }
            for event in ModerationEvent.objects.filter(actor=user)
            .select_related("project")
            .order_by("created_at", "pk")
        ],
        "invitations_sent": [
            {
                "project": invitation.project.name,
                "email": invitation.email,
                "sent": _when(invitation.created_at),
                "accepted": _when(invitation.accepted_at),
            }
            for invitation in EditorInvitation.objects.filter(invited_by=user).select_related("project").order_by("pk")
        ],
        "invitations_accepted": [
            {"project": invitation.project.name, "accepted": _when(invitation.accepted_at)}
            for invitation in EditorInvitation.objects.filter(accepted_by=user).select_related("project").order_by("pk")
        ],
        # Exchanges between groups: the requests this person wrote, and the ones they answered or
        # withdrew. Nobody's address: those of an accepted exchange are the other group's.
        "exchanges_asked": [
            {
                "from_project": exchange.asking.name,
                "to_project": exchange.asked.name,
                "kind": exchange.kind,
                "message": exchange.message,
                "status": exchange.status,
                "sent": _when(exchange.created_at),
            }
            for exchange in Exchange.objects.filter(asked_by=user).select_related("asking", "asked").order_by("pk")
        ],
        "exchanges_answered": [
            {
                "from_project": exchange.asking.name,
                "to_project": exchange.asked.name,
                "status": exchange.status,
                "when": _when(exchange.answered_at),
            }
            for exchange in Exchange.objects.filter(answered_by=user).select_related("asking", "asked").order_by("pk")
        ],
        # Reports carry the address their sender typed, if any: the ones typed with one of
        # this account's addresses are theirs.
        "problem_reports_sent": [
            {
                "project": report.project.name,
                "kind": report.kind,
                "message": report.message,
                "sent": _when(report.created_at),
            }
            for report in ProjectReport.objects.filter(
                Q(*[Q(email__iexact=address) for address in known_addresses], _connector=Q.OR)
            )
            .select_related("project")
            .order_by("pk")
        ],
        # What the person follows, and the e-mail subscriptions of their addresses (a
        # subscription needs no account: the address is what it belongs to).
        "follows": [
            {"follows": str(follow.target), "since": _when(follow.created_at)}
            for follow in Follow.objects.filter(user=user).select_related("project", "organisation", "hub")
        ],
        "email_subscriptions": [
            {
                "email": subscription.email,
                "filters": subscription.query,
                "frequency": subscription.frequency,
                "asked": _when(subscription.created_at),
                "confirmed": _when(subscription.confirmed_at),
                "last_digest": _when(subscription.last_sent_at),
            }
            for subscription in Subscription.objects.filter(
                Q(*[Q(email__iexact=address) for address in known_addresses], _connector=Q.OR)
            ).order_by("pk")
        ],
        "changes_saved": [
            {"when": _when(revision.date_created), "what": revision.comment}
            for revision in Revision.objects.filter(user=user).order_by("date_created", "pk")
        ],
    }
