"""The officer's queues: which dossiers each holds, counts, scoping, search, sort, the JSON API."""

import datetime as dt

from django.utils import timezone

import pytest

from accounts.tests.factories import login_with_mfa
from dossiers import selectors as sel
from dossiers.constants import Actor, DossierStatus
from dossiers.models import AWAITING_RECEPTION
from dossiers.services import dossier_submit
from dossiers.tests.factories import add_membership, make_cast, make_draft, place_in

S = DossierStatus
A = Actor

pytestmark = pytest.mark.django_db


def _submitted(cast, **kwargs):
    dossier = make_draft(cast, **kwargs)
    dossier_submit(dossier=dossier, by=cast.citizen)
    dossier.refresh_from_db()
    return dossier


def _codes(qs):
    return sorted(d.code for d in qs)


def test_reception_queue_holds_new_dossiers_of_my_centre_only():
    cast = make_cast()
    mine = _submitted(cast)
    received = place_in(make_draft(cast), S.RECEIVED)
    other = make_cast()
    theirs = _submitted(other)
    officer = cast.staff[A.RECEPTION_OFFICER]

    assert _codes(sel.queue_for(officer, "tiep-nhan")) == [mine.code]
    assert _codes(sel.queue_for(officer, "chuyen-xu-ly")) == [received.code]
    assert theirs.code not in _codes(sel.queue_for(officer, "tat-ca"))
    counts = sel.queue_counts(officer)
    assert counts["tiep-nhan"] == 1
    assert counts["chuyen-xu-ly"] == 1
    assert counts["tat-ca"] == 2


def test_every_badge_of_an_officer_is_counted_in_one_statement(django_assert_num_queries):
    cast = make_cast()
    _submitted(cast)
    place_in(make_draft(cast), S.RECEIVED)
    head = sel.office_user(cast.staff[A.AGENCY_HEAD])  # "lay-y-kien" asks for its ids first
    reception = sel.office_user(cast.staff[A.RECEPTION_OFFICER])
    sel.queue_counts(reception)  # the working calendar ("sap-den-han") is read and cached
    with django_assert_num_queries(1):
        counts = sel.queue_counts(reception)
    assert counts == {
        q.slug: sel.queue_for(reception, q.slug).count() for q in sel.queues_for(reception)
    }
    assert counts["tiep-nhan"] == 1
    # A queue whose filter matches nothing ("pk IN ()") is 0 without SQL of its own.
    assert sel.queue_counts(head)["lay-y-kien"] == 0


def test_each_role_sees_its_own_queues():
    cast = make_cast()
    reception = {q.slug for q in sel.queues_for(sel.office_user(cast.staff[A.RECEPTION_OFFICER]))}
    head = {q.slug for q in sel.queues_for(sel.office_user(cast.staff[A.AGENCY_HEAD]))}
    clerk = {q.slug for q in sel.queues_for(sel.office_user(cast.staff[A.RECORDS_CLERK]))}
    assert {"tiep-nhan", "chuyen-xu-ly", "tra-ket-qua", "bo-sung"} <= reception
    assert "cho-phe-duyet" not in reception
    assert {"cho-phan-cong", "cho-phe-duyet", "cho-ky", "lay-y-kien"} <= head
    assert "tiep-nhan" not in head
    assert "cho-ky" in clerk
    assert "cho-phe-duyet" not in clerk
    with pytest.raises(sel.UnknownQueue):
        sel.queue_for(cast.staff[A.RECEPTION_OFFICER], "cho-phe-duyet")
    with pytest.raises(sel.UnknownQueue):
        sel.queue_for(cast.citizen, "tat-ca")


def test_agency_side_queues_follow_status_and_role():
    cast = make_cast()
    waiting_assignment = place_in(make_draft(cast), S.IN_PROCESS)
    approval = place_in(make_draft(cast), S.AWAITING_APPROVAL)
    signing = place_in(make_draft(cast), S.SIGNING)
    issuing = place_in(make_draft(cast), S.ISSUING)
    done = place_in(make_draft(cast), S.DONE)
    head = cast.staff[A.AGENCY_HEAD]
    clerk = cast.staff[A.RECORDS_CLERK]

    assert _codes(sel.queue_for(head, "cho-phan-cong")) == [waiting_assignment.code]
    assert _codes(sel.queue_for(head, "cho-phe-duyet")) == [approval.code]
    assert _codes(sel.queue_for(head, "cho-ky")) == [signing.code]
    assert _codes(sel.queue_for(clerk, "cho-ky")) == [issuing.code]
    assert _codes(sel.queue_for(cast.staff[A.RECEPTION_OFFICER], "tra-ket-qua")) == [done.code]


def test_supplement_queue_lists_the_three_supplement_states():
    cast = make_cast()
    codes = [
        place_in(make_draft(cast), status).code
        for status in (S.INTAKE_SUPPLEMENT, S.SUPPLEMENT_REQUESTED, S.SUPPLEMENT_SUBMITTED)
    ]
    place_in(make_draft(cast), S.APPRAISING)
    assert _codes(sel.queue_for(cast.staff[A.RECEPTION_OFFICER], "bo-sung")) == sorted(codes)
    # The agency side follows its own requests (after appraisal), not intake ones.
    assert _codes(sel.queue_for(cast.staff[A.AGENCY_HEAD], "bo-sung")) == sorted(codes[1:])


def test_due_soon_and_overdue_use_the_working_clock():
    cast = make_cast()
    now = timezone.now()
    overdue = place_in(make_draft(cast), S.APPRAISING, due_at=now - dt.timedelta(hours=1))
    soon = place_in(make_draft(cast), S.APPRAISING, due_at=now + dt.timedelta(minutes=30))
    later = place_in(make_draft(cast), S.APPRAISING, due_at=now + dt.timedelta(days=30))
    # Paused (waiting on the citizen) or finished dossiers are not late.
    place_in(make_draft(cast), S.SUPPLEMENT_REQUESTED, due_at=now - dt.timedelta(hours=1))
    place_in(make_draft(cast), S.RETURNED, due_at=now - dt.timedelta(hours=1))
    place_in(make_draft(cast), S.DONE, due_at=now - dt.timedelta(hours=1))
    officer = cast.staff[A.PROCESSING_OFFICER]

    assert _codes(sel.queue_for(officer, "qua-han")) == [overdue.code]
    assert _codes(sel.queue_for(officer, "sap-den-han")) == [soon.code]
    assert later.code in _codes(sel.queue_for(officer, "tat-ca"))
    # The one-stop supervisor watches the same deadlines from the receiving side.
    assert _codes(sel.queue_for(cast.staff[A.ONESTOP_SUPERVISOR], "qua-han")) == [overdue.code]


def test_sort_by_due_time_and_by_submission():
    cast = make_cast()
    now = timezone.now()
    late = place_in(
        make_draft(cast), S.APPRAISING, due_at=now + dt.timedelta(days=9), submitted_at=now
    )
    early = place_in(
        make_draft(cast),
        S.APPRAISING,
        due_at=now + dt.timedelta(days=2),
        submitted_at=now - dt.timedelta(days=3),
    )
    officer = cast.staff[A.PROCESSING_OFFICER]
    assert [d.code for d in sel.queue_for(officer, "tat-ca", sort="han")] == [early.code, late.code]
    assert [d.code for d in sel.queue_for(officer, "tat-ca", sort="moi")] == [late.code, early.code]
    assert [d.code for d in sel.queue_for(officer, "tat-ca", sort="cu")] == [early.code, late.code]


def test_search_by_code_name_and_id_number():
    cast = make_cast()
    an = _submitted(cast)
    an.applicant_data = {"full_name": "Nguyễn Văn An", "id_number": "072090001234"}
    an.save(update_fields=["applicant_data"])
    binh = _submitted(cast)
    binh.applicant_data = {"full_name": "Trần Thị Bình", "id_number": "072190005678"}
    binh.save(update_fields=["applicant_data"])
    officer = cast.staff[A.RECEPTION_OFFICER]

    assert _codes(sel.queue_for(officer, "tiep-nhan", q=an.code)) == [an.code]
    assert _codes(sel.queue_for(officer, "tiep-nhan", q="Thị Bình")) == [binh.code]
    assert _codes(sel.queue_for(officer, "tiep-nhan", q="072090001234")) == [an.code]
    assert _codes(sel.queue_for(officer, "tiep-nhan", q="Lê Văn Không")) == []


def test_supervisor_sees_reception_points_under_the_centre():
    from agencies.tests.factories import AgencyFactory

    cast = make_cast()
    point = AgencyFactory(name="Điểm tiếp nhận phường Tân Ninh", parent=cast.receiving)
    at_point = _submitted(cast, receiving_agency=point)
    assert at_point.code in _codes(sel.queue_for(cast.staff[A.ONESTOP_SUPERVISOR], "tiep-nhan"))
    assert at_point.code not in _codes(sel.queue_for(cast.staff[A.RECEPTION_OFFICER], "tiep-nhan"))


def test_a_routed_agency_opens_the_dossier_page_through_the_scope_hook():
    from dossiers.hooks import dossier_agency_scopes

    cast = make_cast()
    dossier = place_in(make_draft(cast), S.CONSULTING)
    other = make_cast()
    consulted = other.staff[A.PROCESSING_OFFICER]
    with pytest.raises(dossier.DoesNotExist):
        sel.dossier_get_for_staff(user=consulted, uuid=dossier.uuid)
    key = "test-office-consulted"
    dossier_agency_scopes.register(key)(
        lambda d, role: [other.competent.pk] if d.pk == dossier.pk else []
    )
    try:
        assert sel.dossier_get_for_staff(user=consulted, uuid=dossier.uuid) == dossier
    finally:
        dossier_agency_scopes._items.pop(key)


def test_a_lapsed_membership_no_longer_scopes():
    cast = make_cast()
    dossier = _submitted(cast)
    officer = cast.staff[A.RECEPTION_OFFICER]
    officer.memberships.update(valid_to=timezone.localdate() - dt.timedelta(days=1))
    assert not sel.office_user(officer).is_office_staff
    with pytest.raises(dossier.DoesNotExist):
        sel.dossier_get_for_staff(user=officer, uuid=dossier.uuid)


# --- the JSON API ---------------------------------------------------------------------------------


def test_api_lists_queues_with_counts_and_one_queue(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])

    response = client.get("/api/v1/office/queues")
    assert response.status_code == 200
    counts = {row["slug"]: row["count"] for row in response.json()}
    assert counts["tiep-nhan"] == 1

    response = client.get("/api/v1/office/queues/tiep-nhan", {"q": dossier.code})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["code"] == dossier.code
    assert body["items"][0]["url"] == f"/office/ho-so/{dossier.uuid}/"
    assert client.get("/api/v1/office/queues/cho-phe-duyet").status_code == 404


def test_api_refuses_the_signed_out_and_citizens(client):
    cast = make_cast()
    assert client.get("/api/v1/office/queues").status_code == 401
    client.force_login(cast.citizen)
    assert client.get("/api/v1/office/queues").status_code == 403
    assert client.get("/api/v1/office/queues/tiep-nhan").status_code == 403


def test_api_of_another_agency_does_not_list_my_dossiers(client):
    cast = make_cast()
    _submitted(cast)
    other = make_cast()
    login_with_mfa(client, other.staff[A.RECEPTION_OFFICER])
    assert client.get("/api/v1/office/queues/tiep-nhan").json()["count"] == 0


def test_membership_in_two_agencies_sees_both():
    cast = make_cast()
    other = make_cast()
    first = _submitted(cast)
    second = _submitted(other)
    officer = cast.staff[A.RECEPTION_OFFICER]
    add_membership(officer, other.receiving, A.RECEPTION_OFFICER)
    assert _codes(sel.queue_for(officer, "tiep-nhan")) == sorted([first.code, second.code])


# --- the workspace page ------------------------------------------------------------------------


def test_workspace_lists_queues_with_counts_and_the_reception_time_left(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.get("/office/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Chờ tiếp nhận" in html
    assert 'data-count="tiep-nhan">1<' in html
    assert dossier.code in html
    assert "giờ làm việc" in html  # the time left of the 8-working-hour window
    assert "Chờ tôi phê duyệt" not in html  # not this officer's role


def test_htmx_asks_for_the_results_or_the_counts_only(client):
    cast = make_cast()
    an = _submitted(cast)
    an.applicant_data = {"full_name": "Nguyễn Văn An"}
    an.save(update_fields=["applicant_data"])
    other = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    response = client.get(
        "/office/hang-doi/tiep-nhan/",
        {"q": "Văn An"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="queue-results",
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="queue-results">')
    assert "<html" not in html
    assert an.code in html
    assert other.code not in html
    assert response["Vary"].count("HX-Request") == 1
    counts = client.get(
        "/office/hang-doi/tiep-nhan/", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="queue-counts"
    ).content.decode()
    assert counts.lstrip().startswith("<ul")
    assert 'data-count="tiep-nhan">2<' in counts


def test_unknown_queue_or_a_queue_of_another_role_is_404(client):
    cast = make_cast()
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    assert client.get("/office/hang-doi/khong-co/").status_code == 404
    assert client.get("/office/hang-doi/cho-phe-duyet/").status_code == 404


def test_counts_stop_at_the_cap_on_badges_pages_and_the_api(client, monkeypatch):
    cast = make_cast()
    for _ in range(3):
        _submitted(cast)
    monkeypatch.setattr(sel, "COUNT_CAP", 2)
    officer = cast.staff[A.RECEPTION_OFFICER]
    assert sel.queue_counts(officer)["tiep-nhan"] == 3  # cap + 1: "more than the cap"

    login_with_mfa(client, officer)
    page = client.get("/office/hang-doi/tiep-nhan/").content.decode()
    assert 'data-count="tiep-nhan">2+</span>' in page
    assert "Hơn 2 hồ sơ" in page
    listed = client.get("/api/v1/office/queues").json()
    assert {"slug": "tiep-nhan", "count": 3, "capped": True}.items() <= next(
        q for q in listed if q["slug"] == "tiep-nhan"
    ).items()
    one = client.get("/api/v1/office/queues/tiep-nhan").json()
    assert one["capped"] is True
    assert len(one["items"]) == 3  # the rows themselves are all there


# --- issue #20: what staff type, and the deadline that runs --------------------------------------


def test_search_finds_a_code_by_its_tail_a_name_without_accents_and_a_phone():
    cast = make_cast()
    en = _submitted(cast)
    en.applicant_data = {"full_name": "Võ Thị Én", "phone": "0912 345 678"}
    en.save(update_fields=["applicant_data"])
    other = _submitted(cast)
    other.applicant_data = {"full_name": "Đặng Văn Được", "phone": "+84987654321"}
    other.save(update_fields=["applicant_data"])
    officer = cast.staff[A.RECEPTION_OFFICER]

    def found(q):
        return _codes(sel.queue_for(officer, "tiep-nhan", q=q))

    tail = en.code.split("-", 1)[1]  # "261207-0004" of "000.00.05.T00-261207-0004"
    assert found(tail) == [en.code]
    assert found("vo thi en") == [en.code]
    assert found("VO THI") == [en.code]
    assert found("dang van duoc") == [other.code]
    assert found("Được") == [other.code]
    # The phone as typed, with spaces, or in the other national form.
    assert found("0987654321") == [other.code]
    assert found("0912345678") == [en.code]
    assert found("0912 345 678") == [en.code]
    assert found("+84987654321") == [other.code]
    assert found("vo van") == []


def test_due_first_puts_a_new_dossier_in_its_reception_window_before_later_appointments():
    cast = make_cast()
    now = timezone.now()
    new = _submitted(cast)  # its 8 working hours run now: the most urgent
    in_process = place_in(make_draft(cast), S.APPRAISING, due_at=now + dt.timedelta(days=3))
    no_deadline = place_in(make_draft(cast), S.APPRAISING)
    supervisor = cast.staff[A.ONESTOP_SUPERVISOR]
    add_membership(supervisor, cast.competent, "processing_officer")
    ordered = [d.code for d in sel.queue_for(supervisor, "tat-ca", sort="han")]
    assert (
        ordered.index(new.code) < ordered.index(in_process.code) < ordered.index(no_deadline.code)
    )
    new.refresh_from_db()
    assert new.next_due_at == new.reception_due_at


def test_back_to_the_queue_keeps_the_queue_and_its_filter(client):
    cast = make_cast()
    dossier = _submitted(cast)
    login_with_mfa(client, cast.staff[A.RECEPTION_OFFICER])
    listing = "/office/hang-doi/tiep-nhan/?q=vo+thi&sort=moi"
    assert client.get(listing).status_code == 200
    page = client.get(f"/office/ho-so/{dossier.uuid}/")
    assert page.context["queue_url"] == listing
    assert f'href="{listing.replace("&", "&amp;")}"' in page.content.decode()


def test_agency_pickers_are_grouped_by_level_and_sorted_as_read():
    from agencies.tests.factories import AgencyFactory
    from dossiers.office.forms import ConsultForm

    AgencyFactory(name="Ủy ban nhân dân xã Bến Cầu", level="commune")
    AgencyFactory(name="Ủy ban nhân dân phường An Tịnh", level="commune")
    AgencyFactory(name="Sở Y tế tỉnh Tây Ninh", level="province")
    AgencyFactory(name="Ban Quản lý các khu kinh tế", level="province")
    groups = ConsultForm().fields["agency"].choices
    labels = [label for label, _options in groups[1:]]
    assert labels == ["Cấp tỉnh", "Cấp xã"]
    province = [name for _uuid, name in groups[1][1]]
    commune = [name for _uuid, name in groups[2][1]]
    assert province == sorted(province, key=lambda n: n.replace("Ủ", "U").replace("Ở", "O"))
    assert province.index("Ban Quản lý các khu kinh tế") < province.index("Sở Y tế tỉnh Tây Ninh")
    assert commune.index("Ủy ban nhân dân phường An Tịnh") < commune.index(
        "Ủy ban nhân dân xã Bến Cầu"
    )


def test_a_queue_sorted_by_due_at_alone_never_holds_a_dossier_awaiting_reception():
    """`received_only` queues sort "due first" by `due_at` (an index serves it, ADR 0333); that
    is the same order only if none of their dossiers waits for reception, whose clock is
    `reception_due_at`. Every open status, overdue, for every role."""
    cast = make_cast()
    now = timezone.now()
    for status in S:
        if status == S.DRAFT:
            continue
        for due in (now - dt.timedelta(days=3), now + dt.timedelta(minutes=5)):  # overdue, soon
            place_in(make_draft(cast), status, due_at=due, reception_due_at=due)
    checked = set()
    for user in cast.staff.values():
        for queue in sel.queues_for(sel.office_user(user)):
            if not queue.received_only:
                continue
            statuses = set(sel.queue_for(user, queue.slug).values_list("status", flat=True))
            assert statuses, queue.slug  # the queue holds something, so the check means something
            assert not statuses & set(AWAITING_RECEPTION), queue.slug
            rows = sel.queue_for(user, queue.slug).values_list("next_due_at", "due_at")
            assert all(next_due == due for next_due, due in rows), queue.slug
            checked.add(queue.slug)
    assert checked == {q.slug for q in sel.QUEUES if q.received_only}


def test_badges_build_on_a_database_refusing_order_by_in_a_union(monkeypatch):
    """SQLite (`make run`) refuses ORDER BY inside a UNION's parts; the consultation badge's UNION
    once carried the models' default ordering and gave the head a 500 on "Việc của tôi"."""
    from django.db import connection

    cast = make_cast()
    monkeypatch.setattr(connection.features, "supports_slicing_ordering_in_compound", False)
    for role in (A.AGENCY_HEAD, A.PROCESSING_OFFICER, A.RECEPTION_OFFICER):
        counts = sel.queue_counts(sel.office_user(cast.staff[role]))
        assert all(isinstance(n, int) for n in counts.values())
    assert "lay-y-kien" in sel.queue_counts(sel.office_user(cast.staff[A.AGENCY_HEAD]))
