"""Read benchmark for issue 13: one read of the decisions table per reader, each in a fresh
process; wall seconds, CPU seconds of the process and peak RSS.

    python benchmarks/arrow_read.py SQLITE_FILE [POSTGRES_URL] [--rounds 3]

Readers: ``sqlalchemy`` (pd.read_sql_query, today's path), ``adbc`` (ADBC's own Arrow table to
pandas, no care for SQLite's mixed types), ``arrow`` (sagstid.source.arrow.read_frame: the plain
read when it is safe), ``arrow-exact`` (its exact read, used when bad rows are present),
``connectorx`` and ``duckdb`` (DuckDB's sqlite scanner, only if the wheel
``duckdb-extension-sqlite-scanner`` of the installed DuckDB's version is present) when
installed. CPU seconds are the fair figure on a shared machine; a PostgreSQL read also costs
server time, which the client's CPU seconds do not show.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time

COLUMNS = ("decision_id, case_id, unit_code, case_area_code, received_date, decided_date, "
           "sent_date, delay_notice_date")
SQL = f"SELECT {COLUMNS} FROM decisions"
TEXT_DATES = ("SELECT decision_id, case_id, unit_code, case_area_code, "
              "CAST(received_date AS TEXT) AS received_date, CAST(decided_date AS TEXT) AS decided_date, "
              "CAST(sent_date AS TEXT) AS sent_date, CAST(delay_notice_date AS TEXT) AS delay_notice_date "
              "FROM decisions")


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _one(reader: str, url: str) -> dict[str, object]:
    import pandas as pd
    import sqlalchemy as sa

    from sagstid.source import arrow

    parsed = sa.engine.make_url(url)
    sqlite = parsed.get_backend_name() == "sqlite"
    libpq = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
    started_cpu, started = _cpu(), time.perf_counter()
    if reader == "sqlalchemy":
        with sa.create_engine(url).connect() as connection:
            frame = pd.read_sql_query(sa.text(SQL), connection)
    elif reader == "arrow":
        frame = arrow.read_frame(url, SQL, {})
    elif reader == "arrow-exact":
        names = arrow.output_columns(SQL)
        frame = arrow.sqlite_frame(
            arrow._fetch("sqlite", parsed.database, arrow.sqlite_wrapped(SQL, names), ()), names)
    elif reader == "adbc":
        if sqlite:
            from adbc_driver_sqlite import dbapi
        else:
            from adbc_driver_postgresql import dbapi  # type: ignore[no-redef]
        with dbapi.connect(parsed.database if sqlite else libpq) as connection, \
                connection.cursor() as cursor:
            cursor.execute(SQL)
            frame = cursor.fetch_arrow_table().to_pandas()
    elif reader == "connectorx":
        import connectorx
        target = f"sqlite://{parsed.database}" if sqlite else libpq
        frame = connectorx.read_sql(target, TEXT_DATES if sqlite else SQL,
                                    return_type="arrow").to_pandas()
    elif reader == "duckdb":
        import duckdb
        import duckdb_extension_sqlite_scanner as scanner
        connection = duckdb.connect()
        connection.execute("SET threads = 1")
        connection.load_extension(os.path.join(
            os.path.dirname(scanner.__file__),
            f"extensions/v{duckdb.__version__}/sqlite_scanner.duckdb_extension"))
        connection.execute(f"ATTACH '{parsed.database}' AS src (TYPE sqlite, READ_ONLY)")
        frame = connection.sql("SELECT * FROM sqlite_query('src', ?)",
                               params=[TEXT_DATES]).arrow().read_all().to_pandas()
    else:
        raise SystemExit(f"unknown reader {reader}")
    return {"reader": reader, "rows": len(frame), "wall_s": time.perf_counter() - started,
            "cpu_s": _cpu() - started_cpu,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def _available(reader: str, sqlite: bool) -> bool:
    probe = {"connectorx": "import connectorx",
             "duckdb": "import duckdb, duckdb_extension_sqlite_scanner"}.get(reader)
    if reader in ("arrow-exact", "duckdb") and not sqlite:
        return False
    if probe is None:
        return True
    return subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode == 0


def main(argv: list[str]) -> None:
    rounds = 3
    if "--rounds" in argv:
        at = argv.index("--rounds")
        rounds = int(argv[at + 1])
        argv = argv[:at] + argv[at + 2:]
    urls = [f"sqlite:///{os.path.abspath(argv[0])}"] + argv[1:2]
    for url in urls:
        sqlite = url.startswith("sqlite")
        readers = [r for r in ("sqlalchemy", "adbc", "arrow", "arrow-exact", "connectorx", "duckdb")
                   if _available(r, sqlite)]
        results: dict[str, list[dict[str, object]]] = {r: [] for r in readers}
        for _ in range(rounds):
            for reader in readers:  # interleaved, so a busy spell hits every reader alike
                done = subprocess.run([sys.executable, __file__, "--one", reader, url],
                                      capture_output=True, text=True)
                line = done.stdout.strip().splitlines()[-1:] if done.returncode == 0 else []
                results[reader].append(json.loads(line[0]) if line else
                                       {"error": (done.stderr.strip().splitlines() or ["?"])[-1]})
        print(f"{'SQLite' if sqlite else 'PostgreSQL'}: median of {rounds}")
        base = statistics.median(r["cpu_s"] for r in results["sqlalchemy"])
        for reader, runs in results.items():
            good = [r for r in runs if "error" not in r]
            if not good:
                print(f"  {reader:<12} fails: {runs[0]['error'][:110]}")
                continue
            cpu = statistics.median(r["cpu_s"] for r in good)
            print(f"  {reader:<12} {good[0]['rows']:>9,} rows  wall {statistics.median(r['wall_s'] for r in good):6.2f} s"
                  f"  CPU {cpu:6.2f} s ({base / cpu:4.1f}x)  peak RSS {max(r['peak_mb'] for r in good):6.0f} MB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        print(json.dumps(_one(sys.argv[2], sys.argv[3])))
    else:
        main(sys.argv[1:])
