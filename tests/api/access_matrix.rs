//! Every mounted route × every persona gets the expected status. A route missing from the table
//! fails the test, so each new route must be added here with its expected access.

use rocket::http::{ContentType, Header, Method, Status};

use crate::helpers::{Session, spawn_app, spawn_app_with};
use crate::oidc_support::configure_op;

/// Anonymous, learner, trainer, manager of the same organisation, manager of another, admin.
const PERSONAS: [&str; 6] = [
    "anonymous",
    "learner",
    "trainer",
    "manager (same org)",
    "manager (other org)",
    "admin",
];

/// `<id>` is a learner in organisation A; `<token>` a well-formed token nobody was given.
/// 303 for anonymous pages means "redirected to /login"; 401 is the API's JSON answer.
#[rustfmt::skip]
const EXPECTED: &[(&str, &str, [u16; 6])] = &[
    // public pages and probes
    ("GET", "/", [200, 200, 200, 200, 200, 200]),
    ("GET", "/accessibility", [200, 200, 200, 200, 200, 200]),
    ("GET", "/privacy", [200, 200, 200, 200, 200, 200]),
    ("GET", "/help/measures", [200, 200, 200, 200, 200, 200]),
    // whom to ask: the general advice, or the organisation's own for those signed in
    ("GET", "/contact", [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/contact", [200, 200, 200, 200, 200, 200]),
    // the public check of a certificate: with no reference, the form
    ("GET", "/certificates/check", [200, 200, 200, 200, 200, 200]),
    ("GET", "/healthz", [200, 200, 200, 200, 200, 200]),
    ("GET", "/readyz", [200, 200, 200, 200, 200, 200]),
    // Prometheus metrics: off (404) while app.metrics_token is unset, as here; tests/api/metrics.rs
    ("GET", "/metrics", [404, 404, 404, 404, 404, 404]),
    ("GET", "/static/<path..>", [200, 200, 200, 200, 200, 200]),
    ("GET", "/assets/<path..>", [200, 200, 200, 200, 200, 200]),
    // signing in and out
    ("GET", "/login", [200, 303, 303, 303, 303, 303]),
    ("POST", "/login", [422, 422, 422, 422, 422, 422]),
    ("POST", "/logout", [303, 303, 303, 303, 303, 303]),
    // single sign-on: anyone may start one; the matrix's provider does not answer (503), and a
    // callback that names no sign-in under way is refused (400)
    ("GET", "/login/sso/<provider>", [503, 503, 503, 503, 503, 503]),
    ("GET", "/login/sso/<provider>/callback", [400, 400, 400, 400, 400, 400]),
    // one-time links (the token is unknown, so 404; an empty form is 422 before the link is used)
    ("GET", "/activate/<token>", [404, 404, 404, 404, 404, 404]),
    ("POST", "/activate/<token>", [422, 422, 422, 422, 422, 422]),
    ("GET", "/password-reset", [200, 200, 200, 200, 200, 200]),
    ("POST", "/password-reset", [422, 422, 422, 422, 422, 422]),
    ("GET", "/password-reset/<token>", [404, 404, 404, 404, 404, 404]),
    ("POST", "/password-reset/<token>", [422, 422, 422, 422, 422, 422]),
    ("GET", "/setup/<token>", [404, 404, 404, 404, 404, 404]),
    ("POST", "/setup/<token>", [404, 404, 404, 404, 404, 404]),
    // your account
    ("GET", "/account", [303, 200, 200, 200, 200, 200]),
    ("GET", "/account/password", [303, 200, 200, 200, 200, 200]),
    ("POST", "/account/password", [303, 422, 422, 422, 422, 422]),
    // the optional emails: an empty form stops them all, and back to the account page
    ("POST", "/account/mail", [303, 303, 303, 303, 303, 303]),
    // choosing a job role after single sign-on made the account: nobody here has one to
    // choose (they have a job, or no provider put them in an organisation), so on to /learn
    ("GET", "/account/job", [303, 303, 303, 303, 303, 303]),
    ("POST", "/account/job", [303, 303, 303, 303, 303, 303]),
    // admin pages (managers see the people in their organisations)
    ("GET", "/admin", [303, 403, 403, 403, 403, 200]),
    ("GET", "/admin/organisations", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/organisations", [303, 403, 403, 403, 403, 422]),
    ("GET", "/admin/organisations/<id>/local-details", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/organisations/<id>/local-details", [303, 403, 403, 403, 403, 303]),
    ("GET", "/admin/users", [303, 403, 403, 200, 200, 200]),
    ("GET", "/admin/users/<id>", [303, 403, 403, 200, 404, 200]),
    ("POST", "/admin/users/<id>/roles", [303, 403, 403, 403, 403, 303]),
    ("POST", "/admin/users/<id>/disable", [303, 403, 403, 403, 403, 303]),
    ("POST", "/admin/users/<id>/enable", [303, 403, 403, 403, 403, 303]),
    // erasing a leaver: without the confirmation box ticked nothing happens (422)
    ("GET", "/admin/users/<id>/erase", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/users/<id>/erase", [303, 403, 403, 403, 403, 422]),
    // limiting a manager to teams (no box ticked: no team limits)
    ("GET", "/admin/users/<id>/teams", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/users/<id>/teams", [303, 403, 403, 403, 403, 303]),
    ("GET", "/admin/users/import", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/users/import", [303, 403, 403, 403, 403, 422]),
    // fresh activation links, emailed or as a CSV: with nobody chosen, nothing happens (422)
    ("POST", "/admin/users/activation/email", [303, 403, 403, 403, 403, 422]),
    ("POST", "/admin/users/activation/links.csv", [303, 403, 403, 403, 403, 422]),
    ("GET", "/admin/audit", [303, 403, 403, 403, 403, 200]),
    // the learner's pages (every signed-in person is a learner; `<id>` is an attempt that is
    // not theirs, so it is "not found")
    ("GET", "/learn", [303, 200, 200, 200, 200, 200]),
    ("POST", "/learn/assessments/<slug>/start", [303, 303, 303, 303, 303, 303]),
    ("GET", "/learn/attempts/<id>", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/attempts/<id>/topics/<n>", [303, 404, 404, 404, 404, 404]),
    ("POST", "/learn/attempts/<id>/topics/<n>", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/attempts/<id>/review", [303, 404, 404, 404, 404, 404]),
    ("POST", "/learn/attempts/<id>/submit", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/attempts/<id>/result", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/plan", [303, 200, 200, 200, 200, 200]),
    ("GET", "/learn/modules", [303, 200, 200, 200, 200, 200]),
    ("GET", "/learn/modules/<slug>", [303, 303, 303, 303, 303, 303]),
    ("GET", "/learn/modules/<slug>/pages/<number>", [303, 200, 200, 200, 200, 200]),
    ("POST", "/learn/modules/<slug>/quiz", [303, 303, 303, 303, 303, 303]),
    ("GET", "/learn/modules/<slug>/certificate", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/modules/<slug>/certificate.pdf", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/quiz/<id>", [303, 404, 404, 404, 404, 404]),
    ("POST", "/learn/quiz/<id>", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/quiz/<id>/feedback", [303, 404, 404, 404, 404, 404]),
    ("GET", "/learn/record", [303, 200, 200, 200, 200, 200]),
    ("GET", "/learn/record/export.json", [303, 200, 200, 200, 200, 200]),
    ("GET", "/learn/record/export.csv", [303, 200, 200, 200, 200, 200]),
    // managers' pages
    ("GET", "/manage/assignments", [303, 403, 403, 200, 200, 200]),
    ("POST", "/manage/assignments", [303, 403, 403, 422, 422, 422]),
    // one assignment (<id> names none, so 404 for those who may change assignments)
    ("GET", "/manage/assignments/<id>", [303, 403, 403, 404, 404, 404]),
    ("POST", "/manage/assignments/<id>/due", [303, 403, 403, 404, 404, 404]),
    ("POST", "/manage/assignments/<id>/remove", [303, 403, 403, 404, 404, 404]),
    // trainers' authoring pages (`<id>` is an item nobody has, so 404 for trainers and admins)
    ("GET", "/author", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/blueprint", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/blueprint", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/quizzes/<module>", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/quizzes/<module>", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/topics/<slug>", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/items/new", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/items", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/items/<id>", [303, 403, 404, 403, 403, 404]),
    // the question bank searched and filtered; what changed between versions of an item
    ("GET", "/author/items", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/items/<id>/diff", [303, 403, 404, 403, 403, 404]),
    ("GET", "/author/items/<id>/edit", [303, 403, 404, 403, 403, 404]),
    ("POST", "/author/items/<id>", [303, 403, 404, 403, 403, 404]),
    ("POST", "/author/items/<id>/publish", [303, 403, 404, 403, 403, 404]),
    ("GET", "/author/items/<id>/retire", [303, 403, 404, 403, 403, 404]),
    ("POST", "/author/items/<id>/retire", [303, 403, 404, 403, 403, 404]),
    ("GET", "/author/import", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/import", [303, 403, 422, 403, 403, 422]),
    ("POST", "/author/import/apply", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/export", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/analysis", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/analysis.csv", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/modules", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/modules/new", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/modules", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/modules/<slug>", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/modules/<slug>/edit", [303, 403, 200, 403, 403, 200]),
    ("GET", "/author/modules/<slug>/scorm.zip", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/modules/<slug>", [303, 403, 422, 403, 403, 422]),
    ("POST", "/author/modules/<slug>/publish", [303, 403, 303, 403, 403, 303]),
    ("GET", "/author/topics/new", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/topics", [303, 403, 422, 403, 403, 422]),
    ("GET", "/author/topics/<slug>/edit", [303, 403, 200, 403, 403, 200]),
    ("POST", "/author/topics/<slug>", [303, 403, 422, 403, 403, 422]),
    // managers' reports (each manager sees their own organisations; `<slug>` is a topic)
    ("GET", "/reports", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/topics/<slug>", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/trends", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/frameworks/<slug>", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/completion", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/export.csv", [303, 403, 403, 200, 200, 200]),
    ("GET", "/reports/export.json", [303, 403, 403, 200, 200, 200]),
    // each chart as SVG, with the CSV's filters and access (`<file>` is knowledge.svg)
    ("GET", "/reports/topics/<slug>/charts/<file>", [303, 403, 403, 200, 200, 200]),
    // JSON API
    ("POST", "/api/v1/session", [422, 422, 422, 422, 422, 422]),
    ("DELETE", "/api/v1/session", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/me", [401, 200, 200, 200, 200, 200]),
    // the optional emails; an empty change changes nothing
    ("GET", "/api/v1/me/mail-preferences", [401, 200, 200, 200, 200, 200]),
    ("PUT", "/api/v1/me/mail-preferences", [401, 200, 200, 200, 200, 200]),
    // the API's description is public: it describes shapes, never data
    ("GET", "/api/v1/openapi.json", [200, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/admin/users", [401, 403, 403, 200, 200, 200]),
    ("GET", "/api/v1/admin/users/<id>", [401, 403, 403, 200, 404, 200]),
    ("PUT", "/api/v1/admin/users/<id>/roles", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/users/<id>/disable", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/users/<id>/enable", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/users/<id>/erase", [401, 403, 403, 403, 403, 422]),
    ("POST", "/api/v1/admin/users/import", [401, 403, 403, 403, 403, 422]),
    ("GET", "/api/v1/admin/organisations", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/organisations", [401, 403, 403, 403, 403, 422]),
    ("GET", "/api/v1/admin/organisations/<id>/local-details", [401, 403, 403, 403, 403, 200]),
    ("PUT", "/api/v1/admin/organisations/<id>/local-details", [401, 403, 403, 403, 403, 422]),
    ("GET", "/api/v1/learn", [401, 200, 200, 200, 200, 200]),
    ("POST", "/api/v1/assessments/<slug>/attempts", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/attempts/<id>", [401, 404, 404, 404, 404, 404]),
    ("PUT", "/api/v1/attempts/<id>/answers", [401, 404, 404, 404, 404, 404]),
    ("POST", "/api/v1/attempts/<id>/submit", [401, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/attempts/<id>/result", [401, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/plan", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/modules", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/modules/<slug>/pages/<number>", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/modules/<slug>/certificate", [401, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/record", [401, 200, 200, 200, 200, 200]),
    // public: `<reference>` matches no certificate
    ("GET", "/api/v1/certificates/<reference>", [404, 404, 404, 404, 404, 404]),
    ("GET", "/api/v1/record/export", [401, 200, 200, 200, 200, 200]),
    ("GET", "/api/v1/manage/assignments", [401, 403, 403, 200, 200, 200]),
    ("POST", "/api/v1/manage/assignments", [401, 403, 403, 422, 422, 422]),
    ("PATCH", "/api/v1/manage/assignments/<id>", [401, 403, 403, 404, 404, 404]),
    ("DELETE", "/api/v1/manage/assignments/<id>", [401, 403, 403, 404, 404, 404]),
    ("GET", "/api/v1/admin/users/<id>/teams", [401, 403, 403, 403, 403, 200]),
    ("PUT", "/api/v1/admin/users/<id>/teams", [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/audit", [401, 403, 403, 403, 403, 200]),
    // targets: trainers and admins edit them (an empty form changes nothing, so 303; an empty
    // body names no targets, so 422); job titles: admins only (`<id>` is no mapping, so 404)
    ("GET", "/targets", [303, 403, 200, 403, 403, 200]),
    ("GET", "/targets/<job_role>", [303, 403, 200, 403, 403, 200]),
    ("POST", "/targets/<job_role>", [303, 403, 303, 403, 403, 303]),
    ("GET", "/api/v1/targets", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/targets/<job_role>", [401, 403, 200, 403, 403, 200]),
    ("PUT", "/api/v1/targets/<job_role>", [401, 403, 422, 403, 403, 422]),
    ("GET", "/admin/job-titles", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/job-titles", [303, 403, 403, 403, 403, 422]),
    ("POST", "/admin/job-titles/<id>/remove", [303, 403, 403, 403, 403, 404]),
    ("GET", "/api/v1/admin/job-titles", [401, 403, 403, 403, 403, 200]),
    ("GET", "/admin/completions", [303, 403, 403, 403, 403, 200]),
    ("GET", "/admin/completions.csv", [303, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/admin/completions", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/job-titles", [401, 403, 403, 403, 403, 422]),
    ("DELETE", "/api/v1/admin/job-titles/<id>", [401, 403, 403, 403, 403, 404]),
    // LTI 1.3: the platform's login initiation and launch post are open to anyone and refuse
    // what lacks its parameters (400); the tool's key set is public; the deep-linking choice
    // needs the session a launch began (an unknown choice is 400); registrations are admins'
    // (`<id>` is no platform, so 404)
    ("GET", "/lti/login", [400, 400, 400, 400, 400, 400]),
    ("POST", "/lti/login", [400, 400, 400, 400, 400, 400]),
    ("POST", "/lti/launch", [400, 400, 400, 400, 400, 400]),
    ("GET", "/lti/jwks", [200, 200, 200, 200, 200, 200]),
    ("POST", "/lti/deep-link", [303, 400, 400, 400, 400, 400]),
    ("GET", "/admin/lti", [303, 403, 403, 403, 403, 200]),
    ("POST", "/admin/lti/platforms", [303, 403, 403, 403, 403, 422]),
    ("POST", "/admin/lti/platforms/<id>/remove", [303, 403, 403, 403, 403, 404]),
    ("POST", "/admin/lti/keys/rotate", [303, 403, 403, 403, 403, 303]),
    ("GET", "/api/v1/admin/lti", [401, 403, 403, 403, 403, 200]),
    ("POST", "/api/v1/admin/lti/platforms", [401, 403, 403, 403, 403, 422]),
    ("DELETE", "/api/v1/admin/lti/platforms/<id>", [401, 403, 403, 403, 403, 404]),
    ("POST", "/api/v1/admin/lti/keys/rotate", [401, 403, 403, 403, 403, 200]),
    ("GET", "/api/v1/author/topics/<slug>/items", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/items/<id>", [401, 403, 404, 403, 403, 404]),
    ("GET", "/api/v1/author/items", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/items/<id>/diff", [401, 403, 404, 403, 403, 404]),
    ("POST", "/api/v1/author/items", [401, 403, 422, 403, 403, 422]),
    ("PUT", "/api/v1/author/items/<id>", [401, 403, 404, 403, 403, 404]),
    ("POST", "/api/v1/author/items/<id>/publish", [401, 403, 404, 403, 403, 404]),
    ("POST", "/api/v1/author/items/<id>/retire", [401, 403, 404, 403, 403, 404]),
    ("POST", "/api/v1/author/import/preview", [401, 403, 422, 403, 403, 422]),
    ("POST", "/api/v1/author/import", [401, 403, 422, 403, 403, 422]),
    ("GET", "/api/v1/author/analysis", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/blueprint", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/quizzes/<slug>", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/modules", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/modules/<slug>", [401, 403, 200, 403, 403, 200]),
    ("GET", "/api/v1/author/modules/<slug>/scorm", [401, 403, 200, 403, 403, 200]),
    ("POST", "/api/v1/author/modules", [401, 403, 422, 403, 403, 422]),
    ("PUT", "/api/v1/author/modules/<slug>", [401, 403, 422, 403, 403, 422]),
    ("POST", "/api/v1/author/modules/<slug>/publish", [401, 403, 200, 403, 403, 200]),
    ("POST", "/api/v1/author/preview", [401, 403, 200, 403, 403, 200]),
    ("POST", "/api/v1/author/topics", [401, 403, 422, 403, 403, 422]),
    ("PUT", "/api/v1/author/topics/<slug>", [401, 403, 422, 403, 403, 422]),
    ("GET", "/api/v1/reports/gaps", [401, 403, 403, 200, 200, 200]),
    ("GET", "/api/v1/reports/trends", [401, 403, 403, 200, 200, 200]),
    ("GET", "/api/v1/reports/frameworks/<slug>", [401, 403, 403, 200, 200, 200]),
    ("GET", "/api/v1/reports/completion", [401, 403, 403, 200, 200, 200]),
    // last, because retiring the module changes what the rows above would see
    ("POST", "/author/modules/<slug>/retire", [303, 403, 303, 403, 403, 303]),
    ("POST", "/api/v1/author/modules/<slug>/retire", [401, 403, 200, 403, 403, 200]),
];

const UNKNOWN_TOKEN: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

/// An attempt id nobody has, for the learner's pages (their own attempts are tested in
/// tests/api/learner_pages.rs).
const NOBODYS_ATTEMPT: &str = "987654";

fn concrete(path: &str, subject_id: i64, organisation_id: i64) -> String {
    let path = if path.contains("/organisations/<id>") {
        path.replace("<id>", &organisation_id.to_string())
    } else if path.starts_with("/learn/")
        || path.starts_with("/api/v1/attempts/")
        || path.starts_with("/author/items/")
        || path.starts_with("/api/v1/author/items/")
    {
        path.replace("<id>", NOBODYS_ATTEMPT)
    } else if path.contains("/reports/frameworks/") {
        path.replace("<slug>", "gep-nurses-2023")
    } else {
        path.to_owned()
    };
    path.replace("/assessments/<slug>", "/assessments/baseline")
        .replace("<slug>", "genomics-basics")
        .replace("<module>", "genomics-basics")
        .replace("<job_role>", "healthcare-assistant")
        .replace("<n>", "1")
        .replace("<number>", "1")
        .replace("<id>", &subject_id.to_string())
        .replace("<token>", UNKNOWN_TOKEN)
        .replace("<provider>", "op")
        .replace("<file>", "knowledge.svg")
        .replace("<reference>", "GT-0000-0000-0000-0000-0000")
        .replace("/static/<path..>", "/static/app.css")
        .replace("/assets/<path..>", "/assets/images/favicon.svg")
}

#[rocket::async_test]
async fn every_route_gives_each_persona_the_expected_status() {
    // A single sign-on provider nobody answers for (the discard port), so that its routes are
    // reached and refuse clearly.
    let app = spawn_app_with(|f| configure_op(f, "http://127.0.0.1:9")).await;
    let world = app.given_world().await;
    let mut mounted: Vec<(String, String)> = app
        .client
        .rocket()
        .routes()
        .map(|route| {
            (
                route.method.as_str().to_owned(),
                route.uri.path().to_string(),
            )
        })
        .collect();
    mounted.sort();
    mounted.dedup();

    let missing: Vec<String> = mounted
        .iter()
        .filter(|(m, p)| !EXPECTED.iter().any(|(em, ep, _)| em == m && ep == p))
        .map(|(m, p)| format!("{m} {p}"))
        .collect();
    assert!(
        missing.is_empty(),
        "routes missing from the access matrix: {missing:#?}"
    );
    let stale: Vec<String> = EXPECTED
        .iter()
        .filter(|(m, p, _)| !mounted.iter().any(|(mm, mp)| mm == m && mp == p))
        .map(|(m, p, _)| format!("{m} {p}"))
        .collect();
    assert!(
        stale.is_empty(),
        "matrix rows for routes that are not mounted: {stale:#?}"
    );

    let people = [
        &world.learner,
        &world.trainer,
        &world.manager_a,
        &world.manager_b,
        &world.admin,
    ];
    let mut failures = Vec::new();
    for (method, path, expected) in EXPECTED {
        let url = concrete(path, world.subject.id, world.org_a);
        for (index, persona) in PERSONAS.iter().enumerate() {
            // A fresh session per request: some routes end the session or change the subject.
            let session: Session = match index {
                0 => app.visitor().await,
                i => app.session_for(people[i - 1]).await,
            };
            let method: Method = method.parse().expect("method");
            let mut request = app
                .client
                .req(method, url.clone())
                .cookies(session.cookies.clone());
            if method != Method::Get {
                if url.starts_with("/api/") {
                    request = request
                        .header(ContentType::JSON)
                        .header(Header::new("X-CSRF-Token", session.csrf.clone()))
                        .body("{}");
                } else {
                    request = request
                        .header(ContentType::Form)
                        .body(format!("csrf_token={}", session.csrf));
                }
            }
            let response = request.dispatch().await;
            let status = response.status().code;
            if status != expected[index] {
                failures.push(format!(
                    "{method} {path} as {persona}: expected {}, got {status}",
                    expected[index]
                ));
            }
            if status == 303
                && index == 0
                && !["/login", "/logout"].contains(path)
                && !path.starts_with("/admin/users/<id>/")
            {
                let location = response
                    .headers()
                    .get_one("Location")
                    .unwrap_or_default()
                    .to_owned();
                assert!(
                    location.starts_with("/login"),
                    "{method} {path}: redirected to {location}"
                );
            }
        }
        // Re-enable the subject for the next rows.
        if path.ends_with("/disable") {
            let admin = app.session_for(&world.admin).await;
            let (status, _) = app
                .send_json_as(
                    &admin,
                    Method::Post,
                    &format!("/api/v1/admin/users/{}/enable", world.subject.id),
                    serde_json::json!({}),
                )
                .await;
            assert_eq!(status, Status::Ok);
        }
    }
    assert!(
        failures.is_empty(),
        "{} unexpected statuses:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[rocket::async_test]
async fn anonymous_page_redirect_comes_back_to_the_page_after_sign_in() {
    let app = spawn_app().await;
    let response = app.get("/admin/users?organisation=1").await;
    assert_eq!(response.status(), Status::SeeOther);
    assert_eq!(
        response.headers().get_one("Location"),
        Some("/login?next=%2Fadmin%2Fusers%3Forganisation%3D1")
    );
}

#[rocket::async_test]
async fn manager_sees_only_people_in_their_organisations() {
    let app = spawn_app().await;
    let world = app.given_world().await;
    let manager = app.session_for(&world.manager_b).await;
    let (status, body) = app.get_json_as(&manager, "/api/v1/admin/users").await;
    assert_eq!(status, Status::Ok);
    let emails: Vec<&str> = body["users"]
        .as_array()
        .expect("users")
        .iter()
        .filter_map(|u| u["email"].as_str())
        .collect();
    assert_eq!(emails, vec!["manager@b.nhs.uk"]);
    let (status, _) = app
        .get_json_as(
            &manager,
            &format!("/api/v1/admin/users?organisation={}", world.org_a),
        )
        .await;
    assert_eq!(status, Status::NotFound);
    let (status, body) = app
        .get_json_as(
            &manager,
            &format!("/api/v1/admin/users?organisation={}", world.org_b),
        )
        .await;
    assert_eq!(status, Status::Ok);
    assert_eq!(body["users"].as_array().map(Vec::len), Some(1));
}
