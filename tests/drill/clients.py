"""The drill's clients: a citizen's and an officer's HTTP steps against the nodes (requests,
cookies and CSRF as a browser keeps them), the submission journey that survives a node dying
under it, and SQL on the drill's database. Shared by tests/drill/ and bench/bench_drill.py."""

from __future__ import annotations

import re
import time

import requests

from bench.bench_submissions import PDF_SIZE

CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
APPLICANT = {
    "applicant": {
        "full_name": "Nguyễn Văn An",
        "id_number": "072090001234",
        "phone": "0912345678",
        "address": "12 Cách Mạng Tháng Tám",
    },
    "fields": {"full_name": "Nguyễn Văn An", "id_number": "072090001234", "new_address": "34 THĐ"},
    "result_delivery": "electronic",
}


def pdfs() -> list[bytes]:
    from dossiers.tests.submission_helpers import pdf_bytes

    return [pdf_bytes(f"giay to {n}", pad_to=PDF_SIZE) for n in range(2)]


def sql(cluster, query: str, *params) -> list[tuple]:
    import psycopg

    with psycopg.connect(cluster.database_url, autocommit=True) as conn:
        cursor = conn.execute(query, params)
        return cursor.fetchall() if cursor.description else []


def form_token(response: requests.Response) -> str:
    match = CSRF_FIELD.search(response.text)
    assert match, f"no CSRF field on {response.url}: {response.status_code}"
    return match.group(1)


def sign_in(http: requests.Session, base: str, email: str, password: str) -> requests.Response:
    page = http.get(f"{base}/accounts/login/", timeout=30)
    assert page.status_code == 200, f"{base}/accounts/login/: {page.status_code} {page.text[-600:]}"
    return http.post(
        f"{base}/accounts/login/",
        data={"login": email, "password": password, "csrfmiddlewaretoken": form_token(page)},
        allow_redirects=False,
        timeout=30,
    )


def api(http: requests.Session, method: str, url: str, **kwargs) -> dict:
    headers = {"X-CSRFToken": http.cookies["csrftoken"]}
    response = http.request(method, url, headers=headers, timeout=60, **kwargs)
    assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
    return response.json()


def totp(secret: str) -> str:
    """The code an authenticator app shows now; never one about to expire (allauth accepts only
    the current 30-second period, and the request may take a few seconds on a busy machine)."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    if time.time() % 30 > 22:
        time.sleep(30 - time.time() % 30 + 0.2)
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def journey(nodes: list[str], down: set[str], session: str, procedure: str, files) -> dict:
    """One citizen's API submission that survives a node dying under it: on a connection error
    the node is taken out (as a load balancer's health check would) and the journey resumes on
    another from what the server says it already has, so a lost answer never makes a second
    dossier. Returns the dossier's uuid and the errors met."""
    state: dict = {"uuid": None, "errors": 0, "nodes": []}
    for attempt in range(12):
        live = [n for n in nodes if n not in down] or nodes
        base = live[(hash(session) + attempt) % len(live)]
        state["nodes"].append(base)
        http = requests.Session()
        http.cookies.set("sessionid", session)
        http.cookies.set("csrftoken", "c" * 32)
        try:
            if state["uuid"] is None:
                created = api(
                    http, "POST", f"{base}/api/v1/dossiers", json={"procedure_code": procedure}
                )
                state["uuid"] = created["uuid"]
            url = f"{base}/api/v1/dossiers/{state['uuid']}"
            current = api(http, "GET", url)
            if current["status"] == "submitted":
                return _finished(state, current)
            api(http, "PATCH", url, json=APPLICANT)  # idempotent: the same details again
            slots = [c for c in current["components"] if c["source"] != "state_holds"]
            for component, pdf in zip(slots, files, strict=True):
                if component["document_uuid"] is None:
                    api(
                        http,
                        "POST",
                        f"{url}/documents",
                        data={"requirement_code": component["requirement_code"]},
                        files={"file": ("giay-to.pdf", pdf, "application/pdf")},
                    )
            return _finished(state, api(http, "POST", f"{url}/submit", json={"declaration": True}))
        except requests.ConnectionError as error:
            state["errors"] += 1
            state.setdefault("messages", []).append(str(error)[:200])
            down.add(base)
        except (requests.RequestException, AssertionError, ValueError) as error:
            state["errors"] += 1
            state.setdefault("messages", []).append(str(error)[:300])
            time.sleep(0.3 * (attempt + 1))
    state["gave_up"] = True
    return state


def _finished(state: dict, dossier: dict) -> dict:
    state["code"] = dossier["code"]
    state["uploaded"] = [c["uuid"] for c in dossier["components"] if c["source"] == "uploaded"]
    return state
