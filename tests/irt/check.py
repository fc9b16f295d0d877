"""Checks the service's Rasch calibration against girth on a simulated data set.

Simulates PERSONS persons (abilities N(0, 1)) answering ITEMS items of known difficulty under
the Rasch model with a fixed seed, writes the response matrix as CSV, has the service fit it
(`genomics-training bank fit-csv`), fits the same matrix with girth's rasch_mml (marginal
maximum likelihood) and rasch_conditional (conditional maximum likelihood, the service's own
method), centres every set of difficulties on mean 0 and fails if any of the service's
difficulties differs from either of girth's by more than TOLERANCE logits.

Usage: python check.py BINARY WORK_DIR
"""

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
from girth import rasch_conditional, rasch_mml

SEED = 20261212
PERSONS = 1000
ITEMS = 20
TOLERANCE = 0.1


def main() -> int:
    binary, work = sys.argv[1], Path(sys.argv[2])
    rng = np.random.default_rng(SEED)
    truth = np.linspace(-2.0, 2.0, ITEMS)
    theta = rng.normal(0.0, 1.0, PERSONS)
    p = 1.0 / (1.0 + np.exp(truth[None, :] - theta[:, None]))
    responses = (rng.random((PERSONS, ITEMS)) < p).astype(int)

    matrix = work / "responses.csv"
    with matrix.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"item_{i + 1:02}" for i in range(ITEMS)])
        writer.writerows(responses.tolist())

    out = subprocess.run(
        [binary, "bank", "fit-csv", str(matrix)], check=True, capture_output=True, text=True
    ).stdout
    (work / "service.csv").write_text(out)
    rows = list(csv.DictReader(out.splitlines()))
    if len(rows) != ITEMS or any(r["status"] != "estimated" for r in rows):
        print(f"the service did not estimate every item:\n{out}", file=sys.stderr)
        return 1
    ours = np.array([float(r["difficulty"]) for r in rows])

    # girth takes items x persons.
    theirs = {
        "girth rasch_mml": np.asarray(rasch_mml(responses.T)["Difficulty"]),
        "girth rasch_conditional": np.asarray(rasch_conditional(responses.T)["Difficulty"]),
    }

    def centred(x):
        return x - x.mean()

    failed = False
    print(f"{PERSONS} persons x {ITEMS} items, seed {SEED}; difficulties centred on mean 0")
    print(f"service vs truth: largest difference {np.abs(centred(ours) - centred(truth)).max():.4f} logit")
    for name, estimate in theirs.items():
        diff = np.abs(centred(ours) - centred(estimate))
        worst = int(diff.argmax())
        print(
            f"service vs {name}: largest difference {diff[worst]:.4f} logit "
            f"(item_{worst + 1:02}), mean {diff.mean():.4f}"
        )
        if diff[worst] > TOLERANCE:
            failed = True
            print(f"FAIL: more than {TOLERANCE} logit apart", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
