//! String helpers that reproduce the PHP functions Moodle's importers lean on, so that names
//! and texts come out exactly as Moodle would store them.

/// PHP's `trim()`: only ASCII space, tab, newlines, NUL and vertical tab, unlike `str::trim`
/// which would also eat non-breaking spaces that are part of an author's text.
pub(crate) fn php_trim(s: &str) -> &str {
    s.trim_matches(is_php_space)
}

fn is_php_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\0' | '\x0B')
}

/// PHP's `is_numeric()` followed by a float conversion: `[+-]digits[.digits][e[+-]digits]`,
/// also `.5` and `5.`. Rejects `inf`/`NaN` that Rust's parser would accept.
pub(crate) fn parse_number(s: &str) -> Option<f64> {
    let s = php_trim(s);
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.find(['e', 'E']) {
        Some(pos) => (body.get(..pos)?, Some(body.get(pos + 1..)?)),
        None => (body, None),
    };
    let (int, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty() && frac.is_empty() || !all_digits(int) || !all_digits(frac) {
        return None;
    }
    if let Some(exp) = exponent {
        let digits = exp.strip_prefix(['+', '-']).unwrap_or(exp);
        if digits.is_empty() || !all_digits(digits) {
            return None;
        }
    }
    s.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// PHP's `strip_tags()`: a `<` followed by a non-space starts a tag that runs to the next `>`
/// outside quotes; a `<` followed by a space is kept (so `x < 2` survives).
pub(crate) fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let starts_tag = c == '<' && chars.peek().is_some_and(|next| !next.is_whitespace());
        if !starts_tag {
            out.push(c);
            continue;
        }
        let mut quote: Option<char> = None;
        for t in chars.by_ref() {
            match quote {
                Some(q) if t == q => quote = None,
                Some(_) => {}
                None if t == '"' || t == '\'' => quote = Some(t),
                None if t == '>' => break,
                None => {}
            }
        }
    }
    out
}

/// Moodle's `shorten_text($text, $ideal)` on text without tags: texts longer than `ideal`
/// characters are cut after the last space or full stop that fits, and `...` is added.
pub(crate) fn shorten_text(text: &str, ideal: usize) -> String {
    const ENDING: &str = "...";
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= ideal {
        return text.to_owned();
    }
    let left = ideal.saturating_sub(ENDING.len());
    let mut breakpos = left;
    while breakpos > 0 {
        match chars.get(breakpos) {
            Some(&c) if c == '.' || c == ' ' || c.len_utf8() > 2 => {
                breakpos += 1;
                break;
            }
            _ => breakpos -= 1,
        }
    }
    if breakpos == 0 || breakpos > left {
        breakpos = left;
    }
    let mut out: String = chars.iter().take(breakpos).collect();
    out.push_str(ENDING);
    out
}

/// Moodle's `clean_question_name()`: tags stripped, trimmed, at most 255 characters.
pub(crate) fn clean_question_name(name: &str) -> String {
    let stripped = strip_tags(name);
    let mut name = php_trim(&stripped).to_owned();
    let mut ideal = 251;
    while name.chars().count() > 255 && ideal > 0 {
        name = shorten_text(&name, ideal);
        ideal -= 10;
    }
    name
}

/// Moodle's `create_default_question_name()`: the start of the question text.
pub(crate) fn default_question_name(question_text: &str) -> String {
    let name = clean_question_name(&shorten_text(&strip_tags(question_text), 80));
    if name.is_empty() {
        "Question name".to_owned()
    } else {
        name
    }
}

/// 1-based line numbers of byte offsets, found by binary search so that locating every
/// question of a large file stays cheap.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub fn new(source: &str) -> Self {
        LineIndex(
            source
                .bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    pub fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&newline| newline < offset) + 1
    }
}

/// Whether XML 1.0 cannot hold `c` (C0 controls other than tab, line feed and carriage return;
/// U+FFFE and U+FFFF). Questions must survive both formats, and PostgreSQL refuses U+0000.
pub(crate) fn is_forbidden_char(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0B' | '\x0C' | '\x0E'..='\x1F' | '\u{FFFE}' | '\u{FFFF}')
}

/// The byte offset and the first character of `source` that a question cannot hold.
pub(crate) fn forbidden_char(source: &str) -> Option<(usize, char)> {
    source.char_indices().find(|(_, c)| is_forbidden_char(*c))
}
