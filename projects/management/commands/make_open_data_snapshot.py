from django.core.management.base import BaseCommand

from projects.models import OpenDataSnapshot


class Command(BaseCommand):
    help = (
        "Make today's dated snapshot of the open data (projects as CSV and GeoJSON, merged identifiers, "
        "the codebook), listed on the open data page. Run on a schedule (deploy/sph-platform-snapshot.timer); "
        "a second run on the same day changes nothing."
    )

    def handle(self, *args, **options):
        snapshot, made = OpenDataSnapshot.make()
        verb = "Made" if made else "Already made:"
        self.stdout.write(
            f"{verb} the snapshot of {snapshot.made_on}: {snapshot.projects:,} projects, {snapshot.size:,} bytes."
        )
