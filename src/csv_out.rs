//! Every CSV the service writes is built here, so that no cell can act as a spreadsheet
//! formula when someone opens the file (CSV injection: a trainer's item named
//! `=HYPERLINK(...)` would otherwise run in a manager's Excel).
//!
//! The rule is OWASP's: a cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
//! gets a leading `'`, which spreadsheets show as text. Plain numbers are left alone (a
//! negative calibration bias like `-0.0500` is a number, not a formula, and must stay one).

use std::borrow::Cow;

use serde::Serialize;

use crate::error::{AppError, AppResult};

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` made safe to open in a spreadsheet.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    let risky = cell.starts_with(FORMULA_STARTS);
    if risky && cell.parse::<f64>().is_err() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A CSV document being written, each cell neutralised.
pub struct CsvOut {
    writer: csv::Writer<Vec<u8>>,
}

impl CsvOut {
    /// Lines end with `\n`.
    pub fn new() -> Self {
        Self {
            writer: csv::Writer::from_writer(Vec::new()),
        }
    }

    /// Lines end with `\r\n` (RFC 4180).
    pub fn crlf() -> Self {
        Self {
            writer: csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::new()),
        }
    }

    pub fn record<I, T>(&mut self, cells: I) -> AppResult<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.writer
            .write_record(
                cells
                    .into_iter()
                    .map(|c| neutralise(c.as_ref()).into_owned()),
            )
            .map_err(AppError::internal)
    }

    /// Writes serde rows (a header from the first one's field names, then one line each).
    /// The csv crate writes them straight to text, so they are written, read back as cells and
    /// then neutralised like any other record.
    pub fn rows<S: Serialize>(&mut self, rows: &[S]) -> AppResult<()> {
        let mut plain = csv::Writer::from_writer(Vec::new());
        for row in rows {
            plain.serialize(row).map_err(AppError::internal)?;
        }
        let bytes = plain.into_inner().map_err(AppError::internal)?;
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(bytes.as_slice());
        for record in reader.records() {
            self.record(&record.map_err(AppError::internal)?)?;
        }
        Ok(())
    }

    pub fn finish(self) -> AppResult<String> {
        let bytes = self.writer.into_inner().map_err(AppError::internal)?;
        String::from_utf8(bytes).map_err(AppError::internal)
    }
}

impl Default for CsvOut {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted() {
        for cell in [
            "=HYPERLINK(\"x\")",
            "@SUM(A1)",
            "+cmd",
            "-2+3",
            "\tx",
            "\rx",
        ] {
            assert_eq!(neutralise(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn text_and_numbers_are_unchanged() {
        for cell in ["Genomics basics", "-0.0500", "+1", "", "a=b", "12"] {
            assert_eq!(neutralise(cell), cell, "{cell:?}");
        }
    }

    #[test]
    fn serde_rows_are_neutralised_too() {
        #[derive(Serialize)]
        struct Row {
            answer: &'static str,
        }
        let mut out = CsvOut::new();
        let written = out
            .rows(&[Row { answer: "=1+1" }])
            .and_then(|()| out.finish());
        assert_eq!(written.ok().as_deref(), Some("answer\n'=1+1\n"));
    }
}
