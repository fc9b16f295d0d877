//! What the attacker learns by adding and subtracting published figures: (b) every pairwise
//! and nested difference, (c) everything the whole linear system determines. A result counts
//! only when it describes 1 to 7 people and matches their true mean within the published
//! rounding: a wrong guess is no disclosure.

use std::collections::BTreeMap;

use crate::disclosure_model::{Figure, Key, Ledger, MIN_CELL, Measure};
use crate::disclosure_people::Phase;

/// One recovered value: the people, how, what was recovered and the truth.
#[derive(Debug, Clone)]
pub struct Finding {
    pub how: String,
    pub recovered: f64,
    pub truth: f64,
    pub tolerance: f64,
}

/// Findings by (people, phase, measure), each with the topics it holds for.
pub type Findings = BTreeMap<(u128, Phase, Measure), (Finding, Vec<String>)>;

fn check(
    ledger: &Ledger<'_>,
    out: &mut Findings,
    key: &Key,
    people: u128,
    sum: f64,
    err: f64,
    how: impl FnOnce() -> String,
) {
    let k = people.count_ones();
    if k == 0 || k >= MIN_CELL {
        return;
    }
    let (topic, phase, measure) = key;
    let (base, widest) = measure.tolerance();
    let tolerance = err / f64::from(k) + base;
    let recovered = sum / f64::from(k);
    let truth = ledger.truth(people, *phase, *measure);
    if tolerance > widest || (recovered - truth).abs() > tolerance {
        return;
    }
    let entry = out.entry((people, *phase, *measure)).or_insert_with(|| {
        let finding = Finding {
            how: how(),
            recovered,
            truth,
            tolerance,
        };
        (finding, Vec::new())
    });
    if !entry.1.contains(topic) {
        entry.1.push(topic.clone());
    }
}

/// (b): A − B for every B inside A, and A − (the largest disjoint B₁, B₂, … inside A).
pub fn differences(ledger: &Ledger<'_>) -> Findings {
    let mut out = Findings::new();
    for (key, figures) in &ledger.figures {
        let figures: Vec<&Figure> = figures.values().collect();
        for a in &figures {
            let mut inside: Vec<&&Figure> = figures
                .iter()
                .filter(|b| b.members != a.members && b.members & !a.members == 0)
                .collect();
            for b in &inside {
                check(
                    ledger,
                    &mut out,
                    key,
                    a.members & !b.members,
                    a.sum - b.sum,
                    a.err + b.err,
                    || format!("[{}] minus [{}]", a.source, b.source),
                );
            }
            inside.sort_by_key(|b| std::cmp::Reverse(b.members.count_ones()));
            let (mut union, mut sum, mut err, mut parts) = (0u128, 0.0, 0.0, Vec::new());
            for b in inside {
                if b.members & union == 0 {
                    union |= b.members;
                    sum += b.sum;
                    err += b.err;
                    parts.push(b.source.clone());
                }
            }
            if parts.len() > 1 {
                check(
                    ledger,
                    &mut out,
                    key,
                    a.members & !union,
                    a.sum - sum,
                    a.err + err,
                    || {
                        format!(
                            "[{}] minus the union of [{}]",
                            a.source,
                            parts.join("] + [")
                        )
                    },
                );
            }
        }
    }
    out
}

const EPS: f64 = 1e-9;

/// A row of the reduced row echelon form: coefficients over the classes, Σ, its rounding
/// bound, and the pivot column.
struct Row {
    coefficients: Vec<f64>,
    sum: f64,
    err: f64,
    pivot: usize,
}

/// Gauss–Jordan elimination, one published figure at a time.
#[derive(Default)]
struct Echelon {
    rows: Vec<Row>,
}

impl Echelon {
    fn insert(&mut self, mut coefficients: Vec<f64>, mut sum: f64, mut err: f64) {
        for row in &self.rows {
            let factor = coefficients[row.pivot];
            if factor.abs() > EPS {
                for (c, r) in coefficients.iter_mut().zip(&row.coefficients) {
                    *c -= factor * r;
                }
                sum -= factor * row.sum;
                err += factor.abs() * row.err;
            }
        }
        let Some(pivot) = coefficients.iter().position(|c| c.abs() > EPS) else {
            return;
        };
        let scale = coefficients[pivot];
        for c in &mut coefficients {
            *c /= scale;
            if c.abs() < EPS {
                *c = 0.0;
            }
        }
        sum /= scale;
        err /= scale.abs();
        for row in &mut self.rows {
            let factor = row.coefficients[pivot];
            if factor.abs() > EPS {
                for (r, c) in row.coefficients.iter_mut().zip(&coefficients) {
                    *r -= factor * c;
                    if r.abs() < EPS {
                        *r = 0.0;
                    }
                }
                row.sum -= factor * sum;
                row.err += factor.abs() * err;
            }
        }
        self.rows.push(Row {
            coefficients,
            sum,
            err,
            pivot,
        });
    }
}

/// (c): per topic × phase × measure, the unknowns are the sums of the attacker's classes
/// (people in exactly the same published figures). A row of the reduced system with only
/// 0/1 coefficients is a determined sum over those classes' people.
pub fn solve(ledger: &Ledger<'_>) -> Findings {
    let mut out = Findings::new();
    for (key, figures) in &ledger.figures {
        let figures: Vec<&Figure> = figures.values().collect();
        let mut classes: BTreeMap<Vec<usize>, u128> = BTreeMap::new();
        for person in 0..ledger.people.len() {
            let bit = 1u128 << person;
            let signature: Vec<usize> = (0..figures.len())
                .filter(|&f| figures[f].members & bit != 0)
                .collect();
            if !signature.is_empty() {
                *classes.entry(signature).or_default() |= bit;
            }
        }
        let classes: Vec<u128> = classes.into_values().collect();
        let mut echelon = Echelon::default();
        for figure in &figures {
            let coefficients = classes
                .iter()
                .map(|c| f64::from(u8::from(c & figure.members != 0)))
                .collect();
            echelon.insert(coefficients, figure.sum, figure.err);
        }
        for row in &echelon.rows {
            let binary = row
                .coefficients
                .iter()
                .all(|c| c.abs() < EPS || (c - 1.0).abs() < EPS);
            if !binary {
                continue;
            }
            let people = classes
                .iter()
                .zip(&row.coefficients)
                .filter(|(_, c)| (*c - 1.0).abs() < EPS)
                .fold(0u128, |m, (class, _)| m | class);
            check(ledger, &mut out, key, people, row.sum, row.err, || {
                format!(
                    "solving the {} published figures of this topic, phase and measure ({} classes of people, rank {})",
                    figures.len(),
                    classes.len(),
                    echelon.rows.len()
                )
            });
        }
    }
    out
}

/// The findings as lines for the test's report.
pub fn describe(ledger: &Ledger<'_>, kind: &str, findings: &Findings) -> Vec<String> {
    findings
        .iter()
        .map(|((people, phase, measure), (f, topics))| {
            format!(
                "{kind}: {measure:?} at {} of {} people [{}] recovered {:.4}, true {:.4} (±{:.4}), in {} topic(s) e.g. {}, by {}",
                phase.as_str(),
                people.count_ones(),
                ledger.names(*people),
                f.recovered,
                f.truth,
                f.tolerance,
                topics.len(),
                topics[0],
                f.how
            )
        })
        .collect()
}
