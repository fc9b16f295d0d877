//! The claims of an LTI 1.3 `id_token` the tool reads, by their IMS names.

use serde::Deserialize;
use serde_json::Value;

pub const MESSAGE_TYPE: &str = "https://purl.imsglobal.org/spec/lti/claim/message_type";
pub const VERSION: &str = "https://purl.imsglobal.org/spec/lti/claim/version";
pub const DEPLOYMENT_ID: &str = "https://purl.imsglobal.org/spec/lti/claim/deployment_id";
pub const TARGET_LINK_URI: &str = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri";
pub const RESOURCE_LINK: &str = "https://purl.imsglobal.org/spec/lti/claim/resource_link";
pub const ROLES: &str = "https://purl.imsglobal.org/spec/lti/claim/roles";
pub const CUSTOM: &str = "https://purl.imsglobal.org/spec/lti/claim/custom";
pub const LIS: &str = "https://purl.imsglobal.org/spec/lti/claim/lis";
pub const AGS_ENDPOINT: &str = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
pub const DEEP_LINKING_SETTINGS: &str =
    "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
pub const DEEP_LINKING_DATA: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/data";
pub const CONTENT_ITEMS: &str = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items";

pub const RESOURCE_LINK_REQUEST: &str = "LtiResourceLinkRequest";
pub const DEEP_LINKING_REQUEST: &str = "LtiDeepLinkingRequest";
pub const DEEP_LINKING_RESPONSE: &str = "LtiDeepLinkingResponse";

/// The AGS scope that lets the tool post scores.
pub const SCORE_SCOPE: &str = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

/// Roles that make a launch a trainer's (teaching or building the course); any other role,
/// or none, is a learner's. Nothing a platform says makes anyone an admin here.
const TEACHING_ROLES: [&str; 4] = [
    "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
    "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper",
    "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant",
    "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor",
];

/// Whether the launch's roles include a teaching one.
pub fn teaches(roles: &[String]) -> bool {
    roles.iter().any(|r| TEACHING_ROLES.contains(&r.as_str()))
}

/// The `id_token`'s claims after its signature, issuer, audience and expiry were checked.
#[derive(Debug, Clone, Deserialize)]
pub struct LaunchClaims {
    pub iss: String,
    pub sub: Option<String>,
    #[serde(default)]
    pub aud: Audience,
    pub azp: Option<String>,
    pub nonce: Option<String>,
    pub iat: Option<i64>,
    pub email: Option<String>,
    pub name: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/message_type")]
    pub message_type: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/version")]
    pub version: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/deployment_id")]
    pub deployment_id: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/target_link_uri")]
    pub target_link_uri: Option<String>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/resource_link")]
    pub resource_link: Option<ResourceLink>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/roles")]
    pub roles: Option<Vec<String>>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/custom", default)]
    pub custom: serde_json::Map<String, Value>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti/claim/lis")]
    pub lis: Option<Lis>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint")]
    pub ags: Option<AgsEndpoint>,
    #[serde(rename = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings")]
    pub deep_linking: Option<DeepLinkingSettings>,
}

/// `aud`: one client id or several.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    One(String),
    Many(Vec<String>),
    #[default]
    Missing,
}

impl Audience {
    /// How many audiences the token names.
    pub fn count(&self) -> usize {
        match self {
            Self::One(_) => 1,
            Self::Many(all) => all.len(),
            Self::Missing => 0,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResourceLink {
    pub id: String,
    pub title: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Lis {
    pub person_sourcedid: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AgsEndpoint {
    #[serde(default)]
    pub scope: Vec<String>,
    pub lineitem: Option<String>,
    pub lineitems: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DeepLinkingSettings {
    pub deep_link_return_url: String,
    #[serde(default)]
    pub accept_types: Vec<String>,
    pub data: Option<String>,
}

impl LaunchClaims {
    /// The employee number, if the platform sends one (a custom parameter, else the LIS
    /// person sourcedid that Moodle and Totara fill with the ID number).
    pub fn employee_number(&self) -> Option<String> {
        self.custom
            .get("employee_number")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or_else(|| self.lis.as_ref().and_then(|l| l.person_sourcedid.clone()))
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty())
    }

    /// Which activity the link opens: the `activity` custom parameter (set by deep linking),
    /// else the `activity` query field of the target link, else the baseline.
    pub fn activity(&self) -> String {
        if let Some(activity) = self.custom.get("activity").and_then(Value::as_str) {
            return activity.to_owned();
        }
        self.target_link_uri
            .as_deref()
            .and_then(|uri| url::Url::parse(uri).ok())
            .and_then(|uri| {
                uri.query_pairs()
                    .find(|(k, _)| k == "activity")
                    .map(|(_, v)| v.into_owned())
            })
            .unwrap_or_else(|| "baseline".to_owned())
    }
}
