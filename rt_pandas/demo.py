"""The built-in demo dataset: eight weeks of sensor readings with everything that goes wrong in real data.

Generated in memory from a fixed seed (no download): readings every five
minutes with a daily and a weekly season, missing values, out-of-range
values (a -999 sensor code, humidity above 100%), duplicated rows, injected
anomalies (temperature spikes and a power outage), a string column with
inconsistent spellings and blanks, and a timestamp column.

>>> from rt_pandas.demo import demo_frame, DEMO_RANGES
>>> df = demo_frame(rows=2_000)
>>> list(df.columns)
['time', 'station', 'temperature', 'humidity', 'power_kw']
>>> int(df.duplicated().sum()) > 0, sorted(DEMO_RANGES)
(True, ['humidity', 'power_kw', 'temperature'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DEMO_RANGES", "DEMO_ROWS", "demo_frame"]

DEMO_ROWS = 8 * 7 * 288          # eight weeks of five-minute readings
DEMO_RANGES = {"temperature": (-40.0, 60.0), "humidity": (0.0, 100.0), "power_kw": (0.0, 500.0)}


def demo_frame(rows: int = DEMO_ROWS, seed: int = 7) -> pd.DataFrame:
    """Sensor readings as a pipeline would see them (deterministic for a given ``rows`` and ``seed``).

    Parameters
    ----------
    rows : int
        Readings before duplication (1% of rows are then repeated).
    seed : int
        Seed of numpy's default generator.

    Returns
    -------
    DataFrame with columns time (datetime64), station (str), temperature,
    humidity and power_kw (float64), about ``1.01 * rows`` rows.
    """
    rng = np.random.default_rng(seed)
    time = pd.date_range("2026-01-05", periods=rows, freq="5min")
    hours = np.asarray(time.hour + time.minute / 60)
    weekday = np.asarray(time.day_of_week < 5)
    daily = np.sin(2 * np.pi * (hours - 9) / 24)

    temperature = 18 + 4 * daily + 1.5 * weekday + rng.normal(0, 0.4, rows)
    humidity = np.clip(55 - 10 * daily + rng.normal(0, 2, rows), 0, 100)
    power = 60 + 12 * daily + 8 * weekday * np.clip(daily, 0, None) + rng.normal(0, 2, rows)

    spikes = rng.choice(rows, max(rows // 1000, 1), replace=False)     # injected anomalies
    temperature[spikes] += rng.choice([-1, 1], spikes.size) * rng.uniform(8, 12, spikes.size)
    outage = slice(rows // 2, rows // 2 + 12)                              # an hour without power
    power[outage] = 0.0
    temperature[rng.choice(rows, rows // 300, replace=False)] = -999.0    # the sensor's error code
    humidity[rng.choice(rows, rows // 200, replace=False)] = 120.0        # out of range
    temperature[rng.choice(rows, rows // 50, replace=False)] = np.nan     # gaps
    humidity[rng.choice(rows, rows // 100, replace=False)] = np.nan

    station = rng.choice(np.array(["north-01", "north-02", "south-01"], dtype=object), rows, p=[0.5, 0.3, 0.2])
    station[rng.choice(rows, rows // 200, replace=False)] = "North 1"        # another spelling
    station[rng.choice(rows, rows // 400, replace=False)] = " "             # blank

    frame = pd.DataFrame({"time": time, "station": station, "temperature": temperature,
                          "humidity": humidity, "power_kw": power})
    repeats = frame.iloc[np.sort(rng.choice(rows, rows // 100, replace=False))]
    return pd.concat([frame, repeats]).sort_values("time", kind="stable").reset_index(drop=True)
