use super::tests_support::{Rng, assert_close, assert_close_opt};
use super::{Answer, Certainty, ResponseSummary, ResponseSums, cbm_bonus};

use Certainty::{High, Low, Medium};

/// Five responses:
/// | # | answer         | CBM | p    | (p − f)²          | conf. wrong |
/// | 1 | 1.0 at high    |  3  | 0.9  | 0.01              |             |
/// | 2 | 0.0 at high    | −6  | 0.9  | 0.81              | yes         |
/// | 3 | 0.5 at medium  |  1  | 0.73 | 0.23² = 0.0529    |             |
/// | 4 | 1.0 at low     |  1  | 0.5  | 0.25              |             |
/// | 5 | don't know     |  0  | —    | —                 |             |
fn worked_example() -> Vec<Answer> {
    vec![
        Answer::answered(1.0, High),
        Answer::answered(0.0, High),
        Answer::answered(0.5, Medium),
        Answer::answered(1.0, Low),
        Answer::DontKnow,
    ]
}

#[test]
fn worked_example_counts_and_accuracy() {
    let s = ResponseSummary::from_answers(&worked_example());
    assert_eq!((s.n, s.n_answered, s.n_dont_know), (5, 4, 1));
    // accuracy = (1 + 0 + 0.5 + 1 + 0) / 5 = 2.5 / 5 (don't know counts as 0 in n)
    assert_close_opt(s.accuracy, 0.5);
    // mean CBM = (3 − 6 + 1 + 1 + 0) / 5 = −1/5
    assert_close_opt(s.mean_cbm_mark, -0.2);
}

#[test]
fn worked_example_cbm_bonus() {
    // acc = 0.5: C1 = 0.5·1 + 0.5·0 = 0.5; C2 = 0.5·2 + 0.5·(−2) = 0; C3 = 1.5 − 3 = −1.5.
    // max = 0.5 → bonus = 0.1 × (−0.2 − 0.5) = −0.07
    let s = ResponseSummary::from_answers(&worked_example());
    assert_close_opt(s.cbm_bonus, -0.07);
}

#[test]
fn worked_example_calibration_brier_and_confidently_wrong() {
    let s = ResponseSummary::from_answers(&worked_example());
    // answered only: mean p = (0.9 + 0.9 + 0.73 + 0.5)/4 = 3.03/4 = 0.7575;
    // mean fraction = (1 + 0 + 0.5 + 1)/4 = 0.625; bias = 0.1325 (over-confident)
    assert_close_opt(s.calibration_bias, 0.1325);
    // Brier = (0.01 + 0.81 + 0.0529 + 0.25)/4 = 1.1229/4
    assert_close_opt(s.brier_score, 0.280725);
    // 1 of 4 answered is high certainty with fraction 0
    assert_close_opt(s.confidently_wrong_rate, 0.25);
}

#[test]
fn cbm_bonus_rewards_certainty_that_tracks_being_right() {
    // 9 right at high (+3 each) and 1 wrong at low (0): acc 0.9, mean CBM = 27/10 = 2.7.
    // C1 = 0.9; C2 = 1.8 − 0.2 = 1.6; C3 = 2.7 − 0.6 = 2.1 → bonus = 0.1 × (2.7 − 2.1) = 0.06
    let mut answers = vec![Answer::answered(1.0, High); 9];
    answers.push(Answer::answered(0.0, Low));
    let s = ResponseSummary::from_answers(&answers);
    assert_close_opt(s.accuracy, 0.9);
    assert_close_opt(s.mean_cbm_mark, 2.7);
    assert_close_opt(s.cbm_bonus, 0.06);
}

#[test]
fn cbm_bonus_is_zero_at_the_best_fixed_certainty() {
    // At the switch points both certainties give the same expectation:
    // acc 2/3: C1 = 2/3 = C2 (8/3 − 2); acc 0.8: C2 = 1.2 = C3 (2.4 − 1.2).
    assert_close(cbm_bonus(2.0 / 3.0, 2.0 / 3.0), 0.0);
    assert_close(cbm_bonus(1.2, 0.8), 0.0);
    // acc 0: best is low certainty, expectation 0
    assert_close(cbm_bonus(0.0, 0.0), 0.0);
    // acc 1: best is high, expectation 3; a mean of 2 loses 0.1
    assert_close(cbm_bonus(2.0, 1.0), -0.1);
}

#[test]
fn empty_and_all_dont_know_sets() {
    let empty = ResponseSummary::from_answers(&[]);
    assert_eq!(empty.n, 0);
    assert!(empty.accuracy.is_none() && empty.cbm_bonus.is_none());
    assert!(empty.calibration_bias.is_none() && empty.confidently_wrong_rate.is_none());

    // 3 × don't know: accuracy 0, CBM 0, bonus 0.1 × (0 − max(0, −2, −6)) = 0; nothing answered
    let s = ResponseSummary::from_answers(&[Answer::DontKnow; 3]);
    assert_close_opt(s.accuracy, 0.0);
    assert_close_opt(s.cbm_bonus, 0.0);
    assert!(s.calibration_bias.is_none() && s.brier_score.is_none());
    assert!(s.confidently_wrong_rate.is_none());
}

#[test]
fn sums_add_and_subtract_like_the_sets_they_describe() {
    let all = worked_example();
    let (a, b) = all.split_at(2);
    let sums_a = ResponseSums::from_answers(a);
    let sums_b = ResponseSums::from_answers(b);
    let whole = ResponseSums::from_answers(&all);
    assert_sums_close(&(sums_a + sums_b), &whole);
    assert_sums_close(&(whole - sums_b), &sums_a);
    assert_eq!(whole.checked_sub(&sums_b).map(|s| s.n_responses), Some(2));
    assert!(sums_a.checked_sub(&whole).is_none());
    // saturates instead of panicking
    assert_eq!((sums_a - whole).n_responses, 0);
}

#[test]
fn summary_from_sums_matches_a_direct_computation_on_random_sets() {
    for seed in 0..500 {
        let mut rng = Rng::new(seed);
        let answers: Vec<Answer> = (0..rng.below(40))
            .map(|_| random_answer(&mut rng))
            .collect();
        let got = ResponseSummary::from_answers(&answers);
        let want = reference(&answers);
        for (g, w) in [
            (got.accuracy, want.accuracy),
            (got.mean_cbm_mark, want.mean_cbm_mark),
            (got.cbm_bonus, want.cbm_bonus),
            (got.calibration_bias, want.calibration_bias),
            (got.brier_score, want.brier_score),
            (got.confidently_wrong_rate, want.confidently_wrong_rate),
        ] {
            match w {
                Some(w) => assert_close_opt(g, w),
                None => assert!(g.is_none(), "seed {seed}: expected None"),
            }
        }
    }
}

fn random_answer(rng: &mut Rng) -> Answer {
    let certainty = Certainty::ALL[rng.below(3) as usize];
    match rng.below(5) {
        0 => Answer::DontKnow,
        1 => Answer::answered(0.0, certainty),
        2 => Answer::answered(1.0, certainty),
        _ => Answer::answered(rng.unit(), certainty),
    }
}

/// The design's definitions (docs/design.md §4) written out over the list, independent of the sums.
fn reference(answers: &[Answer]) -> ResponseSummary {
    let n = answers.len();
    let answered: Vec<(f64, Certainty)> = answers
        .iter()
        .filter_map(|a| match *a {
            Answer::Answered {
                fraction,
                certainty,
            } => Some((fraction, certainty)),
            Answer::DontKnow => None,
        })
        .collect();
    let p = |c: Certainty| [0.5, 0.73, 0.9][c as usize - 1];
    let mark = |&(f, c): &(f64, Certainty)| {
        if f > 0.0 {
            f * c as u8 as f64
        } else {
            [0.0, -2.0, -6.0][c as usize - 1]
        }
    };
    let mean_all = |total: f64| (n > 0).then(|| total / n as f64);
    let mean_answered = |total: f64| (!answered.is_empty()).then(|| total / answered.len() as f64);
    let accuracy = mean_all(answered.iter().map(|a| a.0).sum());
    let mean_cbm_mark = mean_all(answered.iter().map(mark).sum());
    let cbm_bonus = accuracy.zip(mean_cbm_mark).map(|(acc, m)| {
        let best = (acc * 1.0 + (1.0 - acc) * 0.0)
            .max(acc * 2.0 - (1.0 - acc) * 2.0)
            .max(acc * 3.0 - (1.0 - acc) * 6.0);
        0.1 * (m - best)
    });
    ResponseSummary {
        n: n as u64,
        n_answered: answered.len() as u64,
        n_dont_know: (n - answered.len()) as u64,
        accuracy,
        mean_cbm_mark,
        cbm_bonus,
        calibration_bias: mean_answered(answered.iter().map(|&(f, c)| p(c) - f).sum()),
        brier_score: mean_answered(answered.iter().map(|&(f, c)| (p(c) - f).powi(2)).sum()),
        confidently_wrong_rate: mean_answered(
            answered
                .iter()
                .filter(|&&(f, c)| c == High && f <= 0.0)
                .count() as f64,
        ),
    }
}

fn assert_sums_close(a: &ResponseSums, b: &ResponseSums) {
    assert_eq!(
        (
            a.n_responses,
            a.n_answered,
            a.n_dont_know,
            a.n_confidently_wrong
        ),
        (
            b.n_responses,
            b.n_answered,
            b.n_dont_know,
            b.n_confidently_wrong
        )
    );
    assert_close(a.sum_fraction_answered, b.sum_fraction_answered);
    assert_close(a.sum_stated_probability, b.sum_stated_probability);
    assert_close(a.sum_brier, b.sum_brier);
    assert_close(a.sum_cbm_mark, b.sum_cbm_mark);
}
