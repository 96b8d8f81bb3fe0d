//! Reading Rust source as text, for the architecture test: code without its comments and
//! literals, and the paths a file names.

/// `source` with its comments and the insides of its string and character literals
/// blanked, keeping line breaks so that line numbers stay right.
pub fn without_comments(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut kept = String::with_capacity(source.len());
    let mut at = 0;
    let blank = |kept: &mut String, skipped: &[char]| {
        kept.extend(skipped.iter().filter(|&&c| c == '\n'));
    };
    while at < chars.len() {
        let c = chars[at];
        let next = chars.get(at + 1).copied();
        let after_ident = at > 0 && (chars[at - 1].is_alphanumeric() || chars[at - 1] == '_');
        if c == '/' && next == Some('/') {
            let end = chars[at..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(chars.len(), |offset| at + offset);
            at = end;
        } else if c == '/' && next == Some('*') {
            let end = (at + 2..chars.len())
                .find(|&k| chars[k - 1] == '*' && chars[k] == '/')
                .map_or(chars.len(), |k| k + 1);
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == 'r' && !after_ident && matches!(next, Some('"' | '#')) {
            // A raw string: r"…", r#"…"#, …
            let hashes = chars[at + 1..].iter().take_while(|&&c| c == '#').count();
            let open = at + 1 + hashes;
            if chars.get(open) != Some(&'"') {
                kept.push(c);
                at += 1;
                continue;
            }
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let end = (open + 1..chars.len())
                .find(|&k| chars[k..].starts_with(&closing))
                .map_or(chars.len(), |k| k + closing.len());
            kept.push_str("\"\"");
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == '"' {
            let mut end = at + 1;
            while end < chars.len() && chars[end] != '"' {
                end += if chars[end] == '\\' { 2 } else { 1 };
            }
            let end = (end + 1).min(chars.len());
            kept.push_str("\"\"");
            blank(&mut kept, &chars[at..end]);
            at = end;
        } else if c == '\'' && (next == Some('\\') || chars.get(at + 2) == Some(&'\'')) {
            // A character literal ('"', '\n'), not a lifetime ('a).
            let end = (at + 2..chars.len())
                .find(|&k| chars[k] == '\'' && (chars[k - 1] != '\\' || chars[k - 2] == '\\'))
                .map_or(chars.len(), |k| k + 1);
            kept.push_str("' '");
            at = end;
        } else {
            kept.push(c);
            at += 1;
        }
    }
    kept
}

/// The first name of each item in a `{…}` group (nested groups skipped).
pub fn group_heads(group: &str) -> Vec<String> {
    let mut heads = Vec::new();
    let mut depth = 0;
    let mut at_item_start = true;
    let mut current = String::new();
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                if !current.is_empty() {
                    heads.push(std::mem::take(&mut current));
                }
                at_item_start = true;
                continue;
            }
            _ => {}
        }
        if depth == 0 && at_item_start {
            if c.is_alphanumeric() || c == '_' {
                current.push(c);
            } else if !current.is_empty() {
                heads.push(std::mem::take(&mut current));
                at_item_start = false;
            }
        }
    }
    if !current.is_empty() {
        heads.push(current);
    }
    heads
}

/// Every path in `code` that starts with `prefix` (`super::` or `crate::`), as the list of
/// the names it reaches into: `super::{view::{BAD, WARN}, intent::PanelIntent}` gives
/// `[view, BAD]`, `[view, WARN]` and `[intent, PanelIntent]`, enough to find the file.
pub fn paths_after(code: &str, prefix: &str) -> Vec<(usize, Vec<String>)> {
    fn expand(text: &str, into: &mut Vec<Vec<String>>, before: &[String]) {
        let text = text.trim();
        let name: String = text
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let rest = text[name.len()..].trim_start();
        let mut path = before.to_vec();
        if !name.is_empty() {
            path.push(name);
        }
        let after = match rest.strip_prefix("::") {
            Some(after) => Some(after.trim_start()),
            None if path.len() == before.len() && rest.starts_with('{') => Some(rest),
            None => None,
        };
        if let Some(after) = after {
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 0;
                let mut item = String::new();
                for c in group.chars() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            expand(&std::mem::take(&mut item), into, &path);
                            continue;
                        }
                        _ => {}
                    }
                    item.push(c);
                }
                expand(&item, into, &path);
            } else {
                expand(after, into, &path);
            }
        } else if !path.is_empty() {
            into.push(path);
        }
    }
    let mut found = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        let preceded_by_ident = code[..at]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':');
        if preceded_by_ident {
            continue;
        }
        let line = code[..at].matches('\n').count() + 1;
        let mut paths = Vec::new();
        expand(&code[at + prefix.len()..], &mut paths, &[]);
        found.extend(paths.into_iter().map(|path| (line, path)));
    }
    found
}
