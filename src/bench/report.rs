//! `bench report`: the results file (JSON lines from `bench load` and `bench sql`) as a
//! Markdown table, with the ratios docs/benchmarks.md records.

use std::fmt::Write as _;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Line {
    pub label: String,
    pub scenario: String,
    pub concurrency: usize,
    pub operations: usize,
    pub errors: usize,
    pub per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub peak_rss_mb: Option<f64>,
}

pub fn parse(text: &str) -> Result<Vec<Line>, String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
}

fn find<'a>(
    lines: &'a [Line],
    label: &str,
    scenario: &str,
    concurrency: usize,
) -> Option<&'a Line> {
    lines
        .iter()
        .rev()
        .find(|l| l.label == label && l.scenario == scenario && l.concurrency == concurrency)
}

fn ratio(out: &mut String, what: &str, a: Option<f64>, b: Option<f64>, unit: &str) {
    if let (Some(a), Some(b)) = (a, b)
        && b > 0.0
    {
        let _ = writeln!(out, "- {what}: {a:.1} / {b:.1} {unit} = **{:.2}**", a / b);
    }
}

/// The table, then the ratios for `large` (the big population) against `small`, at the
/// largest concurrency measured.
pub fn render(lines: &[Line], large: &str, small: &str) -> String {
    let mut out = String::from(
        "| run | scenario | clients | operations | errors | per second | p50 ms | p99 ms | max ms | server peak RSS MB |\n\
         |---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for l in lines {
        let rss = l.peak_rss_mb.map_or("–".to_owned(), |m| format!("{m:.0}"));
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {:.1} | {:.2} | {:.2} | {:.2} | {rss} |",
            l.label,
            l.scenario,
            l.concurrency,
            l.operations,
            l.errors,
            l.per_second,
            l.p50_ms,
            l.p99_ms,
            l.max_ms
        );
    }
    let top = lines
        .iter()
        .filter(|l| l.label == large && l.scenario == "baseline_submit")
        .map(|l| l.concurrency)
        .max()
        .unwrap_or(64);
    let at = |label: &str, scenario: &str, c: usize| find(lines, label, scenario, c);
    let _ = writeln!(out, "\nRatios ({large}, {top} clients unless stated):\n");
    ratio(
        &mut out,
        "attempt submit vs the same rows by plain SQL (throughput)",
        at(large, "baseline_submit", top).map(|l| l.per_second),
        at(large, "plain_sql_insert", top).map(|l| l.per_second),
        "per s",
    );
    ratio(
        &mut out,
        "module page vs /healthz (throughput)",
        at(large, "module_page", top).map(|l| l.per_second),
        at(large, "healthz", top).map(|l| l.per_second),
        "per s",
    );
    ratio(
        &mut out,
        &format!("gap dashboard at {large} vs at {small} (p50, 1 client)"),
        at(large, "gap_dashboard", 1).map(|l| l.p50_ms),
        at(small, "gap_dashboard", 1).map(|l| l.p50_ms),
        "ms",
    );
    ratio(
        &mut out,
        &format!("one trust's dashboard at {large} vs at {small} (p50, 1 client)"),
        at(large, "trust_dashboard", 1).map(|l| l.p50_ms),
        at(small, "trust_dashboard", 1).map(|l| l.p50_ms),
        "ms",
    );
    ratio(
        &mut out,
        "gap dashboard vs a plain GROUP BY over the raw responses (p50, 1 client)",
        at(large, "gap_dashboard", 1).map(|l| l.p50_ms),
        at(large, "plain_group_by", 1).map(|l| l.p50_ms),
        "ms",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(label: &str, scenario: &str, c: usize, per_second: f64, p50: f64) -> String {
        format!(
            r#"{{"label":"{label}","scenario":"{scenario}","concurrency":{c},"operations":10,"errors":0,"seconds":1.0,"per_second":{per_second},"p50_ms":{p50},"p99_ms":9.0,"max_ms":10.0,"peak_rss_mb":null,"first_error":null}}"#
        )
    }

    #[test]
    fn ratios_pair_the_right_runs() {
        let text = [
            line("big", "baseline_submit", 64, 100.0, 50.0),
            line("big", "plain_sql_insert", 64, 400.0, 5.0),
            line("big", "module_page", 64, 900.0, 20.0),
            line("big", "healthz", 64, 3000.0, 2.0),
            line("big", "gap_dashboard", 1, 40.0, 30.0),
            line("small", "gap_dashboard", 1, 50.0, 20.0),
            line("big", "plain_group_by", 1, 0.1, 6000.0),
        ]
        .join("\n");
        let lines = parse(&text).unwrap_or_default();
        let out = render(&lines, "big", "small");
        assert!(out.contains("100.0 / 400.0 per s = **0.25**"), "{out}");
        assert!(out.contains("900.0 / 3000.0 per s = **0.30**"), "{out}");
        assert!(out.contains("30.0 / 20.0 ms = **1.50**"), "{out}");
        assert!(out.contains("30.0 / 6000.0 ms = **0.01**"), "{out}");
        assert_eq!(out.lines().filter(|l| l.starts_with("| big")).count(), 6);
    }

    #[test]
    fn a_bad_line_is_named() {
        assert_eq!(
            parse("{}\n").err().map(|e| e.starts_with("line 1:")),
            Some(true)
        );
    }
}
