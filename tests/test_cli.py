"""The command line: the demo and version commands run and say the right things."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import rt_pandas
from rt_pandas.cli import main, run_demo


def test_demo_clamps_and_keeps_nulls():
    out = io.StringIO()
    summary = run_demo(rows=2_000, out=out)
    assert "native" in summary
    for result in summary.values():
        assert result["temperature_max"] <= 60 and result["humidity_max"] <= 100
        assert result["temperature_nulls"] == 20  # every 100th of 2,000 rows is null
        assert result["pool_hit_rate"] > 50
    assert "memory pool" in out.getvalue()
    assert rt_pandas.get_backend_name() == "native"


def test_version_command(capsys):
    assert main(["version"]) == 0
    assert json.loads(capsys.readouterr().out)["core"] == "0.1.0"


def test_python_dash_m_runs_the_demo():
    result = subprocess.run(
        [sys.executable, "-m", "rt_pandas", "demo", "--rows", "500"], capture_output=True, text=True, check=True
    )
    assert "temperature clamped to [-40, 60]" in result.stdout
