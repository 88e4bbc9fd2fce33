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

/// Known library defects the targets may be told to tolerate, so that fuzzing goes on past them
/// until they are fixed: `AUTHSEL_FUZZ_KNOWN=crlf-column` (a comma-separated list). Unset, every
/// invariant is strict, and the inputs in `fuzz/regressions/` crash.
fn known(defect: &str) -> bool {
    static KNOWN: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    KNOWN
        .get_or_init(|| {
            std::env::var("AUTHSEL_FUZZ_KNOWN")
                .unwrap_or_default()
                .split(',')
                .map(|s| s.trim().to_string())
                .collect()
        })
        .iter()
        .any(|k| k == defect)
}

/// Whether 1-based `line` and `column` are inside the text: line 1..=lines, column 1..=the line's
/// characters + 1 (just past its last character, where "unexpected end" points).
///
/// Known defect `crlf-column` (fuzz/regressions/ledger/crlf-comment-column-min.ron): a RON error
/// right after a `//` comment on a line ending `\r\n` is reported one column further, on the `\n`
/// (the comment swallows the `\r`); the same file with `\n` line ends says the line's end.
pub fn inside(lines: &[Line], line: usize, column: usize) -> bool {
    let Some(l) = line.checked_sub(1).and_then(|i| lines.get(i)) else {
        return false;
    };
    column >= 1
        && (column <= l.chars + 1 || (l.crlf && column == l.chars + 2 && known("crlf-column")))
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
