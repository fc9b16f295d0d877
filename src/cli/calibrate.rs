//! `bank calibrate` (the item bank's Rasch calibration, stored), `bank rescore` (the scores on
//! the calibrated scale rewritten under the latest calibration) and `bank fit-csv` (the fit on
//! a response matrix from a file, touching no database: for checking the fit against other
//! software, as tests/irt/check.sh does).

use std::path::Path;
use std::process::ExitCode;

use super::{fail, open_database, read_at_most};
use crate::assessment::calibration::{self, CalibrationSummary, Trigger};
use crate::csv_out::CsvOut;
use crate::measures::rasch::{self, Calibration, ItemStatus, MISFIT_HIGH, MISFIT_LOW, Observation};

/// The largest response file `fit-csv` reads.
const MAX_CSV_BYTES: usize = 64 * 1024 * 1024;

fn describe(run: &CalibrationSummary) -> Vec<String> {
    let mut lines = vec![format!(
        "calibration {}: {} learners' first baselines ({} all right or all wrong on every \
         topic), {} responses; {} item versions estimated, {} all right, {} all wrong, {} not \
         estimable; {} misfitting (infit or outfit outside {MISFIT_LOW}–{MISFIT_HIGH}); {} \
         job-role and staff-group decision priors fitted",
        run.run_id,
        run.persons,
        run.persons_extreme,
        run.responses,
        run.count(ItemStatus::Estimated),
        run.count(ItemStatus::AllRight),
        run.count(ItemStatus::AllWrong),
        run.count(ItemStatus::NotEstimable),
        run.misfitting().count(),
        run.priors,
    )];
    for item in &run.items {
        let c = &item.calibration;
        let what = match c.status {
            ItemStatus::Estimated if c.misfits() => format!(
                "misfit: infit {}, outfit {}",
                fixed(c.infit),
                fixed(c.outfit)
            ),
            ItemStatus::Estimated | ItemStatus::NoResponses => continue,
            status => format!("{}: {} of {} right", status.as_str(), c.n_right, c.n),
        };
        lines.push(format!("  {} v{}: {what}", item.item_uid, item.version));
    }
    lines
}

fn fixed(value: Option<f64>) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.2}"))
}

pub(super) async fn calibrate() -> ExitCode {
    let (_, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    match calibration::calibrate(&db, Trigger::Command).await {
        Ok(Some(run)) => {
            for line in describe(&run) {
                println!("{line}");
            }
            ExitCode::SUCCESS
        }
        Ok(None) => {
            println!("no first baseline has responses yet: nothing to calibrate");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

pub(super) async fn rescore() -> ExitCode {
    let (_, db) = match open_database().await {
        Ok(opened) => opened,
        Err(error) => return fail(error),
    };
    match crate::reports::rebuild::rescore(&db).await {
        Ok((done, rebuilt)) => {
            match (done.run_id, rebuilt) {
                (Some(run), Some(rebuilt)) => println!(
                    "rescored {} attempts under calibration {run}; {} whose responses \
                     retention removed keep their scores; {} report cells rebuilt",
                    done.attempts, done.kept, rebuilt.cells
                ),
                _ => println!("not calibrated yet: nothing to rescore (run `bank calibrate`)"),
            }
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

/// A response matrix: a header naming the items, then one row per person with 1 (right),
/// 0 (wrong) or nothing (not answered) per item.
fn parse_matrix(text: &str) -> Result<(Vec<String>, Vec<Vec<Observation>>), String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let items: Vec<String> = reader
        .headers()
        .map_err(|e| format!("line 1: {e}"))?
        .iter()
        .map(str::to_owned)
        .collect();
    let mut persons = Vec::new();
    for (row, record) in reader.records().enumerate() {
        let line = row + 2;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        let mut person = Vec::new();
        for (i, cell) in record.iter().enumerate() {
            match cell.trim() {
                "1" => person.push((i, true)),
                "0" => person.push((i, false)),
                "" => {}
                other => {
                    return Err(format!(
                        "line {line}, column {}: expected 1, 0 or nothing, got `{other}`",
                        i + 1
                    ));
                }
            }
        }
        persons.push(person);
    }
    Ok((items, persons))
}

fn number(value: Option<f64>) -> String {
    value.map(|v| format!("{v:.6}")).unwrap_or_default()
}

fn fit_csv_text(items: &[String], fit: &Calibration) -> Result<String, String> {
    let mut out = CsvOut::new();
    let header = [
        "item",
        "status",
        "n",
        "n_right",
        "difficulty",
        "standard_error",
        "infit",
        "outfit",
    ];
    out.record(header).map_err(|e| e.to_string())?;
    for (name, c) in items.iter().zip(&fit.items) {
        out.record([
            name.clone(),
            c.status.as_str().to_owned(),
            c.n.to_string(),
            c.n_right.to_string(),
            number(c.difficulty),
            number(c.standard_error),
            number(c.infit),
            number(c.outfit),
        ])
        .map_err(|e| e.to_string())?;
    }
    out.finish().map_err(|e| e.to_string())
}

pub(super) fn fit_csv(file: &Path) -> ExitCode {
    let text = match read_at_most(file, MAX_CSV_BYTES).map(String::from_utf8) {
        Ok(Ok(text)) => text,
        Ok(Err(_)) => return fail(format!("{}: not UTF-8 text", file.display())),
        Err(error) => return fail(format!("{}: {error}", file.display())),
    };
    let (items, persons) = match parse_matrix(&text) {
        Ok(parsed) => parsed,
        Err(error) => return fail(format!("{}: {error}", file.display())),
    };
    let fit = rasch::calibrate(items.len(), &persons);
    match fit_csv_text(&items, &fit) {
        Ok(csv) => {
            print!("{csv}");
            ExitCode::SUCCESS
        }
        Err(error) => fail(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_matrix_reads_right_wrong_and_unanswered() {
        let (items, persons) = parse_matrix("a,b,c\n1,0,\n,1,1\n").unwrap();
        assert_eq!(items, ["a", "b", "c"]);
        assert_eq!(
            persons,
            vec![vec![(0, true), (1, false)], vec![(1, true), (2, true)]]
        );
    }

    #[test]
    fn a_bad_cell_is_named_by_line_and_column() {
        let error = parse_matrix("a,b\n1,0\n1,x\n").unwrap_err();
        assert_eq!(error, "line 3, column 2: expected 1, 0 or nothing, got `x`");
    }

    #[test]
    fn the_fit_is_written_one_row_per_item() {
        // The hand case of the fit's tests: b = ∓ln 3 / 2.
        let mut text = String::from("x,y\n");
        text.push_str(&"1,0\n".repeat(30));
        text.push_str(&"0,1\n".repeat(10));
        let (items, persons) = parse_matrix(&text).unwrap();
        let csv = fit_csv_text(&items, &rasch::calibrate(2, &persons)).unwrap();
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "item,status,n,n_right,difficulty,standard_error,infit,outfit"
        );
        assert!(
            lines[1].starts_with("x,estimated,40,30,-0.549306,0.182574,"),
            "{csv}"
        );
        assert!(
            lines[2].starts_with("y,estimated,40,10,0.549306,0.182574,"),
            "{csv}"
        );
    }
}
