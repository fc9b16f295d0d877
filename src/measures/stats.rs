//! Sample moments from running sums. Every variance and covariance in this module divides by
//! n − 1 (the sample estimate, as Moodle's statistics do), so ratios of them are consistent.

/// Relative size below which a centred sum of squares is taken as rounding noise: from sums,
/// Σx² − (Σx)²/n of identical values comes out as ±1e-16 × Σx², not 0, and a correlation
/// divided by that would be meaningless.
const RELATIVE_NOISE: f64 = 1e-12;

/// `sum / n`, or `None` for n = 0.
pub(super) fn mean(n: u64, sum: f64) -> Option<f64> {
    (n > 0).then(|| sum / n as f64)
}

/// Sample variance (n − 1) from n, Σx, Σx²; `None` when n < 2. Never negative.
pub(super) fn sample_variance(n: u64, sum: f64, sum_sq: f64) -> Option<f64> {
    if n < 2 {
        return None;
    }
    let centred = sum_sq - sum * sum / n as f64;
    let centred = if centred <= RELATIVE_NOISE * sum_sq.abs() {
        0.0
    } else {
        centred
    };
    Some(centred / (n - 1) as f64)
}

/// Sample covariance (n − 1) from n, Σx, Σy, Σxy; `None` when n < 2.
pub(super) fn sample_covariance(n: u64, sum_x: f64, sum_y: f64, sum_xy: f64) -> Option<f64> {
    (n >= 2).then(|| (sum_xy - sum_x * sum_y / n as f64) / (n - 1) as f64)
}
