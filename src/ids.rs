//! Typed ids for what crosses module boundaries: a person, an attempt, a module, an
//! organisation. Each wraps the row id (`i64`) and is its own type, so a caller cannot pass an
//! attempt id where a person id is expected. In JSON and URLs they are the bare number
//! (`#[serde(transparent)]`; the web layer parses them from paths). Inside a module, entity
//! fields stay `i64`: convert with `From` at the module's edge.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[schema(value_type = i64)]
        pub struct $name(i64);

        impl $name {
            /// The row id.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> Self {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map(Self)
            }
        }
    };
}

id_type!(
    /// A person with an account (a `users` row): learner, manager, trainer or admin.
    PersonId
);
id_type!(
    /// One sitting of an assessment (an `attempts` row).
    AttemptId
);
id_type!(
    /// A learning module (a `modules` row).
    ModuleId
);
id_type!(
    /// An organisation (an `organisations` row).
    OrganisationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_the_bare_number_in_json_and_text() {
        let id = PersonId::from(42);
        assert_eq!(serde_json::to_string(&id).unwrap(), "42");
        assert_eq!(serde_json::from_str::<AttemptId>("7").unwrap().get(), 7);
        assert_eq!(id.to_string(), "42");
        assert_eq!(i64::from(id), 42);
        assert_eq!("13".parse::<ModuleId>().unwrap(), ModuleId::from(13));
        assert!("x".parse::<OrganisationId>().is_err());
    }

    #[test]
    fn their_schema_is_an_integer() {
        use utoipa::PartialSchema;
        let schema = serde_json::to_value(AttemptId::schema()).unwrap();
        assert_eq!(schema["type"], "integer");
        assert_eq!(schema["format"], "int64");
    }
}
