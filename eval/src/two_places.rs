//! A score written with two decimal places, exactly as `format!("{:.2}", x)` writes it.
//!
//! Every case's score is written three times (its progress line, its report line, its cell),
//! and the standard library writes a fixed number of places of most scores through its exact
//! fallback (Dragon4), about 1,700 instructions each: 0.8% of an offline case. Scaled to
//! hundredths, a score whose exact product with 100 is not within 10⁻⁹ of a half rounds to the
//! same integer in floating point (the product's error is below 10⁻¹⁴ for scores under 10⁶), so
//! that integer is the answer; any other value, near a tie, negative, large or not finite, is
//! written by the standard library.

use std::fmt;

/// `x` as `format!("{:.2}", x)` writes it.
#[derive(Debug, Clone, Copy)]
pub struct TwoPlaces(pub f64);

impl fmt::Display for TwoPlaces {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        // Not -0.0, which is written with its sign.
        if x.is_sign_positive() && x < 1e6 {
            let scaled = x * 100.0;
            let rounded = scaled.round();
            let from_half = ((scaled - scaled.trunc()) - 0.5).abs();
            if from_half > 1e-9 {
                // Below 10⁸: an exact integer in both types.
                let hundredths = rounded as u64;
                return write!(f, "{}.{:02}", hundredths / 100, hundredths % 100);
            }
        }
        write!(f, "{x:.2}")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::TwoPlaces;

    fn agrees(x: f64) {
        assert_eq!(TwoPlaces(x).to_string(), format!("{x:.2}"), "{x:?}");
    }

    #[test]
    fn ties_edges_and_odd_values_are_written_as_the_standard_library_writes_them() {
        for x in [
            0.0,
            -0.0,
            1.0,
            0.5,
            0.125,
            0.375,
            0.005,
            0.015,
            0.025,
            0.045,
            0.285,
            0.995,
            0.994999,
            1.005,
            2.675,
            99.995,
            0.1 + 0.2,
            1.0 / 3.0,
            2.0 / 3.0,
            0.7,
            0.85,
            0.95,
            1e-300,
            999_999.995,
            1e6,
            1e7,
            -0.004,
            -1.5,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            f64::EPSILON,
        ] {
            agrees(x);
        }
        // Every mean of up to 40 scores of tenths and hundredths, as the summary makes them.
        for n in 1..=40u32 {
            for k in 0..=100 * n {
                agrees(f64::from(k) / 100.0 / f64::from(n));
                agrees(f64::from(k) / f64::from(100 * n));
            }
        }
    }

    proptest! {
        #[test]
        fn any_value_is_written_as_the_standard_library_writes_it(x in proptest::num::f64::ANY) {
            agrees(x);
        }

        #[test]
        fn any_score_is_written_as_the_standard_library_writes_it(x in 0.0..2.0f64) {
            agrees(x);
        }

        #[test]
        fn values_near_a_half_hundredth_are_written_as_the_standard_library_writes_them(
            k in 0u64..200_000,
            nudge in -4i64..=4,
        ) {
            let tie = (k as f64 + 0.5) / 100.0;
            let x = f64::from_bits((tie.to_bits() as i64 + nudge) as u64);
            agrees(x);
        }
    }
}
