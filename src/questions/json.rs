//! A flat JSON view of questions for command-line tools: stable field names that do not
//! follow the Rust types, so the types can change without breaking scripts.

use serde_json::{Map, Value, json};

use super::model::{Question, QuestionKind};

/// One object per question, with `type`, `name`, `text`, `text_format`, `category`, `id`,
/// `tags`, `general_feedback` and the fields of its type.
pub fn to_json(questions: &[Question]) -> Value {
    Value::Array(questions.iter().map(question_json).collect())
}

fn question_json(q: &Question) -> Value {
    let mut object = Map::new();
    object.insert("type".into(), json!(q.kind.type_name()));
    object.insert("name".into(), json!(q.name));
    object.insert("text".into(), json!(q.text));
    object.insert("text_format".into(), json!(q.text_format.gift_name()));
    object.insert("category".into(), json!(q.category));
    object.insert("id".into(), json!(q.id));
    object.insert("tags".into(), json!(q.tags));
    object.insert("shuffle_answers".into(), json!(q.shuffle_answers));
    object.insert("general_feedback".into(), json!(q.general_feedback));
    object.insert(
        "general_feedback_format".into(),
        json!(q.general_feedback_format.gift_name()),
    );
    object.insert("line".into(), json!(q.line));
    match &q.kind {
        QuestionKind::MultiChoice { single, answers } => {
            object.insert("single".into(), json!(single));
            let answers: Vec<Value> = answers
                .iter()
                .map(|a| {
                    json!({
                        "text": a.text,
                        "text_format": a.text_format.gift_name(),
                        "fraction": a.fraction,
                        "feedback": a.feedback,
                        "feedback_format": a.feedback_format.gift_name(),
                    })
                })
                .collect();
            object.insert("answers".into(), Value::Array(answers));
        }
        QuestionKind::ShortAnswer { answers, use_case } => {
            object.insert("use_case".into(), json!(use_case));
            let answers: Vec<Value> = answers
                .iter()
                .map(|a| {
                    json!({
                        "text": a.text,
                        "fraction": a.fraction,
                        "feedback": a.feedback,
                        "feedback_format": a.feedback_format.gift_name(),
                    })
                })
                .collect();
            object.insert("answers".into(), Value::Array(answers));
        }
        QuestionKind::Numerical { answers } => {
            let answers: Vec<Value> = answers
                .iter()
                .map(|a| {
                    let text = a.value.map_or_else(|| "*".to_owned(), |v| v.to_string());
                    json!({
                        "text": text,
                        "value": a.value,
                        "tolerance": a.tolerance,
                        "fraction": a.fraction,
                        "feedback": a.feedback,
                        "feedback_format": a.feedback_format.gift_name(),
                    })
                })
                .collect();
            object.insert("answers".into(), Value::Array(answers));
        }
        QuestionKind::TrueFalse {
            correct,
            feedback_true,
            feedback_false,
        } => {
            object.insert("correct".into(), json!(correct));
            object.insert("feedback_true".into(), json!(feedback_true.text));
            object.insert("feedback_false".into(), json!(feedback_false.text));
        }
        QuestionKind::Matching { pairs } => {
            let pairs: Vec<Value> = pairs
                .iter()
                .map(|p| {
                    json!({
                        "question": p.question,
                        "question_format": p.question_format.gift_name(),
                        "answer": p.answer,
                    })
                })
                .collect();
            object.insert("pairs".into(), Value::Array(pairs));
        }
        QuestionKind::Essay | QuestionKind::Description => {}
    }
    Value::Object(object)
}
