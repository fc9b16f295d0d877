use super::tests_support::{assert_close, assert_close_opt};
use super::{
    Answer, Certainty, ItemFlag, ItemStatistics, ItemSums, TestStatistics, TestSums,
    discriminative_efficiency,
};

/// A 4-item test of 0/1 items taken by 6 people (all answered at medium certainty):
/// | person | i1 i2 i3 i4 | T |
/// | P1     | 1  1  1  0  | 3 |
/// | P2     | 1  1  1  1  | 4 |
/// | P3     | 1  1  0  0  | 2 |
/// | P4     | 1  0  1  0  | 2 |
/// | P5     | 1  0  0  1  | 2 |
/// | P6     | 0  0  0  0  | 0 |
pub(super) const SCORES: [[f64; 4]; 6] = [
    [1.0, 1.0, 1.0, 0.0],
    [1.0, 1.0, 1.0, 1.0],
    [1.0, 1.0, 0.0, 0.0],
    [1.0, 0.0, 1.0, 0.0],
    [1.0, 0.0, 0.0, 1.0],
    [0.0, 0.0, 0.0, 0.0],
];

/// Item sums and the rest-score histogram for item `item` over a score matrix.
pub(super) fn item_data(scores: &[Vec<f64>], item: usize) -> (ItemSums, Vec<(f64, u64)>) {
    let mut sums = ItemSums::default();
    let mut histogram: Vec<(f64, u64)> = Vec::new();
    for row in scores {
        let total: f64 = row.iter().sum();
        sums += ItemSums::observation(&Answer::answered(row[item], Certainty::Medium), total);
        let rest = total - row[item];
        match histogram
            .iter_mut()
            .find(|(r, _)| (*r - rest).abs() < 1e-12)
        {
            Some((_, count)) => *count += 1,
            None => histogram.push((rest, 1)),
        }
    }
    (sums, histogram)
}

fn table() -> Vec<Vec<f64>> {
    SCORES.iter().map(|row| row.to_vec()).collect()
}

#[test]
fn item_one_facility_sd_and_discrimination_by_hand() {
    // f = 1,1,1,1,1,0 → facility 5/6; Σ(f − f̄)² = 5 − 25/6 = 5/6; SD = √((5/6)/5) = √(1/6)
    // R = T − f = 2,3,1,1,1,0: ΣR = 8, ΣR² = 16 → Σ(R − R̄)² = 16 − 64/6 = 16/3
    // ΣfR = 2+3+1+1+1 = 8 → Σ(f − f̄)(R − R̄) = 8 − 5·8/6 = 4/3
    // r = (4/3) / √(5/6 · 16/3) = (4/3) / (√40/3) = 4/√40 = √0.4 → index 100·√0.4
    let (sums, histogram) = item_data(&table(), 0);
    let stats = ItemStatistics::from_sums(&sums, 1);
    assert_close_opt(stats.facility, 5.0 / 6.0);
    assert_close_opt(stats.sd, (1.0f64 / 6.0).sqrt());
    assert_close_opt(stats.discrimination_index, 100.0 * 0.4f64.sqrt());
    // Sorted pairing: the 5 ones go with the top 5 rest scores 3,2,1,1,1 = 8, the same as the
    // actual ΣfR, so max cov = cov and the efficiency is 100 %.
    assert_close_opt(discriminative_efficiency(&sums, &histogram), 100.0);
}

#[test]
fn item_four_by_hand() {
    // f = 0,1,0,0,1,0 → facility 1/3; Σ(f − f̄)² = 2 − 4/6 = 4/3; SD = √((4/3)/5) = √(4/15)
    // R = 3,3,2,2,1,0: ΣR = 11, ΣR² = 27 → Σ(R − R̄)² = 27 − 121/6 = 41/6
    // ΣfR = 3 + 1 = 4 → centred 4 − 2·11/6 = 1/3; r = (1/3)/√(4/3 · 41/6) = 1/√82
    // max: the 2 ones with the top rest scores 3, 3 → 6 − 22/6 = 7/3; efficiency = 1/7
    let (sums, histogram) = item_data(&table(), 3);
    let stats = ItemStatistics::from_sums(&sums, 1);
    assert_close_opt(stats.facility, 1.0 / 3.0);
    assert_close_opt(stats.sd, (4.0f64 / 15.0).sqrt());
    assert_close_opt(stats.discrimination_index, 100.0 / 82f64.sqrt());
    assert_close_opt(discriminative_efficiency(&sums, &histogram), 100.0 / 7.0);
}

#[test]
fn item_two_by_hand() {
    // f = 1,1,1,0,0,0; R = 2,3,1,2,2,0: Σ(f − f̄)² = 1.5; Σ(R − R̄)² = 22 − 100/6 = 16/3;
    // ΣfR = 6 → centred 6 − 3·10/6 = 1; r = 1/√(1.5 · 16/3) = 1/√8.
    // max: top 3 rest scores 3,2,2 = 7 → 7 − 5 = 2; efficiency = 1/2
    let (sums, histogram) = item_data(&table(), 1);
    let stats = ItemStatistics::from_sums(&sums, 1);
    assert_close_opt(stats.facility, 0.5);
    assert_close_opt(stats.discrimination_index, 100.0 / 8f64.sqrt());
    assert_close_opt(discriminative_efficiency(&sums, &histogram), 50.0);
}

#[test]
fn kr20_sd_and_standard_error_by_hand() {
    // item variances (n − 1): i1 (5/6)/5 = 1/6; i2, i3 1.5/5 = 0.3; i4 (4/3)/5 = 4/15
    //   Σ = (5 + 9 + 9 + 8)/30 = 31/30
    // T = 3,4,2,2,2,0: ΣT = 13, ΣT² = 37 → Σ(T − T̄)² = 37 − 169/6 = 53/6; var_T = 53/30
    // KR-20 = 4/3 × (1 − 31/53) = 4/3 × 22/53 = 88/159
    // SEM = √(53/30) × √(1 − 88/159) = √(53/30 · 71/159) = √(71/90)
    let test = SCORES
        .iter()
        .map(|row| TestSums::observation(row.iter().sum()))
        .fold(TestSums::default(), |a, b| a + b);
    let variances: Vec<f64> = (0..4)
        .map(|i| item_data(&table(), i).0.variance().unwrap())
        .collect();
    assert_close(variances.iter().sum(), 31.0 / 30.0);
    let stats = TestStatistics::from_sums(&test, &variances);
    assert_eq!((stats.n, stats.k), (6, 4));
    assert_close_opt(stats.mean, 13.0 / 6.0);
    assert_close_opt(stats.sd, (53.0f64 / 30.0).sqrt());
    assert_close_opt(stats.alpha, 88.0 / 159.0);
    assert_close_opt(stats.standard_error, (71.0f64 / 90.0).sqrt());
}

#[test]
fn flags_for_easy_hard_negative_and_few() {
    let flags = |scores: &[[f64; 2]], min| {
        let rows: Vec<Vec<f64>> = scores.iter().map(|r| r.to_vec()).collect();
        ItemStatistics::from_sums(&item_data(&rows, 0).0, min).flags
    };
    // 10 of 10 right → facility 1 > 0.9 (no variance, so no discrimination index)
    assert_eq!(flags(&[[1.0, 1.0]; 10], 5), vec![ItemFlag::TooEasy]);
    // 1 of 10 right → 0.1 < 0.2; 10 < 30 responses
    let mut hard = [[0.0, 1.0]; 10];
    hard[0] = [1.0, 0.0];
    // the only one right has the lowest rest score → negative discrimination
    assert_eq!(
        flags(&hard, 30),
        vec![
            ItemFlag::TooHard,
            ItemFlag::NegativeDiscrimination,
            ItemFlag::TooFewResponses
        ]
    );
    // facility exactly 0.9 and 0.2 are not flagged (strict inequalities)
    let mut nine = [[1.0, 1.0]; 10];
    nine[0] = [0.0, 0.0];
    assert!(flags(&nine, 1).is_empty());
}

#[test]
fn certainty_mix_and_confidently_wrong_rate() {
    // 4 responses: don't know; 0 at high; 1 at high; 0.5 at low
    let answers = [
        Answer::DontKnow,
        Answer::answered(0.0, Certainty::High),
        Answer::answered(1.0, Certainty::High),
        Answer::answered(0.5, Certainty::Low),
    ];
    let sums = answers.iter().fold(ItemSums::default(), |s, a| {
        s + ItemSums::observation(a, 2.0)
    });
    let stats = ItemStatistics::from_sums(&sums, 1);
    let mix = stats.certainty_mix.unwrap();
    // each of n = 4: don't know 1, low 1, medium 0, high 2
    assert_close(mix.dont_know, 25.0);
    assert_close(mix.low, 25.0);
    assert_close(mix.medium, 0.0);
    assert_close(mix.high, 50.0);
    // 1 of the 3 answered is 0 at high
    assert_close_opt(stats.confidently_wrong_rate, 1.0 / 3.0);
}

#[test]
fn undefined_statistics_are_none() {
    let empty = ItemStatistics::from_sums(&ItemSums::default(), 0);
    assert!(empty.facility.is_none() && empty.certainty_mix.is_none());
    let one = ItemSums::observation(&Answer::answered(1.0, Certainty::Low), 3.0);
    assert!(one.variance().is_none() && one.discrimination_index().is_none());
    assert!(discriminative_efficiency(&one, &[(2.0, 1)]).is_none());
    // a histogram that does not describe the same attempts
    let (sums, _) = item_data(&table(), 0);
    assert!(discriminative_efficiency(&sums, &[(1.0, 5)]).is_none());
    let test = TestSums::observation(2.0) + TestSums::observation(2.0);
    let stats = TestStatistics::from_sums(&test, &[0.0, 0.0]);
    assert!(stats.alpha.is_none() && stats.standard_error.is_none());
    assert!(
        TestStatistics::from_sums(&TestSums::default(), &[])
            .sd
            .is_none()
    );
}
