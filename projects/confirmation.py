"""Entries stay current: once a year (CONFIRMATION_INTERVAL_DAYS) each public project's editors
are asked, each in their language, whether its entry is still current, with a link to say so,
one to update it and one to archive it. With no answer after CONFIRMATION_GRACE_DAYS the
project's page says "not confirmed since …" and its marker fades (``project.unconfirmed()``).

The reminders are sent by a task on the database-backed worker, which `manage.py
remind_editors` queues once a day (deploy/sph-platform-reminders.timer). It may run any
number of times: a project asked once is not asked again until its group has answered and
another year has passed (``ProjectQuerySet.due_for_confirmation``).

Each link carries a signed token naming the project and the editor it was sent to, so that
an editor answers without signing in; it is refused once that person no longer edits it.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from habitat.mail import send_to_each
from projects import notifications
from projects.models import Project

logger = logging.getLogger(__name__)

SALT = "projects.confirmation"
# A link works for three months: long enough for a group that reads its mail rarely.
LINK_DAYS = 90
# Projects asked about per transaction: a run over a large directory commits as it goes.
BATCH = 200


def token_for(project, editor):
    return signing.dumps({"p": project.pk, "e": editor.pk}, salt=SALT)


def read_token(token):
    """``(project, editor)`` of a valid token whose editor still edits the project, or None."""
    try:
        data = signing.loads(token, salt=SALT, max_age=LINK_DAYS * 24 * 60 * 60)
        project = Project.objects.get(pk=data["p"], revision_of=None)
        editor = project.editors.get(pk=data["e"], is_active=True)
    except (signing.BadSignature, KeyError, TypeError, Project.DoesNotExist, get_user_model().DoesNotExist):
        return None
    return project, editor


def remind(project):
    """Ask each editor of ``project``, alone and in their language, whether it is current."""
    for editor in notifications.editors(project):
        with translation.override(editor.language):
            answer = reverse("projects:confirm", kwargs={"slug": project.slug, "token": token_for(project, editor)})
            edit = reverse("projects:edit", kwargs={"slug": project.slug})
        send_to_each(
            [editor],
            subject=lambda: _("Is “%(name)s” still current?") % {"name": project.name},
            template="projects/email/confirm.txt",
            context={
                "project": project,
                "answer_path": answer,
                "edit_path": edit,
                "grace_days": settings.CONFIRMATION_GRACE_DAYS,
            },
        )


@task()
def send_reminders():
    """Ask the editors of every project due for confirmation; return how many were asked.
    Each project is marked as asked in the transaction that queues its messages."""
    asked = 0
    while True:
        with transaction.atomic():
            due = list(
                Project.objects.due_for_confirmation().select_for_update(skip_locked=True).order_by("pk")[:BATCH]
            )
            for project in due:
                remind(project)
            Project.objects.filter(pk__in=[project.pk for project in due]).update(
                confirmation_requested_at=timezone.now()
            )
        asked += len(due)
        if len(due) < BATCH:
            break
    logger.info("Asked the editors of %d projects whether they are current", asked)
    return asked
