//! The rule language's limits (docs/dsl.md, "Limits"), and the scan that enforces the nesting limit
//! on raw text before the parser sees it.
//!
//! pest's parser is recursive descent, and so is everything that walks its output (the syntax tree
//! builder, the checker, the linter, the formatter's verification, even dropping a tree): a
//! condition nested ten thousand deep would exhaust the stack in any of them. So the depth is
//! bounded once, on the text, where nothing recurses: every later recursion is then at most
//! `MAX_DEPTH` deep. The other limits keep the checker's work and the model's size linear in the
//! input.

/// Brackets (`(`, `[`, `{`) and prefix `not`s nested inside one another, at most. Four times what
/// the built-in rules use (4); at this depth parsing, checking, linting and formatting a file take
/// at most about 210 KiB of stack even in a debug build (measured; pest alone takes ~6 KiB a
/// level there), so they fit a 256 KiB thread, and the CLI's 8 MiB main thread many times over.
pub const MAX_DEPTH: usize = 16;

/// Bytes in one rule file, at most (the built-in files are 8-20 KB each).
pub const MAX_FILE_BYTES: usize = 4 * 1024 * 1024;

/// Purposes in one `is` lineage (a purpose and its ancestors), at most: each purpose's lineage is
/// stored with the graph, so the hierarchy's depth multiplies its size.
pub const MAX_LINEAGE: usize = 32;

/// Steps flattening partner memberships through group inclusions may take (each group reached and
/// each inclusion followed is one), at most; the flattened memberships are as many as the steps.
pub const MAX_FLATTEN_STEPS: u64 = 1_000_000;

/// Rule conditions copied into authorities by `apply` (each condition node copied is one), at most.
pub const MAX_APPLIED_NODES: u64 = 1_000_000;

/// Entries in one value's history, at most: a value changed more than 64 times is a mistake, and
/// the bound keeps every lookup and every lint over a history cheap.
pub const MAX_HISTORY: usize = 64;

/// Byte offset of the first bracket or `not` that nests deeper than `MAX_DEPTH`, if any.
///
/// Counts what pest would recurse on: brackets outside strings and comments, and chains of prefix
/// `not`s (`not not x` nests like `not (not (x))`). A `not` chain ends at its operand; a bracket
/// opened after `n` chained `not`s nests `n + 1` deeper. Strings and comments end at the line end
/// at the latest (the grammar's strings cannot span lines), so an unterminated string or comment
/// hides nothing after its line. Brackets left open by a broken declaration still count after it,
/// so the depth found is never less than any parse attempt (of the file or of one declaration)
/// could reach. Linear; keeps at most `MAX_DEPTH` open brackets.
pub fn too_deep(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // The depth each open bracket added (1, plus the `not`s chained before it).
    let mut open: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'/' if bytes.get(i + 1) == Some(&b'/') => i = line_end(bytes, i),
            b'"' => {
                nots = 0;
                i = string_end(bytes, i + 1);
            }
            b'(' | b'[' | b'{' => {
                open.push(nots + 1);
                depth += nots + 1;
                nots = 0;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
                i += 1;
            }
            b')' | b']' | b'}' => {
                depth -= open.pop().unwrap_or(0);
                nots = 0;
                i += 1;
            }
            _ if is_word(b) => {
                let end = word_end(bytes, i);
                if bytes.get(i..end) == Some(b"not") {
                    nots += 1;
                    if depth + nots > MAX_DEPTH {
                        return Some(i);
                    }
                } else {
                    nots = 0;
                }
                i = end;
            }
            _ if b.is_ascii_whitespace() => i += 1,
            _ => {
                nots = 0;
                i += 1;
            }
        }
    }
    None
}

/// A byte of an identifier (`ident_char` in the grammar).
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn word_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while bytes.get(i).is_some_and(|&b| is_word(b)) {
        i += 1;
    }
    i
}

/// The offset of the newline ending the line at `from` (or the end of the text).
fn line_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while bytes.get(i).is_some_and(|&b| b != b'\n') {
        i += 1;
    }
    i
}

/// Just past the closing quote of a string whose body starts at `from`, or at the end of its line
/// when it is not closed there.
fn string_end(bytes: &[u8], from: usize) -> usize {
    let mut i = from;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'\n' => return i,
            b'"' => return i + 1,
            b'\\' if bytes.get(i + 1) != Some(&b'\n') => i += 2,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nots(n: usize) -> String {
        format!("require r: {}x", "not ".repeat(n))
    }

    #[test]
    fn brackets_and_not_chains_nest() {
        assert_eq!(too_deep(&"(".repeat(MAX_DEPTH)), None);
        assert_eq!(too_deep(&"(".repeat(MAX_DEPTH + 1)), Some(MAX_DEPTH));
        assert_eq!(too_deep(&"([{".repeat(40)), Some(MAX_DEPTH));
        assert_eq!(too_deep(&nots(MAX_DEPTH)), None);
        assert_eq!(too_deep(&nots(MAX_DEPTH + 1)), Some(11 + 4 * MAX_DEPTH));
        // `not (` is two levels; `not x and not y` is one each, side by side.
        let half = MAX_DEPTH / 2;
        assert_eq!(too_deep(&"not (".repeat(half)), None);
        assert_eq!(
            too_deep(&format!("{}not", "not (".repeat(half))),
            Some(5 * half)
        );
        assert_eq!(too_deep(&"not x and ".repeat(1000)), None);
        // Closing brackets undo exactly what their opening added.
        let balanced = format!("{}x{}", "not (".repeat(half), ")".repeat(half));
        assert_eq!(too_deep(&balanced.repeat(100)), None);
        // Words that merely contain `not` are not `not`.
        assert_eq!(too_deep(&"nothing knot not_x ".repeat(100)), None);
        assert_eq!(too_deep(&")))".repeat(100)), None);
    }

    #[test]
    fn strings_and_comments_hide_brackets_only_on_their_line() {
        let deep = "(".repeat(MAX_DEPTH + 1);
        assert_eq!(too_deep(&format!("\"{deep}\" // {deep}")), None);
        assert_eq!(too_deep(&format!("\"a \\\" {deep}\"")), None);
        // Unterminated: the next line counts.
        for head in ["\"open", "// comment \"", "\"ends in a backslash\\"] {
            let text = format!("{head}\n{deep}");
            assert_eq!(too_deep(&text), Some(head.len() + 1 + MAX_DEPTH), "{head}");
        }
        // A comment between `not`s does not end the chain.
        let text = format!("{}x", "not // c\n".repeat(MAX_DEPTH + 1));
        assert_eq!(too_deep(&text), Some(9 * MAX_DEPTH));
    }

    #[test]
    fn any_bytes_are_scanned_in_one_pass() {
        assert_eq!(too_deep(""), None);
        assert_eq!(too_deep("é\u{0}\"\\"), None);
        let long = "(x) ".repeat(100_000);
        assert_eq!(too_deep(&long), None);
    }
}
