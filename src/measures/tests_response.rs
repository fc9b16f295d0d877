use super::tests_support::assert_close;
use super::{Answer, Certainty, cbm_mark, is_confidently_wrong, stated_probability};

const ALL: [Certainty; 3] = Certainty::ALL;

#[test]
fn cbm_mark_for_a_right_answer_is_the_certainty_level() {
    // fraction 1 at certainty 1/2/3 → +1/+2/+3 × 1
    for (certainty, expected) in ALL.into_iter().zip([1.0, 2.0, 3.0]) {
        assert_close(cbm_mark(&Answer::answered(1.0, certainty)), expected);
    }
}

#[test]
fn cbm_mark_for_a_wrong_answer_is_zero_minus_two_minus_six() {
    for (certainty, expected) in ALL.into_iter().zip([0.0, -2.0, -6.0]) {
        assert_close(cbm_mark(&Answer::answered(0.0, certainty)), expected);
    }
}

#[test]
fn cbm_mark_for_a_partly_right_answer_scales_the_right_mark() {
    // fraction 0.5 → 1×0.5, 2×0.5, 3×0.5; fraction 0.25 at high → 0.75 (not the wrong mark)
    for (certainty, expected) in ALL.into_iter().zip([0.5, 1.0, 1.5]) {
        assert_close(cbm_mark(&Answer::answered(0.5, certainty)), expected);
    }
    assert_close(cbm_mark(&Answer::answered(0.25, Certainty::High)), 0.75);
}

#[test]
fn cbm_mark_for_dont_know_is_zero() {
    assert_close(cbm_mark(&Answer::DontKnow), 0.0);
}

#[test]
fn fractions_outside_zero_to_one_are_clamped_before_marking() {
    // 1.5 → 1 → +3; −0.3 → 0 → −6 (as Moodle clamps negative weights); NaN → 0.
    assert_close(cbm_mark(&Answer::answered(1.5, Certainty::High)), 3.0);
    assert_close(cbm_mark(&Answer::answered(-0.3, Certainty::High)), -6.0);
    assert_close(Answer::answered(f64::NAN, Certainty::Low).fraction(), 0.0);
    // built directly, bypassing the constructor: still clamped when read
    let raw = Answer::Answered {
        fraction: 2.0,
        certainty: Certainty::Medium,
    };
    assert_close(raw.fraction(), 1.0);
    assert_close(cbm_mark(&raw), 2.0);
}

#[test]
fn stated_probabilities_are_the_documented_assumption() {
    for (certainty, expected) in ALL.into_iter().zip([0.5, 0.73, 0.9]) {
        assert_close(stated_probability(certainty), expected);
    }
}

#[test]
fn only_high_certainty_with_fraction_zero_is_confidently_wrong() {
    assert!(is_confidently_wrong(&Answer::answered(
        0.0,
        Certainty::High
    )));
    assert!(!is_confidently_wrong(&Answer::answered(
        0.1,
        Certainty::High
    )));
    assert!(!is_confidently_wrong(&Answer::answered(
        0.0,
        Certainty::Medium
    )));
    assert!(!is_confidently_wrong(&Answer::answered(
        0.0,
        Certainty::Low
    )));
    assert!(!is_confidently_wrong(&Answer::DontKnow));
}

#[test]
fn certainty_levels_round_trip_and_reject_other_numbers() {
    for certainty in ALL {
        assert_eq!(Certainty::from_level(certainty.level()), Some(certainty));
    }
    assert_eq!(Certainty::from_level(0), None);
    assert_eq!(Certainty::from_level(4), None);
    assert_eq!(Answer::DontKnow.certainty(), None);
}
