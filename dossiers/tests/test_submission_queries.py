"""Query counts of the online submission over the API, request by request (issue 22).

The bench's journey (`bench.bench_submissions`): create, `PATCH` (applicant, fields, delivery),
two uploads, submit. Under load every query is a round trip that waits for a CPU, and the
ORM's compilation of each is a good part of the Python time (docs/benchmarks.md, "Submissions,
session 7"; `python -m bench.profile_submissions --trace all` lists them). These tests hold each
request under a ceiling at what it runs now, so a lookup that comes back fails here.

The work after commit (listeners) is not counted: in a test nothing commits.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from dossiers.constants import DossierStatus
from dossiers.tests.submission_helpers import ID_NUMBER, PHONE, PROCEDURE_CODE, pdf_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1/dossiers"

# What each request ran when these tests were written (PostgreSQL, in a test transaction).
CREATE_MAX = 25
PATCH_MAX = 27
UPLOAD_MAX = 18
SUBMIT_MAX = 63


def _counted(call, *args, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = call(*args, **kwargs)
    assert response.status_code < 300, response.content
    return response, len(queries)


def test_each_request_of_a_submission_stays_under_its_query_ceiling(client, world):
    client.force_login(world.citizen)
    created, create_count = _counted(
        client.post, API, {"procedure_code": PROCEDURE_CODE}, content_type="application/json"
    )
    body = created.json()
    url = f"{API}/{body['uuid']}"
    applicant = {"full_name": "Nguyễn Văn An", "id_number": ID_NUMBER, "phone": PHONE}
    _, patch_count = _counted(
        client.patch,
        url,
        {
            "applicant": {**applicant, "address": "12 CMT8"},
            "fields": {**applicant, "new_address": "34 Trần Hưng Đạo"},
            "result_delivery": "electronic",
        },
        content_type="application/json",
    )
    upload_counts = []
    for component in body["components"]:
        if component["source"] == "state_holds":
            continue
        file = SimpleUploadedFile("a.pdf", pdf_bytes(component["requirement_code"]))
        _, count = _counted(
            client.post,
            f"{url}/documents",
            {"requirement_code": component["requirement_code"], "file": file},
        )
        upload_counts.append(count)
    submitted, submit_count = _counted(
        client.post, f"{url}/submit", {"declaration": True}, content_type="application/json"
    )

    assert submitted.json()["status"] == DossierStatus.SUBMITTED
    assert len(upload_counts) == 2
    counts = {
        "create": create_count,
        "patch": patch_count,
        "upload": max(upload_counts),
        "submit": submit_count,
    }
    ceilings = {
        "create": CREATE_MAX,
        "patch": PATCH_MAX,
        "upload": UPLOAD_MAX,
        "submit": SUBMIT_MAX,
    }
    assert all(counts[step] <= ceilings[step] for step in counts), (counts, ceilings)
