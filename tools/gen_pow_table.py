"""Generate csrc/math/pow_table.h: the log table of pow (after ARM's optimized-routines pow).

x = 2^k z with z in [OFF, 2 OFF) (OFF = 0x1.69555p-1, so log x is never a small
difference of large terms near x = 1), z falls into one of N = 32 subintervals
(the top 5 mantissa bits of the bits of x minus OFF) and

    log x = k ln2 + log c + log1p(r),   r = z / c - 1 = z * invc - 1,

where invc = 1/c has at most 7 significant bits (j/N below 1, j/2N above), so
r is exact with one FMA, |r| < 2^-6, and logc is rounded to a multiple of
2^-43 so that k * LN2_HI + logc is exact (LN2_HI is a multiple of 2^-42).
logctail = log c - logc to ~2^-97. float64 log and log1p, which round
hi + lo once and need 1 ULP, not pow's 2^-68, use the same construction on
16 subintervals (LOG16_*, one permute per table on AVX-512) and LOG_FAST_P,
the minimax fit of (log1p r - r) / r^2 over their |r| (10 terms, 2^-56.5;
log_table_fast in csrc/math/log_table_body.h; float32 log and log1p:
LOG16_*32, log_f32_parts; float32 pow's log|x| too, pow_core_f32). Their
float tables use the same 16 subintervals and invc: POW_OFF32 is OFF as a float,
LOG16_LOGC_HI32 is log c rounded to a multiple of 2^-15 (so k * LN2_HI32 +
LOG16_LOGC_HI32 is exact in float for |k| < 2^7) and LOG16_LOGC_LO32 the rest as
a float.
Run: python tools/gen_pow_table.py
"""
import struct

import numpy
from pathlib import Path

import mpmath

from minimax import remez

mpmath.mp.dps = 60
N = 32
OFF = 0x3FE6955500000000
OUT = Path(__file__).resolve().parent.parent / "csrc" / "math" / "pow_table.h"


def as_double(bits: int) -> float:
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def _hex32(v: float) -> str:
    if v == 0:
        return "0.0f"
    mantissa, exponent = v.hex().split("p")
    return f"{mantissa.rstrip('0').rstrip('.')}p{exponent}f"


def log1p_ratio(r):
    """(log1p r - r) / r^2."""
    return (mpmath.log1p(r) - r) / r**2 if abs(r) > mpmath.mpf("1e-30") else mpmath.mpf(-1) / 2 + r / 3


def subintervals(n: int):
    """For each of the n subintervals of [OFF, 2 OFF): invc, log c (exact), and the largest |z invc - 1|."""
    shift = 52 - n.bit_length() + 1
    rows = []
    for i in range(n):
        lo = as_double(OFF + (i << shift))
        hi = as_double(OFF + ((i + 1) << shift))
        center = (mpmath.mpf(lo) + mpmath.mpf(hi)) / 2
        # invc = 1/c on a grid of 1/n below 1 and 1/2n above: few significant bits, so z invc - 1 is exact
        ic = mpmath.nint(n / center) / n if center < 1 else mpmath.nint(2 * n / center) / (2 * n)
        r = max(abs(float(mpmath.mpf(lo) * ic - 1)), abs(float(mpmath.mpf(hi) * ic - 1)))
        rows.append((float(ic), -mpmath.log(ic), r))
    return rows


def c_table(ctype: str, name: str, values: list[str]) -> str:
    body = ",\n    ".join(", ".join(values[j:j + 4]) for j in range(0, len(values), 4))
    return f"static const {ctype} {name}[{len(values)}] = {{\n    {body}\n}};"


def log_fast_lines() -> list[str]:
    """LOG16_INVC, LOG16_LOGC, LOG16_LOGCTAIL and LOG_FAST_P for float64 log and log1p (log_table_fast)."""
    rows = subintervals(16)
    max_r = max(r for _, _, r in rows)
    heads = [mpmath.nint(c_log * 2**43) / 2**43 for _, c_log, _ in rows]
    heads32 = [mpmath.nint(c_log * 2**15) / 2**15 for _, c_log, _ in rows]
    for (ic, c_log, r), head, head32 in zip(rows, heads, heads32):
        # the fast two-sum t1 + r needs t1 = 0 or an exponent at least r's (k = 0: t1 = log c's head)
        for h in (head, head32):
            assert h == 0 or mpmath.floor(mpmath.log(abs(h), 2)) >= mpmath.floor(mpmath.log(r, 2))
        assert float(numpy.float32(ic)) == ic
    top = mpmath.mpf(max_r)
    coeffs = [mpmath.mpf(float(c)) for c in remez(log1p_ratio, -top, top, 9, weight=lambda t: 1)]
    err = max(abs(mpmath.polyval(coeffs[::-1], t) - log1p_ratio(t)) for t in (-top + 2 * top * i / 4000 for i in range(4001)))
    return [
        f"/* float64 log and log1p: the same reduction with 16 subintervals (one permute per table on AVX-512); "
        f"|z * invc - 1| < {max_r:.6g}. */",
        c_table("double", "LOG16_INVC", [ic.hex() for ic, _, _ in rows]),
        c_table("double", "LOG16_LOGC", [float(h).hex() for h in heads]),
        c_table("double", "LOG16_LOGCTAIL", [float(c_log - h).hex() for (_, c_log, _), h in zip(rows, heads)]),
        "/* float32 log, log1p and pow: the same 16 subintervals and invc, log c as a multiple of 2^-15 and the rest. */",
        c_table("float", "LOG16_INVC32", [_hex32(ic) for ic, _, _ in rows]),
        c_table("float", "LOG16_LOGC_HI32", [_hex32(float(h)) for h in heads32]),
        c_table("float", "LOG16_LOGC_LO32", [_hex32(float(numpy.float32(float(c_log - h)))) for (_, c_log, _), h in zip(rows, heads32)]),
        "/* The same numbers a row per subinterval {invc, logc, logctail, 0}, for AVX2 (one load per lane). */",
        "static _Alignas(32) const double LOG16_ROWS[16][4] = {\n    "
        + ",\n    ".join(f"{{{ic.hex()}, {float(h).hex()}, {float(c_log - h).hex()}, 0.0}}"
                          for (ic, c_log, _), h in zip(rows, heads)) + "\n};",
        f"/* (log1p r - r) / r^2 = LOG_FAST_P(r) for |r| <= {max_r:.6g}: max absolute error after rounding "
        f"2^{mpmath.nstr(mpmath.log(err, 2), 3)} (minimax) */",
        c_table("double", "LOG_FAST_P", [float(c).hex() for c in coeffs[::-1]]),
    ]


def main() -> None:
    rows = subintervals(N)
    max_r = max(r for _, _, r in rows)
    invc, logc, logctail = [], [], []
    for ic, c_log, _ in rows:
        head = mpmath.nint(c_log * 2**43) / 2**43
        invc.append(ic)
        logc.append(float(head))
        logctail.append(float(c_log - head))
    ln2 = mpmath.log(2)
    ln2_hi = mpmath.nint(ln2 * 2**42) / 2**42
    lines = [
        "/* Generated by tools/gen_pow_table.py: do not edit by hand. */",
        "#ifndef RT_MATH_POW_TABLE_H",
        "#define RT_MATH_POW_TABLE_H",
        f"/* |z * invc - 1| < {max_r:.6g} over every subinterval. */",
        f"#define POW_LOG_N {N}",
        f"static const double POW_LN2_HI = {float(ln2_hi).hex()};",
        f"static const double POW_LN2_LO = {float(ln2 - ln2_hi).hex()};",
    ]
    for name, values in (("POW_INVC", invc), ("POW_LOGC", logc), ("POW_LOGCTAIL", logctail)):
        lines.append(c_table("double", name, [v.hex() for v in values]))
    off32 = struct.unpack("<I", struct.pack("<f", as_double(OFF)))[0]
    assert struct.unpack("<f", struct.pack("<I", off32))[0] == as_double(OFF)
    lines.append("/* float32 log, log1p and pow: OFF as a float (LOG16_*32's subintervals: its top 4 mantissa bits). */")
    lines.append(f"#define POW_OFF32 0x{off32:08x}")
    lines.extend(log_fast_lines())
    lines.append("#endif")
    OUT.write_text("\n".join(lines) + "\n")
    print(f"wrote {OUT}, max |r| = {max_r:.6g}")


if __name__ == "__main__":
    main()
