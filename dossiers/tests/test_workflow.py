"""The transition table itself: pure, no database."""

import itertools

import pytest

from dossiers import workflow
from dossiers.constants import (
    FINAL_STATUSES,
    NATIONAL_PORTAL_STATUS,
    TERMINAL_STATUSES,
    Actor,
    DossierStatus,
    FormCode,
    NationalPortalStatus,
    national_portal_status,
)
from dossiers.workflow import TRANSITIONS, TransitionNotAllowed

S = DossierStatus
ALL_TRIPLES = list(itertools.product(DossierStatus, DossierStatus, Actor))
TABLE_TRIPLES = {(t.source, t.target, actor) for t in TRANSITIONS for actor in t.actors}
# Guards registered by apps above dossiers (payments); documented in docs/dossier-workflow.md.
EXTERNAL_GUARDS = {"fees_settled", "postal_collection_arrived"}


def test_every_triple_is_allowed_exactly_when_the_table_says_so():
    allowed = {
        (source, target, actor)
        for source, target, actor in ALL_TRIPLES
        if workflow.transition_allowed(source, target, actor)
    }
    assert allowed == TABLE_TRIPLES
    # Not a vacuous check: the table is large and most triples are refused.
    assert 80 < len(allowed) < len(ALL_TRIPLES) / 10


@pytest.mark.parametrize("status", list(DossierStatus))
def test_available_transitions_per_role_are_the_tables_edges(status):
    for actor in Actor:
        expected = [t.target for t in TRANSITIONS if t.source == status and actor in t.actors]
        assert workflow.available_targets(status, [actor]) == expected
    assert workflow.available_targets(status, []) == []


def test_available_transitions_unions_the_roles_of_a_user():
    targets = workflow.available_targets(S.APPRAISING, [Actor.PROCESSING_OFFICER, Actor.CITIZEN])
    assert S.AWAITING_APPROVAL in targets  # the officer's
    assert S.WITHDRAWAL_REQUESTED in targets  # the citizen's
    assert S.SIGNING not in targets  # the head's


def test_get_transition_refuses_an_edge_not_in_the_table():
    with pytest.raises(TransitionNotAllowed, match="Không thể chuyển"):
        workflow.get_transition(S.DRAFT, S.RETURNED)
    with pytest.raises(TransitionNotAllowed):
        workflow.get_transition("no_such_state", S.RECEIVED)
    assert workflow.get_transition(S.SUBMITTED, S.RECEIVED).form_code == FormCode.RECEIPT


def test_terminal_states_have_no_way_out_and_the_others_do():
    sources = {t.source for t in TRANSITIONS}
    assert not sources & TERMINAL_STATUSES
    assert set(DossierStatus) - TERMINAL_STATUSES <= sources
    assert TERMINAL_STATUSES < FINAL_STATUSES


def test_every_state_is_reachable_from_draft():
    reached, frontier = {S.DRAFT}, [S.DRAFT]
    while frontier:
        current = frontier.pop()
        for t in TRANSITIONS:
            if t.source == current and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(DossierStatus)


def test_every_edge_cites_its_legal_basis():
    assert all(t.article.strip() for t in TRANSITIONS)


def test_refusals_and_stops_require_a_reason():
    for t in TRANSITIONS:
        if t.source == S.WITHDRAWAL_REQUESTED and t.target != S.STOPPED:
            continue  # the applicant cancelling their own request gives no reason
        if t.target in (S.REJECTED_AT_INTAKE, S.INTAKE_SUPPLEMENT, S.SUPPLEMENT_REQUESTED):
            assert t.note_required, t
        if t.target == S.STOPPED and t.source == S.SUPPLEMENT_REQUESTED:
            assert t.note_required


def test_forms_follow_the_regulation():
    edge = workflow.get_transition
    assert edge(S.SUBMITTED, S.RECEIVED).form_code == FormCode.RECEIPT
    assert edge(S.SUBMITTED, S.INTAKE_SUPPLEMENT).form_code == FormCode.SUPPLEMENT_REQUEST
    assert edge(S.SUBMITTED, S.REJECTED_AT_INTAKE).form_code == FormCode.REFUSAL
    assert edge(S.APPRAISING, S.SUPPLEMENT_REQUESTED).form_code == FormCode.SUPPLEMENT_REQUEST
    assert edge(S.WITHDRAWAL_REQUESTED, S.STOPPED).form_code == FormCode.STOP_NOTICE
    assert edge(S.SUPPLEMENT_REQUESTED, S.STOPPED).form_code == FormCode.STOP_NOTICE
    assert edge(S.RECEIVED, S.IN_PROCESS).form_code == FormCode.CONTROL_SHEET
    done = edge(S.ISSUING, S.DONE)
    assert done.form_for("negative") == FormCode.REFUSAL
    assert done.form_for("positive") is None


def test_every_guard_is_registered_by_dossiers_or_named_as_external():
    registered = set(workflow.guards)
    # Holds with or without the payments app installed (it registers "fees_settled").
    assert workflow.guard_names() - registered <= EXTERNAL_GUARDS
    assert workflow.guard_names() - EXTERNAL_GUARDS <= registered
    assert "fees_settled" in workflow.get_transition(S.AWAITING_PAYMENT, S.APPRAISING).guards
    # NĐ 118 Art. 24: a fee still owed is paid before the result is handed over.
    assert "fees_settled" in workflow.get_transition(S.DONE, S.RETURNED).guards
    assert "fees_settled" not in workflow.get_transition(S.ISSUING, S.DONE).guards
    # Integrations registers it: a dossier the post is collecting waits for the handover.
    assert "postal_collection_arrived" in workflow.get_transition(S.SUBMITTED, S.RECEIVED).guards


def test_withdrawal_is_open_until_the_decision_and_never_after():
    for status in DossierStatus:
        may_withdraw = workflow.transition_allowed(status, S.WITHDRAWAL_REQUESTED, Actor.CITIZEN)
        assert may_withdraw == (status in workflow.WITHDRAWABLE), status
    # Art. 21: until the decision is issued — so while it is being signed or issued, not after.
    for status in (S.SIGNING, S.ISSUING, S.AWAITING_APPROVAL):
        assert status in workflow.WITHDRAWABLE
    for status in (S.DONE, S.RETURNED, S.DRAFT, S.STOPPED, S.REJECTED_AT_INTAKE):
        assert status not in workflow.WITHDRAWABLE


def test_national_portal_codes_cover_every_state_and_all_ten_codes():
    assert set(NATIONAL_PORTAL_STATUS) == set(DossierStatus)
    assert {code for code in NATIONAL_PORTAL_STATUS.values() if code} == set(NationalPortalStatus)
    assert national_portal_status("received") == 2
    assert national_portal_status("appraising") == 4
    assert national_portal_status("done") == 9
    assert national_portal_status("returned") == 10
    assert national_portal_status("draft") is None


def test_mermaid_diagram_has_one_line_per_edge():
    diagram = workflow.mermaid_diagram()
    assert diagram.startswith("stateDiagram-v2")
    edge_lines = [line for line in diagram.splitlines() if "-->" in line and "[*]" not in line]
    assert len(edge_lines) == len(TRANSITIONS)
    assert "    submitted --> received: reception_officer (Mẫu 01)" in diagram
