//! The key-position check: a topic's single-choice items must not keep their right answer in
//! one position far more often than chance would (issue 17). Options are shuffled per
//! attempt, but items that opt out, exports to Moodle and printed banks keep the order
//! written, and a bank with "the answer is usually first" teaches guessing.
//!
//! The test: for each position, the chance that keys would land there at least as often as
//! they do if each item's key were in a random place (a Poisson-binomial tail, exact),
//! multiplied by the number of positions tested (Bonferroni). A bank fails below
//! [`SIGNIFICANCE`], and only with at least [`MIN_ITEMS`] items, where the test has power.

use std::collections::BTreeMap;

use super::problem::Problem;
use super::tree::ItemDef;
use crate::questions::QuestionKind;

/// Below this chance (after correcting for the positions tested), a bank fails.
pub const SIGNIFICANCE: f64 = 0.01;

/// Banks with fewer single-choice items than this are not judged.
pub const MIN_ITEMS: usize = 8;

/// (option count, 0-based key position) of a single-choice item with exactly one right
/// answer; `None` for other items.
fn key_position(item: &ItemDef) -> Option<(usize, usize)> {
    let QuestionKind::MultiChoice {
        single: true,
        answers,
    } = &item.question.kind
    else {
        return None;
    };
    let mut right = answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.fraction >= 1.0);
    match (right.next(), right.next()) {
        (Some((position, _)), None) if answers.len() >= 2 => Some((answers.len(), position)),
        _ => None,
    }
}

/// P(X ≥ at_least) where X counts successes of independent trials with chances `p`.
pub fn tail_at_least(p: &[f64], at_least: usize) -> f64 {
    // dist[k] = P(exactly k successes so far).
    let mut dist = vec![1.0];
    for &chance in p {
        let mut next = vec![0.0; dist.len() + 1];
        for (k, &q) in dist.iter().enumerate() {
            next[k] += q * (1.0 - chance);
            next[k + 1] += q * chance;
        }
        dist = next;
    }
    dist.iter().skip(at_least).sum::<f64>().min(1.0)
}

/// The most over-used key position of a bank: (1-based position, keys there, corrected
/// chance), for banks whose keys sit there more often than [`SIGNIFICANCE`] allows.
pub fn skewed_position(keys: &[(usize, usize)]) -> Option<(usize, usize, f64)> {
    if keys.len() < MIN_ITEMS {
        return None;
    }
    let positions = keys.iter().map(|(options, _)| *options).max().unwrap_or(0);
    (0..positions)
        .map(|position| {
            let chances: Vec<f64> = keys
                .iter()
                .map(|&(options, _)| {
                    if position < options {
                        1.0 / options as f64
                    } else {
                        0.0
                    }
                })
                .collect();
            let count = keys.iter().filter(|(_, key)| *key == position).count();
            let corrected = (tail_at_least(&chances, count) * positions as f64).min(1.0);
            (position + 1, count, corrected)
        })
        .filter(|(_, _, chance)| *chance < SIGNIFICANCE)
        .min_by(|a, b| a.2.total_cmp(&b.2))
}

/// A problem at the first item of every topic bank whose keys are skewed.
pub fn check_key_spread(items: &[ItemDef], problems: &mut Vec<Problem>) {
    let mut banks: BTreeMap<&str, Vec<&ItemDef>> = BTreeMap::new();
    for item in items {
        if let Some(topic) = item.topic() {
            banks.entry(topic).or_default().push(item);
        }
    }
    for (topic, items) in banks {
        let keys: Vec<(usize, usize)> = items.iter().filter_map(|i| key_position(i)).collect();
        let Some((position, count, chance)) = skewed_position(&keys) else {
            continue;
        };
        let Some(first) = items.first() else {
            continue;
        };
        problems.push(Problem::new(
            first.origin.file.clone(),
            first.origin.line,
            format!(
                "topic `{topic}`: the right answer is option {position} in {count} of {} \
                 single-choice items, which chance would give with probability {chance:.1e} \
                 (limit {SIGNIFICANCE}); reorder options to spread the keys, keeping each \
                 option's feedback with it",
                keys.len()
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn tail_matches_the_binomial() {
        // Binomial(4, 1/2): P(X ≥ 3) = 5/16.
        assert!((tail_at_least(&[0.5; 4], 3) - 5.0 / 16.0).abs() < 1e-12);
        assert_eq!(tail_at_least(&[0.25; 3], 0), 1.0);
    }

    #[test]
    fn keys_mostly_first_fail() {
        // The results bank: 12 of 15 four-option items keyed first.
        let keys: Vec<(usize, usize)> = (0..15).map(|i| (4, usize::from(i >= 12))).collect();
        let (position, count, chance) = skewed_position(&keys).unwrap();
        assert_eq!((position, count), (1, 12));
        assert!(chance < 1e-4, "{chance}");
    }

    #[test]
    fn spread_keys_pass() {
        let keys: Vec<(usize, usize)> = (0..16).map(|i| (4, i % 4)).collect();
        assert_eq!(skewed_position(&keys), None);
        // Mild unevenness is what chance gives: 7 of 16 in one place is not flagged.
        let mut uneven = keys.clone();
        for key in uneven.iter_mut().take(5) {
            key.1 = 0;
        }
        assert_eq!(uneven.iter().filter(|k| k.1 == 0).count(), 7);
        assert_eq!(skewed_position(&uneven), None);
    }

    #[test]
    fn small_banks_are_not_judged() {
        let keys = [(4, 0); MIN_ITEMS - 1];
        assert_eq!(skewed_position(&keys), None);
        assert!(skewed_position(&[(4, 0); MIN_ITEMS]).is_some());
    }

    #[test]
    fn positions_only_some_items_have_count_against_those_items() {
        // Keys always at option 5 of five-option items, among four-option items.
        let mut keys: Vec<(usize, usize)> = (0..8).map(|i| (4, i % 4)).collect();
        keys.extend(std::iter::repeat_n((5, 4), 6));
        assert_eq!(skewed_position(&keys).map(|s| (s.0, s.1)), Some((5, 6)));
    }

    #[test]
    fn the_problem_names_the_file_and_line_of_the_bank() {
        use crate::content::tree::Origin;
        use crate::questions::parse_gift;
        let mut source = String::from("$CATEGORY: results\n\n");
        for i in 0..10 {
            source.push_str(&format!("// [id:r{i}]\n::Q{i}::Pick {{=a ~b ~c ~d}}\n\n"));
        }
        let items: Vec<ItemDef> = parse_gift(&source, "questions/results.gift")
            .unwrap()
            .into_iter()
            .map(|question| ItemDef {
                origin: Origin {
                    file: "questions/results.gift".into(),
                    line: question.line,
                },
                question,
            })
            .collect();
        let mut problems = Vec::new();
        check_key_spread(&items, &mut problems);
        assert_eq!(problems.len(), 1, "{problems:?}");
        let shown = problems[0].to_string();
        // The first item's comment line starts it (line 3), or its `::name` line (4).
        let line = items[0].origin.line;
        assert!((3..=4).contains(&line), "{line}");
        assert!(
            shown.starts_with(&format!("questions/results.gift:{line}: topic `results`")),
            "{shown}"
        );
        assert!(shown.contains("option 1 in 10 of 10"), "{shown}");
    }
}
