//! `authsel fmt`: one canonical layout for rule files, keeping every `//` comment.
//!
//! Design. The grammar hides comments, so the formatter uses two views of the file: the pest parse
//! tree gives the structure (items, members, clauses such as `when`/`because`/`cite`, the top-level
//! `and`/`or` of a condition) and a small lexer gives every token *and* every comment with its
//! position. Layout decides, for each code token, whether it starts a line and at which indent;
//! comments are re-attached to the token they precede (a comment on a line of its own) or follow
//! (a comment at the end of a line). The result is verified before it is returned: the output must
//! parse to the same syntax tree (spans aside) with the same comments in the same order, otherwise
//! the file is refused (E0400) rather than changed.
//!
//! The layout:
//! - declarations start at column 0; members of `authority`/`restriction`/`partner` blocks at 4;
//!   `}` at 0; one space between tokens, none before `,` `:` `)` `]` or after `(` `[`;
//! - a declaration or member stays on one line when it fits in 100 columns and has no comment
//!   inside; otherwise each clause (`when`, `because`, `cite`, `unconfirmed`; `is`, `includes` at
//!   the top level) starts a continuation line indented 4 more; a `require` whose head is still too
//!   long puts its condition on its own continuation line; a condition line still too long breaks
//!   before its top-level `or`s (or, failing those, `and`s), indented 4 more again;
//! - a `partner` with at most one membership that fits stays on one line;
//! - blank lines between declarations and between members are kept (at most one), others dropped;
//! - a token after a comment inside a declaration continues on a new line indented 4 more.

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lang::syntax::{self, Rule};
use pest::iterators::Pair;
use std::collections::HashMap;

/// Maximum line width the layout aims for (long strings may still exceed it).
pub const WIDTH: usize = 100;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Tok {
    start: usize,
    end: usize,
    /// Newlines in the whitespace just before this token (or comment).
    newlines: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Comment {
    text: String,
    /// Index of the code token it precedes (`code.len()` at the end of the file).
    before: usize,
    /// On the same line as the previous token.
    trailing: bool,
    newlines: usize,
}

/// Formats one rule file. Errors: the file's syntax errors (E0001, E0002), or E0400 if the
/// formatter could not preserve the file's meaning and comments (a formatter bug).
pub fn format_source(file: &str, text: &str) -> Result<String, Vec<Diagnostic>> {
    let (ast, diags) = syntax::parse_file(file, text);
    if !diags.is_empty() {
        return Err(diags);
    }
    let refuse = |why: &str| {
        vec![Diagnostic::whole_file(
            file,
            "E0400",
            format!("fmt refuses to change this file: {why} (a formatter bug; please report it)"),
        )]
    };
    let Ok(mut pairs) = syntax::parse_tree(text) else {
        return Err(refuse("the grammar does not accept it as one file"));
    };
    let Some(root) = pairs.next() else {
        return Err(refuse("empty parse tree"));
    };
    let (code, comments) = lex(text);
    let out = Layout::new(text, &code, &comments, root).render();
    // Verify: same tree modulo spans, same comments.
    let (ast2, diags2) = syntax::parse_file(file, &out);
    if !diags2.is_empty() {
        return Err(refuse("its output does not parse"));
    }
    if strip_spans(&format!("{ast:?}")) != strip_spans(&format!("{ast2:?}")) {
        return Err(refuse("its output parses differently"));
    }
    let texts = |c: &[Comment]| c.iter().map(|c| c.text.clone()).collect::<Vec<_>>();
    if texts(&comments) != texts(&lex(&out).1) {
        return Err(refuse("its output loses or reorders a comment"));
    }
    Ok(out)
}

/// A syntax tree's debug text with every `Span { start: N, end: M }` removed, so two parses of
/// differently laid-out text can be compared.
pub fn strip_spans(debug: &str) -> String {
    const PAT: &str = "Span { start: ";
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find(PAT) {
        out.push_str(rest.get(..i).unwrap_or(""));
        out.push_str("Span");
        let after = rest.get(i + PAT.len()..).unwrap_or("");
        rest = match after.find(" }") {
            Some(j) => after.get(j + 2..).unwrap_or(""),
            None => "",
        };
    }
    out.push_str(rest);
    out
}

/// Splits text into code tokens and comments. Works on any text; on text the grammar accepts its
/// tokens are the grammar's (`partner.nato`, `$1.5M`, `2027-03-01` and `faa-506a1` are one token).
fn lex(text: &str) -> (Vec<Tok>, Vec<Comment>) {
    let bytes = text.as_bytes();
    let mut code: Vec<Tok> = Vec::new();
    let mut comments: Vec<Comment> = Vec::new();
    let mut i = 0;
    let mut newlines = 0;
    let mut any = false;
    let word = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'$' | b'.' | b'-');
    while let Some(&b) = bytes.get(i) {
        let start = i;
        if b == b'\n' {
            newlines += 1;
            i += 1;
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = text
                .get(i..)
                .and_then(|r| r.find('\n'))
                .map_or(text.len(), |n| i + n);
            comments.push(Comment {
                text: text.get(start..end).unwrap_or("").trim_end().to_string(),
                before: code.len(),
                trailing: any && newlines == 0,
                newlines,
            });
            i = end;
            newlines = 0;
            any = true;
            continue;
        }
        if b == b'"' {
            i += 1;
            while let Some(&c) = bytes.get(i) {
                i += 1;
                match c {
                    b'\\' => i += 1,
                    b'"' | b'\n' => break,
                    _ => {}
                }
            }
            if bytes.get(i.saturating_sub(1)) == Some(&b'\n') {
                i -= 1; // an unterminated string ends at the line end
            }
        } else if word(b) && b != b'-' {
            while bytes.get(i).is_some_and(|&c| word(c)) {
                i += 1;
            }
        } else if matches!(b, b'<' | b'>' | b'=' | b'!') && bytes.get(i + 1) == Some(&b'=') {
            i += 2;
        } else {
            // One character (possibly multi-byte).
            i += text
                .get(i..)
                .and_then(|r| r.chars().next())
                .map_or(1, char::len_utf8);
        }
        code.push(Tok {
            start,
            end: i.min(text.len()),
            newlines,
        });
        newlines = 0;
        any = true;
    }
    (code, comments)
}

/// One logical line before breaking: a declaration or a member.
struct Unit {
    first: usize,
    /// Exclusive.
    end: usize,
    indent: usize,
    /// Token indices that start a clause.
    clauses: Vec<usize>,
    /// For `require`: the condition's first token and its top-level `or`/`and` tokens.
    head_expr: Option<(usize, Vec<usize>)>,
    /// Clause token -> the top-level `or`/`and` tokens of its condition (`when`).
    clause_ops: HashMap<usize, Vec<usize>>,
    /// Where a line still too long may break, filled greedily: first at every `and`/`or`, then at
    /// list items after the first (`serves a, b, c`, `in ["A", "B"]`).
    soft: [Vec<usize>; 2],
}

struct Layout<'a> {
    text: &'a str,
    code: &'a [Tok],
    comments: &'a [Comment],
    by_offset: HashMap<usize, usize>,
    /// Some(indent): the token starts a line.
    brk: Vec<Option<usize>>,
    /// Indent of a continuation line if a comment forces the token onto a new line.
    fallback: Vec<usize>,
    /// Indent of an own-line comment before the token, when it differs from the token's.
    comment_indent: Vec<Option<usize>>,
    /// A blank line before this token (or its leading comments) is kept.
    blank_ok: Vec<bool>,
}

impl<'a> Layout<'a> {
    fn new(text: &'a str, code: &'a [Tok], comments: &'a [Comment], root: Pair<'a, Rule>) -> Self {
        let n = code.len();
        let mut l = Layout {
            text,
            code,
            comments,
            by_offset: code.iter().enumerate().map(|(i, t)| (t.start, i)).collect(),
            brk: vec![None; n],
            fallback: vec![4; n],
            comment_indent: vec![None; n],
            blank_ok: vec![false; n],
        };
        for item in root.into_inner().filter(|p| p.as_rule() != Rule::EOI) {
            l.item(item);
        }
        l
    }

    fn tok(&self, offset: usize) -> Option<usize> {
        self.by_offset.get(&offset).copied()
    }

    /// First token at or after byte offset `end` (the token after a pair).
    fn tok_after(&self, end: usize) -> usize {
        self.code.partition_point(|t| t.start < end)
    }

    fn tok_text(&self, i: usize) -> &'a str {
        self.code
            .get(i)
            .and_then(|t| self.text.get(t.start..t.end))
            .unwrap_or("")
    }

    fn flat(&self, from: usize, to: usize) -> String {
        let mut s = String::new();
        for i in from..to {
            if i > from && space(self.tok_text(i - 1), self.tok_text(i)) {
                s.push(' ');
            }
            s.push_str(self.tok_text(i));
        }
        s
    }

    fn width(&self, from: usize, to: usize) -> usize {
        self.flat(from, to).chars().count()
    }

    /// Is there a comment before any token in `(from, to)`, i.e. inside the range?
    fn comment_inside(&self, from: usize, to: usize) -> bool {
        self.comments
            .iter()
            .any(|c| c.before > from && c.before < to)
    }

    fn range(&self, p: &Pair<'_, Rule>) -> (usize, usize) {
        let s = p.as_span();
        let first = self
            .tok(s.start())
            .unwrap_or_else(|| self.tok_after(s.start()));
        (first, self.tok_after(s.end()))
    }

    fn item(&mut self, item: Pair<'a, Rule>) {
        let (first, end) = self.range(&item);
        if first >= end {
            return;
        }
        set(&mut self.blank_ok, first, true);
        match item.as_rule() {
            Rule::authority | Rule::restriction | Rule::program => {
                // `authority ID {` members `}`
                let members: Vec<Pair<'a, Rule>> = item
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::ident)
                    .collect();
                set(&mut self.brk, first, Some(0));
                let close = end - 1;
                set(&mut self.brk, close, Some(0));
                set(&mut self.comment_indent, close, Some(4));
                for (k, m) in members.into_iter().enumerate() {
                    let (mf, me) = self.range(&m);
                    if mf < me {
                        set(&mut self.blank_ok, mf, k > 0);
                        self.member(m, 4);
                    }
                }
                self.fallback_from(first, end);
            }
            Rule::partner_decl | Rule::value_decl => {
                // A value's history is always one entry a line, oldest first.
                let history = item.as_rule() == Rule::value_decl;
                let members: Vec<Pair<'a, Rule>> = item
                    .clone()
                    .into_inner()
                    .filter(|p| matches!(p.as_rule(), Rule::membership | Rule::history_entry))
                    .collect();
                set(&mut self.brk, first, Some(0));
                let close = end - 1;
                let one_line = !history
                    && members.len() <= 1
                    && !self.comment_inside(first, end)
                    && self.width(first, end) <= WIDTH;
                if !one_line {
                    set(&mut self.brk, close, Some(0));
                    set(&mut self.comment_indent, close, Some(4));
                    for m in members {
                        self.member(m, 4);
                    }
                }
                self.fallback_from(first, end);
            }
            _ => self.declaration(item, first, end),
        }
    }

    /// A one-line declaration (`purpose`, `activity`, `fact`, `group`) as one unit whose clauses
    /// may break.
    fn declaration(&mut self, item: Pair<'a, Rule>, first: usize, end: usize) {
        let mut clauses = Vec::new();
        let inner: Vec<Pair<'a, Rule>> = item.clone().into_inner().collect();
        match item.as_rule() {
            Rule::purpose_decl => {
                if let Some(parent) = inner.get(2) {
                    // the `is` keyword just before the parent
                    let (pf, _) = self.range(parent);
                    clauses.push(pf.saturating_sub(1));
                }
            }
            Rule::fact_decl | Rule::activity_decl => {
                // the meaning string, always last
                if let Some(m) = inner.last() {
                    clauses.push(self.range(m).0);
                }
            }
            Rule::group_decl => {
                for p in inner.iter().skip(2) {
                    let (pf, _) = self.range(p);
                    match p.as_rule() {
                        Rule::ident_list => clauses.push(pf.saturating_sub(1)),
                        _ => clauses.push(pf),
                    }
                }
            }
            _ => {}
        }
        let unit = Unit {
            first,
            end,
            indent: 0,
            clauses,
            head_expr: None,
            clause_ops: HashMap::new(),
            soft: [Vec::new(), Vec::new()],
        };
        self.unit(&unit);
    }

    /// A member of a block (attribute or rule) or a partner's membership, at `indent`.
    fn member(&mut self, m: Pair<'a, Rule>, indent: usize) {
        let (first, end) = self.range(&m);
        if first >= end {
            return;
        }
        let mut unit = Unit {
            first,
            end,
            indent,
            clauses: Vec::new(),
            head_expr: None,
            clause_ops: HashMap::new(),
            soft: [Vec::new(), Vec::new()],
        };
        for p in m.clone().into_inner().flatten() {
            match p.as_rule() {
                Rule::ident_list | Rule::list | Rule::string_list => unit.soft[1].extend(
                    p.into_inner()
                        .skip(1)
                        .filter_map(|i| self.tok(i.as_span().start())),
                ),
                Rule::kw_and | Rule::kw_or => unit.soft[0].extend(self.tok(p.as_span().start())),
                _ => {}
            }
        }
        for p in m.into_inner() {
            let (pf, _) = self.range(&p);
            match p.as_rule() {
                Rule::when => {
                    unit.clauses.push(pf);
                    if let Some(e) = p.into_inner().next() {
                        let ops = self.top_ops(e);
                        unit.clause_ops.insert(pf, ops);
                    }
                }
                Rule::because | Rule::cite | Rule::unconfirmed => unit.clauses.push(pf),
                Rule::expr => {
                    let ops = self.top_ops(p);
                    unit.head_expr = Some((pf, ops));
                }
                // A duty's timing may move to its own line, like a condition.
                Rule::timing => unit.head_expr = Some((pf, Vec::new())),
                _ => {}
            }
        }
        self.unit(&unit);
    }

    /// The tokens of an expression's top-level `or`s, else of its top-level `and`s.
    fn top_ops(&self, expr: Pair<'a, Rule>) -> Vec<usize> {
        let Some(or) = expr.into_inner().next() else {
            return Vec::new();
        };
        let ors: Vec<usize> = or
            .clone()
            .into_inner()
            .filter(|p| p.as_rule() == Rule::kw_or)
            .filter_map(|p| self.tok(p.as_span().start()))
            .collect();
        if !ors.is_empty() {
            return ors;
        }
        or.into_inner()
            .next()
            .map(|and| {
                and.into_inner()
                    .filter(|p| p.as_rule() == Rule::kw_and)
                    .filter_map(|p| self.tok(p.as_span().start()))
                    .collect()
            })
            .unwrap_or_default()
    }

    fn unit(&mut self, u: &Unit) {
        let b = u.indent;
        set(&mut self.brk, u.first, Some(b));
        let fits = !self.comment_inside(u.first, u.end) && b + self.width(u.first, u.end) <= WIDTH;
        if !fits {
            for &c in &u.clauses {
                if c > u.first && c < u.end {
                    set(&mut self.brk, c, Some(b + 4));
                }
            }
            // Segments between clause starts.
            let mut starts: Vec<usize> = vec![u.first];
            starts.extend(
                u.clauses
                    .iter()
                    .copied()
                    .filter(|&c| c > u.first && c < u.end),
            );
            for (k, &s) in starts.iter().enumerate() {
                let e = starts.get(k + 1).copied().unwrap_or(u.end);
                let ind = if k == 0 { b } else { b + 4 };
                if ind + self.width(s, e) <= WIDTH {
                    continue;
                }
                if k == 0 {
                    if let Some((ef, ops)) = &u.head_expr {
                        if *ef > s && *ef < e {
                            set(&mut self.brk, *ef, Some(b + 4));
                            if b + 4 + self.width(*ef, e) > WIDTH {
                                for &o in ops.iter().filter(|&&o| o > *ef && o < e) {
                                    set(&mut self.brk, o, Some(b + 8));
                                }
                            }
                        }
                    }
                } else if let Some(ops) = u.clause_ops.get(&s) {
                    for &o in ops.iter().filter(|&&o| o > s && o < e) {
                        set(&mut self.brk, o, Some(ind + 4));
                    }
                }
            }
        }
        // Lines still too long: fill them greedily at the soft break points.
        for soft in u.soft.iter().filter(|_| !fits) {
            let mut ls = u.first;
            while ls < u.end {
                let ind = self.brk.get(ls).copied().flatten().unwrap_or(b);
                let mut le = ls + 1;
                while le < u.end && self.brk.get(le).copied().flatten().is_none() {
                    le += 1;
                }
                if ind + self.width(ls, le) > WIDTH {
                    let mut points: Vec<usize> =
                        soft.iter().copied().filter(|&t| t > ls && t < le).collect();
                    points.sort_unstable();
                    self.fill(ls, le, &points, ind, ind + 4);
                }
                ls = le;
            }
        }
        self.fallback_from(u.first, u.end);
    }

    /// Greedy fill of the line `[from, to)`: a chunk between break points that would pass the
    /// width starts a continuation line at `cont`.
    fn fill(&mut self, from: usize, to: usize, points: &[usize], indent: usize, cont: usize) {
        let mut starts = vec![from];
        starts.extend_from_slice(points);
        let mut col = indent;
        for (k, &s) in starts.iter().enumerate() {
            let e = starts.get(k + 1).copied().unwrap_or(to);
            let w = self.width(s, e);
            if k == 0 {
                col += w;
            } else if col + 1 + w > WIDTH {
                set(&mut self.brk, s, Some(cont));
                col = cont + w;
            } else {
                col += 1 + w;
            }
        }
    }

    /// A token pushed to a new line by a comment continues 4 deeper than its line.
    fn fallback_from(&mut self, first: usize, end: usize) {
        let mut line = 0;
        for i in first..end {
            if let Some(ind) = self.brk.get(i).copied().flatten() {
                line = ind;
            }
            if let Some(f) = self.fallback.get_mut(i) {
                *f = line + 4;
            }
        }
    }

    fn render(&self) -> String {
        let mut out = Out::default();
        let mut ci = 0;
        for i in 0..=self.code.len() {
            let own_indent = self
                .comment_indent
                .get(i)
                .copied()
                .flatten()
                .or_else(|| self.brk.get(i).copied().flatten())
                .or_else(|| self.fallback.get(i).copied())
                .unwrap_or(0);
            let blank_ok_here = i >= self.code.len()
                || self.blank_ok.get(i).copied().unwrap_or(false)
                || (self.comment_indent.get(i).copied().flatten().is_some()
                    && i > 0
                    && self.tok_text(i - 1) != "{");
            while let Some(c) = self.comments.get(ci).filter(|c| c.before == i) {
                if c.trailing && !out.at_line_start() {
                    out.push_str(" ");
                    out.push_str(&c.text);
                    out.newline();
                } else {
                    if c.newlines >= 2 && blank_ok_here {
                        out.blank();
                    } else {
                        out.newline();
                    }
                    out.indent(own_indent);
                    out.push_str(&c.text);
                    out.newline();
                }
                ci += 1;
            }
            let Some(t) = self.code.get(i) else {
                break;
            };
            let text = self.tok_text(i);
            match self.brk.get(i).copied().flatten() {
                Some(ind) => {
                    if t.newlines >= 2 && self.blank_ok.get(i).copied().unwrap_or(false) {
                        out.blank();
                    } else {
                        out.newline();
                    }
                    out.indent(ind);
                }
                None if out.at_line_start() => {
                    out.indent(self.fallback.get(i).copied().unwrap_or(4));
                }
                None => {
                    if i > 0 && space(self.tok_text(i - 1), text) {
                        out.push_str(" ");
                    }
                }
            }
            out.push_str(text);
        }
        out.newline();
        out.buf
    }
}

/// `v[i] = x`, ignoring an index out of range (which the layout never produces).
fn set<T>(v: &mut [T], i: usize, x: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = x;
    }
}

/// One space between two tokens, except around brackets and before `,` and `:`.
fn space(prev: &str, next: &str) -> bool {
    !matches!(next, "," | ":" | ")" | "]") && !matches!(prev, "(" | "[")
}

#[derive(Default)]
struct Out {
    buf: String,
}

impl Out {
    fn at_line_start(&self) -> bool {
        self.buf.is_empty() || self.buf.ends_with('\n')
    }
    fn newline(&mut self) {
        if !self.at_line_start() {
            self.buf.push('\n');
        }
    }
    /// One blank line, unless at the file start, after another blank or after an opening brace.
    fn blank(&mut self) {
        self.newline();
        let opened = self.buf.trim_end().ends_with('{');
        if !self.buf.is_empty() && !self.buf.ends_with("\n\n") && !opened {
            self.buf.push('\n');
        }
    }
    fn indent(&mut self, n: usize) {
        self.buf.extend(std::iter::repeat_n(' ', n));
    }
    fn push_str(&mut self, s: &str) {
        self.buf.push_str(s);
    }
}

/// A diagnostic for a file `fmt --check` finds unformatted: the first line that differs.
pub fn unformatted(file: &str, text: &str, formatted: &str) -> Diagnostic {
    let mut offset = 0;
    for (a, b) in text
        .split_inclusive('\n')
        .zip(formatted.split_inclusive('\n'))
    {
        if a != b {
            break;
        }
        offset += a.len();
    }
    Diagnostic::at(
        file,
        text,
        Span::new(offset, offset + 1),
        Severity::Error,
        "E0401",
        "not formatted: run `authsel fmt` on this file",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(s: &str) -> String {
        match format_source("t.auth", s) {
            Ok(s) => s,
            Err(d) => panic!("{}", d.iter().map(ToString::to_string).collect::<String>()),
        }
    }

    #[test]
    fn canonical_spacing_and_indent() {
        let src = "purpose  a \"x\"\nauthority   z{name \"Z\" citation \"C\"\n serves a cite \"c\"\n\n\n  require r : amount_usd<=$5M when (recipient in[NationalMilitary ,OtherSecurityForces]) cite \"c\"}\n";
        let out = fmt(src);
        assert_eq!(
            out,
            "purpose a \"x\"\nauthority z {\n    name \"Z\"\n    citation \"C\"\n    serves a cite \"c\"\n\n    require r: amount_usd <= $5M\n        when (recipient in [NationalMilitary, OtherSecurityForces])\n        cite \"c\"\n}\n"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn keeps_comments_where_they_were() {
        let src = "// head\n\n// about a\npurpose a \"x\" // trailing\nauthority z { // open\n    name \"Z\"\n    // inside\n    citation \"C\"\n    require r: amount_usd <= $5M // mid\n        cite \"c\"\n    // last\n}\n// tail\n";
        let out = fmt(src);
        assert_eq!(out, src, "already canonical");
        let messy = src
            .replace("\n    ", "\n ")
            .replace("// mid\n        ", "// mid\n");
        assert_eq!(fmt(&messy), src);
    }

    #[test]
    fn long_rules_break_at_clauses_then_conditions() {
        let src = format!(
            "authority z {{ name \"Z\" citation \"C\" require r: amount_usd <= $5M when recipient in [NationalMilitary] and not purposes has a and not purposes has b because \"{}\" cite \"c\" }}",
            "w".repeat(60)
        );
        let src = format!("purpose a \"x\"\npurpose b \"y\"\n{src}\n");
        let out = fmt(&src);
        assert!(
            out.contains("    require r: amount_usd <= $5M\n        when recipient in [NationalMilitary] and not purposes has a and not purposes has b\n        because"),
            "{out}"
        );
        assert_eq!(fmt(&out), out);
    }

    #[test]
    fn syntax_errors_are_reported_not_formatted() {
        let Err(d) = format_source("t.auth", "authority {") else {
            panic!("accepted")
        };
        assert_eq!(d[0].code, "E0001");
    }

    #[test]
    fn strip_spans_removes_positions() {
        assert_eq!(
            strip_spans("Ident { name: \"a\", span: Span { start: 1, end: 2 } }"),
            "Ident { name: \"a\", span: Span }"
        );
    }
}
