//! The attacker knows the publication algorithm (Kerckhoffs): every contribution waits in its
//! atom (organisation × job role × band group × topic × phase) until `MIN_CELL` learners have
//! added one since the atom's last release, then all of it is published under the month of
//! the submission that released it. Replaying that over what a manager knows (each person's
//! job, submission day and order) names exactly who every published figure covers; the
//! publication tables themselves are never read.

use std::collections::BTreeMap;

use genomics_training::reports::publication::{band_group, parse_band_group};

use crate::disclosure_model::{Filter, MIN_CELL, RowKey};
use crate::disclosure_people::{Person, Phase};

/// One release: an atom's waiting learners (topics are alike: everyone sits every topic).
#[derive(Debug, Clone)]
pub struct Batch {
    pub org: i64,
    pub group: String,
    pub role: String,
    pub band_group: &'static str,
    pub phase: Phase,
    /// The month the release was published under.
    pub month: String,
    pub members: u128,
}

impl Batch {
    /// Whether `filter` and `row` take this release; `None` when the row is not understood.
    pub fn selected(&self, filter: &Filter, row: &RowKey) -> Option<bool> {
        let month = self.month.as_str();
        let filtered = filter.phase == self.phase
            && filter.scope.contains(&self.org)
            && filter.organisation.is_none_or(|o| o == self.org)
            && filter
                .staff_group
                .as_ref()
                .is_none_or(|(_, name)| *name == self.group)
            // The band filter offers band groups only: a single band selects nothing.
            && filter
                .band
                .as_deref()
                .is_none_or(|b| parse_band_group(b) == Some(self.band_group))
            && filter.from.as_deref().is_none_or(|from| month >= from)
            && filter.to.as_deref().is_none_or(|to| month <= to);
        Some(filtered && row.holds_at(&self.group, &self.role, month)?)
    }
}

/// The releases made by the first `cutoff` counted submissions, in order.
pub fn releases(people: &[Person], cutoff: usize) -> Vec<Batch> {
    let mut sittings: Vec<_> = people
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            [Phase::Baseline, Phase::Post]
                .into_iter()
                .filter_map(move |phase| Some((i, phase, p.sat(phase)?)))
        })
        .filter(|(_, _, sat)| sat.seq < cutoff)
        .collect();
    sittings.sort_by_key(|(_, _, sat)| sat.seq);
    let mut waiting: BTreeMap<_, u128> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, phase, sat) in sittings {
        let group = band_group(sat.band.as_deref().unwrap_or_default());
        let key = (sat.org, sat.role.clone(), group, phase);
        let pending = waiting.entry(key).or_default();
        *pending |= 1u128 << i;
        if pending.count_ones() >= MIN_CELL {
            out.push(Batch {
                org: sat.org,
                group: sat.group.clone(),
                role: sat.role.clone(),
                band_group: group,
                phase,
                month: sat.month.clone().unwrap_or_default(),
                members: std::mem::take(pending),
            });
        }
    }
    out
}
