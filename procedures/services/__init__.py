"""Writes: catalogue import, search-text refresh, online-level classification."""

import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db import connection, models, transaction
from django.db.models import signals
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_has_role
from agencies.constants import AgencyKind
from agencies.models import Agency
from common.audit import audit_record
from common.exceptions import ApplicationError
from common.text import fold
from procedures import cases as case_split
from procedures import importer
from procedures.constants import (
    CATALOGUE_VERSION_KEY,
    LEVEL_FIELDS,
    OnlineLevel,
    ProposalStatus,
    ReviewFlag,
)
from procedures.models import (
    CODE_PATTERN,
    AgencyNameMapping,
    ApplicantType,
    DocumentRequirement,
    FeeRule,
    OnlineLevelProposal,
    OnlineOnlyDay,
    Procedure,
    ProcedureCase,
    ProcedureChannel,
    ProcedureField,
    WorkflowStep,
)
from procedures.selectors import forget_catalogue_version, fresh_catalogue_version
from procedures.services.cases import cases_create, cases_sync

PROPOSER_ROLES = (Role.RECEPTION_OFFICER, Role.PROCESSING_OFFICER, Role.AGENCY_HEAD)
APPROVER_ROLES = (Role.ONESTOP_SUPERVISOR,)
SEARCH_TEXT_LIMIT = 20_000
_WORD = re.compile(r"\w+")


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    flagged: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


class _Caches:
    """Lookups that repeat across thousands of records, kept for one import run."""

    def __init__(self) -> None:
        self.fields: dict[str, ProcedureField] = {f.name: f for f in ProcedureField.objects.all()}
        self.applicants: dict[str, ApplicantType] = {a.name: a for a in ApplicantType.objects.all()}
        self.mappings: dict[str, AgencyNameMapping] = {
            m.source_name: m for m in AgencyNameMapping.objects.all()
        }
        self.agencies = list(Agency.objects.only("id", "name", "kind"))
        self.unchanged_flags = ""
        # code → (source hash, review flags) of every stored procedure: one query, not one a record
        self.known: dict[str, tuple[str, str]] = {
            code: (digest, flags)
            for code, digest, flags in Procedure.objects.values_list(
                "code", "source_hash", "review_flags"
            )
        }

    def field(self, name: str) -> ProcedureField:
        if name not in self.fields:
            self.fields[name], _created = ProcedureField.objects.get_or_create(
                code=importer.code_for(name), defaults={"name": name}
            )
        return self.fields[name]

    def applicant(self, name: str) -> ApplicantType:
        if name not in self.applicants:
            self.applicants[name], _created = ApplicantType.objects.get_or_create(
                code=importer.code_for(name), defaults={"name": name}
            )
        return self.applicants[name]

    def mapping(self, name: str) -> AgencyNameMapping | None:
        if not name:
            return None
        name = name[:500]
        if name not in self.mappings:
            agency, level = guess_agency(name, self.agencies)
            self.mappings[name], _created = AgencyNameMapping.objects.get_or_create(
                source_name=name,
                defaults={"agency": agency, "agency_level": level, "note": _("Tự ánh xạ khi nhập")}
                if agency or level
                else {},
            )
        return self.mappings[name]


def guess_agency(source_name: str, agencies: list[Agency]) -> tuple[Agency | None, str]:
    """First guess for a new mapping row; staff correct it in admin. Never overrides an edit."""
    folded = fold(source_name).rstrip(".")
    if any(s in folded for s in ("cap xa", "xa, phuong", "uy ban nhan dan xa", "ubnd xa")):
        return None, "commune"
    if folded in ("uy ban nhan dan cap tinh", "chu tich uy ban nhan dan cap tinh", "ubnd cap tinh"):
        province = next((a for a in agencies if a.kind == AgencyKind.PROVINCE), None)
        return province, ""
    wanted = folded.replace(" cap tinh", " tinh")
    for agency in agencies:
        agency_folded = fold(agency.name)
        if agency_folded == wanted or (len(wanted) > 6 and agency_folded.startswith(wanted + " ")):
            return agency, ""
    return None, ""


def catalogue_changed() -> None:
    """Search results and page fragments are cached per catalogue version: a change makes every
    one of them stale once it commits. Called for every row a transaction writes, it bumps the
    version once per commit: each call's callback remembers the bump count it was made at, and
    only the first callback of a commit finds it unchanged."""
    seen = getattr(_bumps, "count", 0)
    transaction.on_commit(lambda: _bump_catalogue_version(seen))


_bumps = threading.local()  # commits run their callbacks in the thread of their connection


def _bump_catalogue_version(seen: int) -> None:
    if getattr(_bumps, "count", 0) != seen:
        return  # an earlier callback of the same commit has bumped it
    _bumps.count = seen + 1
    try:
        cache.incr(CATALOGUE_VERSION_KEY)
    except ValueError:
        cache.set(CATALOGUE_VERSION_KEY, fresh_catalogue_version(), timeout=None)
    forget_catalogue_version()


def _on_catalogue_row_change(sender: type, **kwargs: object) -> None:
    if kwargs.get("raw"):  # loaddata
        return
    catalogue_changed()


# What the public pages show of the catalogue, beyond the procedure row itself: a change to any
# of these rows, wherever it is made (admin, shell, another app), makes the cached pages stale.
# Bulk writes send no signals; the import calls catalogue_changed() itself.
CATALOGUE_MODELS: tuple[type[models.Model], ...] = (
    Procedure,
    ProcedureChannel,
    DocumentRequirement,
    ProcedureCase,
    FeeRule,
    WorkflowStep,
    OnlineOnlyDay,
    AgencyNameMapping,
    ProcedureField,
    ApplicantType,
    Agency,
)


def connect_catalogue_signals() -> None:
    """From ProceduresConfig.ready()."""
    for model in CATALOGUE_MODELS:
        uid = f"procedures.catalogue_changed.{model._meta.label}"
        signals.post_save.connect(_on_catalogue_row_change, sender=model, dispatch_uid=uid)
        signals.post_delete.connect(_on_catalogue_row_change, sender=model, dispatch_uid=uid)
    for through in (
        Procedure.applicant_types.through,
        FeeRule.exempt_applicant_types.through,
        WorkflowStep.participating_agencies.through,
    ):
        signals.m2m_changed.connect(
            _on_catalogue_row_change, sender=through, dispatch_uid=f"procedures.m2m.{through}"
        )


def padded(folded: str) -> str:
    """Folded search columns hold words only, with a space at each end, so `" word"` finds the
    start of a word and `" word "` a whole word."""
    return f" {' '.join(_WORD.findall(folded))} "


def search_text_for(procedure: Procedure, *, extra: Iterable[str] = ()) -> str:
    parts = [
        procedure.code,
        procedure.name,
        procedure.field.name,
        procedure.implementing_agency_name,
        procedure.competent_agency_name,
        " ".join(r.get("name", "") for r in procedure.results if isinstance(r, dict)),
        " ".join(str(x) for x in procedure.legal_basis),
        *extra,
    ]
    return padded(fold(" ".join(p for p in parts if p))[:SEARCH_TEXT_LIMIT])


@dataclass
class _Parsed:
    procedure: Procedure
    created: bool
    terms: list[importer.ChannelTerms]
    split: case_split.Split
    applicants: list[ApplicantType]
    flagged: bool


class _NewBatch:
    """New procedures are inserted in batches (a handful of queries per batch, not per record)."""

    SIZE = 250

    def __init__(self) -> None:
        self.items: list[_Parsed] = []
        self.codes: set[str] = set()

    def add(self, parsed: _Parsed) -> None:
        self.items.append(parsed)
        self.codes.add(parsed.procedure.code)

    def flush(self) -> None:
        if not self.items:
            return
        Procedure.objects.bulk_create([item.procedure for item in self.items])
        saved = dict(Procedure.objects.filter(code__in=self.codes).values_list("code", "pk"))
        channels, applicants = [], []
        through = Procedure.applicant_types.through
        for item in self.items:
            pk = saved[item.procedure.code]
            item.procedure.pk = pk
            channels += [_channel_row(pk, t) for t in _one_per_channel(item.terms)]
            applicants += [
                through(procedure_id=pk, applicanttype_id=a.pk)
                for a in {a.pk: a for a in item.applicants}.values()
            ]
        ProcedureChannel.objects.bulk_create(channels)
        cases_create(
            procedure_ids={item.procedure.code: item.procedure.pk for item in self.items},
            splits={item.procedure.code: item.split for item in self.items},
        )
        through.objects.bulk_create(applicants)
        self.items, self.codes = [], set()


@transaction.atomic
def procedures_import(
    *,
    records: Iterable[dict],
    progress: Callable[[int], None] | None = None,
    only_levels: set[str] | None = None,
) -> ImportCounts:
    """Creates or updates procedures from national-catalogue records; idempotent.

    Local configuration (online level, online-only, fee rules, form fields, workflow, requirement
    flags) is never touched by a re-import. A record that cannot be read is skipped and counted.
    """
    counts = ImportCounts()
    caches = _Caches()
    batch = _NewBatch()
    for index, record in enumerate(records, start=1):
        if only_levels is not None and not importer.levels_of(record) & only_levels:
            continue
        code = importer.clean_text(record.get("ma_thu_tuc"))
        if code in batch.codes:  # the same code twice in one file: the second one updates
            batch.flush()
        try:
            parsed = _parse(record=record, caches=caches)
            if parsed is not None and not parsed.created:
                with transaction.atomic():
                    _save_existing(parsed)
        except (KeyError, TypeError, ValueError) as exc:
            counts.skipped += 1
            counts.errors.append(f"{code or '?'}: {exc}")
            continue
        if parsed is None:
            counts.unchanged += 1
            counts.flagged += int(bool(caches.unchanged_flags))
        elif parsed.created:
            batch.add(parsed)
            caches.known[code] = (parsed.procedure.source_hash, parsed.procedure.review_flags)
            counts.created += 1
            counts.flagged += int(parsed.flagged)
        else:
            counts.updated += 1
            counts.flagged += int(parsed.flagged)
        if len(batch.items) >= batch.SIZE:
            batch.flush()
        if progress:
            progress(index)
    batch.flush()
    if counts.created or counts.updated:
        catalogue_changed()
        transaction.on_commit(_refresh_planner_statistics)
    return counts


def _refresh_planner_statistics() -> None:
    """ANALYZE the catalogue tables once an import has committed (PostgreSQL): with no statistics
    (a new database, or autovacuum off or not yet run) the planner guesses row counts wildly —
    it took the 2,117 procedures online "partial" for 6 and read them all to search them, 15 ms
    a query instead of 1.5. Cheap (tens of milliseconds for the whole catalogue)."""
    if connection.vendor != "postgresql":
        return
    tables = [
        model._meta.db_table
        for model in (Procedure, ProcedureChannel, ProcedureField, DocumentRequirement)
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _parse(*, record: dict, caches: _Caches) -> _Parsed | None:
    """The record as an unsaved (or changed) procedure; None when its content did not change."""
    code = importer.clean_text(record.get("ma_thu_tuc"))
    name = importer.clean_text(record.get("ten_thu_tuc"))
    if not code or not name or not CODE_PATTERN.match(code):
        raise ValueError(_("thiếu hoặc sai mã/tên thủ tục"))
    # A new reading of the document lists re-reads every record once (ADR 0260).
    digest = importer.record_hash({**record, "_cases": case_split.SPLIT_VERSION})
    known = caches.known.get(code)
    if known is not None and known[0] == digest:
        caches.unchanged_flags = known[1]
        return None
    created = known is None
    if created:
        online = bool(record.get("co_nop_truc_tuyen"))
        procedure = Procedure(
            code=code, online_level=OnlineLevel.PARTIAL if online else OnlineLevel.NONE
        )
    else:
        procedure = Procedure.objects.get(code=code)
    terms = [t for t in map(importer.channel_terms, record.get("cach_thuc_thuc_hien") or []) if t]
    split = case_split.split_documents(record.get("thanh_phan_ho_so") or [])
    flags = importer.record_flags(record).union(*(t.flags for t in terms))
    if split.guesses:
        flags.add(ReviewFlag.CASES_GUESSED)
    procedure.case_guesses = split.guesses
    levels = importer.levels_of(record)

    procedure.name = name
    procedure.field = caches.field(importer.clean_text(record.get("linh_vuc")) or "Khác")
    for level, attr in LEVEL_FIELDS.items():
        setattr(procedure, attr, level in levels)
    procedure.procedure_type = importer.clean_text(record.get("loai_thu_tuc"))[:255]
    procedure.issuing_body = importer.clean_text(record.get("co_quan_ban_hanh"))[:255]
    procedure.decision_number = importer.clean_text(record.get("so_quyet_dinh_cong_bo"))[:255]
    procedure.source_group = importer.clean_text(record.get("nhom_nguon"))[:64]
    procedure.source_url = importer.clean_text(record.get("nguon_url"))[:500]
    procedure.implementing_agency_name = importer.agency_name(record.get("co_quan_thuc_hien"))
    procedure.competent_agency_name = importer.agency_name(record.get("co_quan_co_tham_quyen"))
    procedure.coordinating_agency_name = importer.agency_name(record.get("co_quan_phoi_hop"))
    procedure.authorised_agency_name = importer.agency_name(record.get("co_quan_duoc_uy_quyen"))
    procedure.implementing_mapping = caches.mapping(procedure.implementing_agency_name)
    procedure.competent_mapping = caches.mapping(procedure.competent_agency_name)
    procedure.coordinating_mapping = caches.mapping(procedure.coordinating_agency_name)
    procedure.reception_address = importer.clean_text(record.get("dia_chi_tiep_nhan"))
    procedure.results = [
        {"name": importer.clean_text(r.get("ten")), "code": importer.clean_text(r.get("ma"))}
        for r in record.get("ket_qua") or []
        if isinstance(r, dict)
    ]
    procedure.legal_basis = [
        importer.clean_text(x) for x in record.get("can_cu_phap_ly_so_hieu") or []
    ]
    procedure.conditions = _unless_no_information(record.get("yeu_cau_dieu_kien"))
    procedure.steps = _unless_no_information(record.get("trinh_tu_thuc_hien"), keep_lines=True)
    procedure.receipt_cutoff = importer.receipt_cutoff(record)
    procedure.related_procedures = importer.clean_text(record.get("thu_tuc_lien_quan"))
    procedure.documents_raw_text = str(record.get("thanh_phan_ho_so_text") or "").strip()
    procedure.online_submission_listed = bool(record.get("co_nop_truc_tuyen"))
    procedure.review_flags = ",".join(sorted(flags))
    procedure.source_hash = digest
    applicant_names = [importer.clean_text(a) for a in record.get("doi_tuong_thuc_hien") or []]
    procedure.name_folded = padded(fold(name))
    # Other text = field, agencies, applicant types, results, legal basis: not the document list,
    # whose long text would make every keystroke read kilobytes per row.
    procedure.search_text = search_text_for(procedure, extra=applicant_names)
    return _Parsed(
        procedure=procedure,
        created=created,
        terms=terms,
        split=split,
        applicants=[caches.applicant(a) for a in applicant_names if a],
        flagged=bool(flags),
    )


def _save_existing(parsed: _Parsed) -> None:
    procedure = parsed.procedure
    procedure.save()
    procedure.applicant_types.set(parsed.applicants)
    _sync_channels(procedure=procedure, terms=parsed.terms)
    cases_sync(procedure=procedure, split=parsed.split)


def _one_per_channel(terms: list[importer.ChannelTerms]) -> list[importer.ChannelTerms]:
    return list({t.channel: t for t in terms}.values())


def _channel_values(t: importer.ChannelTerms) -> dict:
    return {
        "time_value": t.time_value,
        "time_unit": t.time_unit,
        "fee_vnd": t.fee_vnd,
        "fee_amounts": t.fee_amounts,
        "is_free": t.is_free,
        "notes": t.notes,
    }


def _channel_row(procedure_id: int, t: importer.ChannelTerms) -> ProcedureChannel:
    return ProcedureChannel(procedure_id=procedure_id, channel=t.channel, **_channel_values(t))


def _unless_no_information(value: object, *, keep_lines: bool = False) -> str:
    text = str(value or "").replace("\u00a0", " ").strip()
    if not keep_lines:
        text = importer.clean_text(text)
    return "" if text.rstrip(".") in (importer.NO_INFORMATION, "Không") else text


def _sync_channels(*, procedure: Procedure, terms: list[importer.ChannelTerms]) -> None:
    by_channel = {t.channel: t for t in terms}
    existing = {c.channel: c for c in ProcedureChannel.objects.filter(procedure=procedure)}
    stale = [c.pk for channel, c in existing.items() if channel not in by_channel]
    if stale:
        ProcedureChannel.objects.filter(pk__in=stale).delete()
    new = []
    for channel, t in by_channel.items():
        values = _channel_values(t)
        current = existing.get(channel)
        if current is None:
            new.append(_channel_row(procedure.pk, t))
        elif any(getattr(current, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(current, k, v)
            current.save(update_fields=list(values))
    ProcedureChannel.objects.bulk_create(new)


# --- online-service classification -------------------------------------------------------


def _has_any_role(user: User, roles: Iterable[Role]) -> bool:
    return any(user_has_role(user=user, role=role) for role in roles)


@transaction.atomic
def online_level_propose(
    *,
    procedure: Procedure,
    level: str,
    reason: str,
    by: User,
    agency: Agency | None = None,
) -> OnlineLevelProposal:
    if not _has_any_role(by, PROPOSER_ROLES):
        raise ApplicationError(_("Chỉ cán bộ của cơ quan mới được đề xuất mức độ trực tuyến."))
    if level not in OnlineLevel.values:
        raise ApplicationError(_("Mức độ trực tuyến không hợp lệ."))
    if not reason.strip():
        raise ApplicationError(_("Cần nêu lý do đề xuất."))
    if OnlineLevelProposal.objects.filter(
        procedure=procedure, status=ProposalStatus.PENDING
    ).exists():
        raise ApplicationError(_("Thủ tục này đang có một đề xuất chờ duyệt."))
    proposal = OnlineLevelProposal.objects.create(
        procedure=procedure,
        agency=agency,
        proposed_level=level,
        reason=reason.strip(),
        proposed_by=by,
    )
    audit_record(
        action="procedures.online_level_proposed",
        actor=by,
        obj=proposal,
        data={"procedure": procedure.code, "level": level},
    )
    return proposal


@transaction.atomic
def online_level_decide(
    *, proposal: OnlineLevelProposal, approve: bool, by: User, note: str = ""
) -> OnlineLevelProposal:
    """A one-stop supervisor approves (the procedure's level changes) or rejects a proposal."""
    if not _has_any_role(by, APPROVER_ROLES):
        raise ApplicationError(_("Chỉ giám sát một cửa mới được duyệt đề xuất."))
    proposal = OnlineLevelProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != ProposalStatus.PENDING:
        raise ApplicationError(_("Đề xuất này đã được xử lý."))
    if proposal.proposed_by_id == by.pk:
        raise ApplicationError(_("Không được tự duyệt đề xuất của mình."))
    if not approve and not note.strip():
        raise ApplicationError(_("Cần ghi ý kiến khi không duyệt."))
    now = timezone.now()
    proposal.status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    proposal.decided_by = by
    proposal.decided_at = now
    proposal.decision_note = note.strip()
    proposal.save(
        update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"]
    )
    if approve:
        procedure = Procedure.objects.select_for_update().get(pk=proposal.procedure_id)
        previous = procedure.online_level
        procedure.online_level = proposal.proposed_level
        procedure.online_level_set_by = by
        procedure.online_level_set_at = now
        procedure.save(
            update_fields=[
                "online_level",
                "online_level_set_by",
                "online_level_set_at",
                "updated_at",
            ]
        )
        catalogue_changed()
        audit_record(
            action="procedures.online_level_changed",
            actor=by,
            obj=procedure,
            data={"from": previous, "to": procedure.online_level, "proposal": str(proposal.uuid)},
        )
    audit_record(
        action="procedures.online_level_decided",
        actor=by,
        obj=proposal,
        data={"approved": approve, "note": proposal.decision_note},
    )
    return proposal
