"""Procedures and dossiers: catalogue search cache, dossier codes, public lookup limits, the
deadline, official-form and event-listener sweeps (their beat entries are in `celery`)."""

from portal.settings.core import env

# --- procedures ---
# Seconds a page of catalogue search results stays cached (0 turns the cache off). Every catalogue
# change (import, approved online level, admin edit) makes cached pages stale at once.
PROCEDURES_SEARCH_CACHE_SECONDS = env.int("PROCEDURES_SEARCH_CACHE_SECONDS", default=300)
# Seconds a web process trusts the catalogue version it last read, serving cached catalogue pages
# from its own memory meanwhile (0: read it from the cache on every request). A catalogue change
# made through another process shows on this one's pages at most this much later.
PROCEDURES_VERSION_RECHECK_SECONDS = env.float("PROCEDURES_VERSION_RECHECK_SECONDS", default=1.0)

# --- dossiers ---
# NĐ 118 Art. 28.a: an inter-agency dossier submitted online is coded with the National Portal's
# electronic identifier. The official identifier is not yet confirmed [U]; set it in production.
DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER = env.str(
    "DOSSIER_CODE_NATIONAL_PORTAL_IDENTIFIER", default="DVCQG"
)
# Public lookup by dossier code: at most this many tries per client address per window.
DOSSIER_LOOKUP_LIMIT = env.int("DOSSIER_LOOKUP_LIMIT", default=10)
DOSSIER_LOOKUP_WINDOW_SECONDS = env.int("DOSSIER_LOOKUP_WINDOW_SECONDS", default=600)
# Deadline alerts (each sent once) and the 15-day supplement expiry, every N seconds.
# The 2-hour alert of a new online dossier (NĐ 118 Art. 17.2) needs N well under 2 hours.
DOSSIER_DEADLINES_SWEEP_SECONDS = env.int("DOSSIER_DEADLINES_SWEEP_SECONDS", default=300)
# Seconds between two sweeps issuing any official form (Mẫu 01–06) still missing
# (docs/official-forms.md).
OFFICIAL_FORMS_SWEEP_SECONDS = env.int("OFFICIAL_FORMS_SWEEP_SECONDS", default=600)
# Seconds between two sweeps handing the after-commit listeners (National Portal push, form
# issuance) the dossier events a crash kept from them (ADR 0180). Not a deployment choice: the
# delay a crash may add to that work.
DOSSIER_LISTENERS_SWEEP_SECONDS = 60
