//! `authsel lint`: static checks of a rule base beyond what `check` refuses. Every finding has a
//! stable code documented in `docs/diagnostics.md` and the position of the text it is about.
//!
//! The check errors (`E0001`-`E0110`) come first: lint runs the checker. The lints themselves work
//! on the syntax tree (which keeps spans), so they run even on a rule base that does not check:
//!
//! - contradictions (`E0301`, `E0302`): each condition is normalised to and/or of atoms; an atom
//!   bounds one operand (`amount_usd <= $5M` is the interval [0, 5000000]; every ordered type is
//!   discrete, so `<` and `>` become closed bounds), restricts an enum, bool or string operand to a
//!   set, or is an opaque proposition (`end_fiscal_year <= fiscal_year + 2`, `purposes has x`) keyed
//!   by its text. A bounded search over the disjunctions decides whether a conjunction can hold;
//!   when unsure it says "can hold", so a contradiction reported is a real one;
//! - shadowing (`W0311`): in one block, rule B is redundant when rule A has the same guard and
//!   `A and not B` can never hold (A implies B); ceilings with the same guard shadow larger ones;
//! - sub-ceilings (`E0303`): a `within` sub-cap larger than its parent can never bind.

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lang::ast::{
    self, BlockKind, CmpOp, Expr, HasOp, Item, LitKind, Member, Operand, SetField,
};
use crate::lang::check;
use crate::lang::syntax;
use crate::rulebase::SourceFile;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Every finding of one lint run, sorted by file and position.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LintReport {
    pub diagnostics: Vec<Diagnostic>,
}

impl LintReport {
    pub fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
}

/// Lints a rule base given as files (sorted by name first, like `RuleBase::from_files`).
pub fn lint(files: &[SourceFile]) -> LintReport {
    let mut files = files.to_vec();
    files.sort_by(|a, b| a.name.cmp(&b.name));
    let mut diags = match check::check(&files) {
        Ok(_) => Vec::new(),
        Err(d) => d,
    };
    let mut parsed: Vec<(usize, Item)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let (items, _) = syntax::parse_file(&f.name, &f.text);
        parsed.extend(items.into_iter().map(|it| (i, it)));
    }
    let mut l = Linter {
        files: &files,
        diags: Vec::new(),
    };
    l.vocabulary(&parsed);
    for (file, item) in &parsed {
        if let Item::Block(b) = item {
            l.block(*file, b);
        }
    }
    diags.append(&mut l.diags);
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diags.dedup();
    LintReport { diagnostics: diags }
}

struct Linter<'a> {
    files: &'a [SourceFile],
    diags: Vec<Diagnostic>,
}

impl Linter<'_> {
    fn text(&self, file: usize) -> (&str, &str) {
        self.files
            .get(file)
            .map_or(("<rules>", ""), |f| (f.name.as_str(), f.text.as_str()))
    }

    fn emit(&mut self, file: usize, span: Span, sev: Severity, code: &'static str, msg: String) {
        let (name, text) = self.text(file);
        let d = Diagnostic::at(name, text, span, sev, code, msg);
        self.diags.push(d);
    }

    /// The source text of a span, whitespace collapsed.
    fn src(&self, file: usize, span: Span) -> String {
        let (_, text) = self.text(file);
        text.get(span.start..span.end)
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Unreachable authorities, unread facts, purposes and activities no authority reaches.
    fn vocabulary(&mut self, parsed: &[(usize, Item)]) {
        let mut served = BTreeSet::new();
        let mut provided = BTreeSet::new();
        let mut facts_read = BTreeSet::new();
        let mut parents: BTreeMap<&str, &str> = BTreeMap::new();
        for (_, item) in parsed {
            match item {
                Item::Purpose {
                    id,
                    parent: Some(p),
                    ..
                } => {
                    parents.insert(id.name.as_str(), p.name.as_str());
                }
                Item::Block(b) => {
                    for m in &b.members {
                        match m {
                            Member::Serves(ids, _) if b.kind == BlockKind::Authority => {
                                served.extend(ids.iter().map(|i| i.name.as_str()))
                            }
                            Member::Provides(ids, _) if b.kind == BlockKind::Authority => {
                                provided.extend(ids.iter().map(|i| i.name.as_str()))
                            }
                            _ => {}
                        }
                        for e in member_exprs(m) {
                            facts_in(e, &mut facts_read);
                        }
                    }
                }
                _ => {}
            }
        }
        for (file, item) in parsed {
            match item {
                Item::Block(b) if b.kind == BlockKind::Authority => {
                    let linked = b
                        .members
                        .iter()
                        .any(|m| matches!(m, Member::Serves(..) | Member::Provides(..)));
                    if !linked {
                        self.emit(
                            *file,
                            b.id.span,
                            Severity::Warning,
                            "W0310",
                            format!(
                                "authority `{}` is unreachable: it serves no purpose and provides no activity, so no proposal can find it",
                                b.id.name
                            ),
                        );
                    }
                }
                Item::Fact { id, .. } if !facts_read.contains(id.name.as_str()) => {
                    self.emit(
                        *file,
                        id.span,
                        Severity::Warning,
                        "W0312",
                        format!("fact `{}` is declared but no rule reads it", id.name),
                    );
                }
                Item::Purpose { id, .. } => {
                    // A proposal's purpose reaches authorities serving it or an ancestor.
                    let mut cur = Some(id.name.as_str());
                    let mut reached = false;
                    let mut steps = 0;
                    while let Some(p) = cur.filter(|_| steps <= parents.len()) {
                        reached |= served.contains(p);
                        cur = parents.get(p).copied();
                        steps += 1;
                    }
                    if !reached {
                        self.emit(
                            *file,
                            id.span,
                            Severity::Warning,
                            "W0313",
                            format!(
                                "no authority serves purpose `{}` or any purpose it `is`",
                                id.name
                            ),
                        );
                    }
                }
                Item::Activity { id, .. } if !provided.contains(id.name.as_str()) => {
                    self.emit(
                        *file,
                        id.span,
                        Severity::Warning,
                        "W0314",
                        format!("no authority provides activity `{}`", id.name),
                    );
                }
                _ => {}
            }
        }
    }

    fn block(&mut self, file: usize, b: &ast::Block) {
        let owner = b.id.name.as_str();
        struct R<'b> {
            head: &'b ast::RuleHead,
            cond: Option<&'b Expr>,
            guard: Option<F>,
            guard_key: String,
        }
        let mut requires: Vec<R> = Vec::new();
        let mut ceilings: Vec<(&ast::RuleHead, u64, Span, Option<&ast::Ident>, String)> =
            Vec::new();
        for m in &b.members {
            if let Member::Caveat(s) = m {
                self.emit(
                    file,
                    s.span,
                    Severity::Info,
                    "I0321",
                    format!("`{owner}` caveat: {}", s.value),
                );
            }
            let (head, cond) = match m {
                Member::Require(h, e) => (h, Some(e)),
                Member::Ceiling(h, ..) | Member::Duty(h, ..) => (h, None),
                _ => continue,
            };
            if let Some(u) = &head.unconfirmed {
                self.emit(
                    file,
                    u.span,
                    Severity::Info,
                    "I0320",
                    format!("`{owner}.{}` is unconfirmed: {}", head.name.name, u.value),
                );
            }
            let guard = head.when.as_ref().map(|g| self.norm(file, g, true));
            let guard_key = head.when.as_ref().map_or(String::new(), expr_key);
            if let (Some(g), Some(ge)) = (&guard, &head.when) {
                if !satisfiable(&[g]) {
                    self.emit(
                        file,
                        ge.span(),
                        Severity::Error,
                        "E0301",
                        format!(
                            "the `when` guard of `{}` can never hold ({}), so the rule never applies",
                            head.name.name,
                            self.why(file, g)
                        ),
                    );
                }
            }
            if let Some(e) = cond {
                let c = self.norm(file, e, true);
                // `require x: false` is a deliberate "never" (an unfunded authority), not a slip.
                if !satisfiable(&[&c]) && !is_literal(e) {
                    self.emit(
                        file,
                        e.span(),
                        Severity::Error,
                        "E0301",
                        format!(
                            "the condition of `{}` can never hold ({}), so the rule always fails",
                            head.name.name,
                            self.why(file, &c)
                        ),
                    );
                } else if let (Some(g), Some(ge)) = (&guard, &head.when) {
                    if satisfiable(&[g]) && !satisfiable(&[g, &c]) {
                        self.emit(
                            file,
                            ge.span(),
                            Severity::Error,
                            "E0302",
                            format!(
                                "the `when` guard of `{}` contradicts its condition: wherever the rule applies it fails",
                                head.name.name
                            ),
                        );
                    }
                }
            }
            match m {
                Member::Require(h, e) => requires.push(R {
                    head: h,
                    cond: Some(e),
                    guard,
                    guard_key,
                }),
                Member::Ceiling(h, lit, within) => {
                    if let LitKind::Usd(v) = lit.kind {
                        ceilings.push((h, v, lit.span, within.as_ref(), guard_key));
                    }
                }
                _ => {}
            }
        }
        // Shadowed requires: A implies B under the same guard.
        let mut reported = BTreeSet::new();
        for (i, a) in requires.iter().enumerate() {
            for (j, bb) in requires.iter().enumerate() {
                if i == j || a.guard_key != bb.guard_key || reported.contains(&j) {
                    continue;
                }
                let (Some(ae), Some(be)) = (a.cond, bb.cond) else {
                    continue;
                };
                let fa = self.norm(file, ae, true);
                let fb = self.norm(file, be, true);
                let not_b = self.norm(file, be, false);
                if !satisfiable(&[&fa]) || !satisfiable(&[&fb]) {
                    continue;
                }
                let a_implies_b = !satisfiable(&[&fa, &not_b]);
                if !a_implies_b {
                    continue;
                }
                // Equivalent rules: report only the later one.
                let not_a = self.norm(file, ae, false);
                if j < i && !satisfiable(&[&fb, &not_a]) {
                    continue;
                }
                let _ = &a.guard;
                reported.insert(j);
                self.emit(
                    file,
                    bb.head.name.span,
                    Severity::Warning,
                    "W0311",
                    format!(
                        "rule `{}` is shadowed by the stricter `{}` (line {}): whenever `{}` passes, `{}` passes too",
                        bb.head.name.name,
                        a.head.name.name,
                        self.line(file, a.head.name.span),
                        self.src(file, ae.span()),
                        self.src(file, be.span())
                    ),
                );
            }
        }
        // Ceilings: sub-caps against their parent; same-guard ceilings shadow larger ones.
        for (h, v, span, within, _) in &ceilings {
            let Some(w) = within else { continue };
            let Some((ph, pv, ..)) = ceilings.iter().find(|c| c.0.name.name == w.name) else {
                continue;
            };
            if v > pv {
                self.emit(
                    file,
                    *span,
                    Severity::Error,
                    "E0303",
                    format!(
                        "sub-ceiling `{}` ({}) is larger than the ceiling `{}` it is within ({}), so it can never bind",
                        h.name.name,
                        crate::model::Usd(*v),
                        ph.name.name,
                        crate::model::Usd(*pv)
                    ),
                );
            } else if v == pv {
                self.emit(
                    file,
                    *span,
                    Severity::Warning,
                    "W0311",
                    format!(
                        "sub-ceiling `{}` equals the ceiling `{}` it is within, so it never binds",
                        h.name.name, ph.name.name
                    ),
                );
            }
        }
        let mut reported = BTreeSet::new();
        for (i, (ha, va, _, wa, ga)) in ceilings.iter().enumerate() {
            for (j, (hb, vb, _, wb, gb)) in ceilings.iter().enumerate() {
                let stricter = va < vb || (va == vb && i < j);
                if i == j || wa.is_some() || wb.is_some() || ga != gb || !stricter {
                    continue;
                }
                if !reported.insert(j) {
                    continue;
                }
                self.emit(
                    file,
                    hb.name.span,
                    Severity::Warning,
                    "W0311",
                    format!(
                        "ceiling `{}` ({}) is shadowed by `{}` ({}, line {}): both count the same fiscal-year total",
                        hb.name.name,
                        crate::model::Usd(*vb),
                        ha.name.name,
                        crate::model::Usd(*va),
                        self.line(file, ha.name.span)
                    ),
                );
            }
        }
    }

    fn line(&self, file: usize, span: Span) -> usize {
        crate::diagnostic::line_col(self.text(file).1, span.start).0
    }

    /// Why a formula can never hold: two of its top-level atoms that contradict, if there are.
    fn why(&self, _file: usize, f: &F) -> String {
        let atoms: Vec<&Atom> = match f {
            F::And(xs) => xs
                .iter()
                .filter_map(|x| match x {
                    F::Atom(a) => Some(a),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for (i, a) in atoms.iter().enumerate() {
            for b in atoms.iter().skip(i + 1) {
                let mut s = Store::default();
                if a.key == b.key && !(s.add(a) && s.add(b)) {
                    return format!("`{}` contradicts `{}`", a.text, b.text);
                }
            }
        }
        "no value satisfies every branch".to_string()
    }

    /// An expression as a formula; `pos = false` gives its negation.
    fn norm(&self, file: usize, e: &Expr, pos: bool) -> F {
        let text = || self.src(file, e.span());
        match e {
            Expr::And(xs, _) | Expr::Or(xs, _) => {
                let parts = xs.iter().map(|x| self.norm(file, x, pos)).collect();
                if matches!(e, Expr::And(..)) == pos {
                    F::And(parts)
                } else {
                    F::Or(parts)
                }
            }
            Expr::Not(x, _) => self.norm(file, x, !pos),
            Expr::Has {
                field, op, items, ..
            } => {
                let f = match field {
                    SetField::Purposes => "purposes",
                    SetField::Activities => "activities",
                };
                let atoms = items
                    .iter()
                    .map(|i| {
                        F::Atom(Atom::flag(
                            format!("{f} has {}", i.name),
                            pos,
                            format!("{f} has {}", i.name),
                        ))
                    })
                    .collect();
                // any = or, all = and; negation swaps them (De Morgan).
                if (*op == HasOp::All) == pos {
                    F::And(atoms)
                } else {
                    F::Or(atoms)
                }
            }
            Expr::Bare(v) => match &v.operand {
                Operand::Path(p) => {
                    let key = path_key(p);
                    F::Atom(Atom::set(key, ["b:true".to_string()].into(), !pos, text()))
                }
                Operand::Literal(l) => match l.kind {
                    LitKind::Bool(b) => F::Const(b == pos),
                    _ => F::Const(true),
                },
            },
            Expr::In {
                value,
                negated,
                list,
                ..
            } => match &value.operand {
                Operand::Path(p) if value.offset == 0 => {
                    let set = list.iter().map(|l| disc(&l.kind)).collect();
                    F::Atom(Atom::set(path_key(p), set, *negated == pos, text()))
                }
                _ => F::Atom(Atom::flag(expr_key(e), pos, text())),
            },
            Expr::Cmp { lhs, op, rhs, .. } => {
                let (path, off, lit, op) = match (&lhs.operand, &rhs.operand) {
                    (Operand::Path(p), Operand::Literal(l)) => (p, lhs.offset, l, *op),
                    (Operand::Literal(l), Operand::Path(p)) => (p, rhs.offset, l, mirror(*op)),
                    _ => return F::Atom(Atom::flag(expr_key(e), pos, text())),
                };
                let op = if pos { op } else { negate(op) };
                let key = path_key(path);
                match number(&lit.kind) {
                    Some((c, floor)) => {
                        let c = c - i128::from(off);
                        let (lo, hi) = match op {
                            CmpOp::Lt => (floor, c - 1),
                            CmpOp::Le => (floor, c),
                            CmpOp::Gt => (c + 1, i128::MAX),
                            CmpOp::Ge => (c, i128::MAX),
                            CmpOp::Eq => (c, c),
                            CmpOp::Ne => {
                                return F::Atom(Atom {
                                    key,
                                    c: Constraint::NotPoint(c, floor),
                                    text: text(),
                                })
                            }
                        };
                        F::Atom(Atom {
                            key,
                            c: Constraint::Range(lo.max(floor), hi),
                            text: text(),
                        })
                    }
                    None => match op {
                        CmpOp::Eq | CmpOp::Ne => F::Atom(Atom::set(
                            key,
                            [disc(&lit.kind)].into(),
                            op == CmpOp::Ne,
                            text(),
                        )),
                        _ => F::Atom(Atom::flag(expr_key(e), pos, text())),
                    },
                }
            }
        }
    }
}

fn is_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Bare(ast::Value {
            operand: Operand::Literal(_),
            ..
        })
    )
}

/// The condition and guard expressions of a member.
fn member_exprs(m: &Member) -> Vec<&Expr> {
    match m {
        Member::Require(h, e) => std::iter::once(e).chain(h.when.as_ref()).collect(),
        Member::Ceiling(h, ..) | Member::Duty(h, ..) => h.when.iter().collect(),
        _ => Vec::new(),
    }
}

fn facts_in<'e>(e: &'e Expr, out: &mut BTreeSet<&'e str>) {
    let mut value = |v: &'e ast::Value| {
        if let Operand::Path(p) = &v.operand {
            if let [ns, name] = p.as_slice() {
                // A fact named like a group overrides `partner.GROUP`, so that reads it too.
                if ns.name == "fact" || ns.name == "partner" {
                    out.insert(name.name.as_str());
                }
            }
        }
    };
    match e {
        Expr::And(xs, _) | Expr::Or(xs, _) => {
            for x in xs {
                facts_in(x, out);
            }
        }
        Expr::Not(x, _) => facts_in(x, out),
        Expr::Cmp { lhs, rhs, .. } => {
            value(lhs);
            value(rhs);
        }
        Expr::In { value: v, .. } => value(v),
        Expr::Bare(v) => value(v),
        Expr::Has { .. } => {}
    }
}

fn path_key(p: &[ast::Ident]) -> String {
    p.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// A canonical text for an expression (spans and layout aside), to compare guards and to key
/// opaque propositions.
fn expr_key(e: &Expr) -> String {
    let v = |v: &ast::Value| {
        let base = match &v.operand {
            Operand::Path(p) => path_key(p),
            Operand::Literal(l) => disc(&l.kind),
        };
        match v.offset {
            0 => base,
            o => format!("{base}{o:+}"),
        }
    };
    match e {
        Expr::Or(xs, _) | Expr::And(xs, _) => {
            let sep = if matches!(e, Expr::Or(..)) {
                " or "
            } else {
                " and "
            };
            let parts: Vec<String> = xs.iter().map(|x| format!("({})", expr_key(x))).collect();
            parts.join(sep)
        }
        Expr::Not(x, _) => format!("not ({})", expr_key(x)),
        Expr::Cmp { lhs, op, rhs, .. } => format!("{} {} {}", v(lhs), op.symbol(), v(rhs)),
        Expr::In {
            value,
            negated,
            list,
            ..
        } => {
            let items: Vec<String> = list.iter().map(|l| disc(&l.kind)).collect();
            let not = if *negated { "not " } else { "" };
            format!("{} {not}in [{}]", v(value), items.join(", "))
        }
        Expr::Has {
            field, op, items, ..
        } => {
            let items: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            format!("{field:?} {op:?} [{}]", items.join(", "))
        }
        Expr::Bare(x) => v(x),
    }
}

/// A literal of a discrete type as a set element.
fn disc(k: &LitKind) -> String {
    match k {
        LitKind::Bool(b) => format!("b:{b}"),
        LitKind::Str(s) => format!("s:{s}"),
        LitKind::Word(w) => format!("w:{w}"),
        other => match number(other) {
            Some((n, _)) => format!("n:{n}"),
            None => String::new(),
        },
    }
}

/// An ordered literal as an integer, with the least value of its type. Every ordered type is
/// discrete (whole dollars, months, days, calendar days, integers).
fn number(k: &LitKind) -> Option<(i128, i128)> {
    Some(match k {
        LitKind::Usd(v) => (i128::from(*v), 0),
        LitKind::Months(v) | LitKind::Days(v) => (i128::from(*v), 0),
        LitKind::Int(v) => (i128::from(*v), i128::MIN / 2),
        LitKind::Date(d) => (
            days_from_civil(
                i64::from(d.year()),
                i64::from(d.month()),
                i64::from(d.day()),
            ),
            i128::MIN / 2,
        ),
        _ => return None,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i128::from(era * 146_097 + doe - 719_468)
}

fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    }
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

/// A condition in negation normal form.
#[derive(Debug, Clone)]
enum F {
    And(Vec<F>),
    Or(Vec<F>),
    Atom(Atom),
    Const(bool),
}

#[derive(Debug, Clone)]
struct Atom {
    key: String,
    c: Constraint,
    /// The source text, for messages.
    text: String,
}

#[derive(Debug, Clone)]
enum Constraint {
    /// The operand lies in `[lo, hi]`.
    Range(i128, i128),
    /// The operand is not this value (the second number is the type's least value).
    NotPoint(i128, i128),
    /// The operand is in the set (or, with `true`, not in it).
    Set(BTreeSet<String>, bool),
}

impl Atom {
    fn set(key: String, set: BTreeSet<String>, negated: bool, text: String) -> Atom {
        Atom {
            key: format!("d:{key}"),
            c: Constraint::Set(set, negated),
            text,
        }
    }
    /// An opaque proposition, true or false.
    fn flag(key: String, value: bool, text: String) -> Atom {
        Atom::set(
            format!("?{key}"),
            ["b:true".to_string()].into(),
            !value,
            text,
        )
    }
}

/// What the atoms of one branch say about each operand.
#[derive(Debug, Clone, Default)]
struct Store {
    num: BTreeMap<String, (i128, i128, BTreeSet<i128>)>,
    disc: BTreeMap<String, (Option<BTreeSet<String>>, BTreeSet<String>)>,
}

impl Store {
    /// Adds an atom; false when the operand has no value left.
    fn add(&mut self, a: &Atom) -> bool {
        match &a.c {
            Constraint::Range(lo, hi) => {
                let e = self.num.entry(a.key.clone()).or_insert((
                    i128::MIN,
                    i128::MAX,
                    BTreeSet::new(),
                ));
                e.0 = e.0.max(*lo);
                e.1 = e.1.min(*hi);
                num_ok(e)
            }
            Constraint::NotPoint(p, floor) => {
                let e = self.num.entry(a.key.clone()).or_insert((
                    i128::MIN,
                    i128::MAX,
                    BTreeSet::new(),
                ));
                e.0 = e.0.max(*floor);
                e.2.insert(*p);
                num_ok(e)
            }
            Constraint::Set(s, negated) => {
                let e = self.disc.entry(a.key.clone()).or_default();
                if *negated {
                    e.1.extend(s.iter().cloned());
                } else {
                    e.0 = Some(match e.0.take() {
                        Some(cur) => cur.intersection(s).cloned().collect(),
                        None => s.clone(),
                    });
                }
                // A bool has two values: excluding both leaves none.
                let bool_gone = e.1.contains("b:true") && e.1.contains("b:false");
                !bool_gone
                    && e.0
                        .as_ref()
                        .is_none_or(|al| al.iter().any(|v| !e.1.contains(v)))
            }
        }
    }
}

fn num_ok(e: &(i128, i128, BTreeSet<i128>)) -> bool {
    let (lo, hi, out) = e;
    if lo > hi {
        return false;
    }
    let excluded = out.iter().filter(|p| *p >= lo && *p <= hi).count();
    // Only a small interval can be used up by excluded points.
    hi.saturating_sub(*lo) >= i128::try_from(excluded).unwrap_or(i128::MAX)
}

/// Can the conjunction of `fs` hold? Decides exactly within a search budget; "yes" beyond it.
fn satisfiable(fs: &[&F]) -> bool {
    let mut budget = 10_000usize;
    let stack: Vec<&F> = fs.to_vec();
    search(stack, Store::default(), &mut budget)
}

fn search(mut stack: Vec<&F>, mut store: Store, budget: &mut usize) -> bool {
    if *budget == 0 {
        return true;
    }
    *budget -= 1;
    while let Some(f) = stack.pop() {
        match f {
            F::Const(true) => {}
            F::Const(false) => return false,
            F::Atom(a) => {
                if !store.add(a) {
                    return false;
                }
            }
            F::And(xs) => stack.extend(xs.iter()),
            F::Or(xs) => {
                return xs.iter().any(|x| {
                    let mut s = stack.clone();
                    s.push(x);
                    search(s, store.clone(), budget)
                });
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    const VOCAB: &str =
        "purpose p \"p\"\nactivity a \"a\"\nfact f: bool \"f\"\nfact n: int \"n\"\n";

    fn lint_text(body: &str) -> LintReport {
        lint(&[
            SourceFile {
                name: "v.auth".into(),
                text: VOCAB.into(),
            },
            SourceFile {
                name: "x.auth".into(),
                text: format!(
                    "authority x {{\n    name \"X\"\n    citation \"C\"\n    serves p\n    provides a\n{body}}}\n"
                ),
            },
        ])
    }

    fn codes(r: &LintReport) -> Vec<&'static str> {
        r.diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info && d.file != "v.auth")
            .map(|d| d.code)
            .collect()
    }

    #[test]
    fn contradictory_bounds_are_an_error_with_a_position() {
        let r = lint_text(
            "    require r: amount_usd <= $5M and amount_usd > $10M and fact.f and fact.n > 1 cite \"c\"\n",
        );
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == "E0301")
            .expect("E0301");
        assert_eq!((d.file.as_str(), d.line, d.column), ("x.auth", 6, 16));
        assert!(
            d.message
                .contains("`amount_usd <= $5M` contradicts `amount_usd > $10M`"),
            "{}",
            d.message
        );
    }

    #[test]
    fn discrete_bounds_and_dates_are_exact() {
        // < 2027-01-01 and > 2026-12-31: no calendar day between.
        let r = lint_text("    require r: start < 2027-01-01 and start > 2026-12-31 cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
        let r = lint_text("    require r: start < 2027-01-02 and start > 2026-12-31 cite \"c\"\n");
        assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
        let r = lint_text("    require r: fact.n >= 1 and fact.n <= 2 and fact.n != 1 and fact.n != 2 cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
        let r = lint_text("    require r: recipient in [NationalMilitary] and recipient == OtherSecurityForces cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
        let r = lint_text("    require r: emergency and not (emergency or fact.f) cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
        let r = lint_text("    require r: (amount_usd < $1M or amount_usd > $9M) and amount_usd == $5M cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
        let r = lint_text("    require r: (amount_usd < $1M or amount_usd > $9M) and amount_usd >= $5M cite \"c\"\n");
        assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
    }

    #[test]
    fn guard_contradicting_condition_and_dead_guard() {
        let r = lint_text("    require r: amount_usd <= $5M when amount_usd > $10M cite \"c\"\n");
        assert_eq!(codes(&r), ["E0302"]);
        let r =
            lint_text("    ceiling c: $5M per fiscal_year when fact.f and not fact.f cite \"c\"\n");
        assert_eq!(codes(&r), ["E0301"]);
    }

    #[test]
    fn stricter_rules_shadow_looser_ones() {
        let r = lint_text(
            "    require a: amount_usd <= $5M cite \"c\"\n    require b: amount_usd <= $10M cite \"c\"\n",
        );
        let d = r
            .diagnostics
            .iter()
            .find(|d| d.code == "W0311")
            .expect("W0311");
        assert!(
            d.message
                .starts_with("rule `b` is shadowed by the stricter `a`"),
            "{}",
            d.message
        );
        // Different guards: both may matter.
        let r = lint_text(
            "    require a: amount_usd <= $5M when fact.f cite \"c\"\n    require b: amount_usd <= $10M cite \"c\"\n",
        );
        assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
        let r = lint_text(
            "    ceiling a: $5M per fiscal_year cite \"c\"\n    ceiling b: $10M per fiscal_year cite \"c\"\n",
        );
        assert_eq!(codes(&r), ["W0311"]);
    }

    #[test]
    fn sub_ceiling_larger_than_parent_is_an_error() {
        let r = lint_text(
            "    ceiling all: $5M per fiscal_year cite \"c\"\n    ceiling sub: $10M per fiscal_year within all cite \"c\"\n",
        );
        assert_eq!(codes(&r), ["E0303"]);
    }

    #[test]
    fn vocabulary_warnings_and_unconfirmed_notes() {
        let r = lint(&[SourceFile {
            name: "v.auth".into(),
            text: "purpose p \"p\"\npurpose q \"q\" is p\npurpose r \"r\"\nactivity a \"a\"\nfact f: bool \"f\"\n\
                   authority x { name \"X\" citation \"C\" serves p caveat \"maybe\"\n\
                   ceiling c: $1M per fiscal_year cite \"c\" unconfirmed \"value not read\" }\n\
                   authority y { name \"Y\" citation \"C\" }\n"
                .into(),
        }]);
        let codes: Vec<&str> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.code)
            .collect();
        assert_eq!(codes, ["W0313", "W0314", "W0312", "W0310"]);
        let infos: Vec<&str> = r
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Info)
            .map(|d| d.code)
            .collect();
        assert_eq!(infos, ["I0321", "I0320"]);
    }

    #[test]
    fn check_errors_come_first_and_keep_their_codes() {
        let r = lint_text("    serves nowhere\n    require r: amount_usd <= $1M cite \"\"\n");
        assert_eq!(codes(&r), ["E0102", "E0104"]);
    }

    #[test]
    fn builtin_rules_have_no_lint_errors() {
        let r = lint(&crate::RuleBase::builtin_files());
        let errors: Vec<String> = r
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(ToString::to_string)
            .collect();
        assert!(errors.is_empty(), "{}", errors.join(""));
    }
}
