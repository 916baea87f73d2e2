"""Anomaly detection accuracy on the shared labelled data (no timing).

* ODDS: ROC-AUC of rt-pandas' IsolationForest (mean of 5 seeds) beside
  scikit-learn's, both computed here, and the reference column of
  ../shared/data/README.md.
* NAB: point ROC-AUC (windows as labels, NAB's probationary 15% skipped) of
  the causal seasonal detector, of the offline one (2 robustness passes, the
  default, and STL's 15) and of a rolling z-score over one period,
  per file; and whether the causal detector flags a point in each of
  nyc_taxi's five windows with a weekly period.
* Injected spikes: offline seasonal flags on noisy sines with 2 and 15
  robustness passes (spikes found, ordinary points flagged).

Results go to benchmarks/results/anomaly_accuracy.json.

    python benchmarks/accuracy_anomaly.py
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.ensemble import IsolationForest as SkIsolationForest
from sklearn.metrics import roc_auc_score

import rt_pandas  # noqa: F401  (registers .rt)
from rt_pandas.anomaly import IsolationForest

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
RESULTS = Path(__file__).resolve().parent / "results"
OFFLINE_OUTER = (2, 15)  # robustness passes of the offline seasonal scores: the default, and STL's


def odds() -> list[dict]:
    readme = (DATA / "README.md").read_text().splitlines()
    rows = []
    for line in readme:
        match = re.match(r"\|\s*(\S+\.npz)\s*\|.*\|\s*([0-9.]+)\s*\|\s*$", line)
        if not match:
            continue
        name, reference = match.group(1), float(match.group(2))
        data = np.load(DATA / "odds" / name)
        X, y = data["X"], data["y"]
        ours = [roc_auc_score(y, -IsolationForest(random_state=s).fit(X).score_samples(X)) for s in range(5)]
        theirs = [roc_auc_score(y, -SkIsolationForest(random_state=s).fit(X).score_samples(X)) for s in range(5)]
        rows.append({"file": name, "shape": list(X.shape), "rt_auc": float(np.mean(ours)),
                     "sklearn_auc": float(np.mean(theirs)), "readme_sklearn_auc": reference,
                     "difference_vs_readme": float(np.mean(ours) - reference)})
    return rows


def nab() -> dict:
    root = DATA / "nab"
    windows = json.loads((root / "labels" / "combined_windows.json").read_text())
    keys = [line.split("|")[1].strip() for line in (DATA / "README.md").read_text().splitlines()
            if line.startswith("| real") or line.startswith("| art")]
    rows = []
    for key in keys:
        if not windows[key]:
            continue
        frame = pd.read_csv(root / "data" / key, parse_dates=["timestamp"], index_col="timestamp")
        values = frame["value"].astype(float)
        labels = np.zeros(len(frame), dtype=bool)
        for start, end in windows[key]:
            labels |= (frame.index >= pd.Timestamp(start)) & (frame.index <= pd.Timestamp(end))
        period = "7D" if key.endswith("nyc_taxi.csv") else "1D"
        samples = int(pd.Timedelta(period) / values.index.to_series().diff().median())
        skip = min(int(0.15 * len(values)), 750)
        seasonal = values.rt.anomaly_scores("seasonal", period=period, mode="causal").to_numpy()
        offline = {f"offline_seasonal_outer{outer}_auc": values.rt.anomaly_scores("seasonal", period=period,
                                                                                   outer=outer).to_numpy()
                   for outer in OFFLINE_OUTER}
        s = pd.Series(values.to_numpy())
        rolling = (np.abs(s - s.rolling(samples).mean().shift(1)) / s.rolling(samples).std(ddof=0).shift(1)).to_numpy()

        def auc(scores):
            return float(roc_auc_score(labels[skip:], np.nan_to_num(scores[skip:], nan=0.0, posinf=1e300)))

        rows.append({"file": key, "period_samples": samples, "causal_seasonal_auc": auc(seasonal),
                     "rolling_zscore_auc": auc(rolling), **{name: auc(v) for name, v in offline.items()}})
    key = "realKnownCause/nyc_taxi.csv"
    frame = pd.read_csv(root / "data" / key, parse_dates=["timestamp"], index_col="timestamp")
    flags = frame["value"].astype(float).rt.is_anomaly("seasonal", period="7D", mode="causal")
    hits = [bool(flags[pd.Timestamp(a) : pd.Timestamp(b)].any()) for a, b in windows[key]]
    return {
        "files": rows,
        "mean_causal_seasonal_auc": float(np.mean([r["causal_seasonal_auc"] for r in rows])),
        "mean_rolling_zscore_auc": float(np.mean([r["rolling_zscore_auc"] for r in rows])),
        **{f"mean_offline_seasonal_outer{o}_auc": float(np.mean([r[f"offline_seasonal_outer{o}_auc"] for r in rows]))
           for o in OFFLINE_OUTER},
        "nyc_taxi_weekly_windows_hit": hits,
        "nyc_taxi_points_flagged": int(flags.sum()),
    }


def injected_spikes(series: int = 10, n: int = 2000, spikes: int = 10) -> dict:
    """Offline seasonal flags on sines with Gaussian noise (sd 0.1) and injected spikes: spikes found and
    ordinary points flagged, for moderate spikes (0.6-1.5) and for big ones (8), per robustness setting."""
    result = {}
    for outer in OFFLINE_OUTER:
        found = false_moderate = false_big = 0
        for seed in range(series):
            rng = np.random.default_rng(seed)
            clean = np.sin(2 * np.pi * np.arange(n) / 24) + 0.1 * rng.normal(size=n)
            where = rng.choice(np.arange(50, n - 50), spikes, replace=False)
            moderate, big = clean.copy(), clean.copy()
            moderate[where] += rng.choice([-1, 1], spikes) * rng.uniform(0.6, 1.5, spikes)
            big[where] += 8
            flags = pd.Series(moderate).rt.is_anomaly("seasonal", period=24, outer=outer).to_numpy()
            found += int(flags[where].sum())
            false_moderate += int(flags.sum() - flags[where].sum())
            flags = pd.Series(big).rt.is_anomaly("seasonal", period=24, outer=outer).to_numpy()
            false_big += int(flags.sum() - flags[where].sum())
        result[f"outer{outer}"] = {"spikes": series * spikes, "found": found,
                                   "ordinary_flagged": false_moderate, "ordinary_flagged_next_to_big_spikes": false_big}
    return result


def main() -> None:
    result = {"odds": odds(), "nab": nab(), "injected_spikes": injected_spikes()}
    print(json.dumps(result, indent=2))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "anomaly_accuracy.json").write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
