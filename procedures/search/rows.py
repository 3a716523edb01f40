"""What a result list shows of each procedure (`CatalogueEntry`), and the choices of the
filters: read once per catalogue version for the whole catalogue and kept in the process, so a
page of search results needs only its ids from the database (ADR 0170)."""

from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse

from agencies.models import Agency
from procedures.constants import LEVEL_FIELDS, ProcedureLevel
from procedures.models import ApplicantType, Procedure, ProcedureChannel, ProcedureField
from procedures.search.versions import catalogue_version


@dataclass(frozen=True)
class CatalogueChannel:
    channel: str
    time_value: Decimal | None
    time_unit: str
    fee_vnd: int | None


@dataclass(frozen=True)
class CatalogueEntry:
    """What a result list shows of a procedure (the list page, the API list, quick search)."""

    id: int
    code: str
    name: str
    levels: tuple[str, ...]
    field_name: str
    online_level: str
    channels: tuple[CatalogueChannel, ...]
    path: str  # of its public page
    name_html: str = ""  # the name with the matched words marked, set by the list page

    @property
    def level_labels(self) -> list[str]:
        return [str(ProcedureLevel(level).label) for level in self.levels]


# The list rows of the whole catalogue, per catalogue version, in this process: a page of search
# results needs only its ids from the database (ADR 0170).
_entries_by_version: dict[int, dict[int, CatalogueEntry]] = {}


def catalogue_entries(ids: list[int]) -> list[CatalogueEntry]:
    """The list rows of `ids`, in that order. Read once per catalogue version for the whole
    catalogue (two queries); a procedure written since without a version bump (only possible
    inside a transaction that has not committed yet) is read on its own."""
    version = catalogue_version()
    entries = _entries_by_version.get(version)
    if entries is None:
        entries = _load_entries(None)
        _entries_by_version.clear()  # one catalogue version at a time
        _entries_by_version[version] = entries
    if missing := [pk for pk in ids if pk not in entries]:
        entries = {**entries, **_load_entries(missing)}
    return [entries[pk] for pk in ids if pk in entries]


def catalogue_has_code(code: str) -> bool:
    """Whether a procedure has this code, from the list rows this process holds (no query once
    they are read): a page for a code that does not exist is answered without building one."""
    version = catalogue_version()
    codes = _codes_by_version.get(version)
    if codes is None:
        catalogue_entries([])  # the rows of this version
        codes = frozenset(entry.code for entry in _entries_by_version.get(version, {}).values())
        _codes_by_version.clear()
        _codes_by_version[version] = codes
    return code in codes or Procedure.objects.filter(code=code).exists()


_codes_by_version: dict[int, frozenset[str]] = {}


def catalogue_entry_of(procedure: Procedure) -> CatalogueEntry:
    """The list row of a procedure already in hand (its channels prefetched or not)."""
    return CatalogueEntry(
        id=procedure.pk,
        code=procedure.code,
        name=procedure.name,
        levels=tuple(procedure.levels),
        field_name=procedure.field.name,
        online_level=procedure.online_level,
        channels=tuple(
            CatalogueChannel(c.channel, c.time_value, c.time_unit, c.fee_vnd)
            for c in procedure.channels.all()
        ),
        path=reverse("procedures:detail", args=[procedure.code]),
    )


def _load_entries(ids: list[int] | None) -> dict[int, CatalogueEntry]:
    procedures = Procedure.objects.order_by()
    channels = ProcedureChannel.objects.order_by("procedure_id", "channel")
    if ids is not None:
        procedures, channels = procedures.filter(pk__in=ids), channels.filter(procedure_id__in=ids)
    by_procedure: dict[int, list[CatalogueChannel]] = {}
    for procedure_id, channel, time_value, time_unit, fee_vnd in channels.values_list(
        "procedure_id", "channel", "time_value", "time_unit", "fee_vnd"
    ):
        terms = CatalogueChannel(channel, time_value, time_unit, fee_vnd)
        by_procedure.setdefault(procedure_id, []).append(terms)
    rows = procedures.values_list(
        "pk", "code", "name", *LEVEL_FIELDS.values(), "field__name", "online_level"
    )
    return {
        pk: CatalogueEntry(
            id=pk,
            code=code,
            name=name,
            levels=tuple(level.value for level, on in zip(LEVEL_FIELDS, flags, strict=True) if on),
            field_name=field_name,
            online_level=online_level,
            channels=tuple(by_procedure.get(pk, ())),
            path=reverse("procedures:detail", args=[code]),
        )
        for pk, code, name, *flags, field_name, online_level in rows
    }


def catalogue_filter_options() -> dict[str, list[tuple[str, str]]]:
    """(code, name) choices of the field, agency and applicant filters. Part of the catalogue
    like the list rows: read once per catalogue version and kept in the process."""
    version = catalogue_version()
    if (known := _filter_options_by_version.get(version)) is not None:
        return known
    options = {
        "field": list(
            ProcedureField.objects.filter(procedures__isnull=False)
            .distinct()
            .order_by("name")
            .values_list("code", "name")
        ),
        "agency": list(
            Agency.objects.filter(valid_to__isnull=True)
            .order_by("level", "name")
            .values_list("code", "name")
        ),
        "applicant": list(ApplicantType.objects.order_by("name").values_list("code", "name")),
    }
    _filter_options_by_version.clear()  # one catalogue version at a time
    _filter_options_by_version[version] = options
    return options


_filter_options_by_version: dict[int, dict[str, list[tuple[str, str]]]] = {}
