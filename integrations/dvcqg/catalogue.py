"""Catalogue sync: procedures updated from the national TTHC database.

The adapter's `LayDanhSachTTHC` answers records of the national catalogue; they go through the
same import as the catalogue file (`procedures.services.procedures_import`), so what the
province configures itself (online level, fees, form fields) is never overwritten. Records in
the adapter's upper-case shape (`MaTTHC`/`MATTHC`, `TenTTHC`/`TENTTHC`, `LINHVUCTHUCHIEN`) are
mapped to the catalogue keys first.
"""

from __future__ import annotations

from typing import Any

from integrations.dvcqg.provider import dvcqg
from procedures.services import ImportCounts, procedures_import


def national_record(item: dict[str, Any]) -> dict[str, Any]:
    if "ma_thu_tuc" in item:
        return item
    fields = item.get("LINHVUCTHUCHIEN") or []
    field_name = fields[0].get("TENLINHVUC", "") if fields and isinstance(fields[0], dict) else ""
    return {
        **item,
        "ma_thu_tuc": item.get("MaTTHC") or item.get("MATTHC") or "",
        "ten_thu_tuc": item.get("TenTTHC") or item.get("TENTTHC") or "",
        "linh_vuc": item.get("TenLinhVuc") or field_name,
    }


def catalogue_sync() -> Any:
    """Import the adapter's catalogue; returns `procedures.services.ImportCounts`."""

    if not dvcqg.is_enabled():
        return ImportCounts()
    return procedures_import(records=[national_record(r) for r in dvcqg.catalogue()])
