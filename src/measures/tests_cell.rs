use super::tests_support::{assert_close, assert_close_opt};
use super::{
    Answer, CellMeasures, CellSums, Certainty, LearnerTopic, ResponseSums, individual_gain,
};

fn learner(knowledge: f64, rating: Option<u8>, target: f64, importance: f64) -> LearnerTopic {
    LearnerTopic {
        knowledge,
        rating,
        target,
        importance,
        completed: false,
    }
}

fn cell(learners: &[LearnerTopic]) -> CellSums {
    learners
        .iter()
        .map(LearnerTopic::sums)
        .fold(CellSums::default(), |a, b| a + b)
}

/// Five learners, one role (target 70, importance 7):
/// | knowledge | rating | completed |
/// | 40        | 5      | no        |
/// | 50        | 4      | no        |
/// | 60        | —      | yes       |
/// | 70        | 2      | yes       |
/// | 80        | 4      | yes       |
fn five_learners() -> CellSums {
    let ratings = [Some(5), Some(4), None, Some(2), Some(4)];
    let learners: Vec<LearnerTopic> = [40.0, 50.0, 60.0, 70.0, 80.0]
        .into_iter()
        .zip(ratings)
        .enumerate()
        .map(|(i, (k, r))| LearnerTopic {
            completed: i >= 2,
            ..learner(k, r, 70.0, 7.0)
        })
        .collect();
    cell(&learners)
}

#[test]
fn knowledge_mean_and_interval_for_five_learners() {
    let m = CellMeasures::from_sums(&five_learners());
    assert_eq!(m.n, 5);
    // mean = 300/5 = 60; squared deviations 400+100+0+100+400 = 1000; SD² = 1000/4 = 250;
    // SE = √(250/5) = √50; half-width = 1.96 × √50 = 13.859292911256333
    assert_close_opt(m.knowledge, 60.0);
    let interval = m.knowledge_interval.unwrap();
    assert_close(interval.low, 60.0 - 13.859292911256333);
    assert_close(interval.high, 60.0 + 13.859292911256333);
}

#[test]
fn gap_priority_confidence_need_and_completion_for_five_learners() {
    let m = CellMeasures::from_sums(&five_learners());
    // target 70, knowledge 60 → gap 10; priority = 7/7 × 10
    assert_close_opt(m.target, 70.0);
    assert_close_opt(m.gap, 10.0);
    assert_close_opt(m.priority, 10.0);
    // rated: 5, 4, 2, 4 → mean 15/4; 3 of the 4 who rated chose 4–5
    assert_eq!(m.n_rated, 4);
    assert_close_opt(m.self_confidence, 3.75);
    assert_close_opt(m.pct_confident, 75.0);
    // rating 4–5 and below 70: the 40 (5) and the 50 (4), not the 80 (4) → 2 of 5 learners
    assert_close_opt(m.unrecognised_need, 40.0);
    // at or above 70: 70 and 80 → 2/5; completed: 3/5
    assert_close_opt(m.pct_at_target, 40.0);
    assert_close_opt(m.completion, 60.0);
}

#[test]
fn a_single_learner_has_a_mean_but_no_interval() {
    let m = CellMeasures::from_sums(&learner(55.0, Some(3), 80.0, 3.5).sums());
    assert_eq!(m.n, 1);
    assert_close_opt(m.knowledge, 55.0);
    assert!(m.knowledge_interval.is_none());
    // gap 25, priority 3.5/7 × 25 = 12.5
    assert_close_opt(m.gap, 25.0);
    assert_close_opt(m.priority, 12.5);
}

#[test]
fn the_interval_is_clipped_at_zero_and_at_one_hundred() {
    // 0, 0, 0, 10: mean 2.5; deviations² 6.25×3 + 56.25 = 75; SD² = 25; SE = 5/2;
    // half-width 4.9 → [−2.4, 7.4] → [0, 7.4]
    let low = cell(&[0.0, 0.0, 0.0, 10.0].map(|k| learner(k, None, 50.0, 1.0)));
    let i = CellMeasures::from_sums(&low).knowledge_interval.unwrap();
    assert_close(i.low, 0.0);
    assert_close(i.high, 7.4);
    // mirror image: 100, 100, 100, 90 → [92.6, 102.4] → [92.6, 100]
    let high = cell(&[100.0, 100.0, 100.0, 90.0].map(|k| learner(k, None, 50.0, 1.0)));
    let i = CellMeasures::from_sums(&high).knowledge_interval.unwrap();
    assert_close(i.low, 92.6);
    assert_close(i.high, 100.0);
}

#[test]
fn identical_scores_give_a_zero_width_interval_despite_rounding() {
    // 33.3² is inexact, so Σx² − (Σx)²/n may come out a hair below 0; that must not become NaN.
    let same = cell(&[33.3; 7].map(|k| learner(k, None, 50.0, 1.0)));
    let i = CellMeasures::from_sums(&same).knowledge_interval.unwrap();
    assert_close(i.low, 33.3);
    assert_close(i.high, 33.3);
}

#[test]
fn a_mixed_role_cell_uses_learner_weighted_targets_and_importance() {
    // Role A (target 80, importance 6): knowledge 60, 70.
    // Role B (target 50, importance 3): knowledge 40, 55, 70.
    let role_a = cell(&[60.0, 70.0].map(|k| learner(k, None, 80.0, 6.0)));
    let role_b = cell(&[40.0, 55.0, 70.0].map(|k| learner(k, None, 50.0, 3.0)));
    let m = CellMeasures::from_sums(&(role_a + role_b));
    // target = (2×80 + 3×50)/5 = 310/5 = 62; importance = (2×6 + 3×3)/5 = 21/5 = 4.2
    assert_close_opt(m.target, 62.0);
    assert_close_opt(m.importance, 4.2);
    // knowledge = (60+70+40+55+70)/5 = 295/5 = 59; gap = 62 − 59 = 3 (not the mean of the
    // individual gaps, 20,10,10,0,0 → 8); priority = 4.2/7 × 3 = 1.8
    assert_close_opt(m.knowledge, 59.0);
    assert_close_opt(m.gap, 3.0);
    assert_close_opt(m.priority, 1.8);
    // at target against their own role: A none (60, 70 < 80); B 55 and 70 (≥ 50) → 2/5
    assert_close_opt(m.pct_at_target, 40.0);
}

#[test]
fn knowledge_above_target_means_no_gap() {
    let m = CellMeasures::from_sums(&cell(&[learner(90.0, Some(5), 60.0, 7.0)]));
    assert_close_opt(m.gap, 0.0);
    assert_close_opt(m.priority, 0.0);
    assert_close_opt(m.unrecognised_need, 0.0);
}

#[test]
fn gain_excludes_pre_one_hundred_from_individual_g_only() {
    // (pre, post): (40, 70) g = 30/60 = 0.5; (50, 50) g = 0; (100, 90) excluded; (20, 60)
    // g = 40/80 = 0.5 → mean individual g = 1.0/3.
    // Hake: mean pre = 210/4 = 52.5, mean post = 270/4 = 67.5 → 15/47.5
    let pairs = [(40.0, 70.0), (50.0, 50.0), (100.0, 90.0), (20.0, 60.0)];
    let sums = pairs
        .iter()
        .map(|&(pre, post)| CellSums::gain_pair(pre, post));
    let m = CellMeasures::from_sums(&sums.fold(CellSums::default(), |a, b| a + b));
    assert_eq!(m.n_paired, 4);
    assert_close_opt(m.mean_individual_gain, 1.0 / 3.0);
    assert_close_opt(m.hake_gain, 15.0 / 47.5);
}

#[test]
fn gain_is_undefined_without_pairs_or_room_to_gain() {
    assert!(
        CellMeasures::from_sums(&CellSums::default())
            .hake_gain
            .is_none()
    );
    let full = CellSums::gain_pair(100.0, 100.0) + CellSums::gain_pair(100.0, 80.0);
    let m = CellMeasures::from_sums(&full);
    assert!(m.hake_gain.is_none() && m.mean_individual_gain.is_none());
    assert_eq!(individual_gain(100.0, 100.0), None);
    assert_close_opt(individual_gain(50.0, 25.0), -0.5);
}

#[test]
fn calibrated_gain_is_the_mean_change_only_when_every_pair_is_calibrated() {
    // Calibrated (pre, post): (40, 70) and (50, 45) → (30 − 5) / 2 = 12.5 points.
    let pair = |pre, post| CellSums::gain_pair(pre, post) + CellSums::calibrated_pair(pre, post);
    let both = pair(40.0, 70.0) + pair(50.0, 45.0);
    assert_close_opt(CellMeasures::from_sums(&both).calibrated_gain, 12.5);
    // A third pair without calibrated scores: the figure would describe other people than
    // the Hake gain, so there is none.
    let partly = both + CellSums::gain_pair(60.0, 60.0);
    let m = CellMeasures::from_sums(&partly);
    assert!(m.hake_gain.is_some());
    assert_eq!(m.calibrated_gain, None);
    assert_eq!(
        CellMeasures::from_sums(&CellSums::default()).calibrated_gain,
        None
    );
    // Published whole, like every figure in points.
    assert_close_opt(
        CellMeasures::from_sums(&both).published().calibrated_gain,
        13.0,
    );
}

#[test]
fn calibration_and_confidently_wrong_come_from_the_cells_responses() {
    // answered: 0 at high (p .9), 1 at medium (p .73); bias = (0.9+0.73)/2 − 0.5 = 0.315
    let answers = [
        Answer::answered(0.0, Certainty::High),
        Answer::answered(1.0, Certainty::Medium),
        Answer::DontKnow,
    ];
    let sums = learner(33.3, None, 50.0, 4.0).sums()
        + CellSums::from_responses(ResponseSums::from_answers(&answers));
    let m = CellMeasures::from_sums(&sums);
    assert_close_opt(m.calibration_bias, 0.315);
    assert_close_opt(m.confidently_wrong_rate, 0.5);
}

#[test]
fn ratings_outside_one_to_five_count_as_not_given() {
    let m = CellMeasures::from_sums(&cell(&[
        learner(10.0, Some(0), 50.0, 1.0),
        learner(10.0, Some(6), 50.0, 1.0),
        learner(10.0, Some(4), 50.0, 1.0),
    ]));
    assert_eq!(m.n_rated, 1);
    assert_close_opt(m.self_confidence, 4.0);
    // 1 of 3 learners rates 4–5 and is below target
    assert_close_opt(m.unrecognised_need, 100.0 / 3.0);
}

#[test]
fn an_empty_cell_has_no_measures() {
    let m = CellMeasures::from_sums(&CellSums::default());
    assert_eq!(m.n, 0);
    assert!(m.knowledge.is_none() && m.gap.is_none() && m.completion.is_none());
    assert!(m.self_confidence.is_none() && m.unrecognised_need.is_none());
}

/// Four answered items, each half right, two at high certainty (p .9) and two at medium (p .73):
/// bias = (0.9 + 0.9 + 0.73 + 0.73) / 4 − 0.5 = 0.315 exactly, a tie at two places. Adding the
/// same responses in two orders (as the grid and the trends do) gives 0.31500000000000006 and
/// 0.31499999999999995; both publish 0.32, rounded half away from zero as by hand.
#[test]
fn a_tie_publishes_the_same_figure_whatever_order_the_sums_were_added_in() {
    let answer = |certainty| {
        CellSums::from_responses(ResponseSums::from_answer(&Answer::answered(0.5, certainty)))
    };
    let (high, medium) = (answer(Certainty::High), answer(Certainty::Medium));
    let high_first = high + high + medium + medium;
    let medium_first = medium + medium + high + high;
    let raw = |sums: &CellSums| CellMeasures::from_sums(sums).calibration_bias.unwrap();
    assert_ne!(
        raw(&high_first),
        raw(&medium_first),
        "the orders differ in binary"
    );
    for sums in [high_first, medium_first] {
        let published = CellMeasures::from_sums(&sums).published();
        assert_eq!(published.calibration_bias, Some(0.32));
    }
}

#[test]
fn published_figures_round_decimal_ties_away_from_zero() {
    let with = |bias: f64, knowledge: f64| {
        CellMeasures {
            calibration_bias: Some(bias),
            knowledge: Some(knowledge),
            ..CellMeasures::from_sums(&CellSums::default())
        }
        .published()
    };
    // 0.145 and 2.675 are 0.14499999… and 2.67499999… in binary; by hand they round up.
    let m = with(0.145, 62.5);
    assert_eq!((m.calibration_bias, m.knowledge), (Some(0.15), Some(63.0)));
    let m = with(-0.315, 12.49);
    assert_eq!((m.calibration_bias, m.knowledge), (Some(-0.32), Some(12.0)));
    assert_eq!(with(2.675, 0.0).calibration_bias, Some(2.68));
}
