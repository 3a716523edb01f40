"""`python manage.py catalogue_report`: the procedures whose split of the document list into cases
needed a guess (ADR 0260, 0315), one CSV line per guess, for a person to review and correct in the
admin; then, on stderr, how many procedures and how many guesses of each reason.
"""

import csv
import sys
from collections import Counter

from django.core.management.base import BaseCommand

from procedures.constants import CaseGuess
from procedures.selectors import procedures_with_case_guesses


class Command(BaseCommand):
    help = "Liệt kê thủ tục mà việc chia thành phần hồ sơ theo trường hợp cần người xem lại."

    def handle(self, *args, **options) -> None:
        writer = csv.writer(self.stdout)
        writer.writerow(["ma_thu_tuc", "so_truong_hop", "ly_do", "dong", "ten_thu_tuc"])
        procedures = 0
        reasons: Counter[str] = Counter()
        for procedure in procedures_with_case_guesses().prefetch_related("cases"):
            procedures += 1
            for guess in procedure.case_guesses:
                code = guess.get("code", "")
                reason = CaseGuess(code).label if code in CaseGuess.values else code
                reasons[str(reason)] += 1
                writer.writerow(
                    [
                        procedure.code,
                        len(procedure.cases.all()),
                        reason,
                        guess.get("text", ""),
                        procedure.name,
                    ]
                )
        sys.stderr.write(f"{procedures} thủ tục cần xem lại cách chia trường hợp\n")
        for reason, count in reasons.most_common():
            sys.stderr.write(f"  {count}: {reason}\n")
