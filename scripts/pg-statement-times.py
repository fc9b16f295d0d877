#!/usr/bin/env python3
"""PostgreSQL's own time per statement, from its log (docs/benchmarks.md, eighth round).

    psql -c "ALTER DATABASE bench SET log_min_duration_statement = 0"
    # ... start the service (new connections take the setting), run a load, then:
    psql -c "ALTER DATABASE bench RESET log_min_duration_statement"
    scripts/pg-statement-times.py LOG OPERATIONS

LOG: the lines PostgreSQL's log (here /var/log/postgresql/postgresql-15-main.log) gained during
the load alone, e.g. `tail -n +N` of it from the line count taken once the service was ready.

Sums the logged durations by statement text (each list of row values counted as one) and by
step (parse, bind = planning, execute), and prints the largest with their count per operation
(OPERATIONS: how many the load completed). A duration includes any wait for a lock or for the
commit's write to disk, so run the load at a few clients to see the statements' own cost.
"""

import collections
import re
import sys

LINE = re.compile(r"duration: ([\d.]+) ms  (parse|bind|execute|statement)[^:]*: (.*)")
ROWS = re.compile(r"(\(\$\d+(, \$\d+)*\),? ?)+")


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    operations = int(sys.argv[2])
    by_statement = collections.defaultdict(lambda: [0, 0.0])
    by_step = collections.Counter()
    with open(sys.argv[1], errors="replace") as log:
        for line in log:
            found = LINE.search(line)
            if not found:
                continue
            ms, step, sql = float(found[1]), found[2], found[3]
            text = ROWS.sub("(…)", sql)[:100]
            by_statement[(step, text)][0] += 1
            by_statement[(step, text)][1] += ms
            by_step[step] += ms
    total = sum(by_step.values())
    print(f"{total / operations:.2f} ms an operation in all; by step:", end="")
    for step, ms in by_step.most_common():
        print(f" {step} {ms / operations:.2f}", end="")
    print()
    print("ms/op  count/op  ms each  step      statement")
    ranked = sorted(by_statement.items(), key=lambda kv: -kv[1][1])
    for (step, text), (count, ms) in ranked[:30]:
        print(f"{ms / operations:5.2f}  {count / operations:8.2f}  {ms / count:7.3f}  "
              f"{step:8s}  {text}")


if __name__ == "__main__":
    main()
