//! What the `ledger` and `check` targets share: where a diagnostic may point, computed here rather
//! than with the library's own line index so that the check does not share the code it checks.

/// One line of a text as the user sees it: its characters, and whether it ends with `\r\n`.
pub struct Line {
    pub chars: usize,
    pub crlf: bool,
}

/// The lines of `text`: a leading byte-order mark is not counted, and a line ends at `\n`, `\r\n`
/// or a lone `\r` (as `docs/proposal.md` and `diagnostic::lines` say).
pub fn lines(text: &str) -> Vec<Line> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = vec![Line {
        chars: 0,
        crlf: false,
    }];
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' | '\r' => {
                if c == '\r' && chars.peek() == Some(&'\n') {
                    chars.next();
                    if let Some(l) = lines.last_mut() {
                        l.crlf = true;
                    }
                }
                lines.push(Line {
                    chars: 0,
                    crlf: false,
                });
            }
            _ => {
                if let Some(l) = lines.last_mut() {
                    l.chars += 1;
                }
            }
        }
    }
    lines
}

/// Whether 1-based `line` and `column` are inside the text: line 1..=lines, column 1..=the line's
/// characters + 1 (just past its last character, where "unexpected end" points).
/// A CRLF line gets no extra column: `crlf-column` (fuzz/regressions/) is fixed and checked strictly.
pub fn inside(lines: &[Line], line: usize, column: usize) -> bool {
    let Some(l) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return false;
    };
    column >= 1 && column <= l.chars + 1
}

/// For messages: how many lines, and how long the one asked for is.
pub fn describe(lines: &[Line], line: usize) -> String {
    let this =
        line.checked_sub(1)
            .and_then(|i| lines.get(i))
            .map_or("no such line".to_string(), |l| {
                format!(
                    "that line has {} character(s){}",
                    l.chars,
                    if l.crlf { " and ends with CRLF" } else { "" }
                )
            });
    format!("{} line(s); {this}", lines.len())
}
