"""Writing a procedure's cases and document lines from the catalogue's split (ADR 0260).

A re-import updates what the catalogue says; what an administrator corrected stays: a case's
plain label always, and the kind, case and condition of a line marked `corrected`.
"""

from django.db import transaction

from procedures.cases import Split, SplitItem
from procedures.models import DocumentRequirement, Procedure, ProcedureCase


def _line_values(item: SplitItem) -> dict:
    row = item.row
    return {
        "position": row.position,
        "group": row.group,
        "name": row.name,
        "originals": row.originals,
        "copies": row.copies,
        "template_name": row.template_name,
    }


def _reading(item: SplitItem, case_ids: dict[str, int]) -> dict:
    """What the split says a line is; a corrected line keeps its own."""
    return {
        "kind": item.kind,
        "required": item.required,
        "condition": item.condition[:300],
        "alternative_of": item.parent_key,
        "case_id": case_ids.get(item.case_key) if item.case_key else None,
    }


def cases_create(*, procedure_ids: dict[str, int], splits: dict[str, Split]) -> None:
    """The cases and lines of newly imported procedures (a few queries for a whole batch)."""
    ProcedureCase.objects.bulk_create(
        [
            ProcedureCase(
                procedure_id=procedure_ids[code], key=c.key, position=c.position, title=c.title
            )
            for code, split in splits.items()
            for c in split.cases
        ]
    )
    ids = {
        (procedure_id, key): pk
        for procedure_id, key, pk in ProcedureCase.objects.filter(
            procedure_id__in=procedure_ids.values()
        ).values_list("procedure_id", "key", "pk")
    }
    lines = []
    for code, split in splits.items():
        procedure_id = procedure_ids[code]
        case_ids = {c.key: ids[(procedure_id, c.key)] for c in split.cases}
        lines += [
            DocumentRequirement(
                procedure_id=procedure_id,
                source_key=item.row.source_key,
                **_line_values(item),
                **_reading(item, case_ids),
            )
            for item in split.items
        ]
    DocumentRequirement.objects.bulk_create(lines)


@transaction.atomic
def cases_sync(*, procedure: Procedure, split: Split) -> None:
    """Brings an existing procedure's cases and lines in line with a new split."""
    case_ids = _sync_cases(procedure, split)
    existing = {
        r.source_key: r
        for r in DocumentRequirement.objects.filter(procedure=procedure).exclude(source_key="")
    }
    wanted = {item.row.source_key for item in split.items}
    stale = [r.pk for key, r in existing.items() if key not in wanted]
    if stale:
        DocumentRequirement.objects.filter(pk__in=stale).delete()
    new = []
    for item in split.items:
        current = existing.get(item.row.source_key)
        values = _line_values(item)
        if current is None:
            new.append(
                DocumentRequirement(
                    procedure=procedure,
                    source_key=item.row.source_key,
                    **values,
                    **_reading(item, case_ids),
                )
            )
            continue
        if not current.corrected:
            values |= _reading(item, case_ids)
        changed = [k for k, v in values.items() if getattr(current, k) != v]
        if changed:
            for k in changed:
                setattr(current, k, values[k])
            current.save(update_fields=changed)
    DocumentRequirement.objects.bulk_create(new)


def _sync_cases(procedure: Procedure, split: Split) -> dict[str, int]:
    existing = {c.key: c for c in ProcedureCase.objects.filter(procedure=procedure)}
    wanted = {c.key for c in split.cases}
    stale = [c.pk for key, c in existing.items() if key not in wanted and not c.corrected]
    if stale:
        ProcedureCase.objects.filter(pk__in=stale).delete()
    for case in split.cases:
        current = existing.get(case.key)
        if current is None:
            existing[case.key] = ProcedureCase.objects.create(
                procedure=procedure, key=case.key, position=case.position, title=case.title
            )
        elif (current.position, current.title) != (case.position, case.title):
            current.position, current.title = case.position, case.title
            current.save(update_fields=["position", "title"])
    return {key: c.pk for key, c in existing.items()}
