"""Generate the polynomial coefficients of csrc/math/elementary_body.h.

Taylor coefficients (exp, log, sinh, tanh) are exact rationals rounded to
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
    # log: log(1+f) = 2s + 2 s^3/3 + ... = 2s + s*z*P(z), P = sum 2 z^(n-1)/(2n+1), n = 1..11
    print(c_array("LOG_P", [mpmath.mpf(2) / (2 * n + 1) for n in range(11, 0, -1)]))
    # sinh: x + x^3 * Q(x^2), Q = sum x^(2n-2)/(2n+1)!, n = 1..9 (|x| < 1)
    print(c_array("SINH_Q", [1 / mpmath.factorial(2 * n + 1) for n in range(9, 0, -1)]))
    coeffs, err = atan_poly(mpmath.mpf("0.1915"), 12)
    print(f"/* near-minimax on z in [0, 0.1915], max abs error {float(err):.3g} */")
    print(c_array("ATAN_P", coeffs))
