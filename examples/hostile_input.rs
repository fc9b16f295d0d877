//! Time and peak memory of the file readers on huge and pathological inputs, each measured in
//! a fresh process so one case's memory does not hide another's.
//!
//! `cargo run --release --example hostile_input` prints a Markdown table (the figures in
//! docs/reliability.md); `... -- <case>` runs one case.

use std::process::{Command, ExitCode};
use std::time::Instant;

use genomics_training::accounts::import_check::{Lookups, MAX_CSV_BYTES, check_rows};
use genomics_training::questions::{MAX_SOURCE_BYTES, parse_gift, parse_moodle_xml};

/// Repeats `unit` to just under `limit` bytes, between an optional head and tail.
fn fill(head: &str, unit: &str, tail: &str, limit: usize) -> String {
    let room = limit - head.len() - tail.len();
    let mut out = String::with_capacity(limit);
    out.push_str(head);
    out.push_str(&unit.repeat(room / unit.len()));
    out.push_str(tail);
    out
}

const XML_QUESTION: &str = "<question type=\"truefalse\"><name><text>q</text></name>\
    <questiontext format=\"html\"><text>DNA is a double helix.</text></questiontext>\
    <answer fraction=\"100\"><text>true</text></answer>\
    <answer fraction=\"0\"><text>false</text></answer></question>\n";

const CSV_HEADER: &str =
    "employee_number,email,display_name,organisation_code,staff_group,job_role,band\n";

/// The largest file the readers accept.
const MAX: usize = MAX_SOURCE_BYTES;

/// A case's name, what it is, and the input it builds.
type Case = (&'static str, &'static str, fn() -> Input);

fn cases() -> Vec<Case> {
    vec![
        ("gift-over-limit", "GIFT, 10 MB + 1 byte", || {
            Input::Gift("x".repeat(MAX_SOURCE_BYTES + 1))
        }),
        (
            "gift-questions",
            "GIFT, 10 MB of true/false questions",
            || Input::Gift(fill("", "::q:: DNA is a double helix. {T}\n\n", "", MAX)),
        ),
        (
            "gift-descriptions",
            "GIFT, 10 MB of one-letter descriptions",
            || Input::Gift(fill("", "x\n\n", "", MAX)),
        ),
        ("gift-broken", "GIFT, 10 MB of broken questions", || {
            Input::Gift(fill("", "x{\n\n", "", MAX))
        }),
        ("gift-one-block", "GIFT, one 10 MB question of `{~`", || {
            Input::Gift(fill("q", "{~", "", MAX))
        }),
        ("gift-escapes", "GIFT, one 10 MB answer of escapes", || {
            Input::Gift(fill("q{=", "\\{", "}", MAX))
        }),
        ("xml-over-limit", "Moodle XML, 10 MB + 1 byte", || {
            Input::Xml("<".repeat(MAX_SOURCE_BYTES + 1))
        }),
        ("xml-deep", "Moodle XML, 10,000 nested elements", || {
            Input::Xml(format!("{}{}", "<a>".repeat(10_000), "</a>".repeat(10_000)))
        }),
        ("xml-deep-huge", "Moodle XML, 10 MB of opening tags", || {
            Input::Xml(fill("", "<a>", "", MAX))
        }),
        (
            "xml-questions",
            "Moodle XML, 10 MB of true/false questions",
            || Input::Xml(fill("<quiz>\n", XML_QUESTION, "</quiz>", MAX)),
        ),
        ("xml-one-text", "Moodle XML, one 10 MB text", || {
            Input::Xml(fill("<quiz><a>", "x", "</a></quiz>", MAX))
        }),
        (
            "xml-entities",
            "Moodle XML, 10 MB of entity references",
            || Input::Xml(fill("<quiz><a>", "&amp;", "</a></quiz>", MAX)),
        ),
        (
            "xml-attributes",
            "Moodle XML, one element with 10 MB of attributes",
            || {
                let mut xml = String::from("<quiz");
                let mut n = 0;
                while xml.len() < MAX - 16 {
                    xml.push_str(&format!(" a{n}=\"\""));
                    n += 1;
                }
                xml.push_str("/>");
                Input::Xml(xml)
            },
        ),
        ("csv-over-limit", "people CSV, 10 MB + 1 byte", || {
            Input::Csv(fill(CSV_HEADER, "x", "", MAX_CSV_BYTES + 1))
        }),
        ("csv-rows", "people CSV, 10 MB of good rows", || {
            let mut csv = String::from(CSV_HEADER);
            let mut n = 0;
            while csv.len() < MAX_CSV_BYTES - 100 {
                csv.push_str(&format!(
                    "{n},p{n}@example.nhs.uk,Person {n},RX1,Administrative and Clerical,Receptionist,3\n"
                ));
                n += 1;
            }
            Input::Csv(csv)
        }),
        ("csv-garbage", "people CSV, 10 MB of bad rows", || {
            Input::Csv(fill(CSV_HEADER, "a\n", "", MAX_CSV_BYTES))
        }),
        (
            "csv-one-field",
            "people CSV, one 10 MB quoted field",
            || Input::Csv(fill(&format!("{CSV_HEADER}\""), "x", "\"\n", MAX_CSV_BYTES)),
        ),
    ]
}

enum Input {
    Gift(String),
    Xml(String),
    Csv(String),
}

impl Input {
    fn len(&self) -> usize {
        match self {
            Input::Gift(s) | Input::Xml(s) | Input::Csv(s) => s.len(),
        }
    }

    /// Reads the input; returns what came of it.
    fn read(&self) -> String {
        let outcome = |ok: usize, errors: Vec<String>| match errors.first() {
            None => format!("accepted: {ok}"),
            Some(first) => format!("refused, {} error(s): {first}", errors.len()),
        };
        match self {
            Input::Gift(s) => match parse_gift(s, "in.gift") {
                Ok(q) => outcome(q.len(), Vec::new()),
                Err(e) => outcome(0, e.iter().map(|e| e.message.clone()).collect()),
            },
            Input::Xml(s) => match parse_moodle_xml(s, "in.xml") {
                Ok(q) => outcome(q.len(), Vec::new()),
                Err(e) => outcome(0, e.iter().map(|e| e.message.clone()).collect()),
            },
            Input::Csv(s) => {
                let mut lookups = Lookups::default();
                lookups.add_organisation("RX1", 1);
                lookups.add_staff_group("admin", "Administrative and Clerical", 1);
                lookups.add_job_role(1, "receptionist", "Receptionist", 1);
                match check_rows(s.as_bytes(), &lookups) {
                    Ok(rows) => outcome(rows.len(), Vec::new()),
                    Err(e) => outcome(0, e.iter().map(|e| e.problem.clone()).collect()),
                }
            }
        }
    }
}

/// The process's peak resident memory so far, in MiB (Linux).
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn run_one(name: &str) -> ExitCode {
    let Some((_, what, build)) = cases().into_iter().find(|(n, _, _)| *n == name) else {
        eprintln!("no case {name}");
        return ExitCode::FAILURE;
    };
    let input = build();
    let before = peak_rss_mib();
    let started = Instant::now();
    let outcome = input.read();
    let elapsed = started.elapsed();
    let mut outcome: String = outcome.chars().take(90).collect();
    outcome = outcome.replace('|', "\\|");
    println!(
        "| {what} | {:.1} | {} | {:.0} | {:.0} | {outcome} |",
        input.len() as f64 / 1024.0 / 1024.0,
        elapsed.as_millis(),
        before,
        peak_rss_mib(),
    );
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    if let Some(name) = std::env::args().nth(1) {
        return run_one(&name);
    }
    println!(
        "| input | MiB | read ms | peak RSS before reading, MiB | peak RSS after, MiB | outcome |"
    );
    println!("|---|---|---|---|---|---|");
    let Ok(me) = std::env::current_exe() else {
        eprintln!("cannot find this program's path");
        return ExitCode::FAILURE;
    };
    for (name, _, _) in cases() {
        match Command::new(&me).arg(name).status() {
            Ok(status) if status.success() => {}
            other => {
                eprintln!("case {name} failed: {other:?}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
