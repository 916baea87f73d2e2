"""Measured accuracy of erf, erfc, gamma and lgamma next to scipy.special, on the test sweeps' points.

Uses the point sets and mpmath (50 digits) references of tests/test_math_special.py,
so the figures are those the tests check: >= 100,000 points per function and dtype.
scipy runs on the same points in the same dtype (scipy's float32 erf/gamma compute in
float32 where they have a float32 loop). lgamma's "x > 0" columns leave out nothing;
its negative points are reported apart (absolute error next to the negative zeros).

    python tools/special_accuracy.py   # prints the docs/math.md table, writes benchmarks/results/special_accuracy.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import scipy
import scipy.special as sc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

import test_math_special as t  # noqa: E402
from rt_pandas import math as rtm  # noqa: E402

SCIPY = {"erf": sc.erf, "erfc": sc.erfc, "gamma": sc.gamma, "lgamma": sc.gammaln}



def stats(errors: np.ndarray) -> tuple[float, float]:
    return float(errors.max()), float(errors.mean())


def main() -> None:
    rows = []
    for name in ("erf", "erfc", "gamma", "lgamma"):
        for dtype in (np.float32, np.float64):
            if name in ("erf", "erfc"):
                x, hi, lo = t.sweep(name, dtype)
            else:
                x, g, l = t.gamma_sweep(dtype)
                hi, lo = g if name == "gamma" else l
                with np.errstate(over="ignore"):
                    overflow = np.isinf(hi.astype(dtype)) & np.isfinite(hi)
                hi, lo = np.where(overflow, hi.astype(dtype), hi), np.where(overflow, 0.0, lo)
            with np.errstate(all="ignore"):
                ours = getattr(rtm, name)(x)
                theirs = SCIPY[name](x).astype(dtype)
            # gammaln is log|gamma| like lgamma; scipy's gamma has the same Annex-F-like specials.
            keep = x > 0 if name in ("gamma", "lgamma") else np.ones(len(x), bool)
            row = {"function": name, "dtype": np.dtype(dtype).name, "points": int(keep.sum())}
            row["rt_max"], row["rt_mean"] = stats(t.ulp_errors(ours, hi, lo)[keep])
            row["scipy_max"], row["scipy_mean"] = stats(t.ulp_errors(theirs, hi, lo)[keep])
            if name in ("gamma", "lgamma"):
                neg = ~keep
                row["negative_points"] = int(neg.sum())
                row["rt_neg_max"], row["rt_neg_mean"] = stats(t.ulp_errors(ours, hi, lo)[neg])
                row["scipy_neg_max"], row["scipy_neg_mean"] = stats(t.ulp_errors(theirs, hi, lo)[neg])
            rows.append(row)
    (ROOT / "benchmarks" / "results" / "special_accuracy.json").write_text(
        json.dumps({"scipy": scipy.__version__, "rows": rows}, indent=1) + "\n")
    print("| function | dtype | points | max ULP | mean ULP | scipy max ULP | scipy mean ULP |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        label = r["function"] + (" (x > 0)" if r["function"] in ("gamma", "lgamma") else "")
        print(f"| {label} | {r['dtype']} | {r['points']} | {r['rt_max']:.3f} | {r['rt_mean']:.3f} | "
              f"{r['scipy_max']:.3f} | {r['scipy_mean']:.3f} |")
    for r in rows:
        if "rt_neg_max" in r:
            print(f"| {r['function']} (x < 0) | {r['dtype']} | {r['negative_points']} | {r['rt_neg_max']:.3f} | "
                  f"{r['rt_neg_mean']:.3f} | {r['scipy_neg_max']:.3f} | {r['scipy_neg_mean']:.3f} |")


if __name__ == "__main__":
    main()
