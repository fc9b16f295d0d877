//! Sums against a direct computation from the raw score matrix, on random data.

use super::tests_item_analysis::item_data;
use super::tests_support::{Rng, assert_close};
use super::{ItemStatistics, TestStatistics, TestSums, discriminative_efficiency};

/// Moodle's definitions computed directly from the score lists (two-pass, sorted pairing).
mod reference {
    pub fn mean(x: &[f64]) -> f64 {
        x.iter().sum::<f64>() / x.len() as f64
    }
    pub fn cov(x: &[f64], y: &[f64]) -> f64 {
        let (mx, my) = (mean(x), mean(y));
        x.iter()
            .zip(y)
            .map(|(a, b)| (a - mx) * (b - my))
            .sum::<f64>()
            / (x.len() - 1) as f64
    }
    pub fn var(x: &[f64]) -> f64 {
        cov(x, x)
    }
    pub fn sorted(x: &[f64]) -> Vec<f64> {
        let mut x = x.to_vec();
        x.sort_by(f64::total_cmp);
        x
    }
}

fn random_scores(rng: &mut Rng, binary: bool) -> Vec<Vec<f64>> {
    let (n, k) = (2 + rng.below(40) as usize, 2 + rng.below(8) as usize);
    let ability: Vec<f64> = (0..n).map(|_| rng.unit()).collect();
    (0..n)
        .map(|p| {
            (0..k)
                .map(|_| {
                    let right = rng.unit() < ability[p];
                    match (binary, right) {
                        (true, r) => f64::from(u8::from(r)),
                        (false, true) => [1.0, 0.5, 0.25][rng.below(3) as usize],
                        (false, false) => 0.0,
                    }
                })
                .collect()
        })
        .collect()
}

#[test]
fn item_and_test_statistics_from_sums_equal_direct_computation() {
    for seed in 0..400 {
        let mut rng = Rng::new(seed);
        let binary = seed % 2 == 0;
        let scores = random_scores(&mut rng, binary);
        let k = scores[0].len();
        let totals: Vec<f64> = scores.iter().map(|r| r.iter().sum()).collect();
        let mut variances = Vec::new();
        for item in 0..k {
            let f: Vec<f64> = scores.iter().map(|r| r[item]).collect();
            let rest: Vec<f64> = totals.iter().zip(&f).map(|(t, x)| t - x).collect();
            let (sums, histogram) = item_data(&scores, item);
            let stats = ItemStatistics::from_sums(&sums, 0);
            let (var_f, var_r) = (reference::var(&f), reference::var(&rest));
            variances.push(sums.variance().unwrap());
            assert_close(stats.facility.unwrap(), reference::mean(&f));
            assert_close(stats.sd.unwrap(), var_f.sqrt());
            let defined = var_f > 1e-12 && var_r > 1e-12;
            let index = defined.then(|| 100.0 * reference::cov(&f, &rest) / (var_f * var_r).sqrt());
            assert_option_close(stats.discrimination_index, index, seed);
            let efficiency = discriminative_efficiency(&sums, &histogram);
            let max_cov = reference::cov(&reference::sorted(&f), &reference::sorted(&rest));
            if binary {
                // exact for 0/1 items: Moodle's sorted pairing
                let moodle = (defined && max_cov > 1e-12)
                    .then(|| 100.0 * reference::cov(&f, &rest) / max_cov);
                assert_option_close(efficiency, moodle, seed);
            } else if let (Some(e), true) = (efficiency, defined && max_cov > 1e-12) {
                // partial credit: |ours| ≤ |Moodle's|, since our max_cov is an upper bound
                let moodle = 100.0 * reference::cov(&f, &rest) / max_cov;
                assert!(
                    e.abs() <= moodle.abs() + 1e-9,
                    "seed {seed}: {e} vs {moodle}"
                );
            }
        }
        let test = totals
            .iter()
            .fold(TestSums::default(), |s, &t| s + TestSums::observation(t));
        let stats = TestStatistics::from_sums(&test, &variances);
        let var_t = reference::var(&totals);
        assert_close(stats.sd.unwrap(), var_t.sqrt());
        let sum_var: f64 = (0..k)
            .map(|i| reference::var(&scores.iter().map(|r| r[i]).collect::<Vec<_>>()))
            .sum();
        let alpha = (var_t > 1e-12).then(|| k as f64 / (k as f64 - 1.0) * (1.0 - sum_var / var_t));
        assert_option_close(stats.alpha, alpha, seed);
        if let Some(a) = alpha {
            assert_close(
                stats.standard_error.unwrap(),
                var_t.sqrt() * (1.0 - a).sqrt(),
            );
        }
    }
}

fn assert_option_close(got: Option<f64>, want: Option<f64>, seed: u64) {
    match (got, want) {
        (Some(g), Some(w)) => assert!(
            (g - w).abs() <= 1e-7 * w.abs().max(1.0),
            "seed {seed}: {g} vs {w}"
        ),
        (None, None) => {}
        _ => panic!("seed {seed}: got {got:?}, want {want:?}"),
    }
}
