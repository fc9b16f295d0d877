//! Reading and checking a people CSV file without a database: the header, every row against
//! the known organisations, staff groups and job roles, and duplicates within the file. Kept
//! pure so it can be fuzzed and property-tested; [`super::import`] loads the lookups and adds
//! the checks that need the database.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use super::Email;

pub const COLUMNS: [&str; 7] = [
    "employee_number",
    "email",
    "display_name",
    "organisation_code",
    "staff_group",
    "job_role",
    "band",
];

/// The optional column naming a person's team (ward, department or cost centre). ESR extracts
/// call it "Organisation" (the unit within the employing trust); the other spellings are the
/// ones trusts use when they build the file themselves.
pub const TEAM_COLUMNS: [&str; 4] = ["team", "organisation", "organisation_unit", "org_unit"];

/// The longest team name kept, as the `teams` table stores it.
pub const MAX_TEAM_CHARS: usize = 100;

/// Larger files are refused before they are read (the upload limit is smaller still).
pub const MAX_CSV_BYTES: usize = 10 * 1024 * 1024;

/// Checking stops after this many bad rows, so a file of garbage cannot grow the report
/// without bound; nothing is imported either way.
pub const MAX_ROW_ERRORS: usize = 200;

/// One bad row (or the header, line 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RowError {
    pub line: u64,
    pub problem: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.line, self.problem)
    }
}

/// A row that passed every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: u64,
    pub employee_number: String,
    pub email: Email,
    pub display_name: String,
    pub organisation_id: i64,
    pub job_role_id: i64,
    pub band: Option<String>,
    pub team: TeamCell,
}

/// What a row says about the person's team.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamCell {
    /// The file has no team column: the person's team is left as it is.
    NotGiven,
    /// The column is empty: the person is in no team.
    NoTeam,
    /// A team of the row's organisation, found or made by name (case does not matter).
    Named(String),
}

/// What rows are checked against: organisations by code, staff groups and job roles by slug
/// or name (case does not matter).
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    organisations: HashMap<String, i64>,
    staff_groups: HashMap<String, i64>,
    /// (staff group id, job role id) by lower-cased slug and by lower-cased name.
    job_roles: HashMap<String, Vec<(i64, i64)>>,
    /// The trust's own titles (`super::job_titles`): (staff group id, job role id) by
    /// (organisation or none for all, title key).
    job_titles: HashMap<(Option<i64>, String), (i64, i64)>,
}

impl Lookups {
    pub fn add_organisation(&mut self, code: &str, id: i64) {
        self.organisations.insert(code.to_uppercase(), id);
    }

    pub fn add_staff_group(&mut self, slug: &str, name: &str, id: i64) {
        self.staff_groups.insert(slug.to_lowercase(), id);
        self.staff_groups.insert(name.to_lowercase(), id);
    }

    pub fn add_job_role(&mut self, staff_group_id: i64, slug: &str, name: &str, id: i64) {
        for key in [slug.to_lowercase(), name.to_lowercase()] {
            let entry = self.job_roles.entry(key).or_default();
            if !entry.contains(&(staff_group_id, id)) {
                entry.push((staff_group_id, id));
            }
        }
    }
}

impl Lookups {
    /// Maps a trust's own title (for one organisation, or for all) to a job role.
    pub fn add_job_title(
        &mut self,
        organisation_id: Option<i64>,
        title: &str,
        staff_group_id: i64,
        job_role_id: i64,
    ) {
        let key = (organisation_id, super::job_titles::title_key(title));
        self.job_titles.insert(key, (staff_group_id, job_role_id));
    }

    /// The job roles `title` names: a role of the taxonomy by slug or name, else the
    /// organisation's own mapping of that title, else a mapping for every organisation.
    fn job_role_candidates(&self, title: &str, organisation_id: Option<i64>) -> Vec<(i64, i64)> {
        if let Some(roles) = self.job_roles.get(&title.to_lowercase()) {
            return roles.clone();
        }
        let key = super::job_titles::title_key(title);
        [organisation_id, None]
            .into_iter()
            .find_map(|org| self.job_titles.get(&(org, key.clone())).copied())
            .into_iter()
            .collect()
    }
}

/// A name-like field: not empty (when required), not too long, no control characters (which
/// could not be shown, and which PostgreSQL refuses to store when it is the NUL character).
fn check_text(name: &str, value: &str, required: bool, max_chars: usize) -> Option<String> {
    if value.is_empty() {
        return required.then(|| format!("{name} is empty"));
    }
    if value.chars().count() > max_chars {
        return Some(format!("{name} is longer than {max_chars} characters"));
    }
    if value.chars().any(char::is_control) {
        return Some(format!("{name} contains a control character"));
    }
    None
}

/// The team column's value, with runs of spaces made one so that "Ward  5" and "Ward 5" are the
/// same team.
fn team_cell(team_column: Option<&str>, record: &HashMap<&str, &str>) -> Result<TeamCell, String> {
    let Some(column) = team_column else {
        return Ok(TeamCell::NotGiven);
    };
    let name = record
        .get(column)
        .copied()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    match check_text(column, &name, false, MAX_TEAM_CHARS) {
        Some(problem) => Err(problem),
        None if name.is_empty() => Ok(TeamCell::NoTeam),
        None => Ok(TeamCell::Named(name)),
    }
}

fn check_row(
    line: u64,
    record: &HashMap<&str, &str>,
    lookups: &Lookups,
    team_column: Option<&str>,
) -> Result<Row, String> {
    let get = |name: &str| record.get(name).map(|v| v.trim()).unwrap_or_default();
    let mut problems = Vec::new();
    let employee_number = get("employee_number");
    problems.extend(check_text("employee_number", employee_number, true, 30));
    let email = Email::parse(get("email"))
        .map_err(|p| problems.push(format!("email: {}", p.to_lowercase())))
        .ok();
    let display_name = get("display_name");
    problems.extend(check_text("display_name", display_name, true, 200));
    let code = get("organisation_code").to_uppercase();
    let organisation_id = lookups.organisations.get(&code).copied();
    if organisation_id.is_none() {
        problems.push(if code.is_empty() {
            "organisation_code is empty".to_owned()
        } else {
            format!("organisation_code {code} is not a known organisation (add it first)")
        });
    }
    let group_text = get("staff_group");
    let group = lookups
        .staff_groups
        .get(&group_text.to_lowercase())
        .copied();
    if group.is_none() {
        problems.push(format!(
            "staff_group \"{group_text}\" is not a known staff group"
        ));
    }
    let role_text = get("job_role");
    let candidates = lookups.job_role_candidates(role_text, organisation_id);
    let candidates = Some(candidates).filter(|c| !c.is_empty());
    let job_role_id = match (candidates, group) {
        (None, _) => {
            problems.push(format!(
                "job_role \"{role_text}\" is not a known job role: map it to one on the Job \
                 titles page (/admin/job-titles) and import again"
            ));
            None
        }
        (Some(roles), Some(group)) => {
            let found = roles.iter().find(|(g, _)| *g == group).map(|(_, id)| *id);
            if found.is_none() {
                problems.push(format!(
                    "job_role \"{role_text}\" is not in staff group \"{group_text}\""
                ));
            }
            found
        }
        (Some(_), None) => None,
    };
    let band = Some(get("band")).filter(|b| !b.is_empty());
    problems.extend(band.and_then(|b| check_text("band", b, false, 20)));
    let team = team_cell(team_column, record)
        .map_err(|problem| problems.push(problem))
        .ok();
    match (email, organisation_id, job_role_id, team) {
        (Some(email), Some(organisation_id), Some(job_role_id), Some(team))
            if problems.is_empty() =>
        {
            Ok(Row {
                line,
                employee_number: employee_number.to_owned(),
                email,
                display_name: display_name.to_owned(),
                organisation_id,
                job_role_id,
                band: band.map(super::band::normalise_band),
                team,
            })
        }
        _ => Err(problems.join("; ")),
    }
}

/// Line numbers as an editor shows them. The csv crate's own are wrong for a file's problems:
/// it counts only "\n" (so a file with bare "\r" line ends is all line 1, and one with "\r\n"
/// is one line short) and places a record where the previous one ended, before any blank
/// lines that it skips.
struct Lines<'a> {
    bytes: &'a [u8],
    counted_to: usize,
    line: u64,
}

impl<'a> Lines<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self {
            bytes,
            counted_to: 0,
            line: 1,
        }
    }

    /// The line on which the record that the reader started at `byte` begins. Records come
    /// in file order, so each byte is counted once.
    fn of_record_at(&mut self, byte: u64) -> u64 {
        let mut start = usize::try_from(byte).map_or(self.bytes.len(), |b| b.min(self.bytes.len()));
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let from = self.counted_to.min(start);
        for (i, byte) in self.bytes.iter().enumerate().take(start).skip(from) {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => self.bytes.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += u64::from(ends_line);
        }
        self.counted_to = self.counted_to.max(start);
        self.line
    }
}

/// Why a record could not be read, without the csv crate's line number (see [`Lines`]).
fn read_problem(error: &csv::Error, headers: &[String]) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { err, .. } => {
            let column = headers
                .get(err.field())
                .map_or_else(|| format!("field {}", err.field() + 1), Clone::clone);
            format!("{column} is not valid UTF-8 text (save the file as UTF-8)")
        }
        _ => format!("cannot read this row: {error}"),
    }
}

fn header_error(problem: String) -> Vec<RowError> {
    vec![RowError { line: 1, problem }]
}

/// Reads the file and checks every row; returns the rows, or every problem found (up to
/// [`MAX_ROW_ERRORS`]) located by line.
pub fn check_rows(csv_bytes: &[u8], lookups: &Lookups) -> Result<Vec<Row>, Vec<RowError>> {
    if csv_bytes.len() > MAX_CSV_BYTES {
        let megabytes = MAX_CSV_BYTES / 1024 / 1024;
        return Err(header_error(format!(
            "the file is larger than {megabytes} MB and was not read; split it into smaller files"
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(csv_bytes);
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h
            .iter()
            .map(|c| c.trim_start_matches('\u{feff}').to_lowercase())
            .collect(),
        Err(e) => return Err(header_error(format!("cannot read the header row: {e}"))),
    };
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !headers.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        return Err(header_error(format!(
            "the header row lacks column(s) {}; expected {}",
            missing.join(", "),
            COLUMNS.join(",")
        )));
    }
    let team_columns: Vec<&str> = headers
        .iter()
        .map(String::as_str)
        .filter(|h| TEAM_COLUMNS.contains(h))
        .collect();
    if team_columns.len() > 1 {
        return Err(header_error(format!(
            "the header row names the team in more than one column ({}); keep one",
            team_columns.join(", ")
        )));
    }
    let team_column = team_columns.first().copied();
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut emails: HashMap<String, u64> = HashMap::new();
    let mut numbers: HashMap<String, u64> = HashMap::new();
    let mut lines = Lines::new(csv_bytes);
    let mut line_of = |position: Option<&csv::Position>| {
        position.map_or(lines.line, |p| lines.of_record_at(p.byte()))
    };
    for record in reader.records() {
        if errors.len() >= MAX_ROW_ERRORS {
            let line = errors.last().map_or(1, |e: &RowError| e.line);
            errors.push(RowError {
                line,
                problem: format!(
                    "checking stopped after {MAX_ROW_ERRORS} problems; correct these and upload \
                     the file again"
                ),
            });
            break;
        }
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                errors.push(RowError {
                    line: line_of(e.position()),
                    problem: read_problem(&e, &headers),
                });
                continue;
            }
        };
        let line = line_of(record.position());
        if record.iter().all(str::is_empty) {
            continue;
        }
        let fields: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let problem = match check_row(line, &fields, lookups, team_column) {
            Ok(row) => {
                let mut duplicate = Vec::new();
                if let Some(first) = emails.insert(row.email.to_string(), line) {
                    duplicate.push(format!("email {} is also on line {first}", row.email));
                }
                if let Some(first) = numbers.insert(row.employee_number.clone(), line) {
                    duplicate.push(format!(
                        "employee_number {} is also on line {first}",
                        row.employee_number
                    ));
                }
                if duplicate.is_empty() {
                    rows.push(row);
                    continue;
                }
                duplicate.join("; ")
            }
            Err(problem) => problem,
        };
        errors.push(RowError { line, problem });
    }
    if rows.is_empty() && errors.is_empty() {
        return Err(header_error("the file has no rows to import".to_owned()));
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}
