//! `bench simulate`: how often the baseline's test-out decision is wrong, measured on learners
//! whose true knowledge is known (docs/measurement.md).
//!
//! People are drawn as the benchmark population draws them (staff group, role, a general
//! ability around the group's mean: [`super::population`]); a person's true knowledge of a
//! topic is [`crate::demo::Learner::topic_knowledge`] for their role's target, read as the
//! share of the topic's baseline bank they would answer right. Responses follow the Rasch
//! model: item `i` is answered right with probability `1 / (1 + exp(b_i − θ))`, where the
//! person's ability θ on the topic is the one whose expected share of the topic's bank equals
//! their true knowledge. Items are drawn by the real draw ([`draw::draw`], [`draw::more`]) and
//! decided by the real rule ([`decision::decide`], [`FollowUp`]), with the uniform prior or
//! with role priors fitted as the service fits them ([`fit_priors`]) to a first cohort.
//! Deterministic for a seed.

use std::collections::{HashMap, HashSet};

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;

use super::population::{Role, Workforce};
use crate::assessment::draw::{self, PoolItem};
use crate::entities::{Phase, item_stat};
use crate::error::AppResult;
use crate::measures::decision::{self, FollowUp};
use crate::measures::prior::{self, Prior};

/// First-attempt baseline responses an item needs before its p-value sets its difficulty.
pub const MIN_RESPONSES: i64 = 30;

/// What the simulation needs of the content.
pub struct Bank {
    /// The baseline's blueprint: (topic, items) in order.
    pub blueprint: Vec<(i64, usize)>,
    /// The baseline's pool.
    pub pool: Vec<PoolItem>,
    /// Rasch difficulty (logits) by item version.
    pub difficulty: HashMap<i64, f64>,
    pub roles: Vec<Role>,
    /// Each role's target (0–100) by topic, in the order of `roles`.
    pub targets: Vec<HashMap<i64, f64>>,
    /// Topics whose difficulties came from item p-values (the others from `spread`).
    pub topics_from_p_values: usize,
    /// How far people of a staff group differ around its mean, as a multiple of the
    /// benchmark population's spread (1).
    pub ability_spread: f64,
}

/// How the baseline asks: today's fixed number of items per topic, or adaptively.
#[derive(Debug, Clone, Copy)]
pub enum Design {
    Fixed,
    Adaptive(FollowUp),
}

impl Design {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Fixed => "fixed",
            Self::Adaptive(_) => "adaptive",
        }
    }
}

/// What a run measured.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub design: &'static str,
    /// "uniform", or "role" when fitted priors were used.
    pub priors: &'static str,
    pub seed: u64,
    pub people: usize,
    /// Person-topic decisions made.
    pub decisions: usize,
    /// Share of decisions that differ from the one the true knowledge calls for.
    pub wrong: f64,
    /// Decisions for people whose true knowledge is at least 10 points from the target.
    pub far_decisions: usize,
    pub far_wrong: f64,
    pub median_items: usize,
    pub p95_items: usize,
    /// Of the topic estimate (the score, 0–100) against the true knowledge (0–100).
    pub rmse: f64,
    pub bias: f64,
}

impl Figures {
    pub fn line(&self) -> String {
        format!(
            "{:<8} {:<7} priors, seed {} people {}: wrong {:.1} % of {} decisions; {:.1} % of {} made 10+ points \
             from target; items per person median {} (95th percentile {}); topic estimate RMSE \
             {:.1}, bias {:+.1} points",
            self.design,
            self.priors,
            self.seed,
            self.people,
            100.0 * self.wrong,
            self.decisions,
            100.0 * self.far_wrong,
            self.far_decisions,
            self.median_items,
            self.p95_items,
            self.rmse,
            self.bias
        )
    }
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

/// The ability whose expected share right over items of `difficulties` is `knowledge` (0–1).
pub fn ability_for(knowledge: f64, difficulties: &[f64]) -> f64 {
    if difficulties.is_empty() {
        return 0.0;
    }
    let share = |theta: f64| {
        difficulties
            .iter()
            .map(|b| logistic(theta - b))
            .sum::<f64>()
            / difficulties.len() as f64
    };
    let (mut low, mut high) = (-20.0, 20.0);
    for _ in 0..100 {
        let mid = f64::midpoint(low, high);
        if share(mid) < knowledge {
            low = mid;
        } else {
            high = mid;
        }
    }
    f64::midpoint(low, high)
}

/// The standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9).
fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if p < 0.024_25 {
        tail((-2.0 * p.ln()).sqrt())
    } else if p > 1.0 - 0.024_25 {
        -tail((-2.0 * (1.0 - p).ln()).sqrt())
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

/// Difficulties for one topic's items (item versions, in pool order): from their p-values
/// (b = ln((1 − p) / p), p clamped to 0.02–0.98) when every item has one, else spread as the
/// normal quantiles (k + ½)/n × `spread` logits, shuffled over the items by `rng`.
pub fn topic_difficulties(
    versions: &[i64],
    p_values: &HashMap<i64, f64>,
    spread: f64,
    rng: &mut impl Rng,
) -> (HashMap<i64, f64>, bool) {
    if !versions.is_empty() && versions.iter().all(|v| p_values.contains_key(v)) {
        let by_p = versions
            .iter()
            .map(|v| {
                let p = p_values[v].clamp(0.02, 0.98);
                (*v, ((1.0 - p) / p).ln())
            })
            .collect();
        return (by_p, true);
    }
    let n = versions.len() as f64;
    let mut quantiles: Vec<f64> = (0..versions.len())
        .map(|k| spread * normal_quantile((k as f64 + 0.5) / n))
        .collect();
    rand::seq::SliceRandom::shuffle(quantiles.as_mut_slice(), rng);
    (versions.iter().copied().zip(quantiles).collect(), false)
}

/// Item p-values (mean fraction) from first-attempt baselines, for items with at least
/// [`MIN_RESPONSES`] responses.
pub async fn p_values(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, f64>> {
    Ok(item_stat::Entity::find()
        .filter(item_stat::Column::Phase.eq(Phase::Baseline.as_str()))
        .filter(item_stat::Column::StaffGroupId.eq(0))
        .filter(item_stat::Column::N.gte(MIN_RESPONSES))
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.item_version_id, s.sum_fraction / s.n as f64))
        .collect())
}

/// The bank as the database holds it: the baseline, roles and targets, and difficulties from
/// item p-values where every item of a topic has one, else spread by `spread` logits.
pub async fn load(db: &impl ConnectionTrait, spread: f64, seed: u64) -> AppResult<Bank> {
    let content = super::seed::content(db).await?;
    let p_values = p_values(db).await?;
    let mut rng = StdRng::seed_from_u64(seed ^ 0xD1FF_1C01_7AB1_E5ED);
    let mut difficulty = HashMap::new();
    let mut topics_from_p_values = 0;
    for (topic_id, _) in &content.baseline.blueprint {
        let versions: Vec<i64> = content
            .baseline
            .pool
            .iter()
            .filter(|p| p.topic_id == *topic_id)
            .map(|p| p.item_version_id)
            .collect();
        let (found, from_p) = topic_difficulties(&versions, &p_values, spread, &mut rng);
        topics_from_p_values += usize::from(from_p);
        difficulty.extend(found);
    }
    Ok(Bank {
        blueprint: content.baseline.blueprint.clone(),
        pool: content.baseline.pool.clone(),
        difficulty,
        targets: content
            .targets
            .iter()
            .map(|t| {
                t.iter()
                    .map(|(topic, (level, _))| (*topic, *level))
                    .collect()
            })
            .collect(),
        roles: content.roles,
        topics_from_p_values,
        ability_spread: 1.0,
    })
}

/// One simulated person: their role and true knowledge (0–1) by topic.
struct Simulated {
    role: usize,
    knowledge: HashMap<i64, f64>,
}

fn people(bank: &Bank, n: usize, seed: u64) -> Vec<Simulated> {
    let workforce = Workforce::new(&bank.roles, &[1.0]);
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .filter_map(|_| workforce.person(&mut rng))
        .map(|mut person| {
            // People of a staff group differ around its mean by `ability_spread` times the
            // benchmark population's spread.
            let mean = super::population::mean_ability(&bank.roles[person.role].staff_group_slug);
            person.learner.ability =
                (mean + bank.ability_spread * (person.learner.ability - mean)).clamp(0.05, 0.98);
            Simulated {
                role: person.role,
                knowledge: bank
                    .blueprint
                    .iter()
                    .map(|(topic, _)| {
                        let target = bank.targets[person.role].get(topic).copied().unwrap_or(0.0);
                        (*topic, person.learner.topic_knowledge(target))
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Decision priors by role (an index into [`Bank::roles`]) and topic, as the service would
/// hold them after a cohort ([`fit_priors`]); uniform where absent.
#[derive(Debug, Clone, Default)]
pub struct SimPriors(HashMap<(usize, i64), Prior>);

impl SimPriors {
    fn get(&self, role: usize, topic: i64) -> Prior {
        self.0
            .get(&(role, topic))
            .copied()
            .unwrap_or(Prior::UNIFORM)
    }

    /// Role-topics with a prior other than the uniform one.
    pub fn fitted(&self) -> usize {
        self.0.len()
    }
}

/// Each topic's item difficulties, in pool order.
fn difficulties_by_topic(bank: &Bank) -> HashMap<i64, Vec<f64>> {
    let mut by_topic: HashMap<i64, Vec<f64>> = HashMap::new();
    for item in &bank.pool {
        by_topic.entry(item.topic_id).or_default().push(
            bank.difficulty
                .get(&item.item_version_id)
                .copied()
                .unwrap_or(0.0),
        );
    }
    by_topic
}

/// One person's baseline under `design`: per topic of the blueprint, (topic, items, score).
fn sit(
    bank: &Bank,
    design: Design,
    priors: &SimPriors,
    person: &Simulated,
    by_topic: &HashMap<i64, Vec<f64>>,
    rng: &mut StdRng,
) -> Vec<(i64, u64, f64)> {
    let start: Vec<(i64, usize)> = match design {
        Design::Fixed => bank.blueprint.clone(),
        Design::Adaptive(rule) => bank
            .blueprint
            .iter()
            .map(|(topic, count)| (*topic, (*count).min(rule.start)))
            .collect(),
    };
    let drawn = draw::draw(&start, &bank.pool, &HashSet::new(), rng);
    let mut held: HashSet<i64> = drawn.iter().map(|i| i.item_id).collect();
    let mut sat = Vec::new();
    for (topic, _) in &bank.blueprint {
        let target = bank.targets[person.role].get(topic).copied().unwrap_or(0.0);
        let theta = ability_for(
            person.knowledge[topic],
            by_topic.get(topic).map_or(&[], Vec::as_slice),
        );
        let answer = |item: &PoolItem, rng: &mut StdRng| {
            let b = bank
                .difficulty
                .get(&item.item_version_id)
                .copied()
                .unwrap_or(0.0);
            f64::from(u8::from(rng.random_bool(logistic(theta - b))))
        };
        let (mut n_items, mut sum) = (0u64, 0.0);
        for item in drawn.iter().filter(|i| i.topic_id == *topic) {
            sum += answer(item, rng);
            n_items += 1;
        }
        if let Design::Adaptive(rule) = design {
            let prior = priors.get(person.role, *topic);
            loop {
                let wanted = rule.more(prior, n_items, sum, target);
                let extra = draw::more(*topic, wanted, &bank.pool, &held, rng);
                if extra.is_empty() {
                    break;
                }
                for item in &extra {
                    held.insert(item.item_id);
                    sum += answer(item, rng);
                    n_items += 1;
                }
            }
        }
        sat.push((*topic, n_items, sum));
    }
    sat
}

/// The priors the service would fit (`assessment::priors`: each role's, else its staff
/// group's, with at least [`crate::measures::prior::MIN_LEARNERS`]) after a first cohort of
/// `cohort` people, drawn from another seed, sat the adaptive baseline with uniform priors.
pub fn fit_priors(bank: &Bank, rule: FollowUp, cohort: usize, seed: u64) -> SimPriors {
    let seed = seed.wrapping_add(0xC0_4047);
    let by_topic = difficulties_by_topic(bank);
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(0x005E_ED0F_A115));
    let mut by_role: HashMap<(usize, i64), prior::Scores> = HashMap::new();
    let mut by_group: HashMap<(i64, i64), prior::Scores> = HashMap::new();
    for person in people(bank, cohort, seed) {
        let group = bank.roles[person.role].staff_group_id;
        let none = SimPriors::default();
        for (topic, n, sum) in sit(
            bank,
            Design::Adaptive(rule),
            &none,
            &person,
            &by_topic,
            &mut rng,
        ) {
            by_role
                .entry((person.role, topic))
                .or_default()
                .push((n, sum, 1));
            by_group
                .entry((group, topic))
                .or_default()
                .push((n, sum, 1));
        }
    }
    let group_priors: HashMap<(i64, i64), Prior> = by_group
        .into_iter()
        .filter_map(|(key, scores)| Some((key, prior::fit(scores)?)))
        .collect();
    let mut priors = HashMap::new();
    for (role, spec) in bank.roles.iter().enumerate() {
        for (topic, _) in &bank.blueprint {
            let fitted = by_role
                .remove(&(role, *topic))
                .and_then(prior::fit)
                .or_else(|| group_priors.get(&(spec.staff_group_id, *topic)).copied());
            if let Some(found) = fitted {
                priors.insert((role, *topic), found);
            }
        }
    }
    SimPriors(priors)
}

/// Runs `design` with `priors` on `n` people drawn from `seed`: the same people for every
/// design.
pub fn run(bank: &Bank, design: Design, priors: &SimPriors, n: usize, seed: u64) -> Figures {
    let by_topic = difficulties_by_topic(bank);
    let mut rng = StdRng::seed_from_u64(seed.wrapping_add(0x005E_ED0F_A115));
    let (mut decisions, mut wrong, mut far, mut far_wrong) = (0usize, 0usize, 0usize, 0usize);
    let (mut sum_sq, mut sum_err) = (0.0, 0.0);
    let mut lengths = Vec::new();
    let population = people(bank, n, seed);
    for person in &population {
        let mut length = 0;
        for (topic, n_items, sum) in sit(bank, design, priors, person, &by_topic, &mut rng) {
            let truth = person.knowledge[&topic];
            let target = bank.targets[person.role]
                .get(&topic)
                .copied()
                .unwrap_or(0.0);
            let decided = decision::decide(priors.get(person.role, topic), n_items, sum, target);
            let is_wrong = decided.skip != (100.0 * truth >= target);
            decisions += 1;
            wrong += usize::from(is_wrong);
            if (100.0 * truth - target).abs() >= 10.0 {
                far += 1;
                far_wrong += usize::from(is_wrong);
            }
            let error = decided.estimate - 100.0 * truth;
            sum_err += error;
            sum_sq += error * error;
            length += usize::try_from(n_items).unwrap_or(0);
        }
        lengths.push(length);
    }
    lengths.sort_unstable();
    let share = |k: usize, of: usize| if of == 0 { 0.0 } else { k as f64 / of as f64 };
    let rank = |q: f64| {
        // The nearest-rank percentile.
        let k = (q * lengths.len() as f64).ceil() as usize;
        lengths.get(k.saturating_sub(1)).copied().unwrap_or(0)
    };
    Figures {
        design: design.name(),
        priors: if priors.fitted() == 0 {
            "uniform"
        } else {
            "role"
        },
        seed,
        people: population.len(),
        decisions,
        wrong: share(wrong, decisions),
        far_decisions: far,
        far_wrong: share(far_wrong, far),
        median_items: rank(0.5),
        p95_items: rank(0.95),
        rmse: if decisions == 0 {
            0.0
        } else {
            (sum_sq / decisions as f64).sqrt()
        },
        bias: if decisions == 0 {
            0.0
        } else {
            sum_err / decisions as f64
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bank() -> Bank {
        let pool: Vec<PoolItem> = (1..=16)
            .map(|i| PoolItem {
                item_id: i,
                item_version_id: 100 + i,
                topic_id: if i <= 8 { 1 } else { 2 },
            })
            .collect();
        let mut rng = StdRng::seed_from_u64(1);
        let mut difficulty = HashMap::new();
        for topic in [1, 2] {
            let versions: Vec<i64> = pool
                .iter()
                .filter(|p| p.topic_id == topic)
                .map(|p| p.item_version_id)
                .collect();
            difficulty.extend(topic_difficulties(&versions, &HashMap::new(), 1.0, &mut rng).0);
        }
        Bank {
            blueprint: vec![(1, 3), (2, 3)],
            pool,
            difficulty,
            roles: vec![Role {
                id: 1,
                staff_group_id: 10,
                staff_group_slug: "nursing-and-midwifery-registered".into(),
            }],
            targets: vec![[(1, 80.0), (2, 30.0)].into_iter().collect()],
            topics_from_p_values: 0,
            ability_spread: 1.0,
        }
    }

    #[test]
    fn the_ability_reproduces_the_true_knowledge() {
        let difficulties = [-1.5, -0.5, 0.0, 0.7, 2.0];
        for knowledge in [0.05, 0.3, 0.62, 0.97] {
            let theta = ability_for(knowledge, &difficulties);
            let share = difficulties
                .iter()
                .map(|b| logistic(theta - b))
                .sum::<f64>()
                / 5.0;
            assert!((share - knowledge).abs() < 1e-9, "{share} vs {knowledge}");
        }
    }

    #[test]
    fn p_values_set_difficulties_only_for_a_whole_topic() {
        let mut rng = StdRng::seed_from_u64(1);
        let p: HashMap<i64, f64> = [(1, 0.5), (2, 0.8)].into_iter().collect();
        let (found, from_p) = topic_difficulties(&[1, 2], &p, 1.0, &mut rng);
        assert!(from_p);
        assert!(found[&1].abs() < 1e-12);
        assert!((found[&2] - (0.25_f64).ln()).abs() < 1e-12);
        let (spread, from_p) = topic_difficulties(&[1, 2, 3], &p, 1.0, &mut rng);
        assert!(!from_p);
        let mut values: Vec<f64> = spread.values().copied().collect();
        values.sort_by(f64::total_cmp);
        // Quantiles 1/6, 1/2, 5/6 of the standard normal.
        assert!((values[0] + 0.967_421_566).abs() < 1e-6, "{values:?}");
        assert!(values[1].abs() < 1e-9 && (values[2] - 0.967_421_566).abs() < 1e-6);
    }

    #[test]
    fn runs_are_deterministic_and_designs_ask_what_they_say() {
        let bank = bank();
        let none = SimPriors::default();
        let fixed = run(&bank, Design::Fixed, &none, 300, 7);
        assert_eq!(
            fixed.line(),
            run(&bank, Design::Fixed, &none, 300, 7).line()
        );
        assert_eq!((fixed.median_items, fixed.p95_items), (6, 6));
        assert_eq!(fixed.decisions, 600);
        let adaptive = run(&bank, Design::Adaptive(FollowUp::BASELINE), &none, 300, 7);
        assert!(
            adaptive.median_items >= 4 && adaptive.p95_items <= 12,
            "{adaptive:?}"
        );
        assert_ne!(
            fixed.line(),
            run(&bank, Design::Fixed, &none, 300, 8).line()
        );
        assert!((0.0..=1.0).contains(&adaptive.far_wrong));
    }

    #[test]
    fn a_cohort_fits_each_topic_a_prior_near_what_the_role_knows() {
        let bank = bank();
        let priors = fit_priors(&bank, FollowUp::BASELINE, 400, 3);
        assert_eq!(priors.fitted(), 2);
        // Nurses' ability centres on 0.5, so the topic with target 80 is known to about
        // 0.6 × 0.5 + 0.4 × 0.8 = 0.62 and the one with target 30 to about 0.42.
        let (high, low) = (priors.get(0, 1).mean(), priors.get(0, 2).mean());
        assert!(
            (high - 0.62).abs() < 0.08 && (low - 0.42).abs() < 0.08,
            "{high} {low}"
        );
        let with = run(&bank, Design::Adaptive(FollowUp::BASELINE), &priors, 300, 7);
        assert_eq!(with.priors, "role");
        assert_eq!(
            with.line(),
            run(&bank, Design::Adaptive(FollowUp::BASELINE), &priors, 300, 7).line()
        );
        // Too small a cohort fits nothing: the uniform prior stays.
        assert_eq!(fit_priors(&bank, FollowUp::BASELINE, 20, 3).fitted(), 0);
    }
}
