//! Dates as people read them: `{{date value}}` writes
//! `<time datetime="2026-12-06">6 December 2026</time>` and `{{datetime value}}` writes
//! `<time datetime="2026-12-06T10:14:00Z">6 December 2026 at 10:14</time>` (UTC), from a
//! stored timestamp (RFC 3339, as serde writes one) or a `YYYY-MM-DD` date. A missing value
//! writes nothing; anything else is written as given, escaped.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rocket_dyn_templates::handlebars::{
    Context, Handlebars, Helper, HelperDef, HelperResult, Output, RenderContext, html_escape,
};

/// "6 December 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// The `<time>` element for `value`; `with_time` adds the time of day ("at 10:14").
pub fn time_element(value: &str, with_time: bool) -> String {
    let value = value.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(value) {
        let at = at.with_timezone(&Utc);
        let shown = long_date(at.date_naive());
        return if with_time {
            format!(
                "<time datetime=\"{}\">{shown} at {}</time>",
                at.to_rfc3339_opts(SecondsFormat::Secs, true),
                at.format("%H:%M")
            )
        } else {
            format!("<time datetime=\"{}\">{shown}</time>", at.date_naive())
        };
    }
    match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        Ok(date) => format!("<time datetime=\"{date}\">{}</time>", long_date(date)),
        Err(_) => html_escape(value),
    }
}

/// The `date` (day only) and `datetime` (day and time) helpers.
pub struct DateHelper {
    pub with_time: bool,
}

impl HelperDef for DateHelper {
    fn call<'reg: 'rc, 'rc>(
        &self,
        helper: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        if let Some(value) = helper.param(0).and_then(|p| p.value().as_str()) {
            out.write(&time_element(value, self.with_time))?;
        }
        Ok(())
    }
}

pub fn register(handlebars: &mut Handlebars<'_>) {
    handlebars.register_helper("date", Box::new(DateHelper { with_time: false }));
    handlebars.register_helper("datetime", Box::new(DateHelper { with_time: true }));
}

#[cfg(test)]
mod tests {
    use super::time_element;

    #[test]
    fn timestamps_and_dates_read_as_words_in_a_time_element() {
        assert_eq!(
            time_element("2026-12-06T10:14:03.123456Z", false),
            "<time datetime=\"2026-12-06\">6 December 2026</time>"
        );
        assert_eq!(
            time_element("2026-12-06T10:14:03+00:00", true),
            "<time datetime=\"2026-12-06T10:14:03Z\">6 December 2026 at 10:14</time>"
        );
        assert_eq!(
            time_element("2027-03-31", false),
            "<time datetime=\"2027-03-31\">31 March 2027</time>"
        );
        let kept = time_element("<b>soon</b>", false);
        assert!(kept.starts_with("&lt;b&gt;soon"), "{kept}");
    }
}
