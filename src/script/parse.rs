//! The one path from a file's bytes to a checked [`Session`]: used by the asset loader, the
//! command line and the tests alike.

use ron::error::{Error as RonError, SpannedError};
use ron::extensions::Extensions;
use sha2::{Digest, Sha256};

use super::SessionScript;
use super::diagnostic::{Diagnostic, Location};
use super::model::Session;
use super::validate::{self, Context};

/// Session files larger than this are refused before parsing.
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// What a session file is called in messages.
pub const SESSION_KIND: &str = "session script";
/// How deeply brackets may nest before the file is refused.
const MAX_NESTING: usize = 64;

/// Parses and validates a session file. `path` is only used in messages.
///
/// On failure the list holds every problem found (errors and warnings), in file order.
pub fn parse_session(
    path: &str,
    bytes: &[u8],
    context: &Context,
) -> Result<SessionScript, Vec<Diagnostic>> {
    let source = text_of(
        path,
        bytes,
        SESSION_KIND,
        "a session file starts with `Session(` — see docs/session-format.md",
    )
    .map_err(|problem| vec![problem])?;
    let session = parse_ron::<Session>(path, source).map_err(|diagnostic| vec![diagnostic])?;
    let diagnostics = validate::check(path, source, &session, context);
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    Ok(SessionScript {
        session,
        sha256: format!("{:x}", Sha256::digest(bytes)),
        warnings: diagnostics,
    })
}

/// A `kind` of file's bytes as text: refused when too large, not UTF-8 (located where it stops
/// being text) or empty (with `empty_help`, how such a file starts).
pub fn text_of<'a>(
    path: &str,
    bytes: &'a [u8],
    kind: &str,
    empty_help: &str,
) -> Result<&'a str, Diagnostic> {
    if let Some(problem) = size_problem(path, bytes.len() as u64, kind) {
        return Err(problem);
    }
    let source = std::str::from_utf8(bytes).map_err(|error| {
        let valid = String::from_utf8_lossy(&bytes[..error.valid_up_to()]).into_owned();
        let location = Location::at_offset(&valid, valid.len(), 1);
        Diagnostic::error(
            path,
            Some(location),
            "the file is not plain text (it is not valid UTF-8 here)",
        )
        .with_help("save the file as UTF-8 text")
    })?;
    if source.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            Some(Location::at_offset(source, 0, 1)),
            "the file is empty",
        )
        .with_help(empty_help));
    }
    Ok(source)
}

/// The problem with a file of `len` bytes, if it is too large to be a `kind` of file
/// ("session script", "questionnaire instrument").
pub fn size_problem(path: &str, len: u64, kind: &str) -> Option<Diagnostic> {
    (len > MAX_FILE_BYTES as u64).then(|| {
        let message = format!(
            "the file is {} KiB; a {kind} must be under {} KiB",
            len.div_ceil(1024),
            MAX_FILE_BYTES / 1024
        );
        Diagnostic::error(path, None, message).with_help(format!("is this really a {kind}?"))
    })
}

/// Parses RON text into `T` with Stillpoint's conventions (optional values written plainly,
/// `Kind(field: …)` for steps), turning syntax and type errors into a located diagnostic.
pub fn parse_ron<T: serde::de::DeserializeOwned>(
    path: &str,
    source: &str,
) -> Result<T, Diagnostic> {
    if let Some(location) = too_deep(source) {
        return Err(Diagnostic::error(
            path,
            Some(location),
            format!("brackets are nested more than {MAX_NESTING} deep here"),
        )
        .with_help("check for a missing closing bracket"));
    }
    let options = ron::Options::default()
        .with_default_extension(Extensions::IMPLICIT_SOME | Extensions::UNWRAP_VARIANT_NEWTYPES)
        .with_recursion_limit(MAX_NESTING * 2);
    options
        .from_str(source)
        .map_err(|error| ron_diagnostic(path, source, &error))
}

/// The first place where brackets outside strings nest deeper than [`MAX_NESTING`].
fn too_deep(source: &str) -> Option<Location> {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (offset, character) in source.char_indices() {
        if in_string {
            match (escaped, character) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match character {
            '"' => in_string = true,
            '(' | '[' | '{' => {
                depth += 1;
                if depth > MAX_NESTING {
                    return Some(Location::at_offset(source, offset, 1));
                }
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn ron_diagnostic(path: &str, source: &str, error: &SpannedError) -> Diagnostic {
    let start = &error.span.start;
    let mut location = Location::at_line_column(source, start.line, start.col);
    // The parser reports where it stood, often just before the value it could not read.
    let skipped = source[location.bytes.start..]
        .find(|character: char| !character.is_whitespace())
        .unwrap_or(0);
    if skipped > 0 {
        location = Location::at_offset(source, location.bytes.start + skipped, 1);
    }
    let (message, help) = explain(&error.code);
    let diagnostic = Diagnostic::error(path, Some(location), message);
    match help {
        Some(help) => diagnostic.with_help(help),
        None => diagnostic,
    }
}

/// Words for a clinic author, for the mistakes people actually make.
fn explain(code: &RonError) -> (String, Option<String>) {
    let plain = |message: String| (message, None);
    match code {
        RonError::NoSuchStructField {
            expected,
            found,
            outer,
        } => (
            format!(
                "`{found}` is not a setting of {}",
                outer.as_deref().unwrap_or("this item")
            ),
            Some(format!("the settings here are: {}", quote_all(expected))),
        ),
        RonError::MissingStructField { field, outer } => (
            format!(
                "{} needs `{field}`",
                outer.as_deref().unwrap_or("this item")
            ),
            Some(format!("add `{field}: …`")),
        ),
        RonError::DuplicateStructField { field, .. } => (
            format!("`{field}` is given twice"),
            Some("keep one of them".to_owned()),
        ),
        RonError::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => (
            format!(
                "`{found}` is not a known {}",
                outer.as_deref().map_or("value".to_owned(), describe_enum)
            ),
            Some(format!("choose one of: {}", quote_all(expected))),
        ),
        RonError::ExpectedDifferentStructName { expected, found } => {
            (format!("expected `{expected}` here, found `{found}`"), None)
        }
        RonError::Eof => (
            "the file ends too early".to_owned(),
            Some("a closing bracket or quote may be missing".to_owned()),
        ),
        RonError::ExpectedStringEnd => (
            "this text has no closing quote".to_owned(),
            Some("add the closing \"".to_owned()),
        ),
        RonError::TrailingCharacters => (
            "there is more text after the session ends".to_owned(),
            Some("remove it, or check for an extra closing bracket".to_owned()),
        ),
        RonError::ExpectedComma => (
            "expected a comma here".to_owned(),
            Some(
                "a comma may be missing, or a quote may have closed the text too early".to_owned(),
            ),
        ),
        RonError::ExpectedInteger => plain("expected a whole number here, e.g. 12".to_owned()),
        RonError::ExpectedFloat => plain("expected a number here, e.g. 6.0".to_owned()),
        RonError::ExpectedString => plain("expected text in double quotes here".to_owned()),
        RonError::ExpectedBoolean => plain("expected true or false here".to_owned()),
        RonError::ExpectedArray => (
            "expected a list in square brackets here".to_owned(),
            Some("e.g. [\"first\", \"second\"]".to_owned()),
        ),
        RonError::Message(message) => plain(message.clone()),
        other => plain(lowercase_first(&other.to_string())),
    }
}

fn describe_enum(name: &str) -> String {
    match name {
        "Step" => "step kind".to_owned(),
        "Phase" => "phase".to_owned(),
        "Posture" => "posture".to_owned(),
        "BreathingPattern" => "breathing pattern".to_owned(),
        "BodyRegion" => "body region".to_owned(),
        "Scale" => "check-in scale".to_owned(),
        "IntentionAnswer" => "way to answer".to_owned(),
        other => other.to_owned(),
    }
}

fn quote_all(names: &[&str]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn lowercase_first(text: &str) -> String {
    let mut characters = text.chars();
    characters.next().map_or_else(String::new, |first| {
        first.to_lowercase().chain(characters).collect()
    })
}
