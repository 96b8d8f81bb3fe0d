//! Where things are in a session file's text, so that problems found after parsing (a rate
//! too fast, an unknown scene) point at the exact field of the exact step.
//!
//! The file has already parsed as RON when this runs; the outline only needs to know
//! bracket depth, field names and list items, skipping strings and comments.

use std::ops::Range;

/// Byte positions of the top-level fields and of each step in a session file.
#[derive(Debug, Default)]
pub struct Outline {
    tokens: Vec<Token>,
    /// Token index range of each item of the `steps` list.
    steps: Vec<Range<usize>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TokenKind {
    Word,
    Open,
    Close,
    Comma,
    Colon,
    Text,
    Other,
}

#[derive(Debug, Clone)]
struct Token {
    kind: TokenKind,
    bytes: Range<usize>,
    depth: usize,
}

impl Outline {
    /// Reads the shape of `source`.
    pub fn of(source: &str) -> Self {
        let tokens = tokenize(source);
        let steps = find_steps(source, &tokens);
        Self { tokens, steps }
    }

    /// Where a top-level field's name is written, e.g. `environment`.
    pub fn field(&self, source: &str, name: &str) -> Option<Range<usize>> {
        self.field_in(source, 0..self.tokens.len(), name, Some(1))
    }

    /// Where step `index` (0-based) starts: its kind name.
    pub fn step(&self, index: usize) -> Option<Range<usize>> {
        let range = self.steps.get(index)?;
        Some(self.tokens.get(range.start)?.bytes.clone())
    }

    /// Where a field of step `index` is written (at any depth inside the step), falling
    /// back to the step itself.
    pub fn step_field(&self, source: &str, index: usize, name: &str) -> Option<Range<usize>> {
        let range = self.steps.get(index)?.clone();
        self.field_in(source, range, name, None)
            .or_else(|| self.step(index))
    }

    /// Where the text `"value"` is written inside step `index`, falling back to `field`.
    pub fn step_text(
        &self,
        source: &str,
        index: usize,
        field: &str,
        value: &str,
    ) -> Option<Range<usize>> {
        let quoted = format!("\"{value}\"");
        self.steps
            .get(index)
            .and_then(|range| self.tokens.get(range.clone()))
            .and_then(|tokens| {
                tokens.iter().find(|token| {
                    token.kind == TokenKind::Text
                        && source.get(token.bytes.clone()) == Some(quoted.as_str())
                })
            })
            .map(|token| token.bytes.clone())
            .or_else(|| self.step_field(source, index, field))
    }

    fn field_in(
        &self,
        source: &str,
        range: Range<usize>,
        name: &str,
        depth: Option<usize>,
    ) -> Option<Range<usize>> {
        let tokens = self.tokens.get(range)?;
        tokens.windows(2).find_map(|pair| {
            let (word, colon) = (&pair[0], &pair[1]);
            let matches = word.kind == TokenKind::Word
                && colon.kind == TokenKind::Colon
                && depth.is_none_or(|depth| word.depth == depth)
                && source.get(word.bytes.clone()) == Some(name);
            matches.then(|| word.bytes.clone())
        })
    }
}

/// The items of the list given to the top-level `steps:` field.
fn find_steps(source: &str, tokens: &[Token]) -> Vec<Range<usize>> {
    let Some(open) = tokens.windows(3).position(|window| {
        window[0].kind == TokenKind::Word
            && window[0].depth == 1
            && source.get(window[0].bytes.clone()) == Some("steps")
            && window[1].kind == TokenKind::Colon
            && window[2].kind == TokenKind::Open
    }) else {
        return Vec::new();
    };
    let list_open = open + 2;
    let item_depth = tokens[list_open].depth;
    let mut items = Vec::new();
    let mut start = None;
    for (index, token) in tokens.iter().enumerate().skip(list_open + 1) {
        let closes_list = token.kind == TokenKind::Close && token.depth == item_depth;
        let separates = token.kind == TokenKind::Comma && token.depth == item_depth;
        if closes_list || separates || token.depth < item_depth {
            if let Some(begin) = start.take() {
                items.push(begin..index);
            }
            if !separates {
                return items;
            }
        } else if start.is_none() {
            start = Some(index);
        }
    }
    items.extend(start.map(|begin| begin..tokens.len()));
    items
}

/// Splits RON text into the few token kinds the outline needs. A token's depth is the
/// number of brackets open around it (an opening bracket counts itself).
fn tokenize(source: &str) -> Vec<Token> {
    let bytes = source.as_bytes();
    let mut tokens = Vec::new();
    let mut depth = 0usize;
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let start = at;
        let kind = match byte {
            b'/' if bytes.get(at + 1) == Some(&b'/') => {
                at = find_from(bytes, at, b"\n").unwrap_or(bytes.len());
                continue;
            }
            b'/' if bytes.get(at + 1) == Some(&b'*') => {
                at = skip_block_comment(bytes, at);
                continue;
            }
            b'"' => {
                at = skip_string(bytes, at + 1);
                TokenKind::Text
            }
            b'r' if matches!(bytes.get(at + 1), Some(b'"' | b'#')) => {
                at = skip_raw_string(bytes, at + 1);
                TokenKind::Text
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                at += 1;
                TokenKind::Open
            }
            b')' | b']' | b'}' => {
                at += 1;
                TokenKind::Close
            }
            b',' => {
                at += 1;
                TokenKind::Comma
            }
            b':' => {
                at += 1;
                TokenKind::Colon
            }
            _ if byte.is_ascii_alphabetic() || byte == b'_' => {
                while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                    at += 1;
                }
                TokenKind::Word
            }
            _ if byte.is_ascii_whitespace() => {
                at += 1;
                continue;
            }
            _ => {
                at += 1;
                TokenKind::Other
            }
        };
        tokens.push(Token {
            kind,
            bytes: start..at,
            depth,
        });
        if kind == TokenKind::Close {
            depth = depth.saturating_sub(1);
        }
    }
    tokens
}

fn find_from(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| from + offset)
}

/// RON block comments nest.
fn skip_block_comment(bytes: &[u8], mut at: usize) -> usize {
    let mut nesting = 0usize;
    while at < bytes.len() {
        if bytes[at..].starts_with(b"/*") {
            nesting += 1;
            at += 2;
        } else if bytes[at..].starts_with(b"*/") {
            nesting -= 1;
            at += 2;
            if nesting == 0 {
                return at;
            }
        } else {
            at += 1;
        }
    }
    at
}

fn skip_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return at + 1,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// `r"…"`, `r#"…"#`: `at` points just after the `r`.
fn skip_raw_string(bytes: &[u8], at: usize) -> usize {
    let hashes = bytes[at..].iter().take_while(|&&byte| byte == b'#').count();
    let body = at + hashes + 1;
    let mut closing = vec![b'"'];
    closing.extend(std::iter::repeat_n(b'#', hashes));
    find_from(bytes, body, &closing).map_or(bytes.len(), |end| end + closing.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r#"// a comment with steps: [
Session(
    id: "x", /* title: nested /* still */ comment */
    title: "Steps: (not) a field",
    environment: "dusk-lake",
    steps: [
        Narration(text: "Hello, there: (friend)"),
        Breathing(pattern: Resonance(breaths_per_minute: 6.0), cycles: 3),
        WaitForTherapist(),
    ],
)"#;

    fn text_at(range: Option<Range<usize>>) -> &'static str {
        range.and_then(|range| SOURCE.get(range)).unwrap_or("")
    }

    #[test]
    fn finds_steps_and_their_fields() {
        let outline = Outline::of(SOURCE);
        assert_eq!(text_at(outline.step(0)), "Narration");
        assert_eq!(text_at(outline.step(1)), "Breathing");
        assert_eq!(text_at(outline.step(2)), "WaitForTherapist");
        assert_eq!(outline.step(3), None);
        let rate = outline.step_field(SOURCE, 1, "breaths_per_minute");
        assert_eq!(text_at(rate.clone()), "breaths_per_minute");
        assert!(rate.map(|r| r.start) > outline.step(1).map(|r| r.start));
        // A missing field falls back to the step.
        assert_eq!(
            text_at(outline.step_field(SOURCE, 2, "caption")),
            "WaitForTherapist"
        );
    }

    #[test]
    fn top_level_fields_skip_strings_and_comments() {
        let outline = Outline::of(SOURCE);
        let environment = outline.field(SOURCE, "environment");
        assert_eq!(text_at(environment.clone()), "environment");
        assert_eq!(
            SOURCE[..environment.map_or(0, |r| r.start)].lines().count(),
            5
        );
        assert_eq!(outline.field(SOURCE, "text"), None, "text is not top-level");
    }

    #[test]
    fn survives_unbalanced_text() {
        for source in [
            "",
            ")))]]",
            "Session(steps: [",
            "r#\"",
            "\"\\",
            "/* /*",
            "steps: [a,,b",
        ] {
            let outline = Outline::of(source);
            let _ = outline.step(0);
            let _ = outline.field(source, "steps");
        }
    }
}
