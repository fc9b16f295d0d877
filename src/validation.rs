//! Checking input with `validator`: bodies derive `Validate`, and this turns the crate's
//! `ValidationErrors` (a map, so unordered) into the problems pages and JSON show, in page order.
//!
//! Each rule carries the user's message in its `message = "..."` attribute; one sentence per field
//! is shown (beside it, in the error summary, in a 422 body). The derive runs built-in rules
//! before custom ones whatever the attribute order, so write a field's rules not to overlap (as
//! `filled` plus a rule that lets a blank value pass).

use validator::{Validate, ValidationError, ValidationErrors};

/// Problems with submitted input, by field id, in the order the fields appear on the page.
pub type FieldErrors = Vec<(&'static str, String)>;

/// Runs `input`'s rules; on failure, the first message of each failing field in `page_order`.
pub fn check(input: &impl Validate, page_order: &[&'static str]) -> Result<(), FieldErrors> {
    input
        .validate()
        .map_err(|errors| in_page_order(&errors, page_order))
}

/// The first message of each field in `page_order` that has one. A rule without a message shows
/// its code, so a forgotten message is visible in tests rather than silently dropped.
pub fn in_page_order(errors: &ValidationErrors, page_order: &[&'static str]) -> FieldErrors {
    let by_field = errors.field_errors();
    page_order
        .iter()
        .filter_map(|field| {
            let first = by_field.get(*field)?.first()?;
            let message = first.message.as_ref().unwrap_or(&first.code);
            Some((*field, message.to_string()))
        })
        .collect()
}

/// The messages as one sentence list, for a JSON 422 or the command line.
pub fn joined(problems: &FieldErrors, separator: &str) -> String {
    problems
        .iter()
        .map(|(_, message)| message.as_str())
        .collect::<Vec<_>>()
        .join(separator)
}

/// Rule: something other than spaces was entered.
pub fn filled(value: &str) -> Result<(), ValidationError> {
    if value.trim().is_empty() {
        Err(ValidationError::new("filled"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use validator::Validate;

    #[derive(Validate)]
    struct Sample {
        #[validate(custom(function = "filled", message = "Enter a name"))]
        name: String,
        #[validate(
            custom(function = "filled", message = "Enter a code"),
            length(max = 3, message = "Code must be 3 characters or fewer")
        )]
        code: String,
        #[validate(length(max = 2))]
        bare: String,
    }

    fn sample(name: &str, code: &str, bare: &str) -> Sample {
        Sample {
            name: name.to_owned(),
            code: code.to_owned(),
            bare: bare.to_owned(),
        }
    }

    const ORDER: &[&str] = &["name", "code", "bare"];

    #[test]
    fn valid_input_passes() {
        assert_eq!(check(&sample("Ann", "AB", ""), ORDER), Ok(()));
    }

    #[test]
    fn problems_follow_page_order_with_their_messages() {
        let problems = check(&sample(" ", "", ""), ORDER).unwrap_err();
        assert_eq!(
            problems,
            vec![
                ("name", "Enter a name".to_owned()),
                ("code", "Enter a code".to_owned())
            ]
        );
        let reversed = check(&sample(" ", "", ""), &["code", "name"]).unwrap_err();
        assert_eq!(reversed[0].0, "code");
    }

    #[test]
    fn each_rule_of_a_field_shows_its_own_message() {
        let problems = check(&sample("Ann", "", ""), ORDER).unwrap_err();
        assert_eq!(problems, vec![("code", "Enter a code".to_owned())]);
        let problems = check(&sample("Ann", "ABCD", ""), ORDER).unwrap_err();
        assert_eq!(
            problems,
            vec![("code", "Code must be 3 characters or fewer".to_owned())]
        );
    }

    #[test]
    fn fields_missing_from_page_order_are_not_shown() {
        let problems = check(&sample("", "", ""), &["code"]).unwrap_err();
        assert_eq!(problems, vec![("code", "Enter a code".to_owned())]);
    }

    #[test]
    fn a_rule_without_a_message_shows_its_code() {
        let problems = check(&sample("Ann", "AB", "long"), ORDER).unwrap_err();
        assert_eq!(problems, vec![("bare", "length".to_owned())]);
    }

    #[test]
    fn joined_keeps_the_order() {
        let problems = vec![("a", "First".to_owned()), ("b", "Second".to_owned())];
        assert_eq!(joined(&problems, ". "), "First. Second");
        assert_eq!(joined(&Vec::new(), ". "), "");
    }
}
