//! Item analysis as CSV, one row per item version, for trainers' spreadsheets.

use super::analysis::AssessmentAnalysis;
use crate::csv_out::CsvOut;
use crate::error::AppResult;
use crate::measures::ItemFlag;

const HEADER: [&str; 27] = [
    "topic",
    "item_id",
    "version",
    "status",
    "name",
    "type",
    "n",
    "facility",
    "sd",
    "discrimination_index",
    "discriminative_efficiency",
    "dont_know_pct",
    "certainty_low_pct",
    "certainty_medium_pct",
    "certainty_high_pct",
    "confidently_wrong_rate",
    "flags",
    "rasch_status",
    "difficulty_logits",
    "difficulty_se",
    "infit",
    "outfit",
    "misfit",
    "options",
    "assessment_n",
    "assessment_alpha",
    "assessment_standard_error",
];

/// Empty for an undefined measure; 4 decimals otherwise (enough for any decision, and
/// stable across databases' float formatting).
fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.4}")).unwrap_or_default()
}

fn flag_name(flag: ItemFlag) -> &'static str {
    match flag {
        ItemFlag::TooEasy => "too easy",
        ItemFlag::TooHard => "too hard",
        ItemFlag::NegativeDiscrimination => "negative discrimination",
        ItemFlag::TooFewResponses => "too few responses",
    }
}

/// The analysis as CSV; the assessment's n, α and standard error repeat on every row so
/// each row stands alone in a spreadsheet. The Rasch columns come from the latest calibration
/// (`rasch_status` "not calibrated" when it did not include the version, or there is none).
pub fn analysis_csv(analysis: &AssessmentAnalysis) -> AppResult<String> {
    let mut writer = CsvOut::new();
    writer.record(HEADER)?;
    let test = &analysis.test;
    for item in &analysis.items {
        let stats = &item.statistics;
        let mix = stats.certainty_mix;
        let calibration = item.calibration.as_ref();
        let flags: Vec<&str> = stats.flags.iter().map(|f| flag_name(*f)).collect();
        let options: Vec<String> = item
            .options
            .iter()
            .map(|o| format!("{}: {}", o.text, o.n))
            .collect();
        writer.record([
            item.topic_slug.clone(),
            item.item_uid.clone(),
            item.version.to_string(),
            item.item_status.clone(),
            item.name.clone(),
            item.qtype.clone(),
            stats.n.to_string(),
            number(stats.facility),
            number(stats.sd),
            number(stats.discrimination_index),
            number(item.discriminative_efficiency),
            number(mix.map(|m| m.dont_know)),
            number(mix.map(|m| m.low)),
            number(mix.map(|m| m.medium)),
            number(mix.map(|m| m.high)),
            number(stats.confidently_wrong_rate),
            flags.join("; "),
            calibration.map_or_else(
                || "not calibrated".to_owned(),
                |c| c.status.as_str().to_owned(),
            ),
            number(calibration.and_then(|c| c.difficulty)),
            number(calibration.and_then(|c| c.standard_error)),
            number(calibration.and_then(|c| c.infit)),
            number(calibration.and_then(|c| c.outfit)),
            calibration
                .filter(|c| c.difficulty.is_some())
                .map(|c| if c.misfit { "yes" } else { "no" }.to_owned())
                .unwrap_or_default(),
            options.join(" | "),
            test.n.to_string(),
            number(test.alpha),
            number(test.standard_error),
        ])?;
    }
    writer.finish()
}
