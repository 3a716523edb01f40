"""Reads: catalogue search and filters, procedure detail, online-level shares and proposals.

The public catalogue is public, so its selectors need no user; the classification selectors take
the requesting user and scope to what their role may see.
"""

import bisect
import datetime as dt
import difflib
import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import Length
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_has_role
from agencies.models import Agency
from common.text import fold
from procedures.constants import (
    CATALOGUE_VERSION_KEY,
    LEVEL_FIELDS,
    OnlineLevel,
    ProcedureLevel,
    ProposalStatus,
)
from procedures.models import (
    CODE_PATTERN,
    ApplicantType,
    OnlineLevelProposal,
    OnlineOnlyDay,
    Procedure,
    ProcedureChannel,
    ProcedureField,
)

_WORD = re.compile(r"\w+", re.UNICODE)
# Long columns a result list never shows.
LIST_DEFERRED = (
    "steps",
    "conditions",
    "documents_raw_text",
    "search_text",
    "results",
    "legal_basis",
    "related_procedures",
    "reception_address",
    "implementing_agency_name",
    "competent_agency_name",
    "coordinating_agency_name",
    "authorised_agency_name",
)


@dataclass(frozen=True)
class CatalogueFilters:
    q: str = ""
    level: str = ""
    field: str = ""
    agency: str = ""
    online: str = ""
    applicant: str = ""
    free: bool | None = None


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"


def query_words(q: str) -> list[str]:
    return _WORD.findall(fold(q))


def procedure_search(*, filters: CatalogueFilters) -> QuerySet[Procedure]:
    """Procedures matching `filters`, ranked: exact code, then name matches, then other text.

    Accent- and case-insensitive through the folded columns (tone marks and đ folded away, so
    "hòa"/"hoà" and "đ"/"d" meet). Every query word must occur in the folded text: a LIKE that the
    trigram GIN index serves on PostgreSQL. When that finds nothing, the query is taken as a typo
    (`_typo_search`).
    """
    qs, words, exact_code = _search_base(filters)
    if not words:
        return qs.order_by("code")
    matches = _word_matches(qs, words, exact_code)
    if exact_code or matches.exists():
        return _ranked(matches, words, " ".join(words), exact_code)
    return _typo_search(qs, words)


def _search_base(filters: CatalogueFilters) -> tuple[QuerySet[Procedure], list[str], str]:
    qs = _filtered(Procedure.objects.select_related("field").defer(*LIST_DEFERRED), filters)
    raw = filters.q.strip()
    return qs, query_words(raw), raw if CODE_PATTERN.match(raw) else ""


def _word_matches(qs: QuerySet[Procedure], words: list[str], exact_code: str) -> QuerySet:
    condition = _all_words_in("search_text", words)
    # Only an actual code joins the OR: `OR code = ''` would keep PostgreSQL off the index.
    return qs.filter(condition | Q(code=exact_code) if exact_code else condition)


def _typo_search(qs: QuerySet[Procedure], words: list[str]) -> QuerySet[Procedure]:
    """Nothing matched every word: correct the words no catalogue name knows (one-letter typos:
    a letter wrong, missing, extra or two swapped; `search_vocabulary`) and search again. On
    PostgreSQL, what that does not fix falls back to pg_trgm word similarity on the name."""
    corrected = _corrections(words)
    if corrected != words:
        matches = _word_matches(qs, corrected, "")
        if matches.exists():
            return _ranked(matches, corrected, " ".join(corrected), "")
    if _uses_trigrams():
        folded = " ".join(words)
        return (
            qs.filter(name_folded__trigram_word_similar=folded)
            .annotate(similarity=TrigramWordSimilarity(folded, "name_folded"))
            .order_by("-similarity", Length("name_folded"), "code")
        )
    return qs.none()


@dataclass(frozen=True)
class SearchPage:
    """One page of ranked results and the total count: what the list page and the API show."""

    count: int
    number: int
    per_page: int
    items: list[Procedure]

    def as_django_page(self) -> Page:
        paginator = Paginator(self.items, self.per_page)
        paginator.__dict__["count"] = self.count  # known already; the items are one page only
        return Page(self.items, self.number, paginator)


def catalogue_version() -> int:
    """Bumped by every change the public results show; part of every search cache key."""
    return cache.get_or_set(CATALOGUE_VERSION_KEY, 1, timeout=None) or 1


def catalogue_filter_options() -> dict[str, list[tuple[str, str]]]:
    """(code, name) choices of the field, agency and applicant filters; cached with the results."""
    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    key = search_cache_key("filter-options")
    if seconds and (hit := cache.get(key)) is not None:
        return hit
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
    if seconds:
        cache.set(key, options, seconds)
    return options


def search_cache_key(*parts: object) -> str:
    """A cache key for a search result that goes stale with the next catalogue change."""
    digest = hashlib.sha256(repr((catalogue_version(), *parts)).encode()).hexdigest()
    return f"procedures:search:{digest}"


def procedure_search_page(*, filters: CatalogueFilters, page: int, per_page: int) -> SearchPage:
    """A page of `procedure_search`, cached briefly: the public catalogue is read-mostly and the
    same queries come back all day. `page` past the end gives an empty item list.

    Uncached, a word search is one statement: the page of ranked rows carries the total as a
    window count (`COUNT(*) OVER ()`), so the matching rows are found once, not three times
    (exists, count, page). See docs/procedures.md, "Speed".
    """
    seconds = settings.PROCEDURES_SEARCH_CACHE_SECONDS
    key = search_cache_key("page", filters, page, per_page)
    if seconds and (hit := cache.get(key)) is not None:
        return hit
    start = (page - 1) * per_page
    qs, words, exact_code = _search_base(filters)
    if words:
        ranked = _ranked(_word_matches(qs, words, exact_code), words, " ".join(words), exact_code)
        count, items = _page_and_count(ranked, start, per_page)
        if count == 0 and not exact_code:
            count, items = _page_and_count(_typo_search(qs, words), start, per_page)
    else:
        count, items = _page_and_count(qs.order_by("code"), start, per_page)
    result = SearchPage(count=count, number=page, per_page=per_page, items=items)
    if seconds:
        cache.set(key, result, seconds)
    return result


def _page_and_count(qs: QuerySet[Procedure], start: int, per_page: int) -> tuple[int, list]:
    """(total, the rows of one page) in one query; a second only past the end of the results or
    for a DISTINCT query (whose window count would count the duplicates it removes)."""
    qs = qs.prefetch_related(
        Prefetch("channels", queryset=ProcedureChannel.objects.order_by("channel"))
    )
    if qs.query.distinct:
        count = qs.count()
        return count, list(qs[start : start + per_page]) if start < count else []
    items = list(qs.annotate(search_total=Window(Count("pk")))[start : start + per_page])
    if items:
        return items[0].search_total, items
    return (qs.count() if start else 0), []


def _all_words_in(column: str, words: list[str], *, whole: bool = False) -> Q:
    """Every word starts a word of the padded folded column (or is a whole word there)."""
    condition = Q()
    for word in words:
        condition &= Q(**{f"{column}__contains": f" {word}{' ' if whole else ''}"})
    return condition


def _ranked(
    qs: QuerySet[Procedure], words: list[str], folded: str, exact_code: str
) -> QuerySet[Procedure]:
    """Cheap ranking terms only, so ordering the whole match set stays fast: among names that
    contain every word, the one starting with the query, then the shortest (most specific)."""
    return qs.annotate(
        is_code=Case(
            When(code=exact_code, then=Value(1)), default=Value(0), output_field=IntegerField()
        ),
        name_has_all=Case(
            When(_all_words_in("name_folded", words, whole=True), then=Value(2)),
            When(_all_words_in("name_folded", words), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
        name_starts=Case(
            When(
                Q(name_folded__startswith=folded) | Q(name_folded__startswith=f"thu tuc {folded}"),
                then=Value(1),
            ),
            default=Value(0),
            output_field=IntegerField(),
        ),
    ).order_by("-is_code", "-name_has_all", "-name_starts", Length("name_folded"), "code")


_LETTERS = "abcdefghijklmnopqrstuvwxyz0123456789"


def search_vocabulary() -> tuple[dict[str, int], list[str]]:
    """The words of procedure names (folded) with their counts, and the same words sorted (for
    prefix look-ups). Built from one query and kept in the cache until the catalogue changes:
    it is part of the search index, not a cached result, so it is kept even when
    PROCEDURES_SEARCH_CACHE_SECONDS is 0."""
    key = search_cache_key("vocabulary")
    if (hit := cache.get(key)) is not None:
        return hit
    counts: dict[str, int] = {}
    for name in Procedure.objects.values_list("name_folded", flat=True).iterator():
        for word in _WORD.findall(name):
            counts[word] = counts.get(word, 0) + 1
    vocabulary = (counts, sorted(counts))
    cache.set(key, vocabulary, 24 * 3600)
    return vocabulary


def _edits1(word: str) -> set[str]:
    """Every string one edit away: a letter deleted, two neighbours swapped, one replaced or
    one inserted (Norvig's spelling corrector)."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = [a + b[1:] for a, b in splits if b]
    swaps = [a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1]
    replaces = [a + c + b[1:] for a, b in splits if b for c in _LETTERS]
    inserts = [a + c + b for a, b in splits for c in _LETTERS]
    return set(deletes + swaps + replaces + inserts)


def _corrections(words: list[str]) -> list[str]:
    """Replace each word that starts no word of any procedure name by the most frequent name word
    one edit away, else by the closest one (difflib); short words and known ones stay."""
    counts, ordered = search_vocabulary()
    corrected = []
    for word in words:
        at = bisect.bisect_left(ordered, word)
        known = at < len(ordered) and ordered[at].startswith(word)
        if known or len(word) < 3:
            corrected.append(word)
            continue
        candidates = [w for w in _edits1(word) if w in counts]
        if candidates:
            corrected.append(max(candidates, key=lambda w: (counts[w], w)))
            continue
        close = difflib.get_close_matches(word, ordered, n=1, cutoff=0.75)
        corrected.append(close[0] if close else word)
    return corrected


def _filtered(qs: QuerySet[Procedure], filters: CatalogueFilters) -> QuerySet[Procedure]:
    if filters.level in LEVEL_FIELDS:
        qs = qs.filter(**{LEVEL_FIELDS[ProcedureLevel(filters.level)]: True})
    if filters.field:
        qs = qs.filter(field__code=filters.field)
    if filters.agency:
        agency = Agency.objects.filter(code=filters.agency).first()
        qs = qs.filter(_for_agency(agency)) if agency else qs.none()
    if filters.online in OnlineLevel.values:
        qs = qs.filter(online_level=filters.online)
    if filters.applicant:
        qs = qs.filter(applicant_types__code=filters.applicant)
    if filters.free is True:
        qs = qs.exclude(channels__is_free=False).filter(channels__isnull=False).distinct()
    elif filters.free is False:
        qs = qs.filter(channels__is_free=False).distinct()
    return qs


def _for_agency(agency: Agency) -> Q:
    """Procedures an agency performs: mapped to it by name, or to its whole level."""
    q = Q()
    for prefix in ("implementing_mapping", "competent_mapping"):
        q |= Q(**{f"{prefix}__agency": agency})
        q |= Q(**{f"{prefix}__agency__isnull": True, f"{prefix}__agency_level": agency.level})
    return q


def procedure_get(*, code: str) -> Procedure | None:
    """One procedure with everything its public page and API show."""
    return (
        Procedure.objects.select_related(
            "field",
            "implementing_mapping__agency",
            "competent_mapping__agency",
            "coordinating_mapping__agency",
            "online_level_set_by",
        )
        .prefetch_related(
            "applicant_types",
            Prefetch("channels", queryset=ProcedureChannel.objects.order_by("channel")),
            "requirements",
            "form_fields",
            "workflow_steps__agency",
            "workflow_steps__lead_agency",
            "workflow_steps__participating_agencies",
            "fee_rules__exempt_applicant_types",
        )
        .filter(code=code)
        .first()
    )


@dataclass(frozen=True)
class FeeLine:
    """One fee due: `amount_vnd` after the online discount or exemption, `full_amount_vnd` before."""

    name: str
    amount_vnd: int
    full_amount_vnd: int
    discount_percent: int
    exempt: bool = False

    @property
    def label(self) -> str:
        return self.name


def procedure_fee_lines(
    *,
    procedure: Procedure,
    channel: str,
    applicant_type_code: str = "",
    day: dt.date | None = None,
) -> list[FeeLine]:
    """The one fee computation (payments' charges and the submission fee step both call it).

    The local fee rules in force on `day` for `channel` (or for every channel), with the online
    discount on the online channel, and zero for an applicant type the rule exempts. Without a
    local rule, the catalogue's published fee for the channel."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    day = day or timezone.localdate()
    lines: list[FeeLine] = []
    for rule in procedure.fee_rules.all():
        if rule.channel not in ("", channel):
            continue
        if (rule.valid_from and day < rule.valid_from) or (rule.valid_to and day > rule.valid_to):
            continue
        exempt = bool(applicant_type_code) and any(
            t.code == applicant_type_code for t in rule.exempt_applicant_types.all()
        )
        lines.append(
            FeeLine(
                name=rule.name,
                amount_vnd=0 if exempt else rule.amount_for(channel),
                full_amount_vnd=rule.amount_vnd,
                discount_percent=rule.online_discount_percent if channel == "online" else 0,
                exempt=exempt,
            )
        )
    if not lines:
        published = next((c for c in procedure.channels.all() if c.channel == channel), None)
        if published is not None and published.fee_vnd and not published.is_free:
            lines.append(FeeLine(str(_("Phí, lệ phí")), published.fee_vnd, published.fee_vnd, 0))
    return lines


def procedure_online_only_on(
    *, procedure: Procedure, day: dt.date, agency: Agency | None = None
) -> bool:
    """Counter intake asks this: on `day` at `agency`, is paper refused (assisted online instead)?"""
    if procedure.online_only:
        return True
    days = OnlineOnlyDay.objects.filter(procedure=procedure, day=day)
    return days.filter(Q(agency__isnull=True) | Q(agency=agency)).exists()


def procedure_upcoming_online_only_days(
    *, procedure: Procedure, today: dt.date
) -> list[OnlineOnlyDay]:
    return list(
        OnlineOnlyDay.objects.filter(procedure=procedure, day__gte=today)
        .select_related("agency")
        .order_by("day")[:10]
    )


def highlight(text: str, q: str) -> SafeString:
    """HTML of `text` with the words matching the query wrapped in <mark> (accent-insensitive)."""
    words = query_words(q)
    if not words:
        return escape(text)
    matches = list(_WORD.finditer(text))
    tokens = [fold(match.group()) for match in matches]
    # A query word is matched loosely (a typo) only where the text has no word starting with it:
    # "thuong" marks "thường", and no longer "thông" beside it.
    loose = [w for w in words if len(w) > 3 and not any(t.startswith(w) for t in tokens)]
    out: list[str] = []
    last = 0
    for match, token in zip(matches, tokens, strict=True):
        if any(token.startswith(w) for w in words) or any(
            difflib.SequenceMatcher(None, token, w).ratio() >= 0.8 for w in loose
        ):
            out.append(escape(text[last : match.start()]))
            out.append(f"<mark>{escape(match.group())}</mark>")
            last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 — every piece above is escaped


# --- online-service classification -------------------------------------------------------


@dataclass(frozen=True)
class OnlineShare:
    label: str
    total: int
    full: int
    partial: int

    @property
    def full_percent(self) -> float:
        return round(100 * self.full / self.total, 1) if self.total else 0.0


def online_share_province() -> OnlineShare:
    """Province-wide share over procedures performed at province or commune level."""
    counts = Procedure.objects.filter(Q(at_province=True) | Q(at_commune=True)).aggregate(
        total=Count("id"),
        full=Count("id", filter=Q(online_level=OnlineLevel.FULL)),
        partial=Count("id", filter=Q(online_level=OnlineLevel.PARTIAL)),
    )
    return OnlineShare(label=str(settings.PORTAL_NAME), **counts)


def online_share_by_agency() -> list[tuple[Agency, OnlineShare]]:
    """Share per agency that has procedures mapped to it directly (departments) or by level."""
    rows = []
    agencies = Agency.objects.filter(valid_to__isnull=True).order_by("level", "name")
    for agency in agencies:
        counts = Procedure.objects.filter(_for_agency(agency)).aggregate(
            total=Count("id", distinct=True),
            full=Count("id", filter=Q(online_level=OnlineLevel.FULL), distinct=True),
            partial=Count("id", filter=Q(online_level=OnlineLevel.PARTIAL), distinct=True),
        )
        if counts["total"]:
            rows.append((agency, OnlineShare(label=agency.name, **counts)))
    return rows


def proposals_for(*, user: User) -> QuerySet[OnlineLevelProposal]:
    """Supervisors see every proposal; other staff see the ones they made."""
    qs = OnlineLevelProposal.objects.select_related(
        "procedure", "proposed_by", "decided_by", "agency"
    )
    if user_has_role(user=user, role=Role.ONESTOP_SUPERVISOR):
        return qs
    return qs.filter(proposed_by=user)


def proposals_pending_for(*, user: User) -> QuerySet[OnlineLevelProposal]:
    return proposals_for(user=user).filter(status=ProposalStatus.PENDING)
