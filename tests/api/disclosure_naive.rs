//! Why batches matter: the same population and the same filters, had every submission been
//! published at once (exact aggregates, cells of fewer than `MIN_CELL` left out), computed
//! offline from the true scores. The attacker must find something there, or its checks would
//! prove nothing about the released batches.

use std::collections::BTreeSet;

use crate::disclosure_model::{Filter, Ledger, Measure, RowKey, selects};
use crate::disclosure_people::Person;
use crate::disclosure_solve::{describe, differences, solve};

/// Findings on the per-submission model; `snapshots` are (counted submissions, filters
/// requested then).
pub fn per_submission(people: &[Person], snapshots: &[(usize, Vec<Filter>)]) -> Vec<String> {
    let mut rows = vec![RowKey {
        level: "total".to_owned(),
        ..RowKey::default()
    }];
    let places: BTreeSet<(String, String)> = people
        .iter()
        .flat_map(|p| [&p.baseline, &p.post])
        .flatten()
        .map(|s| (s.group.clone(), s.role.clone()))
        .collect();
    let groups: BTreeSet<&String> = places.iter().map(|(g, _)| g).collect();
    rows.extend(groups.into_iter().map(|g| RowKey {
        level: "staff_group".to_owned(),
        group: g.clone(),
        ..RowKey::default()
    }));
    rows.extend(places.iter().map(|(g, r)| RowKey {
        level: "job_role".to_owned(),
        group: g.clone(),
        role: r.clone(),
        period: None,
    }));
    let mut ledger = Ledger::new(people, 1);
    for (cutoff, filters) in snapshots {
        for filter in filters {
            for row in &rows {
                let taken: Vec<(usize, f64)> = people
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| selects(filter, p))
                    .filter_map(|(i, p)| {
                        let sat = p.sat(filter.phase)?;
                        (sat.seq < *cutoff && row.holds(sat) == Some(true))
                            .then_some((i, sat.knowledge))
                    })
                    .collect();
                let n = taken.len() as f64;
                if n < 8.0 {
                    continue;
                }
                // Published as a mean to one decimal, as the grid shows knowledge.
                let mean = (taken.iter().map(|(_, k)| k).sum::<f64>() / n * 10.0).round() / 10.0;
                let members = taken.iter().fold(0u128, |m, (i, _)| m | (1u128 << i));
                let key = ("any topic".to_owned(), filter.phase, Measure::Knowledge);
                let source = format!(
                    "{} {} {}/{} at {cutoff}",
                    filter.query(),
                    row.level,
                    row.group,
                    row.role
                );
                ledger.add(key, members, n * mean, n * 0.05, &source);
            }
        }
    }
    let mut lines = describe(&ledger, "(b) difference", &differences(&ledger));
    lines.extend(describe(&ledger, "(c) linear system", &solve(&ledger)));
    lines
}
