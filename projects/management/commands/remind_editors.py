from django.core.management.base import BaseCommand

from projects import confirmation


class Command(BaseCommand):
    help = (
        "Queue the task that asks the editors of every project due for it whether its entry is still current "
        "(projects.confirmation), for the worker to run. Run once a day (deploy/sph-platform-reminders.timer); "
        "running it again asks nobody twice. --now runs the task here instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the task in this process, not on the worker.")

    def handle(self, *args, now=False, **options):
        if now:
            asked = confirmation.send_reminders.call()
            self.stdout.write(f"Asked the editors of {asked} projects.")
        else:
            result = confirmation.send_reminders.enqueue()
            self.stdout.write(f"Queued for the worker: task {result.id}.")
