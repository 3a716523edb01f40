"""The back-office data set: N dossiers with 10 history events each, in a database of its own.

    .venv/bin/python -m bench.backoffice_data [--dossiers N] [--fresh]

The agencies (the service centre, 20 departments, 96 communes), their staff and one template
citizen, dossier and event are made with the ORM; everything else is copied from the templates
by `INSERT … SELECT … FROM generate_series` in PostgreSQL (no ORM, no Python loop), so
1,000,000 dossiers and 10,000,000 events take minutes. Every column not named below is copied
from the template row, so columns other people add to the models keep working.

The set is kept in the database `bench_backoffice_<N>` on the server of BENCH_POSTGRES_URL and
reused when it is complete (a `bench_dataset` row says so); `--fresh` rebuilds it. Deterministic
(`setseed`), so two builds of the same size are the same data.

Shape (what the queue plans see): 92 % of dossiers are finished (returned, stopped, refused)
over the last two years, 8 % are open in every open status over the last 30 days, spread over
the agencies; 60 % are commune-level (received and decided by the commune), 40 % provincial
(received by the service centre, decided by a department); open dossiers being processed have
an assignee among the agency's processing officers. The history hash chain is not computed for
the generated events (`verify_history` is not meant to run on this set).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from urllib.parse import urlparse

from bench.harness import ROOT

ADMIN_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
EVENTS_PER_DOSSIER = 10
OPEN_SHARE = 0.08
COMMUNE_SHARE = 0.6
DEPARTMENTS = 20
COMMUNES = 96
CITIZENS_PER_DOSSIER = 0.1  # 100,000 citizens for 1,000,000 dossiers
# Open statuses with weights (what a live system holds on a weekday).
OPEN_STATUSES = [
    ("submitted", 8),
    ("intake_supplement", 2),
    ("received", 3),
    ("in_process", 5),
    ("appraising", 30),
    ("consulting", 4),
    ("interagency", 3),
    ("awaiting_approval", 8),
    ("signing", 4),
    ("issuing", 3),
    ("supplement_requested", 8),
    ("supplement_submitted", 2),
    ("awaiting_payment", 3),
    ("withdrawal_requested", 1),
    ("done", 15),
    ("correction", 1),
]
FINAL_STATUSES = [("returned", 92), ("stopped", 4), ("rejected_at_intake", 4)]
# Statuses in which a processing officer holds the dossier (it has an assignee).
ASSIGNED_STATUSES = [
    "appraising", "consulting", "interagency", "awaiting_approval", "signing", "issuing",
    "supplement_requested", "supplement_submitted", "awaiting_payment",
]  # fmt: skip
PROCEDURES = [
    ("1.004222", "Đăng ký thường trú"),
    ("1.001193", "Đăng ký khai sinh"),
    ("1.000894", "Đăng ký kết hôn"),
    ("1.004227", "Đăng ký tạm trú"),
    ("2.000908", "Chứng thực bản sao từ bản chính"),
    ("1.001022", "Đăng ký khai tử"),
    ("1.000656", "Cấp giấy phép xây dựng nhà ở riêng lẻ"),
    ("1.004873", "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu"),
    ("2.001955", "Đăng ký thành lập hộ kinh doanh"),
    ("1.001612", "Cấp phiếu lý lịch tư pháp"),
    ("1.003583", "Xác nhận tình trạng hôn nhân"),
    ("1.010822", "Cấp đổi giấy phép lái xe"),
]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Ngọc", "Thanh", "Quốc", "Thu", "Đức", "Bích"]
GIVEN = ["An", "Bình", "Châu", "Dũng", "Hạnh", "Khoa", "Lan", "Mai", "Nam", "Phúc", "Quyên",
         "Sơn", "Tâm", "Tuấn", "Uyên", "Vy", "Yến", "Ánh", "Đạt", "Hùng"]  # fmt: skip
FACT_KINDS = [
    "code_assigned", "handover", "form_issued", "assigned", "note", "handover",
    "component_changed", "form_issued", "note",
]  # fmt: skip


def database_name(dossiers: int) -> str:
    return f"bench_backoffice_{dossiers}"


def database_url(dossiers: int) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + database_name(dossiers)


def django_env(url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "bench.settings_bench_submissions",  # no virus scan
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-only-" + "x" * 40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        "VIRUS_SCANNER": "none",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/6"),
        "CELERY_TASK_ALWAYS_EAGER": "true",
    }


def _admin(sql: str) -> str:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        cursor = conn.execute(sql)
        row = cursor.fetchone() if cursor.description else None
        return "" if row is None else str(row[0])


def _is_complete(dossiers: int) -> bool:
    import psycopg

    name = database_name(dossiers)
    if not _admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"):  # noqa: S608
        return False
    with psycopg.connect(database_url(dossiers), autocommit=True) as conn:
        row = conn.execute("SELECT to_regclass('bench_dataset')").fetchone()
        exists = row[0] if row else None
        if exists is None:
            return False
        row = conn.execute("SELECT dossiers, events FROM bench_dataset").fetchone()
        return row is not None and row[0] == dossiers


def ensure(dossiers: int, *, fresh: bool = False, log=print) -> str:
    """The URL of a complete data set of `dossiers` dossiers (built if missing).

    Several benchmarks share the set (bench_backoffice, bench_metrics_index): an advisory lock
    makes a second caller wait for the first one's build instead of dropping it."""
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as lock:
        lock.execute("SELECT pg_advisory_lock(hashtext(%s))", [database_name(dossiers)])
        _wait_for_unlocked_build(dossiers, log)
        try:
            return _ensure(dossiers, fresh=fresh, log=log)
        finally:
            lock.execute("SELECT pg_advisory_unlock(hashtext(%s))", [database_name(dossiers)])


def _wait_for_unlocked_build(dossiers: int, log, seconds: float = 1800) -> None:
    """A build started without the lock (an older checkout) is waited for, not dropped."""
    name = database_name(dossiers)
    deadline = time.monotonic() + seconds
    while not _is_complete(dossiers) and time.monotonic() < deadline:
        busy = _admin(
            f"SELECT count(*) FROM pg_stat_activity WHERE datname = '{name}' "  # noqa: S608
            "AND pid <> pg_backend_pid()"
        )
        if not busy or busy == "0":
            return
        log(f"{name} is being built by another process; waiting")
        time.sleep(10)


def _ensure(dossiers: int, *, fresh: bool, log) -> str:
    url = database_url(dossiers)
    env = {**os.environ, **django_env(url)}
    migrate = [sys.executable, "manage.py", "migrate", "--no-input", "-v0"]
    if not fresh and _is_complete(dossiers):
        log(f"reusing {database_name(dossiers)} (migrating if the schema moved on)")
        moved = subprocess.run(migrate, cwd=ROOT, env=env, capture_output=True, text=True)
        if moved.returncode == 0:
            return url
        # Another app's migrations were rewritten (not added to). The set is about dossiers: if
        # the apps the queues read still migrate, keep it rather than spend minutes rebuilding.
        core = [
            subprocess.run(
                [*migrate[:3], app, *migrate[3:]], cwd=ROOT, env=env, capture_output=True
            )
            for app in ("accounts", "agencies", "dossiers", "sessions", "mfa")
        ]
        if all(run.returncode == 0 for run in core):
            log("other apps' migrations do not apply to the kept set; using it as it is: "
                + moved.stderr.strip().splitlines()[-1][:200])  # fmt: skip
            return url
        log("the kept set does not migrate; rebuilding: " + moved.stderr.strip()[-300:])
    started = time.monotonic()
    _admin(f"DROP DATABASE IF EXISTS {database_name(dossiers)} WITH (FORCE)")
    _admin(f"CREATE DATABASE {database_name(dossiers)}")
    subprocess.run(migrate, cwd=ROOT, env=env, check=True)
    log(f"migrated in {time.monotonic() - started:.0f} s")
    subprocess.run(
        [sys.executable, "-m", "bench.backoffice_data", "--_build", str(dossiers)],
        cwd=ROOT,
        env=env,
        check=True,
    )
    log(f"built {database_name(dossiers)} in {time.monotonic() - started:.0f} s")
    return url


# --- the build (runs in a process whose Django points at the bench database) -----------------


def _world() -> dict:
    """Agencies, staff and their memberships, and the template rows (ORM, a few hundred rows)."""
    import datetime as dt

    from django.utils import timezone

    from accounts.models import User
    from agencies.constants import AgencyKind, AgencyLevel
    from agencies.models import Agency, StaffMembership
    from dossiers.models import Dossier, DossierEvent

    valid = dt.date(2025, 7, 1)
    centre = Agency.objects.create(
        code="000.00.00.H56",
        name="Trung tâm Phục vụ hành chính công tỉnh Tây Ninh",
        kind=AgencyKind.SERVICE_CENTRE,
        level=AgencyLevel.PROVINCE,
        valid_from=valid,
    )
    departments = [
        Agency.objects.create(
            code=f"000.00.{n + 1:02d}.H56",
            name=f"Sở chuyên ngành số {n + 1}",
            kind=AgencyKind.DEPARTMENT,
            level=AgencyLevel.PROVINCE,
            valid_from=valid,
        )
        for n in range(DEPARTMENTS)
    ]
    communes = [
        Agency.objects.create(
            code=f"000.{n // 10 + 10:02d}.{n % 10 + 30:02d}.H56",
            name=f"UBND xã số {n + 1}",
            kind=AgencyKind.COMMUNE,
            level=AgencyLevel.COMMUNE,
            commune_code=f"{80000 + n:05d}",
            parent=centre,
            valid_from=valid,
        )
        for n in range(COMMUNES)
    ]
    staff_plan = [(centre, "reception_officer", 4), (centre, "onestop_supervisor", 1)]
    for agency in departments:
        staff_plan += [
            (agency, "processing_officer", 4),
            (agency, "agency_head", 1),
            (agency, "records_clerk", 1),
        ]
    for agency in communes:
        staff_plan += [
            (agency, "reception_officer", 2),
            (agency, "processing_officer", 2),
            (agency, "agency_head", 1),
            (agency, "records_clerk", 1),
        ]
    users, memberships = [], []
    for agency, role, count in staff_plan:
        for i in range(count):
            user = User(email=f"{role}.{i}@{agency.code}.bench.vn", full_name=f"Cán bộ {role} {i}")
            user.set_unusable_password()
            users.append((user, agency, role))
    User.objects.bulk_create([u for u, _a, _r in users])
    for user, agency, role in users:
        memberships.append(StaffMembership(user=user, agency=agency, role=role, valid_from=valid))
    StaffMembership.objects.bulk_create(memberships)

    citizen = User.objects.create(email="template.citizen@bench.vn", full_name="Nguyễn Văn An")
    now = timezone.now()
    template = Dossier.objects.create(
        code="BENCH-TEMPLATE",
        procedure_code=PROCEDURES[0][0],
        procedure_name=PROCEDURES[0][1],
        applicant=citizen,
        submitter=citizen,
        receiving_agency=centre,
        competent_agency=departments[0],
        status="returned",
        channel="online",
        submitted_at=now,
        received_at=now,
        due_at=now,
        due_at_original=now,
        returned_at=now,
        completed_at=now,
        closed_at=now,
        applicant_data={"full_name": citizen.full_name},
    )
    event = DossierEvent.objects.create(
        dossier=template, kind="transition", from_status="draft", to_status="submitted",
        role="citizen", actor=citizen, at=now,
    )  # fmt: skip
    return {
        "centre": centre.pk,
        "departments": [a.pk for a in departments],
        "communes": [a.pk for a in communes],
        "citizen": citizen.pk,
        "dossier": template.pk,
        "event": event.pk,
    }


def _columns(cursor, table: str) -> list[str]:
    """The columns an INSERT may name: not `id`, not a generated column (`next_due_at`, which
    PostgreSQL computes from the copied deadlines and refuses a value for)."""
    cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
        "AND column_name <> 'id' AND is_generated = 'NEVER' ORDER BY ordinal_position",
        [table],
    )
    return [r[0] for r in cursor.fetchall()]


def _clone(
    cursor, table: str, template_id: int, source: str, overrides: dict[str, str], where: str = ""
) -> int:
    """INSERT INTO table SELECT (override or the template's value) FROM source × template."""
    columns = _columns(cursor, table)
    exprs = [overrides.get(c, f't."{c}"') for c in columns]
    unknown = set(overrides) - set(columns)
    if unknown:
        raise RuntimeError(f"{table} has no column {sorted(unknown)}")
    quoted = ", ".join(f'"{c}"' for c in columns)
    cursor.execute(
        f"INSERT INTO {table} ({quoted}) "  # noqa: S608
        f"SELECT {', '.join(exprs)} FROM {source} "
        f"CROSS JOIN (SELECT * FROM {table} WHERE id = {int(template_id)}) t"
        + (f" WHERE {where}" if where else "")
    )
    return cursor.rowcount


def _array(values: list) -> str:
    def quote(v) -> str:
        return str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'"

    return "ARRAY[" + ", ".join(quote(v) for v in values) + "]"


def _weighted(pairs: list[tuple[str, int]]) -> str:
    return _array([value for value, weight in pairs for _ in range(weight)])


def _pick(array_sql: str, random_sql: str) -> str:
    return f"({array_sql})[1 + floor({random_sql} * array_length({array_sql}, 1))::int]"


def _secondary_indexes(cursor, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the plain indexes (not backing a constraint) of `tables`."""
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [tables],
    )
    return cursor.fetchall()


def build(dossiers: int) -> None:
    import django

    django.setup()
    from django.db import connection, transaction

    def log(message: str) -> None:
        print(f"  {time.strftime('%H:%M:%S', time.gmtime())} {message}", flush=True)

    with transaction.atomic():
        ids = _world()
    citizens = max(100, int(dossiers * CITIZENS_PER_DOSSIER))
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # no FK/trigger work per row
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        cursor.execute("SELECT setseed(0.42)")
        indexes = _secondary_indexes(cursor, ["dossiers_dossier", "dossiers_dossierevent"])
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')
        log(f"dropped {len(indexes)} secondary indexes for the load")

        names = _pick(_array(FAMILY), "random()") + " || ' ' || " + _pick(
            _array(MIDDLE), "random()"
        ) + " || ' ' || " + _pick(_array(GIVEN), "random()")  # fmt: skip
        first_citizen = ids["citizen"] + 10_000_000
        _clone(
            cursor,
            "accounts_user",
            ids["citizen"],
            f"generate_series(1, {citizens}) g",
            {
                "uuid": "gen_random_uuid()",
                "email": "'citizen' || g || '@bench.vn'",
                "full_name": names,
            },
        )
        cursor.execute("SELECT min(id), max(id) FROM accounts_user WHERE email LIKE 'citizen%%'")
        first_citizen, last_citizen = cursor.fetchone()
        log(f"{citizens} citizens")

        # Staff: processing officers per agency, to pick an assignee by agency.
        cursor.execute(
            "CREATE TEMP TABLE bench_officer AS SELECT agency_id, user_id, "
            "row_number() OVER (PARTITION BY agency_id ORDER BY user_id) - 1 AS n, "
            "count(*) OVER (PARTITION BY agency_id) AS of FROM agencies_staffmembership "
            "WHERE role = 'processing_officer'"
        )
        cursor.execute("CREATE INDEX ON bench_officer (agency_id, n)")

        procedures = [p for p, _n in PROCEDURES]
        procedure_names = [n for _p, n in PROCEDURES]
        open_statuses = _weighted(OPEN_STATUSES)
        final_statuses = _weighted(FINAL_STATUSES)
        source = (
            "(SELECT g, r_open, r_status, r_level, r_agency, r_time, r_due, r_user, r_proc, "  # noqa: S608
            "r_channel, r_staff, r_id, "
            f"r_open < {OPEN_SHARE} AS is_open, r_level < {COMMUNE_SHARE} AS at_commune "
            "FROM (SELECT g, random() r_open, random() r_status, random() r_level, "
            "random() r_agency, random() r_time, random() r_due, random() r_user, random() r_proc,"
            " random() r_channel, random() r_staff, random() r_id "
            f"FROM generate_series(1, {dossiers}) g) raw) s0 "
            "CROSS JOIN LATERAL (SELECT "
            f"CASE WHEN is_open THEN {_pick(open_statuses, 'r_status')} "
            f"ELSE {_pick(final_statuses, 'r_status')} END AS x_status, "
            f"CASE WHEN at_commune THEN {_pick(_array(ids['communes']), 'r_agency')} "
            f"ELSE {_pick(_array(ids['departments']), 'r_agency')} END AS x_competent, "
            "CASE WHEN is_open THEN now() - r_time * interval '30 days' "
            "ELSE now() - interval '30 days' - r_time * interval '700 days' END AS x_submitted, "
            "interval '1 day' * (2 + floor(r_due * 28)) AS x_span) s1"
        )
        receiving = f"CASE WHEN at_commune THEN x_competent ELSE {ids['centre']} END"
        assigned = _array(ASSIGNED_STATUSES)
        status_received = "x_status NOT IN ('submitted', 'intake_supplement', 'rejected_at_intake')"
        finished = "x_status IN ('returned', 'stopped', 'rejected_at_intake')"
        overrides = {
            "uuid": "gen_random_uuid()",
            "created_at": "x_submitted",
            "updated_at": "x_submitted",
            "code": "'BENCH-' || to_char(x_submitted, 'YYMMDD') || '-' || lpad(g::text, 7, '0')",
            "procedure_code": _pick(_array(procedures), "r_proc"),
            "procedure_name": (
                f"({_array(procedure_names)})[1 + floor(r_proc * {len(PROCEDURES)})::int]"
            ),
            "applicant_id": f"{first_citizen} + floor(r_user * {last_citizen - first_citizen})::int",
            "submitter_id": f"{first_citizen} + floor(r_user * {last_citizen - first_citizen})::int",
            "receiving_agency_id": receiving,
            "competent_agency_id": "x_competent",
            "status": "x_status",
            "channel": (
                "CASE WHEN r_channel < 0.7 THEN 'online' WHEN r_channel < 0.95 THEN 'counter' "
                "ELSE 'postal' END"
            ),
            "applicant_data": (
                f"jsonb_build_object('full_name', {names}, 'id_number', "
                "'0720' || lpad(floor(r_id * 99999999)::text, 8, '0'), 'phone', '0912345678')"
            ),
            "submitted_at": "x_submitted",
            "reception_due_at": "x_submitted + interval '1 day'",
            "received_at": f"CASE WHEN {status_received} THEN x_submitted + interval '2 hours' END",
            "due_at": f"CASE WHEN {status_received} THEN x_submitted + x_span END",
            "due_at_original": f"CASE WHEN {status_received} THEN x_submitted + x_span END",
            "completed_at": (
                "CASE WHEN x_status IN ('returned', 'done', 'correction') "
                "THEN x_submitted + x_span * (0.3 + r_due * 0.8) END"
            ),
            "returned_at": "CASE WHEN x_status = 'returned' THEN x_submitted + x_span * 1.1 END",
            "closed_at": f"CASE WHEN {finished} THEN x_submitted + x_span * 1.1 END",
            "result_kind": "CASE WHEN x_status IN ('returned', 'done') THEN 'positive' ELSE '' END",
            "supplement_requested_at": (
                "CASE WHEN x_status IN ('supplement_requested', 'intake_supplement') "
                "THEN x_submitted + interval '1 day' END"
            ),
            "supplement_deadline_at": (
                "CASE WHEN x_status IN ('supplement_requested', 'intake_supplement') "
                "THEN x_submitted + interval '16 days' END"
            ),
            "assignee_id": (
                f"CASE WHEN x_status = ANY({assigned}) THEN (SELECT o.user_id FROM bench_officer o "  # noqa: S608
                "WHERE o.agency_id = x_competent AND o.n = floor(r_staff * o.of)::int) END"
            ),
            "assigned_at": (
                f"CASE WHEN x_status = ANY({assigned}) THEN x_submitted + interval '4 hours' END"
            ),
        }
        columns = set(_columns(cursor, "dossiers_dossier"))
        overrides = {k: v for k, v in overrides.items() if k in columns}
        chunk = 100_000
        for start in range(0, dossiers, chunk):
            size = min(chunk, dossiers - start)
            cursor.execute(f"SELECT setseed({(start // chunk + 1) / 1000})")
            _clone(
                cursor,
                "dossiers_dossier",
                ids["dossier"],
                source.replace(
                    f"generate_series(1, {dossiers})",
                    f"generate_series({start + 1}, {start + size})",
                ),
                overrides,
            )
            log(f"dossiers {start + size:,}/{dossiers:,}")

        cursor.execute("SELECT min(id), max(id) FROM dossiers_dossier WHERE code LIKE 'BENCH-2%%'")
        first, last = cursor.fetchone()
        event_overrides = {
            "dossier_id": "d.id",
            "kind": (f"CASE WHEN g = 1 THEN 'transition' ELSE ({_array(FACT_KINDS)})[g - 1] END"),
            "from_status": "CASE WHEN g = 1 THEN 'draft' ELSE '' END",
            "to_status": "CASE WHEN g = 1 THEN 'submitted' ELSE '' END",
            "role": "CASE WHEN g = 1 THEN 'citizen' WHEN g < 5 THEN 'reception_officer' "
            "ELSE 'processing_officer' END",
            "actor_id": "CASE WHEN g = 1 THEN d.applicant_id END",
            "agency_id": "CASE WHEN g = 1 THEN NULL WHEN g < 5 THEN d.receiving_agency_id "
            "ELSE d.competent_agency_id END",
            "at": "d.submitted_at + (g - 1) * interval '3 hours'",
            "note": "''",
            "data": "'{}'::jsonb",
        }
        event_columns = set(_columns(cursor, "dossiers_dossierevent"))
        event_overrides = {k: v for k, v in event_overrides.items() if k in event_columns}
        events = 0
        for low in range(first, last + 1, chunk):
            high = min(last, low + chunk - 1)
            events += _clone(
                cursor,
                "dossiers_dossierevent",
                ids["event"],
                f"dossiers_dossier d CROSS JOIN generate_series(1, {EVENTS_PER_DOSSIER}) g",
                event_overrides,
                where=f"d.id BETWEEN {low} AND {high}",
            )
            log(f"events {events:,}")

        for name, definition in indexes:
            started = time.monotonic()
            cursor.execute(definition)
            log(f"index {name} in {time.monotonic() - started:.0f} s")
        cursor.execute("SET session_replication_role = origin")
    with connection.cursor() as cursor:
        for table in ("dossiers_dossier", "dossiers_dossierevent", "accounts_user"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        log("vacuumed and analysed")
        cursor.execute(
            "CREATE TABLE bench_dataset (dossiers int, events bigint, built_at timestamptz)"
        )
        cursor.execute("INSERT INTO bench_dataset VALUES (%s, %s, now())", [dossiers, events + 1])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--dossiers", type=int, default=int(os.environ.get("BENCH_DOSSIERS_SET", "1000000"))
    )
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--_build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args._build:
        build(args._build)
        return 0
    print(
        ensure(args.dossiers, fresh=args.fresh).replace(urlparse(ADMIN_URL).password or "\0", "***")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
