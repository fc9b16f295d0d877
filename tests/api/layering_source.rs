//! Reads a Rust source file the way the layering check needs it: every path the file names
//! (in `use` declarations, flattened, and written out in code), as an absolute path with the
//! line it is on. Comments and the insides of string and character literals are skipped, so
//! a doc comment that mentions `crate::web` is not an import.

/// One path a file names, e.g. `sea_orm::EntityTrait` or `crate::web::chrome::Chrome`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPath {
    pub line: usize,
    pub path: String,
    /// The declaration or the code it was found in, trimmed, for the failure message.
    pub written: String,
}

/// The module path of `file` (relative to `src/`): `web/learn/api.rs` is
/// `["web", "learn", "api"]`, `reports/mod.rs` is `["reports"]`, `lib.rs` is `[]`.
pub fn module_of(file: &str) -> Vec<String> {
    let without = file.trim_end_matches(".rs");
    let mut parts: Vec<String> = without.split('/').map(str::to_owned).collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Every path `source` (the file `file`, relative to `src/`) names, `self::`/`super::`
/// resolved to `crate::`.
pub fn named_paths(file: &str, source: &str) -> Vec<NamedPath> {
    let code = code_only(source);
    let module = module_of(file);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some((start, end)) = next_use(&code, from) {
        inline_paths(&code, from..start, &module, &mut found);
        let declaration = &code[start..end];
        for path in flatten(&use_tree(declaration)) {
            found.push(NamedPath {
                line: line_at(&code, start),
                path: absolute(&path, &module),
                written: squash(declaration),
            });
        }
        from = end;
    }
    inline_paths(&code, from..code.len(), &module, &mut found);
    found
}

fn line_at(code: &str, index: usize) -> usize {
    code[..index].matches('\n').count() + 1
}

fn squash(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `source` with comments removed and literals emptied (newlines kept, so lines still count).
pub fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    if chars[i] == '\n' {
                        out.push('\n');
                    }
                    i += 1;
                }
            }
        } else if c == 'r' && matches!(next, Some('"' | '#')) && !ident_before(&chars, i) {
            i = skip_raw_string(&chars, i + 1, &mut out);
        } else if c == '"' {
            i = skip_string(&chars, i + 1, &mut out);
        } else if c == '\'' {
            i = skip_char(&chars, i, &mut out);
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

fn skip_string(chars: &[char], mut i: usize, out: &mut String) -> usize {
    out.push_str("\"\"");
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            '\n' => {
                out.push('\n');
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

fn skip_raw_string(chars: &[char], mut i: usize, out: &mut String) -> usize {
    let mut hashes = 0;
    while chars.get(i) == Some(&'#') {
        hashes += 1;
        i += 1;
    }
    if chars.get(i) != Some(&'"') {
        // `r#ident` (a raw identifier), not a string.
        out.push('r');
        return i - hashes;
    }
    i += 1;
    out.push_str("\"\"");
    while i < chars.len() {
        if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
            return i + 1 + hashes;
        }
        if chars[i] == '\n' {
            out.push('\n');
        }
        i += 1;
    }
    i
}

/// A character literal (`'a'`, `'\n'`, `'\u{1F600}'`) is skipped; a lifetime (`'a`) is kept.
fn skip_char(chars: &[char], i: usize, out: &mut String) -> usize {
    if chars.get(i + 1) == Some(&'\\') {
        // Past the backslash and the character it escapes (which may be a quote).
        let mut j = i + 3;
        while j < chars.len() && chars[j] != '\'' {
            j += 1;
        }
        out.push_str("' '");
        return j + 1;
    }
    if chars.get(i + 2) == Some(&'\'') {
        out.push_str("' '");
        return i + 3;
    }
    out.push('\'');
    i + 1
}

/// The next `use` declaration in `code` at or after `from`: (start of `use`, just after its
/// `;`).
fn next_use(code: &str, mut from: usize) -> Option<(usize, usize)> {
    while let Some(found) = code[from..].find("use ") {
        let start = from + found;
        let before = code[..start].chars().next_back();
        let keyword = before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':'));
        if keyword {
            let end = code[start..]
                .find(';')
                .map_or(code.len(), |i| start + i + 1);
            return Some((start, end));
        }
        from = start + 4;
    }
    None
}

/// The tree of a `use` declaration, spaced only where words meet: `use a::{b, c::d as e};`
/// is `a::{b,c::d as e}`.
fn use_tree(declaration: &str) -> String {
    let squashed = squash(declaration.trim_end_matches(';'));
    let tree = squashed.strip_prefix("use ").unwrap_or(&squashed);
    let mut out = String::new();
    let chars: Vec<char> = tree.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let punctuation = |c: Option<&char>| c.is_some_and(|c| ":{},*".contains(*c));
        if c == ' ' && (punctuation(chars.get(i + 1)) || punctuation(out.chars().last().as_ref())) {
            continue;
        }
        out.push(c);
    }
    out
}

/// `a::{b,c::{d,e},self}` is `a::b`, `a::c::d`, `a::c::e`, `a`; aliases (`x as y`) are dropped.
fn flatten(tree: &str) -> Vec<String> {
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or_default();
        return vec![path.to_owned()];
    };
    let prefix = &tree[..open];
    let inner = tree[open + 1..]
        .strip_suffix('}')
        .unwrap_or(&tree[open + 1..]);
    let mut paths = Vec::new();
    for part in split_top(inner).iter().filter(|p| !p.is_empty()) {
        for path in flatten(part) {
            if path == "self" {
                paths.push(prefix.trim_end_matches("::").to_owned());
            } else {
                paths.push(format!("{prefix}{path}"));
            }
        }
    }
    paths
}

fn split_top(inner: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut current = String::new();
    for c in inner.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(std::mem::take(&mut current));
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current);
    parts
}

/// Resolves `self::` and `super::` against `module`; other paths are returned as they are.
fn absolute(path: &str, module: &[String]) -> String {
    let mut segments: Vec<&str> = path.split("::").collect();
    if segments.first() == Some(&"") {
        segments.remove(0);
    }
    let mut base: Vec<String> = module.to_vec();
    let mut relative = false;
    while let Some(&first) = segments.first() {
        match first {
            "self" => relative = true,
            "super" => {
                relative = true;
                base.pop();
            }
            _ => break,
        }
        segments.remove(0);
    }
    if !relative {
        return segments.join("::");
    }
    let mut whole = vec!["crate".to_owned()];
    whole.extend(base);
    whole.extend(segments.iter().map(|s| (*s).to_owned()));
    whole.join("::")
}

/// Paths written out in code (`crate::entities::user::Entity`, `sea_orm::DbErr`) in
/// `code[range]`.
fn inline_paths(
    code: &str,
    range: std::ops::Range<usize>,
    module: &[String],
    found: &mut Vec<NamedPath>,
) {
    let is_word = |c: u8| c.is_ascii_alphanumeric() || c == b'_';
    let bytes = code.as_bytes();
    let mut i = range.start;
    while i < range.end {
        let starts_path = (bytes[i].is_ascii_alphabetic() || bytes[i] == b'_')
            && (i == 0 || !(is_word(bytes[i - 1]) || bytes[i - 1] == b':'));
        if !starts_path {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < range.end {
            if is_word(bytes[end]) {
                end += 1;
            } else if bytes[end] == b':'
                && bytes.get(end + 1) == Some(&b':')
                && bytes
                    .get(end + 2)
                    .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
            {
                end += 2;
            } else {
                break;
            }
        }
        let path = &code[i..end];
        if path.contains("::") {
            found.push(NamedPath {
                line: line_at(code, i),
                path: absolute(path, module),
                written: path.to_owned(),
            });
        }
        i = end;
    }
}
