//! Where things are written in a RON file. The RON parser gives positions only for its own
//! errors; this is a small scanner that outlines a file's structure (values, groups, keys) with
//! byte spans, in one linear pass, so that an error found after parsing (an unknown purpose, a
//! repeated fact, an amount out of range) points at the exact value, even when the same text is
//! written twice.
//!
//! It is used on text the RON parser has accepted, and it follows RON's lexical rules (strings
//! with escapes, raw strings, nested block comments, line comments, `#![enable(..)]` headers); on
//! any other text it returns `None` rather than a wrong answer, and callers fall back to coarser
//! positions.

use crate::diagnostic::Span;

/// A value: a single token (number, string, identifier) or a group, optionally named
/// (`Proposal(..)`, `Some(24)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NodeKind {
    /// A number, identifier or other bare word.
    Word,
    /// A string literal (the span includes its quotes).
    Str,
    /// `(..)`, `[..]` or `{..}`, with an optional name before it.
    Group {
        name: Option<Span>,
        open: u8,
        items: Vec<Item>,
    },
}

/// One element of a group: `value`, or `key: value` (a struct field or a map entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Item {
    pub key: Option<Node>,
    pub value: Node,
}

impl Node {
    pub(crate) fn items(&self) -> &[Item] {
        match &self.kind {
            NodeKind::Group { items, .. } => items,
            _ => &[],
        }
    }

    /// The field `name` of a struct-like group (`name: value`); a raw identifier `r#name` counts.
    pub(crate) fn field<'n>(&'n self, text: &str, name: &str) -> Option<&'n Item> {
        self.items().iter().find(|i| {
            i.key.as_ref().is_some_and(|k| {
                let t = text.get(k.span.start..k.span.end).unwrap_or("");
                t == name || t.strip_prefix("r#") == Some(name)
            })
        })
    }

    /// The value inside `Some(..)`, else the node itself.
    pub(crate) fn unwrap_some<'n>(&'n self, text: &str) -> &'n Node {
        match &self.kind {
            NodeKind::Group {
                name: Some(n),
                open: b'(',
                items,
            } if text.get(n.start..n.end) == Some("Some") && items.len() == 1 => {
                items.first().map_or(self, |i| &i.value)
            }
            _ => self,
        }
    }
}

/// The outline of a whole file: its one top-level value (after any `#![..]` headers).
pub(crate) fn outline(text: &str) -> Option<Node> {
    let mut p = Parser {
        lx: Lexer { text, at: 0 },
        peeked: None,
        depth: 0,
    };
    // `#![enable(implicit_some)]` and the like.
    while p.peek()?.kind == Tok::Punct(b'#') {
        p.next();
        if p.peek()?.kind == Tok::Punct(b'!') {
            p.next();
        }
        let open = p.next()?;
        if open.kind != Tok::Open(b'[') {
            return None;
        }
        p.group_items(b'[')?;
    }
    let value = p.value()?;
    match p.peek() {
        None => Some(value),
        Some(_) => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tok {
    Open(u8),
    Close(u8),
    Punct(u8),
    Str,
    Word,
}

#[derive(Debug, Clone, Copy)]
struct Token {
    kind: Tok,
    start: usize,
    end: usize,
}

struct Lexer<'t> {
    text: &'t str,
    at: usize,
}

/// RON's whitespace (`ron::parse::is_whitespace_char`).
fn is_ws(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\x0B'
            | '\x0C'
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

fn is_word_char(c: char) -> bool {
    !is_ws(c)
        && !matches!(
            c,
            '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | '"' | '\'' | '#' | '!' | '/'
        )
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.at..).unwrap_or("")
    }

    /// Skips whitespace and comments; `None` on an unclosed block comment.
    fn skip(&mut self) -> Option<()> {
        loop {
            let rest = self.rest();
            let ws: usize = rest
                .chars()
                .take_while(|c| is_ws(*c))
                .map(char::len_utf8)
                .sum();
            self.at += ws;
            let rest = self.rest();
            if rest.starts_with("//") {
                self.at += rest.find('\n').unwrap_or(rest.len());
            } else if rest.starts_with("/*") {
                let bytes = rest.as_bytes();
                let mut level = 0usize;
                let mut i = 0;
                loop {
                    match (bytes.get(i), bytes.get(i + 1)) {
                        (Some(b'/'), Some(b'*')) => {
                            level += 1;
                            i += 2;
                        }
                        (Some(b'*'), Some(b'/')) => {
                            level -= 1;
                            i += 2;
                            if level == 0 {
                                break;
                            }
                        }
                        (Some(_), _) => i += 1,
                        (None, _) => return None,
                    }
                }
                self.at += i;
            } else {
                return Some(());
            }
        }
    }

    fn next(&mut self) -> Option<Token> {
        self.skip()?;
        let start = self.at;
        let rest = self.rest();
        let c = rest.chars().next()?;
        let kind = match c {
            '(' | '[' | '{' => {
                self.at += 1;
                Tok::Open(c as u8)
            }
            ')' | ']' | '}' => {
                self.at += 1;
                Tok::Close(c as u8)
            }
            ',' | ':' | '#' | '!' => {
                self.at += 1;
                Tok::Punct(c as u8)
            }
            '"' => {
                self.at += quoted(rest, b'"')?;
                Tok::Str
            }
            '\'' => {
                self.at += quoted(rest, b'\'')?;
                Tok::Str
            }
            _ => {
                // An unterminated raw or byte string ends the tokens, as an unterminated string does.
                if let Some((kind, len)) = prefixed(rest).ok()? {
                    self.at += len;
                    return Some(Token {
                        kind,
                        start,
                        end: self.at,
                    });
                }
                let len: usize = rest
                    .chars()
                    .take_while(|c| is_word_char(*c))
                    .map(char::len_utf8)
                    .sum();
                if len == 0 {
                    return None;
                }
                self.at += len;
                Tok::Word
            }
        };
        Some(Token {
            kind,
            start,
            end: self.at,
        })
    }
}

/// A raw or byte string (`r".."`, `r#".."#`, `b".."`, `br#".."#`) or a raw identifier (`r#name`) at
/// the start of `rest`: its kind and length in bytes; `Err` for a string that is not closed.
fn prefixed(rest: &str) -> Result<Option<(Tok, usize)>, ()> {
    let Some(raw) = rest
        .strip_prefix("br")
        .or_else(|| rest.strip_prefix('r'))
        .or_else(|| rest.strip_prefix('b'))
        .filter(|r| r.starts_with(['"', '#']))
    else {
        return Ok(None);
    };
    let prefix = rest.len() - raw.len();
    let is_raw = rest.starts_with('r') || rest.starts_with("br");
    let hashes = raw.bytes().take_while(|b| *b == b'#').count();
    if raw.as_bytes().get(hashes) == Some(&b'"') && (is_raw || hashes == 0) {
        let len = if is_raw {
            let close = format!("\"{}", "#".repeat(hashes));
            let body = raw.get(hashes + 1..).ok_or(())?;
            hashes + 1 + body.find(&close).ok_or(())? + close.len()
        } else {
            quoted(raw, b'"').ok_or(())?
        };
        return Ok(Some((Tok::Str, prefix + len)));
    }
    if is_raw && hashes == 1 && !rest.starts_with('b') {
        let word: usize = raw
            .get(1..)
            .unwrap_or("")
            .chars()
            .take_while(|c| is_word_char(*c))
            .map(char::len_utf8)
            .sum();
        return Ok(Some((Tok::Word, prefix + 1 + word)));
    }
    Ok(None)
}

/// Length of the quoted literal at the start of `s` (quote `q`, backslash escapes).
fn quoted(s: &str, q: u8) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut i = 1;
    loop {
        match bytes.get(i)? {
            b'\\' => i += 2,
            b if *b == q => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Deeper nesting than RON's own limit (128) never reaches here; this only bounds the recursion.
const MAX_DEPTH: usize = 256;

struct Parser<'t> {
    lx: Lexer<'t>,
    peeked: Option<Option<Token>>,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&mut self) -> Option<Token> {
        if self.peeked.is_none() {
            self.peeked = Some(self.lx.next());
        }
        self.peeked.flatten()
    }

    fn next(&mut self) -> Option<Token> {
        match self.peeked.take() {
            Some(t) => t,
            None => self.lx.next(),
        }
    }

    fn value(&mut self) -> Option<Node> {
        let t = self.next()?;
        match t.kind {
            Tok::Open(open) => {
                let (items, end) = self.group_items(open)?;
                Some(Node {
                    span: Span::new(t.start, end),
                    kind: NodeKind::Group {
                        name: None,
                        open,
                        items,
                    },
                })
            }
            Tok::Str => Some(Node {
                span: Span::new(t.start, t.end),
                kind: NodeKind::Str,
            }),
            Tok::Word => match self.peek() {
                // A name directly followed by a group: `Proposal(..)`, `Some(..)`.
                Some(Token {
                    kind: Tok::Open(open),
                    start,
                    ..
                }) if self.lx.text.get(t.end..start).is_some_and(str::is_empty) || open == b'(' => {
                    self.next();
                    let (items, end) = self.group_items(open)?;
                    Some(Node {
                        span: Span::new(t.start, end),
                        kind: NodeKind::Group {
                            name: Some(Span::new(t.start, t.end)),
                            open,
                            items,
                        },
                    })
                }
                _ => Some(Node {
                    span: Span::new(t.start, t.end),
                    kind: NodeKind::Word,
                }),
            },
            Tok::Close(_) | Tok::Punct(_) => None,
        }
    }

    /// The items of a group whose opening bracket was just read, and the end of its closing one.
    fn group_items(&mut self, open: u8) -> Option<(Vec<Item>, usize)> {
        let close = match open {
            b'(' => b')',
            b'[' => b']',
            _ => b'}',
        };
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        let mut items = Vec::new();
        loop {
            let t = self.peek()?;
            if t.kind == Tok::Close(close) {
                self.next();
                self.depth -= 1;
                return Some((items, t.end));
            }
            let first = self.value()?;
            let item = if self.peek()?.kind == Tok::Punct(b':') {
                self.next();
                let value = self.value()?;
                Item {
                    key: Some(first),
                    value,
                }
            } else {
                Item {
                    key: None,
                    value: first,
                }
            };
            items.push(item);
            let t = self.peek()?;
            if t.kind == Tok::Punct(b',') {
                self.next();
            } else if t.kind != Tok::Close(close) {
                return None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at<'t>(text: &'t str, n: &Node) -> &'t str {
        &text[n.span.start..n.span.end]
    }

    #[test]
    fn outlines_a_proposal_with_comments_headers_and_raw_strings() {
        let text = "#![enable(implicit_some)]\n// c: \"x\" (\nProposal( /* a /* nested */ ] */ id: r#\"a\"b\"#,\n  purposes: [\"p\", \"q\\\"\"], duration_months: Some(3), r#facts: {\"k\": 1, \"k\": 'x'},\n)";
        let o = outline(text).expect("outline");
        assert_eq!(
            at(text, &o.field(text, "id").expect("id").value),
            "r#\"a\"b\"#"
        );
        let ps = &o.field(text, "purposes").expect("p").value;
        let items: Vec<&str> = ps.items().iter().map(|i| at(text, &i.value)).collect();
        assert_eq!(items, ["\"p\"", "\"q\\\"\""]);
        let d = &o.field(text, "duration_months").expect("d").value;
        assert_eq!(at(text, d.unwrap_some(text)), "3");
        let facts = &o.field(text, "facts").expect("facts").value;
        let keys: Vec<&str> = facts
            .items()
            .iter()
            .filter_map(|i| i.key.as_ref().map(|k| at(text, k)))
            .collect();
        assert_eq!(keys, ["\"k\"", "\"k\""]);
    }

    #[test]
    fn any_prefix_or_cut_of_a_file_is_outlined_or_refused_without_panic() {
        let text = "#![enable(implicit_some)]\nProposal(id: r#\"a\"#, t: 'x', n: -1.5e3, /* c */ l: [\"\\\"\", b\"y\"], m: {\"k\": Some(1)}) // end";
        assert!(outline(text).is_some());
        for (i, _) in text.char_indices() {
            let _ = outline(&text[..i]);
            let _ = outline(&text[i..]);
        }
    }

    #[test]
    fn refuses_what_it_cannot_outline() {
        assert!(outline("Proposal(id: \"x\"").is_none());
        assert!(outline("/* open").is_none());
        assert!(outline("(a: 1) (b: 2)").is_none());
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(outline(&deep).is_none());
    }
}
