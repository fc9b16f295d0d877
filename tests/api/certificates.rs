//! Certificates (issue 24 point 6): the A4 PDF, and the public check by reference that shows
//! only the name, the module and the date, with references nobody can guess.

use std::net::SocketAddr;

use rocket::http::Status;

use crate::helpers::{TestApp, body_of, json_of, spawn_app};
use crate::learner_next_step::{signed_in_learner, sit_samples_quiz};

/// A learner of Trust X who has passed the samples quiz: their certificate's JSON.
async fn earned_certificate(app: &TestApp) -> serde_json::Value {
    let session = signed_in_learner(app).await;
    sit_samples_quiz(app, &session, true, "3").await;
    let (status, certificate) = app
        .get_json_as(&session, "/api/v1/modules/samples/certificate")
        .await;
    assert_eq!(status, Status::Ok, "{certificate}");
    certificate
}

/// The four numbers of the PDF's first `/MediaBox [...]`.
fn media_box(pdf: &[u8]) -> Vec<f64> {
    let text = String::from_utf8_lossy(pdf);
    let after = text.split("/MediaBox").nth(1).unwrap_or_default();
    let inside = after
        .split('[')
        .nth(1)
        .and_then(|rest| rest.split(']').next())
        .unwrap_or_default();
    inside
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect()
}

#[rocket::async_test]
async fn the_certificate_downloads_as_an_a4_pdf_carrying_its_reference() {
    let app = spawn_app().await;
    let session = signed_in_learner(&app).await;
    sit_samples_quiz(&app, &session, true, "3").await;
    let (_, certificate) = app
        .get_json_as(&session, "/api/v1/modules/samples/certificate")
        .await;
    assert_eq!(certificate["organisation"], "Trust X");
    let reference = certificate["reference"].as_str().unwrap().to_owned();

    let response = app
        .get_as(&session, "/learn/modules/samples/certificate.pdf")
        .await;
    assert_eq!(response.status(), Status::Ok);
    assert_eq!(
        response.headers().get_one("Content-Type"),
        Some("application/pdf")
    );
    assert_eq!(
        response.headers().get_one("Content-Disposition"),
        Some("attachment; filename=\"certificate-samples.pdf\"")
    );
    let pdf = response.into_bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let size = media_box(&pdf);
    assert_eq!(size.len(), 4, "{size:?}");
    assert!(
        (size[2] - 595.28).abs() < 0.5 && (size[3] - 841.89).abs() < 0.5,
        "{size:?}"
    );
    assert!(
        String::from_utf8_lossy(&pdf).contains(&reference),
        "the PDF's metadata names the reference"
    );

    // The page offers the PDF, and a module not completed has none.
    let page = body_of(
        app.get_as(&session, "/learn/modules/samples/certificate")
            .await,
    )
    .await;
    assert!(page.contains("href=\"/learn/modules/samples/certificate.pdf\""));
    assert!(page.contains(&reference));
    assert_eq!(
        app.get_as(&session, "/learn/modules/consent/certificate.pdf")
            .await
            .status(),
        Status::NotFound
    );
}

#[rocket::async_test]
async fn anyone_with_the_reference_sees_only_the_name_module_and_date() {
    let app = spawn_app().await;
    let certificate = earned_certificate(&app).await;
    let reference = certificate["reference"].as_str().unwrap();
    assert!(
        !reference.contains("samples"),
        "the reference says nothing about what or whom: {reference}"
    );

    // Signed out, as pasted (lower case, spaces round it).
    let page = body_of(
        app.get(&format!(
            "/certificates/check?reference=+{}+",
            reference.to_lowercase()
        ))
        .await,
    )
    .await;
    assert!(page.contains("This certificate is genuine"), "{page}");
    assert!(
        page.contains(&format!("Reference {reference}.")),
        "shown as printed, not as typed"
    );
    assert!(page.contains("Person learner@x.nhs.uk"));
    assert!(page.contains(certificate["module"]["title"].as_str().unwrap()));
    let day = &certificate["module"]["completed_at"].as_str().unwrap()[..10];
    assert!(page.contains(&format!("datetime=\"{day}\"")));
    for private in ["Trust X", "minutes", "Module version", "Learning outcomes"] {
        assert!(!page.contains(private), "the check shows {private}");
    }

    let (status, twin) = app
        .get_json(&format!("/api/v1/certificates/{reference}"))
        .await;
    assert_eq!(status, Status::Ok);
    let mut keys: Vec<&String> = twin.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["completed_on", "module", "name"]);
    assert_eq!(twin["name"], "Person learner@x.nhs.uk");
    assert_eq!(twin["completed_on"], day);
    assert!(
        app.audit_actions()
            .await
            .iter()
            .filter(|a| *a == "certificate_checked")
            .count()
            >= 2
    );
}

#[rocket::async_test]
async fn a_wrong_or_guessable_reference_is_not_found_and_guessing_is_slowed() {
    let app = spawn_app().await;
    let certificate = earned_certificate(&app).await;
    let date = certificate["module"]["completed_at"].as_str().unwrap()[..10].replace('-', "");
    // The old reference, made of the user id, module and date, opens nothing.
    for wrong in [
        "GT-0000-0000-0000-0000-0000".to_owned(),
        format!("GT-1-samples-v1-{date}"),
        "not a reference".to_owned(),
    ] {
        let response = app
            .get(&format!(
                "/certificates/check?reference={}",
                crate::helpers::urlencode(&wrong)
            ))
            .await;
        assert_eq!(response.status(), Status::NotFound, "{wrong}");
        let page = body_of(response).await;
        assert!(page.contains("No certificate has this reference"), "{page}");
        assert!(!page.contains("Person learner@x.nhs.uk"));
    }
    let (status, body) = json_of(
        app.client
            .get("/api/v1/certificates/GT-0000-0000-0000-0000-0000")
            .dispatch()
            .await,
    )
    .await;
    assert_eq!(status, Status::NotFound);
    assert!(body["error"].as_str().unwrap().contains("No certificate"));

    // From one address, ten wrong references are free; then that address waits, even for a
    // right one, so references cannot be guessed at speed.
    let mut statuses = Vec::new();
    for i in 0..12 {
        let response = app
            .client
            .get(format!(
                "/api/v1/certificates/GT-0000-0000-0000-0000-{i:04}"
            ))
            .remote("203.0.113.9:4000".parse::<SocketAddr>().unwrap())
            .dispatch()
            .await;
        statuses.push(response.status());
    }
    assert!(
        statuses[..10].iter().all(|s| *s == Status::NotFound),
        "{statuses:?}"
    );
    assert_eq!(statuses[11], Status::TooManyRequests, "{statuses:?}");
    let reference = certificate["reference"].as_str().unwrap();
    let waiting = app
        .client
        .get(format!("/certificates/check?reference={reference}"))
        .remote("203.0.113.9:4000".parse::<SocketAddr>().unwrap())
        .dispatch()
        .await;
    assert_eq!(waiting.status(), Status::TooManyRequests);
    let elsewhere = app
        .client
        .get(format!("/certificates/check?reference={reference}"))
        .remote("198.51.100.7:4000".parse::<SocketAddr>().unwrap())
        .dispatch()
        .await;
    assert_eq!(elsewhere.status(), Status::Ok);
}

#[rocket::async_test]
async fn the_check_page_without_a_reference_asks_for_one() {
    let app = spawn_app().await;
    let response = app.get("/certificates/check").await;
    assert_eq!(response.status(), Status::Ok);
    let page = body_of(response).await;
    assert!(page.contains("<label class=\"nhsuk-label\" for=\"reference\">"));
    assert!(page.contains("method=\"get\""));
}
