"""Every case of a sample of real procedures can be filed honestly (issue #25, ADR 0260).

The sample: every procedure the demo data uses, plus 50 drawn with a fixed seed from the
provincial and commune list. For each of their cases a dossier that attaches exactly the case's
required documents is accepted, and one that lacks a required document is refused, naming it.
"""

import random

import pytest

from dossiers import services as svc
from dossiers.constants import DossierStatus, DraftStep
from dossiers.models import Dossier
from dossiers.services.submission import SubmissionIncomplete
from dossiers.tests.submission_helpers import fill_draft, pdf_bytes
from procedures import importer
from procedures.constants import OnlineLevel
from procedures.demo import DATA_FILE, RESIDENCE_CODE
from procedures.models import AgencyNameMapping, Procedure
from procedures.selectors import procedure_cases
from procedures.services import procedures_import

DEMO_CODES = (RESIDENCE_CODE, "2.000635", "1.004194")  # residence, civil-status copy, helpdesk
SAMPLE_SEED = 25
SAMPLE_SIZE = 50

pytestmark = pytest.mark.django_db


def sample_records() -> list[dict]:
    records = list(importer.read_records(DATA_FILE))
    demo = [r for r in records if r["ma_thu_tuc"] in DEMO_CODES]
    others = sorted(
        (r for r in records if r["ma_thu_tuc"] not in DEMO_CODES), key=lambda r: r["ma_thu_tuc"]
    )
    return demo + random.Random(SAMPLE_SEED).sample(others, SAMPLE_SIZE)


@pytest.fixture
def sample(world) -> list[Procedure]:
    records = sample_records()
    procedures_import(records=records)
    mapping = AgencyNameMapping.objects.create(source_name="Mẫu thử", agency=world.department)
    procedures = list(Procedure.objects.filter(code__in=[r["ma_thu_tuc"] for r in records]))
    for procedure in procedures:
        procedure.online_level = OnlineLevel.FULL
        procedure.implementing_mapping = mapping
        procedure.competent_mapping = mapping
        procedure.save()
    return procedures


def start_in_case(world, procedure: Procedure, case_key: str) -> Dossier:
    dossier = svc.dossier_start(procedure=procedure, user=world.citizen)
    Dossier.objects.filter(pk=dossier.pk).update(
        receiving_agency=world.centre, competent_agency=world.department
    )
    if len(procedure_cases(procedure=procedure)) > 1:
        svc.dossier_case_choose(dossier=dossier, case_key=case_key, by=world.citizen)
    dossier.refresh_from_db()
    return dossier


def attach(world, dossier: Dossier, components) -> None:
    for component in components:
        svc.draft_component_upload(
            dossier=dossier,
            component=component,
            by=world.citizen,
            data=pdf_bytes(component.requirement_name),
            name="giay-to.pdf",
        )


def test_the_sample_holds_the_demo_procedures_and_fifty_others(world, sample):
    assert len(sample) == len(DEMO_CODES) + SAMPLE_SIZE
    assert all(procedure_cases(procedure=p) for p in sample)


def test_each_case_is_accepted_with_its_required_documents_and_refused_without_one(world, sample):
    filed = 0
    for procedure in sample:
        for case in procedure_cases(procedure=procedure):
            dossier = start_in_case(world, procedure, case.key)
            assert dossier.case_key == case.key
            required = [c for c in dossier.components.all() if c.is_required and not c.is_provided]
            fill_draft(dossier, world.citizen, attach=False)
            if required:
                attach(world, dossier, required[:-1])
                with pytest.raises(SubmissionIncomplete) as refused:
                    svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
                problems = refused.value.extra["problems"]
                assert list(problems) == [DraftStep.DOCUMENTS], (procedure.code, problems)
                assert required[-1].requirement_name in " ".join(problems[DraftStep.DOCUMENTS])
                attach(world, dossier, required[-1:])
            svc.dossier_submit_online(dossier=dossier, by=world.citizen, declaration=True)
            dossier.refresh_from_db()
            assert dossier.status == DossierStatus.SUBMITTED, procedure.code
            attached = [c for c in dossier.components.all() if c.document_uuid]
            assert len(attached) == len(required)
            filed += 1
    assert filed >= len(sample)
