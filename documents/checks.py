from django.conf import settings
from django.core.checks import Error, Warning, register
from django.db import DatabaseError

from documents.constants import PadesLevel
from documents.scanners import scanners
from documents.selectors import agencies_without_signing_key


@register()
def virus_scanner_configured(app_configs, **kwargs) -> list[Error]:

    if settings.VIRUS_SCANNER not in scanners:
        return [
            Error(
                f"VIRUS_SCANNER={settings.VIRUS_SCANNER!r} is not a known scanner.",
                hint=f"Choose one of: {', '.join(scanners)}.",
                id="documents.E001",
            )
        ]
    if settings.VIRUS_SCANNER == "none" and not settings.DEBUG:
        return [
            Error(
                "Uploads would be stored without a virus scan (VIRUS_SCANNER=none) with DEBUG off.",
                hint="Set VIRUS_SCANNER=clamav and point CLAMAV_HOST/CLAMAV_PORT at clamd.",
                id="documents.E002",
            )
        ]
    return []


@register()
def signing_level_configured(app_configs, **kwargs) -> list[Error]:

    level = settings.SIGNING_PADES_LEVEL
    if level not in PadesLevel.values:
        return [
            Error(
                f"SIGNING_PADES_LEVEL={level!r} is not a PAdES baseline level.",
                hint=f"Choose one of: {', '.join(PadesLevel.values)}.",
                id="documents.E004",
            )
        ]
    if level != PadesLevel.B_B and not settings.SIGNING_TSA_URL:
        return [
            Error(
                f"SIGNING_PADES_LEVEL={level} needs a timestamp authority.",
                hint="Set SIGNING_TSA_URL to an RFC 3161 service.",
                id="documents.E005",
            )
        ]
    return []


@register(deploy=True)
def signing_long_term_in_production(app_configs, **kwargs) -> list[Warning]:

    level = settings.SIGNING_PADES_LEVEL
    if level != PadesLevel.B_LTA:
        return [
            Warning(
                f"Results are signed at PAdES {level}: they cannot be verified once the "
                "certificate expires or is revoked.",
                hint="Set SIGNING_TSA_URL (and SIGNING_PADES_LEVEL=B-LTA).",
                id="documents.W001",
            )
        ]
    return []


@register(deploy=True)
def agencies_can_sign(app_configs, **kwargs) -> list[Warning]:
    """Receipts and forms of an agency without a key wait (they are issued once it exists)."""

    try:
        missing = agencies_without_signing_key()
    except DatabaseError:  # no database yet (first deploy): nothing to list
        return []
    if not missing:
        return []
    shown = "; ".join(f"{a.code} {a.name}" for a in missing[:20])
    more = f" (and {len(missing) - 20} more)" if len(missing) > 20 else ""
    return [
        Warning(
            f"{len(missing)} agencies cannot sign receipts, forms or results: {shown}{more}.",
            hint="Issue each a certificate in the key store (SIGNING_KEYSTORE); until then their "
            "receipts and forms wait and are issued once the key exists.",
            id="documents.W002",
        )
    ]
