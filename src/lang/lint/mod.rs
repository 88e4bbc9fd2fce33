//! `authsel lint`: static checks of a rule base beyond what `check` refuses. Every finding has a
//! stable code documented in `docs/diagnostics.md` and the position of the text it is about.
//!
//! The check errors (`E0001`-`E0116`) come first: lint runs the checker. The lints themselves work
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
//!
//! Every walk is linear (the `is` hierarchy is walked once per purpose, memoized), and the searches
//! share one budget per run (`MAX_LINT_STEPS`): past it lint reports only what it has already
//! proved, so a file of any size lints in bounded time.

mod block;
mod history;
mod logic;
#[cfg(test)]
mod tests;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lang::ast::{self, BlockKind, Expr, Item, Member, Operand};
use crate::lang::check;
use crate::lang::locate::Locator;
use crate::lang::source::SourceFile;
use crate::lang::syntax;
use logic::disc;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Search steps (a branch tried, weighted by what it copies) and rule pairs compared, per lint run.
pub const MAX_LINT_STEPS: u64 = 2_000_000;

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
    run(files).0
}

/// `lint`, with the steps of `MAX_LINT_STEPS` it used.
fn run(files: &[SourceFile]) -> (LintReport, u64) {
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
        locators: files.iter().map(|_| None).collect(),
        budget: MAX_LINT_STEPS,
        diags: Vec::new(),
    };
    l.vocabulary(&parsed);
    l.histories(&parsed);
    for (file, item) in &parsed {
        if let Item::Block(b) = item {
            l.block(*file, b);
            l.dates(*file, b);
        }
    }
    diags.append(&mut l.diags);
    diags.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.code).cmp(&(&b.file, b.line, b.column, b.code))
    });
    diags.dedup();
    (LintReport { diagnostics: diags }, MAX_LINT_STEPS - l.budget)
}

struct Linter<'a> {
    files: &'a [SourceFile],
    /// One per file, made at its first finding.
    locators: Vec<Option<Locator<'a>>>,
    /// What is left of `MAX_LINT_STEPS`.
    budget: u64,
    diags: Vec<Diagnostic>,
}

/// What the rule base uses, for the vocabulary lints.
#[derive(Default)]
struct Uses<'p> {
    served: BTreeSet<&'p str>,
    provided: BTreeSet<&'p str>,
    facts_read: BTreeSet<&'p str>,
    parents: BTreeMap<&'p str, &'p str>,
}

impl<'a> Linter<'a> {
    fn text(&self, file: usize) -> (&'a str, &'a str) {
        self.files
            .get(file)
            .map_or(("<rules>", ""), |f| (f.name.as_str(), f.text.as_str()))
    }

    fn emit(&mut self, file: usize, span: Span, sev: Severity, code: &'static str, msg: String) {
        let d = match (self.files.get(file), self.locators.get_mut(file)) {
            (Some(f), Some(slot)) => slot
                .get_or_insert_with(|| Locator::new(&f.name, &f.text))
                .at(span, sev, code, msg),
            _ => Diagnostic::at("<rules>", "", span, sev, code, msg),
        };
        self.diags.push(d);
    }

    /// The 1-based line of a position.
    fn line(&mut self, file: usize, span: Span) -> usize {
        match (self.files.get(file), self.locators.get_mut(file)) {
            (Some(f), Some(slot)) => {
                slot.get_or_insert_with(|| Locator::new(&f.name, &f.text))
                    .line_col(span.start)
                    .0
            }
            _ => 1,
        }
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

    /// Unreachable authorities (W0310), unread facts (W0312), purposes (W0313) and activities
    /// (W0314) no authority reaches, in declaration order.
    fn vocabulary(&mut self, parsed: &[(usize, Item)]) {
        let uses = uses(parsed);
        let reached = served_lineages(&uses, parsed);
        for (file, item) in parsed {
            let (span, code, msg) = match item {
                Item::Block(b) if b.kind == BlockKind::Authority => {
                    let linked = b
                        .members
                        .iter()
                        .any(|m| matches!(m, Member::Serves(..) | Member::Provides(..)));
                    if linked {
                        continue;
                    }
                    let msg = format!(
                        "authority `{}` is unreachable: it serves no purpose and provides no activity, so no proposal can find it",
                        b.id.name
                    );
                    (b.id.span, "W0310", msg)
                }
                Item::Fact { id, .. } if !uses.facts_read.contains(id.name.as_str()) => {
                    let msg = format!("fact `{}` is declared but no rule reads it", id.name);
                    (id.span, "W0312", msg)
                }
                // A proposal's purpose reaches authorities serving it or an ancestor.
                Item::Purpose { id, .. } if !reached.contains(id.name.as_str()) => {
                    let msg = format!(
                        "no authority serves purpose `{}` or any purpose it `is`",
                        id.name
                    );
                    (id.span, "W0313", msg)
                }
                Item::Activity { id, .. } if !uses.provided.contains(id.name.as_str()) => {
                    let msg = format!("no authority provides activity `{}`", id.name);
                    (id.span, "W0314", msg)
                }
                _ => continue,
            };
            self.emit(*file, span, Severity::Warning, code, msg);
        }
    }
}

fn uses(parsed: &[(usize, Item)]) -> Uses<'_> {
    let mut u = Uses::default();
    for (_, item) in parsed {
        match item {
            Item::Purpose {
                id,
                parent: Some(p),
                ..
            } => {
                u.parents.insert(id.name.as_str(), p.name.as_str());
            }
            Item::Block(b) => {
                for m in &b.members {
                    match m {
                        Member::Serves(ids, _) if b.kind == BlockKind::Authority => {
                            u.served.extend(ids.iter().map(|i| i.name.as_str()))
                        }
                        Member::Provides(ids, _) if b.kind == BlockKind::Authority => {
                            u.provided.extend(ids.iter().map(|i| i.name.as_str()))
                        }
                        _ => {}
                    }
                    for e in member_exprs(m) {
                        facts_in(e, &mut u.facts_read);
                    }
                }
            }
            _ => {}
        }
    }
    u
}

/// The declared purposes that an authority serves, directly or through an ancestor. Each purpose's
/// answer is found once: a walk up stops at the first purpose already answered, at the top, or where
/// it meets itself (a cycle, whose purposes all share one answer); the answers are filled in on the
/// way back. Linear in the purposes.
fn served_lineages<'p>(u: &Uses<'p>, parsed: &'p [(usize, Item)]) -> BTreeSet<&'p str> {
    let mut known: BTreeMap<&'p str, bool> = BTreeMap::new();
    for (_, item) in parsed {
        let Item::Purpose { id, .. } = item else {
            continue;
        };
        let mut path: Vec<&'p str> = Vec::new();
        let mut on_path: BTreeMap<&'p str, usize> = BTreeMap::new();
        let mut cur = Some(id.name.as_str());
        let mut above = false;
        while let Some(p) = cur {
            if let Some(&k) = known.get(p) {
                above = k;
                break;
            }
            if let Some(&i) = on_path.get(p) {
                // A cycle: every purpose on it reaches every other.
                let cycle = path.split_off(i);
                above = cycle.iter().any(|q| u.served.contains(q));
                for q in cycle {
                    known.insert(q, above);
                }
                break;
            }
            on_path.insert(p, path.len());
            path.push(p);
            cur = u.parents.get(p).copied();
        }
        while let Some(p) = path.pop() {
            above |= u.served.contains(p);
            known.insert(p, above);
        }
    }
    known
        .into_iter()
        .filter(|(_, r)| *r)
        .map(|(p, _)| p)
        .collect()
}

pub(super) fn is_literal(e: &Expr) -> bool {
    matches!(
        e,
        Expr::Bare(ast::Value {
            operand: Operand::Literal(_),
            ..
        })
    )
}

/// The condition and guard expressions of a member.
pub(super) fn member_exprs(m: &Member) -> Vec<&Expr> {
    match m {
        Member::Require(h, e) => std::iter::once(e).chain(h.when.as_ref()).collect(),
        Member::Ceiling(h, ..) | Member::Duty(h, ..) => h.when.iter().collect(),
        _ => Vec::new(),
    }
}

pub(super) fn facts_in<'e>(e: &'e Expr, out: &mut BTreeSet<&'e str>) {
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

pub(super) fn path_key(p: &[ast::Ident]) -> String {
    p.iter()
        .map(|i| i.name.as_str())
        .collect::<Vec<_>>()
        .join(".")
}

/// A canonical text for an expression (spans and layout aside), to compare guards and to key
/// opaque propositions.
pub(super) fn expr_key(e: &Expr) -> String {
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
