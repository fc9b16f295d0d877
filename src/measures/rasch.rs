//! The Rasch (one-parameter logistic) model: item calibration by conditional maximum likelihood,
//! fit mean squares, and person ability on the calibrated scale (docs/calibration.md).
//!
//! P(right | θ, b) = 1 / (1 + e^−(θ − b)), θ the person's ability and b the item's difficulty,
//! both in logits.
//!
//! **Calibration** is conditional maximum likelihood (CML): a person's raw score on the items
//! they answered is sufficient for their ability, so conditioning on it removes θ and the item
//! difficulties are consistent without the (L − 1)/L correction joint maximum likelihood needs,
//! and without any assumption about how abilities are spread. It works for incomplete designs
//! (each person answered a different subset of the bank), which is what the baseline's random
//! draws give. The likelihood uses the elementary symmetric functions γ_r of ε_i = e^−b_i over
//! each person's own items; persons with the same items share them. It is maximised by Newton's
//! method with the difficulties' mean fixed at 0 (the scale's origin).
//!
//! **Extremes are explicit.** A person who got all or none of their items right carries no
//! information about the items and is left out of the fit (counted in
//! [`Calibration::persons_extreme`]). An item that everyone who informs the fit got right (or
//! wrong) has no finite difficulty: it is reported as [`ItemStatus::AllRight`] /
//! [`ItemStatus::AllWrong`], without a difficulty, and the fit is repeated without it (which
//! can make further persons extreme) until nothing changes.
//!
//! **Standard errors** are the square roots of the diagonal of the estimates' covariance under
//! the mean-0 constraint: the Moore–Penrose inverse of the conditional information matrix.
//!
//! **Fit** mean squares use each informative person's maximum-likelihood ability given the
//! calibrated difficulties: outfit is the mean of the squared standardised residuals
//! z² = (x − P)² / (P(1 − P)) over the item's responses, infit the same weighted by the
//! information, Σ(x − P)² / ΣP(1 − P). Both are 1 when the data fit the model; an item is
//! flagged as misfitting outside [`MISFIT_LOW`]–[`MISFIT_HIGH`].
//!
//! **Ability** for reporting is Warm's weighted likelihood estimate ([`ability`]), finite also
//! for all-right and all-wrong, and turned into an expected percentage on a set of items with
//! [`expected_percent`].

use serde::{Deserialize, Serialize};

/// Below this mean square an item is more predictable than the model expects (overfit).
pub const MISFIT_LOW: f64 = 0.7;
/// Above this mean square an item is noisier than the model expects (underfit).
pub const MISFIT_HIGH: f64 = 1.3;

/// Newton iterations stop when no difficulty moves by more than this (logits).
const CONVERGED: f64 = 1e-8;
const MAX_ITERATIONS: usize = 200;
/// Newton steps are capped at this many logits, so a poor start cannot overshoot.
const MAX_STEP: f64 = 1.0;
/// Abilities and difficulties beyond ± this are reported as not estimable.
const BOUND: f64 = 30.0;

/// One answer: which item (an index below the fit's item count) and whether it was right.
pub type Observation = (usize, bool);

/// What the fit could say about an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ItemStatus {
    /// Difficulty, standard error and fit estimated.
    Estimated,
    /// Nobody answered it.
    NoResponses,
    /// Every person informing the fit got it right: easier than any finite difficulty.
    AllRight,
    /// Every person informing the fit got it wrong: harder than any finite difficulty.
    AllWrong,
    /// The data do not tie it to the other items (e.g. its answerers answered no other
    /// calibrated item), or the estimate did not converge.
    NotEstimable,
}

impl ItemStatus {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Estimated => "estimated",
            Self::NoResponses => "no_responses",
            Self::AllRight => "all_right",
            Self::AllWrong => "all_wrong",
            Self::NotEstimable => "not_estimable",
        }
    }

    /// The inverse of [`ItemStatus::as_str`].
    pub fn parse(name: &str) -> Option<Self> {
        [
            Self::Estimated,
            Self::NoResponses,
            Self::AllRight,
            Self::AllWrong,
            Self::NotEstimable,
        ]
        .into_iter()
        .find(|s| s.as_str() == name)
    }
}

/// One item's calibration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ItemCalibration {
    pub status: ItemStatus,
    /// All responses to the item.
    pub n: u64,
    /// Of which right.
    pub n_right: u64,
    /// Logits, mean 0 over the estimated items; `Some` exactly when estimated.
    pub difficulty: Option<f64>,
    pub standard_error: Option<f64>,
    /// Information-weighted mean square; `None` when not estimated or no informative person
    /// answered it.
    pub infit: Option<f64>,
    /// Unweighted mean square.
    pub outfit: Option<f64>,
}

impl ItemCalibration {
    /// Whether infit or outfit lies outside [`MISFIT_LOW`]–[`MISFIT_HIGH`].
    pub fn misfits(&self) -> bool {
        [self.infit, self.outfit]
            .into_iter()
            .flatten()
            .any(|ms| !(MISFIT_LOW..=MISFIT_HIGH).contains(&ms))
    }
}

/// A whole fit: one entry per item, in the order of the items' indices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    pub items: Vec<ItemCalibration>,
    /// Persons with at least one response.
    pub persons: u64,
    /// Of which left out because they got all or none of their (remaining) items right.
    pub persons_extreme: u64,
    pub iterations: usize,
}

/// Fits the Rasch model to `persons`' answers (each a list of [`Observation`]s; an item
/// answered twice by one person counts once, the first time) for items `0..n_items`.
pub fn calibrate(n_items: usize, persons: &[Vec<Observation>]) -> Calibration {
    let persons: Vec<Vec<Observation>> =
        persons.iter().map(|p| first_answers(p, n_items)).collect();
    let mut items: Vec<ItemCalibration> = (0..n_items)
        .map(|_| ItemCalibration {
            status: ItemStatus::NoResponses,
            n: 0,
            n_right: 0,
            difficulty: None,
            standard_error: None,
            infit: None,
            outfit: None,
        })
        .collect();
    for &(i, right) in persons.iter().flatten() {
        items[i].n += 1;
        items[i].n_right += u64::from(right);
        items[i].status = ItemStatus::Estimated;
    }
    let informative = drop_extremes(&persons, &mut items);
    let active: Vec<usize> = (0..n_items)
        .filter(|&i| items[i].status == ItemStatus::Estimated)
        .collect();
    let mut calibration = Calibration {
        persons: persons.iter().filter(|p| !p.is_empty()).count() as u64,
        persons_extreme: 0,
        iterations: 0,
        items,
    };
    calibration.persons_extreme = calibration.persons - informative.len() as u64;
    let not_estimable = |c: &mut Calibration| {
        for &i in &active {
            c.items[i].status = ItemStatus::NotEstimable;
        }
    };
    if active.len() < 2 {
        not_estimable(&mut calibration);
        return calibration;
    }
    // Re-index the active items 0..k and group persons by their set of active items.
    let mut index = vec![usize::MAX; n_items];
    for (k, &i) in active.iter().enumerate() {
        index[i] = k;
    }
    let groups = group_by_items(&informative, &index);
    let right: Vec<f64> = {
        let mut right = vec![0.0; active.len()];
        for &(i, x) in informative.iter().flatten() {
            if x && index[i] != usize::MAX {
                right[index[i]] += 1.0;
            }
        }
        right
    };
    let Some((b, covariance, iterations)) = newton(&groups, &right) else {
        not_estimable(&mut calibration);
        return calibration;
    };
    calibration.iterations = iterations;
    let mut difficulty = vec![None; n_items];
    for (k, &i) in active.iter().enumerate() {
        calibration.items[i].difficulty = Some(b[k]);
        calibration.items[i].standard_error = Some(covariance[k][k].max(0.0).sqrt());
        difficulty[i] = Some(b[k]);
    }
    add_fit(&informative, &difficulty, &mut calibration.items);
    calibration
}

/// The first answer to each item, dropping indices out of range.
fn first_answers(person: &[Observation], n_items: usize) -> Vec<Observation> {
    let mut seen = vec![false; n_items];
    person
        .iter()
        .filter(|&&(i, _)| i < n_items && !std::mem::replace(&mut seen[i], true))
        .copied()
        .collect()
}

/// Leaves out extreme persons and items until none is left; marks the items
/// [`ItemStatus::AllRight`] / [`ItemStatus::AllWrong`] and returns the informative persons'
/// answers to the remaining items.
fn drop_extremes(
    persons: &[Vec<Observation>],
    items: &mut [ItemCalibration],
) -> Vec<Vec<Observation>> {
    loop {
        let active = |i: usize| items[i].status == ItemStatus::Estimated;
        let informative: Vec<Vec<Observation>> = persons
            .iter()
            .map(|p| {
                p.iter()
                    .filter(|&&(i, _)| active(i))
                    .copied()
                    .collect::<Vec<_>>()
            })
            .filter(|p| {
                let score = p.iter().filter(|&&(_, x)| x).count();
                score > 0 && score < p.len()
            })
            .collect();
        let mut counts = vec![(0u64, 0u64); items.len()];
        for &(i, x) in informative.iter().flatten() {
            if x {
                counts[i].0 += 1;
            } else {
                counts[i].1 += 1;
            }
        }
        let mut changed = false;
        for (item, &(n_right, n_wrong)) in items.iter_mut().zip(&counts) {
            if item.status != ItemStatus::Estimated {
                continue;
            }
            let status = match (n_right, n_wrong) {
                (_, 0) if n_right > 0 => ItemStatus::AllRight,
                (0, _) if n_wrong > 0 => ItemStatus::AllWrong,
                (0, 0) if item.n_right == item.n => ItemStatus::AllRight,
                (0, 0) if item.n_right == 0 => ItemStatus::AllWrong,
                (0, 0) => ItemStatus::NotEstimable,
                _ => continue,
            };
            item.status = status;
            changed = true;
        }
        if !changed {
            return informative;
        }
    }
}

/// Persons who answered the same set of items: the set (as indices 0..k), how many persons
/// had each raw score 0..=m, and nothing else (the right counts are summed over everyone).
struct Group {
    items: Vec<usize>,
    persons_by_score: Vec<f64>,
}

fn group_by_items(persons: &[Vec<Observation>], index: &[usize]) -> Vec<Group> {
    let mut groups: std::collections::BTreeMap<Vec<usize>, Vec<f64>> = Default::default();
    for person in persons {
        let mut set: Vec<usize> = person.iter().map(|&(i, _)| index[i]).collect();
        set.sort_unstable();
        let score = person.iter().filter(|&&(_, x)| x).count();
        let by_score = groups
            .entry(set)
            .or_insert_with(|| vec![0.0; person.len() + 1]);
        by_score[score] += 1.0;
    }
    groups
        .into_iter()
        .map(|(items, persons_by_score)| Group {
            items,
            persons_by_score,
        })
        .collect()
}

/// Elementary symmetric functions γ_0..=γ_m of `eps`, leaving out the positions in `skip`.
fn symmetric(eps: &[f64], skip: &[usize]) -> Vec<f64> {
    let mut gamma = vec![0.0; eps.len() + 1];
    gamma[0] = 1.0;
    let mut m = 0;
    for (j, &e) in eps.iter().enumerate() {
        if skip.contains(&j) {
            continue;
        }
        m += 1;
        for r in (1..=m).rev() {
            gamma[r] += e * gamma[r - 1];
        }
    }
    gamma
}

/// Newton's method on the conditional likelihood, mean difficulty 0. Returns the difficulties,
/// their covariance and the iterations, or `None` when the information is singular (the data
/// do not connect the items) or the estimates diverge.
fn newton(groups: &[Group], right: &[f64]) -> Option<(Vec<f64>, Vec<Vec<f64>>, usize)> {
    let k = right.len();
    let mut b = vec![0.0; k];
    for iteration in 1..=MAX_ITERATIONS {
        let (expected, information) = expectations(groups, &b);
        let gradient: Vec<f64> = expected.iter().zip(right).map(|(e, r)| e - r).collect();
        let inverse = constrained_inverse(&information)?;
        let mut largest: f64 = 0.0;
        for i in 0..k {
            let step: f64 = (0..k).map(|j| inverse[i][j] * gradient[j]).sum();
            let step = step.clamp(-MAX_STEP, MAX_STEP);
            b[i] += step;
            largest = largest.max(step.abs());
        }
        let mean = b.iter().sum::<f64>() / k as f64;
        b.iter_mut().for_each(|x| *x -= mean);
        if b.iter().any(|x| !x.is_finite() || x.abs() > BOUND) {
            return None;
        }
        if largest < CONVERGED {
            let (_, information) = expectations(groups, &b);
            return Some((b, constrained_inverse(&information)?, iteration));
        }
    }
    None
}

/// Σ over persons of each item's conditional probability of being right given the person's
/// score, and the conditional information matrix Σ Cov(x | r).
fn expectations(groups: &[Group], b: &[f64]) -> (Vec<f64>, Vec<Vec<f64>>) {
    let k = b.len();
    let mut expected = vec![0.0; k];
    let mut information = vec![vec![0.0; k]; k];
    for group in groups {
        let eps: Vec<f64> = group.items.iter().map(|&i| (-b[i]).exp()).collect();
        let m = eps.len();
        let gamma = symmetric(&eps, &[]);
        let without: Vec<Vec<f64>> = (0..m).map(|a| symmetric(&eps, &[a])).collect();
        // γ without both a and c, for a < c, at [a][c].
        let without_both: Vec<Vec<Vec<f64>>> = (0..m)
            .map(|a| {
                (0..m)
                    .map(|c| {
                        if c > a {
                            symmetric(&eps, &[a, c])
                        } else {
                            Vec::new()
                        }
                    })
                    .collect()
            })
            .collect();
        for (r, &count) in group.persons_by_score.iter().enumerate() {
            if count == 0.0 || r == 0 || r == m {
                continue;
            }
            let p: Vec<f64> = (0..m)
                .map(|a| eps[a] * without[a][r - 1] / gamma[r])
                .collect();
            for a in 0..m {
                let (ia, pa) = (group.items[a], p[a]);
                expected[ia] += count * pa;
                information[ia][ia] += count * pa * (1.0 - pa);
                for c in (a + 1)..m {
                    let ic = group.items[c];
                    let both = if r >= 2 {
                        eps[a] * eps[c] * without_both[a][c][r - 2] / gamma[r]
                    } else {
                        0.0
                    };
                    let cov = count * (both - pa * p[c]);
                    information[ia][ic] += cov;
                    information[ic][ia] += cov;
                }
            }
        }
    }
    (expected, information)
}

/// The Moore–Penrose inverse of an information matrix whose rows sum to 0 (shifting every
/// difficulty changes nothing): (I + 11ᵀ)⁻¹ − 11ᵀ/k². `None` when I has a second null
/// direction (items not connected by the data).
fn constrained_inverse(information: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let k = information.len();
    let mut a: Vec<Vec<f64>> = information
        .iter()
        .map(|row| row.iter().map(|x| x + 1.0).collect())
        .collect();
    let mut inverse = invert(&mut a)?;
    let shift = 1.0 / (k * k) as f64;
    inverse
        .iter_mut()
        .for_each(|row| row.iter_mut().for_each(|x| *x -= shift));
    Some(inverse)
}

/// Inverse of a symmetric positive definite matrix by Gauss–Jordan with partial pivoting;
/// `None` when (numerically) singular.
fn invert(a: &mut [Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let k = a.len();
    let scale = a
        .iter()
        .flatten()
        .fold(0.0_f64, |m, x| m.max(x.abs()))
        .max(1.0);
    let mut inverse: Vec<Vec<f64>> = (0..k)
        .map(|i| (0..k).map(|j| f64::from(u8::from(i == j))).collect())
        .collect();
    for col in 0..k {
        let pivot = (col..k).max_by(|&x, &y| a[x][col].abs().total_cmp(&a[y][col].abs()))?;
        if a[pivot][col].abs() < 1e-10 * scale {
            return None;
        }
        a.swap(col, pivot);
        inverse.swap(col, pivot);
        let d = a[col][col];
        for j in 0..k {
            a[col][j] /= d;
            inverse[col][j] /= d;
        }
        for row in 0..k {
            if row == col {
                continue;
            }
            let f = a[row][col];
            if f == 0.0 {
                continue;
            }
            for j in 0..k {
                a[row][j] -= f * a[col][j];
                inverse[row][j] -= f * inverse[col][j];
            }
        }
    }
    Some(inverse)
}

/// Adds infit and outfit to the estimated items, from the informative persons' maximum
/// likelihood abilities.
fn add_fit(
    persons: &[Vec<Observation>],
    difficulty: &[Option<f64>],
    items: &mut [ItemCalibration],
) {
    // Per item: Σ z², Σ (x − P)², Σ P(1 − P), n.
    let mut sums = vec![(0.0, 0.0, 0.0, 0u64); items.len()];
    for person in persons {
        let answered: Vec<(f64, bool)> = person
            .iter()
            .filter_map(|&(i, x)| difficulty[i].map(|b| (b, x)))
            .collect();
        let Some(theta) = maximum_likelihood(&answered) else {
            continue;
        };
        for &(i, x) in person {
            let Some(b) = difficulty[i] else { continue };
            let p = probability(theta, b);
            let variance = p * (1.0 - p);
            let residual = f64::from(u8::from(x)) - p;
            let s = &mut sums[i];
            s.0 += residual * residual / variance;
            s.1 += residual * residual;
            s.2 += variance;
            s.3 += 1;
        }
    }
    for (item, (z2, r2, v, n)) in items.iter_mut().zip(sums) {
        if item.status == ItemStatus::Estimated && n > 0 {
            item.outfit = Some(z2 / n as f64);
            item.infit = Some(r2 / v);
        }
    }
}

/// The Rasch probability of a right answer.
pub fn probability(theta: f64, difficulty: f64) -> f64 {
    1.0 / (1.0 + (difficulty - theta).exp())
}

/// The root of a decreasing function on [−BOUND, BOUND] by bisection; `None` when it does
/// not change sign there.
fn decreasing_root(f: impl Fn(f64) -> f64) -> Option<f64> {
    let (mut low, mut high) = (-BOUND, BOUND);
    if f(low) < 0.0 || f(high) > 0.0 {
        return None;
    }
    for _ in 0..200 {
        let mid = 0.5 * (low + high);
        if f(mid) > 0.0 {
            low = mid;
        } else {
            high = mid;
        }
        if high - low < 1e-12 {
            break;
        }
    }
    Some(0.5 * (low + high))
}

/// The maximum-likelihood ability for answers to items of known difficulty; `None` for an
/// all-right, all-wrong or empty set (the estimate is infinite).
pub fn maximum_likelihood(answers: &[(f64, bool)]) -> Option<f64> {
    let score = answers.iter().filter(|&&(_, x)| x).count();
    if score == 0 || score == answers.len() {
        return None;
    }
    let score = score as f64;
    decreasing_root(|theta| {
        score
            - answers
                .iter()
                .map(|&(b, _)| probability(theta, b))
                .sum::<f64>()
    })
}

/// A person's ability with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Ability {
    /// Logits, on the calibration's scale.
    pub theta: f64,
    /// 1 / √(test information at θ).
    pub standard_error: f64,
}

/// Warm's weighted likelihood estimate of ability from answers to items of known difficulty:
/// the root of Σ(x − P) + J / (2I), with I = ΣP(1 − P) and J = ΣP(1 − P)(1 − 2P). Finite for
/// every score, all right and all wrong included; `None` only without answers.
pub fn ability(answers: &[(f64, bool)]) -> Option<Ability> {
    if answers.is_empty() {
        return None;
    }
    let score = answers.iter().filter(|&&(_, x)| x).count() as f64;
    let theta = decreasing_root(|theta| {
        let (mut expected, mut info, mut j) = (0.0, 0.0, 0.0);
        for &(b, _) in answers {
            let p = probability(theta, b);
            expected += p;
            info += p * (1.0 - p);
            j += p * (1.0 - p) * (1.0 - 2.0 * p);
        }
        score - expected + j / (2.0 * info)
    })?;
    let info: f64 = answers
        .iter()
        .map(|&(b, _)| {
            let p = probability(theta, b);
            p * (1.0 - p)
        })
        .sum();
    Some(Ability {
        theta,
        standard_error: 1.0 / info.sqrt(),
    })
}

/// The expected percentage right (0–100) at ability `theta` on items of the given
/// difficulties: 100 × the mean of their probabilities; `None` for no items.
pub fn expected_percent(theta: f64, difficulties: &[f64]) -> Option<f64> {
    (!difficulties.is_empty()).then(|| {
        100.0
            * difficulties
                .iter()
                .map(|&b| probability(theta, b))
                .sum::<f64>()
            / difficulties.len() as f64
    })
}
