#!/usr/bin/env python3
"""Sums `perf report --no-children --sort dso,sym --stdio` lines (stdin) by where the code comes
from: the kernel, libc, the allocator, or the Rust crate a symbol's path begins with (generic
code is counted where its outermost path is, e.g. `<sea_query::... as ...>`)."""
import re
import sys
from collections import Counter

totals = Counter()
for line in sys.stdin:
    m = re.match(r"\s*([\d.]+)%\s+(\S+)\s+\[(.)\]\s+(.*)", line)
    if not m:
        continue
    share, dso, kind, sym = float(m[1]), m[2], m[3], m[4].strip()
    if kind == "k":
        group = "kernel"
    elif "libc" in dso:
        group = "libc (memmove, memcmp, ...)"
    elif sym.startswith(("_rjem", "je_", "tcache", "do_rallocx", "__rust_alloc", "__rustc::")):
        group = "allocator (jemalloc)"
    elif sym.startswith("sqlite3") or sym.startswith("vdbe") or sym.startswith("btree"):
        group = "SQLite"
    else:
        path = re.sub(r"^[<&*(\s]+", "", sym)
        path = re.sub(r"^(dyn |mut |impl )", "", path)
        crate = re.split(r"::|<| ", path)[0] or "?"
        group = crate if crate != "core" and crate != "alloc" else f"{crate} (std)"
    totals[group] += share
for group, share in totals.most_common(14):
    print(f"{share:6.1f} %  {group}")
