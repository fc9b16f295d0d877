//! Drawing an attempt's items from the bank by the blueprint: n items per topic, at random,
//! avoiding items the learner has already seen where the bank allows (the parallel form).

use std::collections::HashSet;

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
    let mut drawn = Vec::new();
    for &(topic_id, count) in blueprint {
        let (mut fresh, mut seen): (Vec<PoolItem>, Vec<PoolItem>) = pool
            .iter()
            .filter(|item| item.topic_id == topic_id)
            .partition(|item| !avoid.contains(&item.item_id));
        fresh.shuffle(rng);
        seen.shuffle(rng);
        drawn.extend(fresh.into_iter().chain(seen).take(count));
    }
    drawn
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
