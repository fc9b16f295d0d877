//! A calendar month, the grain of `report_cells.period` ('YYYY-MM').

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

/// A calendar month. Ordered chronologically; its text form 'YYYY-MM' sorts the same way,
/// which lets queries compare the stored period strings directly.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    /// The month, or `None` unless 1 ≤ month ≤ 12 and the year has four digits.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }

    /// The month a moment falls in (UTC), as the submit path files it.
    pub fn of(moment: DateTime<Utc>) -> Self {
        Self {
            year: moment.year(),
            month: moment.month(),
        }
    }

    /// The month after this one.
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Period {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let problem = || format!("\"{s}\" is not a month: use YYYY-MM, for example 2026-03");
        let (year, month) = s.trim().split_once('-').ok_or_else(problem)?;
        if year.len() != 4 || month.len() != 2 {
            return Err(problem());
        }
        let year = year.parse().map_err(|_| problem())?;
        let month = month.parse().map_err(|_| problem())?;
        Self::new(year, month).ok_or_else(problem)
    }
}

impl TryFrom<String> for Period {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Period> for String {
    fn from(p: Period) -> Self {
        p.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints_year_month() {
        let p: Period = "2026-03".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.to_string(), "2026-03");
        assert_eq!(p.next().to_string(), "2026-04");
        assert_eq!(
            "2026-12".parse::<Period>().map(|p| p.next().to_string()),
            Ok("2027-01".into())
        );
    }

    #[test]
    fn refuses_anything_but_a_month() {
        for bad in [
            "2026-13", "2026-00", "26-03", "2026/03", "2026-3", "", "march",
        ] {
            assert!(bad.parse::<Period>().is_err(), "{bad}");
        }
    }
}
