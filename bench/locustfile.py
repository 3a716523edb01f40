"""The mixed load scenario (locust), driven by `bench/bench_mixed.py`, which seeds the database,
starts gunicorn and writes the data file named by BENCH_MIXED_DATA.

Each simulated user runs tasks at a constant rate (`constant_throughput`), so the offered load is
fixed: users × BENCH_MIXED_RATE task/s, whatever the server's speed. The mix:

- catalogue browsing (weight 5): the catalogue page with a search, a procedure's page, the API;
- lookups (weight 2): the public dossier lookup by code + 4 digits of the phone;
- staff actions (weight 2): an officer's queue page and a dossier page in the back office;
- submissions (weight 1): a citizen's whole API journey (create, fill, two 200 KB uploads, submit).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import uuid

from locust import HttpUser, constant_throughput, task

with open(os.environ["BENCH_MIXED_DATA"], encoding="utf-8") as handle:
    DATA = json.load(handle)
RATE = float(os.environ.get("BENCH_MIXED_RATE", "1"))
CSRF = "c" * 32
_sessions = iter(DATA["citizen_sessions"])
_lock = threading.Lock()
_pdf_cache: list[bytes] = []


def _pdfs() -> list[bytes]:
    if not _pdf_cache:
        _pdf_cache.extend(bytes.fromhex(h) for h in DATA["pdfs_hex"])
    return _pdf_cache


def _multipart(requirement: str, data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="requirement_code"\r\n\r\n'
            f'{requirement}\r\n--{boundary}\r\nContent-Disposition: form-data; name="file"; '
            'filename="giay-to.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


class PortalUser(HttpUser):
    wait_time = constant_throughput(RATE)

    def on_start(self) -> None:
        self.client.headers["Host"] = "127.0.0.1"
        self.queries = itertools.cycle(DATA["queries"])
        self.procedures = itertools.cycle(DATA["procedure_paths"])

    @task(5)
    def browse_catalogue(self) -> None:
        self.client.get(f"{DATA['catalogue_path']}?q={next(self.queries)}", name="catalogue search")
        self.client.get(next(self.procedures), name="procedure page")
        self.client.get(f"/api/v1/procedures?q={next(self.queries)}", name="catalogue API search")

    @task(2)
    def lookup(self) -> None:
        code, verify = random.choice(DATA["lookups"])
        self.client.get(f"{DATA['lookup_path']}?code={code}&verify={verify}", name="dossier lookup")

    @task(2)
    def staff(self) -> None:
        cookies = {"sessionid": DATA["staff_session"]}
        self.client.get(DATA["staff_queue_path"], cookies=cookies, name="officer queue page")
        self.client.get(
            random.choice(DATA["staff_dossier_paths"]), cookies=cookies, name="officer dossier page"
        )

    @task(1)
    def submit(self) -> None:
        with _lock:
            session = next(_sessions, None)
        if session is None:  # every seeded citizen has submitted: browse instead
            self.browse_catalogue()
            return
        cookies = {"sessionid": session, "csrftoken": CSRF}
        headers = {"X-CSRFToken": CSRF}
        created = self.client.post(
            "/api/v1/dossiers",
            json={"procedure_code": DATA["procedure_code"]},
            cookies=cookies,
            headers=headers,
            name="submission: create",
        )
        if created.status_code >= 300:
            return
        dossier = created.json()
        url = f"/api/v1/dossiers/{dossier['uuid']}"
        self.client.patch(
            url,
            json=DATA["draft_patch"],
            cookies=cookies,
            headers=headers,
            name="submission: fill",
        )
        slots = [c for c in dossier["components"] if c["source"] != "state_holds"]
        for component, pdf in zip(slots, _pdfs(), strict=False):
            body, content_type = _multipart(component["requirement_code"], pdf)
            self.client.post(
                f"{url}/documents",
                data=body,
                cookies=cookies,
                headers={**headers, "Content-Type": content_type},
                name="submission: upload",
            )
        self.client.post(
            f"{url}/submit",
            json={"declaration": True},
            cookies=cookies,
            headers=headers,
            name="submission: submit",
        )
