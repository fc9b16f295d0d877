//! The test-out decision for one learner and topic, and how sure it is (docs/measurement.md).
//!
//! Model: the learner knows a proportion `p` of the topic's bank; each item drawn from it is
//! answered right with probability `p` (a partly right answer counts its fraction). Starting
//! from a prior Beta(a, b) ([`Prior`]: their role's, fitted to earlier learners, else uniform),
//! after `n` items scoring `s` in all, `p` ~ Beta(a + s, b + n − s).
//! The decision is made on P(p ≥ target): the learner may skip the topic's module when it is at
//! least one half (the posterior median is at or above the target). The baseline asks more of
//! a topic while that probability lies strictly between [`FollowUp::low`] and
//! [`FollowUp::high`] and the topic has fewer than [`FollowUp::cap`] items.
//!
//! Pure functions, no I/O: the plan, the learner's result, the adaptive baseline and the
//! `bench simulate` command all call these, so the simulation measures the real rule.

use serde::Serialize;

pub use super::prior::Prior;

/// The decision for one topic.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, utoipa::ToSchema)]
pub struct TopicDecision {
    /// The topic score: 100 × mean fraction over the items answered (0 with none).
    pub estimate: f64,
    /// P(proportion known ≥ target) under the model, 0–1.
    pub p_at_target: f64,
    /// Whether the learner may skip the topic's module.
    pub skip: bool,
    /// How sure the decision is.
    pub sureness: DecisionSureness,
}

/// How sure a decision is, from P(at or above target).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionSureness {
    /// P ≥ 0.8.
    SureAtTarget,
    /// 0.5 ≤ P < 0.8.
    ProbablyAtTarget,
    /// 0.2 < P < 0.5.
    ProbablyBelow,
    /// P ≤ 0.2.
    SureBelow,
}

impl DecisionSureness {
    fn of(p: f64) -> Self {
        if p >= 0.8 {
            Self::SureAtTarget
        } else if p >= 0.5 {
            Self::ProbablyAtTarget
        } else if p > 0.2 {
            Self::ProbablyBelow
        } else {
            Self::SureBelow
        }
    }

    /// Whether the answers left the decision open (0.2 < P < 0.8).
    pub fn is_uncertain(self) -> bool {
        matches!(self, Self::ProbablyAtTarget | Self::ProbablyBelow)
    }

    /// How sure we are, in plain words, for the learner.
    pub fn words(self) -> &'static str {
        match self {
            Self::SureAtTarget => {
                "We are fairly sure you already know this topic to the level your role needs."
            }
            Self::ProbablyAtTarget => {
                "You are probably at the level your role needs, but your answers were mixed, \
                 so we cannot be sure."
            }
            Self::ProbablyBelow => {
                "You may be just below the level your role needs: your answers were mixed, so \
                 we cannot be sure. The module is recommended, and it is a quick way to make \
                 sure."
            }
            Self::SureBelow => "We are fairly sure this topic is below the level your role needs.",
        }
    }
}

impl TopicDecision {
    /// How sure we are, in plain words, for the learner whose target (0–100) this decision was
    /// made against. Where the decision and the bare score point different ways (a score at
    /// the target from too few answers to be sure, or a score just short of it where the
    /// learner's role usually knows the topic), the words say so instead of "mixed answers".
    pub fn words(&self, target: f64) -> &'static str {
        match (self.skip, self.estimate + 1e-9 >= target) {
            (false, true) => {
                "Your answers here met the level your role needs, but from so few questions we \
                 cannot yet be sure. The module is recommended, and it is a quick way to make \
                 sure."
            }
            (true, false) => {
                "Your score here is a little below the level your role needs, but from so few \
                 questions, and with what people in your role usually know, you are probably \
                 at it."
            }
            _ => self.sureness.words(),
        }
    }
}

/// The decision for a topic after `n` items scoring `sum` in all (each 0–1), against a target
/// of `target` % (0–100), starting from `prior`.
pub fn decide(prior: Prior, n: u64, sum: f64, target: f64) -> TopicDecision {
    let estimate = if n == 0 { 0.0 } else { 100.0 * sum / n as f64 };
    let p = p_at_or_above(prior, n, sum, target);
    TopicDecision {
        estimate,
        p_at_target: p,
        skip: p >= 0.5,
        sureness: DecisionSureness::of(p),
    }
}

/// P(proportion known ≥ target / 100) under the Beta posterior.
pub fn p_at_or_above(prior: Prior, n: u64, sum: f64, target: f64) -> f64 {
    let x = (target / 100.0).clamp(0.0, 1.0);
    let sum = sum.clamp(0.0, n as f64);
    let a = prior.alpha + sum;
    let b = prior.beta + n as f64 - sum;
    (1.0 - regularized_incomplete_beta(x, a, b)).clamp(0.0, 1.0)
}

/// The adaptive baseline's stopping rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FollowUp {
    /// Items each topic starts with.
    pub start: usize,
    /// Items added at a time while the decision is open.
    pub step: usize,
    /// Most items a topic can have.
    pub cap: usize,
    /// The decision is open while `low` < P(at or above target) < `high`.
    pub low: f64,
    pub high: f64,
}

impl FollowUp {
    /// The rule the baseline uses (chosen with `bench simulate`, docs/measurement.md).
    pub const BASELINE: Self = Self {
        start: 2,
        step: 1,
        cap: 6,
        low: 0.3,
        high: 0.7,
    };

    /// How many items to add to a topic whose `n` items, all answered, scored `sum`: none
    /// when the decision is settled or the topic has reached the cap.
    pub fn more(&self, prior: Prior, n: u64, sum: f64, target: f64) -> usize {
        let n_items = usize::try_from(n).unwrap_or(usize::MAX);
        if n_items >= self.cap {
            return 0;
        }
        let p = p_at_or_above(prior, n, sum, target);
        if p > self.low && p < self.high {
            self.step.min(self.cap - n_items)
        } else {
            0
        }
    }
}

/// ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; about 15 significant digits).
pub(super) fn ln_gamma(x: f64) -> f64 {
    const G: f64 = 7.0;
    const COEF: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        // Reflection: Γ(x)Γ(1 − x) = π / sin(πx).
        return (std::f64::consts::PI / (std::f64::consts::PI * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEF[0];
    for (i, c) in COEF.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + G + 0.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// I_x(a, b), the regularised incomplete beta function (the Beta(a, b) distribution function
/// at x), by its continued fraction (modified Lentz).
pub fn regularized_incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    // The fraction converges fast for x < (a + 1) / (a + b + 2); else use the symmetry.
    if x < (a + 1.0) / (a + b + 2.0) {
        ln_front.exp() * continued_fraction(x, a, b) / a
    } else {
        1.0 - ln_front.exp() * continued_fraction(1.0 - x, b, a) / b
    }
}

fn continued_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    const EPS: f64 = 1e-15;
    let mut c = 1.0;
    let mut d = 1.0 - (a + b) * x / (a + 1.0);
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = f64::from(m);
        let m2 = 2.0 * m;
        let even = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
        d = 1.0 + even * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + even / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
        d = 1.0 + odd * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + odd / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let delta = d * c;
        h *= delta;
        if (delta - 1.0).abs() < EPS {
            break;
        }
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    const U: Prior = Prior::UNIFORM;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-9, "{a} != {b}");
    }

    #[test]
    fn incomplete_beta_matches_closed_forms() {
        for x in [0.05, 0.3, 0.5, 0.65, 0.8, 0.97] {
            // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b.
            close(regularized_incomplete_beta(x, 1.0, 1.0), x);
            close(regularized_incomplete_beta(x, 4.0, 1.0), x.powi(4));
            close(
                regularized_incomplete_beta(x, 1.0, 3.0),
                1.0 - (1.0 - x).powi(3),
            );
            // I_x(3, 2) = 4x³ − 3x⁴.
            close(
                regularized_incomplete_beta(x, 3.0, 2.0),
                4.0 * x.powi(3) - 3.0 * x.powi(4),
            );
        }
        close(regularized_incomplete_beta(0.5, 7.5, 7.5), 0.5);
        close(regularized_incomplete_beta(0.0, 2.0, 2.0), 0.0);
        close(regularized_incomplete_beta(1.0, 2.0, 2.0), 1.0);
    }

    #[test]
    fn posteriors_by_hand() {
        // 3 of 3 right, target 80: Beta(4, 1), P(p ≥ 0.8) = 1 − 0.8⁴ = 0.5904.
        close(p_at_or_above(U, 3, 3.0, 80.0), 1.0 - 0.8_f64.powi(4));
        // 2 of 3 right, target 65: Beta(3, 2), 1 − (4·0.65³ − 3·0.65⁴) = 0.43701875.
        close(p_at_or_above(U, 3, 2.0, 65.0), 0.437_018_75);
        // 0 of 2 right, target 40: Beta(1, 3), P(p ≥ 0.4) = 0.6³ = 0.216.
        close(p_at_or_above(U, 2, 0.0, 40.0), 0.216);
        // No items: the uniform prior, P(p ≥ 0.3) = 0.7.
        close(p_at_or_above(U, 0, 0.0, 30.0), 0.7);
        // A target of 0 is always met.
        close(p_at_or_above(U, 3, 0.0, 0.0), 1.0);
    }

    #[test]
    fn decisions_and_their_sureness() {
        let all_right = decide(U, 3, 3.0, 80.0);
        close(all_right.estimate, 100.0);
        assert!(all_right.skip);
        assert_eq!(all_right.sureness, DecisionSureness::ProbablyAtTarget);
        // 2 of 3 (67 %) against 65: the score is above the target, but the posterior median
        // is below it, so the module is recommended, and the learner is told it is close.
        let close_call = decide(U, 3, 2.0, 65.0);
        assert!(!close_call.skip);
        assert_eq!(close_call.sureness, DecisionSureness::ProbablyBelow);
        assert!(close_call.sureness.words().contains("just below"));
        // 0 of 3 against 40: Beta(1, 4), P = 0.6⁴ = 0.1296.
        let sure_below = decide(U, 3, 0.0, 40.0);
        close(sure_below.p_at_target, 0.1296);
        assert!(!sure_below.skip);
        assert_eq!(sure_below.sureness, DecisionSureness::SureBelow);
        // 6 of 6 against 50: 1 − 0.5⁷.
        let sure = decide(U, 6, 6.0, 50.0);
        assert!(sure.skip && sure.sureness == DecisionSureness::SureAtTarget);
        assert!(!DecisionSureness::SureAtTarget.is_uncertain());
        // 2 of 2 against 80 with the uniform prior: P = 0.488, recommended although the score
        // is 100 %; the words do not call that "mixed".
        let too_few = decide(U, 2, 2.0, 80.0);
        assert!(!too_few.skip && too_few.words(80.0).contains("so few questions"));
        // 1 of 2 against 60 from a prior at 0.8 (strength 6): Beta(5.8, 2.2), P(≥ 0.6) > 0.5.
        let usual = Prior {
            alpha: 4.8,
            beta: 1.2,
        };
        let likely = decide(usual, 2, 1.0, 60.0);
        assert!(likely.skip && likely.words(60.0).contains("probably at it"));
        // 2 of 3 (67 %) against 65 is a score at the target from too few answers.
        assert!(close_call.words(65.0).contains("so few questions"));
        assert_eq!(sure_below.words(40.0), sure_below.sureness.words());
        assert!(DecisionSureness::ProbablyBelow.is_uncertain());
    }

    #[test]
    fn follow_up_adds_items_only_while_the_decision_is_open() {
        let rule = FollowUp::BASELINE;
        // 2 of 2 against 80: Beta(3, 1), P = 1 − 0.8³ = 0.488: open.
        assert_eq!(rule.more(U, 2, 2.0, 80.0), 1);
        // 0 of 2 against 40: P = 0.216: settled below.
        assert_eq!(rule.more(U, 2, 0.0, 40.0), 0);
        // 2 of 2 against 20: P = 1 − 0.2³ = 0.992: settled above.
        assert_eq!(rule.more(U, 2, 2.0, 20.0), 0);
        // Open, but at the cap.
        assert_eq!(rule.more(U, 6, 4.0, 65.0), 0);
        let wide = FollowUp {
            step: 3,
            ..FollowUp::BASELINE
        };
        // Never past the cap: 5 items, 1 more allowed.
        assert_eq!(wide.more(U, 5, 4.0, 70.0), 1);
    }
}
