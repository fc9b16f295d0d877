//! The learner's result in words that follow from their figures (issue 17, point 4): how well
//! their sureness matched their answers, per topic and overall.
//!
//! The direction comes from two figures of docs/design.md §4. A certainty bonus below zero means
//! one certainty level used for every answer would have scored more. Then a calibration bias below
//! zero means some answers they got right were given as less than very sure, and above zero
//! means some wrong answers were given as quite or very sure: with every right answer at "very
//! sure", the bonus can only be below zero when the bias is above it, and with every wrong
//! answer at "not sure" (or "I don't know"), only when the bias is below it. So each sentence
//! is true of the answers behind it.

use crate::measures::summary::{ResponseSummary, ResponseSums};

/// How sureness related to the answers, by the bonus and the bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sureness {
    /// Bonus above zero (as shown, to 2 places): surer of the right answers.
    Matched,
    /// Bonus zero: as well as the best single certainty level, no better.
    AsOneLevel,
    /// Bonus below zero, bias below zero.
    LessSure,
    /// Bonus below zero, bias above zero.
    Surer,
    /// Bonus below zero, bias zero.
    Neither,
}

/// The bonus as the page shows it (2 places), so the words never contradict the number.
pub fn shown_bonus(bonus: f64) -> f64 {
    (bonus * 100.0).round() / 100.0 + 0.0
}

fn sureness(summary: &ResponseSummary) -> Option<Sureness> {
    let bonus = shown_bonus(summary.cbm_bonus?);
    Some(if bonus > 0.0 {
        Sureness::Matched
    } else if bonus == 0.0 {
        Sureness::AsOneLevel
    } else {
        match summary.calibration_bias {
            Some(bias) if bias < 0.0 => Sureness::LessSure,
            Some(bias) if bias > 0.0 => Sureness::Surer,
            _ => Sureness::Neither,
        }
    })
}

/// What one topic's answers, rating and target say about the learner's confidence.
#[derive(Debug, Clone, Copy)]
pub struct TopicFacts<'a> {
    /// The topic's name as it reads inside a sentence.
    pub topic: &'a str,
    pub responses: &'a ResponseSums,
    /// Self-rated confidence, 1–5.
    pub rating: Option<i16>,
    /// Whether the role has a target for the topic, and whether the learner met it.
    pub has_target: bool,
    pub met_target: bool,
}

/// Plain words on how well confidence matched answers for one topic.
pub fn calibration_words(facts: &TopicFacts<'_>) -> String {
    let topic = facts.topic;
    let wrong_and_sure = facts.responses.n_confidently_wrong;
    let dont_know = facts.responses.n_dont_know;
    let mut parts = Vec::new();
    match wrong_and_sure {
        0 => {}
        1 => parts.push(format!(
            "You were sure and wrong on 1 question about {topic}."
        )),
        n => parts.push(format!(
            "You were sure and wrong on {n} questions about {topic}."
        )),
    }
    match sureness(&facts.responses.summary()) {
        Some(Sureness::LessSure) => parts.push(format!(
            "You got answers about {topic} right that you were not very sure of: you know more than you thought."
        )),
        Some(Sureness::Surer) if wrong_and_sure == 0 => parts.push(format!(
            "Some answers about {topic} that you were quite sure of were wrong."
        )),
        _ => {}
    }
    let rating = facts.rating.unwrap_or(0);
    if rating >= 4 && !facts.met_target {
        parts.push("You rated yourself confident here, but your answers were below the level your role needs.".into());
    }
    if (1..=2).contains(&rating) && facts.has_target && facts.met_target {
        parts.push("You rated yourself not confident here, but your answers reached the level your role needs.".into());
    }
    if dont_know > 0 {
        parts.push(format!("You said \"I don't know\" {dont_know} time{}: that is honest, and the module will cover it.", if dont_know == 1 { "" } else { "s" }));
    }
    if parts.is_empty() {
        parts.push("Your confidence matched your answers.".into());
    }
    parts.join(" ")
}

/// What the certainty bonus of a whole attempt says, in words; none without a bonus.
pub fn certainty_bonus_words(summary: &ResponseSummary) -> Option<String> {
    let all_right = summary.n_dont_know == 0 && summary.accuracy.is_some_and(|a| a >= 1.0 - 1e-9);
    let words = match sureness(summary)? {
        Sureness::Matched => {
            "Above zero: your sureness matched your knowledge. You were surer of the answers you got right."
        }
        Sureness::AsOneLevel => {
            "Zero: your marks were what the best single certainty level for your score would have given."
        }
        Sureness::LessSure if all_right => {
            "Below zero because you were less sure than you could have been: every answer was right, but you were not very sure of all of them. You know more than you thought."
        }
        Sureness::LessSure => {
            "Below zero because you were less sure than you could have been: you were not very sure of answers you got right."
        }
        Sureness::Surer => {
            "Below zero because you were surer than your answers justified: some answers you were quite or very sure of were wrong. When in doubt, say you are not sure."
        }
        Sureness::Neither => {
            "Below zero: giving every answer the same certainty would have scored more."
        }
    };
    Some(words.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measures::response::{Answer, Certainty};

    fn sums(answers: &[(f64, Certainty)]) -> ResponseSums {
        let answers: Vec<_> = answers
            .iter()
            .map(|&(fraction, certainty)| Answer::answered(fraction, certainty))
            .collect();
        ResponseSums::from_answers(&answers)
    }

    fn words(responses: &ResponseSums, rating: Option<i16>, met_target: bool) -> String {
        calibration_words(&TopicFacts {
            topic: "consent",
            responses,
            rating,
            has_target: true,
            met_target,
        })
    }

    #[test]
    fn all_right_and_very_sure_matches() {
        let all_sure = sums(&[(1.0, Certainty::High); 3]);
        assert_eq!(
            words(&all_sure, Some(4), true),
            "Your confidence matched your answers."
        );
        let summary = all_sure.summary();
        assert!(
            certainty_bonus_words(&summary)
                .unwrap()
                .starts_with("Zero: your marks were what the best single")
        );
    }

    #[test]
    fn all_right_but_unsure_says_less_sure_not_matched() {
        for certainty in [Certainty::Low, Certainty::Medium] {
            let unsure = sums(&[(1.0, certainty); 3]);
            let text = words(&unsure, Some(3), true);
            assert!(text.contains("not very sure of"), "{text}");
            assert!(!text.contains("matched"), "{text}");
            let summary = unsure.summary();
            assert!(summary.cbm_bonus.unwrap() < 0.0);
            let overall = certainty_bonus_words(&summary).unwrap();
            assert!(overall.contains("every answer was right"), "{overall}");
        }
    }

    #[test]
    fn quite_sure_and_wrong_says_surer() {
        let surer = sums(&[
            (1.0, Certainty::Medium),
            (0.0, Certainty::Medium),
            (0.0, Certainty::Medium),
        ]);
        let text = words(&surer, None, false);
        assert!(text.contains("quite sure of were wrong"), "{text}");
        let overall = certainty_bonus_words(&surer.summary()).unwrap();
        assert!(
            overall.contains("surer than your answers justified"),
            "{overall}"
        );
    }

    #[test]
    fn well_calibrated_mix_matches() {
        // Sure when right, unsure when wrong: the bonus is above zero.
        let mix = sums(&[
            (1.0, Certainty::High),
            (1.0, Certainty::High),
            (0.0, Certainty::Low),
        ]);
        assert_eq!(
            words(&mix, None, true),
            "Your confidence matched your answers."
        );
        assert!(
            certainty_bonus_words(&mix.summary())
                .unwrap()
                .starts_with("Above zero: your sureness matched")
        );
    }

    #[test]
    fn the_same_low_certainty_throughout_is_zero_not_matched() {
        // 1 of 4 right, all "not sure": the marks equal "not sure" used for every answer.
        let unsure = sums(&[
            (1.0, Certainty::Low),
            (0.0, Certainty::Low),
            (0.0, Certainty::Low),
            (0.0, Certainty::Low),
        ]);
        let overall = certainty_bonus_words(&unsure.summary()).unwrap();
        assert!(overall.starts_with("Zero: "), "{overall}");
        assert!(!overall.contains("matched"), "{overall}");
    }

    #[test]
    fn words_name_the_topic_count_and_rating() {
        let wrong = sums(&[
            (0.0, Certainty::High),
            (0.0, Certainty::High),
            (1.0, Certainty::High),
        ]);
        assert!(
            words(&wrong, None, false)
                .starts_with("You were sure and wrong on 2 questions about consent.")
        );
        assert!(words(&wrong, Some(5), false).contains("below the level your role needs"));
        let right = sums(&[(1.0, Certainty::High); 3]);
        assert!(
            words(&right, Some(1), true).contains("not confident here, but your answers reached")
        );
    }

    #[test]
    fn a_bonus_that_shows_as_zero_is_not_below_zero() {
        assert_eq!(shown_bonus(-0.004), 0.0);
        assert!(shown_bonus(-0.004).is_sign_positive());
        assert_eq!(shown_bonus(-0.006), -0.01);
    }
}
