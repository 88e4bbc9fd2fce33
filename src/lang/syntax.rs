//! Text to syntax tree. Knows nothing about authorities; never panics; reports every syntax error it
//! can find (it restarts at each top-level declaration after an error).

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lang::ast::*;
use crate::lang::limits::{too_deep, MAX_DEPTH, MAX_FILE_BYTES};
use crate::lang::locate::Locator;
use pest::iterators::Pair;
use pest::Parser;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/authsel.pest"]
struct RuleParser;

const TOP_KEYWORDS: [&str; 8] = [
    "purpose",
    "activity",
    "fact",
    "value",
    "group",
    "partner",
    "authority",
    "restriction",
];

/// The raw parse tree of a whole file, for tools that need every clause's span (`format`).
pub(crate) fn parse_tree(text: &str) -> Result<pest::iterators::Pairs<'_, Rule>, ()> {
    RuleParser::parse(Rule::file, text).map_err(|_| ())
}

/// Parses one rule file. Returns the items that parsed and a diagnostic for every error.
pub fn parse_file(file: &str, text: &str) -> (Vec<Item>, Vec<Diagnostic>) {
    let mut items = Vec::new();
    let mut diags = Vec::new();
    let mut loc = Locator::new(file, text);
    if let Some(d) = over_limits(&mut loc, text) {
        return (items, vec![d]);
    }
    match parse_chunk(&mut loc, 0, text) {
        Ok(mut parsed) => items.append(&mut parsed),
        Err(_) => {
            // Recover: parse each top-level declaration on its own so one error hides no other.
            for (start, end) in chunks(text) {
                let chunk = text.get(start..end).unwrap_or("");
                match parse_chunk(&mut loc, start, chunk) {
                    Ok(mut parsed) => items.append(&mut parsed),
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    (items, diags)
}

/// A file too large (E0112) or nested too deep (E0111) for the parser: refused before pest, whose
/// recursive descent (like every walk of its output) would otherwise exhaust the stack.
fn over_limits(loc: &mut Locator, text: &str) -> Option<Diagnostic> {
    let (at, code, message) = if text.len() > MAX_FILE_BYTES {
        let mut at = MAX_FILE_BYTES;
        while !text.is_char_boundary(at) {
            at -= 1;
        }
        (
            at,
            "E0112",
            format!("rule file larger than {MAX_FILE_BYTES} bytes"),
        )
    } else {
        (
            too_deep(text)?,
            "E0111",
            format!("nesting deeper than {MAX_DEPTH} levels (brackets and chained `not`s count)"),
        )
    };
    Some(loc.at(Span::new(at, at + 1), Severity::Error, code, message))
}

/// Byte ranges that start at a line beginning (column 1) with a top-level keyword.
fn chunks(text: &str) -> Vec<(usize, usize)> {
    let mut starts = vec![0];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let first = line
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        if offset > 0 && TOP_KEYWORDS.contains(&first) {
            starts.push(offset);
        }
        offset += line.len();
    }
    let mut ranges = Vec::new();
    for (i, s) in starts.iter().enumerate() {
        let e = starts.get(i + 1).copied().unwrap_or(text.len());
        ranges.push((*s, e));
    }
    ranges
}

/// Parses `chunk`, the text at byte `base` of the file `loc` locates in.
fn parse_chunk(loc: &mut Locator, base: usize, chunk: &str) -> Result<Vec<Item>, Diagnostic> {
    let pairs = RuleParser::parse(Rule::file, chunk).map_err(|e| {
        let pos = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let message = match &e.variant {
            pest::error::ErrorVariant::ParsingError { positives, .. } => {
                let mut names: Vec<&str> = positives.iter().map(|r| describe(*r)).collect();
                names.sort_unstable();
                names.dedup();
                if names.is_empty() {
                    "unexpected input".to_string()
                } else {
                    format!("expected {}", names.join(", "))
                }
            }
            pest::error::ErrorVariant::CustomError { message } => message.clone(),
        };
        let found = found_token(chunk, pos);
        loc.at(
            Span::new(base + pos, base + pos + found.len().max(1)),
            Severity::Error,
            "E0001",
            format!("syntax error: {message}, found {}", show_found(found)),
        )
    })?;
    let mut b = Builder { base, error: None };
    let mut items = Vec::new();
    for pair in pairs.flatten().filter(|p| p.as_rule() != Rule::file) {
        if let Some(item) = b.item(pair) {
            items.push(item);
        }
    }
    match b.error {
        Some((span, msg)) => Err(loc.at(span, Severity::Error, "E0002", msg)),
        None => Ok(items),
    }
}

fn found_token(chunk: &str, pos: usize) -> &str {
    let rest = chunk.get(pos..).unwrap_or("");
    let end = rest
        .char_indices()
        .find(|(_, c)| c.is_whitespace())
        .map_or(rest.len(), |(i, _)| i);
    rest.get(..end.min(40)).unwrap_or("")
}

fn show_found(found: &str) -> String {
    if found.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{found}`")
    }
}

/// A friendly name for a grammar rule in "expected ..." messages.
fn describe(rule: Rule) -> &'static str {
    match rule {
        Rule::EOI => "end of file",
        Rule::ident | Rule::ident_list => "a name",
        Rule::string | Rule::string_list => "a \"string\"",
        Rule::money => "a dollar amount like `$100M`",
        Rule::date => "a date like `2027-03-01`",
        Rule::int => "a number",
        Rule::cite => "`cite \"...\"`",
        Rule::expr | Rule::or_expr | Rule::and_expr | Rule::unary | Rule::value => "a condition",
        Rule::cmp => "a comparison (`<=`, `==`, ...)",
        Rule::timing
        | Rule::days_before
        | Rule::days_after
        | Rule::at_start
        | Rule::no_deadline => {
            "a timing (`15 days before start`, `before start`, `periodic \"...\"`)"
        }
        Rule::list => "a list `[...]`",
        Rule::fact_type => "a fact type (bool, usd, int, months, date, string)",
        Rule::purpose_decl
        | Rule::activity_decl
        | Rule::fact_decl
        | Rule::group_decl
        | Rule::partner_decl
        | Rule::authority
        | Rule::restriction
        | Rule::program => "a declaration (`authority`, `restriction`, `program`, `purpose`, ...)",
        Rule::membership => "`member GROUP from DATE`",
        Rule::value_decl => "a declaration (`authority`, `restriction`, `purpose`, ...)",
        Rule::value_type => "a value type (usd, int, months, days)",
        Rule::history_entry => "`from DATE VALUE cite \"...\"`",
        Rule::history_to => "`to DATE`",
        Rule::fiscal_year => "a fiscal year like `FY2017`",
        Rule::value_ref => "`value.NAME`",
        Rule::when => "`when`",
        Rule::because => "`because`",
        Rule::remedy => "`remedy`",
        Rule::unconfirmed => "`unconfirmed`",
        Rule::within => "`within`",
        Rule::to => "`to \"...\"`",
        Rule::has_op => "`has`, `any` or `all`",
        Rule::not_op | Rule::not_in => "`not`",
        Rule::arith => "`+` or `-`",
        Rule::fact_default => "a default value",
        Rule::require_rule | Rule::ceiling_rule | Rule::duty_rule => {
            "a rule (`require`, `ceiling`, `duty`)"
        }
        _ => "an authority member (`name`, `serves`, `require`, ...) or `}`",
    }
}

/// Builds the syntax tree of one chunk; keeps its first bad literal (E0002), the chunk's error.
struct Builder {
    base: usize,
    error: Option<(Span, String)>,
}

impl Builder {
    fn span(&self, p: &Pair<'_, Rule>) -> Span {
        let s = p.as_span();
        Span::new(self.base + s.start(), self.base + s.end())
    }

    fn error(&mut self, span: Span, msg: String) {
        if self.error.is_none() {
            self.error = Some((span, msg));
        }
    }

    fn ident(&self, p: Pair<'_, Rule>) -> Ident {
        Ident {
            name: p.as_str().to_string(),
            span: self.span(&p),
        }
    }

    fn idents(&self, p: Pair<'_, Rule>) -> Vec<Ident> {
        p.into_inner().map(|i| self.ident(i)).collect()
    }

    fn string(&self, p: Pair<'_, Rule>) -> Str {
        let span = self.span(&p);
        let raw = p.into_inner().next().map_or("", |i| i.as_str());
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some('n') => value.push('\n'),
                    Some(other) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        Str { value, span }
    }

    fn strings(&self, p: Pair<'_, Rule>) -> Vec<Str> {
        p.into_inner().map(|s| self.string(s)).collect()
    }

    fn date(&mut self, p: Pair<'_, Rule>) -> DateLit {
        let span = self.span(&p);
        let date = match p.as_str().parse::<jiff::civil::Date>() {
            Ok(d) => d,
            Err(_) => {
                self.error(span, format!("`{}` is not a calendar date", p.as_str()));
                jiff::civil::Date::constant(2000, 1, 1)
            }
        };
        DateLit { date, span }
    }

    fn cite(&self, p: Pair<'_, Rule>) -> Str {
        // cite = { "cite" ~ string }
        let s = p.into_inner().next();
        s.map_or(
            Str {
                value: String::new(),
                span: Span::default(),
            },
            |s| self.string(s),
        )
    }

    fn item(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let rule = p.as_rule();
        match rule {
            Rule::purpose_decl => {
                let mut inner = p.into_inner();
                let id = self.ident(inner.next()?);
                let meaning = self.string(inner.next()?);
                let (mut parent, mut aka) = (None, Vec::new());
                for part in inner {
                    match part.as_rule() {
                        Rule::aka_attr => aka = self.aka(part),
                        _ => parent = Some(self.ident(part)),
                    }
                }
                Some(Item::Purpose {
                    id,
                    meaning,
                    parent,
                    aka,
                })
            }
            Rule::activity_decl => {
                let mut inner = p.into_inner();
                let id = self.ident(inner.next()?);
                let meaning = self.string(inner.next()?);
                let aka = inner.next().map(|a| self.aka(a)).unwrap_or_default();
                Some(Item::Activity { id, meaning, aka })
            }
            Rule::fact_decl => self.fact(p),
            Rule::value_decl => self.value_decl(p),
            Rule::group_decl => self.group(p),
            Rule::partner_decl => self.partner(p),
            Rule::authority | Rule::restriction | Rule::program => self.block(p),
            _ => None,
        }
    }

    fn fact(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let mut inner = p.into_inner();
        let id = self.ident(inner.next()?);
        let ty = self.ident(inner.next()?);
        // `= DEFAULT` is optional; the meaning string always comes last.
        let rest: Vec<Pair<'_, Rule>> = inner.collect();
        let (default, meaning) = match rest.as_slice() {
            [m] => (None, self.string(m.clone())),
            [d, m] => (self.literal(d.clone()), self.string(m.clone())),
            _ => return None,
        };
        Some(Item::Fact {
            id,
            ty,
            default,
            meaning,
        })
    }

    fn group(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let mut inner = p.into_inner();
        let id = self.ident(inner.next()?);
        let meaning = self.string(inner.next()?);
        let mut includes = Vec::new();
        let mut cite = None;
        for rest in inner {
            match rest.as_rule() {
                Rule::ident_list => includes = self.idents(rest),
                _ => cite = Some(self.cite(rest)),
            }
        }
        Some(Item::Group {
            id,
            meaning,
            includes,
            cite: cite?,
        })
    }

    fn partner(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let mut inner = p.into_inner();
        let name = self.string(inner.next()?);
        let mut aka = Vec::new();
        let mut members = Vec::new();
        for rest in inner {
            match rest.as_rule() {
                Rule::string_list => aka = self.strings(rest),
                _ => members.push(self.partner_membership(rest)?),
            }
        }
        Some(Item::Partner { name, aka, members })
    }

    fn partner_membership(&mut self, p: Pair<'_, Rule>) -> Option<Membership> {
        let mut m = p.into_inner();
        let group = self.ident(m.next()?);
        let from = self.date(m.next()?);
        let mut to = None;
        let mut cite = None;
        for r in m {
            match r.as_rule() {
                Rule::date => to = Some(self.date(r)),
                _ => cite = Some(self.cite(r)),
            }
        }
        Some(Membership {
            group,
            from,
            to,
            cite: cite?,
        })
    }

    /// `aka "A", "B"`.
    fn aka(&self, p: Pair<'_, Rule>) -> Vec<Str> {
        p.into_inner()
            .next()
            .map(|l| self.strings(l))
            .unwrap_or_default()
    }

    fn block(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&p);
        let kind = match p.as_rule() {
            Rule::authority => BlockKind::Authority,
            Rule::program => BlockKind::Program,
            _ => BlockKind::Restriction,
        };
        let mut inner = p.into_inner();
        let id = self.ident(inner.next()?);
        let members = inner.filter_map(|m| self.member(m)).collect();
        Some(Item::Block(Block {
            kind,
            id,
            members,
            span,
        }))
    }

    fn list_and_cite(&self, p: Pair<'_, Rule>) -> Option<(Vec<Ident>, Option<Str>)> {
        let mut inner = p.into_inner();
        let list = self.idents(inner.next()?);
        let cite = inner.next().map(|c| self.cite(c));
        Some((list, cite))
    }

    fn dated(&mut self, p: Pair<'_, Rule>) -> Option<DateAttr> {
        let mut inner = p.into_inner();
        let date = self.date(inner.next()?);
        let (mut cite, mut unconfirmed) = (None, None);
        for part in inner {
            match part.as_rule() {
                Rule::cite => cite = Some(self.cite(part)),
                Rule::unconfirmed => unconfirmed = part.into_inner().next().map(|s| self.string(s)),
                _ => {}
            }
        }
        Some(DateAttr {
            date,
            cite,
            unconfirmed,
        })
    }

    /// `value ID: TYPE "meaning" { entries }`.
    fn value_decl(&mut self, p: Pair<'_, Rule>) -> Option<Item> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let id = self.ident(inner.next()?);
        let ty = self.ident(inner.next()?);
        let meaning = self.string(inner.next()?);
        let mut entries = Vec::new();
        for e in inner {
            entries.push(self.history_entry(e)?);
        }
        Some(Item::Value(ValueDecl {
            id,
            ty,
            meaning,
            entries,
            span,
        }))
    }

    /// `from KEY [to KEY] VALUE cite ".." [unconfirmed ".."]`.
    fn history_entry(&mut self, p: Pair<'_, Rule>) -> Option<HistoryEntry> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let from = self.history_key(inner.next()?);
        let mut to = None;
        let mut value = None;
        let mut cite = None;
        let mut unconfirmed = None;
        for part in inner {
            match part.as_rule() {
                Rule::history_to => to = Some(self.history_key(part.into_inner().next()?)),
                Rule::cite => cite = Some(self.cite(part)),
                Rule::unconfirmed => unconfirmed = part.into_inner().next().map(|s| self.string(s)),
                _ => value = self.literal(part),
            }
        }
        Some(HistoryEntry {
            from,
            to,
            value: value?,
            cite: cite?,
            unconfirmed,
            span,
        })
    }

    /// A date or `FY2017`.
    fn history_key(&mut self, p: Pair<'_, Rule>) -> (KeyLit, Span) {
        let span = self.span(&p);
        if p.as_rule() == Rule::fiscal_year {
            let year = p.as_str().get(2..).and_then(|y| y.parse::<i16>().ok());
            return (KeyLit::FiscalYear(year.unwrap_or(0)), span);
        }
        (KeyLit::Date(self.date(p).date), span)
    }

    fn member(&mut self, p: Pair<'_, Rule>) -> Option<Member> {
        let rule = p.as_rule();
        Some(match rule {
            Rule::name_attr => Member::Name(self.string(p.into_inner().next()?)),
            Rule::citation_attr => Member::Citation(self.string(p.into_inner().next()?)),
            Rule::caveat_attr => Member::Caveat(self.string(p.into_inner().next()?)),
            Rule::aka_attr => Member::Aka(self.aka(p)),
            Rule::under_attr => Member::Under(self.idents(p.into_inner().next()?)),
            Rule::scope_attr => Member::Scope(self.string(p.into_inner().next()?)),
            Rule::title_attr => {
                let n = p.into_inner().next()?;
                let s = self.span(&n);
                match parse_int(n.as_str()).and_then(|v| u32::try_from(v).ok()) {
                    Some(v) => Member::Title(v, s),
                    None => {
                        self.error(s, format!("`{}` is not a title number", n.as_str()));
                        return None;
                    }
                }
            }
            Rule::admin_attr => Member::AdministeredBy(self.ident(p.into_inner().next()?)),
            Rule::exec_attr => Member::ExecutedBy(self.ident(p.into_inner().next()?)),
            Rule::effective_attr => Member::Effective(self.dated(p)?),
            Rule::expires_attr => Member::Expires(self.dated(p)?),
            Rule::repealed_attr => Member::Repealed(self.dated(p)?),
            Rule::supersedes_attr => Member::Supersedes(self.idents(p.into_inner().next()?)),
            Rule::apply_attr => Member::Apply(self.idents(p.into_inner().next()?)),
            Rule::serves_attr => {
                let (l, c) = self.list_and_cite(p)?;
                Member::Serves(l, c)
            }
            Rule::provides_attr => {
                let (l, c) = self.list_and_cite(p)?;
                Member::Provides(l, c)
            }
            Rule::recipients_attr => {
                let (l, c) = self.list_and_cite(p)?;
                Member::Recipients(l, c)
            }
            Rule::funding_attr => {
                let (l, c) = self.list_and_cite(p)?;
                Member::Funding(l, c)
            }
            Rule::require_rule | Rule::ceiling_rule | Rule::duty_rule => self.rule(p)?,
            _ => return None,
        })
    }

    /// A `require`, `ceiling` or `duty` member.
    fn rule(&mut self, p: Pair<'_, Rule>) -> Option<Member> {
        let span = self.span(&p);
        let rule = p.as_rule();
        let mut inner = p.into_inner();
        let name = self.ident(inner.next()?);
        let mut expr = None;
        let mut amount = None;
        let mut within = None;
        let mut kind = None;
        let mut to = None;
        let mut timing = None;
        let mut precedes = None;
        let mut when = None;
        let mut because = None;
        let mut remedy = None;
        let mut cite = None;
        let mut unconfirmed = None;
        for part in inner {
            match part.as_rule() {
                Rule::expr => expr = self.expr(part),
                Rule::money => amount = self.literal(part).map(Amount::Literal),
                Rule::value_ref => {
                    amount = part
                        .into_inner()
                        .next()
                        .map(|i| Amount::Value(self.ident(i)))
                }
                Rule::within => within = part.into_inner().next().map(|i| self.ident(i)),
                Rule::ident => kind = Some(self.ident(part)),
                Rule::to => to = part.into_inner().next().map(|s| self.string(s)),
                Rule::timing => timing = self.timing(part),
                Rule::precedes => precedes = part.into_inner().next().map(|i| self.ident(i)),
                Rule::when => when = part.into_inner().next().and_then(|e| self.expr(e)),
                Rule::because => because = part.into_inner().next().map(|s| self.string(s)),
                Rule::remedy => remedy = part.into_inner().next().map(|s| self.string(s)),
                Rule::cite => cite = Some(self.cite(part)),
                Rule::unconfirmed => unconfirmed = part.into_inner().next().map(|s| self.string(s)),
                _ => {}
            }
        }
        let head = RuleHead {
            name,
            when,
            because,
            remedy,
            cite: cite?,
            unconfirmed,
            span,
        };
        Some(match rule {
            Rule::require_rule => Member::Require(head, expr?),
            Rule::ceiling_rule => Member::Ceiling(head, amount?, within),
            _ => Member::Duty(head, kind?, to, timing?, precedes),
        })
    }

    fn timing(&mut self, p: Pair<'_, Rule>) -> Option<Timing> {
        let t = p.into_inner().next()?;
        let rule = t.as_rule();
        Some(match rule {
            Rule::at_start => Timing::Before(anchor(t.into_inner().next()?)),
            Rule::no_deadline => Timing::Periodic(self.string(t.into_inner().next()?)),
            _ => {
                let mut inner = t.into_inner();
                let n = inner.next()?;
                let s = self.span(&n);
                let days = match parse_int(n.as_str()).and_then(|v| u32::try_from(v).ok()) {
                    Some(d) => d,
                    None => {
                        self.error(s, format!("`{}` is too many days", n.as_str()));
                        0
                    }
                };
                let session = inner.next().is_some_and(|u| u.as_str() == "session_days");
                if rule == Rule::days_before {
                    let anchor = anchor(inner.next()?);
                    Timing::DaysBefore {
                        days,
                        session,
                        anchor,
                    }
                } else {
                    Timing::DaysAfter { days, session }
                }
            }
        })
    }

    /// A condition. Wrappers with one part (`expr`, a lone `or`/`and` operand, brackets) are
    /// unwrapped in a loop and a chain of `not`s is counted, so the recursion is one small frame
    /// per `and`/`or` level; the depth itself is bounded by `limits::MAX_DEPTH`.
    fn expr(&mut self, p: Pair<'_, Rule>) -> Option<Expr> {
        let mut p = p;
        // (span, `not`s): applied innermost first once the operand is built.
        let mut nots: Vec<Span> = Vec::new();
        let e = loop {
            match p.as_rule() {
                Rule::expr => p = p.into_inner().next()?,
                Rule::or_expr | Rule::and_expr => {
                    let mut parts = p
                        .clone()
                        .into_inner()
                        .filter(|e| !matches!(e.as_rule(), Rule::kw_and | Rule::kw_or));
                    let first = parts.next()?;
                    if parts.next().is_some() {
                        break self.junction(p)?;
                    }
                    p = first;
                }
                Rule::unary => {
                    let span = self.span(&p);
                    let mut inner = p.into_inner();
                    let first = inner.next()?;
                    if first.as_rule() == Rule::not_op {
                        nots.push(span);
                        p = inner.next()?;
                    } else {
                        p = first;
                    }
                }
                _ => break self.atom(p)?,
            }
        };
        Some(
            nots.into_iter()
                .rev()
                .fold(e, |e, span| Expr::Not(Box::new(e), span)),
        )
    }

    /// `a or b or ...`, `a and b and ...` with two or more operands.
    fn junction(&mut self, p: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&p);
        let is_or = p.as_rule() == Rule::or_expr;
        let mut parts: Vec<Expr> = Vec::new();
        for e in p
            .into_inner()
            .filter(|e| !matches!(e.as_rule(), Rule::kw_and | Rule::kw_or))
        {
            parts.push(self.expr(e)?);
        }
        Some(if is_or {
            Expr::Or(parts, span)
        } else {
            Expr::And(parts, span)
        })
    }

    /// A condition without `and`, `or` or `not` at its top.
    fn atom(&mut self, p: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&p);
        match p.as_rule() {
            Rule::has => self.has(p),
            Rule::membership_test => self.membership(p),
            Rule::comparison => {
                let mut inner = p.into_inner();
                let lhs = self.value(inner.next()?)?;
                let op = match inner.next()?.as_str() {
                    "<" => CmpOp::Lt,
                    "<=" => CmpOp::Le,
                    "==" => CmpOp::Eq,
                    "!=" => CmpOp::Ne,
                    ">=" => CmpOp::Ge,
                    _ => CmpOp::Gt,
                };
                let rhs = self.value(inner.next()?)?;
                Some(Expr::Cmp { lhs, op, rhs, span })
            }
            _ => {
                let operand = self.operand(p)?;
                Some(Expr::Bare(Value {
                    operand,
                    offset: 0,
                    span,
                }))
            }
        }
    }

    fn has(&mut self, p: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let field = match inner.next()?.as_str().trim() {
            "activities" => SetField::Activities,
            _ => SetField::Purposes,
        };
        let op = match inner.next()?.as_str() {
            "any" => HasOp::Any,
            "all" => HasOp::All,
            "only" => HasOp::Only,
            _ => HasOp::Has,
        };
        let target = inner.next()?;
        let items = match target.as_rule() {
            Rule::list => target
                .into_inner()
                .map(|l| Ident {
                    name: l.as_str().to_string(),
                    span: self.span(&l),
                })
                .collect(),
            _ => vec![self.ident(target)],
        };
        Some(Expr::Has {
            field,
            op,
            items,
            span,
        })
    }

    fn membership(&mut self, p: Pair<'_, Rule>) -> Option<Expr> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let value = self.value(inner.next()?)?;
        let mut negated = false;
        let mut list = Vec::new();
        for part in inner {
            match part.as_rule() {
                Rule::not_in => negated = true,
                _ => {
                    for l in part.into_inner() {
                        list.push(self.literal(l)?);
                    }
                }
            }
        }
        Some(Expr::In {
            value,
            negated,
            list,
            span,
        })
    }

    fn value(&mut self, p: Pair<'_, Rule>) -> Option<Value> {
        let span = self.span(&p);
        let mut inner = p.into_inner();
        let operand = self.operand(inner.next()?)?;
        let mut offset = 0;
        if let Some(op) = inner.next() {
            let n = inner.next()?;
            // Out of range is an error, never a silent `+ 0`.
            let Some(v) = parse_int(n.as_str()) else {
                let at = self.span(&n);
                self.error(at, format!("`{}` is out of range", n.as_str()));
                return None;
            };
            offset = if op.as_str() == "-" { -v } else { v };
        }
        Some(Value {
            operand,
            offset,
            span,
        })
    }

    fn operand(&mut self, p: Pair<'_, Rule>) -> Option<Operand> {
        match p.as_rule() {
            Rule::path => {
                let parts: Vec<Ident> = p
                    .into_inner()
                    .map(|i| Ident {
                        name: i.as_str().to_string(),
                        span: self.span(&i),
                    })
                    .collect();
                Some(Operand::Path(parts))
            }
            _ => self.literal(p).map(Operand::Literal),
        }
    }

    fn literal(&mut self, p: Pair<'_, Rule>) -> Option<Literal> {
        let span = self.span(&p);
        let text = p.as_str();
        let kind = match p.as_rule() {
            Rule::money => match parse_money(text) {
                Some(v) => LitKind::Usd(v),
                None => {
                    self.error(
                        span,
                        format!("`{text}` is not a whole number of dollars below 2^64"),
                    );
                    return None;
                }
            },
            Rule::months | Rule::days => {
                let n = p.clone().into_inner().next()?;
                let v = parse_int(n.as_str()).and_then(|v| u32::try_from(v).ok());
                match (p.as_rule(), v) {
                    (Rule::months, Some(v)) => LitKind::Months(v),
                    (_, Some(v)) => LitKind::Days(v),
                    _ => {
                        self.error(span, format!("`{text}` is out of range"));
                        return None;
                    }
                }
            }
            Rule::date => LitKind::Date(self.date(p).date),
            Rule::int => match parse_int(text) {
                Some(v) => LitKind::Int(v),
                None => {
                    self.error(span, format!("`{text}` is out of range"));
                    return None;
                }
            },
            Rule::boolean => LitKind::Bool(text == "true"),
            Rule::string => LitKind::Str(self.string(p).value),
            _ => LitKind::Word(text.to_string()),
        };
        Some(Literal { kind, span })
    }
}

/// `start` or `offer`, the event a `before` timing counts back from.
fn anchor(p: Pair<'_, Rule>) -> Anchor {
    if p.as_str() == "offer" {
        Anchor::Offer
    } else {
        Anchor::Start
    }
}

fn parse_int(text: &str) -> Option<i64> {
    text.replace('_', "").parse::<i64>().ok()
}

/// `$100M`, `$1.5M`, `$750K`, `$14_000_000` to whole dollars, exactly, with overflow checks.
pub(crate) fn parse_money(text: &str) -> Option<u64> {
    let body = text.strip_prefix('$')?.replace('_', "");
    let (number, scale) = match body.chars().last()? {
        'K' => (&body[..body.len() - 1], 1_000u64),
        'M' => (&body[..body.len() - 1], 1_000_000),
        'B' => (&body[..body.len() - 1], 1_000_000_000),
        _ => (body.as_str(), 1),
    };
    let (whole, frac) = number.split_once('.').unwrap_or((number, ""));
    let whole: u64 = whole.parse().ok()?;
    let mut value = whole.checked_mul(scale)?;
    if !frac.is_empty() {
        // The fraction must come out to whole dollars: `$1.5M` yes, `$1.5` no.
        let digits = u32::try_from(frac.len()).ok()?;
        let denom = 10u64.checked_pow(digits)?;
        let f: u64 = frac.parse().ok()?;
        let scaled = f.checked_mul(scale)?;
        if scaled % denom != 0 {
            return None;
        }
        value = value.checked_add(scaled / denom)?;
    }
    Some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_literals_are_exact() {
        assert_eq!(parse_money("$100M"), Some(100_000_000));
        assert_eq!(parse_money("$1.5M"), Some(1_500_000));
        assert_eq!(parse_money("$750K"), Some(750_000));
        assert_eq!(parse_money("$14_000_000"), Some(14_000_000));
        assert_eq!(parse_money("$1B"), Some(1_000_000_000));
        assert_eq!(parse_money("$1.5"), None);
        assert_eq!(parse_money("$99999999999999999999B"), None);
    }

    #[test]
    fn parses_an_authority_with_rules() {
        let text = r#"
authority a {
    name "A"
    citation "X § 1"
    serves counterterrorism cite "X § 1(a)"
    require cap: amount_usd <= $5M and (partner.nato or not fact.excess_articles) when emergency
        because "why" cite "X § 1(b)"
    ceiling fy: $100M per fiscal_year cite "X § 1(c)"
    duty notice: congressional_notification to "SFRC" 15 days before start when purposes any [a, b] cite "X"
}
"#;
        let (items, diags) = parse_file("a.auth", text);
        assert!(diags.is_empty(), "{diags:?}");
        let Some(Item::Block(b)) = items.first() else {
            panic!("no block")
        };
        assert_eq!(b.members.len(), 6);
        assert!(matches!(&b.members[3], Member::Require(h, Expr::And(..)) if h.when.is_some()));
        assert!(matches!(
            &b.members[4],
            Member::Ceiling(
                _,
                Amount::Literal(Literal {
                    kind: LitKind::Usd(100_000_000),
                    ..
                }),
                None
            )
        ));
    }

    #[test]
    fn reports_every_broken_declaration() {
        let text = "purpose a \"x\"\nauthority b {\n    name\n}\npurpose c\nactivity d \"y\"\n";
        let (items, diags) = parse_file("r.auth", text);
        assert_eq!(diags.len(), 2, "{diags:?}");
        assert_eq!((diags[0].line, diags[0].column), (4, 1));
        assert_eq!(diags[1].line, 6);
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn absurd_nesting_is_an_error_not_a_stack_overflow() {
        let text = format!(
            "authority a {{ require r: {}emergency{} cite \"c\" }}",
            "(".repeat(100_000),
            ")".repeat(100_000)
        );
        let (_, diags) = parse_file("r.auth", &text);
        assert_eq!(diags.len(), 1);
        assert_eq!(diags[0].code, "E0111");
        assert!(diags[0].message.contains("nesting deeper than"));
        // Comments and strings do not count.
        let (_, diags) = parse_file(
            "r.auth",
            &format!("// {}\npurpose a \"{}\"", "(".repeat(200), "[".repeat(200)),
        );
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn invalid_calendar_date_is_an_error() {
        let (_, diags) = parse_file(
            "r.auth",
            "partner \"X\" { member nato from 2023-02-30 cite \"c\" }",
        );
        assert_eq!(diags.len(), 1);
        assert!(diags[0].message.contains("not a calendar date"));
    }

    #[test]
    fn a_file_over_the_size_limit_is_one_error_at_the_limit() {
        let line = "purpose p \"p\"\n";
        let text = line.repeat(MAX_FILE_BYTES / line.len() + 1);
        let (items, diags) = parse_file("big.auth", &text);
        assert!(items.is_empty());
        assert_eq!(diags.len(), 1);
        let d = &diags[0];
        assert_eq!(d.code, "E0112");
        assert_eq!(d.line, MAX_FILE_BYTES / line.len() + 1, "{d}");
    }

    #[test]
    fn thousands_of_broken_declarations_are_reported_in_linear_time() {
        // Each error used to locate its line from the start of the file: 20,000 took 80 s.
        let text = "purpose\n".repeat(20_000);
        let (_, diags) = parse_file("r.auth", &text);
        assert_eq!(diags.len(), 20_000);
        assert_eq!((diags[19_999].line, diags[19_999].column), (20_001, 1));
    }
}
