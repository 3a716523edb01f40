"""Browser journeys on a running embedded stack (tests.embedded.stack), one Playwright per thread.

Each journey records every HTTP response of 500 or more and every page that shows "database is
locked" or a traceback, and how long the officer's actions took (click to loaded page).
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests.embedded.stack import RESIDENCE_CODE, SECOND_CITIZEN, totp_now

DEMO_PASSWORD = "Demo@2026"
DEMO_CITIZEN = "congdan@demo.tayninh.gov.vn"
RECEPTION_OFFICER = "tiepnhan@demo.tayninh.gov.vn"
RECEPTION_TOTP_SECRET = "TAYNINHDEMOTIEPNHANMFASECRETTWOA"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@dataclass
class Outcome:
    name: str
    faults: list[str] = field(default_factory=list)
    timings: list[float] = field(default_factory=list)  # seconds, officer actions
    # Of the same actions, the time until the server's answer was received (Navigation Timing's
    # responseEnd, redirects included): what the server took, without the browser's own work.
    answers: list[float] = field(default_factory=list)
    result: str = ""
    error: str = ""


def _watch(page, outcome: Outcome) -> None:
    def on_response(response) -> None:
        if response.status >= 500:
            outcome.faults.append(
                f"HTTP {response.status} {response.request.method} {response.url}"
            )

    page.on("response", on_response)


def _check_page(page, outcome: Outcome) -> None:
    text = page.content()
    for symptom in ("database is locked", "Traceback", "OperationalError"):
        if symptom in text:
            outcome.faults.append(f"{symptom!r} on {page.url}")


def sign_in(page, base: str, email: str, totp_secret: str = "") -> None:
    page.goto(base + "/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form:has(input[name=login]) button[type=submit]").click()
    page.wait_for_load_state()
    if totp_secret:
        _second_factor(page, totp_secret)
    if "/accounts/" in page.url:
        raise AssertionError(f"{email} is not signed in: {page.url}")


def _second_factor(page, totp_secret: str) -> None:
    """Types the authenticator's code. allauth accepts only the current 30 s window: on a loaded
    machine the window may end between reading the code and the server checking it, and then a
    person types the next code, as this does once."""
    for attempt in range(2):
        page.locator("input[name=code]").fill(totp_now(totp_secret))
        page.get_by_role("button", name="Xác nhận").click()
        page.wait_for_load_state()
        if "/2fa/authenticate/" not in page.url or attempt:
            return
        time.sleep(30 - time.time() % 30 + 0.5)  # the next window


def _next(page, outcome: Outcome) -> None:
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.wait_for_load_state()
    _check_page(page, outcome)


OWN_HOME = "Tôi đăng ký vào nhà (chỗ ở) của chính mình"


def submit_residence(
    page, base: str, outcome: Outcome, *, uploads: list[Path], from_store: bool
) -> str:
    """Đăng ký thường trú from a new draft: the documents are the first cards, from the data
    store first when asked, then uploads; returns the dossier code."""
    page.goto(f"{base}/ho-so/bat-dau/{RESIDENCE_CODE}/")
    page.get_by_role("button", name="Bắt đầu khai hồ sơ mới").click()
    page.wait_for_load_state()
    page.locator("select[name=filing_commune]").select_option(label="Phường Tân Ninh")
    _next(page, outcome)
    page.get_by_label("Địa chỉ đăng ký thường trú").fill("34 Trần Hưng Đạo, phường Tân Ninh")
    _next(page, outcome)
    if "/truong-hop/" in page.url:  # "Trường hợp nào đúng với bạn?" (issue 25): my own home
        page.get_by_label(OWN_HOME).check()
        page.get_by_role("button", name="Chọn trường hợp này").click()
        page.wait_for_load_state()
        _check_page(page, outcome)
    card = 0
    if from_store:
        slot = page.locator("section.card").nth(card)
        slot.get_by_label("Hoặc chọn từ kho dữ liệu").select_option(index=1)
        slot.get_by_role("button", name="Thêm giấy tờ").click()
        page.wait_for_load_state()
        _check_page(page, outcome)
        card += 1
    for upload in uploads:
        slot = page.locator("section.card").nth(card)
        slot.get_by_label("Tải tệp lên").set_input_files(str(upload))
        slot.get_by_role("button", name="Thêm giấy tờ").click()
        page.wait_for_load_state()
        _check_page(page, outcome)
        card += 1
    _next(page, outcome)
    page.get_by_label("Bản điện tử trong kho dữ liệu của tôi").check()
    _next(page, outcome)
    _next(page, outcome)
    page.get_by_label("Tôi xin cam đoan", exact=False).check()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_load_state()
    _check_page(page, outcome)
    return page.locator("#dossier-code").inner_text().strip()


def _timed(page, outcome: Outcome, act) -> None:
    """One officer action, one page load: from the click to the loaded page, and the server's
    answer time of that navigation."""
    started = time.monotonic()
    act()
    page.wait_for_load_state()
    outcome.timings.append(time.monotonic() - started)
    answered_ms = page.evaluate(
        "() => performance.getEntriesByType('navigation')[0]?.responseEnd ?? -1"
    )
    outcome.answers.append(answered_ms / 1000)
    _check_page(page, outcome)


def accept_waiting(page, base: str, outcome: Outcome, *, how_many: int) -> list[str]:
    """The reception officer opens the workspace, then "Chờ tiếp nhận", and accepts dossiers one
    by one (Mẫu 01), timing each action: workspace, queue, dossier page, acceptance."""
    accepted = []
    for _ in range(how_many):
        _timed(page, outcome, lambda: page.goto(base + "/office/"))
        _timed(page, outcome, page.get_by_role("link", name="Chờ tiếp nhận").click)
        link = page.locator("main table a[href*='/office/ho-so/']").first
        code = link.inner_text().strip()
        _timed(page, outcome, link.click)
        form = page.locator("form[action$='/tiep-nhan/']")
        for box in form.locator("input[name=complete]").all():
            box.check()
        _timed(page, outcome, form.get_by_role("button", name="Tiếp nhận (Mẫu 01)").click)
        if "Đã tiếp nhận" not in page.locator("main").inner_text():
            raise AssertionError(f"{code} was not accepted: {page.url}")
        accepted.append(code)
    return accepted


def run_in_thread(name: str, body, *args) -> tuple[threading.Thread, Outcome]:
    """`body(page, outcome, *args)` in a browser of its own, on a thread of its own."""
    outcome = Outcome(name)

    def target() -> None:
        from playwright.sync_api import sync_playwright

        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
                )
                context = browser.new_context(
                    locale="vi-VN", viewport={"width": 1280, "height": 900}
                )
                page = context.new_page()
                page.set_default_timeout(60_000)
                _watch(page, outcome)
                outcome.result = str(body(page, outcome, *args))
                browser.close()
        except Exception as exc:  # reported by the test, with the journey's name
            outcome.error = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=target, name=name)
    thread.start()
    return thread, outcome


def citizen_with_uploads(page, outcome: Outcome, base: str, uploads: list[Path]) -> str:
    sign_in(page, base, DEMO_CITIZEN)
    return submit_residence(page, base, outcome, uploads=uploads, from_store=False)


def citizen_from_store(page, outcome: Outcome, base: str, uploads: list[Path]) -> str:
    sign_in(page, base, SECOND_CITIZEN)
    return submit_residence(page, base, outcome, uploads=uploads, from_store=True)


def officer_accepting(page, outcome: Outcome, base: str, how_many: int) -> str:
    sign_in(page, base, RECEPTION_OFFICER, RECEPTION_TOTP_SECRET)
    return ",".join(accept_waiting(page, base, outcome, how_many=how_many))
