//! Content names written into sentences ("… about genomic medicine in the NHS").

/// A sentence-case name as it reads mid-sentence: only the first letter is lower-cased, and not
/// even that when the first word is an acronym, so "NHS" and other capitals inside the name
/// stay as the content wrote them.
pub fn in_sentence(name: &str) -> String {
    let mut chars = name.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if !second.is_uppercase() => {
            first.to_lowercase().chain(name.chars().skip(1)).collect()
        }
        _ => name.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::in_sentence;

    #[test]
    fn names_keep_their_acronyms_mid_sentence() {
        assert_eq!(
            in_sentence("Genomic medicine in the NHS"),
            "genomic medicine in the NHS"
        );
        assert_eq!(in_sentence("Samples: collection"), "samples: collection");
        assert_eq!(in_sentence("NHS genomic medicine"), "NHS genomic medicine");
        assert_eq!(in_sentence(""), "");
    }
}
