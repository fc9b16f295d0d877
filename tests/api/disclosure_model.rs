//! The attacker's model: which people a filter and a row select (`selects`, from what a manager
//! knows about their staff), and a ledger of every published figure as (people, Σ value),
//! the people being those of the releases the filter and row take (`disclosure_batches`).
//! Band filters may name one band ("Band 3") or a band group ("Bands 1–4", "Other bands").

use std::collections::{BTreeMap, BTreeSet};

use crate::disclosure_batches::{Batch, releases};
use crate::disclosure_people::{Person, Phase, Sat};
use crate::helpers::urlencode;

/// The smallest number of people a figure may describe.
pub const MIN_CELL: u32 = 8;

#[derive(Debug, Clone)]
pub struct Filter {
    /// The organisations the signed-in manager may see (not a query parameter).
    pub scope: Vec<i64>,
    pub organisation: Option<i64>,
    /// (value sent, staff group name).
    pub staff_group: Option<(String, String)>,
    pub band: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub phase: Phase,
}

impl Filter {
    pub fn query(&self) -> String {
        let organisation = self.organisation.map(|o| o.to_string());
        let group = self.staff_group.as_ref().map(|g| g.0.clone());
        let pairs = [
            ("organisation", organisation.as_ref()),
            ("staff_group", group.as_ref()),
            ("band", self.band.as_ref()),
            ("from", self.from.as_ref()),
            ("to", self.to.as_ref()),
        ];
        let mut query: Vec<String> = pairs
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}={}", urlencode(v))))
            .collect();
        query.push(format!("phase={}", self.phase.as_str()));
        query.join("&")
    }
}

/// An Agenda for Change band's rank (8a–8d are 8); `None` for anything else.
fn band_rank(band: &str) -> Option<u32> {
    let number = band.trim().strip_prefix("Band ")?.trim();
    let number = number.trim_end_matches(['a', 'b', 'c', 'd']);
    number.parse().ok().filter(|n| (1..=9).contains(n))
}

/// Whether the band filter `filter` (one band or a group label) selects a person at `band`.
pub fn band_selects(filter: &str, band: Option<&str>) -> bool {
    if band.is_some_and(|b| b.trim() == filter.trim()) {
        return true;
    }
    let rank = band.and_then(band_rank);
    if filter.trim().eq_ignore_ascii_case("Other bands") {
        return rank.is_none();
    }
    let Some(range) = filter.trim().strip_prefix("Bands ") else {
        return false;
    };
    let mut ends = range.split(['–', '-']).map(|end| end.trim().parse::<u32>());
    match (ends.next(), ends.next(), rank) {
        (Some(Ok(low)), Some(Ok(high)), Some(rank)) => (low..=high).contains(&rank),
        _ => false,
    }
}

/// Whether `filter` selects `person` (the sitting of the filter's phase, where and when it was
/// submitted).
pub fn selects(filter: &Filter, person: &Person) -> bool {
    let Some(sat) = person.sat(filter.phase) else {
        return false;
    };
    let month = sat.month.as_deref().unwrap_or_default();
    filter.scope.contains(&sat.org)
        && filter.organisation.is_none_or(|o| o == sat.org)
        && filter
            .staff_group
            .as_ref()
            .is_none_or(|(_, name)| *name == sat.group)
        && filter
            .band
            .as_deref()
            .is_none_or(|b| band_selects(b, sat.band.as_deref()))
        && filter.from.as_deref().is_none_or(|from| month >= from)
        && filter.to.as_deref().is_none_or(|to| month <= to)
}

/// A grid row as published: level, staff group, job role, and the month for trends.
#[derive(Debug, Clone, Default)]
pub struct RowKey {
    pub level: String,
    pub group: String,
    pub role: String,
    pub period: Option<String>,
}

impl RowKey {
    /// Whether the row takes what was published for `group`/`role` under `month`; `None`
    /// when the attacker does not understand the row.
    pub fn holds_at(&self, group: &str, role: &str, month: &str) -> Option<bool> {
        let place = match self.level.as_str() {
            "total" => true,
            "staff_group" => group == self.group,
            "job_role" => group == self.group && role == self.role,
            _ => return None,
        };
        Some(place && self.period.as_deref().is_none_or(|p| p == month))
    }

    /// Whether the row takes a sitting, as if it were published when submitted.
    pub fn holds(&self, sat: &Sat) -> Option<bool> {
        self.holds_at(
            &sat.group,
            &sat.role,
            sat.month.as_deref().unwrap_or_default(),
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Measure {
    Knowledge,
    Rating,
    RatingHigh,
    /// Item analysis: the whole test's total (Σ fractions).
    TestTotal,
}

impl Measure {
    pub fn truth(self, sat: &Sat, topics: usize) -> f64 {
        match self {
            Self::Knowledge => sat.knowledge,
            Self::Rating => sat.rating,
            Self::RatingHigh => f64::from(u8::from(sat.rating >= 4.0)),
            Self::TestTotal => sat.knowledge / 100.0 * 3.0 * topics as f64,
        }
    }

    /// Agreement that counts as recovery besides the propagated rounding, and the widest
    /// interval still worth calling a disclosure.
    pub fn tolerance(self) -> (f64, f64) {
        match self {
            Self::Knowledge => (0.5, 10.0),
            Self::Rating => (0.05, 0.5),
            Self::RatingHigh => (0.05, 0.25),
            Self::TestTotal => (0.05, 1.0),
        }
    }
}

/// A published value and half its last published digit.
#[derive(Debug, Clone, Copy)]
pub struct Num {
    pub value: f64,
    pub half_unit: f64,
}

/// One published Σ over a set of people (a bit per person).
#[derive(Debug, Clone)]
pub struct Figure {
    pub source: String,
    pub members: u128,
    pub sum: f64,
    pub err: f64,
}

/// (topic, phase, measure): figures that can be added and subtracted.
pub type Key = (String, Phase, Measure);

pub struct Ledger<'a> {
    pub people: &'a [Person],
    pub topics: usize,
    /// The counted submissions made before the responses being recorded were fetched.
    cutoff: usize,
    /// The releases those submissions made.
    batches: Vec<Batch>,
    pub figures: BTreeMap<Key, BTreeMap<u128, Figure>>,
    /// (a): figures about 1 to 7 people, by the request that published them.
    pub small: BTreeMap<String, BTreeSet<String>>,
    pub matched: usize,
    pub unmodelled: usize,
}

impl<'a> Ledger<'a> {
    pub fn new(people: &'a [Person], topics: usize) -> Self {
        assert!(people.len() <= 128, "people are bits of a u128");
        Self {
            people,
            topics,
            cutoff: usize::MAX,
            batches: releases(people, usize::MAX),
            figures: BTreeMap::new(),
            small: BTreeMap::new(),
            matched: 0,
            unmodelled: 0,
        }
    }

    /// Responses recorded next were fetched after the first `cutoff` counted submissions.
    pub fn at(&mut self, cutoff: usize) {
        self.cutoff = cutoff;
        self.batches = releases(self.people, cutoff);
    }

    /// (a): a published count of people; `source` is the request, then what in it.
    pub fn count(&mut self, source: &str, n: f64) {
        if n > 0.0 && n < f64::from(MIN_CELL) {
            let (request, what) = source.split_once(' ').unwrap_or((source, ""));
            self.small
                .entry(request.to_owned())
                .or_default()
                .insert(format!("{what} n = {n}"));
        }
    }

    /// The people a figure of `n` covers: everyone submitted so far whom `keep` selects;
    /// `None` when that does not add up.
    fn members(&self, n: f64, phase: Phase, keep: impl Fn(&Person, &Sat) -> bool) -> Option<u128> {
        let mask = self
            .people
            .iter()
            .enumerate()
            .filter(|(_, p)| {
                p.sat(phase)
                    .is_some_and(|s| s.seq < self.cutoff && keep(p, s))
            })
            .fold(0u128, |mask, (i, _)| mask | (1u128 << i));
        (n > 0.0 && f64::from(mask.count_ones()) == n).then_some(mask)
    }

    /// The people of the releases `filter` and `row` take; `None` when the row is not
    /// understood, or the count published does not match them.
    fn released(&self, n: f64, filter: &Filter, row: &RowKey) -> Option<u128> {
        let mut mask = 0u128;
        for batch in &self.batches {
            if batch.selected(filter, row)? {
                mask |= batch.members;
            }
        }
        (n > 0.0 && f64::from(mask.count_ones()) == n).then_some(mask)
    }

    /// Keeps, for each set of people, the most precise figure (an output whose every mean
    /// happens to be short shows fewer decimals, which says nothing of its precision).
    pub fn add(&mut self, key: Key, members: u128, sum: f64, err: f64, source: &str) {
        let figure = Figure {
            source: source.to_owned(),
            members,
            sum,
            err,
        };
        let figures = self.figures.entry(key).or_default();
        match figures.get(&members) {
            Some(kept) if kept.err <= err => {}
            _ => {
                figures.insert(members, figure);
            }
        }
    }

    /// A grid cell: n, knowledge, ratings and % rating 4–5 (of n_rated).
    #[expect(clippy::too_many_arguments, reason = "one published cell's parts")]
    pub fn cell(
        &mut self,
        source: &str,
        filter: &Filter,
        row: &RowKey,
        topic: &str,
        n: Option<f64>,
        knowledge: Option<Num>,
        n_rated: Option<f64>,
        rating: Option<Num>,
        pct_high: Option<Num>,
    ) {
        let Some(n) = n else { return };
        self.count(source, n);
        if let Some(rated) = n_rated {
            self.count(&format!("{source} (rated)"), rated);
        }
        // A figure whose people the attacker cannot name adds nothing to the system.
        let Some(members) = self.released(n, filter, row) else {
            self.unmodelled += usize::from(n > 0.0);
            return;
        };
        self.matched += 1;
        let topic = topic.to_owned();
        if let Some(k) = knowledge {
            let key = (topic.clone(), filter.phase, Measure::Knowledge);
            self.add(key, members, n * k.value, n * k.half_unit, source);
        }
        // Everyone in this population rates every topic, so the rated are the members.
        if n_rated == Some(n) {
            if let Some(r) = rating {
                let key = (topic.clone(), filter.phase, Measure::Rating);
                self.add(key, members, n * r.value, n * r.half_unit, source);
            }
            if let Some(h) = pct_high {
                let key = (topic, filter.phase, Measure::RatingHigh);
                self.add(
                    key,
                    members,
                    n * h.value / 100.0,
                    n * h.half_unit / 100.0,
                    source,
                );
            }
        }
    }

    /// Item analysis: a staff group's (or everyone's, `None`) first baselines.
    pub fn test_total(&mut self, source: &str, group: Option<&str>, n: f64, mean: Option<Num>) {
        self.count(source, n);
        let Some(mean) = mean else { return };
        let members = self.members(n, Phase::Baseline, |_, s| {
            group.is_none_or(|g| s.group == g)
        });
        let Some(members) = members else {
            self.unmodelled += usize::from(n > 0.0);
            return;
        };
        self.matched += 1;
        let key = ("whole test".to_owned(), Phase::Baseline, Measure::TestTotal);
        self.add(key, members, n * mean.value, n * mean.half_unit, source);
    }

    pub fn names(&self, members: u128) -> String {
        self.people
            .iter()
            .enumerate()
            .filter(|(i, _)| members & (1u128 << i) != 0)
            .map(|(_, p)| p.name.split('@').next().unwrap_or_default().to_owned())
            .collect::<Vec<_>>()
            .join(", ")
    }

    pub fn truth(&self, members: u128, phase: Phase, measure: Measure) -> f64 {
        let values: Vec<f64> = self
            .people
            .iter()
            .enumerate()
            .filter(|(i, _)| members & (1u128 << i) != 0)
            .filter_map(|(_, p)| p.sat(phase).map(|s| measure.truth(s, self.topics)))
            .collect();
        values.iter().sum::<f64>() / values.len() as f64
    }
}
