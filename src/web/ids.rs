//! The typed ids ([`crate::ids`]) as path segments: parsed like the bare `i64` they wrap (a
//! segment that is not a number forwards, as before), and written back by `uri!`.

use rocket::http::impl_from_uri_param_identity;
use rocket::http::uri::fmt::{Formatter, Path, UriDisplay};
use rocket::request::FromParam;

use crate::ids::{AttemptId, ModuleId, OrganisationId, PersonId};

macro_rules! path_id {
    ($($name:ident),+) => {$(
        impl<'a> FromParam<'a> for $name {
            type Error = &'a str;

            fn from_param(param: &'a str) -> Result<Self, Self::Error> {
                param.parse().map_err(|_| param)
            }
        }

        impl UriDisplay<Path> for $name {
            fn fmt(&self, f: &mut Formatter<'_, Path>) -> std::fmt::Result {
                UriDisplay::<Path>::fmt(&self.get(), f)
            }
        }

        impl_from_uri_param_identity!([Path] $name);
    )+};
}

path_id!(PersonId, AttemptId, ModuleId, OrganisationId);

#[cfg(test)]
mod tests {
    use rocket::http::uri::fmt::{Path, UriDisplay};
    use rocket::request::FromParam;

    use crate::ids::AttemptId;

    #[test]
    fn a_path_segment_is_the_bare_number() {
        assert_eq!(AttemptId::from_param("12"), Ok(AttemptId::from(12)));
        assert_eq!(AttemptId::from_param("12a"), Err("12a"));
        let id = AttemptId::from(5);
        let written = &id as &dyn UriDisplay<Path>;
        assert_eq!(written.to_string(), "5");
    }
}
