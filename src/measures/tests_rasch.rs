use super::rasch::*;
use super::tests_support::{Rng, assert_close};

/// A person who answered `items` with these right/wrong values.
fn person(answers: &[(usize, bool)]) -> Vec<Observation> {
    answers.to_vec()
}

/// `n` copies of one response pattern.
fn copies(n: usize, answers: &[(usize, bool)]) -> Vec<Vec<Observation>> {
    vec![person(answers); n]
}

/// Simulated Rasch answers: abilities N(0, sd) by Box–Muller, each person answering `per_person`
/// items drawn without replacement (all of them when it equals the item count).
fn simulate(
    seed: u64,
    persons: usize,
    difficulties: &[f64],
    per_person: usize,
    sd: f64,
) -> Vec<Vec<Observation>> {
    let mut rng = Rng::new(seed);
    (0..persons)
        .map(|_| {
            let theta = sd
                * (-2.0 * (1.0 - rng.unit()).ln()).sqrt()
                * (2.0 * std::f64::consts::PI * rng.unit()).cos();
            let mut items: Vec<usize> = (0..difficulties.len()).collect();
            for i in 0..per_person {
                let j = i + rng.below((items.len() - i) as u64) as usize;
                items.swap(i, j);
            }
            items[..per_person]
                .iter()
                .map(|&i| (i, rng.unit() < probability(theta, difficulties[i])))
                .collect()
        })
        .collect()
}

fn difficulty(c: &Calibration, i: usize) -> f64 {
    c.items[i].difficulty.expect("estimated")
}

#[test]
fn two_items_by_hand() {
    // Only persons with one of the two right inform the fit: 30 got item 0 (not 1), 10 got
    // item 1 (not 0). CML: e^(b1 − b0) = 30/10, so b0 = −ln 3 / 2 and b1 = ln 3 / 2. The
    // information for d = b1 − b0 is N p(1 − p) = 40 × 0.75 × 0.25 = 7.5 and b0 = −d/2, so
    // SE = √(1 / (4 × 7.5)) = √(1/30).
    let mut persons = copies(30, &[(0, true), (1, false)]);
    persons.extend(copies(10, &[(0, false), (1, true)]));
    persons.extend(copies(5, &[(0, true), (1, true)]));
    persons.extend(copies(7, &[(0, false), (1, false)]));
    let c = calibrate(2, &persons);
    assert_close(difficulty(&c, 0), -(3.0_f64.ln()) / 2.0);
    assert_close(difficulty(&c, 1), 3.0_f64.ln() / 2.0);
    for item in &c.items {
        assert_eq!(item.status, ItemStatus::Estimated);
        assert_close(item.standard_error.unwrap(), (1.0_f64 / 30.0).sqrt());
    }
    assert_eq!((c.persons, c.persons_extreme), (52, 12));
    assert_eq!((c.items[0].n, c.items[0].n_right), (52, 35));
}

#[test]
fn an_item_everyone_got_right_is_reported_not_estimated() {
    // Item 2 is right for everyone: no finite difficulty. The others fit as in the hand case,
    // and the persons who then got all of items 0 and 1 right or wrong are left out.
    let mut persons = copies(30, &[(0, true), (1, false), (2, true)]);
    persons.extend(copies(10, &[(0, false), (1, true), (2, true)]));
    persons.extend(copies(4, &[(0, true), (1, true), (2, true)]));
    persons.extend(copies(6, &[(0, false), (1, false), (2, true)]));
    let c = calibrate(3, &persons);
    assert_eq!(c.items[2].status, ItemStatus::AllRight);
    assert_eq!(c.items[2].difficulty, None);
    assert_eq!(c.items[2].standard_error, None);
    assert_eq!((c.items[2].n, c.items[2].n_right), (50, 50));
    assert_close(difficulty(&c, 0), -(3.0_f64.ln()) / 2.0);
    assert_close(difficulty(&c, 1), 3.0_f64.ln() / 2.0);
    assert_eq!(c.persons_extreme, 10);
}

#[test]
fn an_item_everyone_got_wrong_and_an_unanswered_item_are_reported() {
    let mut persons = copies(20, &[(0, true), (1, false), (2, false)]);
    persons.extend(copies(20, &[(0, false), (1, true), (2, false)]));
    let c = calibrate(4, &persons);
    assert_eq!(c.items[2].status, ItemStatus::AllWrong);
    assert_eq!(c.items[3].status, ItemStatus::NoResponses);
    assert_eq!(c.items[3].n, 0);
    assert_close(difficulty(&c, 0), 0.0);
    assert_close(difficulty(&c, 1), 0.0);
}

#[test]
fn an_item_only_extreme_persons_answered_is_reported_by_their_answers() {
    // Item 2 was answered only by a person who got everything right.
    let mut persons = copies(20, &[(0, true), (1, false)]);
    persons.extend(copies(20, &[(0, false), (1, true)]));
    persons.push(person(&[(0, true), (2, true)]));
    let c = calibrate(3, &persons);
    assert_eq!(c.items[2].status, ItemStatus::AllRight);
    assert_eq!(c.items[0].status, ItemStatus::Estimated);
}

#[test]
fn items_the_data_do_not_connect_are_not_estimable() {
    // Two separate halves: nothing ties items 0–1 to items 2–3.
    let mut persons = copies(10, &[(0, true), (1, false)]);
    persons.extend(copies(10, &[(0, false), (1, true)]));
    persons.extend(copies(10, &[(2, true), (3, false)]));
    persons.extend(copies(5, &[(2, false), (3, true)]));
    let c = calibrate(4, &persons);
    assert!(
        c.items.iter().all(|i| i.status == ItemStatus::NotEstimable),
        "{c:?}"
    );
    assert!(c.items.iter().all(|i| i.difficulty.is_none()));
}

#[test]
fn a_single_item_cannot_be_calibrated() {
    let c = calibrate(1, &copies(5, &[(0, true)]));
    assert_eq!(c.items[0].status, ItemStatus::AllRight);
    let persons = vec![person(&[(0, true)]), person(&[(0, false)])];
    let c = calibrate(1, &persons);
    assert_eq!(c.items[0].status, ItemStatus::NotEstimable);
}

#[test]
fn repeated_and_out_of_range_answers_count_once_or_not_at_all() {
    let mut persons = copies(30, &[(0, true), (1, false), (0, false), (9, true)]);
    persons.extend(copies(10, &[(0, false), (1, true)]));
    let c = calibrate(2, &persons);
    assert_close(difficulty(&c, 0), -(3.0_f64.ln()) / 2.0);
    assert_eq!(c.items[0].n, 40);
}

#[test]
fn recovers_known_difficulties_from_a_complete_design() {
    let truth: Vec<f64> = (0..10).map(|i| -2.0 + 4.0 * i as f64 / 9.0).collect();
    let c = calibrate(10, &simulate(11, 2000, &truth, 10, 1.0));
    for (i, b) in truth.iter().enumerate() {
        let item = &c.items[i];
        let se = item.standard_error.unwrap();
        assert!((0.03..0.12).contains(&se), "item {i}: SE {se}");
        // Within 3.5 standard errors of the truth.
        assert!(
            (difficulty(&c, i) - b).abs() < 3.5 * se,
            "item {i}: {item:?} vs {b}"
        );
        let (infit, outfit) = (item.infit.unwrap(), item.outfit.unwrap());
        assert!((0.85..1.15).contains(&infit), "item {i}: infit {infit}");
        assert!((0.75..1.3).contains(&outfit), "item {i}: outfit {outfit}");
        assert!(!item.misfits(), "item {i}: {item:?}");
    }
    let mean: f64 = (0..10).map(|i| difficulty(&c, i)).sum::<f64>() / 10.0;
    assert_close(mean, 0.0);
}

#[test]
fn recovers_known_difficulties_when_each_person_answers_three_of_eight() {
    // The baseline's shape: a few items per topic, drawn at random from the bank.
    let truth = [-1.5, -1.0, -0.5, 0.0, 0.2, 0.5, 1.0, 1.3];
    let centre = truth.iter().sum::<f64>() / 8.0;
    let c = calibrate(8, &simulate(5, 4000, &truth, 3, 1.0));
    for (i, b) in truth.iter().enumerate() {
        let se = c.items[i].standard_error.unwrap();
        assert!(
            (difficulty(&c, i) - (b - centre)).abs() < 3.5 * se,
            "item {i}: {:?}",
            c.items[i]
        );
    }
    assert!(c.persons_extreme > 0);
}

#[test]
fn an_item_unrelated_to_ability_is_flagged_as_misfitting() {
    let truth: Vec<f64> = (0..10).map(|i| -2.0 + 4.0 * i as f64 / 9.0).collect();
    let mut persons = simulate(3, 1000, &truth, 10, 1.5);
    // Item 5 is answered right at random, half the time, whatever the person knows.
    let mut rng = Rng::new(99);
    for p in &mut persons {
        for answer in p.iter_mut().filter(|a| a.0 == 5) {
            answer.1 = rng.unit() < 0.5;
        }
    }
    let c = calibrate(10, &persons);
    let noisy = &c.items[5];
    assert!(noisy.infit.unwrap() > MISFIT_HIGH, "{noisy:?}");
    assert!(noisy.misfits());
    let fitting = (0..10).filter(|&i| !c.items[i].misfits()).count();
    assert!(fitting >= 8, "{c:?}");
}

#[test]
fn fit_mean_squares_by_hand() {
    // Two items; the informative persons each have one right, so their maximum-likelihood
    // ability solves P(θ − b0) + P(θ − b1) = 1, i.e. θ = (b0 + b1)/2 = 0. With b0 = −ln 3 / 2,
    // P0 = 1/(1 + e^b0) = 1/(1 + 3^−½) and P1 = 1 − P0. For item 0, 30 persons have x = 1
    // (residual 1 − P0) and 10 have x = 0 (residual −P0); each z² is residual² / (P0(1 − P0)).
    let mut persons = copies(30, &[(0, true), (1, false)]);
    persons.extend(copies(10, &[(0, false), (1, true)]));
    let c = calibrate(2, &persons);
    let p0 = 1.0 / (1.0 + 3.0_f64.powf(-0.5));
    let v = p0 * (1.0 - p0);
    let squares = 30.0 * (1.0 - p0).powi(2) + 10.0 * p0.powi(2);
    assert_close(c.items[0].outfit.unwrap(), squares / v / 40.0);
    assert_close(c.items[0].infit.unwrap(), squares / (40.0 * v));
}

#[test]
fn misfit_range_is_inclusive() {
    let item = |infit, outfit| ItemCalibration {
        status: ItemStatus::Estimated,
        n: 10,
        n_right: 5,
        difficulty: Some(0.0),
        standard_error: Some(0.5),
        infit: Some(infit),
        outfit: Some(outfit),
    };
    assert!(!item(0.7, 1.3).misfits());
    assert!(item(0.69, 1.0).misfits());
    assert!(item(1.0, 1.31).misfits());
}

#[test]
fn status_names_round_trip() {
    for s in [
        ItemStatus::Estimated,
        ItemStatus::NoResponses,
        ItemStatus::AllRight,
        ItemStatus::AllWrong,
        ItemStatus::NotEstimable,
    ] {
        assert_eq!(ItemStatus::parse(s.as_str()), Some(s));
    }
    assert_eq!(ItemStatus::parse("other"), None);
}

#[test]
fn weighted_likelihood_ability_by_hand() {
    // One item at b = 0. Right: Warm's equation is 1 − P + (1 − 2P)/2 = 0, so P = 3/4 and
    // θ = ln 3; wrong: −P + (1 − 2P)/2 = 0, so P = 1/4 and θ = −ln 3. SE = 1/√(P(1 − P)).
    let right = ability(&[(0.0, true)]).unwrap();
    assert_close(right.theta, 3.0_f64.ln());
    assert_close(right.standard_error, 1.0 / (0.75_f64 * 0.25).sqrt());
    let wrong = ability(&[(0.0, false)]).unwrap();
    assert_close(wrong.theta, -(3.0_f64.ln()));
    // Items at 1 and −1, one right: symmetric, so θ = 0 whichever was right.
    assert_close(ability(&[(1.0, true), (-1.0, false)]).unwrap().theta, 0.0);
    assert_eq!(ability(&[]), None);
}

#[test]
fn weighted_likelihood_shifts_with_the_items() {
    // The same answers to items all 1 logit harder give an ability 1 logit higher.
    let easy = ability(&[(0.0, true), (0.5, true), (-0.5, false)]).unwrap();
    let hard = ability(&[(1.0, true), (1.5, true), (0.5, false)]).unwrap();
    assert_close(hard.theta - easy.theta, 1.0);
    assert_close(hard.standard_error, easy.standard_error);
}

#[test]
fn maximum_likelihood_by_hand() {
    assert_close(
        maximum_likelihood(&[(0.0, true), (0.0, false)]).unwrap(),
        0.0,
    );
    // 2 of 3 right on items at 0: 3P = 2, θ = ln 2.
    let theta = maximum_likelihood(&[(0.0, true), (0.0, true), (0.0, false)]).unwrap();
    assert_close(theta, 2.0_f64.ln());
    assert_eq!(maximum_likelihood(&[(0.0, true), (1.0, true)]), None);
    assert_eq!(maximum_likelihood(&[(0.0, false)]), None);
}

#[test]
fn expected_percent_by_hand() {
    // At θ = ln 3: P = 3/4 on an item at 0 and 1/2 on an item at ln 3; mean 62.5 %.
    assert_close(
        expected_percent(3.0_f64.ln(), &[0.0, 3.0_f64.ln()]).unwrap(),
        62.5,
    );
    assert_close(expected_percent(0.0, &[0.0]).unwrap(), 50.0);
    assert_eq!(expected_percent(0.0, &[]), None);
    assert_close(probability(1.0, 1.0), 0.5);
}
