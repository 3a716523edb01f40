"""QĐ 766 4.3 and 4.4 on the province's dashboard equal the shares the National Portal computes
from the flags we send it (`HoSoCoThanhPhanSoHoa`, `TaiLieuNop.DuocSoHoa`,
`TaiLieuNop.DuocLayTuKhoDMQG`): both come from one definition in `dossiers.constants`
(issue #21, item 4). Dossiers go through the real workflow; the payloads are the ones the
simulator received over HTTP."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

import pytest

from integrations.models import SimulatedPortalDossier
from integrations.tests.helpers import receive, submitted
from metrics import periods
from metrics.indicators import share
from metrics.selectors import Scope, index_for
from metrics.services import facts_refresh

pytestmark = pytest.mark.django_db(transaction=True)


def component(source: str, *, with_file: bool = True) -> dict:
    return {
        "requirement_code": f"R-{source}",
        "requirement_name": f"Giấy tờ ({source})",
        "document_uuid": uuid.uuid4() if with_file else None,
        "source": source,
    }


# One dossier per way a component can reach a dossier (dossiers.constants.ComponentSource).
DOSSIERS = [
    [component("uploaded")],
    [component("scanned")],  # digitised at the counter today: digitisation, not re-use
    [component("uploaded"), component("reused")],  # from the applicant's data store
    [component("national_database")],
    [component("uploaded"), component("state_holds", with_file=False)],
    [component("scanned"), component("uploaded")],
]


def portal_share(rows, flag) -> tuple[int, int]:
    hits = sum(1 for data in rows if flag(data))
    return hits, len(rows)


def reused_on_portal(data: dict) -> bool:
    return data["HoSoCoThanhPhanSoHoa"] == "1" or any(
        item["DuocSoHoa"] == "1" for item in data["TaiLieuNop"]
    )


def from_store_on_portal(data: dict) -> bool:
    return any(item["DuocLayTuKhoDMQG"] == "1" for item in data["TaiLieuNop"])


def test_dashboard_4_3_and_4_4_equal_the_shares_of_the_payloads_sent(portal_sim, cast):
    for components in DOSSIERS:
        receive(submitted(cast, components=components), cast)
    now = timezone.now()
    received = [
        row.data
        for row in SimulatedPortalDossier.objects.all()
        if row.data.get("NgayTiepNhan") and row.status_code == 2
    ]
    assert len(received) == len(DOSSIERS)

    facts_refresh(full=True)
    period = periods.year(timezone.localdate().year)
    values = index_for(
        period=period, scope=Scope(None), at=now + dt.timedelta(minutes=1), per_agency=False
    ).values

    portal_43 = share("4.3", *portal_share(received, reused_on_portal))
    portal_44 = share("4.4", *portal_share(received, from_store_on_portal))
    assert (values["4.3"].numerator, values["4.3"].denominator) == (3, 6)
    assert values["4.3"].percent == portal_43.percent == Decimal("50.00")
    assert (values["4.4"].numerator, values["4.4"].denominator) == (1, 6)
    assert values["4.4"].percent == portal_44.percent
