"""One definition per fact (issue 18): "online" and the processing terms per channel are
answered once and read by dossiers, payments and the helpdesk alike."""

from __future__ import annotations

import pytest

from dossiers.constants import Channel, DossierStatus, catalogue_channel, is_online
from dossiers.tests.factories import make_cast, make_draft, place_in
from helpdesk.constants import RatingCriterion
from helpdesk.services import HelpdeskError, dossier_rate
from payments.selectors import fee_channel_for


def test_a_national_portal_dossier_is_online_everywhere():
    assert is_online(Channel.ONLINE)
    assert is_online(Channel.NATIONAL_PORTAL)
    assert not is_online(Channel.COUNTER)
    assert not is_online(Channel.POSTAL)
    assert [catalogue_channel(c) for c in Channel] == ["online", "in_person", "postal", "online"]


@pytest.mark.django_db
def test_payments_and_the_helpdesk_read_the_same_online():
    cast = make_cast()
    portal = place_in(make_draft(cast, channel=Channel.NATIONAL_PORTAL), DossierStatus.RETURNED)
    counter = place_in(make_draft(cast, channel=Channel.COUNTER), DossierStatus.RETURNED)
    assert fee_channel_for(portal) == "online"
    assert fee_channel_for(counter) == "in_person"
    # The helpdesk asks the "online service" criterion of a National Portal dossier too.
    offline_scores = {c.value: 5 for c in RatingCriterion if c != RatingCriterion.ONLINE}
    with pytest.raises(HelpdeskError) as refused:
        dossier_rate(dossier_code=portal.code, by=cast.citizen, scores=offline_scores)
    assert refused.value.code == "scores"
    dossier_rate(
        dossier_code=portal.code,
        by=cast.citizen,
        scores={**offline_scores, RatingCriterion.ONLINE.value: 4},
    )
    dossier_rate(dossier_code=counter.code, by=cast.citizen, scores=offline_scores)
