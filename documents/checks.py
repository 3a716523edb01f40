from django.conf import settings
from django.core.checks import Error, register


@register()
def virus_scanner_configured(app_configs, **kwargs) -> list[Error]:
    from documents.scanners import scanners

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
def csc_simulator_not_in_production(app_configs, **kwargs) -> list[Error]:
    if settings.CSC_SIMULATOR_ENABLED and not settings.DEBUG:
        return [
            Error(
                "The remote-signing simulator is enabled with DEBUG off.",
                hint="Set CSC_SIMULATOR_ENABLED=false and configure REMOTE_SIGNING_URL.",
                id="documents.E003",
            )
        ]
    return []
