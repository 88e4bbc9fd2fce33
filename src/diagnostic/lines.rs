//! Lines and columns of byte offsets, in time linear in the text however many positions are asked
//! for. A line ends at `\n`, `\r\n` or a lone `\r` (old Mac files): the three count alike, so a
//! file's positions do not depend on the editor that saved it.

/// Where each line of one text starts, built once per text: a position is then a binary search
/// plus a count of the characters before it on its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineIndex {
    /// Byte offset of the first byte of each line; `starts[0] == 0`.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while let Some(b) = bytes.get(i) {
            match b {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) != Some(&b'\n') => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    /// Number of lines (a text ending with a line break has an empty last line).
    pub fn lines(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds byte `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        self.starts
            .partition_point(|s| *s <= offset)
            .saturating_sub(1)
    }

    /// Byte range of the 0-based `line`, without its line break; empty past the end.
    pub fn line_range(&self, text: &str, line: usize) -> (usize, usize) {
        let Some(&start) = self.starts.get(line) else {
            return (self.len, self.len);
        };
        let next = self.starts.get(line + 1).copied().unwrap_or(self.len);
        let bytes = text.as_bytes();
        let mut end = next;
        if end > start && bytes.get(end - 1) == Some(&b'\n') {
            end -= 1;
        }
        if end > start && bytes.get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        (start, end.max(start))
    }

    /// 1-based line and column (in characters) of byte `offset`; an offset past the end or inside
    /// a multi-byte character is clamped back, so any offset is safe.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(text, offset);
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let column = text.get(start..offset).map_or(0, |s| s.chars().count()) + 1;
        (line + 1, column)
    }

    /// Byte offset of the 1-based `line` and `column` (clamped to the line).
    pub fn offset_of(&self, text: &str, line: usize, column: usize) -> usize {
        let (start, end) = self.line_range(text, line.saturating_sub(1));
        let within = text.get(start..end).unwrap_or("");
        within
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(end, |(i, _)| start + i)
    }
}

/// Positions of many offsets of one text: given in increasing order, the whole walk costs one
/// pass over the text (each column counts only the characters since the previous position on the
/// same line), so a thousand errors on one ten-megabyte line cost no more than reading it once.
pub struct Locator<'t> {
    text: &'t str,
    index: LineIndex,
    /// The last position asked for: (0-based line, byte offset, 1-based column).
    last: Option<(usize, usize, usize)>,
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Locator<'t> {
        Locator {
            text,
            index: LineIndex::new(text),
            last: None,
        }
    }

    pub fn text(&self) -> &'t str {
        self.text
    }

    pub fn index(&self) -> &LineIndex {
        &self.index
    }

    /// 1-based line and column of byte `offset`.
    pub fn line_col(&mut self, offset: usize) -> (usize, usize) {
        let offset = floor_boundary(self.text, offset);
        let line = self.index.line_of(offset);
        let (from, base) = match self.last {
            Some((l, o, c)) if l == line && o <= offset => (o, c),
            _ => (self.index.starts.get(line).copied().unwrap_or(0), 1),
        };
        let column = base + self.text.get(from..offset).map_or(0, |s| s.chars().count());
        self.last = Some((line, offset, column));
        (line + 1, column)
    }
}

/// `offset` clamped to the text and moved back to a character boundary.
pub fn floor_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line and column (both 1-based, column in chars) of a byte offset, for one position of a text;
/// build a `LineIndex` or a `Locator` to ask for many.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = floor_boundary(text, offset);
    let before = text.get(..offset).unwrap_or("");
    let bytes = text.as_bytes();
    let mut line = 1;
    let mut line_start = 0;
    for (i, b) in before.bytes().enumerate() {
        let breaks = match b {
            b'\n' => true,
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        };
        if breaks {
            line += 1;
            line_start = i + 1;
        }
    }
    let column = text
        .get(line_start..offset)
        .map_or(0, |s| s.chars().count())
        + 1;
    (line, column)
}

/// The full line (without its line break) that is the 1-based `line` of `text`.
pub fn source_line(text: &str, line: usize) -> String {
    let index = LineIndex::new(text);
    let (start, end) = index.line_range(text, line.saturating_sub(1));
    text.get(start..end).unwrap_or("").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lf_crlf_and_lone_cr_all_end_lines() {
        for text in ["a\nbc\nd", "a\r\nbc\r\nd", "a\rbc\rd", "a\r\nbc\rd"] {
            let index = LineIndex::new(text);
            assert_eq!(index.lines(), 3, "{text:?}");
            let d = text.rfind('d').expect("d");
            let c = text.find('c').expect("c");
            assert_eq!(index.line_col(text, d), (3, 1), "{text:?}");
            assert_eq!(index.line_col(text, c), (2, 2), "{text:?}");
            assert_eq!(line_col(text, d), (3, 1), "{text:?}");
            assert_eq!(line_col(text, c), (2, 2), "{text:?}");
            assert_eq!(source_line(text, 2), "bc", "{text:?}");
            assert_eq!(index.offset_of(text, 2, 2), c, "{text:?}");
        }
    }

    #[test]
    fn locator_agrees_with_line_col_in_any_order() {
        let text = "ab\n§cd\r\nxyz\rq";
        let mut loc = Locator::new(text);
        let offsets: Vec<usize> = (0..=text.len() + 2).collect();
        for &o in offsets.iter().chain(offsets.iter().rev()) {
            assert_eq!(loc.line_col(o), line_col(text, o), "offset {o}");
        }
    }
}
