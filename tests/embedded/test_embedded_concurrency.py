"""The embedded default (`make run`: SQLite, DEBUG, file broker, worker and beat) under light
concurrent use, in real browsers: a citizen submits with two uploads, a second citizen attaches a
document from the data store, and the reception officer accepts dossiers, all at the same time.

No response may be a server error and no page may show "database is locked" or a traceback.
How long the officer's actions take is measured by `bench/bench_embedded.py`, not asserted here.
"""

import pytest

from documents.tests.helpers import make_pdf
from tests.embedded.journeys import (
    citizen_from_store,
    citizen_with_uploads,
    officer_accepting,
    run_in_thread,
)
from tests.embedded.stack import EmbeddedStack

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    stack = EmbeddedStack(tmp_path_factory.mktemp("embedded"))
    stack.prepare()
    stack.start()
    yield stack
    stack.stop()


def test_two_citizens_and_an_officer_at_once(stack, tmp_path):
    uploads = []
    for name in ("to-khai.pdf", "hop-dong.pdf"):
        path = tmp_path / name
        path.write_bytes(make_pdf(f"Giấy tờ {name} — Nguyễn Văn An"))
        uploads.append(path)

    runs = [
        run_in_thread("officer", officer_accepting, stack.url, 2),
        run_in_thread("citizen uploading", citizen_with_uploads, stack.url, uploads),
        run_in_thread("citizen from the data store", citizen_from_store, stack.url, uploads[:1]),
    ]
    for thread, _outcome in runs:
        thread.join(timeout=600)
    outcomes = [outcome for _thread, outcome in runs]

    for outcome in outcomes:
        assert not outcome.error, f"{outcome.name}: {outcome.error}"
        assert outcome.faults == [], f"{outcome.name}: {outcome.faults}"
    officer, first, second = outcomes
    assert len(officer.result.split(",")) == 2, officer.result
    assert first.result != second.result
    assert all(code.startswith("000.") for code in (first.result, second.result))
    log = stack.log()
    assert "database is locked" not in log
    assert "Internal Server Error" not in log
