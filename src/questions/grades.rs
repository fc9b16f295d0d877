//! Moodle's fixed set of answer grades and how fractions are written out.

/// `question_bank::fraction_options_full()` without signs; negatives are legal too.
const LEGAL_GRADES: [f64; 21] = [
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
];

/// Moodle's `match_grade_options(..., 'error')` compares with this slack.
const GRADE_TOLERANCE: f64 = 0.00001;

/// The legal grade `fraction` stands for, snapped to the table value as Moodle does, or
/// `None` when Moodle's import (with `matchgrades = 'error'`) would reject it.
pub fn legal_grade(fraction: f64) -> Option<f64> {
    if !fraction.is_finite() {
        return None;
    }
    let magnitude = fraction.abs();
    let snapped = LEGAL_GRADES
        .iter()
        .copied()
        .find(|g| (magnitude - g).abs() < GRADE_TOLERANCE)?;
    if snapped == 0.0 {
        Some(0.0)
    } else {
        Some(snapped.copysign(fraction))
    }
}

/// A fraction as a percentage without float noise: 0.3333333 → `33.33333`, 1.0 → `100`.
pub(crate) fn format_percent(fraction: f64) -> String {
    trim_decimal(format!("{:.5}", fraction * 100.0))
}

/// A fraction for messages, as Moodle prints it: 0.33 → `0.33`.
pub(crate) fn format_fraction(fraction: f64) -> String {
    trim_decimal(format!("{fraction:.7}"))
}

fn trim_decimal(mut s: String) -> String {
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    if s == "-0" { "0".to_owned() } else { s }
}

/// A number for GIFT and XML output: the shortest text that reads back as the same `f64`.
pub(crate) fn format_number(value: f64) -> String {
    let s = value.to_string();
    if s == "-0" { "0".to_owned() } else { s }
}

/// Drops binary noise from a computed value (e.g. the midpoint of `3.141..3.142`) so it is
/// written, and read back, as the decimal the author meant.
pub(crate) fn round_significant(value: f64) -> f64 {
    format!("{value:.11e}").parse().unwrap_or(value)
}
