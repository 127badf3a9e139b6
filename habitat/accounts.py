"""How django-allauth fits the site: its e-mails go through our queue, in our words and in
the recipient's language, and nothing derived from an e-mail address names anyone."""

import re
import secrets
from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from habitat.mail import Recipient, layout_context, queue_email
from habitat.translation import LANGUAGE_CODES


def user_display(user):
    """How allauth names a user (its messages, its e-mails): the display name alone."""
    return user.public_name


def request_language(request):
    code = (getattr(request, "LANGUAGE_CODE", None) or translation.get_language() or "")[:2]
    return code if code in LANGUAGE_CODES else LANGUAGE_CODES[0]


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's recommended parameters (Password Storage Cheat Sheet: 19 MiB, 2
    passes, 1 lane): about 30 ms a hash on one core. Django's own (100 MiB, 8 lanes) took 0.13 s
    on two cores and held sign-ins for over a second while the site was busy. A hash made with
    other parameters is remade with these at the next sign-in."""

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1


class ContextWordsPasswordValidator:
    """Refuse a password that is little more than a word anyone would try first on this site
    (its name, its subject): "habitat2026!" or "Cooperative#1" (ASVS 6.2.11). The list is
    this class's ``words``; the password must hold at least ``min_other_letters`` letters
    besides the word."""

    words = (
        "socialproductionofhabitat",
        "habitat",
        "sph",
        "cooperative",
        "cooperativa",
        "housing",
        "logement",
        "vivienda",
    )
    min_other_letters = 5

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())
        for word in self.words:
            if word in letters and len(letters) - len(word) < self.min_other_letters:
                raise ValidationError(
                    _("This password is too easy to guess here: it is mostly the word “%(word)s”."),
                    code="password_context_word",
                    params={"word": word},
                )

    def get_help_text(self):
        return _("Your password cannot be mostly the name or the subject of this site.")


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        # allauth would make the username from the e-mail address ("ana" for ana@...): a
        # random one names nobody, and people sign in with their address anyway.
        if not user.username:
            user.username = f"member-{secrets.token_hex(8)}"

    def save_user(self, request, user, form, commit=True):
        """A new account: the name the person chose, and the language they signed up in."""
        user.display_name = form.cleaned_data["display_name"]
        user.language = request_language(request)
        return super().save_user(request, user, form, commit)

    def send_mail(self, template_prefix, email, context):
        """Queue the message instead of sending it inside the request, written in the
        language of the account it concerns.

        Besides keeping a slow mail server away from the page, the queue keeps a password
        reset for a known address as fast as one for an unknown address (which sends
        nothing), so the timing does not tell whether an address has an account.
        """
        request = allauth_context.request
        user = context.get("user") or get_user_model().objects.filter(email__iexact=email).first()
        if user is not None and user.pk:
            recipient = Recipient.of(user)
        else:
            recipient = Recipient(address=email, language=request_language(request))
        site = SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        with translation.override(recipient.language):
            message = self.render_mail(
                template_prefix,
                email,
                {"request": request, "email": email, "current_site": site, **context, **layout_context(recipient)},
            )
        queue_email(subject=message.subject, body=message.body, to=email)

    def format_email_subject(self, subject):
        # Translators: the subject of the account e-mails (sign-up, password reset).
        return gettext("SPH platform: %(subject)s") % {"subject": subject}
