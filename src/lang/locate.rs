//! Diagnostics for one rule file, located in time that does not grow with the position.
//!
//! `Diagnostic::at` finds a line by scanning the text from its start, which is right for one
//! diagnostic but quadratic for a file with thousands of them (20,000 broken lines took 80 s). A
//! `Locator` indexes the file once (line starts, and a character count every 256 bytes) and then makes
//! the same diagnostic as `Diagnostic::at` (a test holds the two together) in time bounded by a
//! line and 256 bytes. Each diagnostic keeps only a window of its source line (`Diagnostic`), so
//! memory stays bounded too.

use crate::diagnostic::{Diagnostic, Severity, Span};

const BLOCK: usize = 256;

pub(crate) struct Locator<'t> {
    name: &'t str,
    text: &'t str,
    /// Byte offset of each line's start; the first is 0.
    starts: Vec<usize>,
    /// Characters before each multiple of `BLOCK`.
    chars_before: Vec<usize>,
}

impl<'t> Locator<'t> {
    pub(crate) fn new(name: &'t str, text: &'t str) -> Locator<'t> {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut chars_before = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if i % BLOCK == 0 {
                chars_before.push(chars);
            }
            if !is_continuation(b) {
                chars += 1;
            }
            // A line ends at `\n`, or at a `\r` not followed by `\n` (as `Diagnostic` counts).
            if b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
                starts.push(i + 1);
            }
        }
        chars_before.push(chars);
        Locator {
            name,
            text,
            starts,
            chars_before,
        }
    }

    /// Characters in `text[..offset]` (counting char starts, so any byte offset is fine).
    fn chars_to(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len());
        let block = offset / BLOCK;
        let base = self.chars_before.get(block).copied().unwrap_or(0);
        let from = block * BLOCK;
        let tail = self.text.as_bytes().get(from..offset).unwrap_or_default();
        base + tail.iter().filter(|&&b| !is_continuation(b)).count()
    }

    /// 1-based line and column (in characters) of a byte offset, clamped like `line_col`.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let (line, start) = self.line_of(self.clamp(offset));
        (
            line,
            self.chars_to(self.clamp(offset)) - self.chars_to(start) + 1,
        )
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    /// The 1-based line containing `offset`, and the line's start.
    fn line_of(&self, offset: usize) -> (usize, usize) {
        let idx = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        (idx + 1, self.starts.get(idx).copied().unwrap_or(0))
    }

    /// The same diagnostic as `Diagnostic::at(name, text, span, ...)`: the line and column from
    /// the index, the source window and caret from `Diagnostic`.
    pub(crate) fn at(
        &mut self,
        span: Span,
        severity: Severity,
        code: &'static str,
        message: impl Into<String>,
    ) -> Diagnostic {
        let offset = self.clamp(span.start);
        let (line, column) = self.line_col(offset);
        // The line's start as `Diagnostic::at` finds it.
        let start = crate::diagnostic::line_start(self.text, offset);
        Diagnostic::from_parts(
            self.name, self.text, start, line, column, span, severity, code, message,
        )
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn same(text: &str, span: Span) {
        let mut l = Locator::new("f.auth", text);
        let ours = l.at(span, Severity::Error, "E0001", "m");
        let theirs = Diagnostic::at("f.auth", text, span, Severity::Error, "E0001", "m");
        assert_eq!(ours, theirs, "{text:?} {span:?}");
        assert_eq!(
            l.line_col(span.start),
            crate::diagnostic::line_col(text, span.start)
        );
    }

    #[test]
    fn agrees_with_diagnostic_at_on_the_builtin_rules() {
        for f in crate::RuleBase::builtin_files() {
            let n = f.text.len();
            for start in (0..n + 3).step_by(97) {
                for len in [0, 1, 5, 80, 400] {
                    same(&f.text, Span::new(start, start + len));
                }
            }
        }
    }

    #[test]
    fn agrees_on_edges() {
        for text in [
            "",
            "\n",
            "a",
            "a\n",
            "a\r\n",
            "a\r",
            "\r\n\r\n",
            "é\n§x\r\r\n",
            "\n\nb",
        ] {
            for start in 0..text.len() + 2 {
                for end in [0, start, start + 1, start + 3, 100] {
                    same(text, Span::new(start, end));
                }
            }
        }
        let long = format!("{}\n{}", "é".repeat(5000), "x§".repeat(3000));
        for start in [0, 1, 4095, 4096, 4097, 9999, 10000, 10001, 12000, 18999] {
            same(&long, Span::new(start, start + 20_000));
        }
    }

    proptest! {
        #[test]
        fn agrees_on_any_text(text in "[a\\n\\ré§\\t\"]{0,200}", start in 0usize..210, len in 0usize..50) {
            same(&text, Span::new(start, start + len));
        }
    }

    #[test]
    fn many_diagnostics_take_linear_time_and_bounded_memory() {
        let text = "purpose\n".repeat(200_000);
        let mut l = Locator::new("f.auth", &text);
        let mut shown = 0;
        for i in (0..text.len()).step_by(8) {
            let d = l.at(Span::new(i, i + 7), Severity::Error, "E0001", "m");
            assert_eq!((d.line, d.column), (i / 8 + 1, 1));
            shown += d.source_line.len();
        }
        assert_eq!(shown, 7 * 200_000);
        // On one multi-megabyte line, each diagnostic keeps a window, not the line.
        let one_line = "x".repeat(4 * 1024 * 1024);
        let mut l = Locator::new("f.auth", &one_line);
        for i in [0, 1_000_000, 4 * 1024 * 1024 - 1] {
            let d = l.at(Span::new(i, i + 1), Severity::Error, "E0001", "m");
            assert!(d.source_line.len() <= 200, "{}", d.source_line.len());
        }
    }
}
