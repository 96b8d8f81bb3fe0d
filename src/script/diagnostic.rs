//! Problems found in a file, with where they are and how to show them to an author.

use std::fmt;
use std::ops::Range;

use ariadne::{Config, IndexType, Label, Report, ReportKind, Source};

/// How serious a problem is: errors make a file invalid, warnings do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Worth fixing, but the session still runs.
    Warning,
    /// The file cannot be used until this is fixed.
    Error,
}

/// A place in a file: 1-based line and column (in characters) and the byte range it covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    /// The bytes the problem covers, for the source excerpt.
    pub bytes: Range<usize>,
}

impl Location {
    /// The location of a byte offset (and the token that starts there) in `source`.
    pub fn at_offset(source: &str, offset: usize, len: usize) -> Self {
        let offset = floor_char_boundary(source, offset);
        let before = &source[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let column = source[line_start..offset].chars().count() + 1;
        let end = floor_char_boundary(source, offset.saturating_add(len.max(1)));
        Self {
            line,
            column,
            bytes: offset..end.max(offset),
        }
    }

    /// The location of a 1-based line and character column in `source` (clamped to the text).
    pub fn at_line_column(source: &str, line: usize, column: usize) -> Self {
        let line_start = source
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum::<usize>();
        let offset = source[line_start..]
            .char_indices()
            .take_while(|&(_, c)| c != '\n')
            .nth(column.saturating_sub(1))
            .map_or_else(
                || {
                    let rest = &source[line_start..];
                    line_start + rest.find('\n').unwrap_or(rest.len())
                },
                |(index, _)| line_start + index,
            );
        Self::at_offset(source, offset, 1)
    }
}

fn floor_char_boundary(source: &str, offset: usize) -> usize {
    let mut offset = offset.min(source.len());
    while !source.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One problem in one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The file, as the user named it.
    pub path: String,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// What is wrong, in words a clinic author understands.
    pub message: String,
    /// How to fix it, when there is something useful to say.
    pub help: Option<String>,
}

impl Diagnostic {
    /// An error at `location`.
    pub fn error(path: &str, location: Option<Location>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            path: path.to_owned(),
            location,
            message: message.into(),
            help: None,
        }
    }

    /// Adds advice on how to fix the problem.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Turns the problem into a warning.
    pub fn as_warning(mut self) -> Self {
        self.severity = Severity::Warning;
        self
    }

    /// True when this problem makes the file unusable.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The first line of the report: `path:line:column: message` (warnings say so).
    pub fn headline(&self) -> String {
        let place = match &self.location {
            Some(location) => format!("{}:{}:{}", self.path, location.line, location.column),
            None => self.path.clone(),
        };
        let prefix = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        format!("{place}: {prefix}{}", self.message)
    }

    /// The headline followed by an excerpt of the file with the spot marked, and the help.
    pub fn render(&self, source: &str, color: bool) -> String {
        let mut text = self.headline();
        text.push('\n');
        let Some(location) = &self.location else {
            if let Some(help) = &self.help {
                text.push_str(&format!("  help: {help}\n"));
            }
            return text;
        };
        let id = self.path.as_str();
        let kind = match self.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let label = Label::new((id, location.bytes.clone())).with_message(match &self.help {
            Some(help) => help.as_str(),
            None => "here",
        });
        let mut excerpt = Vec::new();
        let written = Report::build(kind, (id, location.bytes.clone()))
            .with_config(
                Config::default()
                    .with_color(color)
                    .with_index_type(IndexType::Byte)
                    .with_compact(true),
            )
            .with_message(&self.message)
            .with_label(label)
            .finish()
            .write((id, Source::from(source)), &mut excerpt);
        if written.is_ok() {
            // The report repeats the headline's message first; the headline already said it.
            let excerpt = String::from_utf8_lossy(&excerpt);
            text.extend(excerpt.lines().skip(1).map(|line| format!("{line}\n")));
        }
        text
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.headline())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters() {
        let source = "first\nsécond line\nthird";
        let location = Location::at_offset(source, source.find("line").unwrap_or(0), 4);
        assert_eq!((location.line, location.column), (2, 8));
        let back = Location::at_line_column(source, 2, 8);
        assert_eq!(back.bytes.start, location.bytes.start);
        let past_end = Location::at_line_column(source, 9, 99);
        assert_eq!(past_end.bytes.start, source.len());
    }

    #[test]
    fn renders_headline_and_excerpt() {
        let source = "Session(\n  id: 3,\n)";
        let diagnostic = Diagnostic::error(
            "a.session.ron",
            Some(Location::at_line_column(source, 2, 7)),
            "expected text in quotes",
        )
        .with_help("write the id in quotes");
        let text = diagnostic.render(source, false);
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("a.session.ron:2:7: expected text in quotes")
        );
        assert!(text.contains("id: 3,"), "{text}");
        assert!(text.contains("write the id in quotes"), "{text}");
    }
}
