//! Shuffled option orders: drawn only where allowed, and the shown↔canonical translation
//! grades exactly as the learner meant.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::answer::{self, AnswerInput, CheckedAnswer, Sureness};
use super::option_order::OptionOrder;
use crate::questions::{Question, parse_gift};

fn question(gift: &str) -> Question {
    parse_gift(gift, "t.gift").expect("valid").remove(0)
}

fn choice(index: usize) -> AnswerInput {
    AnswerInput {
        choice: Some(index),
        ..Default::default()
    }
}

fn fraction(q: &Question, input: &AnswerInput) -> f64 {
    match answer::check(q, input, Some(Sureness::High)) {
        Ok(Some(CheckedAnswer::Answered { value, .. })) => q.grade(&value).expect("gradable"),
        other => panic!("not answered: {other:?}"),
    }
}

#[test]
fn true_false_and_opted_out_items_keep_the_order_written() {
    let mut rng = StdRng::seed_from_u64(1);
    assert!(OptionOrder::draw(&question("::Q::Sky is blue {T}"), &mut rng).is_identity());
    let kept = question("// [tag:noshuffle]\n::Q::Pick {=a ~b ~c ~All of the above}");
    assert!(!kept.shuffle_answers);
    assert!(OptionOrder::draw(&kept, &mut rng).is_identity());
    assert_eq!(OptionOrder::default().to_stored(), None);
}

#[test]
fn a_choice_order_is_a_permutation_and_varies_with_the_seed() {
    let q = question("::Q::Pick {=a ~b ~c ~d ~e}");
    let orders: Vec<Vec<usize>> = (0..20)
        .map(|seed| OptionOrder::draw(&q, &mut StdRng::seed_from_u64(seed)).shown_options(5))
        .collect();
    for order in &orders {
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, [0, 1, 2, 3, 4]);
    }
    assert!(
        orders.iter().any(|o| o[0] != 0),
        "the key is not always first"
    );
}

#[test]
fn the_first_option_shown_maps_to_what_was_shown_there() {
    let q = question("::Q::Pick {=right ~b ~c ~d}");
    let order = OptionOrder {
        options: vec![2, 0, 3, 1],
        rows: Vec::new(),
    };
    assert_eq!(order.to_canonical(&q, &choice(0)), choice(2));
    assert_eq!(fraction(&q, &order.to_canonical(&q, &choice(0))), 0.0);
    assert_eq!(fraction(&q, &order.to_canonical(&q, &choice(1))), 1.0);
    assert_eq!(order.to_shown(&q, &choice(0)), choice(1));
}

#[test]
fn an_index_beyond_the_options_is_still_refused() {
    let q = question("::Q::Pick {=right ~b ~c}");
    let order = OptionOrder {
        options: vec![1, 2, 0],
        rows: Vec::new(),
    };
    let canonical = order.to_canonical(&q, &choice(7));
    assert!(answer::check(&q, &canonical, Some(Sureness::Low)).is_err());
}

#[test]
fn a_damaged_stored_order_reads_as_the_order_written() {
    assert!(OptionOrder::parse(Some("not json")).is_identity());
    let wrong_length = OptionOrder {
        options: vec![1, 0],
        rows: Vec::new(),
    };
    assert_eq!(wrong_length.shown_options(4), [0, 1, 2, 3]);
}

#[test]
fn matching_choices_are_reordered_even_when_rows_are_kept() {
    let q = question(
        "// [tag:noshuffle]\n::M::Match {=a -> 1 =b -> 2 =c -> 3 =d -> 4 =e -> 5 =f -> 6}",
    );
    let drawn: Vec<OptionOrder> = (0..10)
        .map(|seed| OptionOrder::draw(&q, &mut StdRng::seed_from_u64(seed)))
        .collect();
    assert!(drawn.iter().all(|o| o.rows.is_empty()));
    assert!(drawn.iter().any(|o| !o.is_identity()));
}

#[test]
fn the_shown_question_lists_options_in_the_order_shown() {
    let q = question("::Q::Pick {=right ~b ~c}");
    let order = OptionOrder {
        options: vec![2, 0, 1],
        rows: Vec::new(),
    };
    let shown = order.shown_question(&q);
    let texts: Vec<String> = match shown.kind {
        crate::questions::QuestionKind::MultiChoice { answers, .. } => {
            answers.into_iter().map(|a| a.text).collect()
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(texts, ["c", "right", "b"]);
}

proptest! {
    /// Whatever the order, choosing the option shown at a position earns the marks of the
    /// option written there, and a stored answer is shown back where it was chosen.
    #[test]
    fn translation_grades_what_was_shown(seed in any::<u64>(), pick in 0usize..5) {
        let q = question("::Q::Pick {=a ~%50%b ~c ~%-50%d ~e}");
        let order = OptionOrder::draw(&q, &mut StdRng::seed_from_u64(seed));
        let shown = order.shown_options(5);
        let canonical = order.to_canonical(&q, &choice(pick));
        prop_assert_eq!(canonical.choice, Some(shown[pick]));
        let direct = fraction(&q, &choice(shown[pick]));
        prop_assert_eq!(fraction(&q, &canonical), direct);
        prop_assert_eq!(order.to_shown(&q, &canonical), choice(pick));
        let stored = OptionOrder::parse(order.to_stored().as_deref());
        prop_assert_eq!(stored.shown_options(5), shown);
    }

    #[test]
    fn matching_translation_round_trips(seed in any::<u64>(), picks in proptest::collection::vec(0usize..4, 4)) {
        let q = question("::M::Match {=a -> 1 =b -> 2 =c -> 3 =d -> 4}");
        let order = OptionOrder::draw(&q, &mut StdRng::seed_from_u64(seed));
        let input = AnswerInput {
            matches: picks.iter().copied().enumerate().collect(),
            ..Default::default()
        };
        let canonical = order.to_canonical(&q, &input);
        prop_assert_eq!(order.to_shown(&q, &canonical), input);
        // Each shown row's chosen shown choice names the same texts in canonical terms.
        let choices = q.matching_choices();
        let rows = order.shown_rows(4);
        let options = order.shown_options(4);
        for (shown_row, shown_choice) in picks.iter().enumerate() {
            let row = rows[shown_row];
            prop_assert_eq!(canonical.matches.get(&row).copied(), Some(options[*shown_choice]));
            prop_assert!(choices.get(options[*shown_choice]).is_some());
        }
    }
}
