#!/usr/bin/env python3
"""Raises report_data_version about every millisecond for SECONDS, so that nearly every
dashboard view made meanwhile finds its data changed since the view before and reads it all
again (docs/benchmarks.md, issue 27 seventh round, "A view just after a change").

    scripts/raise-data-version.py sqlite:///path/large.db 16 &
    scripts/raise-data-version.py postgres://postgres@127.0.0.1:5432/bench 16 &

Each raise rewrites the publication threshold with its own value (no figure changes). SQLite
through Python's sqlite3 module, PostgreSQL through one `psql` session. Never point it at a
live database: every instance's kept dashboards are dropped as often as it runs.
"""
import subprocess
import sys
import time

STATEMENT = "UPDATE publication_state SET min_cell_size = min_cell_size"


def main(url: str, seconds: float) -> None:
    end = time.time() + seconds
    raised = 0
    if url.startswith("sqlite://"):
        import sqlite3

        db = sqlite3.connect(url.removeprefix("sqlite://").split("?")[0], timeout=10,
                             isolation_level=None)
        while time.time() < end:
            db.execute(STATEMENT)
            raised += 1
            time.sleep(0.001)
    elif url.startswith(("postgres://", "postgresql://")):
        psql = subprocess.Popen(["psql", "-q", url], stdin=subprocess.PIPE, text=True)
        while time.time() < end:
            psql.stdin.write(STATEMENT + ";\n")
            psql.stdin.flush()
            raised += 1
            time.sleep(0.001)
        psql.stdin.close()
        psql.wait()
    else:
        sys.exit(f"not a sqlite:// or postgres:// URL: {url}")
    print(f"raised {raised} times")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], float(sys.argv[2]))
