//! The package's one page (`index.html`): the module's start, each of its pages, its sources and
//! its quiz as sections. With `player.js` one section shows at a time and the learner's place
//! is kept by the learning system; without it every section shows, one after another.

use super::assets::{SCRIPT, STYLES};
use super::quiz;
use super::{PackageContent, PackagePage};
use crate::content::markdown::escape_html;
use crate::error::{AppError, AppResult};

/// The launch page of `content`.
pub fn render(content: &PackageContent) -> AppResult<String> {
    let title = escape_html(&content.title);
    let count = content.pages.len();
    let mut parts = vec![start(content)];
    parts.extend(
        content
            .pages
            .iter()
            .enumerate()
            .map(|(n, page)| page_section(content, page, n + 1)),
    );
    parts.push(sources(content));
    if !content.questions.is_empty() {
        parts.push(quiz_section(content)?);
    }
    let styles: String = STYLES
        .iter()
        .map(|href| format!("<link rel=\"stylesheet\" href=\"{href}\">"))
        .collect();
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} – Genomics training – NHS</title>\n{styles}\n</head>\n<body>\n\
         <a class=\"nhsuk-skip-link\" href=\"#maincontent\">Skip to main content</a>\n\
         <header class=\"nhsuk-header\" role=\"banner\"><div class=\"nhsuk-header__container \
         nhsuk-width-container\"><div class=\"nhsuk-header__service\">\
         <span class=\"nhsuk-header__service-name\">Genomics training</span></div></div></header>\n\
         <div class=\"nhsuk-width-container\">\n<main class=\"nhsuk-main-wrapper\" id=\"maincontent\" \
         tabindex=\"-1\" data-pass-mark=\"{pass}\" data-pages=\"{count}\">\n\
         <h1 class=\"nhsuk-heading-l\">{title}</h1>\n\
         <p class=\"app-status\" id=\"lms-status\" role=\"status\"></p>\n{parts}\n</main>\n</div>\n\
         <script src=\"{SCRIPT}\"></script>\n</body>\n</html>\n",
        pass = content.pass_mark,
        parts = parts.join("\n"),
    ))
}

/// Every part's id, in reading order: `start`, `page-1` … `page-n`, `sources`, then `quiz`.
fn part_ids(content: &PackageContent) -> Vec<String> {
    let mut ids = vec!["start".to_owned()];
    ids.extend((1..=content.pages.len()).map(|n| format!("page-{n}")));
    ids.push("sources".to_owned());
    if !content.questions.is_empty() {
        ids.push("quiz".to_owned());
    }
    ids
}

fn start(content: &PackageContent) -> String {
    let outcomes: String = content
        .outcomes
        .iter()
        .map(|o| format!("<li>{}</li>", escape_html(o)))
        .collect();
    let contents: String = content
        .pages
        .iter()
        .enumerate()
        .map(|(n, p)| {
            format!(
                "<li><a href=\"#page-{}\">{}</a></li>",
                n + 1,
                escape_html(&p.title)
            )
        })
        .chain(std::iter::once(
            "<li><a href=\"#sources\">Sources</a></li>".to_owned(),
        ))
        .chain(
            (!content.questions.is_empty())
                .then(|| "<li><a href=\"#quiz\">Quiz</a></li>".to_owned()),
        )
        .collect();
    let quiz = if content.questions.is_empty() {
        "Read every page to complete the module.".to_owned()
    } else {
        format!(
            "Read the pages, then answer the quiz. You need {}% to pass.",
            content.pass_mark
        )
    };
    format!(
        "<section class=\"app-part\" id=\"start\" aria-labelledby=\"start-title\">\
         <h2 id=\"start-title\">About this module</h2><p>{summary}</p>\
         <p>It takes about {minutes} minutes. {quiz}</p>\
         <div class=\"nhsuk-inset-text\"><span class=\"nhsuk-u-visually-hidden\">Information: </span>\
         <p>By the end of this module you will be able to:</p><ul>{outcomes}</ul></div>\
         <h2>Contents</h2><ol class=\"nhsuk-list nhsuk-list--number\">{contents}</ol>{nav}</section>",
        summary = escape_html(&content.summary),
        minutes = content.minutes,
        nav = pagination(content, "start"),
    )
}

fn page_section(content: &PackageContent, page: &PackagePage, number: usize) -> String {
    let id = format!("page-{number}");
    let count = content.pages.len();
    // The module's own title is the document's one h1, so the page's headings step down one.
    let mut html = page.html.clone();
    for level in (1..=5).rev() {
        html = html
            .replace(&format!("<h{level}"), &format!("<h{}", level + 1))
            .replace(&format!("</h{level}>"), &format!("</h{}>", level + 1));
    }
    let heading = if html.contains("<h2") {
        String::new()
    } else {
        format!("<h2>{}</h2>", escape_html(&page.title))
    };
    format!(
        "<section class=\"app-part\" id=\"{id}\" aria-label=\"Page {number} of {count}: {title}\">\
         <span class=\"nhsuk-caption-m\">Page {number} of {count}</span>{heading}\
         <div class=\"app-module-page\">{html}</div>{nav}</section>",
        title = escape_html(&page.title),
        nav = pagination(content, &id),
    )
}

fn sources(content: &PackageContent) -> String {
    // Shown as text: the package links to nothing outside itself.
    let items: String = content
        .sources
        .iter()
        .map(|s| {
            format!(
                "<li>{} ({}). <span class=\"app-source-address\">{}</span></li>",
                escape_html(&s.title),
                escape_html(&s.publisher),
                escape_html(&s.url)
            )
        })
        .collect();
    format!(
        "<section class=\"app-part\" id=\"sources\" aria-labelledby=\"sources-title\">\
         <h2 id=\"sources-title\">Sources</h2><ul class=\"nhsuk-list nhsuk-list--bullet\">{items}</ul>\
         {nav}</section>",
        nav = pagination(content, "sources"),
    )
}

fn quiz_section(content: &PackageContent) -> AppResult<String> {
    let count = content.questions.len();
    let groups: String = content
        .questions
        .iter()
        .enumerate()
        .map(|(n, q)| quiz::form_group(q, n + 1, count))
        .collect();
    // Inside a script element only `</script` could end it early; `<` is written as \u003c.
    let key = serde_json::to_string(&quiz::keys(&content.questions))
        .map_err(AppError::internal)?
        .replace('<', "\\u003c");
    Ok(format!(
        "<section class=\"app-part\" id=\"quiz\" aria-labelledby=\"quiz-title\">\
         <h2 id=\"quiz-title\">Quiz</h2><p>Answer all {count} questions, then check your answers. \
         You need {pass}% to pass. You can try again as often as you like.</p>\
         <div class=\"nhsuk-card app-quiz-result\" id=\"quiz-result\" tabindex=\"-1\" hidden>\
         <div class=\"nhsuk-card__content\"><h3 class=\"nhsuk-card__heading\" id=\"quiz-result-title\">\
         </h3><p class=\"nhsuk-card__description\" id=\"quiz-result-text\"></p></div></div>\
         <form id=\"quiz-form\" novalidate>{groups}\
         <button class=\"nhsuk-button\" type=\"submit\" id=\"quiz-check\">Check my answers</button>\
         <button class=\"nhsuk-button nhsuk-button--secondary\" type=\"button\" id=\"quiz-again\" hidden>\
         Try the quiz again</button></form>\
         <script type=\"application/json\" id=\"quiz-key\">{key}</script>{nav}</section>",
        pass = content.pass_mark,
        nav = pagination(content, "quiz"),
    ))
}

/// Previous and next links for the part `id`.
fn pagination(content: &PackageContent, id: &str) -> String {
    let ids = part_ids(content);
    let at = ids.iter().position(|p| p == id).unwrap_or(0);
    let label = |part: &str| match part {
        "start" => "About this module".to_owned(),
        "sources" => "Sources".to_owned(),
        "quiz" => "Quiz".to_owned(),
        page => page.replace("page-", "Page "),
    };
    let link = |part: &str, rel: &str, title: &str| {
        format!(
            "<li class=\"nhsuk-pagination-item--{rel}\"><a class=\"nhsuk-pagination__link \
             nhsuk-pagination__link--{short}\" href=\"#{part}\" data-part=\"{part}\">\
             <span class=\"nhsuk-pagination__title\">{title}</span>\
             <span class=\"nhsuk-u-visually-hidden\">:</span>\
             <span class=\"nhsuk-pagination__page\">{label}</span></a></li>",
            short = &rel[..4],
            label = label(part),
        )
    };
    let previous = at
        .checked_sub(1)
        .and_then(|p| ids.get(p))
        .map(|p| link(p, "previous", "Previous"))
        .unwrap_or_default();
    let next = ids
        .get(at + 1)
        .map(|p| link(p, "next", "Next"))
        .unwrap_or_default();
    format!(
        "<nav class=\"nhsuk-pagination\" role=\"navigation\" aria-label=\"Pagination: {here}\">\
         <ul class=\"nhsuk-list nhsuk-pagination__list\">{previous}{next}</ul></nav>",
        here = label(id),
    )
}
