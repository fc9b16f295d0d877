//! GIFT's lexical rules, shared by the reader and the writer. Each function mirrors a helper
//! of Moodle's `question/format/gift/format.php` so imports match Moodle's.

use super::model::{Text, TextFormat};
use super::text::php_trim;

/// Escaped control characters are swapped for Unicode noncharacters (reserved for exactly
/// this kind of internal use) while the question is split up, then swapped back: Moodle does
/// the same with `&&058;`-style placeholders, which could collide with real text.
const PLACEHOLDERS: [(char, char, char); 7] = [
    // (escaped character, placeholder, character it finally stands for)
    (':', '\u{FDD0}', ':'),
    ('#', '\u{FDD1}', '#'),
    ('=', '\u{FDD2}', '='),
    ('{', '\u{FDD3}', '{'),
    ('}', '\u{FDD4}', '}'),
    ('~', '\u{FDD5}', '~'),
    ('n', '\u{FDD6}', '\n'),
];

/// Moodle's `escapedchar_pre()`: `\\` becomes a plain backslash that escapes nothing, and
/// `\:` `\#` `\=` `\{` `\}` `\~` `\n` become placeholders that no splitting rule sees.
pub(crate) fn escape_pre(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.peek().copied() {
            Some('\\') => {
                chars.next();
                out.push('\\');
            }
            Some(next) => match PLACEHOLDERS.iter().find(|(e, _, _)| *e == next) {
                Some((_, placeholder, _)) => {
                    chars.next();
                    out.push(*placeholder);
                }
                None => out.push('\\'),
            },
            None => out.push('\\'),
        }
    }
    out
}

/// Moodle's `escapedchar_post()`: placeholders back to the characters they stand for.
pub(crate) fn escape_post(s: &str) -> String {
    s.chars()
        .map(|c| {
            PLACEHOLDERS
                .iter()
                .find(|(_, p, _)| *p == c)
                .map_or(c, |(_, _, real)| *real)
        })
        .collect()
}

/// Moodle's `repchar()`: escapes GIFT's control characters and newlines for output.
pub(crate) fn repchar(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '#' | '=' | '~' | '{' | '}' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(c),
        }
    }
    out
}

/// The format named by a leading `[html]`-style prefix, and the text after it.
pub(crate) fn split_format_prefix(text: &str) -> Option<(TextFormat, &str)> {
    let inner = text.strip_prefix('[')?;
    let (name, rest) = inner.split_once(']')?;
    TextFormat::from_gift_name(name).map(|format| (format, rest))
}

/// Moodle's `parse_text_with_format()`: an optional `[format]` prefix, then the unescaped,
/// trimmed text.
pub(crate) fn parse_text_with_format(text: &str, default: TextFormat) -> Text {
    let (format, body) = split_format_prefix(text).unwrap_or((default, text));
    Text::new(php_trim(&escape_post(body)), format)
}

/// Moodle's `commentparser()`: `answer#feedback`.
pub(crate) fn split_answer_feedback(answer: &str, default: TextFormat) -> (Text, Text) {
    match answer.split_once('#') {
        Some((text, feedback)) => (
            parse_text_with_format(php_trim(text), default),
            parse_text_with_format(php_trim(feedback), default),
        ),
        None => (
            parse_text_with_format(php_trim(answer), default),
            Text::new("", default),
        ),
    }
}

/// Moodle's `split_truefalse_comment()`: `answer#wrong-choice feedback#right-choice feedback`.
pub(crate) fn split_truefalse(answer: &str, default: TextFormat) -> (Text, Text, Text) {
    let mut bits = answer.splitn(3, '#');
    let mut next = || {
        bits.next().map_or_else(
            || Text::new("", default),
            |b| parse_text_with_format(php_trim(b), default),
        )
    };
    let answer = next();
    let wrong = next();
    let right = next();
    (answer, wrong, right)
}

/// An answer weight such as `%-50%` at the start of an answer.
pub(crate) struct Weight<'a> {
    /// The text between the percent signs, for messages.
    pub written: &'a str,
    /// The weight as a fraction, or `None` when it is not a number (e.g. `%--50%`).
    pub fraction: Option<f64>,
    /// The answer after the weight.
    pub rest: &'a str,
}

/// Moodle's `/^%\-*([0-9]{1,2})\.?([0-9]*)%/` test plus `answerweightparser()`.
pub(crate) fn match_weight(answer: &str) -> Option<Weight<'_>> {
    let after = answer.strip_prefix('%')?;
    let (written, rest) = after.split_once('%')?;
    let digits = written.trim_start_matches('-');
    let is_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let shape_ok = match digits.split_once('.') {
        Some((int, frac)) => (1..=2).contains(&int.len()) && is_digits(int) && is_digits(frac),
        None => !digits.is_empty() && is_digits(digits),
    };
    if !shape_ok {
        return None;
    }
    let fraction = if written.starts_with("--") {
        None
    } else {
        written.parse::<f64>().ok().map(|w| w / 100.0)
    };
    Some(Weight {
        written,
        fraction,
        rest,
    })
}

/// Moodle's `extract_idnumber_and_tags_from_comment()`: the first `[id:...]` and every
/// `[tag:...]` in a question's comment lines, with `\]` standing for `]`.
pub(crate) fn extract_id_and_tags(comments: &str) -> (Option<String>, Vec<String>) {
    let id_char = |c: char| c != ']' && !c.is_ascii_control();
    let tag_char = |c: char| id_char(c) && !matches!(c, '<' | '>' | '`');
    let id = find_tokens(comments, "[id:", id_char)
        .into_iter()
        .find(|s| !s.is_empty());
    // Each tag once, as Moodle stores them: an id may itself contain `[tag:x]`, which
    // `preg_match_all` finds as well as the real `[tag:x]` written after it.
    let mut tags: Vec<String> = Vec::new();
    for tag in find_tokens(comments, "[tag:", tag_char) {
        if !tag.is_empty() && !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    (id, tags)
}

/// Every non-overlapping `prefix...]` token, scanning left to right like `preg_match_all`.
fn find_tokens(haystack: &str, prefix: &str, allowed: impl Fn(char) -> bool) -> Vec<String> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = haystack.get(from..).and_then(|h| h.find(prefix)) {
        let content_start = from + start + prefix.len();
        let Some(body) = haystack.get(content_start..) else {
            break;
        };
        match token_end(body, &allowed) {
            Some((content_len, match_len)) => {
                let raw = body.get(..content_len).unwrap_or_default();
                found.push(php_trim(raw).replace("\\]", "]"));
                from = content_start + match_len;
            }
            None => from = from + start + 1,
        }
    }
    found
}

/// Length of the token content and of content plus closing `]`. Greedy like PCRE: when the
/// run fails, fall back to ending at the `]` of the last `\]` seen.
fn token_end(body: &str, allowed: &impl Fn(char) -> bool) -> Option<(usize, usize)> {
    let mut fallback = None;
    let mut iter = body.char_indices().peekable();
    while let Some((pos, c)) = iter.next() {
        if c == '\\' && iter.peek().is_some_and(|&(_, n)| n == ']') {
            fallback = Some((pos + 1, pos + 2));
            iter.next();
            continue;
        }
        if c == ']' {
            return Some((pos, pos + 1));
        }
        if !allowed(c) {
            return fallback;
        }
    }
    fallback
}
