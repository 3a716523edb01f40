"""The one SQL statement a page of results costs: the WHERE and ORDER BY of a word search (or
of the trigram fallback), run with the total as `COUNT(*) OVER ()`. Written out rather than
built with the ORM: building and compiling the ORM query cost more than running it
(ADR 0170)."""

from typing import Any

from django.db import connection

from common.search import words_in_sql
from procedures.models import Procedure


class _Clauses:
    """SQL pieces and their parameters, in the order they are written."""

    def __init__(self, sql: tuple[str, ...] = (), params: tuple[Any, ...] = ()) -> None:
        self.sql: list[str] = list(sql)
        self.params: list[Any] = list(params)

    def add(self, sql: str, *params: Any) -> None:
        self.sql.append(sql)
        self.params.extend(params)

    def copy(self) -> "_Clauses":
        return _Clauses(tuple(self.sql), tuple(self.params))


def _ranked(narrowed: _Clauses, words: list[str], exact_code: str) -> tuple[_Clauses, _Clauses]:
    """(WHERE, ORDER BY) of a word search within the filters.

    Ranked by terms cheap enough to compute for every match: the exact code; names holding
    every word as a whole word, then as a word start; names starting with the query (or with
    "thủ tục" and the query); then the shortest (most specific) name, a leading "thủ tục" not
    counted; then the code."""
    where, order = narrowed.copy(), _Clauses()
    if not words:
        order.add("p.code")
        return where, order
    match, match_params = _words_in("search_text", words)
    if exact_code:
        where.add(f"({match} OR p.code = %s)", *match_params, exact_code)
        order.add("(p.code = %s) DESC", exact_code)
    else:
        where.add(match, *match_params)
    whole, whole_params = _words_in("name_folded", words, whole=True)
    prefix, prefix_params = _words_in("name_folded", words)
    folded = " ".join(words)
    # One rank for the name: every word as a whole word (4) or as a word start (2), plus one when
    # the name starts with the query. Most matches of a broad query have none of it, so the name
    # is tested further only where every word starts one of its words.
    order.add(
        f"CASE WHEN {prefix} THEN (CASE WHEN {whole} THEN 4 ELSE 2 END)"
        " + (CASE WHEN p.name_folded LIKE %s OR p.name_folded LIKE %s THEN 1 ELSE 0 END)"
        " ELSE 0 END DESC",
        *prefix_params,
        *whole_params,
        f" {folded}%",
        f" thu tuc {folded}%",
    )
    # The shortest (most specific) name first, not counting a leading "Thủ tục": "Thủ tục đăng
    # ký khai tử" is the procedure "khai tử" asks for, before "Đăng ký lại khai tử".
    order.add(
        "LENGTH(p.name_folded) - (CASE WHEN p.name_folded LIKE ' thu tuc %%' THEN 8 ELSE 0 END)"
    )
    order.add("p.code")
    return where, order


def _similar_names(narrowed: _Clauses, words: list[str]) -> tuple[_Clauses, _Clauses]:
    """PostgreSQL's last resort for a typo the vocabulary could not fix: pg_trgm word
    similarity on the name (`name_folded %> '…'`, served by the trigram index)."""
    folded = " ".join(words)
    where, order = narrowed.copy(), _Clauses()
    where.add("p.name_folded %%> %s", folded)
    order.add("word_similarity(%s, p.name_folded) DESC", folded)
    order.add("LENGTH(p.name_folded)")
    order.add("p.code")
    return where, order


def _run(where: _Clauses, order: _Clauses, start: int, limit: int | None) -> tuple[int, list[int]]:
    """One statement: the ids of one page in order with the total of the matches
    (`COUNT(*) OVER ()`), so the matching rows are found once, not for a count and a page."""
    table = connection.ops.quote_name(Procedure._meta.db_table)
    condition = " AND ".join(where.sql) or "1 = 1"
    page = "" if limit is None else f" LIMIT {int(limit)} OFFSET {int(start)}"
    # Every value is a parameter; the text is built only from the fixed pieces of this module.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT p.id, COUNT(*) OVER () FROM {table} p WHERE {condition} "  # noqa: S608
            f"ORDER BY {', '.join(order.sql)}{page}",
            [*where.params, *order.params],
        )
        if rows := cursor.fetchall():
            return rows[0][1], [pk for pk, _total in rows]
        if not start:
            return 0, []
        # Past the last page: the window counted nothing, so count on its own.
        count_sql = f"SELECT COUNT(*) FROM {table} p WHERE {condition}"  # noqa: S608
        cursor.execute(count_sql, where.params)
        return cursor.fetchone()[0], []


# The generated tsvector column of each folded column (PostgreSQL; migration 0004).
_VECTORS = {"search_text": "search_vector", "name_folded": "name_vector"}


def _words_in(column: str, words: list[str], *, whole: bool = False) -> tuple[str, list[str]]:
    """Every word starts a word of the folded column (`whole`: is a whole word there)."""
    return words_in_sql(
        f"p.{column}",
        words,
        whole=whole,
        vector=f"p.{_VECTORS[column]}",
        vendor=connection.vendor,
    )


def _uses_trigrams() -> bool:
    return connection.vendor == "postgresql"
