"""`python manage.py procedures_deadline_report`: the procedures whose due date is computed by a
rule rather than read as published (missing unit, same-day text, no time at all; ADR 0252)."""

import csv
import sys

from django.core.management.base import BaseCommand

from procedures.constants import DueRule, TimeUnit
from procedures.selectors import procedures_due_rule_report


class Command(BaseCommand):
    help = (
        "Liệt kê thủ tục có thời hạn được tính theo quy tắc (thiếu đơn vị, trong ngày, không có)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="Kể cả thủ tục theo thời hạn công bố."
        )

    def handle(self, *args, **options) -> None:
        rows = procedures_due_rule_report(include_published=options["all"])
        writer = csv.writer(self.stdout)
        writer.writerow(["ma_thu_tuc", "quy_tac", "thoi_han", "don_vi", "gio_chot", "ten_thu_tuc"])
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.rule] = counts.get(row.rule, 0) + 1
            writer.writerow(
                [
                    row.code,
                    DueRule(row.rule).label,
                    "" if row.value is None else f"{row.value.normalize():f}",
                    TimeUnit(row.unit).label if row.unit else "",
                    row.cutoff.strftime("%H:%M") if row.cutoff else "",
                    row.name,
                ]
            )
        summary = ", ".join(f"{DueRule(rule).label}: {n}" for rule, n in sorted(counts.items()))
        sys.stderr.write(f"{len(rows)} thủ tục ({summary})\n")
