"""Accounts made before usernames were random got one made from their e-mail address by
django-allauth ("ana" for ana@example.org, "ana2"...). Such a username names someone by their
address wherever it shows (the admin's history, for one), so it becomes random too. People sign
in with their address, so nobody has to learn anything new."""

import re
import secrets

from django.db import migrations


def made_from_the_address(username, email):
    local = re.sub(r"[^\w.@+-]", "", email.split("@")[0].lower())
    return bool(local) and username.lower().startswith(local[:30])


def randomise(apps, schema_editor):
    User = apps.get_model("habitat", "User")
    for user in User.objects.exclude(email=""):
        if made_from_the_address(user.username, user.email):
            user.username = f"member-{secrets.token_hex(8)}"
            user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [
        ("habitat", "0004_display_name_language_cleaned_logo"),
    ]

    operations = [migrations.RunPython(randomise, migrations.RunPython.noop)]
