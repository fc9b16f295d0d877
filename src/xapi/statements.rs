//! The xAPI 1.0.3 statements a submitted sitting becomes (docs/xapi.md shows one of each): pure
//! functions from what happened to JSON, so every shape is built in one place and can be
//! checked by the `xapi-validation` package (tests/xapi).
//!
//! Activity ids are IRIs under the service's public URL; the certainty of an answer and the
//! assessment's phase travel in extensions under `<public_url>/xapi/extensions/`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Map, Value, json};

use crate::measures::response::{Answer, Certainty, cbm_mark};

pub const VERSION: &str = "1.0.3";

/// A verb: the word kept with the statement in the outbox, and its IRI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verb {
    pub word: &'static str,
    pub iri: &'static str,
}

pub const ANSWERED: Verb = Verb {
    word: "answered",
    iri: "http://adlnet.gov/expapi/verbs/answered",
};
pub const RATED: Verb = Verb {
    word: "rated",
    iri: "http://id.tincanapi.com/verb/rated",
};
pub const COMPLETED: Verb = Verb {
    word: "completed",
    iri: "http://adlnet.gov/expapi/verbs/completed",
};
pub const PASSED: Verb = Verb {
    word: "passed",
    iri: "http://adlnet.gov/expapi/verbs/passed",
};
pub const FAILED: Verb = Verb {
    word: "failed",
    iri: "http://adlnet.gov/expapi/verbs/failed",
};
pub const EARNED: Verb = Verb {
    word: "earned",
    iri: "http://id.tincanapi.com/verb/earned",
};

/// Something with a stable slug and a title (an assessment, topic or module).
#[derive(Debug, Clone, PartialEq)]
pub struct Named {
    pub slug: String,
    pub title: String,
}

/// One answered item of a baseline or post-assessment.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemAnswer {
    pub item_uid: String,
    /// The xAPI interaction type of the question (`choice`, `true-false`, ...).
    pub interaction: &'static str,
    pub topic: Named,
    pub answer: Answer,
    pub answered_at: DateTime<Utc>,
    pub time_on_item_ms: Option<i32>,
}

/// How a module quiz went for its module.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleOutcome {
    pub module: Named,
    pub passed: bool,
    /// Whether this sitting completed the module (its first pass): then a certificate too.
    pub newly_completed: bool,
}

/// A submitted attempt, with everything its statements say.
#[derive(Debug, Clone, PartialEq)]
pub struct Sitting {
    pub attempt_id: i64,
    /// `baseline`, `post` or `quiz`.
    pub phase: &'static str,
    pub assessment: Named,
    pub submitted_at: DateTime<Utc>,
    /// Items answered (baseline and post-assessment only).
    pub answers: Vec<ItemAnswer>,
    /// Topic self-ratings, 1 to 5.
    pub ratings: Vec<(Named, i16)>,
    /// Mean fraction over the items, "I don't know" counting 0.
    pub accuracy: Option<f64>,
    pub score: f64,
    pub items: u64,
    pub dont_know: u64,
    pub module: Option<ModuleOutcome>,
}

/// One statement, with what the outbox keeps beside it.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub id: uuid::Uuid,
    pub verb: Verb,
    pub json: Value,
}

/// Builds statements for one learner (`actor`) of the service at `home`.
pub struct Builder<'a> {
    pub home: &'a str,
    pub actor: Value,
}

fn time(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn language_map(text: &str) -> Value {
    json!({ "en-GB": text })
}

fn certainty_word(answer: &Answer) -> &'static str {
    match answer.certainty() {
        None => "dont-know",
        Some(Certainty::Low) => "low",
        Some(Certainty::Medium) => "medium",
        Some(Certainty::High) => "high",
    }
}

/// An ISO 8601 duration of whole milliseconds.
fn duration(ms: i32) -> String {
    let ms = ms.max(0);
    format!("PT{}.{:03}S", ms / 1000, ms % 1000)
}

impl Builder<'_> {
    pub fn extension(&self, name: &str) -> String {
        format!("{}/xapi/extensions/{name}", self.home)
    }

    fn activity(&self, path: &str, kind: &str, name: &str) -> Value {
        json!({
            "objectType": "Activity",
            "id": format!("{}{path}", self.home),
            "definition": { "type": kind, "name": language_map(name) },
        })
    }

    fn assessment(&self, a: &Named) -> Value {
        self.activity(
            &format!("/xapi/assessments/{}", a.slug),
            "http://adlnet.gov/expapi/activities/assessment",
            &a.title,
        )
    }

    fn topic(&self, t: &Named) -> Value {
        self.activity(
            &format!("/xapi/topics/{}", t.slug),
            "http://adlnet.gov/expapi/activities/objective",
            &t.title,
        )
    }

    fn module(&self, m: &Named) -> Value {
        self.activity(
            &format!("/learn/modules/{}", m.slug),
            "http://adlnet.gov/expapi/activities/module",
            &m.title,
        )
    }

    fn item(&self, answer: &ItemAnswer) -> Value {
        let mut item = self.activity(
            &format!("/xapi/items/{}", answer.item_uid),
            "http://adlnet.gov/expapi/activities/cmi.interaction",
            &format!("{}: question {}", answer.topic.title, answer.item_uid),
        );
        item["definition"]["interactionType"] = json!(answer.interaction);
        item
    }

    fn context(&self, sitting: &Sitting, activities: Value) -> Value {
        let mut phase = Map::new();
        phase.insert(self.extension("phase"), json!(sitting.phase));
        let mut context = json!({
            "registration": registration(self.home, sitting.attempt_id).to_string(),
            "platform": "genomics-training",
            "language": "en-GB",
            "extensions": phase,
        });
        if activities.as_object().is_some_and(|a| !a.is_empty()) {
            context["contextActivities"] = activities;
        }
        context
    }

    fn statement(
        &self,
        verb: Verb,
        object: Value,
        result: Value,
        context: Value,
        at: DateTime<Utc>,
    ) -> Statement {
        let id = uuid::Uuid::new_v4();
        Statement {
            id,
            verb,
            json: json!({
                "id": id.to_string(),
                "actor": self.actor,
                "verb": { "id": verb.iri, "display": { "en-GB": verb.word } },
                "object": object,
                "result": result,
                "context": context,
                "timestamp": time(at),
                "version": VERSION,
            }),
        }
    }

    /// Every statement a submitted sitting makes, in the order they happened: the answers, the
    /// ratings, the attempt completed, then for a quiz the module passed or failed, completed
    /// and its certificate earned.
    pub fn sitting(&self, sitting: &Sitting) -> Vec<Statement> {
        let parent = json!({ "parent": [self.assessment(&sitting.assessment)] });
        let mut out = Vec::new();
        for answer in &sitting.answers {
            out.push(self.answered(sitting, answer));
        }
        for (topic, rating) in &sitting.ratings {
            out.push(self.statement(
                RATED,
                self.topic(topic),
                json!({ "score": { "raw": rating, "min": 1, "max": 5 } }),
                self.context(sitting, parent.clone()),
                sitting.submitted_at,
            ));
        }
        let mut done = Map::new();
        done.insert(self.extension("dont-know-count"), json!(sitting.dont_know));
        let mut score = json!({ "raw": sitting.score, "min": 0, "max": sitting.items });
        if let Some(accuracy) = sitting.accuracy {
            score["scaled"] = json!(accuracy.clamp(0.0, 1.0));
        }
        out.push(self.statement(
            COMPLETED,
            self.assessment(&sitting.assessment),
            json!({ "completion": true, "score": score, "extensions": done }),
            self.context(sitting, json!({})),
            sitting.submitted_at,
        ));
        if let Some(outcome) = &sitting.module {
            out.extend(self.module_outcome(sitting, outcome, &score));
        }
        out
    }

    fn answered(&self, sitting: &Sitting, answer: &ItemAnswer) -> Statement {
        let fraction = answer.answer.fraction().clamp(0.0, 1.0);
        let mut extensions = Map::new();
        extensions.insert(
            self.extension("certainty"),
            json!(certainty_word(&answer.answer)),
        );
        extensions.insert(self.extension("cbm-mark"), json!(cbm_mark(&answer.answer)));
        let mut result = json!({
            "success": fraction >= 1.0 - 1e-9,
            "score": { "scaled": fraction, "raw": fraction, "min": 0, "max": 1 },
            "extensions": extensions,
        });
        if let Some(ms) = answer.time_on_item_ms {
            result["duration"] = json!(duration(ms));
        }
        let activities = json!({
            "parent": [self.assessment(&sitting.assessment)],
            "grouping": [self.topic(&answer.topic)],
        });
        self.statement(
            ANSWERED,
            self.item(answer),
            result,
            self.context(sitting, activities),
            answer.answered_at,
        )
    }

    fn module_outcome(
        &self,
        sitting: &Sitting,
        outcome: &ModuleOutcome,
        score: &Value,
    ) -> Vec<Statement> {
        let module = self.module(&outcome.module);
        let quiz = json!({ "other": [self.assessment(&sitting.assessment)] });
        let at = sitting.submitted_at;
        let verb = if outcome.passed { PASSED } else { FAILED };
        let mut out = vec![self.statement(
            verb,
            module.clone(),
            json!({ "success": outcome.passed, "score": score }),
            self.context(sitting, quiz.clone()),
            at,
        )];
        if outcome.newly_completed {
            out.push(self.statement(
                COMPLETED,
                module.clone(),
                json!({ "success": true, "completion": true }),
                self.context(sitting, quiz.clone()),
                at,
            ));
            let certificate = self.activity(
                &format!("/learn/modules/{}/certificate", outcome.module.slug),
                "http://id.tincanapi.com/activitytype/certificate",
                &format!("CPD certificate: {}", outcome.module.title),
            );
            out.push(self.statement(
                EARNED,
                certificate,
                json!({ "completion": true }),
                self.context(
                    sitting,
                    json!({ "parent": [module], "other": quiz["other"] }),
                ),
                at,
            ));
        }
        out
    }
}

/// The registration that groups one attempt's statements: the same for every statement of the
/// attempt, and different on each service (`home`).
pub fn registration(home: &str, attempt_id: i64) -> uuid::Uuid {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{home}/attempts/{attempt_id}").as_bytes());
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Uuid::new_v8(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_iso_8601_and_registrations_stable() {
        assert_eq!(duration(12_345), "PT12.345S");
        assert_eq!(duration(-5), "PT0.000S");
        let a = registration("https://gt.example", 7);
        assert_eq!(a, registration("https://gt.example", 7));
        assert_ne!(a, registration("https://gt.example", 8));
        assert_ne!(a, registration("https://other.example", 7));
    }

    #[test]
    fn dont_know_has_its_own_certainty_word() {
        assert_eq!(certainty_word(&Answer::DontKnow), "dont-know");
        assert_eq!(
            certainty_word(&Answer::answered(1.0, Certainty::High)),
            "high"
        );
    }
}
