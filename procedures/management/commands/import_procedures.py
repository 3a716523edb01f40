"""`python manage.py import_procedures PATH`: load the national procedure catalogue, idempotently."""

import sys

from django.core.management.base import BaseCommand, CommandError

from procedures import importer
from procedures.constants import ProcedureLevel
from procedures.services import procedures_import


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính quốc gia (JSON, JSON lines; có thể nén gzip)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="JSON array or JSON lines, optionally .gz")
        parser.add_argument(
            "--local-only",
            action="store_true",
            help="Chỉ nhập thủ tục cấp tỉnh và cấp xã.",
        )

    def handle(self, *args, path: str, local_only: bool, **options) -> None:
        try:
            records = list(importer.read_records(path))
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được {path}: {exc}") from exc
        total = len(records)
        show_bar = sys.stderr.isatty() or options.get("verbosity", 1) > 1

        def progress(done: int) -> None:
            if show_bar or done == total:
                filled = int(30 * done / max(total, 1))
                self.stderr.write(
                    f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}", ending=""
                )

        only = {ProcedureLevel.PROVINCE.value, ProcedureLevel.COMMUNE.value} if local_only else None
        counts = procedures_import(records=records, progress=progress, only_levels=only)
        self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"created={counts.created} updated={counts.updated} unchanged={counts.unchanged} "
                f"flagged={counts.flagged} skipped={counts.skipped}"
            )
        )
        for error in counts.errors[:20]:
            self.stdout.write(self.style.WARNING(f"  skipped {error}"))
