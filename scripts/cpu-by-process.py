#!/usr/bin/env python3
"""CPU time each program used over a window, from /proc (docs/benchmarks.md, eighth round).

    scripts/cpu-by-process.py SECONDS

Reads every process's user and system time before and after SECONDS and prints the difference
by program, largest first. PostgreSQL's processes are grouped by their title's first words
("postgres 15/main: postgres" for the client backends), so the database's share of a run shows
beside the service's (whose load generator, `bench load`, is the same program: tell them apart
by running it from a copy with another name).
"""

import os
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def snapshot():
    seen = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                # The command name may hold spaces; the fields after its closing bracket do not.
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                command = f.read().replace(b"\0", b" ").decode(errors="replace").strip()
        except OSError:
            continue
        ticks = int(fields[11]) + int(fields[12])
        seen[pid] = (ticks, program(command))
    return seen


def program(command):
    if command.startswith("postgres:"):
        return " ".join(["postgres"] + command.split()[1:3])
    return os.path.basename(command.split(" ")[0]) if command else "(kernel threads)"


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    seconds = float(sys.argv[1])
    before = snapshot()
    time.sleep(seconds)
    after = snapshot()
    used = {}
    for pid, (ticks, name) in after.items():
        start = before.get(pid, (0, name))[0]
        used[name] = used.get(name, 0) + ticks - start
    total = sum(used.values())
    print(f"CPU seconds over {seconds:g} s ({total / TICKS:.2f} s in all)")
    for name, ticks in sorted(used.items(), key=lambda kv: -kv[1])[:12]:
        if ticks:
            print(f"{ticks / TICKS:8.2f} s  {100 * ticks / max(total, 1):5.1f} %  {name}")


if __name__ == "__main__":
    main()
