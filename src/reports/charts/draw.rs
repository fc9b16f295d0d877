//! Drawing each chart from published cells. A suppressed cell draws no mark, only the `*` the
//! table shows; a cell with nothing to average draws none either, and says so.

use chrono::NaiveDate;

use super::svg::{Element, Scale, document, line, num, rect, text};
use super::{Bar, MonthCell, phase_words};
use crate::measures::CellMeasures;
use crate::reports::gaps::{Level, Phase};

/// NHS.UK colours (service manual): all at least 3:1 against white except `PALE`, which only
/// draws grid lines that carry no information of their own.
const BLUE: &str = "#005eb8";
const DARK_BLUE: &str = "#003087";
const TEXT: &str = "#212b32";
const GREY: &str = "#4c6272";
const PALE: &str = "#d8dde0";

const WIDTH: f64 = 720.0;
/// Where each row's bar area starts, after its label.
const PLOT_LEFT: f64 = 250.0;
const PLOT_RIGHT: f64 = 570.0;
const ROW: f64 = 28.0;
/// The first row's top, below the key.
const TOP: f64 = 56.0;

const HIDDEN: &str = "* hidden to protect a small group";
const SAME_FIGURES: &str = "The report's tables and CSV download give the same figures.";

fn small(element: Element) -> Element {
    element.attr("font-size", "12")
}

fn grey(element: Element) -> Element {
    element.attr("fill", GREY)
}

fn anchored(element: Element, anchor: &str) -> Element {
    element.attr("text-anchor", anchor)
}

/// A row's label: totals and staff groups bold, job roles indented under them.
fn row_label(bar: &Bar<'_>, y: f64) -> Element {
    let indent = if bar.level == Level::JobRole {
        20.0
    } else {
        8.0
    };
    let label = text(indent, y, bar.label).attr("font-size", "13");
    if bar.level == Level::JobRole {
        label
    } else {
        label.attr("font-weight", "700")
    }
}

fn bar_colour(level: Level) -> &'static str {
    if level == Level::JobRole {
        BLUE
    } else {
        DARK_BLUE
    }
}

/// One key entry: a swatch and its words, at `x` on the key's line.
fn key(x: f64, swatch: Element, words: &str) -> Vec<Element> {
    vec![swatch, small(text(x + 22.0, 28.0, words))]
}

/// A vertical grid line and label at each tick of `x`, from `top` to `bottom`.
fn x_axis(
    x: &Scale,
    ticks: &[f64],
    top: f64,
    bottom: f64,
    label: impl Fn(f64) -> String,
) -> Vec<Element> {
    let mut out = Vec::new();
    for &t in ticks {
        out.push(line(x.at(t), top, x.at(t), bottom, PALE, 1.0));
        out.push(small(anchored(
            text(x.at(t), bottom + 16.0, label(t)),
            "middle",
        )));
    }
    out
}

/// The chart when there is nothing to plot: its title and the reason, in words.
fn message(id: &str, title: &str, reason: &str) -> String {
    document(
        id,
        (WIDTH, 60.0),
        title,
        reason,
        vec![text(8.0, 34.0, reason)],
    )
}

fn sentence(title: &str, parts: &[String]) -> String {
    format!("{title}. {}. {SAME_FIGURES}", parts.join("; "))
}

/// Knowledge against target: one bar per row with its 95 % interval and a black target line.
pub(super) fn knowledge(id: &str, topic: &str, phase: Phase, rows: &[Bar<'_>]) -> String {
    let title = format!(
        "{topic}: knowledge against target by staff group and job role ({} answers)",
        phase_words(phase)
    );
    let x = Scale::new((0.0, 100.0), (PLOT_LEFT, PLOT_RIGHT));
    let bottom = TOP + ROW * rows.len() as f64;
    let mut body = Vec::new();
    body.extend(key(
        8.0,
        rect(8.0, 16.0, 16.0, 14.0, BLUE),
        "Knowledge (average score)",
    ));
    body.extend(key(
        220.0,
        line(228.0, 14.0, 228.0, 32.0, TEXT, 3.0),
        "Target for the role",
    ));
    body.extend(key(
        380.0,
        line(382.0, 23.0, 398.0, 23.0, TEXT, 1.5),
        "95% interval",
    ));
    body.extend(x_axis(&x, &x.ticks(25.0), TOP - 4.0, bottom, |t| {
        format!("{t}%")
    }));
    row_chart(
        id,
        &title,
        rows,
        body,
        (PLOT_LEFT, "no answers published"),
        |bar, m, mid, body| {
            let (k, t) = m.knowledge.zip(m.target)?;
            body.push(rect(
                x.at(0.0),
                mid - 7.0,
                x.at(k) - x.at(0.0),
                14.0,
                bar_colour(bar.level),
            ));
            if let Some(interval) = m.knowledge_interval {
                let (low, high) = (x.at(interval.low), x.at(interval.high));
                body.push(line(low, mid, high, mid, TEXT, 1.5));
                body.push(line(low, mid - 4.0, low, mid + 4.0, TEXT, 1.5));
                body.push(line(high, mid - 4.0, high, mid + 4.0, TEXT, 1.5));
            }
            body.push(line(x.at(t), mid - 11.0, x.at(t), mid + 11.0, TEXT, 3.0));
            Some((
                format!("{k:.0}% (target {t:.0}%)"),
                format!("knowledge {k:.0}%, target {t:.0}%"),
            ))
        },
    )
}

/// A chart of one row per bar: its label, then what `mark` draws for a shown cell (it returns
/// the value in words, written right of the plot, and as the description says it), or in grey
/// the star's words for a hidden cell and `missing.1` (at `missing.0`) when `mark` has nothing
/// to draw. `body` holds the key and axes.
fn row_chart(
    id: &str,
    title: &str,
    rows: &[Bar<'_>],
    mut body: Vec<Element>,
    missing: (f64, &str),
    mut mark: impl FnMut(&Bar<'_>, &CellMeasures, f64, &mut Vec<Element>) -> Option<(String, String)>,
) -> String {
    let (note_x, missing) = missing;
    let mut said = Vec::new();
    for (i, bar) in rows.iter().enumerate() {
        let mid = TOP + ROW * i as f64 + ROW / 2.0;
        body.push(row_label(bar, mid + 4.0));
        let (words, spoken) = match bar.cell.measures() {
            None => (HIDDEN, "hidden (*)".to_owned()),
            Some(m) => match mark(bar, m, mid, &mut body) {
                Some((value, spoken)) => {
                    body.push(small(text(PLOT_RIGHT + 12.0, mid + 4.0, value)));
                    said.push(format!("{}: {spoken}", bar.label));
                    continue;
                }
                None => (missing, missing.to_owned()),
            },
        };
        body.push(grey(small(text(note_x + 4.0, mid + 4.0, words))));
        said.push(format!("{}: {spoken}", bar.label));
    }
    let height = TOP + ROW * rows.len() as f64 + 28.0;
    document(id, (WIDTH, height), title, &sentence(title, &said), body)
}

/// The lowest tick at or below `value` on a grid of `step`, within `floor`–0.
fn floor_to(value: f64, step: f64, floor: f64) -> f64 {
    ((value / step).floor() * step).clamp(floor, 0.0)
}

/// Hake gain by row: bars from 0, falls hatched (the post-assessment view only).
pub(super) fn gain(id: &str, topic: &str, phase: Phase, rows: &[Bar<'_>]) -> String {
    let title = format!(
        "{topic}: gain from baseline to post-assessment (Hake gain) by staff group and job role"
    );
    if phase == Phase::Baseline {
        return message(
            id,
            &title,
            "Gain is measured in the post-assessment view: choose Post-assessment in the filters.",
        );
    }
    let gains: Vec<f64> = rows
        .iter()
        .filter_map(|b| b.cell.measures().and_then(|m| m.hake_gain))
        .collect();
    let low = floor_to(gains.iter().copied().fold(0.0, f64::min), 0.25, -1.0);
    let x = Scale::new((low, 1.0), (PLOT_LEFT, PLOT_RIGHT));
    let bottom = TOP + ROW * rows.len() as f64;
    let hatch = format!("{id}-hatch");
    let mut body = vec![
        Element::new("defs").child(
            Element::new("pattern")
                .attr("id", &hatch)
                .attr("patternUnits", "userSpaceOnUse")
                .at("width", 6.0)
                .at("height", 6.0)
                .child(rect(0.0, 0.0, 6.0, 6.0, "#ffffff"))
                .child(line(0.0, 6.0, 6.0, 0.0, DARK_BLUE, 2.0)),
        ),
    ];
    let fill = format!("url(#{hatch})");
    body.extend(key(
        8.0,
        rect(8.0, 16.0, 16.0, 14.0, BLUE),
        "Gain (share of the possible improvement made)",
    ));
    body.extend(key(
        380.0,
        rect(380.0, 16.0, 16.0, 14.0, &fill).attr("stroke", DARK_BLUE),
        "Hatched: knowledge fell",
    ));
    body.extend(x_axis(&x, &x.ticks(0.25), TOP - 4.0, bottom, |t| {
        format!("{t:.2}")
    }));
    body.push(line(x.at(0.0), TOP - 4.0, x.at(0.0), bottom, TEXT, 1.5));
    row_chart(
        id,
        &title,
        rows,
        body,
        (
            x.at(0.0),
            "no one with both a baseline and a post-assessment",
        ),
        |bar, m, mid, body| {
            let g = m.hake_gain?;
            let (from, to) = (x.at(g.min(0.0)), x.at(g.max(0.0)));
            body.push(if g < 0.0 {
                rect(from, mid - 7.0, to - from, 14.0, &fill).attr("stroke", DARK_BLUE)
            } else {
                rect(from, mid - 7.0, to - from, 14.0, bar_colour(bar.level))
            });
            let words = if g < 0.0 {
                format!("{g:.2} (fell)")
            } else {
                format!("{g:.2}")
            };
            Some((words.clone(), format!("gain {words}")))
        },
    )
}

/// Confidence against knowledge by staff group: one numbered point per group (a square for all
/// staff) with the diagonal where confidence matches knowledge, and a key with each group's
/// figures and its unrecognised need.
pub(super) fn calibration(id: &str, topic: &str, rows: &[Bar<'_>]) -> String {
    let title = format!("{topic}: confidence against knowledge by staff group");
    let (left, right, top, bottom) = (70.0, 400.0, 40.0, 370.0);
    let x = Scale::new((0.0, 100.0), (left, right));
    let y = Scale::new((0.0, 100.0), (bottom, top));
    let mut body = Vec::new();
    for t in x.ticks(25.0) {
        body.push(line(x.at(t), top, x.at(t), bottom, PALE, 1.0));
        body.push(line(left, y.at(t), right, y.at(t), PALE, 1.0));
        body.push(small(anchored(
            text(x.at(t), bottom + 16.0, format!("{t}%")),
            "middle",
        )));
        body.push(small(anchored(
            text(left - 6.0, y.at(t) + 4.0, format!("{t}%")),
            "end",
        )));
    }
    body.push(line(left, bottom, right, bottom, TEXT, 1.0));
    body.push(line(left, top, left, bottom, TEXT, 1.0));
    body.push(small(anchored(
        text(
            (left + right) / 2.0,
            bottom + 36.0,
            "% rating their confidence 4 or 5",
        ),
        "middle",
    )));
    body.push(
        small(anchored(
            text(0.0, 0.0, "Knowledge (average score)"),
            "middle",
        ))
        .attr(
            "transform",
            format!("translate(16 {}) rotate(-90)", num((top + bottom) / 2.0)),
        ),
    );
    body.push(
        line(x.at(0.0), y.at(0.0), x.at(100.0), y.at(100.0), GREY, 1.5)
            .attr("stroke-dasharray", "6 4"),
    );
    body.push(grey(small(text(
        x.at(4.0),
        y.at(92.0),
        "Dashed line: confidence matches knowledge",
    ))));
    body.push(grey(small(anchored(
        text(
            x.at(96.0),
            y.at(6.0),
            "Below the line: more confident than knowledgeable",
        ),
        "end",
    ))));
    let key_x = right + 40.0;
    body.push(text(key_x, top, "Key").attr("font-weight", "700"));
    let mut key_y = top + 24.0;
    let mut said = Vec::new();
    let mut number = 0;
    for bar in rows.iter().filter(|b| b.level != Level::JobRole) {
        let figures = bar
            .cell
            .measures()
            .map(|m| (m.pct_confident, m.knowledge, m));
        let Some((Some(confident), Some(k), m)) = figures else {
            let why = if bar.cell.is_suppressed() {
                "hidden (*)"
            } else {
                "no ratings published"
            };
            body.push(small(text(key_x, key_y, format!("{}: {why}", bar.label))));
            said.push(format!("{}: {why}", bar.label));
            key_y += 24.0;
            continue;
        };
        number += 1;
        let (px, py) = (x.at(confident), y.at(k));
        let mark = if bar.level == Level::Total {
            rect(px - 6.0, py - 6.0, 12.0, 12.0, DARK_BLUE)
        } else {
            Element::new("circle")
                .at("cx", px)
                .at("cy", py)
                .at("r", 6.0)
                .attr("fill", BLUE)
        };
        body.push(mark.attr("stroke", "#ffffff").attr("stroke-width", "1.5"));
        body.push(small(text(px + 9.0, py - 6.0, number.to_string())).attr("font-weight", "700"));
        let need = m
            .unrecognised_need
            .map_or_else(|| "–".to_owned(), |u| format!("{u:.0}%"));
        let shape = if bar.level == Level::Total {
            "square"
        } else {
            "circle"
        };
        body.push(
            small(text(
                key_x,
                key_y,
                format!("{number} ({shape}) {}", bar.label),
            ))
            .attr("font-weight", "700"),
        );
        let figures =
            format!("{confident:.0}% rate 4–5, knowledge {k:.0}%, unrecognised need {need}");
        body.push(small(text(key_x, key_y + 16.0, &figures)));
        said.push(format!("{number} {}: {figures}", bar.label));
        key_y += 40.0;
    }
    let height = (bottom + 48.0).max(key_y + 8.0);
    document(id, (800.0, height), &title, &sentence(&title, &said), body)
}

/// "2026-03" as "Mar 2026".
fn month_words(period: &str) -> String {
    NaiveDate::parse_from_str(&format!("{period}-01"), "%Y-%m-%d")
        .map_or_else(|_| period.to_owned(), |d| d.format("%b %Y").to_string())
}

/// The months' x positions (band centres) and every `step`-th month's label.
struct Months {
    left: f64,
    band: f64,
    step: usize,
}

impl Months {
    fn new(count: usize, left: f64, right: f64) -> Self {
        Self {
            left,
            band: (right - left) / count.max(1) as f64,
            step: count.div_ceil(12).max(1),
        }
    }

    fn centre(&self, i: usize) -> f64 {
        self.left + self.band * (i as f64 + 0.5)
    }

    fn axis(&self, months: &[MonthCell<'_>], bottom: f64) -> Vec<Element> {
        months
            .iter()
            .enumerate()
            .filter(|(i, _)| i % self.step == 0)
            .map(|(i, m)| {
                small(anchored(
                    text(self.centre(i), bottom + 16.0, month_words(m.period)),
                    "middle",
                ))
            })
            .collect()
    }
}

fn y_axis(y: &Scale, left: f64, right: f64) -> Vec<Element> {
    let mut out = Vec::new();
    for t in y.ticks(25.0) {
        out.push(line(left, y.at(t), right, y.at(t), PALE, 1.0));
        out.push(small(anchored(
            text(left - 6.0, y.at(t) + 4.0, format!("{t}%")),
            "end",
        )));
    }
    out
}

const MONTH_LEFT: f64 = 60.0;
const MONTH_RIGHT: f64 = 700.0;
const MONTH_TOP: f64 = 60.0;
const MONTH_BOTTOM: f64 = 300.0;

/// A polyline through consecutive points; a month with no point breaks it.
fn segments(points: &[Option<(f64, f64)>], stroke: &str, dashed: bool) -> Vec<Element> {
    let mut out = Vec::new();
    for pair in points.windows(2) {
        if let [Some((x1, y1)), Some((x2, y2))] = pair {
            let l = line(*x1, *y1, *x2, *y2, stroke, 2.5);
            out.push(if dashed {
                l.attr("stroke-dasharray", "6 4")
            } else {
                l
            });
        }
    }
    out
}

/// A monthly chart's y scale (0–100 %), months and first elements (its key, grid and axis
/// labels); or, with no months, the whole chart saying so.
fn month_frame(
    id: &str,
    title: &str,
    months: &[MonthCell<'_>],
    keys: Vec<Vec<Element>>,
) -> Result<(Scale, Months, Vec<Element>), String> {
    if months.is_empty() {
        return Err(message(
            id,
            title,
            "No answers in this view have been published yet.",
        ));
    }
    let y = Scale::new((0.0, 100.0), (MONTH_BOTTOM, MONTH_TOP));
    let axis = Months::new(months.len(), MONTH_LEFT, MONTH_RIGHT);
    let mut body: Vec<Element> = keys.into_iter().flatten().collect();
    body.extend(y_axis(&y, MONTH_LEFT, MONTH_RIGHT));
    body.extend(axis.axis(months, MONTH_BOTTOM));
    Ok((y, axis, body))
}

/// Knowledge (solid line, circles) and target (dashed line, squares) month by month for all
/// staff in scope; a hidden month is a `*` on the axis and breaks both lines.
pub(super) fn trend(id: &str, topic: &str, months: &[MonthCell<'_>]) -> String {
    let title = format!("{topic}: knowledge and target by month, all staff in scope");
    let keys = vec![
        key(
            8.0,
            Element::new("circle")
                .at("cx", 16.0)
                .at("cy", 23.0)
                .at("r", 5.0)
                .attr("fill", BLUE),
            "Knowledge (solid line, circles)",
        ),
        key(
            260.0,
            rect(263.0, 18.0, 10.0, 10.0, TEXT),
            "Target (dashed line, squares)",
        ),
    ];
    let (y, axis, mut body) = match month_frame(id, &title, months, keys) {
        Ok(frame) => frame,
        Err(empty) => return empty,
    };
    // Each month's (x, knowledge, target), or nothing to plot.
    let mut points: Vec<Option<(f64, f64, f64)>> = Vec::new();
    let mut said = Vec::new();
    for (i, month) in months.iter().enumerate() {
        let when = month_words(month.period);
        let measures = month.cell.and_then(|c| c.measures());
        if month.cell.is_some_and(|c| c.is_suppressed()) {
            body.push(grey(anchored(
                text(axis.centre(i), MONTH_BOTTOM - 6.0, "*"),
                "middle",
            )));
            said.push(format!("{when}: hidden (*)"));
        }
        match measures.map(|m| (m.knowledge, m.target)) {
            Some((Some(k), Some(t))) => {
                points.push(Some((axis.centre(i), k, t)));
                said.push(format!("{when}: knowledge {k:.0}%, target {t:.0}%"));
            }
            other => {
                if other.is_some() {
                    said.push(format!("{when}: no answers published"));
                }
                points.push(None);
            }
        }
    }
    let at = |pick: fn(&(f64, f64, f64)) -> f64| -> Vec<Option<(f64, f64)>> {
        points
            .iter()
            .map(|p| p.map(|p| (p.0, y.at(pick(&p)))))
            .collect()
    };
    body.extend(segments(&at(|p| p.2), TEXT, true));
    body.extend(segments(&at(|p| p.1), BLUE, false));
    for &(cx, k, t) in points.iter().flatten() {
        let (ky, ty) = (y.at(k), y.at(t));
        body.push(rect(cx - 5.0, ty - 5.0, 10.0, 10.0, TEXT));
        body.push(
            Element::new("circle")
                .at("cx", cx)
                .at("cy", ky)
                .at("r", 5.0)
                .attr("fill", BLUE)
                .attr("stroke", "#ffffff")
                .attr("stroke-width", "1.5"),
        );
        // Above the point, or below it when the target's square sits just above.
        let label_y = if ky > ty && ky - ty < 18.0 {
            ky + 20.0
        } else {
            ky - 10.0
        };
        body.push(small(anchored(
            text(cx, label_y, format!("{k:.0}")),
            "middle",
        )));
    }
    document(
        id,
        (WIDTH, MONTH_BOTTOM + 30.0),
        &title,
        &sentence(&title, &said),
        body,
    )
}

/// Completion month by month for all staff in scope: a bar with its % above; the baseline
/// view only (completion is counted on the baseline population).
pub(super) fn completion(id: &str, topic: &str, phase: Phase, months: &[MonthCell<'_>]) -> String {
    let title = format!("{topic}: completion by month, all staff in scope");
    if phase == Phase::Post {
        return message(
            id,
            &title,
            "Completion is counted in the baseline view: choose Baseline in the filters.",
        );
    }
    let keys = vec![key(
        8.0,
        rect(8.0, 16.0, 16.0, 14.0, BLUE),
        "% of the month's published staff for whom the topic is done",
    )];
    let (y, axis, mut body) = match month_frame(id, &title, months, keys) {
        Ok(frame) => frame,
        Err(empty) => return empty,
    };
    let width = (axis.band * 0.6).min(48.0);
    let mut said = Vec::new();
    for (i, month) in months.iter().enumerate() {
        let cx = axis.centre(i);
        let when = month_words(month.period);
        let Some(cell) = month.cell else { continue };
        let Some(m) = cell.measures() else {
            body.push(grey(anchored(text(cx, MONTH_BOTTOM - 6.0, "*"), "middle")));
            said.push(format!("{when}: hidden (*)"));
            continue;
        };
        let Some(c) = m.completion else {
            said.push(format!("{when}: no answers published"));
            continue;
        };
        body.push(rect(
            cx - width / 2.0,
            y.at(c),
            width,
            MONTH_BOTTOM - y.at(c),
            BLUE,
        ));
        body.push(small(anchored(
            text(cx, y.at(c) - 6.0, format!("{c:.0}%")),
            "middle",
        )));
        said.push(format!("{when}: {c:.0}% done"));
    }
    body.push(line(
        MONTH_LEFT,
        MONTH_BOTTOM,
        MONTH_RIGHT,
        MONTH_BOTTOM,
        TEXT,
        1.0,
    ));
    document(
        id,
        (WIDTH, MONTH_BOTTOM + 30.0),
        &title,
        &sentence(&title, &said),
        body,
    )
}
