from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "placements"
    verbose_name = "Placement register"

    def ready(self) -> None:
        # Placement finding: after each SSDA903 import, link placed requests to their episodes.
        from .finding.linking import finding_after_import
        from .services import AFTER_IMPORT_CALLBACKS

        if finding_after_import not in AFTER_IMPORT_CALLBACKS:
            AFTER_IMPORT_CALLBACKS.append(finding_after_import)
