"""How django-allauth fits the site: its e-mails go through our queue, in our words."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.utils.translation import gettext

from habitat.mail import queue_email


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Queue the message instead of sending it inside the request.

        Besides keeping a slow mail server away from the page, this keeps a password reset
        for a known address as fast as one for an unknown address (which sends nothing), so
        the timing does not tell whether an address has an account.
        """
        site = SimpleNamespace(name=gettext("SPH platform"), domain=urlsplit(settings.SITE_URL).netloc)
        message = self.render_mail(
            template_prefix,
            email,
            {"request": allauth_context.request, "email": email, "current_site": site, **context},
        )
        queue_email(subject=message.subject, body=message.body, to=message.to)

    def format_email_subject(self, subject):
        # Translators: the subject of the account e-mails (sign-up, password reset).
        return gettext("SPH platform: %(subject)s") % {"subject": subject}
