from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from habitat.models import User

USERNAME = "demo-staff"
EMAIL = "staff@example.org"
PASSWORD = "demo-staff-password"


class Command(BaseCommand):
    help = "Create or update the demo staff account (development only) and print its login."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("The demo staff account exists only in development (DJANGO_DEBUG=true).")
        user, created = User.objects.get_or_create(username=USERNAME, defaults={"email": EMAIL})
        user.is_staff = user.is_superuser = user.is_active = True
        user.display_name = user.display_name or "Demo moderator"
        user.set_password(PASSWORD)
        user.save()
        # Verified already: the site's log-in asks for a verified address, and a demo has no mailbox.
        EmailAddress.objects.update_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
        self.stdout.write(
            self.style.SUCCESS(f"Demo staff login: {user.email} / {PASSWORD}  (http://127.0.0.1:8000/admin/)")
        )
