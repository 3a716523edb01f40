from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Kho dữ liệu và giấy tờ")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Local import: in ready(), once the app registry is ready.
        import logging

        from documents import checks  # noqa: F401  (registers the system checks)

        # Font subsetting and layout steps log every glyph at INFO; keep the JSON log readable.
        for noisy in ("fontTools", "weasyprint.progress"):
            logging.getLogger(noisy).setLevel(logging.WARNING)

        # Any image this process decodes is bounded too, not only uploads (documents.uploads
        # refuses larger ones from the header before decoding).
        from django.conf import settings

        # Local import: PIL is a heavy library, loaded on first use.
        from PIL import Image

        Image.MAX_IMAGE_PIXELS = settings.DOCUMENTS_MAX_IMAGE_PIXELS
