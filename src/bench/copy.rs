//! PostgreSQL's `COPY ... FROM STDIN` for the seed: each table of a batch goes as one text
//! stream instead of multi-row INSERTs, whose parameters cost more to build, send and bind than
//! the rows cost to store. The values are the ones the entity's `ActiveModel` would bind, in
//! COPY's text format.

use std::fmt::Write as _;

use sea_orm::sea_query::Value;
use sea_orm::{ActiveModelTrait, EntityName, EntityTrait, IdenStatic, Iterable};

use crate::error::{AppError, AppResult};

/// One table's rows: the `COPY` statement and the data to stream after it.
pub struct CopyIn {
    pub statement: String,
    pub data: String,
}

/// `rows` as one `COPY` of the columns the first row sets (every row must set the same ones);
/// `None` when there are no rows.
pub fn copy_in<A>(rows: &[A]) -> AppResult<Option<CopyIn>>
where
    A: ActiveModelTrait,
{
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let (columns, unset): (Vec<_>, Vec<_>) =
        <A::Entity as EntityTrait>::Column::iter().partition(|c| !first.get(*c).is_not_set());
    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("\"{}\"", c.as_str()))
        .collect();
    let statement = format!(
        "COPY \"{}\" ({}) FROM STDIN",
        A::Entity::default().table_name(),
        names.join(", ")
    );
    let mut data = String::with_capacity(rows.len() * 16 * columns.len());
    for row in rows {
        if let Some(column) = unset.iter().find(|c| !row.get(**c).is_not_set()) {
            return Err(AppError::internal(format!(
                "rows to copy set different columns: {}",
                column.as_str()
            )));
        }
        for (i, column) in columns.iter().enumerate() {
            if i > 0 {
                data.push('\t');
            }
            let value = row.get(*column).into_value().ok_or_else(|| {
                AppError::internal(format!("a row to copy lacks {}", column.as_str()))
            })?;
            field(&mut data, &value)?;
        }
        data.push('\n');
    }
    Ok(Some(CopyIn { statement, data }))
}

/// Appends `value` in COPY's text format: `\N` for NULL, backslash escapes in text.
fn field(out: &mut String, value: &Value) -> AppResult<()> {
    // Writing to a String cannot fail.
    let _ = match value {
        Value::Bool(Some(v)) => write!(out, "{}", if *v { 't' } else { 'f' }),
        Value::TinyInt(Some(v)) => write!(out, "{v}"),
        Value::SmallInt(Some(v)) => write!(out, "{v}"),
        Value::Int(Some(v)) => write!(out, "{v}"),
        Value::BigInt(Some(v)) => write!(out, "{v}"),
        Value::Double(Some(v)) => float(out, *v),
        Value::Float(Some(v)) => float(out, f64::from(*v)),
        Value::String(Some(v)) => {
            text(out, v);
            Ok(())
        }
        Value::Json(Some(v)) => {
            text(out, &v.to_string());
            Ok(())
        }
        Value::ChronoDateTimeUtc(Some(v)) => {
            write!(out, "{}", v.format("%Y-%m-%d %H:%M:%S%.6f+00"))
        }
        Value::Bool(None)
        | Value::TinyInt(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::Double(None)
        | Value::Float(None)
        | Value::String(None)
        | Value::Json(None)
        | Value::ChronoDateTimeUtc(None) => {
            out.push_str("\\N");
            Ok(())
        }
        other => {
            return Err(AppError::internal(format!(
                "the seed cannot COPY a value of this kind: {other:?}"
            )));
        }
    };
    Ok(())
}

/// Rust prints the shortest text that reads back as the same double; PostgreSQL spells the
/// non-finite ones its own way.
fn float(out: &mut String, v: f64) -> std::fmt::Result {
    if v.is_nan() {
        out.push_str("NaN");
        Ok(())
    } else if v.is_infinite() {
        out.push_str(if v > 0.0 { "Infinity" } else { "-Infinity" });
        Ok(())
    } else {
        write!(out, "{v}")
    }
}

fn text(out: &mut String, v: &str) {
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};
    use sea_orm::ActiveValue::{NotSet, Set};

    use super::*;
    use crate::entities::response;

    #[test]
    fn rows_become_tab_separated_lines_with_escapes_and_nulls() {
        let at = Utc.with_ymd_and_hms(2026, 3, 4, 5, 6, 7).unwrap();
        let row = |answer: Option<&str>, fraction| response::ActiveModel {
            id: NotSet,
            attempt_id: Set(7),
            item_version_id: Set(9),
            answer: Set(answer.map(str::to_owned)),
            fraction: Set(fraction),
            certainty: Set(Some(2)),
            dont_know: Set(false),
            time_on_item_ms: Set(None),
            answered_at: Set(at),
        };
        let copy = copy_in(&[
            row(Some("{\"text\":\"a\tb\\\\c\nd\"}"), Some(0.1)),
            row(None, Some(f64::NAN)),
        ])
        .unwrap()
        .unwrap();
        assert_eq!(
            copy.statement,
            "COPY \"responses\" (\"attempt_id\", \"item_version_id\", \"answer\", \"fraction\", \
             \"certainty\", \"dont_know\", \"time_on_item_ms\", \"answered_at\") FROM STDIN"
        );
        assert_eq!(
            copy.data,
            "7\t9\t{\"text\":\"a\\tb\\\\\\\\c\\nd\"}\t0.1\t2\tf\t\\N\t2026-03-04 05:06:07.000000+00\n\
             7\t9\t\\N\tNaN\t2\tf\t\\N\t2026-03-04 05:06:07.000000+00\n"
        );
        assert!(copy_in::<response::ActiveModel>(&[]).unwrap().is_none());
        let mut with_id = row(None, None);
        with_id.id = Set(5);
        let Err(AppError::Internal(mixed)) = copy_in(&[row(None, None), with_id]) else {
            panic!("rows that set different columns are refused");
        };
        assert!(mixed.to_string().contains("different columns"), "{mixed}");
    }
}
