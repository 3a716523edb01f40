from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from agencies.models import Agency, StaffMembership
from documents import devca


class Command(BaseCommand):
    help = (
        "Make a development CA and PKCS#12 signing certificates for agencies and officers in "
        "SIGNING_KEYS_DIR. Never for production: signing refuses these certificates when DEBUG "
        "is off."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder (default: SIGNING_KEYS_DIR)")
        parser.add_argument("--agency", action="append", default=[], help="agency code; repeatable")
        parser.add_argument(
            "--officer", action="append", default=[], help="officer e-mail; repeatable"
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="every agency and every staff member with a membership",
        )
        parser.add_argument("--new-ca", action="store_true", help="replace an existing dev CA")

    def handle(self, *args, **options):
        folder = Path(options["output"] or settings.SIGNING_KEYS_DIR)
        passphrase = settings.SIGNING_KEYS_PASSPHRASE
        ca = None if options["new_ca"] else devca.load_ca(folder)
        if ca is None:
            ca = devca.make_ca()
            devca.write_ca(ca, folder)
            self.stdout.write(f"CA: {folder / devca.CA_CERT}")
        agencies = Agency.objects.filter(code__in=options["agency"])
        if len(agencies) != len(set(options["agency"])):
            raise CommandError("unknown agency code in --agency")
        officers = User.objects.filter(email__in=options["officer"])
        if options["all"]:
            agencies, officers = (
                Agency.objects.all(),
                User.objects.filter(memberships__isnull=False).distinct(),
            )
        for agency in agencies:
            path = devca.issue_agency_file(ca, agency=agency, folder=folder, passphrase=passphrase)
            self.stdout.write(f"agency {agency.code}: {path}")
        for user in officers:
            membership = StaffMembership.objects.filter(user=user).select_related("agency").first()
            path = devca.issue_officer_file(
                ca,
                user=user,
                organisation=membership.agency.name if membership else "",
                folder=folder,
                passphrase=passphrase,
            )
            self.stdout.write(f"officer {user.email}: {path}")
