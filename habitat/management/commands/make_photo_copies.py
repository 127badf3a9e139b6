from django.core.management.base import BaseCommand

from habitat.uploads import Photo, stored_file_models


class Command(BaseCommand):
    help = (
        "Make the smaller copies of the photos stored before they were made on upload, and note "
        "their size. Photos that have them are left alone, so it can run at every release."
    )

    def handle(self, *args, **options):
        for model in stored_file_models():
            if not issubclass(model, Photo):
                continue
            field = model._meta.get_field("image")
            made = missing = 0
            for photo in model._default_manager.filter(width__isnull=True).iterator(chunk_size=100):
                try:
                    with photo.image.open("rb") as image:
                        field.store_renditions(photo, image)
                except FileNotFoundError:
                    missing += 1
                    continue
                photo.save(update_fields=["width", "height"])
                made += 1
            if made or missing:
                self.stdout.write(f"{model._meta.label}: copies made for {made} photos; {missing} originals not found.")
