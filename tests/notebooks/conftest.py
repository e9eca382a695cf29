"""Notebook tests: a timing report at the end of every run."""

import json
import time

from tests.notebooks.course import BUILD

_START = time.time()


def pytest_terminal_summary(terminalreporter):
    rows = []
    for path in sorted((BUILD / "timings").glob("*/*.json")):
        row = json.loads(path.read_text())
        if row["finished"] >= _START:
            rows.append((path.parent.name, row))
    if not rows:
        return
    write = terminalreporter.write_line
    terminalreporter.section("notebook wall times (quick mode, cold compile cache)")
    write(f"{'backend':8} {'notebook':58} {'seconds':>8} {'budget':>7}  status")
    total = {}
    for backend, row in rows:
        total[backend] = total.get(backend, 0) + row["seconds"]
        write(f"{backend:8} {row['notebook']:58} {row['seconds']:8.1f} "
              f"{row['budget_seconds']:7.0f}  {row['status']}")
    for backend, seconds in total.items():
        write(f"{backend:8} {'TOTAL':58} {seconds:8.1f}")
