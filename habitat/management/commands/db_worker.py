"""django-tasks-db's `db_worker`, which first queues again the e-mails that a worker which died
left RUNNING, and runs each task under its advisory lock (habitat.worker says why).

It takes the place of django-tasks-db's command because `habitat` comes before
`django_tasks_db` in INSTALLED_APPS; `make run`, `make serve` and the systemd unit start it
as before.
"""

from django_tasks_db.management.commands import db_worker

from habitat.worker import lock_tasks_while_running, recover_abandoned_tasks


class Command(db_worker.Command):
    help = (
        "Run the worker that sends e-mails from the queue; tasks that a worker which died left "
        "running are queued again first."
    )

    def handle(self, *args, **options):
        lock_tasks_while_running()
        recovered = recover_abandoned_tasks()
        if recovered and options["verbosity"]:
            self.stdout.write(f"{recovered} task(s) left running by a stopped worker are queued again.")
        super().handle(*args, **options)
