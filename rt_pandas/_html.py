"""HTML and Markdown rendering of a DataReport.

The page is one self-contained file: inline CSS, inline SVG charts, no
scripts, and a Content-Security-Policy that forbids every network request.
Column names and values come from the data, so every one of them goes
through :func:`html.escape` (they are hostile until proven otherwise).
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

from .quality import METRICS

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"

STYLE = """
.rtp{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2933;max-width:1100px;margin:0 auto;padding:16px}
.rtp h1{font-size:22px;margin:0 0 4px}.rtp h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #e4e7eb;padding-bottom:4px}
.rtp .sub{color:#616e7c;margin:0 0 12px}
.rtp .badge{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.rtp .pass{background:#2f855a}.rtp .fail{background:#c53030}
.rtp table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
.rtp th,.rtp td{padding:3px 8px;border-bottom:1px solid #e4e7eb;text-align:right}
.rtp th:first-child,.rtp td:first-child{text-align:left}
.rtp thead th{background:#f5f7fa;font-weight:600}
.rtp td.good{background:#e3f9e5}.rtp td.warn{background:#fff3c4}.rtp td.bad{background:#ffe3e3}
.rtp .cols{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.rtp svg{background:#fbfcfd;border:1px solid #e4e7eb}
.rtp svg text{font:11px system-ui,sans-serif;fill:#52606d}
.rtp ul.findings li{margin:2px 0}
.rtp .scroll{overflow-x:auto}
.rtp code{background:#f5f7fa;padding:0 4px;border-radius:3px}
"""


def esc(value: Any) -> str:
    """Text for HTML, attributes included."""
    return html.escape(str(value), quote=True)


def _number(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, (float, np.floating)):
        return f"{value:.4g}"
    return str(value)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def _share(value: float | None) -> tuple[str, str]:
    """A metric as a percentage and the cell's colour class."""
    if value is None or value != value:
        return "n/a", ""
    grade = "good" if value >= 0.95 else "warn" if value >= 0.8 else "bad"
    return f"{100 * value:.1f}%", grade


# ---------------------------------------------------------------------------
# Charts (inline SVG)

_W, _H, _PAD = 460, 180, 34


def _scale(lo: float, hi: float, a: float, b: float):
    span = hi - lo if hi > lo else 1.0
    return lambda v: a + (np.asarray(v, dtype=float) - lo) / span * (b - a)


def histogram_svg(name: Any, edges: np.ndarray, counts: np.ndarray) -> str:
    if counts.size == 0 or len(edges) != counts.size + 1:  # an all-missing column has no bin edges
        return f'<p class="sub">{esc(name)}: no finite values to plot.</p>'
    x = _scale(float(edges[0]), float(edges[-1]), _PAD, _W - 8)
    y = _scale(0, float(counts.max()), _H - 22, 10)
    bars = "".join(
        f'<rect x="{x(edges[i]):.1f}" y="{y(c):.1f}" width="{max(x(edges[i + 1]) - x(edges[i]) - 1, 0.5):.1f}" '
        f'height="{_H - 22 - y(c):.1f}" fill="#3e7cb1"><title>[{_number(edges[i])}, {_number(edges[i + 1])}): '
        f'{int(c):,}</title></rect>'
        for i, c in enumerate(counts)
    )
    return (f'<svg role="img" aria-label="histogram of {esc(name)}" width="{_W}" height="{_H}" '
            f'viewBox="0 0 {_W} {_H}">{bars}'
            f'<text x="{_PAD}" y="{_H - 6}">{esc(_number(edges[0]))}</text>'
            f'<text x="{_W - 8}" y="{_H - 6}" text-anchor="end">{esc(_number(edges[-1]))}</text>'
            f'<text x="4" y="14">{int(counts.max()):,}</text></svg>')


def line_svg(name: Any, times: np.ndarray, values: np.ndarray, marked_times: np.ndarray,
             marked_values: np.ndarray) -> str:
    if values.size < 2:
        return ""
    t0, t1 = float(times.min()), float(times.max())
    lo, hi = float(values.min()), float(values.max())
    x = _scale(t0, t1, _PAD, 2 * _W - 8)
    y = _scale(lo, hi, _H - 22, 10)
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(x(times), y(values)))
    dots = "".join(f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="#c53030"/>'
                   for a, b in zip(x(marked_times), y(marked_values)))
    start, end = (pd.Timestamp(int(t0)).isoformat(sep=" "), pd.Timestamp(int(t1)).isoformat(sep=" "))
    return (f'<svg role="img" aria-label="{esc(name)} over time, anomalies in red" width="{2 * _W}" '
            f'height="{_H}" viewBox="0 0 {2 * _W} {_H}">'
            f'<polyline points="{points}" fill="none" stroke="#3e7cb1" stroke-width="1"/>{dots}'
            f'<text x="{_PAD}" y="{_H - 6}">{esc(start)}</text>'
            f'<text x="{2 * _W - 8}" y="{_H - 6}" text-anchor="end">{esc(end)}</text>'
            f'<text x="4" y="14">{esc(_number(hi))}</text><text x="4" y="{_H - 26}">{esc(_number(lo))}</text></svg>')


# ---------------------------------------------------------------------------
# Page parts


def _overview(report) -> str:
    head = "".join(f"<th>{m}</th>" for m in (*METRICS, "overall"))
    rows = []
    for i, c in enumerate(report.quality.columns):
        d = c.to_dict(report.quality.weights)
        cells = []
        for metric in (*METRICS, "overall"):
            text, grade = _share(d[metric])
            cells.append(f'<td class="{grade}">{text}</td>')
        anomalies = report.anomalies.get(c.name)
        count = "" if anomalies is None else f"{anomalies.count:,}"
        rows.append(f'<tr><td><a href="#col-{i}">{esc(c.name)}</a></td><td>{esc(c.dtype)}</td>'
                    f'<td>{c.missing:,}</td>{"".join(cells)}<td>{count}</td></tr>')
    return (f'<div class="scroll"><table class="overview"><thead><tr><th>column</th><th>dtype</th><th>missing</th>{head}'
            f'<th>anomalies</th></tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def _column_section(report, i: int, c) -> str:
    d = c.to_dict(report.quality.weights)
    facts = [("rows", f"{c.rows:,}"), ("missing", f"{c.missing:,}"), ("distinct", _number(c.distinct)),
             ("validity rule", c.validity_rule)]
    if c.accuracy_range is not None:
        facts.append(("accuracy range", f"[{c.accuracy_range[0]}, {c.accuracy_range[1]}]"))
    if c.consistency_bounds is not None:
        facts.append(("robust bounds", f"[{_number(c.consistency_bounds[0])}, {_number(c.consistency_bounds[1])}]"))
    metric_rows = "".join(f'<tr><td>{m}</td><td class="{_share(d[m])[1]}">{_share(d[m])[0]}</td></tr>'
                          for m in (*METRICS, "overall"))
    fact_rows = "".join(f"<tr><td>{esc(k)}</td><td>{esc(v)}</td></tr>" for k, v in facts)
    parts = [f'<h2 id="col-{i}">{esc(c.name)} <span class="sub">{esc(c.dtype)}</span></h2>',
             f'<div class="cols"><table>{metric_rows}</table><table>{fact_rows}</table>']
    charts = report.charts.get(c.name)
    if charts is not None:
        parts.append(histogram_svg(c.name, charts.edges, charts.counts))
        if charts.outside:
            parts.append(f'<p class="sub">{charts.outside:,} values beyond the plotted range '
                         f'(the line chart draws them at its edge).</p>')
    parts.append("</div>")
    anomalies = report.anomalies.get(c.name)
    if anomalies is not None:
        text = f"{anomalies.count:,} anomalies by robust z-score ({esc(anomalies.method)}, above 3.5)"
        if anomalies.seasonal_count is not None:
            text += f"; {anomalies.seasonal_count:,} seasonal anomalies (period {anomalies.seasonal_period} samples)"
        if anomalies.note:
            text += f"; {esc(anomalies.note)}"
        parts.append(f"<p>{text}.</p>")
        if charts is not None and charts.times is not None:
            parts.append(line_svg(c.name, charts.times, charts.values, charts.marked_times, charts.marked_values))
        if len(anomalies.top):
            parts.append(_table(anomalies.top))
    return "".join(parts)


def _table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{esc(c)}</th>" for c in ("row", *frame.columns))
    body = "".join("<tr>" + "".join(f"<td>{esc(_number(v))}</td>" for v in (i, *row)) + "</tr>"
                   for i, row in zip(frame.index, frame.itertuples(index=False)))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def fragment(report) -> str:
    """The report as one ``<div>`` with its own scoped style (for notebooks and the page)."""
    q = report.quality
    score = "n/a" if q.overall is None else f"{100 * q.overall:.1f}%"
    badge = ('<span class="badge pass">passed</span>' if q.passed else '<span class="badge fail">failed</span>')
    duplicates = "" if q.duplicate_rows is None else f", {q.duplicate_rows:,} duplicate rows"
    findings = "".join(f"<li>{esc(f)}</li>" for f in report.findings()) or "<li>No findings.</li>"
    sections = "".join(_column_section(report, i, c) for i, c in enumerate(q.columns))
    return (f'<div class="rtp"><style>{STYLE}</style>'
            f'<h1>Data quality report: {esc(report.source)}</h1>'
            f'<p class="sub">{_count(q.rows, "row")}, {_count(len(q.columns), "column")}{duplicates}. Overall quality '
            f'<b>{score}</b> against threshold {100 * q.threshold:.1f}% {badge}</p>'
            f'{_overview(report)}<h2>Findings</h2><ul class="findings">{findings}</ul>{sections}</div>')


def page(report) -> str:
    """A whole HTML document around :func:`fragment`."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="icon" href="data:,">'
            f"<title>rt-pandas report: {esc(report.source)}</title></head>"
            f"<body>{fragment(report)}</body></html>\n")


def markdown(report) -> str:
    """Overview table and findings as Markdown (HTML and pipes in names and values are escaped)."""
    q = report.quality

    def cell(value: Any) -> str:
        # Markdown renderers pass raw HTML through: escape it as HTML, then the table's pipes.
        return html.escape(str(value), quote=False).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    score = "n/a" if q.overall is None else f"{100 * q.overall:.1f}%"
    lines = [f"# Data quality report: {cell(report.source)}", "",
             f"{_count(q.rows, 'row')}, {_count(len(q.columns), 'column')}. Overall quality **{score}** against threshold "
             f"{100 * q.threshold:.1f}%: **{'passed' if q.passed else 'failed'}**.", "",
             "| column | dtype | missing | " + " | ".join((*METRICS, "overall")) + " | anomalies |",
             "|---|---|---|" + "---|" * (len(METRICS) + 2)]
    for c in q.columns:
        d = c.to_dict(q.weights)
        a = report.anomalies.get(c.name)
        lines.append(f"| {cell(c.name)} | {cell(c.dtype)} | {c.missing:,} | "
                     + " | ".join(_share(d[m])[0] for m in (*METRICS, "overall"))
                     + f" | {'' if a is None else a.count} |")
    lines += ["", "## Findings", ""] + [f"- {cell(f)}" for f in report.findings()]
    return "\n".join(lines) + "\n"
