//! Agenda for Change bands in one spelling. ESR files write a band as "Band 3", "3" or
//! "band 8A"; stored as given, one band showed as two ("3" and "Band 3"), a page said
//! "band Band 6", and a re-import could see a changed job where nothing changed.

/// The canonical spelling of an Agenda for Change band ("Band 3", "Band 8a"); anything else
/// (a medical grade, "Band 10") is kept as given, trimmed. Defined beside the migration that
/// respelt the bands already stored, so both always agree.
pub use migrations::normalise_band;

#[cfg(test)]
mod tests {
    use super::normalise_band;

    #[test]
    fn every_spelling_of_a_band_becomes_band_n() {
        for (raw, canonical) in [
            ("3", "Band 3"),
            (" Band 3 ", "Band 3"),
            ("band 3", "Band 3"),
            ("BAND3", "Band 3"),
            ("8a", "Band 8a"),
            ("Band 8A", "Band 8a"),
            ("band 8d", "Band 8d"),
            ("9", "Band 9"),
        ] {
            assert_eq!(normalise_band(raw), canonical, "{raw}");
        }
    }

    #[test]
    fn what_is_not_an_agenda_for_change_band_is_kept() {
        for raw in [
            "Consultant",
            "FY1",
            "Band 10",
            "10",
            "Band 8e",
            "0",
            "Band",
            "8 a",
        ] {
            assert_eq!(normalise_band(raw), raw, "{raw}");
        }
        assert_eq!(normalise_band("  Consultant "), "Consultant");
    }
}
