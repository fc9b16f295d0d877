//! One response: certainty, answer, CBM mark and stated probability (docs/design.md §4 "Per
//! response").

use serde::{Deserialize, Serialize};

/// Per-item certainty the learner chose: 1 (low), 2 (medium), 3 (high).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
pub enum Certainty {
    /// 1: low.
    Low = 1,
    /// 2: medium.
    Medium = 2,
    /// 3: high.
    High = 3,
}

impl Certainty {
    /// All certainties, lowest first; the order CBM bonus maximises over.
    pub const ALL: [Certainty; 3] = [Certainty::Low, Certainty::Medium, Certainty::High];

    /// The stored level 1/2/3 as a certainty; `None` for any other number.
    pub fn from_level(level: u8) -> Option<Self> {
        match level {
            1 => Some(Self::Low),
            2 => Some(Self::Medium),
            3 => Some(Self::High),
            _ => None,
        }
    }

    /// The level 1/2/3 as stored.
    pub fn level(self) -> u8 {
        self as u8
    }

    /// CBM mark for a fully right answer at this certainty: 1/2/3 (Gardner-Medwin, as Moodle).
    pub fn cbm_right(self) -> f64 {
        f64::from(self.level())
    }

    /// CBM mark for a wrong answer (fraction 0) at this certainty: 0/−2/−6.
    pub fn cbm_wrong(self) -> f64 {
        match self {
            Self::Low => 0.0,
            Self::Medium => -2.0,
            Self::High => -6.0,
        }
    }
}

/// A learner's response to one item: "I don't know", or an answer with its certainty.
///
/// docs/design.md §4: `fraction` ∈ \[0, 1\]; "I don't know" counts as fraction 0 and is counted
/// separately.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = MeasuredAnswer)]
pub enum Answer {
    /// "I don't know": no answer, no certainty; scores 0 and is counted separately.
    DontKnow,
    /// An answer scored `fraction` (0–1; see [`Answer::fraction`]) at `certainty`.
    Answered {
        /// Share of the item's mark earned, 0–1.
        fraction: f64,
        /// The certainty chosen with the answer.
        certainty: Certainty,
    },
}

impl Answer {
    /// An answer with its fraction clamped to 0–1 (as Moodle clamps negative weights).
    pub fn answered(fraction: f64, certainty: Certainty) -> Self {
        Self::Answered {
            fraction: clamp_fraction(fraction),
            certainty,
        }
    }

    /// The fraction scored, clamped to 0–1; "I don't know" scores 0.
    ///
    /// Clamped again here because the variant's fields are public and may be built directly.
    pub fn fraction(&self) -> f64 {
        match *self {
            Self::DontKnow => 0.0,
            Self::Answered { fraction, .. } => clamp_fraction(fraction),
        }
    }

    /// The certainty given, or `None` for "I don't know".
    pub fn certainty(&self) -> Option<Certainty> {
        match *self {
            Self::DontKnow => None,
            Self::Answered { certainty, .. } => Some(certainty),
        }
    }
}

/// Clamps to 0–1; NaN (a grading bug) scores 0 rather than poisoning every sum it enters.
pub fn clamp_fraction(fraction: f64) -> f64 {
    if fraction.is_nan() {
        0.0
    } else {
        fraction.clamp(0.0, 1.0)
    }
}

/// CBM mark (docs/design.md §4): fraction > 0 at certainty 1/2/3 → +1/+2/+3 × fraction;
/// fraction 0 → 0/−2/−6; "I don't know" → 0.
pub fn cbm_mark(answer: &Answer) -> f64 {
    match answer.certainty() {
        None => 0.0,
        Some(certainty) => {
            let fraction = answer.fraction();
            if fraction > 0.0 {
                certainty.cbm_right() * fraction
            } else {
                certainty.cbm_wrong()
            }
        }
    }
}

/// Stated probability of being right (docs/design.md §4, documented assumption): certainty 1/2/3 →
/// 0.5/0.73/0.9.
pub fn stated_probability(certainty: Certainty) -> f64 {
    match certainty {
        Certainty::Low => 0.5,
        Certainty::Medium => 0.73,
        Certainty::High => 0.9,
    }
}

/// Confidently wrong (docs/design.md §4): answered at certainty 3 with fraction 0. "I don't know"
/// never is.
pub fn is_confidently_wrong(answer: &Answer) -> bool {
    answer.certainty() == Some(Certainty::High) && answer.fraction() <= 0.0
}
