//! The rare numbers' path: a decimal with more than 19 significant digits or
//! an exponent beyond the exact one-rounding steps of `numbers.rs`, read to
//! the correctly rounded f64 (ties to even), as core's parser does, without
//! its ~16 KB of tables. An estimate within a few units in the last place is
//! corrected by comparing the decimal with the halfway points next to it in
//! exact big-integer arithmetic (the "bigcomp" step of David Gay's strtod).

/// Significant digits kept; further ones only decide ties, so a nonzero one
/// among them is kept as a final digit 1 (the value is then never a halfway
/// point, and which side of one it lies on is unchanged). 800 digits exceed
/// the 767 that an f64 halfway point can have.
const MAX_DIGITS: usize = 800;

/// The value of a JSON number token (sign, digits, fraction, exponent: the
/// caller has checked the grammar), correctly rounded; ±inf beyond f64.
pub fn correctly_rounded(token: &[u8]) -> f64 {
    let negative = token.first() == Some(&b'-');
    let magnitude = magnitude(token.get(usize::from(negative)..).unwrap_or_default());
    if negative {
        -magnitude
    } else {
        magnitude
    }
}

fn magnitude(text: &[u8]) -> f64 {
    // value = digits (an integer) · 10^exp10.
    let mut digits: Vec<u8> = Vec::new();
    let mut exp10: i64 = 0;
    let mut sticky = false;
    let mut after_point = false;
    let mut rest = text.iter();
    for &c in rest.by_ref() {
        match c {
            b'.' => after_point = true,
            b'0'..=b'9' => {
                let d = c - b'0';
                if digits.len() < MAX_DIGITS {
                    if d != 0 || !digits.is_empty() {
                        digits.push(d);
                    }
                    if after_point {
                        exp10 -= 1;
                    }
                } else {
                    sticky |= d != 0;
                    if !after_point {
                        exp10 += 1;
                    }
                }
            }
            _ => break, // e or E
        }
    }
    let (mut e, mut minus) = (0i64, false);
    for &c in rest {
        match c {
            b'-' => minus = true,
            b'0'..=b'9' => e = (e * 10 + i64::from(c - b'0')).min(1_000_000),
            _ => {}
        }
    }
    exp10 += if minus { -e } else { e };
    if sticky {
        digits.push(1);
        exp10 -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exp10 += 1;
    }
    let length = digits.len() as i64;
    if length == 0 || length + exp10 < -324 {
        return 0.0; // below 10^-324, under half the least subnormal
    }
    if length + exp10 > 310 {
        return f64::INFINITY; // at least 10^309
    }
    // An estimate from the first 19 digits, within a few units in the last place.
    let mut head = 0u64;
    for &d in digits.iter().take(19) {
        head = head * 10 + u64::from(d);
    }
    let mut x = head as f64;
    let mut e = exp10 + (length - 19).max(0);
    while e > 22 {
        x *= 1e22;
        e -= 22;
    }
    while e < -22 {
        x /= 1e22;
        e += 22;
    }
    let p = super::numbers::pow10(e.unsigned_abs());
    x = if e < 0 { x / p } else { x * p };
    correct(x, &digits, exp10)
}

/// Walks up from just below the estimate `x` to the f64 nearest
/// `digits · 10^exp10`. The estimate takes at most 17 roundings of half a
/// unit in the last place each, so 12 units below it is below the answer
/// (6 sufficed on the test's million numbers); positive f64s are ordered like their bits, so `bits + 1`
/// is the next one (across powers of two, from subnormals, to infinity).
fn correct(x: f64, digits: &[u8], exp10: i64) -> f64 {
    // The decimal is digits · 10^exp10; a binary c · 2^k is compared with it
    // as integers, each side multiplied by the powers that are negative on
    // the other.
    let mut decimal = Big::from_digits(digits);
    decimal.mul_pow10(exp10.max(0) as u32);
    let mut bits = x.to_bits().saturating_sub(12);
    for _ in 0..64 {
        // bits = m · 2^k; above the halfway point to the next f64 (ties to
        // the even one)?
        let (m, k) = split(bits);
        let up = compare(&decimal, exp10, 2 * m + 1, k - 1);
        if up.is_lt() || (up.is_eq() && m & 1 == 0) {
            break;
        }
        bits += 1;
        if bits >= f64::INFINITY.to_bits() {
            break;
        }
    }
    f64::from_bits(bits)
}

/// `decimal` · 10^min(exp10, 0) against c · 2^k.
fn compare(decimal: &Big, exp10: i64, c: u64, k: i32) -> std::cmp::Ordering {
    let mut lhs = decimal.clone();
    lhs.shl((-k).max(0) as u32);
    let mut rhs = Big(vec![c as u32, (c >> 32) as u32]);
    rhs.mul_pow10((-exp10).max(0) as u32);
    rhs.shl(k.max(0) as u32);
    lhs.cmp(&rhs)
}

/// The bits of a finite non-negative f64 as m · 2^k, m < 2^53.
fn split(bits: u64) -> (u64, i32) {
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), exponent - 1075)
    }
}

/// An unsigned big integer, little-endian 32-bit limbs.
#[derive(Clone)]
struct Big(Vec<u32>);

impl Big {
    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let mut value = 0;
            for &d in chunk {
                value = value * 10 + u32::from(d);
            }
            big.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        big
    }

    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut n: u32) {
        while n > 0 {
            let step = n.min(9);
            self.mul_add(10u32.pow(step), 0);
            n -= step;
        }
    }

    fn shl(&mut self, bits: u32) {
        self.mul_add(1 << (bits % 32), 0);
        let mut shifted = vec![0; (bits / 32) as usize];
        shifted.append(&mut self.0);
        self.0 = shifted;
    }

    fn cmp(&self, other: &Big) -> std::cmp::Ordering {
        let top = self.0.len().max(other.0.len());
        let limb = |b: &Big, i: usize| b.0.get(i).copied().unwrap_or(0);
        (0..top)
            .rev()
            .map(|i| limb(self, i).cmp(&limb(other, i)))
            .find(|o| o.is_ne())
            .unwrap_or(std::cmp::Ordering::Equal)
    }
}
