//! Diagnostics: an error or warning tied to a byte span of one source file, rendered as
//! `FILE:LINE:COLUMN: message`, the source line and a caret. Library code produces them as plain
//! data; only `render` turns them into text.

mod lines;

pub use lines::{floor_boundary, line_col, source_line, LineIndex, Locator};
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
    /// The source line the position points into (without its line break), or the window of it
    /// around the position when the line is long.
    #[serde(skip)]
    pub source_line: String,
    /// How many characters of the line come before `source_line`: only a window of a long line
    /// is kept (0 when the line is kept from its start).
    #[serde(skip)]
    pub source_from: usize,
    /// Whether the line goes on after `source_line`.
    #[serde(skip)]
    pub source_more: bool,
    /// Width of the caret underline, in characters (at least 1).
    #[serde(skip)]
    pub width: usize,
}

/// Characters of the source line shown before the caret, and from the caret on: a longer line
/// (minified input, a hostile file) is quoted as this window with `…` marks, and only the window is
/// kept, so a diagnostic's size does not depend on the input's.
const WINDOW_BEFORE: usize = 60;
const WINDOW_AFTER: usize = 100;

/// At most this many characters of an input value (an id, a field name) are quoted in a message.
pub const MAX_QUOTED: usize = 60;

/// At most this many diagnostics are reported for one input file; the rest are counted in one
/// last diagnostic (`E0216`).
pub const MAX_PER_FILE: usize = 100;

impl Diagnostic {
    /// A diagnostic at `span` of `text` (the contents of `file`). Costs time linear in the offset;
    /// for many diagnostics of one text use `Diagnostic::located` with one `Locator`.
    pub fn at(
        file: &str,
        text: &str,
        span: Span,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let start = floor_boundary(text, span.start);
        let (line, column) = line_col(text, start);
        let line_start = line_start(text, start);
        Diagnostic::from_parts(
            file, text, line_start, line, column, span, severity, code, message,
        )
    }

    /// A diagnostic at `span` of the `Locator`'s text: many of them, asked for in increasing
    /// order, cost one pass over the text.
    pub fn located(
        file: &str,
        locator: &mut Locator<'_>,
        span: Span,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let text = locator.text();
        let start = floor_boundary(text, span.start);
        let (line, column) = locator.line_col(start);
        let (line_start, _) = locator.index().line_range(text, line - 1);
        Diagnostic::from_parts(
            file, text, line_start, line, column, span, severity, code, message,
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        file: &str,
        text: &str,
        line_start: usize,
        line: usize,
        column: usize,
        span: Span,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let caret = floor_boundary(text, span.start).max(line_start);
        let (source_line, source_from, source_more) = window(text, line_start, caret, column);
        let span_chars = text
            .get(caret..span.end.clamp(caret, text.len()))
            .map_or(1, |s| {
                s.chars()
                    .take(WINDOW_AFTER)
                    .take_while(|c| *c != '\n' && *c != '\r')
                    .count()
            });
        let shown_after = source_line
            .chars()
            .count()
            .saturating_sub(column.saturating_sub(1).saturating_sub(source_from));
        let width = span_chars.clamp(1, shown_after.max(1));
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            severity,
            code,
            message: message.into(),
            help: None,
            source_line,
            source_from,
            source_more,
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
        let Spot {
            line,
            column,
            line_start,
        } = Spot::inside(text, line, column);
        let rest = text.get(line_start..).unwrap_or("");
        let caret = line_start
            + rest
                .char_indices()
                .take_while(|(_, c)| *c != '\n' && *c != '\r')
                .nth(column - 1)
                .map_or_else(|| rest.find(['\n', '\r']).unwrap_or(rest.len()), |(i, _)| i);
        let (source_line, source_from, source_more) = window(text, line_start, caret, column);
        Diagnostic {
            file: file.to_string(),
            line,
            column,
            severity: Severity::Error,
            code,
            message: message.into(),
            help: None,
            source_line,
            source_from,
            source_more,
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
            source_from: 0,
            source_more: false,
            width: 1,
        }
    }

    /// The last diagnostic of a file that had more than `MAX_PER_FILE`: how many were left out.
    pub fn more_errors(file: &str, line: usize, column: usize, more: usize) -> Diagnostic {
        let mut d = Diagnostic::whole_file(
            file,
            "E0216",
            format!(
                "{more} more error(s) in this file not shown (only the first {MAX_PER_FILE} are reported)"
            ),
        );
        d.line = line;
        d.column = column;
        d.with_help("fix the errors above and run again")
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

/// A 1-based line and column moved into the text, with the byte offset where its line starts. A
/// line ends at `\n`, `\r\n` or a lone `\r`. A position past the last line is put on the last
/// line, and a column past a line's end just after its last character: a parser may count the
/// `\r` of `\r\n` as a column (RON does after a `//` comment, `crlf-column` in docs/fuzzing.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Spot {
    pub line: usize,
    pub column: usize,
    pub line_start: usize,
}

impl Spot {
    pub(crate) fn inside(text: &str, line: usize, column: usize) -> Spot {
        let line = line.max(1);
        // The line's start: the offset after the (line - 1)th line break.
        let mut line_start = 0;
        let mut seen = 1;
        let bytes = text.as_bytes();
        let mut i = 0;
        while seen < line {
            match bytes.get(i) {
                // Past the last line: the last line it is.
                None => break,
                Some(b'\n') => {
                    seen += 1;
                    line_start = i + 1;
                }
                Some(b'\r') if bytes.get(i + 1) != Some(&b'\n') => {
                    seen += 1;
                    line_start = i + 1;
                }
                Some(_) => {}
            }
            i += 1;
        }
        let line_chars = text
            .get(line_start..)
            .unwrap_or("")
            .chars()
            .take_while(|c| *c != '\n' && *c != '\r')
            .count();
        Spot {
            line: line.min(seen),
            column: column.clamp(1, line_chars + 1),
            line_start,
        }
    }
}

/// Where the line holding byte `at` starts: after the last `\n` or `\r` before it (inside a
/// `\r\n`, after the `\r`). A walk back over that line only.
pub(crate) fn line_start(text: &str, at: usize) -> usize {
    at - text.get(..at).map_or(0, |s| {
        s.chars()
            .rev()
            .take_while(|c| *c != '\n' && *c != '\r')
            .map(char::len_utf8)
            .sum()
    })
}

/// The window of the line starting at byte `line_start` that is kept for the caret at byte `caret`
/// (1-based character `column`): the text, how many characters of the line precede it, and
/// whether the line goes on after it. Costs time linear in the window, not in the line.
fn window(text: &str, line_start: usize, caret: usize, column: usize) -> (String, usize, bool) {
    let caret = caret.clamp(line_start, text.len());
    let before = text.get(line_start..caret).unwrap_or("");
    let back: usize = before
        .chars()
        .rev()
        .take(WINDOW_BEFORE)
        .map(char::len_utf8)
        .sum();
    let from_byte = caret - back;
    let from_chars = column.saturating_sub(1).saturating_sub(
        before
            .get(before.len() - back..)
            .map_or(0, |s| s.chars().count()),
    );
    let rest = text.get(caret..).unwrap_or("");
    let mut after = rest
        .char_indices()
        .take_while(|(_, c)| *c != '\n' && *c != '\r');
    let fwd = after
        .by_ref()
        .take(WINDOW_AFTER)
        .last()
        .map_or(0, |(i, c)| i + c.len_utf8());
    let more = after.next().is_some();
    let shown = text.get(from_byte..caret + fwd).unwrap_or("").to_string();
    (shown, from_chars, more)
}

/// `s` with every control character (except tab) and every bidirectional-override character
/// written as a `\u{..}` escape, so that text from an input file cannot drive the terminal or
/// reorder what is shown.
pub fn escape_controls(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\t')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// How a character of the source line is shown: itself, or its escape.
fn shown_width(c: char) -> usize {
    if needs_escape(c) {
        c.escape_unicode().count()
    } else {
        1
    }
}

/// An input value to quote in a message: at most `MAX_QUOTED` characters, cut with `…`.
pub fn quote(s: &str) -> std::borrow::Cow<'_, str> {
    match s.char_indices().nth(MAX_QUOTED) {
        None => std::borrow::Cow::Borrowed(s),
        Some((i, _)) => {
            let cut = s
                .get(..i)
                .and_then(|h| h.char_indices().last().map(|(j, _)| j))
                .and_then(|j| s.get(..j))
                .unwrap_or("");
            std::borrow::Cow::Owned(format!("{cut}…"))
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `FILE:LINE:COLUMN: error[CODE]: message`, then the source line with a caret, then help.
    /// Control characters from the input are shown escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        writeln!(
            f,
            "{}:{}:{}: {}[{}]: {}",
            escape_controls(&self.file),
            self.line,
            self.column,
            sev,
            self.code,
            escape_controls(&self.message)
        )?;
        if !self.source_line.is_empty() {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            // A long line is shown as a window around the column (the kept part may already be one).
            let chars: Vec<char> = self.source_line.chars().collect();
            let col = self
                .column
                .saturating_sub(1)
                .saturating_sub(self.source_from)
                .min(chars.len());
            let from = col.saturating_sub(WINDOW_BEFORE);
            let to = (col + WINDOW_AFTER).min(chars.len());
            let slice = |a: usize, b: usize| chars.get(a..b).unwrap_or_default();
            let shown: String =
                escape_controls(&slice(from, to).iter().collect::<String>()).into_owned();
            let lead = if from > 0 || self.source_from > 0 {
                "…"
            } else {
                ""
            };
            let tail = if to < chars.len() || self.source_more {
                "…"
            } else {
                ""
            };
            // Tabs are kept in the indent so the caret lines up under them; an escaped character
            // takes the width of its escape.
            let mut indent: String = lead.chars().map(|_| ' ').collect();
            for c in slice(from, col) {
                if *c == '\t' {
                    indent.push('\t');
                } else {
                    indent.extend(std::iter::repeat_n(' ', shown_width(*c)));
                }
            }
            let under = self.width.min(to.saturating_sub(col)).max(1);
            let width: usize = slice(col, (col + under).min(to))
                .iter()
                .map(|c| shown_width(*c))
                .sum::<usize>()
                .max(1);
            writeln!(f, "{pad} |")?;
            writeln!(f, "{gutter} | {lead}{shown}{tail}")?;
            writeln!(f, "{pad} | {indent}{}", "^".repeat(width))?;
        }
        if let Some(help) = &self.help {
            writeln!(f, "  = help: {}", escape_controls(help))?;
        }
        Ok(())
    }
}

/// The closest candidate to `word`: the same word in another case or with other separators; else
/// the one sharing the most words with it (one's words all within the other's); else the closest by
/// edit distance, if close enough to be a likely typo.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    // A word far longer than any name is no typo of one; the length difference is a lower bound
    // of the distance, so only candidates of a close length are compared (and a huge input word
    // costs one count of its characters, not a quadratic comparison with each candidate).
    const LONGEST: usize = 256;
    let len = word.chars().take(LONGEST + 1).count();
    if len > LONGEST {
        return None;
    }
    let candidates: Vec<&'a str> = candidates.into_iter().collect();
    // The same word in another case or with other separators: `passed` is `Passed`.
    let bare = |s: &str| -> String {
        s.chars()
            .filter(|c| !matches!(c, '_' | '-' | ' '))
            .flat_map(char::to_lowercase)
            .collect()
    };
    let word_bare = bare(word);
    if let Some(c) = candidates.iter().find(|c| bare(c) == word_bare) {
        return Some(c);
    }
    // Shared words, one set within the other: `cyber_security` is `cyber`, not `border_security`;
    // `military` is `NationalMilitary`.
    if let Some(c) = by_shared_words(word, &candidates) {
        return Some(c);
    }
    let limit = (len / 3).max(2);
    candidates
        .into_iter()
        .filter(|c| c.chars().count().abs_diff(len) <= limit)
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// The words of an id, lower-cased, of three letters or more: `cyber_security` is `cyber`,
/// `security`; `NationalMilitary` is `national`, `military`.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in s.chars() {
        let boundary = !c.is_alphanumeric() || (c.is_uppercase() && prev_lower);
        if boundary && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if c.is_alphanumeric() {
            cur.extend(c.to_lowercase());
        }
        prev_lower = c.is_lowercase();
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out.retain(|w| w.chars().count() >= 3);
    out
}

fn by_shared_words<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let mine = words(word);
    if mine.is_empty() {
        return None;
    }
    candidates
        .iter()
        .filter_map(|c| {
            let theirs = words(c);
            let shared = mine.iter().filter(|w| theirs.contains(w)).count();
            let nested = shared > 0 && (shared == mine.len() || shared == theirs.len());
            nested.then_some((shared, std::cmp::Reverse(c.len()), *c))
        })
        .max()
        .map(|(_, _, c)| c)
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
    fn a_long_line_is_kept_as_a_window_only() {
        // One megabyte on one line: the diagnostic keeps 160 characters of it, whatever the input.
        let text = format!("{}X{}\nnext", "a".repeat(500_000), "b".repeat(500_000));
        let d = Diagnostic::at(
            "p.ron",
            &text,
            Span::new(500_000, 500_001),
            Severity::Error,
            "E0202",
            "here",
        );
        assert_eq!((d.line, d.column), (1, 500_001));
        assert!(
            d.source_line.chars().count() <= 161,
            "{}",
            d.source_line.len()
        );
        assert_eq!(d.source_from, 500_000 - 60);
        assert!(d.source_more);
        let s = d.to_string();
        let lines: Vec<&str> = s.lines().collect();
        assert!(
            lines[2].starts_with("1 | …") && lines[2].ends_with('…'),
            "{s}"
        );
        let caret = lines[3].chars().position(|c| c == '^');
        let x = lines[2].chars().position(|c| c == 'X');
        assert_eq!(caret, x, "{s}");
        // The same from a RON position and from a locator.
        let r = Diagnostic::at_line_col("p.ron", &text, 1, 500_001, "E0201", "here");
        assert_eq!(r.to_string(), s.replace("E0202", "E0201"));
        let mut loc = Locator::new(&text);
        let l = Diagnostic::located(
            "p.ron",
            &mut loc,
            Span::new(500_000, 500_001),
            Severity::Error,
            "E0202",
            "here",
        );
        assert_eq!(l, d);
    }

    #[test]
    fn control_characters_from_the_input_are_shown_escaped() {
        let text = "x: \"\u{1b}[2J\u{7}\", y: \"\u{202e}evil\"";
        let at = text.find('y').expect("y");
        let d = Diagnostic::at(
            "p\u{1b}.ron",
            text,
            Span::new(at, at + 1),
            Severity::Error,
            "E0202",
            "unknown `\u{1b}[2J`",
        )
        .with_help("try \u{9b}31m");
        let s = d.to_string();
        assert!(
            !s.contains(['\u{1b}', '\u{7}', '\u{9b}', '\u{202e}']),
            "{s:?}"
        );
        assert!(s.starts_with("p\\u{1b}.ron:1:"), "{s}");
        assert!(s.contains("unknown `\\u{1b}[2J`"), "{s}");
        assert!(s.contains("= help: try \\u{9b}31m"), "{s}");
        let lines: Vec<&str> = s.lines().collect();
        let caret = lines[3].find('^').expect("caret");
        assert_eq!(lines[2].get(caret..caret + 1), Some("y"), "{s}");
    }

    #[test]
    fn positions_count_cr_and_crlf_line_ends() {
        for text in ["a\rbb\rX", "a\r\nbb\r\nX", "a\nbb\nX"] {
            let at = text.find('X').expect("X");
            let d = Diagnostic::at(
                "p",
                text,
                Span::new(at, at + 1),
                Severity::Error,
                "E0001",
                "m",
            );
            assert_eq!(
                (d.line, d.column, d.source_line.as_str()),
                (3, 1, "X"),
                "{text:?}"
            );
            let r = Diagnostic::at_line_col("p", text, 2, 2, "E0001", "m");
            assert_eq!(r.source_line, "bb", "{text:?}");
        }
    }

    #[test]
    fn huge_words_get_no_suggestion_and_cost_one_count() {
        let word = "a".repeat(10_000_000);
        assert_eq!(did_you_mean(&word, ["amount_usd", "aaaa"]), None);
        assert_eq!(quote(&word).chars().count(), MAX_QUOTED);
        assert_eq!(quote("short"), "short");
    }

    #[test]
    fn suggests_by_case_then_shared_words_then_spelling() {
        let purposes = ["border_security", "cyber", "counterterrorism"];
        assert_eq!(did_you_mean("cyber_security", purposes), Some("cyber"));
        assert_eq!(
            did_you_mean("counter_terrorism", purposes),
            Some("counterterrorism")
        );
        let leahy = ["NotStarted", "Pending", "Passed", "Failed"];
        assert_eq!(did_you_mean("passed", leahy), Some("Passed"));
        assert_eq!(did_you_mean("not_started", leahy), Some("NotStarted"));
        let kinds = ["NationalMilitary", "OtherSecurityForces", "NonGovernmental"];
        assert_eq!(did_you_mean("military", kinds), Some("NationalMilitary"));
        assert_eq!(did_you_mean("zzz", kinds), None);
    }

    #[test]
    fn suggests_close_words_only() {
        let words = ["amount_usd", "activities", "start"];
        assert_eq!(did_you_mean("amout_usd", words), Some("amount_usd"));
        assert_eq!(did_you_mean("zzzzzzzzzz", words), None);
    }

    /// A parser's position past a line's end (RON counts the `\r` of `\r\n`) or past the last
    /// line is put at the end of the line or text: a position is always inside the text.
    #[test]
    fn positions_past_a_line_or_the_text_are_clamped() {
        let d = Diagnostic::at_line_col("l.ron", "//\r\n", 1, 4, "E0201", "m");
        assert_eq!((d.line, d.column), (1, 3));
        let d = Diagnostic::at_line_col("l.ron", "a\nb", 9, 9, "E0201", "m");
        assert_eq!((d.line, d.column), (2, 2));
    }

    /// Lines end at `\n`, `\r\n` or a lone `\r`; the line start is the byte after the break.
    #[test]
    fn a_spot_is_found_on_every_kind_of_line_end() {
        let spot = |l, c| {
            let s = Spot::inside("ab\r\ncd\ref\n§x", l, c);
            (s.line, s.column, s.line_start)
        };
        assert_eq!(spot(1, 3), (1, 3, 0));
        assert_eq!(spot(1, 9), (1, 3, 0)); // the `\r` of `\r\n` is not a column
        assert_eq!(spot(2, 1), (2, 1, 4));
        assert_eq!(spot(3, 2), (3, 2, 7)); // after a lone `\r`
        assert_eq!(spot(4, 9), (4, 3, 10)); // characters, not bytes: `§` is two
        assert_eq!(spot(9, 0), (4, 1, 10));
        assert_eq!(
            Spot::inside("", 3, 3),
            Spot {
                line: 1,
                column: 1,
                line_start: 0
            }
        );
    }
}
