//! Drawing an attempt's items from the bank by the blueprint: n items per topic, at random,
//! avoiding items the learner has already seen where the bank allows (the parallel form).
//! Where the bank is calibrated, a post-assessment's items are matched in difficulty to the
//! baseline items the learner saw (the equated form, docs/calibration.md).

use std::collections::{HashMap, HashSet};

use rand::Rng;
use rand::seq::SliceRandom;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolItem {
    pub item_id: i64,
    pub item_version_id: i64,
    pub topic_id: i64,
}

/// Items for each `(topic_id, count)` of the blueprint, in blueprint order.
pub fn draw(
    blueprint: &[(i64, usize)],
    pool: &[PoolItem],
    avoid: &HashSet<i64>,
    rng: &mut impl Rng,
) -> Vec<PoolItem> {
    draw_matched(blueprint, pool, avoid, &Matching::default(), rng)
}

/// What an equated form matches: calibrated difficulties by item version, and per topic the
/// difficulties of the baseline items the learner saw.
#[derive(Debug, Clone, Default)]
pub struct Matching {
    pub difficulty: HashMap<i64, f64>,
    pub targets: HashMap<i64, Vec<f64>>,
}

/// [`draw`], except that in a topic with `targets`, unseen items whose difficulty is closest to
/// each target are taken first (the closest pair of any target and any such item, then the
/// next closest, and so on; ties at random), up to the topic's count. The rest of the count is
/// filled as [`draw`] fills it. Without targets or calibrated unseen items it is [`draw`].
pub fn draw_matched(
    blueprint: &[(i64, usize)],
    pool: &[PoolItem],
    avoid: &HashSet<i64>,
    matching: &Matching,
    rng: &mut impl Rng,
) -> Vec<PoolItem> {
    let mut drawn = Vec::new();
    for &(topic_id, count) in blueprint {
        let (mut fresh, mut seen): (Vec<PoolItem>, Vec<PoolItem>) = pool
            .iter()
            .filter(|item| item.topic_id == topic_id)
            .partition(|item| !avoid.contains(&item.item_id));
        fresh.shuffle(rng);
        seen.shuffle(rng);
        let targets = matching
            .targets
            .get(&topic_id)
            .map(|t| spread(t, count))
            .unwrap_or_default();
        let matched = closest(&targets, &fresh, &matching.difficulty);
        let rest = fresh.into_iter().filter(|item| !matched.contains(item));
        drawn.extend(matched.iter().copied().chain(rest).chain(seen).take(count));
    }
    drawn
}

/// At most `count` of `targets`, evenly spread over their range when there are more (the
/// median for one).
fn spread(targets: &[f64], count: usize) -> Vec<f64> {
    let mut sorted = targets.to_vec();
    sorted.sort_by(f64::total_cmp);
    if sorted.len() <= count || count == 0 {
        sorted.truncate(count);
        return sorted;
    }
    if count == 1 {
        return vec![sorted[(sorted.len() - 1) / 2]];
    }
    let last = (sorted.len() - 1) as f64;
    let steps = (count - 1) as f64;
    (0..count)
        .map(|k| sorted[((k as f64 * last / steps).round() as usize).min(sorted.len() - 1)])
        .collect()
}

/// Greedy nearest matching of `targets` to calibrated `candidates` (in their given order, so
/// that ties go to the earlier, shuffled one).
fn closest(
    targets: &[f64],
    candidates: &[PoolItem],
    difficulty: &HashMap<i64, f64>,
) -> Vec<PoolItem> {
    let mut open: Vec<(PoolItem, f64)> = candidates
        .iter()
        .filter_map(|item| Some((*item, *difficulty.get(&item.item_version_id)?)))
        .collect();
    let mut targets = targets.to_vec();
    let mut matched = Vec::new();
    while !targets.is_empty() && !open.is_empty() {
        let mut best = (0, 0, f64::INFINITY);
        for (t, target) in targets.iter().enumerate() {
            for (c, (_, b)) in open.iter().enumerate() {
                let gap = (b - target).abs();
                if gap < best.2 {
                    best = (t, c, gap);
                }
            }
        }
        targets.swap_remove(best.0);
        matched.push(open.remove(best.1).0);
    }
    matched
}

/// Up to `count` more items of `topic_id` for an attempt that already holds the items in
/// `held` (item ids), at random; never one it holds (an adaptive follow-up, docs/measurement.md).
pub fn more(
    topic_id: i64,
    count: usize,
    pool: &[PoolItem],
    held: &HashSet<i64>,
    rng: &mut impl Rng,
) -> Vec<PoolItem> {
    let mut fresh: Vec<PoolItem> = pool
        .iter()
        .filter(|item| item.topic_id == topic_id && !held.contains(&item.item_id))
        .copied()
        .collect();
    fresh.shuffle(rng);
    fresh.truncate(count);
    fresh
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    fn pool() -> Vec<PoolItem> {
        (1..=10)
            .map(|i| PoolItem {
                item_id: i,
                item_version_id: 100 + i,
                topic_id: if i <= 5 { 1 } else { 2 },
            })
            .collect()
    }

    #[test]
    fn draws_the_blueprint_count_per_topic_in_order() {
        let drawn = draw(
            &[(2, 3), (1, 2)],
            &pool(),
            &HashSet::new(),
            &mut StdRng::seed_from_u64(7),
        );
        let topics: Vec<i64> = drawn.iter().map(|i| i.topic_id).collect();
        assert_eq!(topics, [2, 2, 2, 1, 1]);
        let distinct: HashSet<i64> = drawn.iter().map(|i| i.item_id).collect();
        assert_eq!(distinct.len(), 5);
    }

    #[test]
    fn avoids_seen_items_when_the_bank_allows() {
        let seen: HashSet<i64> = [1, 2, 3].into_iter().collect();
        for seed in 0..20 {
            let drawn = draw(&[(1, 2)], &pool(), &seen, &mut StdRng::seed_from_u64(seed));
            assert!(
                drawn.iter().all(|i| !seen.contains(&i.item_id)),
                "{drawn:?}"
            );
        }
    }

    #[test]
    fn reuses_seen_items_only_to_fill_the_blueprint() {
        let seen: HashSet<i64> = [1, 2, 3, 4].into_iter().collect();
        let drawn = draw(&[(1, 3)], &pool(), &seen, &mut StdRng::seed_from_u64(1));
        assert_eq!(drawn.len(), 3);
        assert_eq!(drawn[0].item_id, 5, "the unseen item comes first");
    }

    /// Items 1–5 (topic 1) at difficulties −2, −1, 0, 1, 2; items 6–10 uncalibrated.
    fn matching(targets: &[f64]) -> Matching {
        Matching {
            difficulty: (1..=5).map(|i| (100 + i, (i - 3) as f64)).collect(),
            targets: HashMap::from([(1, targets.to_vec())]),
        }
    }

    #[test]
    fn an_equated_form_takes_the_unseen_items_closest_to_what_was_seen() {
        // Seen items 1 and 5 (−2, 2); unseen 2, 3, 4 at −1, 0, 1: targets −2 and 2 match −1
        // and 1 whatever the shuffle.
        let seen: HashSet<i64> = [1, 5].into_iter().collect();
        for seed in 0..20 {
            let drawn = draw_matched(
                &[(1, 2)],
                &pool(),
                &seen,
                &matching(&[-2.0, 2.0]),
                &mut StdRng::seed_from_u64(seed),
            );
            let mut ids: Vec<i64> = drawn.iter().map(|i| i.item_id).collect();
            ids.sort_unstable();
            assert_eq!(ids, [2, 4], "seed {seed}");
        }
    }

    #[test]
    fn an_equated_form_fills_up_at_random_and_never_repeats_a_seen_item_it_can_avoid() {
        // One target at 0.4 (nearest unseen: item 3 at 0), and a count of 3.
        let seen: HashSet<i64> = [4].into_iter().collect();
        let drawn = draw_matched(
            &[(1, 3)],
            &pool(),
            &seen,
            &matching(&[0.4]),
            &mut StdRng::seed_from_u64(3),
        );
        assert_eq!(drawn[0].item_id, 3);
        assert_eq!(drawn.len(), 3);
        assert!(drawn.iter().all(|i| i.item_id != 4), "{drawn:?}");
    }

    #[test]
    fn without_calibration_the_equated_draw_is_the_random_draw() {
        let seen: HashSet<i64> = [1, 2].into_iter().collect();
        let uncalibrated = Matching {
            difficulty: HashMap::new(),
            targets: HashMap::from([(1, vec![0.0, 1.0])]),
        };
        for seed in 0..10 {
            let plain = draw(
                &[(1, 2), (2, 2)],
                &pool(),
                &seen,
                &mut StdRng::seed_from_u64(seed),
            );
            let matched = draw_matched(
                &[(1, 2), (2, 2)],
                &pool(),
                &seen,
                &uncalibrated,
                &mut StdRng::seed_from_u64(seed),
            );
            assert_eq!(plain, matched);
        }
    }

    #[test]
    fn more_targets_than_items_are_spread_over_their_range() {
        assert_eq!(spread(&[3.0, -1.0, 0.0, 1.0, 2.0], 3), [-1.0, 1.0, 3.0]);
        assert_eq!(spread(&[1.0, 0.0], 3), [0.0, 1.0]);
        assert_eq!(spread(&[1.0, 0.0], 1), [0.0]);
        assert!(spread(&[1.0], 0).is_empty());
    }

    #[test]
    fn more_never_repeats_an_item_held() {
        let held: HashSet<i64> = [1, 2, 3].into_iter().collect();
        for seed in 0..20 {
            let extra = more(1, 5, &pool(), &held, &mut StdRng::seed_from_u64(seed));
            let ids: HashSet<i64> = extra.iter().map(|i| i.item_id).collect();
            assert_eq!(ids, [4, 5].into_iter().collect::<HashSet<i64>>());
        }
        assert_eq!(
            more(1, 1, &pool(), &held, &mut StdRng::seed_from_u64(3)).len(),
            1
        );
    }

    #[test]
    fn a_small_bank_gives_what_it_has() {
        let drawn = draw(
            &[(1, 9)],
            &pool(),
            &HashSet::new(),
            &mut StdRng::seed_from_u64(1),
        );
        assert_eq!(drawn.len(), 5);
    }
}
