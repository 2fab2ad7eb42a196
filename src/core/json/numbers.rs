//! Numbers: the reader's number tokens, decimal to f64, and `display_f64`.

use super::{JsonResult, Kind, Reader};

impl<'a> Reader<'a> {
    /// A number (serde calls it `f64`); anything else is a type error.
    pub fn number(&mut self) -> JsonResult<f64> {
        if self.peek()? != Kind::Number {
            return Err(self.invalid_type("f64"));
        }
        let (x, _) = self.number_token()?;
        if x.is_infinite() {
            // 1e999: not a number JSON can carry (serde_json's message).
            return Err(self.error("number out of range"));
        }
        Ok(x)
    }

    /// Reads a number token; returns its value and whether it had a fraction
    /// or exponent.
    pub(super) fn number_token(&mut self) -> JsonResult<(f64, bool)> {
        match self.plain_number() {
            Some(x) => Ok(x),
            None => self.any_number_token(),
        }
    }

    /// A whole number at the cursor as this module writes them (optional
    /// minus, at most 18 digits, no fraction or exponent): exactly what
    /// `fields::whole` reads from the same text. `None` (and nothing read)
    /// for anything else. For fast paths, like `eat`.
    #[inline]
    pub(crate) fn plain_integer(&mut self) -> Option<i64> {
        let b = self.bytes();
        let negative = b.get(self.pos) == Some(&b'-');
        let start = self.pos + usize::from(negative);
        let mut i = start;
        let mut n: i64 = 0;
        while let Some(&d @ b'0'..=b'9') = b.get(i) {
            if i - start == 18 {
                return None;
            }
            n = n * 10 + i64::from(d - b'0');
            i += 1;
        }
        let digits = i - start;
        if digits == 0
            || (digits > 1 && b.get(start) == Some(&b'0'))
            || matches!(b.get(i), Some(b'.' | b'e' | b'E'))
        {
            return None;
        }
        self.pos = i;
        Some(if negative { -n } else { n })
    }

    /// The common case of `number_token`: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`
    /// with at most 19 digits in all, which fit a u64 exactly; `None` (and
    /// nothing read) for anything else. Same value as the general path: the
    /// same mantissa and exponent go to `decimal_to_f64`. No whitespace is
    /// skipped (callers outside this file use it as a fast path).
    #[inline]
    pub(crate) fn plain_number(&mut self) -> Option<(f64, bool)> {
        let b = self.bytes();
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        let mut mantissa: u64 = 0;
        let start = i;
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                    i += 1;
                }
            }
            _ => return None,
        }
        let mut fraction = 0;
        if b.get(i) == Some(&b'.') {
            i += 1;
            let first = i;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
                i += 1;
            }
            fraction = i - first;
            if fraction == 0 {
                return None;
            }
        }
        // More than 19 digits may have wrapped: the general path.
        if i - start - usize::from(fraction > 0) > 19 || matches!(b.get(i), Some(b'e' | b'E')) {
            return None;
        }
        let magnitude = decimal_to_f64(mantissa, -(fraction as i64), true)?;
        self.pos = i;
        Some((if negative { -magnitude } else { magnitude }, fraction > 0))
    }

    pub(super) fn any_number_token(&mut self) -> JsonResult<(f64, bool)> {
        let b = self.bytes();
        let token_start = self.pos;
        let mut i = self.pos;
        let negative = b.get(i) == Some(&b'-');
        if negative {
            i += 1;
        }
        // Up to 19 significant digits in a u64; further digits only move the
        // exponent (and make the result inexact, see the module comment).
        let mut mantissa: u64 = 0;
        let mut digits = 0u32;
        let mut exp10: i64 = 0;
        let mut exact = true;
        let mut take =
            |d: u8, after_point: bool, mantissa: &mut u64, digits: &mut u32, exp10: &mut i64| {
                if *digits < 19 {
                    *mantissa = *mantissa * 10 + u64::from(d);
                    if *mantissa != 0 {
                        *digits += 1;
                    }
                    if after_point {
                        *exp10 -= 1;
                    }
                } else {
                    exact &= d == 0;
                    if !after_point {
                        *exp10 += 1;
                    }
                }
            };
        match b.get(i) {
            Some(b'0') => i += 1,
            Some(b'1'..=b'9') => {
                while let Some(&d @ b'0'..=b'9') = b.get(i) {
                    take(d - b'0', false, &mut mantissa, &mut digits, &mut exp10);
                    i += 1;
                }
            }
            _ => {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
        }
        let mut float = false;
        if b.get(i) == Some(&b'.') {
            float = true;
            i += 1;
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                take(d - b'0', true, &mut mantissa, &mut digits, &mut exp10);
                i += 1;
            }
        }
        if let Some(b'e' | b'E') = b.get(i) {
            float = true;
            i += 1;
            let minus = match b.get(i) {
                Some(b'-') => {
                    i += 1;
                    true
                }
                Some(b'+') => {
                    i += 1;
                    false
                }
                _ => false,
            };
            if !matches!(b.get(i), Some(b'0'..=b'9')) {
                self.pos = i;
                return Err(self.error("invalid number"));
            }
            let mut e: i64 = 0;
            while let Some(&d @ b'0'..=b'9') = b.get(i) {
                e = (e * 10 + i64::from(d - b'0')).min(1_000_000);
                i += 1;
            }
            exp10 += if minus { -e } else { e };
        }
        self.pos = i;
        if let Some(magnitude) = decimal_to_f64(mantissa, exp10.clamp(-400, 400), exact) {
            return Ok((if negative { -magnitude } else { magnitude }, float));
        }
        // More than 19 significant digits, or an exponent beyond the exact
        // steps above.
        let token = b.get(token_start..i).unwrap_or_default();
        Ok((super::decimal::correctly_rounded(token), float))
    }
}

const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// `mantissa · 10^exp10` when one rounding gives it (the correctly rounded
/// value): `exact` (at most 19 significant digits) and -31 <= exp10 <= 27,
/// every number JSON.stringify writes from 1e-15 to 1e27. `None` otherwise
/// (more digits, other exponents): the caller parses the text instead.
fn decimal_to_f64(mantissa: u64, exp10: i64, exact: bool) -> Option<f64> {
    if mantissa == 0 {
        return Some(0.0);
    }
    // Clinger's fast path: both operands exact, one rounding.
    if mantissa < (1 << 53) && (-22..=22).contains(&exp10) {
        let m = mantissa as f64;
        let p = pow10(exp10.unsigned_abs());
        return Some(if exp10 < 0 { m / p } else { m * p });
    }
    if !exact {
        return None;
    }
    // Otherwise 10^e = 5^e · 2^e: one exact integer step with u128 and one
    // rounding (u128 -> f64 rounds to nearest), then an exact power-of-two
    // scaling.
    if (0..=27).contains(&exp10) {
        let product = u128::from(mantissa).checked_mul(5u128.pow(exp10 as u32))?;
        return Some((product as f64) * pow2(exp10 as i32));
    }
    if (-31..0).contains(&exp10) {
        // mantissa / 5^k with at least 55 quotient bits and a sticky bit for
        // the remainder, so that the one rounding is the correct one.
        let k = exp10.unsigned_abs() as u32;
        let shift = 127 - (128 - u128::from(mantissa).leading_zeros());
        let (q, r) = (
            (u128::from(mantissa) << shift) / 5u128.pow(k),
            (u128::from(mantissa) << shift) % 5u128.pow(k),
        );
        let q = if r != 0 { q | 1 } else { q };
        return Some((q as f64) * pow2(-((shift + k) as i32)));
    }
    None
}

/// 10^e for e <= 22 (exact in f64); callers keep e in that range.
pub(super) fn pow10(e: u64) -> f64 {
    POW10.get(e as usize).copied().unwrap_or(f64::INFINITY)
}

fn pow2(e: i32) -> f64 {
    // Exact for the exponents used above (-160..=27): normal powers of two.
    f64::from_bits(((1023 + e) as u64) << 52)
}

/// `x` as Rust's `{}` formats an f64 (positional, shortest round-trip
/// digits: `1000000000000000`, `0.0000001`, `-0`, `NaN`, `inf`), without the
/// 14 KB of core's float formatting: error messages quote numbers this way.
/// (When two shortest forms are equally close, e.g. ...797.25, the last
/// digit may differ from Rust's; both read back as `x`.)
pub fn display_f64(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x < 0.0 { "-inf".into() } else { "inf".into() };
    }
    let mut buf = zmij::Buffer::new();
    let text = buf.format_finite(x).as_bytes();
    // `text` is `-?D+(.D+)?(e[+-]?D+)?`: collect the digits without leading
    // and trailing zeros, and where the decimal point falls among them.
    let (sign, rest) = match text.split_first() {
        Some((b'-', rest)) => ("-", rest),
        _ => ("", text),
    };
    let (mut digits, mut point, mut exp, mut seen_point, mut in_exp, mut exp_negative) =
        (String::new(), 0i32, 0i32, false, false, false);
    for &b in rest {
        match b {
            b'e' | b'E' => in_exp = true,
            b'-' if in_exp => exp_negative = true,
            b'0'..=b'9' if in_exp => {
                exp = exp.saturating_mul(10).saturating_add(i32::from(b - b'0'))
            }
            b'.' => seen_point = true,
            b'0'..=b'9' => {
                if !seen_point {
                    point += 1;
                }
                if b == b'0' && digits.is_empty() {
                    point -= 1;
                } else {
                    digits.push(char::from(b));
                }
            }
            _ => {}
        }
    }
    let digits = digits.trim_end_matches('0');
    if digits.is_empty() {
        return format!("{sign}0");
    }
    // digits · 10^(point - digits.len()): `point` digits before the decimal point.
    let point = point + if exp_negative { -exp } else { exp };
    let n = digits.len() as i32;
    let mut s = String::from(sign);
    if point <= 0 {
        s.push_str("0.");
        s.extend(std::iter::repeat_n('0', (-point) as usize));
        s.push_str(digits);
    } else if point >= n {
        s.push_str(digits);
        s.extend(std::iter::repeat_n('0', (point - n) as usize));
    } else {
        s.push_str(digits.get(..point as usize).unwrap_or(""));
        s.push('.');
        s.push_str(digits.get(point as usize..).unwrap_or(""));
    }
    s
}
