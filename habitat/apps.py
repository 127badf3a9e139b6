from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HabitatConfig(AppConfig):
    name = "habitat"
    verbose_name = _("Platform")

    def ready(self):
        from habitat import page_cache, security_log, street_map  # noqa: F401 (registers its check)

        page_cache.connect_signals()
        security_log.connect_signals()
