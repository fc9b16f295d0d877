//! People CSV check: any bytes give rows or a bounded list of problems, never a panic;
//! accepted rows carry known ids and distinct employee numbers and emails; every line named
//! is in the file, after the header for a row, in file order.

#![no_main]

use std::collections::HashSet;

use genomics_training::accounts::import_check::{MAX_ROW_ERRORS, check_rows};
use genomics_training_fuzz::lookups;
use libfuzzer_sys::fuzz_target;

/// Lines as an editor counts them: "\n", "\r\n" and a bare "\r" each end one.
fn line_count(data: &[u8]) -> u64 {
    let breaks = data
        .iter()
        .enumerate()
        .filter(|&(i, &b)| b == b'\n' || (b == b'\r' && data.get(i + 1) != Some(&b'\n')))
        .count();
    breaks as u64 + 1
}

fuzz_target!(|data: &[u8]| {
    let last_line = line_count(data);
    match check_rows(data, &lookups()) {
        Ok(rows) => {
            assert!(!rows.is_empty());
            let lines: Vec<u64> = rows.iter().map(|r| r.line).collect();
            assert!(lines.is_sorted_by(|a, b| a < b), "{lines:?}");
            let mut numbers = HashSet::new();
            let mut emails = HashSet::new();
            for row in &rows {
                assert!([1, 2].contains(&row.organisation_id), "{row:?}");
                assert!([7, 8].contains(&row.job_role_id), "{row:?}");
                assert!(numbers.insert(row.employee_number.as_str()), "{row:?}");
                assert!(emails.insert(row.email.to_string()), "{row:?}");
                assert!((2..=last_line).contains(&row.line), "{row:?}");
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty() && errors.len() <= MAX_ROW_ERRORS + 1);
            assert!(errors.iter().all(|e| !e.problem.is_empty()), "{errors:?}");
            let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
            assert!(lines.is_sorted(), "{lines:?}");
            assert!(
                lines.iter().all(|l| (1..=last_line).contains(l)),
                "{lines:?}"
            );
        }
    }
});
