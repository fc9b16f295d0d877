//! What each number the service shows means, in plain English (issue 17, point 4): one list,
//! rendered whole on the public glossary page (`/help/measures`) and measure by measure in the
//! "what these mean" details next to the figures, so the two can never disagree. The exact
//! formulas are in docs/managers.md and docs/learners.md.

use serde::Serialize;

/// Where a measure is shown: on a learner's own result page, in the managers' reports, or in
/// the trainers' item analysis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Learner,
    Reports,
    ItemAnalysis,
}

#[derive(Debug, Serialize)]
pub struct Measure {
    /// The name views pick it by.
    pub key: &'static str,
    /// The anchor on the glossary page.
    pub anchor: &'static str,
    pub name: &'static str,
    pub meaning: &'static str,
    pub reading: &'static str,
    pub audience: Audience,
}

const fn measure(
    key: &'static str,
    anchor: &'static str,
    name: &'static str,
    meaning: &'static str,
    reading: &'static str,
    audience: Audience,
) -> Measure {
    Measure {
        key,
        anchor,
        name,
        meaning,
        reading,
        audience,
    }
}

use Audience::{ItemAnalysis, Learner, Reports};

pub const MEASURES: &[Measure] = &[
    measure(
        "score",
        "score",
        "Score (knowledge)",
        "The share of a topic's questions answered correctly, from 0 to 100%. A partly right answer counts in part; \"I don't know\" counts as wrong.",
        "Compare it with the level your role needs: at or above that level, the topic is done and you do not need its module.",
        Learner,
    ),
    measure(
        "certainty_based_mark",
        "certainty-based-mark",
        "Certainty-based mark",
        "Each answer earns a mark that depends on how sure you said you were. A right answer earns +1 when you were not sure, +2 when quite sure and +3 when very sure. A wrong answer costs 0, −2 or −6. \"I don't know\" scores 0. The figure is the average over the questions, from −6 to +3.",
        "Higher is better. Being very sure pays only when you are right, so the mark rewards knowing what you know. Someone right every time and very sure every time scores +3.",
        Learner,
    ),
    measure(
        "certainty_bonus",
        "certainty-bonus",
        "Certainty bonus",
        "How much better or worse your certainty-based marks were than if you had given every answer the one certainty level best suited to your overall score (for example \"very sure\" throughout when almost everything was right). It is a tenth of the difference in the average mark.",
        "Above zero: your sureness told you something real about which answers you knew. Zero: you scored what the best single level would have given. Below zero: that single level would have scored more, because you were less sure than you could have been of answers you got right, or surer than your answers justified. Your results page says which.",
        Learner,
    ),
    measure(
        "learner_gain",
        "gain",
        "Gain (normalised gain)",
        "How much of the room to improve you gained between your baseline and the post-assessment: (post score − baseline score) ÷ (100 − baseline score). It is not shown when your baseline was already 100%.",
        "100% means you gained all the room there was; 50% means half of it; 0% means no change; below 0 means your score fell. A baseline of 40% rising to 70%, and one of 80% rising to 90%, are both a gain of 50%.",
        Learner,
    ),
    measure(
        "n",
        "n",
        "n (people)",
        "The number of people in the group whose answers are published. A group's answers are published only in batches of at least 8 people, so no figure describes fewer.",
        "The smaller n is, the less certain the group's averages are (see the 95% interval).",
        Reports,
    ),
    measure(
        "knowledge",
        "knowledge",
        "Knowledge",
        "The group's average score on the topic, from 0 to 100%: each person's share of the topic's questions answered correctly (\"I don't know\" counting as wrong), averaged over the group.",
        "Compare it with the target for the role. Higher is better.",
        Reports,
    ),
    measure(
        "interval",
        "interval",
        "95% interval",
        "The range the group's true average knowledge probably lies in. It is wide when the group is small or its people's scores vary a lot.",
        "When two groups' intervals overlap a lot, the difference between their averages may be chance.",
        Reports,
    ),
    measure(
        "target",
        "target",
        "Target",
        "The knowledge level the job role needs in the topic, set by your administrators for each job role and topic. For a staff group or all staff, it is the average of each person's own role target.",
        "A group at or above its target has no gap in the topic.",
        Reports,
    ),
    measure(
        "gap",
        "gap",
        "Gap",
        "How far the group's knowledge is below its target, in percentage points (target − knowledge), or 0 when it is at or above the target.",
        "0 means no gap; the bigger the gap, the more training the group needs in the topic.",
        Reports,
    ),
    measure(
        "importance",
        "importance",
        "Importance",
        "How important the topic is for the role, from 1 (not at all) to 7 (critically), set with the targets.",
        "It weighs the gap when ranking priorities.",
        Reports,
    ),
    measure(
        "priority",
        "priority",
        "Priority",
        "The gap weighted by the topic's importance for the role: importance ÷ 7 × gap.",
        "The higher it is, the more urgent the training. The colours of the gap table and the list of top priorities use it.",
        Reports,
    ),
    measure(
        "rated",
        "rated",
        "Rated",
        "The number of people in the group who said how confident they felt about the topic.",
        "Self-confidence and % rating 4–5 are averages over these people.",
        Reports,
    ),
    measure(
        "self_confidence",
        "self-confidence",
        "Self-confidence",
        "How confident people said they felt about the topic before answering its questions, from 1 (not at all confident) to 5 (very confident), averaged.",
        "Read it with knowledge: confidence well above knowledge is a risk (see unrecognised need).",
        Reports,
    ),
    measure(
        "pct_rating_4_5",
        "rating-4-5",
        "% rating 4–5",
        "The share of people who said they felt fairly or very confident about the topic (4 or 5 out of 5).",
        "A high share with a large gap means people feel ready when they are not.",
        Reports,
    ),
    measure(
        "unrecognised_need",
        "unrecognised-need",
        "Unrecognised need",
        "The share of the group who rated themselves confident (4 or 5 out of 5) but whose knowledge is below their role's target.",
        "These people need training but may not look for it, because they feel they know the topic. A high figure means assign the module rather than leave it to choice.",
        Reports,
    ),
    measure(
        "pct_at_target",
        "at-target",
        "% at target",
        "The share of the group whose own knowledge is at or above their role's target.",
        "The rest of the group still needs the topic's training.",
        Reports,
    ),
    measure(
        "calibration_bias",
        "calibration-bias",
        "Calibration bias",
        "How much surer people were than right. Each answer's certainty counts as a probability (not sure 0.5, quite sure 0.73, very sure 0.9); the bias is the average of these minus the share of answers that were right, over answered questions.",
        "Near 0: people's sureness matched their answers. Above 0 (for example +0.20): more sure than right, that is overconfident. Below 0: less sure than right. Someone right every time and always very sure scores −0.10, because very sure counts as 0.9.",
        Reports,
    ),
    measure(
        "confidently_wrong_rate",
        "confidently-wrong-rate",
        "Confidently wrong rate",
        "The share of answered questions that were answered \"very sure\" and wrong, from 0 to 1.",
        "These are misconceptions worth correcting in training: 0.10 means 1 answer in 10.",
        Reports,
    ),
    measure(
        "completion",
        "completion",
        "Completion",
        "The share of the group for whom the topic is done: they met their target at baseline, or they have since completed the topic's module. Baseline view only.",
        "100% means everyone in the group has the topic covered.",
        Reports,
    ),
    measure(
        "paired",
        "paired",
        "With baseline and post",
        "The number of people in the group who have done both the baseline and the post-assessment.",
        "The gains are worked out over these people only.",
        Reports,
    ),
    measure(
        "hake_gain",
        "hake-gain",
        "Hake gain (normalised gain)",
        "How much of the possible improvement the group made between baseline and post-assessment: (average post score − average baseline score) ÷ (100 − average baseline score), over people who did both. Post view only.",
        "0 means no improvement and 1 means all the room to improve was gained; below 0 means scores fell. As a rule of thumb, under 0.3 is a low gain, 0.3 to 0.7 medium and over 0.7 high. Because it is a share of the room left, a group starting high and a group starting low can be compared.",
        Reports,
    ),
    measure(
        "mean_individual_gain",
        "mean-individual-gain",
        "Mean individual gain",
        "The same gain worked out for each person, (post − baseline) ÷ (100 − baseline), then averaged. People whose baseline was already 100% are left out.",
        "Read it like the Hake gain. If it is much lower than the Hake gain, a few people gained a lot while most gained little.",
        Reports,
    ),
    measure(
        "calibrated_gain",
        "calibrated-gain",
        "Calibrated gain (points)",
        "The change, in percentage points, from baseline to post-assessment on the question bank's common scale: for each person, the share of all the topic's calibrated questions they would be expected to get right, after the post-assessment minus after the baseline, both worked out under the same calibration; then averaged over the people who did both. Post view only.",
        "Unlike the plain scores, it does not fall just because the post-assessment happened to draw harder questions. It is blank until the question bank has been calibrated, and also while any of the group's people with both assessments has not yet been scored on the common scale (an administrator's `bank rescore` fills these in). It is shown only where the Hake gain is, for the same people.",
        Reports,
    ),
    measure(
        "responses",
        "responses",
        "n (responses)",
        "For a question: how many first baseline attempts included it. For the whole assessment: how many first baseline attempts there are.",
        "Below the minimum (usually 30) the question is flagged \"Too few responses\": wait before acting on its other figures.",
        ItemAnalysis,
    ),
    measure(
        "facility",
        "facility",
        "Facility",
        "The average mark on the question, from 0 to 1: the share of the marks available that people earned (\"I don't know\" earns 0).",
        "Above 0.9 the question is flagged \"Too easy\"; below 0.2 \"Too hard\". Between 0.3 and 0.8 is usual for a question that tells people apart.",
        ItemAnalysis,
    ),
    measure(
        "item_sd",
        "item-sd",
        "SD (standard deviation)",
        "How much the marks on the question vary between people. For the whole assessment, how much total scores vary.",
        "0 means everyone scored the same, so the question tells you nothing about differences between people.",
        ItemAnalysis,
    ),
    measure(
        "discrimination_index",
        "discrimination-index",
        "Discrimination index",
        "100 × the correlation between the mark on the question and the rest of the test: do people who do well overall also get this question right?",
        "Above 30 is good. Below 0 (flagged \"Negative discrimination\") means stronger candidates do worse on it: check the answer key first, then the wording.",
        ItemAnalysis,
    ),
    measure(
        "discriminative_efficiency",
        "discriminative-efficiency",
        "Discriminative efficiency",
        "The discrimination index as a percentage of the highest this question could reach given its facility.",
        "A low figure with a middling facility often points to ambiguous wording.",
        ItemAnalysis,
    ),
    measure(
        "certainty_mix",
        "certainty-mix",
        "Certainty mix",
        "The share of answers to the question given as not sure, quite sure and very sure, and the share of \"I don't know\".",
        "Many \"I don't know\" answers point to a gap the training should cover.",
        ItemAnalysis,
    ),
    measure(
        "item_confidently_wrong",
        "item-confidently-wrong",
        "Confidently wrong (question)",
        "The share of the question's answers given as \"very sure\" and wrong.",
        "The most important figure to act on: people who are sure and wrong may act on it. Check the question, then the module that teaches it.",
        ItemAnalysis,
    ),
    measure(
        "cronbach_alpha",
        "cronbach-alpha",
        "Cronbach's α (KR-20)",
        "How consistently the assessment's questions measure the same thing, from 0 to 1 (KR-20 when every question is right or wrong).",
        "Higher is better; 0.7 and above is usual for a test that ranks people.",
        ItemAnalysis,
    ),
    measure(
        "standard_error",
        "standard-error",
        "Standard error",
        "How far a person's total score may be from their true score because of chance in the questions: SD × √(1 − α).",
        "Two people whose scores differ by less than about twice this may not really differ.",
        ItemAnalysis,
    ),
];

/// The measures named by `keys`, in that order: what a details component beside some figures
/// explains. A key that names no measure is a programming error, caught by the page tests.
pub fn pick(keys: &[&str]) -> Vec<&'static Measure> {
    keys.iter()
        .filter_map(|key| MEASURES.iter().find(|m| m.key == *key))
        .collect()
}

/// The measures shown to `audience`, in the order above.
pub fn for_audience(audience: Audience) -> Vec<&'static Measure> {
    MEASURES.iter().filter(|m| m.audience == audience).collect()
}

#[cfg(test)]
mod tests {
    use super::MEASURES;

    #[test]
    fn keys_and_anchors_are_unique() {
        for (i, m) in MEASURES.iter().enumerate() {
            assert!(
                MEASURES[..i]
                    .iter()
                    .all(|o| o.key != m.key && o.anchor != m.anchor),
                "{} repeats",
                m.key
            );
        }
    }
}
