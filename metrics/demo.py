"""Demo: compute the index's stored facts for the demo dossiers (made by `dossiers/demo.py`,
which runs first), so `/office/stats/` and `/stats/` show figures right after `make run`."""

from common.demo_types import DemoLogin
from metrics.services import facts_refresh


def seed(out) -> list[DemoLogin]:

    count = facts_refresh(full=True)
    out.write(f"metrics: index facts computed for {count} received dossiers")
    return []
