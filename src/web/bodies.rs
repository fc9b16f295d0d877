//! Request bodies read strictly at the edge, so that no handler or database sees text a person
//! could not have typed: url-encoded forms and JSON must be UTF-8 without the null character
//! (which PostgreSQL refuses to store), fields may not be sent twice, and every rejection
//! carries a message that says what was wrong (shown by the catchers).

use rocket::data::{self, ByteUnit, Data, FromData, Limits};
use rocket::form::{Form, FromForm, Strict, ValueField, error::ErrorKind};
use rocket::http::{RawStr, Status};
use rocket::outcome::Outcome;
use rocket::request::Request;
use serde::de::DeserializeOwned;

/// A message for the catcher to show instead of its generic one.
#[derive(Debug, Clone, Default)]
pub struct RejectionMessage(pub Option<String>);

/// Fails the request with `status`, leaving `message` for the catcher.
pub fn reject<'r, T>(
    request: &'r Request<'_>,
    status: Status,
    message: impl Into<String>,
) -> data::Outcome<'r, T, ()> {
    let message = message.into();
    request.local_cache(|| RejectionMessage(Some(message)));
    Outcome::Error((status, ()))
}

pub const NULL_CHARACTER: &str =
    "Text cannot contain the null character (U+0000). Remove it and try again.";
pub const NOT_UTF8: &str =
    "What you sent is not UTF-8 text. Save or send it as UTF-8 and try again.";

/// The message for a body over `limit`.
pub fn too_large(limit: ByteUnit) -> String {
    format!(
        "What you sent is larger than this service accepts here ({limit}). Send less and try again."
    )
}

/// What was sent, read up to the `limit` named in Rocket.toml's `[default.limits]`; a body
/// over the limit is a 413 and one that is not UTF-8 a 400.
async fn read_text<'r>(
    request: &'r Request<'_>,
    data: Data<'r>,
    limit: &str,
) -> Result<String, (Status, String)> {
    let limit = request.limits().get(limit).unwrap_or(Limits::JSON);
    let bytes = data.open(limit).into_bytes().await.map_err(|_| {
        (
            Status::BadRequest,
            "The request could not be read.".to_owned(),
        )
    })?;
    if !bytes.is_complete() {
        return Err((Status::PayloadTooLarge, too_large(limit)));
    }
    String::from_utf8(bytes.into_inner()).map_err(|_| (Status::BadRequest, NOT_UTF8.to_owned()))
}

/// The decoded fields of a url-encoded form, kept for the request's lifetime because the
/// parsed form borrows them.
struct FormFields(Vec<(String, String)>);

/// Decodes each `name=value` pair strictly: UTF-8 without a null character.
fn decode_form(text: &str) -> Result<Vec<(String, String)>, &'static str> {
    let decode = |raw: &str| match RawStr::new(raw).url_decode() {
        Err(_) => Err(NOT_UTF8),
        Ok(text) if text.contains('\0') => Err(NULL_CHARACTER),
        Ok(text) => Ok(text.into_owned()),
    };
    text.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
}

/// Reads a url-encoded form as Rocket would (leniently: defaults fill missing fields), but
/// refuses bad encodings, null characters and fields sent more than once.
pub async fn read_urlencoded<'r, T: FromForm<'r>>(
    request: &'r Request<'_>,
    data: Data<'r>,
) -> data::Outcome<'r, T, ()> {
    let text = match read_text(request, data, "form").await {
        Ok(text) => text,
        Err((status, message)) => return reject(request, status, message),
    };
    let fields = match decode_form(&text) {
        Ok(fields) => fields,
        Err(message) => return reject(request, Status::BadRequest, message),
    };
    let fields = &request.local_cache(|| FormFields(fields)).0;
    let values = || {
        fields
            .iter()
            .map(|(name, value)| ValueField::from((name.as_str(), value.as_str())))
    };
    let value = match Form::<T>::parse_iter(values()) {
        Ok(value) => value,
        Err(errors) => {
            let message = format!("Some of what you sent is not in the expected form: {errors}.");
            return reject(request, errors.status(), message);
        }
    };
    // Strict parsing also reports fields sent twice (a lenient parse keeps the first).
    if let Err(errors) = Form::<Strict<T>>::parse_iter(values()) {
        let twice: Vec<String> = errors
            .iter()
            .filter(|e| matches!(e.kind, ErrorKind::Duplicate))
            .filter_map(|e| e.name.as_ref().map(ToString::to_string))
            .collect();
        if !twice.is_empty() {
            let message = format!(
                "Send each field once: {} came more than once.",
                twice.join(", ")
            );
            return reject(request, Status::UnprocessableEntity, message);
        }
    }
    Outcome::Success(value)
}

/// Whether any string (or key) in `value` holds a null character.
fn has_null(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::String(s) => s.contains('\0'),
        serde_json::Value::Array(items) => items.iter().any(has_null),
        serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || has_null(v)),
        _ => false,
    }
}

/// Reads a JSON body up to the named limit: 415 unless it is JSON, 400 when it is not valid
/// JSON (or holds a null character), 422 naming the field when a value has the wrong type or
/// a field is missing or repeated.
pub async fn read_json<'r, T: DeserializeOwned>(
    request: &'r Request<'_>,
    data: Data<'r>,
    limit: &str,
) -> data::Outcome<'r, T, ()> {
    // Required, not just checked when present: signing in by JSON carries no CSRF token, and
    // only `application/json` cannot be sent cross-site without a CORS preflight.
    if !request.content_type().is_some_and(|ct| ct.is_json()) {
        return reject(
            request,
            Status::UnsupportedMediaType,
            "Send JSON with the header Content-Type: application/json.",
        );
    }
    let text = match read_text(request, data, limit).await {
        Ok(text) => text,
        Err((status, message)) => return reject(request, status, message),
    };
    match serde_json::from_str::<serde_json::Value>(&text) {
        Err(e) => {
            let message = format!("The request body is not valid JSON: {e}.");
            return reject(request, Status::BadRequest, message);
        }
        Ok(value) if has_null(&value) => {
            return reject(request, Status::BadRequest, NULL_CHARACTER);
        }
        Ok(_) => {}
    }
    let mut deserializer = serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => Outcome::Success(value),
        Err(e) => {
            let field = e.path().to_string();
            let message = if field == "." {
                format!(
                    "The request body does not have the expected fields: {}.",
                    e.inner()
                )
            } else {
                format!(
                    "The request body's field {field} is not as expected: {}.",
                    e.inner()
                )
            };
            reject(request, Status::UnprocessableEntity, message)
        }
    }
}

/// A JSON body read by [`read_json`] for a request that carries no CSRF token (signing in).
#[derive(Debug)]
pub struct JsonBody<T>(pub T);

#[rocket::async_trait]
impl<'r, T: DeserializeOwned + Send + 'r> FromData<'r> for JsonBody<T> {
    type Error = ();

    async fn from_data(request: &'r Request<'_>, data: Data<'r>) -> data::Outcome<'r, Self> {
        read_json(request, data, "json").await.map(JsonBody)
    }
}
