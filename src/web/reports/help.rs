//! The explanations beside the report pages' figures (issue 17, point 4): which measures each
//! table or grid shows, taken from the glossary.

use serde::Serialize;

use crate::web::glossary::{self, Measure};

/// Which measures each part of the report pages shows, so each is explained beside it.
pub const GRID_MEASURES: &[&str] = &["knowledge", "gap", "target", "priority"];
pub const KNOWLEDGE_MEASURES: &[&str] = &[
    "n",
    "knowledge",
    "interval",
    "target",
    "gap",
    "importance",
    "priority",
];
pub const CONFIDENCE_MEASURES: &[&str] = &[
    "rated",
    "self_confidence",
    "pct_rating_4_5",
    "unrecognised_need",
    "calibration_bias",
    "confidently_wrong_rate",
];
pub const PROGRESS_MEASURES: &[&str] = &[
    "pct_at_target",
    "completion",
    "paired",
    "hake_gain",
    "mean_individual_gain",
    "calibrated_gain",
];
pub const TRENDS_MEASURES: &[&str] = &[
    "n",
    "knowledge",
    "target",
    "gap",
    "self_confidence",
    "completion",
    "hake_gain",
];

/// The explanations for the report pages' details components.
#[derive(Debug, Serialize)]
pub struct HelpView {
    grid: Vec<&'static Measure>,
    knowledge: Vec<&'static Measure>,
    confidence: Vec<&'static Measure>,
    progress: Vec<&'static Measure>,
    trends: Vec<&'static Measure>,
}

pub fn help() -> HelpView {
    HelpView {
        grid: glossary::pick(GRID_MEASURES),
        knowledge: glossary::pick(KNOWLEDGE_MEASURES),
        confidence: glossary::pick(CONFIDENCE_MEASURES),
        progress: glossary::pick(PROGRESS_MEASURES),
        trends: glossary::pick(TRENDS_MEASURES),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_measure_shown_has_an_explanation() {
        for keys in [
            GRID_MEASURES,
            KNOWLEDGE_MEASURES,
            CONFIDENCE_MEASURES,
            PROGRESS_MEASURES,
            TRENDS_MEASURES,
        ] {
            assert_eq!(glossary::pick(keys).len(), keys.len(), "{keys:?}");
        }
    }
}
