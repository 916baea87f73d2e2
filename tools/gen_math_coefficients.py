"""Generate the polynomial coefficients of csrc/math/elementary_body.h.

Taylor coefficients (exp, sinh) are exact rationals rounded to
double; atan's reduced-range polynomial is a near-minimax Chebyshev fit
(mpmath.chebyfit) in z = u*u. Run: python tools/gen_math_coefficients.py
"""
import mpmath

mpmath.mp.dps = 60


def c_array(name, coeffs):
    body = ",\n    ".join(f"{float(c).hex()}" for c in coeffs)
    return f"static const double {name}[{len(coeffs)}] = {{\n    {body}\n}};"


def atan_poly(z_max, n):
    def g(z):
        if z == 0:
            return mpmath.mpf(-1) / 3
        s = mpmath.sqrt(z)
        return (mpmath.atan(s) - s) / (s * z)
    coeffs, err = mpmath.chebyfit(g, [0, z_max], n, error=True)
    return coeffs, err


if __name__ == "__main__":
    # exp: e^r = 1 + r + r^2 * P(r), P = sum r^(n-2)/n!, n = 2..15 (|r| <= ln2/2)
    print(c_array("EXP_P", [1 / mpmath.factorial(n) for n in range(15, 1, -1)]))
    # exp (single rounding, exp_fast): 2^(j/32) = hi + lo, and e^r - 1 - r = r^2 * P(r),
    # P = sum r^(n-2)/n!, n = 2..6 (|r| <= ln2/64, first term left out r^7/7! < 2^-58)
    table = [mpmath.mpf(2) ** (mpmath.mpf(j) / 32) for j in range(32)]
    print("/* 2^(j/32) = EXP2_32_HI[j] + EXP2_32_LO[j] */")
    print(c_array("EXP2_32_HI", [float(t) for t in table]))
    print(c_array("EXP2_32_LO", [float(t - mpmath.mpf(float(t))) for t in table]))
    print(c_array("EXP_FAST_P", [1 / mpmath.factorial(n) for n in range(6, 1, -1)]))
    # sinh: x + x^3 * Q(x^2), Q = sum x^(2n-2)/(2n+1)!, n = 1..9 (|x| < 1)
    print(c_array("SINH_Q", [1 / mpmath.factorial(2 * n + 1) for n in range(9, 0, -1)]))
    coeffs, err = atan_poly(mpmath.mpf("0.1915"), 12)
    print(f"/* near-minimax on z in [0, 0.1915], max abs error {float(err):.3g} */")
    print(c_array("ATAN_P", coeffs))
