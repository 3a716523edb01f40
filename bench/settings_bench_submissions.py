"""The benchmark settings for bench_submissions: uploads without a virus scan.

The documents app refuses VIRUS_SCANNER=none with DEBUG off (check documents.E002); the
submission benchmark measures the portal's own path (validation, hashing, storage, the dossier
transaction), clamd is measured by the documents benchmarks. Never use outside bench/.
"""

from bench.settings_bench import *  # noqa: F403

SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "documents.E002"]
