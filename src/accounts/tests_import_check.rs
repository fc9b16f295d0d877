//! Property tests (proptest) of the people CSV check: arbitrary bytes never panic it, and for
//! generated files of good and bad rows, with any of the three line ends, it accepts exactly
//! the files a simple model of the rules accepts, and reports exactly the rows the model says
//! are bad, at their lines. Then examples of line numbering the model does not generate.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use super::import_check::{COLUMNS, Lookups, MAX_CSV_BYTES, MAX_ROW_ERRORS, RowError, check_rows};

fn lookups() -> Lookups {
    let mut lookups = Lookups::default();
    lookups.add_organisation("RX1", 1);
    lookups.add_staff_group("admin", "Administrative and Clerical", 1);
    lookups.add_job_role(1, "receptionist", "Receptionist", 7);
    lookups.add_staff_group("nursing", "Nursing and Midwifery", 2);
    lookups.add_job_role(2, "nurse", "Nurse", 8);
    lookups
}

/// A field value and whether the rules accept it.
type Choice = (&'static str, bool);

const NUMBERS: &[Choice] = &[
    ("1001", true),
    ("1002", true),
    (" E-7 ", true),
    ("123456789012345678901234567890", true),
    ("", false),
    ("1234567890123456789012345678901", false),
    ("12\u{7}3", false),
];
const EMAILS: &[Choice] = &[
    ("ann@example.nhs.uk", true),
    ("BOB@nhs.net", true),
    ("zoë@nhs.net", true),
    ("", false),
    ("not-an-email", false),
    ("a b@nhs.net", false),
    ("a@b", false),
];
const NAMES: &[Choice] = &[
    ("Ann Smith", true),
    ("<script>alert(1)</script>", true),
    ("O'Brien, \"Zoë\"", true),
    ("名前", true),
    ("", false),
    ("A\u{0}B", false),
    ("Line\u{1b}[31m", false),
];
const ORGANISATIONS: &[Choice] = &[("RX1", true), ("rx1", true), ("", false), ("ZZ9", false)];
/// Staff group and job role together, since a role must be in the group.
const JOBS: &[(&str, &str, bool)] = &[
    ("Administrative and Clerical", "Receptionist", true),
    ("admin", "receptionist", true),
    ("nursing", "Nurse", true),
    ("nursing", "Receptionist", false),
    ("Surgery", "Receptionist", false),
    ("admin", "Surgeon", false),
    ("", "", false),
];
const BANDS: &[Choice] = &[
    ("", true),
    ("3", true),
    ("8a", true),
    ("123456789012345678901", false),
];

#[derive(Debug, Clone)]
struct GeneratedRow {
    number: Choice,
    email: Choice,
    name: Choice,
    organisation: Choice,
    job: (&'static str, &'static str, bool),
    band: Choice,
}

impl GeneratedRow {
    /// A row of empty fields, which the check skips.
    fn blank(&self) -> bool {
        [
            self.number.0,
            self.email.0,
            self.name.0,
            self.organisation.0,
        ]
        .iter()
        .chain([self.job.0, self.job.1, self.band.0].iter())
        .all(|v| v.is_empty())
    }

    fn fields_ok(&self) -> bool {
        self.number.1
            && self.email.1
            && self.name.1
            && self.organisation.1
            && self.job.2
            && self.band.1
    }
}

/// Mostly good values, so that whole files are often good too.
fn value<T: Clone + std::fmt::Debug + 'static>(
    choices: &[T],
    good: fn(&T) -> bool,
) -> impl Strategy<Value = T> + use<T> {
    let (goods, bads): (Vec<T>, Vec<T>) = choices.iter().cloned().partition(good);
    prop_oneof![8 => prop::sample::select(goods), 1 => prop::sample::select(bads)]
}

fn generated_row() -> impl Strategy<Value = GeneratedRow> {
    let ok = |c: &Choice| c.1;
    (
        value(NUMBERS, ok),
        value(EMAILS, ok),
        value(NAMES, ok),
        value(ORGANISATIONS, ok),
        value(JOBS, |j| j.2),
        value(BANDS, ok),
    )
        .prop_map(
            |(number, email, name, organisation, job, band)| GeneratedRow {
                number,
                email,
                name,
                organisation,
                job,
                band,
            },
        )
}

/// "\n", "\r\n" or a bare "\r" (which old Mac software writes, and the csv reader accepts).
fn line_end() -> impl Strategy<Value = csv::Terminator> {
    prop::sample::select(vec![
        csv::Terminator::Any(b'\n'),
        csv::Terminator::CRLF,
        csv::Terminator::Any(b'\r'),
    ])
}

/// The file, with the columns in `order`, quoted by the csv writer where needed.
fn write_csv(order: &[usize], rows: &[GeneratedRow], line_end: csv::Terminator) -> Vec<u8> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(line_end)
        .from_writer(Vec::new());
    writer
        .write_record(order.iter().map(|&i| COLUMNS[i]))
        .unwrap();
    for row in rows {
        let values = [
            row.number.0,
            row.email.0,
            row.name.0,
            row.organisation.0,
            row.job.0,
            row.job.1,
            row.band.0,
        ];
        writer
            .write_record(order.iter().map(|&i| values[i]))
            .unwrap();
    }
    writer.into_inner().unwrap()
}

/// The lines the model says are bad: broken fields, or an employee number or email already on
/// an earlier row whose fields are good; line 1 when every row is blank.
fn expected_bad_lines(rows: &[GeneratedRow]) -> Vec<u64> {
    if rows.iter().all(GeneratedRow::blank) {
        return vec![1];
    }
    let mut numbers = HashSet::new();
    let mut emails = HashSet::new();
    let mut bad = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let line = i as u64 + 2;
        if row.blank() {
            continue;
        }
        if !row.fields_ok() {
            bad.push(line);
            continue;
        }
        let new_number = numbers.insert(row.number.0.trim());
        let new_email = emails.insert(row.email.0.trim().to_lowercase());
        if !(new_number && new_email) {
            bad.push(line);
        }
    }
    bad
}

fn runner(cases: u32) -> TestRunner {
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

#[test]
fn accepts_and_refuses_rows_as_the_model_does() {
    let order = Just((0..COLUMNS.len()).collect::<Vec<_>>()).prop_shuffle();
    let strategy = (
        order,
        prop::collection::vec(generated_row(), 1..12),
        line_end(),
    );
    let accepted_files = AtomicUsize::new(0);
    runner(3000)
        .run(&strategy, |(order, rows, line_end)| {
            let csv = write_csv(&order, &rows, line_end);
            let expected = expected_bad_lines(&rows);
            match check_rows(&csv, &lookups()) {
                Ok(accepted) => {
                    accepted_files.fetch_add(1, Ordering::Relaxed);
                    prop_assert!(expected.is_empty(), "accepted, but bad lines {expected:?}");
                    let kept: Vec<&GeneratedRow> = rows.iter().filter(|r| !r.blank()).collect();
                    prop_assert_eq!(accepted.len(), kept.len());
                    for (row, generated) in accepted.iter().zip(kept) {
                        prop_assert_eq!(&row.display_name, generated.name.0.trim());
                        prop_assert_eq!(&row.employee_number, generated.number.0.trim());
                    }
                }
                Err(errors) => {
                    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
                    prop_assert_eq!(lines, expected, "{:?}", errors);
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    // Guards the generator: good files must be common, or acceptance is barely tested.
    let accepted = accepted_files.load(Ordering::Relaxed);
    assert!(accepted > 100, "only {accepted} of 3000 files were good");
}

#[test]
fn arbitrary_bytes_never_panic_and_problems_are_bounded() {
    let header = COLUMNS.join(",") + "\n";
    let with_header = prop::collection::vec(any::<u8>(), 0..400).prop_map(move |tail| {
        let mut bytes = header.clone().into_bytes();
        bytes.extend(tail);
        bytes
    });
    let strategy = prop_oneof![prop::collection::vec(any::<u8>(), 0..400), with_header];
    runner(3000)
        .run(&strategy, |bytes| {
            match check_rows(&bytes, &lookups()) {
                Ok(rows) => prop_assert!(!rows.is_empty()),
                Err(errors) => {
                    prop_assert!(!errors.is_empty() && errors.len() <= MAX_ROW_ERRORS + 1);
                    prop_assert!(errors.iter().all(|e| !e.problem.is_empty()));
                }
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn oversized_file_is_refused_unread() {
    let csv = vec![b'x'; MAX_CSV_BYTES + 1];
    let errors = check_rows(&csv, &lookups()).expect_err("too large");
    assert_eq!(errors.len(), 1);
    assert!(
        errors[0].problem.contains("larger than 10 MB"),
        "{errors:?}"
    );
}

#[test]
fn a_file_of_garbage_reports_a_bounded_number_of_problems() {
    let csv = COLUMNS.join(",") + "\n" + &"a\n".repeat(100_000);
    let errors = check_rows(csv.as_bytes(), &lookups()).expect_err("all bad");
    assert_eq!(errors.len(), MAX_ROW_ERRORS + 1);
    let RowError { line, problem } = errors.last().unwrap();
    assert_eq!(*line, MAX_ROW_ERRORS as u64 + 1);
    assert!(
        problem.contains("checking stopped after 200 problems"),
        "{problem}"
    );
}

const GOOD: &str = "1001,ann@example.nhs.uk,Ann Smith,RX1,admin,Receptionist,3";
const BAD: &str = "1002,not-an-email,Bob Jones,RX1,admin,Receptionist,3";

fn error_lines(csv: &[u8]) -> Vec<u64> {
    let errors = check_rows(csv, &lookups()).expect_err("has bad rows");
    errors.iter().map(|e| e.line).collect()
}

/// Regression: the csv crate counts only "\n", so every problem in a file with bare "\r" line
/// ends was reported on line 1.
#[test]
fn bare_cr_line_ends_give_the_lines_an_editor_shows() {
    let header = COLUMNS.join(",");
    let csv = [header.as_str(), GOOD, BAD, "", BAD, ""].join("\r");
    assert_eq!(error_lines(csv.as_bytes()), [3, 5]);
}

/// Regression: with "\r\n" line ends the csv crate's lines were one short, and after blank
/// lines they pointed at the first blank line.
#[test]
fn crlf_blank_lines_and_quoted_line_breaks_give_the_lines_an_editor_shows() {
    let header = COLUMNS.join(",");
    let two_lines = "1003,c@nhs.net,\"Two\r\nlines\",RX1,admin,Receptionist,3";
    let csv = [header.as_str(), BAD, "", "", two_lines, BAD, GOOD].join("\r\n");
    assert_eq!(error_lines(csv.as_bytes()), [2, 5, 7]);
    let csv = [header.as_str(), "", GOOD, "", "", BAD].join("\n");
    assert_eq!(error_lines(csv.as_bytes()), [6]);
}

#[test]
fn a_row_that_is_not_utf8_is_named_by_line_and_column() {
    let mut csv = (COLUMNS.join(",") + "\r" + GOOD + "\r\r").into_bytes();
    csv.extend(b"1004,d@nhs.net,Zo\xEB,RX1,admin,Receptionist,3\r");
    let errors = check_rows(&csv, &lookups()).expect_err("not UTF-8");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].line, 4);
    assert_eq!(
        errors[0].problem,
        "display_name is not valid UTF-8 text (save the file as UTF-8)"
    );
}
