//! Issue 16: a black-box attacker. Managers (of two organisations, of one) and a trainer
//! request every filter combination of every output they can reach, before one more person
//! joins, after, and after the 8th learner of a group releases it; the attacker then adds and
//! subtracts the published figures and solves them as a linear system. Any figure about 1 to
//! 7 people, or any recovered value about 1 to 7 people that matches their true scores, is a
//! disclosure.
//!
//! The attacker sees only HTTP outputs and what a manager knows of their staff (jobs,
//! submission days, and, the strongest case, the order within a day), and knows the published
//! algorithm: it replays the releases (`disclosure_batches`) to name who each figure covers.
//! Filter values are the ones offered (band groups such as "Bands 1–4", see `band_selects`); a
//! figure joins the system only when its published n equals the people of the releases it
//! takes, and at least 90 % must, so that the test cannot pass by understanding nothing. Means
//! are read at the precision they are published with. Requests that select nobody the
//! attacker knows of are skipped: they publish nothing.

use std::time::Instant;

use genomics_training::assessment::answer::Sureness::High;

use crate::disclosure_batches::releases;
use crate::disclosure_model::{Filter, Ledger, selects};
use crate::disclosure_naive::per_submission;
use crate::disclosure_people::{Census, Person, Phase};
use crate::disclosure_requests::{Offered, Output, Published, fetch, half_units, offered, record};
use crate::disclosure_solve::{describe, differences, solve};
use crate::disclosure_views::{completion, item_analysis};
use crate::helpers::{Grant, Session, TestApp, spawn_app};
use crate::reports_support::{org_id, sitting};

/// Every combination of the offered values that selects someone the attacker knows of (the
/// rest publish nothing); month ranges only when `months`.
fn filters(offered: &Offered, scope: &[i64], months: bool, people: &[Person]) -> Vec<Filter> {
    let mut ranges = vec![(None, None)];
    if months {
        for (i, from) in offered.months.iter().enumerate() {
            for to in &offered.months[i..] {
                ranges.push((Some(from.clone()), Some(to.clone())));
            }
        }
    }
    let organisations = std::iter::once(None).chain(offered.organisations.iter().map(|o| Some(*o)));
    let mut out = Vec::new();
    for organisation in organisations {
        for staff_group in
            std::iter::once(None).chain(offered.staff_groups.iter().cloned().map(Some))
        {
            for band in std::iter::once(None).chain(offered.bands.iter().cloned().map(Some)) {
                for (from, to) in &ranges {
                    for phase in [Phase::Baseline, Phase::Post] {
                        let filter = Filter {
                            scope: scope.to_vec(),
                            organisation,
                            staff_group: staff_group.clone(),
                            band: band.clone(),
                            from: from.clone(),
                            to: to.clone(),
                            phase,
                        };
                        if people.iter().any(|p| selects(&filter, p)) {
                            out.push(filter);
                        }
                    }
                }
            }
        }
    }
    out
}

/// The grid for every filter (every month range when `months`), and with `everything` every
/// other output (exports, trends and the topic page without month ranges: they are built from
/// the same cells as the grid, which is asked for every range).
#[expect(clippy::too_many_arguments, reason = "one sweep's choices")]
async fn sweep(
    app: &TestApp,
    manager: &Session,
    scope: &[i64],
    offered: &Offered,
    months: bool,
    everything: bool,
    people: &[Person],
    when: &'static str,
) -> Vec<Published> {
    let topic = offered.topics[0].as_str();
    let mut out = Vec::new();
    for filter in filters(offered, scope, months, people) {
        out.push(fetch(app, manager, Output::Gaps, &filter, topic).await);
        if everything && filter.from.is_none() {
            for output in [Output::Trends, Output::Csv, Output::Json, Output::TopicPage] {
                out.push(fetch(app, manager, output, &filter, topic).await);
            }
        }
    }
    for published in &mut out {
        published.when = when;
    }
    out
}

async fn manager(app: &TestApp, email: &str, organisations: Vec<i64>) -> Session {
    let grant = Grant {
        manager_of: organisations,
        ..Grant::default()
    };
    app.sign_in_as(&app.given_user(email, grant).await).await
}

#[rocket::async_test]
async fn no_combination_of_outputs_describes_fewer_than_eight_people() {
    let started = Instant::now();
    let app = spawn_app().await;
    let db = app.db();
    let mut census = Census::new(db);
    // January. Org A: 9 receptionists at Band 3 and 1 at Band 4 (the attack), 2
    // medical secretaries, a ward clerk who later moves; org B: 7 receptionists, 1 ward clerk.
    let receptionists = census
        .join("RA1", "receptionist", "Band 3", 9, sitting(2, High, 4))
        .await;
    census
        .join("RA1", "receptionist", "Band 4", 1, sitting(0, High, 2))
        .await;
    census
        .join("RA1", "medical-secretary", "Band 4", 2, sitting(3, High, 5))
        .await;
    census
        .join("RB2", "receptionist", "Band 3", 7, sitting(1, High, 3))
        .await;
    census
        .join("RB2", "ward-clerk", "Band 5", 1, sitting(3, High, 1))
        .await;
    let mover_a = census
        .join("RA1", "ward-clerk", "Band 6", 1, sitting(1, High, 2))
        .await[0];
    census.close_month("2025-01").await;
    // February. A large role split over bands (10 + 6 + a mover), 8 HCAs, 2 consultants with
    // no Agenda for Change band, 7 clinical scientists (a staff group of 7).
    census
        .join("RA1", "phlebotomist", "Band 2", 10, sitting(2, High, 3))
        .await;
    census
        .join("RA1", "phlebotomist", "Band 5", 6, sitting(3, High, 4))
        .await;
    let mover_b = census
        .join("RA1", "phlebotomist", "Band 5", 1, sitting(0, High, 5))
        .await[0];
    let hcas = census
        .join(
            "RB2",
            "healthcare-assistant",
            "Band 3",
            8,
            sitting(1, High, 2),
        )
        .await;
    census
        .join("RB2", "consultant", "Medical", 2, sitting(3, High, 5))
        .await;
    census
        .join(
            "RA1",
            "clinical-scientist-genomics",
            "Band 8a",
            7,
            sitting(2, High, 4),
        )
        .await;
    census.close_month("2025-02").await;
    // March. The movers change organisation or role, then sit the post-assessment with others.
    census
        .move_job(mover_a, "RB2", "receptionist", "Band 3")
        .await;
    census
        .move_job(mover_b, "RA1", "healthcare-assistant", "Band 3")
        .await;
    for who in receptionists {
        census.sit(who, Phase::Post, sitting(3, High, 5)).await;
    }
    census.sit(mover_a, Phase::Post, sitting(3, High, 4)).await;
    census.sit(mover_b, Phase::Post, sitting(2, High, 3)).await;
    for who in hcas {
        census.sit(who, Phase::Post, sitting(2, High, 3)).await;
    }
    census
        .join("RB2", "porter", "Band 2", 2, sitting(0, High, 1))
        .await;
    census.close_month("2025-03").await;
    let populated = started.elapsed().as_secs_f64();

    let (a, b) = (org_id(db, "RA1").await, org_id(db, "RB2").await);
    let both = manager(&app, "both@nhs.test", vec![a, b]).await;
    let one = manager(&app, "one@nhs.test", vec![a]).await;
    let trainer = Grant {
        trainer: true,
        ..Grant::default()
    };
    let trainer = app
        .sign_in_as(&app.given_user("trainer@nhs.test", trainer).await)
        .await;

    // The dashboard before and after one more receptionist submits this month (org A's
    // receptionists then have 3 waiting: nothing is released), and after org B's 8th
    // receptionist releases all 8 of them at once.
    let cutoffs = [census.submitted, census.submitted + 1, census.submitted + 2];
    let offer = offered(&app, &both).await;
    let people = census.snapshot();
    let before = sweep(
        &app,
        &both,
        &[a, b],
        &offer,
        false,
        false,
        &people,
        "before",
    )
    .await;
    let mut snapshots = vec![(cutoffs[0], filters(&offer, &[a, b], false, &people))];
    census
        .join("RA1", "receptionist", "Band 3", 1, sitting(1, High, 1))
        .await;
    let offer = offered(&app, &both).await;
    let people = census.snapshot();
    let one_more = sweep(
        &app,
        &both,
        &[a, b],
        &offer,
        true,
        false,
        &people,
        "one more",
    )
    .await;
    snapshots.push((cutoffs[1], filters(&offer, &[a, b], true, &people)));
    census
        .join("RB2", "receptionist", "Band 3", 1, sitting(2, High, 2))
        .await;
    assert_eq!(census.submitted, cutoffs[2]);
    let mut people = census.snapshot();
    // The last snapshot must see a release the one before did not: org B's receptionists.
    assert_eq!(
        releases(&people, cutoffs[2]).len(),
        releases(&people, cutoffs[1]).len() + 1,
        "the 8th receptionist released nothing in the attacker's model"
    );

    let offered_both = offered(&app, &both).await;
    let mut after = sweep(
        &app,
        &both,
        &[a, b],
        &offered_both,
        true,
        true,
        &people,
        "after",
    )
    .await;
    snapshots.push((cutoffs[2], filters(&offered_both, &[a, b], true, &people)));
    // A manager of one organisation sees a subset of the same figures; the grid suffices.
    let offered_one = offered(&app, &one).await;
    after.extend(
        sweep(
            &app,
            &one,
            &[a],
            &offered_one,
            false,
            false,
            &people,
            "after",
        )
        .await,
    );
    let requests = before.len() + one_more.len() + after.len();

    // (c'), and the month each person's baseline shows: the attacker's belief.
    let mut problems = Vec::new();
    let queries = [
        String::new(),
        format!("organisation={a}"),
        format!("organisation={b}"),
    ];
    for (session, query) in [
        (&both, &queries[0]),
        (&both, &queries[1]),
        (&both, &queries[2]),
        (&one, &queries[0]),
    ] {
        let (found, months) = completion(&app, session, query).await;
        problems.extend(found);
        for person in &mut people {
            if let (Some(month), Some(sat)) = (months.get(&person.id), person.baseline.as_mut()) {
                sat.month = Some(month.clone());
            }
        }
    }
    problems.sort();
    problems.dedup_by(|x, y| x.split(": ").nth(1) == y.split(": ").nth(1));

    let units = half_units(&[before.as_slice(), &one_more, &after].concat());
    let mut ledger = Ledger::new(&people, offered_both.topics.len());
    for (cutoff, snapshot) in cutoffs.into_iter().zip([&before, &one_more, &after]) {
        ledger.at(cutoff);
        for published in snapshot {
            record(&mut ledger, &units, published);
        }
    }
    item_analysis(&app, &trainer, &mut ledger, None).await;
    for group in &offered_both.staff_groups {
        item_analysis(&app, &trainer, &mut ledger, Some(group)).await;
    }

    let mut lines: Vec<String> = ledger
        .small
        .iter()
        .map(|(at, figures)| {
            let shown: Vec<&str> = figures.iter().take(3).map(String::as_str).collect();
            format!(
                "(a) {} figure(s) about 1 to 7 people in {at}, e.g. {}",
                figures.len(),
                shown.join("; ")
            )
        })
        .collect();
    lines.extend(describe(&ledger, "(b) difference", &differences(&ledger)));
    lines.extend(describe(&ledger, "(c) linear system", &solve(&ledger)));
    lines.extend(
        problems
            .iter()
            .map(|p| format!("(c') completion view: {p}")),
    );
    let figures: usize = ledger.figures.values().map(|f| f.len()).sum();
    let shown = ledger.matched + ledger.unmodelled;
    println!(
        "attacker: population {populated:.1} s; {requests} report requests, {} of {shown} figures modelled ({} distinct sums), {} not modelled, {} findings, {:.1} s",
        ledger.matched,
        figures,
        ledger.unmodelled,
        lines.len(),
        started.elapsed().as_secs_f64()
    );
    for line in &lines {
        println!("{line}");
    }
    assert!(
        ledger.matched * 10 >= shown * 9,
        "the attacker modelled only {} of {shown} published figures",
        ledger.matched
    );
    // The same population published per submission must give the attacker something: at
    // least the receptionist who joined between the first two snapshots, by differencing them.
    let naive = per_submission(&people, &snapshots);
    let joiner = people
        .iter()
        .find(|p| p.baseline.as_ref().is_some_and(|s| s.seq == cutoffs[0]))
        .and_then(|p| p.name.split('@').next())
        .unwrap_or_default();
    let exposed = naive
        .iter()
        .find(|line| line.contains(&format!(" of 1 people [{joiner}]")));
    println!(
        "per-submission model (no batches): {} findings, e.g. {}",
        naive.len(),
        exposed.map_or("none about the joiner", String::as_str)
    );
    assert!(
        exposed.is_some(),
        "without batches the attacker should recover {joiner}'s score"
    );
}
