"""NĐ 118 Art. 24: the result is not handed over (done → returned) while a fee is still owed."""

import pytest

from accounts.constants import Role
from common.exceptions import ApplicationError
from dossiers.constants import Actor, DossierStatus
from dossiers.services import dossier_transition
from payments import services
from payments.tests.helpers import dossier_with_charge

pytestmark = pytest.mark.django_db


def test_result_is_returned_only_once_the_fee_is_paid(django_capture_on_commit_callbacks):
    cast, dossier, _charge = dossier_with_charge(status=DossierStatus.DONE)
    officer = cast.staff[Role.RECEPTION_OFFICER]
    with pytest.raises(ApplicationError) as refused:
        dossier_transition(
            dossier=dossier, to=DossierStatus.RETURNED, by=officer, role=Actor.RECEPTION_OFFICER
        )
    assert refused.value.code == "guard_refused"
    assert "10.000 đồng phí, lệ phí chưa nộp" in refused.value.message
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.DONE

    with django_capture_on_commit_callbacks(execute=True):
        services.payment_record_counter(
            dossier=dossier, by=officer, method="cash", receipt_number="R-0001"
        )
    dossier.refresh_from_db()
    dossier_transition(
        dossier=dossier, to=DossierStatus.RETURNED, by=officer, role=Actor.RECEPTION_OFFICER
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.RETURNED
