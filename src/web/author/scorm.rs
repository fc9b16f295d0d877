//! `/author/modules/<slug>/scorm.zip` and its twin `/api/v1/author/modules/<slug>/scorm`: a
//! published module as a SCORM 1.2 package (`crate::learning::scorm`), for trainers and admins.

use rocket::http::{ContentType, Header};
use rocket::{Responder, State, get};
use utoipa::OpenApi;

use crate::error::AppResult;
use crate::learning::scorm::{self, ScormPackage};
use crate::state::AppState;
use crate::web::guards::Trainer;

#[derive(OpenApi)]
#[openapi(paths(api_scorm_package))]
pub struct ApiDoc;

#[derive(Responder)]
pub struct ZipFile {
    body: Vec<u8>,
    content_type: ContentType,
    disposition: Header<'static>,
}

impl From<ScormPackage> for ZipFile {
    fn from(package: ScormPackage) -> Self {
        ZipFile {
            body: package.bytes,
            content_type: ContentType::ZIP,
            disposition: Header::new(
                "Content-Disposition",
                format!("attachment; filename=\"{}\"", package.file_name),
            ),
        }
    }
}

#[get("/author/modules/<slug>/scorm.zip")]
pub async fn download_scorm(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<ZipFile> {
    Ok(scorm::export(&state.db, slug).await?.into())
}

/// The published module's SCORM 1.2 package (a zip with `imsmanifest.xml` at its root).
#[utoipa::path(
    tag = "authoring",
    params(("slug" = String, Path, description = "The module's slug")),
    responses(
        (status = 200, description = "The package", content_type = "application/zip", body = Vec<u8>),
        (status = 404, description = "No published module has that slug")
    )
)]
#[get("/api/v1/author/modules/<slug>/scorm")]
pub async fn api_scorm_package(
    _trainer: Trainer,
    state: &State<AppState>,
    slug: &str,
) -> AppResult<ZipFile> {
    Ok(scorm::export(&state.db, slug).await?.into())
}
