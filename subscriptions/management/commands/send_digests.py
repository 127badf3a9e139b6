from django.core.management.base import BaseCommand

from subscriptions import digests


class Command(BaseCommand):
    help = (
        "Queue the task that sends the e-mail digests that are due (subscriptions.digests), for the worker to run. "
        "Run once a day (deploy/sph-platform-digests.timer); running it again sends nothing twice. "
        "--now runs the task here instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="Run the task in this process, not on the worker.")

    def handle(self, *args, now=False, **options):
        if now:
            sent = digests.send_digests.call()
            self.stdout.write(f"Queued {sent} digests.")
        else:
            result = digests.send_digests.enqueue()
            self.stdout.write(f"Queued for the worker: task {result.id}.")
