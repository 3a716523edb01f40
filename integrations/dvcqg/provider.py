"""The National Public Service Portal (DVCQG) adapter: sign-in, then named service calls.

The protocol is the one observed in public integrations (integrations-and-data §4.1):
`POST {adapter}{auth}` with `{"username", "password"}` → `{"error_code": 0, "session": ...}`,
then `POST {adapter}{service}` with `{"session", "madonvi", "service": <name>, ...}` →
`{"error_code": 0, ...}`. The official VPCP specification was not public (regulation-spec
§12.1 [U]); paths are settings so the real adapter's can be set without code changes.

Every call carries an `Idempotency-Key` header [I]: the same key always means the same
request, so a retry after a lost answer changes nothing twice (the simulator dedupes by it).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache

import requests

from integrations.base import Integration, IntegrationError, integrations
from integrations.constants import Provider

logger = logging.getLogger(__name__)

SESSION_CACHE_KEY = "integrations:dvcqg:session"
SESSION_TTL_SECONDS = 20 * 60
# `error_code` values of the adapter [S for 0; I for the others, the simulator speaks them].
OK = 0
SESSION_EXPIRED = -1
INVALID_DATA = 2

DONG_BO_HO_SO = "DongBoHoSoMC"
CAP_NHAT_TIEN_DO = "CapNhatTienDoHoSoMC"
LAY_HO_SO_MOI = "LayHoSoMoi"  # [I] dossiers submitted on the portal for our unit
XAC_NHAN_HO_SO = "XacNhanHoSo"  # [I] acknowledge one of them (taken, or refused with a reason)
LAY_DANH_SACH_TTHC = "LayDanhSachTTHC"


class DvcqgIntegration(Integration):
    key = Provider.DVCQG
    label = "Cổng Dịch vụ công quốc gia"
    enabled_setting = "DVCQG_ENABLED"
    simulator_setting = "DVCQG_SIMULATOR_ENABLED"
    required_settings = (
        "DVCQG_ADAPTER_URL",
        "DVCQG_USERNAME",
        "DVCQG_PASSWORD",
        "DVCQG_AGENCY_CODE",
    )

    # --- transport ---------------------------------------------------------------------------

    def _post(self, path: str, body: dict[str, Any], *, key: str = "") -> dict[str, Any]:
        url = f"{settings.DVCQG_ADAPTER_URL}{path}"
        headers = {"Idempotency-Key": key} if key else {}
        try:
            response = requests.post(
                url, json=body, headers=headers, timeout=settings.DVCQG_TIMEOUT_SECONDS
            )
        except requests.RequestException as exc:
            raise IntegrationError(f"DVCQG unreachable: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code == 429:
            raise IntegrationError(f"DVCQG HTTP {response.status_code}")
        if response.status_code >= 400:
            raise IntegrationError(f"DVCQG HTTP {response.status_code}", retryable=False)
        try:
            answer = response.json()
        except ValueError as exc:
            raise IntegrationError("DVCQG answered something that is not JSON") from exc
        if not isinstance(answer, dict):
            raise IntegrationError("DVCQG answered something that is not a JSON object")
        return answer

    def _session(self, *, fresh: bool = False) -> str:
        session = None if fresh else cache.get(SESSION_CACHE_KEY)
        if session:
            return session
        answer = self._post(
            settings.DVCQG_AUTH_PATH,
            {"username": settings.DVCQG_USERNAME, "password": settings.DVCQG_PASSWORD},
        )
        if answer.get("error_code") != OK or not answer.get("session"):
            # Wrong credentials do not heal by themselves, but an operator may fix them: retry.
            raise IntegrationError(f"DVCQG sign-in refused: {answer.get('message', '')}")
        cache.set(SESSION_CACHE_KEY, answer["session"], SESSION_TTL_SECONDS)
        return answer["session"]

    def call(self, service: str, *, key: str = "", **fields: Any) -> dict[str, Any]:
        """One service call; signs in (again) as needed. Raises IntegrationError."""
        for fresh in (False, True):
            body = {
                "session": self._session(fresh=fresh),
                "madonvi": settings.DVCQG_AGENCY_CODE,
                "service": service,
                **fields,
            }
            answer = self._post(settings.DVCQG_SERVICE_PATH, body, key=key)
            code = answer.get("error_code")
            if code == SESSION_EXPIRED and not fresh:
                cache.delete(SESSION_CACHE_KEY)
                continue
            if code == OK:
                return answer
            message = f"DVCQG {service} error_code={code}: {answer.get('message', '')}"
            raise IntegrationError(message, retryable=code != INVALID_DATA)
        raise IntegrationError(f"DVCQG {service}: session refused twice")

    # --- services ----------------------------------------------------------------------------

    def push_dossiers(self, items: list[dict[str, Any]], *, is_updating: bool, key: str) -> None:
        self.call(DONG_BO_HO_SO, key=key, isUpdating=is_updating, data=items)

    def push_progress(self, items: list[dict[str, Any]], *, key: str) -> None:
        self.call(CAP_NHAT_TIEN_DO, key=key, data=items)

    def new_dossiers(self) -> list[dict[str, Any]]:
        answer = self.call(LAY_HO_SO_MOI)
        result = answer.get("result") or []
        return [item for item in result if isinstance(item, dict)]

    def acknowledge(self, *, code: str, accepted: bool, message: str = "") -> None:
        self.call(
            XAC_NHAN_HO_SO,
            key=f"{code}:{XAC_NHAN_HO_SO}",
            MaHoSo=code,
            DaTiepNhan=accepted,
            LyDo=message,
        )

    def catalogue(self) -> list[dict[str, Any]]:
        answer = self.call(LAY_DANH_SACH_TTHC)
        result = answer.get("result") or []
        return [item for item in result if isinstance(item, dict)]


dvcqg = DvcqgIntegration()
integrations.register(Provider.DVCQG)(dvcqg)
