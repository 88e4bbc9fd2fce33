//! Diagnostics: an error or warning tied to a byte span of one source file, rendered as
//! `FILE:LINE:COLUMN: message`, the source line and a caret. Library code produces them as plain
//! data; only `render` turns them into text.

use serde::Serialize;
use std::fmt;

/// A half-open byte range into one source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    /// A note for the maintainer (`lint`'s summary of unconfirmed values); never a failure.
    Info,
}

/// One finding about one input file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub column: usize,
    pub severity: Severity,
    /// Stable code (`E0101`, `W0201`, ...) documented in `docs/diagnostics.md`.
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// The source line the position points into (without its newline).
    #[serde(skip)]
    pub source_line: String,
    /// Width of the caret underline, in characters (at least 1).
    #[serde(skip)]
    pub width: usize,
}

const WINDOW_BEFORE: usize = 60;
const WINDOW_AFTER: usize = 100;

/// Line and column (both 1-based, column in chars) of a byte offset; offsets past the end or inside
/// a multi-byte character are clamped, so any offset is safe.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[line_start..offset].chars().count() + 1;
    (line, column)
}

/// The full line (without newline) that contains the 1-based `line`.
pub fn source_line(text: &str, line: usize) -> String {
    text.lines()
        .nth(line.saturating_sub(1))
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string()
}

impl Diagnostic {
    /// A diagnostic at `span` of `text` (the contents of `file`).
    pub fn at(
        file: &str,
        text: &str,
        span: Span,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let (line, column) = line_col(text, span.start);
        let source_line = source_line(text, line);
        let remaining = source_line.chars().count().saturating_sub(column - 1);
        let span_chars = text
            .get(span.start..span.end.min(text.len()))
            .map_or(1, |s| s.chars().take_while(|c| *c != '\n').count());
        let width = span_chars.clamp(1, remaining.max(1));
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            severity,
            code,
            message: message.into(),
            help: None,
            source_line,
            width,
        }
    }

    /// A diagnostic at a known line and column (e.g. from the RON parser).
    pub fn at_line_col(
        file: &str,
        text: &str,
        line: usize,
        column: usize,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let line = line.max(1);
        Diagnostic {
            file: file.to_string(),
            line,
            column: column.max(1),
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: source_line(text, line),
            width: 1,
        }
    }

    /// A diagnostic about a whole file (unreadable, not UTF-8, ...): position 1:1, no source line.
    pub fn whole_file(file: &str, code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            file: file.to_string(),
            line: 1,
            column: 1,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line: String::new(),
            width: 1,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COLUMN: error[CODE]: message`, then the source line with a caret, then help.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        writeln!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            self.file, self.line, self.column, sev, self.code, self.message
        )?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // A very long line (minified input, fuzz) is shown as a window around the column.
            let chars: Vec<char> = self.source_line.chars().collect();
            let col = self.column.saturating_sub(1).min(chars.len());
            let from = col.saturating_sub(WINDOW_BEFORE);
            let to = (col + WINDOW_AFTER).min(chars.len());
            let shown: String = chars.get(from..to).unwrap_or_default().iter().collect();
            let lead = if from > 0 { "…" } else { "" };
            let tail = if to < chars.len() { "…" } else { "" };
            // Tabs are kept in the indent so the caret lines up under them.
            let indent: String = lead
                .chars()
                .chain(chars.get(from..col).unwrap_or_default().iter().copied())
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let width = self.width.min(to.saturating_sub(col)).max(1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {lead}{shown}{tail}")?;
            writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {help}")?;
        }
        Ok(())
    }
}

/// The closest candidate to `word` by edit distance, if it is close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let limit = (word.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    // Two-row Levenshtein; `get` keeps the no-panic lint honest (indices are always in range).
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            let diag = prev.get(j).map_or(usize::MAX, |v| v + cost);
            let up = prev.get(j + 1).map_or(usize::MAX, |v| v + 1);
            let left = cur.get(j).map_or(usize::MAX, |v| v + 1);
            cur.push(diag.min(up).min(left));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_chars_and_clamps() {
        let text = "ab\n§cd\n";
        assert_eq!(line_col(text, 0), (1, 1));
        assert_eq!(line_col(text, 3), (2, 1));
        assert_eq!(line_col(text, 5), (2, 2)); // after the two-byte `§`
        assert_eq!(line_col(text, 4), (2, 1)); // inside `§`: clamped back
        assert_eq!(line_col(text, 999), (3, 1));
    }

    #[test]
    fn renders_position_and_caret() {
        let text = "Proposal(\n    amout_usd: 1,\n)";
        let d = Diagnostic::at(
            "p.ron",
            text,
            Span::new(14, 23),
            Severity::Error,
            "E0001",
            "unknown field",
        );
        let s = d.to_string();
        assert!(
            s.starts_with("p.ron:2:5: error[E0001]: unknown field\n"),
            "{s}"
        );
        assert!(
            s.contains("2 |     amout_usd: 1,\n  |     ^^^^^^^^^\n"),
            "{s}"
        );
    }

    #[test]
    fn long_lines_are_windowed_around_the_caret() {
        let text = format!("{}X{}", "a".repeat(500), "b".repeat(500));
        let d = Diagnostic::at(
            "p.ron",
            &text,
            Span::new(500, 501),
            Severity::Error,
            "E0001",
            "here",
        );
        let s = d.to_string();
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines[2].chars().count() < 200, "{s}");
        let caret = lines[3].chars().position(|c| c == '^');
        let x = lines[2].chars().position(|c| c == 'X');
        assert_eq!(caret, x, "{s}");
    }

    #[test]
    fn suggests_close_words_only() {
        let words = ["amount_usd", "activities", "start"];
        assert_eq!(did_you_mean("amout_usd", words), Some("amount_usd"));
        assert_eq!(did_you_mean("zzzzzzzzzz", words), None);
    }
}
