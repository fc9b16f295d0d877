//! Item analysis against a small hand-computed data set: six learners sit a five-item
//! baseline through the real services; every statistic is checked against arithmetic done
//! by hand below.
//!
//! Items A..E are samp-b01..b05 (single choice, one right option each). 1 = right, 0 = wrong
//! ("I don't know" scores 0):
//!
//! ```text
//!          A  B  C  D  E   total T
//!   L1     1  1  0  1  1   4        (receptionists: L1..L4)
//!   L2     1  0  0  1  1   3
//!   L3     1  0  0  1  1   3        (L3 says "I don't know" to B)
//!   L4     1  0  0  1  0   2
//!   L5     1  0  0  0  0   1        (porters: L5, L6)
//!   L6     1  0  1  0  0   2
//! ```
//!
//! ΣT = 15, ΣT² = 16+9+9+4+1+4 = 43, mean 2.5, var T = (43 − 15²/6)/5 = (43 − 37.5)/5 = 1.1,
//! SD = √1.1 = 1.048809.
//! Item variances (n − 1): p(1−p)·6/5: A 0; B (1/6·5/6)·6/5 = 1/6; C 1/6; D (2/3·1/3)·6/5 =
//! 4/15 = 0.266667; E (1/2·1/2)·6/5 = 0.3. Σ = 0 + 1/6 + 1/6 + 4/15 + 0.3 = 0.9.
//! KR-20 = 5/4 × (1 − 0.9/1.1) = 1.25 × 0.181818 = 0.227273; SE = 1.048809 × √(1 − 0.227273)
//! = 1.048809 × 0.879049 = 0.921954.
//!
//! Rest scores R = T − f and discrimination = 100 × cov(f,R)/√(var f · var R):
//! - B: R = 3,3,3,2,1,2; ΣR = 14, ΣR² = 36, Σf·R = 3; cov = (3 − 1·14/6)/5 = 0.133333;
//!   var R = (36 − 196/6)/5 = 0.666667; disc = 100 × 0.133333/√(0.166667 × 0.666667) = 40.0.
//!   Max cov puts B's one right answer on the top rest score 3: (3 − 14/6)/5 = 0.133333, so
//!   efficiency = 100.
//! - C: R = 4,3,3,2,1,1; ΣR = 14, ΣR² = 40, Σf·R = 1 (L6 has R = 1); cov = (1 − 14/6)/5 =
//!   −0.266667; var R = (40 − 196/6)/5 = 1.466667; disc = −26.6667/√(0.166667 × 1.466667) =
//!   −53.935989. Max cov = (4 − 14/6)/5 = 0.333333, efficiency = −80.
//! - D: R = 3,2,2,1,1,2; ΣR = 11, ΣR² = 23, Σf·R = 8; cov = (8 − 4·11/6)/5 = 0.133333;
//!   var R = (23 − 121/6)/5 = 0.566667; disc = 13.3333/√(0.266667 × 0.566667) = 34.299717.
//!   Max cov: four right answers on R = 3,2,2,2: Σ = 9, (9 − 44/6)/5 = 0.333333, eff = 40.
//! - E: R = 3,2,2,2,1,2; ΣR = 12, ΣR² = 26, Σf·R = 7; cov = (7 − 3·2)/5 = 0.2; var R = 0.4;
//!   disc = 20/√(0.3 × 0.4) = 57.735027; max cov: 3 + 2 + 2 = 7, (7 − 6)/5 = 0.2, eff = 100.
//! - A: everyone right, var f = 0: discrimination and efficiency undefined.

use std::collections::HashMap;

use genomics_training::assessment::answer::Sureness::{High, Low, Medium};
use genomics_training::authoring::{self, AnalysisOptions, ItemAnalysis, analysis::staff_groups};
use genomics_training::measures::ItemFlag;

use crate::assessment_flow::create_learner;
use crate::authoring_support::{Says, Says::*, sit_baseline, small_baseline};
use crate::helpers::spawn_app;

const ITEMS: [&str; 5] = ["samp-b01", "samp-b02", "samp-b03", "samp-b04", "samp-b05"];

fn close(actual: Option<f64>, expected: f64) {
    let actual = actual.unwrap_or(f64::NAN);
    assert!(
        (actual - expected).abs() < 1e-4,
        "expected {expected}, got {actual}"
    );
}

fn item<'a>(items: &'a [ItemAnalysis], uid: &str) -> &'a ItemAnalysis {
    items.iter().find(|i| i.item_uid == uid).unwrap()
}

/// Each learner's answers to A..E, right answers at high certainty and wrong ones at low,
/// except B, whose certainties are chosen for the certainty mix.
fn plan() -> Vec<(&'static str, &'static str, [Says; 5])> {
    vec![
        (
            "l1@nhs.test",
            "receptionist",
            [
                Right(High),
                Right(High),
                Wrong(Low),
                Right(High),
                Right(High),
            ],
        ),
        (
            "l2@nhs.test",
            "receptionist",
            [
                Right(High),
                Wrong(High),
                Wrong(Low),
                Right(High),
                Right(High),
            ],
        ),
        (
            "l3@nhs.test",
            "receptionist",
            [Right(High), DontKnow, Wrong(Low), Right(High), Right(High)],
        ),
        (
            "l4@nhs.test",
            "receptionist",
            [Right(High), Wrong(Low), Wrong(Low), Right(High), Wrong(Low)],
        ),
        (
            "l5@nhs.test",
            "porter",
            [
                Right(High),
                Wrong(Medium),
                Wrong(Low),
                Wrong(Low),
                Wrong(Low),
            ],
        ),
        (
            "l6@nhs.test",
            "porter",
            [
                Right(Medium),
                Wrong(Low),
                Right(High),
                Wrong(Low),
                Wrong(Low),
            ],
        ),
    ]
}

#[rocket::async_test]
async fn item_analysis_matches_the_hand_computed_baseline() {
    let app = spawn_app().await;
    let db = app.db();
    small_baseline(db, &ITEMS).await;
    for (email, role, says) in plan() {
        let user = create_learner(db, email, "RX1", role).await;
        let answers: HashMap<&str, Says> = ITEMS.into_iter().zip(says).collect();
        sit_baseline(db, user, &answers).await;
    }

    // With the service's threshold (8), 6 people show nothing (issue 16).
    let guarded = authoring::analyse_assessment(db, "baseline", AnalysisOptions::default())
        .await
        .unwrap();
    assert!(guarded.items.is_empty());
    assert_eq!(guarded.hidden_items, 5);
    assert_eq!(guarded.test.n, 0);
    // With 3, the 4 receptionists alone would be large enough, but 6 - 4 gives the 2 porters
    // away: both groups stay hidden; everyone (6) shows.
    let three = AnalysisOptions {
        min_cell_size: 3,
        ..AnalysisOptions::default()
    };
    let groups = staff_groups(db).await.unwrap();
    let group_of = |slug: &str| groups.iter().find(|g| g.slug == slug).unwrap().id;
    for group in ["administrative-and-clerical", "estates-and-ancillary"] {
        let options = AnalysisOptions {
            staff_group_id: Some(group_of(group)),
            ..three
        };
        let split = authoring::analyse_assessment(db, "baseline", options)
            .await
            .unwrap();
        assert!(split.items.is_empty(), "{group}");
        assert_eq!(split.test.n, 0, "{group}");
    }
    let everyone = authoring::analyse_assessment(db, "baseline", three)
        .await
        .unwrap();
    assert_eq!(everyone.items.len(), 5);

    // The hand computation below uses these 6 people with the threshold at 2.
    let hand = AnalysisOptions {
        min_cell_size: 2,
        ..AnalysisOptions::default()
    };
    let analysis = authoring::analyse_assessment(db, "baseline", hand)
        .await
        .unwrap();
    let test = &analysis.test;
    assert_eq!((test.n, test.k), (6, 5));
    close(test.mean, 2.5);
    close(test.sd, 1.048809);
    close(test.alpha, 0.227273);
    close(test.standard_error, 0.921954);
    assert_eq!(analysis.items.len(), 5);

    let a = item(&analysis.items, "samp-b01");
    close(a.statistics.facility, 1.0);
    close(a.statistics.sd, 0.0);
    assert_eq!(a.statistics.discrimination_index, None);
    assert_eq!(a.discriminative_efficiency, None);
    assert_eq!(
        a.statistics.flags,
        [ItemFlag::TooEasy, ItemFlag::TooFewResponses]
    );

    // B: facility 1/6; SD √(1/6) = 0.408248; certainty mix: "I don't know" L3 (1/6 =
    // 16.667 %), low L4 and L6 (33.333 %), medium L5 (16.667 %), high L1 and L2 (33.333 %);
    // confidently wrong: L2 only, of 5 answered = 0.2.
    let b = item(&analysis.items, "samp-b02");
    assert_eq!(b.statistics.n, 6);
    close(b.statistics.facility, 1.0 / 6.0);
    close(b.statistics.sd, 0.408248);
    close(b.statistics.discrimination_index, 40.0);
    close(b.discriminative_efficiency, 100.0);
    let mix = b.statistics.certainty_mix.unwrap();
    close(Some(mix.dont_know), 100.0 / 6.0);
    close(Some(mix.low), 100.0 / 3.0);
    close(Some(mix.medium), 100.0 / 6.0);
    close(Some(mix.high), 100.0 / 3.0);
    close(b.statistics.confidently_wrong_rate, 0.2);
    assert_eq!(
        b.statistics.flags,
        [ItemFlag::TooHard, ItemFlag::TooFewResponses]
    );
    // Options: the right one chosen once (L1), the first wrong one four times (L2, L4, L5,
    // L6; `pick` always takes the first wrong option), "I don't know" once, the rest never.
    let counts: Vec<(Option<f64>, u64)> = b.options.iter().map(|o| (o.credit, o.n)).collect();
    let right = counts.iter().position(|(c, _)| *c == Some(1.0)).unwrap();
    let first_wrong = counts.iter().position(|(c, _)| *c == Some(0.0)).unwrap();
    assert_eq!(counts[right].1, 1);
    assert_eq!(counts[first_wrong].1, 4);
    assert_eq!(counts.last(), Some(&(None, 1)), "I don't know");
    assert_eq!(counts.iter().map(|(_, n)| n).sum::<u64>(), 6);
    assert!(
        b.options[right]
            .text
            .contains("Straight after taking the sample")
    );
    close(b.options[first_wrong].percent, 400.0 / 6.0);

    let c = item(&analysis.items, "samp-b03");
    close(c.statistics.facility, 1.0 / 6.0);
    close(c.statistics.discrimination_index, -53.935989);
    close(c.discriminative_efficiency, -80.0);
    assert_eq!(
        c.statistics.flags,
        [
            ItemFlag::TooHard,
            ItemFlag::NegativeDiscrimination,
            ItemFlag::TooFewResponses
        ]
    );
    close(c.statistics.confidently_wrong_rate, 0.0);

    let d = item(&analysis.items, "samp-b04");
    close(d.statistics.facility, 2.0 / 3.0);
    close(d.statistics.sd, 0.516398);
    close(d.statistics.discrimination_index, 34.299717);
    close(d.discriminative_efficiency, 40.0);

    let e = item(&analysis.items, "samp-b05");
    close(e.statistics.facility, 0.5);
    close(e.statistics.sd, 0.547723);
    close(e.statistics.discrimination_index, 57.735027);
    close(e.discriminative_efficiency, 100.0);

    // With a minimum of 5 responses, 6 is enough.
    let relaxed = AnalysisOptions {
        min_responses: 5,
        ..hand
    };
    let again = authoring::analyse_assessment(db, "baseline", relaxed)
        .await
        .unwrap();
    assert!(
        again
            .items
            .iter()
            .all(|i| !i.statistics.flags.contains(&ItemFlag::TooFewResponses))
    );
    let one = authoring::analyse_item_version(db, d.version_id, relaxed)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(one.statistics, item(&again.items, "samp-b04").statistics);

    // Split by staff group: the receptionists (L1..L4) all got D right, the porters none.
    let clerical = AnalysisOptions {
        staff_group_id: Some(group_of("administrative-and-clerical")),
        ..hand
    };
    let split = authoring::analyse_assessment(db, "baseline", clerical)
        .await
        .unwrap();
    assert_eq!(split.test.n, 4);
    // Totals 4, 3, 3, 2: mean 3.
    close(split.test.mean, 3.0);
    close(item(&split.items, "samp-b04").statistics.facility, 1.0);
    let porters = AnalysisOptions {
        staff_group_id: Some(group_of("estates-and-ancillary")),
        ..hand
    };
    let split = authoring::analyse_assessment(db, "baseline", porters)
        .await
        .unwrap();
    assert_eq!(split.test.n, 2);
    close(item(&split.items, "samp-b04").statistics.facility, 0.0);

    // CSV: a header and one row per item version, with the figures above.
    let csv = authoring::analysis_csv(&analysis).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 6, "{csv}");
    assert!(lines[0].starts_with("topic,item_id,version,status,name,type,n,facility"));
    let c_row = lines.iter().find(|l| l.contains("samp-b03")).unwrap();
    assert!(
        c_row.contains(",0.1667,0.4082,-53.9360,-80.0000,"),
        "{c_row}"
    );
    assert!(c_row.contains("too hard; negative discrimination; too few responses"));
    assert!(c_row.ends_with(",6,0.2273,0.9220"), "{c_row}");
}

#[rocket::async_test]
async fn item_analysis_is_only_for_the_baseline_and_empty_before_anyone_sits_it() {
    let app = spawn_app().await;
    let db = app.db();
    let empty = authoring::analyse_assessment(db, "baseline", AnalysisOptions::default())
        .await
        .unwrap();
    assert_eq!(empty.test.n, 0);
    assert!(empty.items.is_empty());
    assert_eq!(empty.test.alpha, None);
    let post = authoring::analyse_assessment(db, "post", AnalysisOptions::default()).await;
    assert!(
        matches!(
            post,
            Err(genomics_training::error::AppError::Unprocessable(_))
        ),
        "{post:?}"
    );
}

#[rocket::async_test]
async fn item_analysis_csv_neutralises_item_names_that_start_like_formulas() {
    use genomics_training::entities::{item, item_version};
    use rocket::http::Status;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

    let app = spawn_app().await;
    let world = app.given_world().await;
    let db = app.db();
    small_baseline(db, &ITEMS[..1]).await;
    let stored = item::Entity::find()
        .filter(item::Column::Uid.eq("samp-b01"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let hostile = "=HYPERLINK(\"https://evil.example\",\"x\")";
    item_version::Entity::update_many()
        .col_expr(item_version::Column::Name, Expr::value(hostile))
        .filter(item_version::Column::ItemId.eq(stored.id))
        .exec(db)
        .await
        .unwrap();
    // Eight, so that the item is shown at all (issue 16).
    for i in 0..8 {
        let learner = create_learner(db, &format!("l{i}@nhs.test"), "RX1", "receptionist").await;
        sit_baseline(db, learner, &HashMap::from([("samp-b01", Right(High))])).await;
    }

    let trainer = app.sign_in_as(&world.trainer).await;
    let response = app
        .get_as(&trainer, "/author/analysis.csv?assessment=baseline")
        .await;
    assert_eq!(response.status(), Status::Ok);
    let csv = response.into_string().await.unwrap_or_default();
    assert!(csv.contains("'=HYPERLINK"), "{csv}");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    for record in reader.records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "cell {cell:?} would run as a formula"
            );
        }
    }
}
