//! The findings about one block: notes, contradictions, shadowed rules and ceilings, sub-ceilings.

use super::logic::{disc, mirror, negate, number, Atom, Constraint, Store, F};
use super::{expr_key, is_literal, path_key, Linter};
use crate::diagnostic::{Severity, Span};
use crate::lang::ast::{self, CmpOp, Expr, HasOp, LitKind, Member, Operand, SetField};
use std::collections::{BTreeMap, BTreeSet};

/// A `require` of the block, for shadowing.
struct Require<'b> {
    head: &'b ast::RuleHead,
    cond: &'b Expr,
    guard_key: String,
}

/// A `ceiling` of the block.
struct Ceiling<'b> {
    head: &'b ast::RuleHead,
    value: u64,
    span: Span,
    within: Option<&'b ast::Ident>,
    guard_key: String,
}

impl Linter<'_> {
    /// Notes (I0320, I0321), contradictions (E0301, E0302), shadowed rules and ceilings (W0311)
    /// and sub-ceilings (E0303, W0311) of one block.
    pub(super) fn block(&mut self, file: usize, b: &ast::Block) {
        let mut requires: Vec<Require> = Vec::new();
        let mut ceilings: Vec<Ceiling> = Vec::new();
        for m in &b.members {
            if let Member::Caveat(s) = m {
                let msg = format!("`{}` caveat: {}", b.id.name, s.value);
                self.emit(file, s.span, Severity::Info, "I0321", msg);
            }
            let (head, cond) = match m {
                Member::Require(h, e) => (h, Some(e)),
                Member::Ceiling(h, ..) | Member::Duty(h, ..) => (h, None),
                _ => continue,
            };
            if let Some(u) = &head.unconfirmed {
                let msg = format!(
                    "`{}.{}` is unconfirmed: {}",
                    b.id.name, head.name.name, u.value
                );
                self.emit(file, u.span, Severity::Info, "I0320", msg);
            }
            self.contradictions(file, head, cond);
            if let Some(g) = &head.when {
                self.whole_package_exceptions(file, &b.id.name, &head.name.name, g);
            }
            let guard_key = head.when.as_ref().map_or(String::new(), expr_key);
            match m {
                Member::Require(head, cond) => requires.push(Require {
                    head,
                    cond,
                    guard_key,
                }),
                Member::Ceiling(head, crate::lang::ast::Amount::Literal(lit), within) => {
                    if let LitKind::Usd(value) = lit.kind {
                        ceilings.push(Ceiling {
                            head,
                            value,
                            span: lit.span,
                            within: within.as_ref(),
                            guard_key,
                        });
                    }
                }
                _ => {}
            }
        }
        self.shadowed_requires(file, &requires);
        self.sub_ceilings(file, &ceilings);
        self.shadowed_ceilings(file, &ceilings);
    }

    /// An exception keyed on one purpose being *present* (W0318): in a guard, `not purposes has X`
    /// (or `any`, `all`) switches the rule off for a whole proposal that merely lists X among
    /// others. An exception covers only what it names: `not purposes only [X]`.
    fn whole_package_exceptions(&mut self, file: usize, block: &str, rule: &str, guard: &Expr) {
        let mut found = Vec::new();
        negated_has(guard, true, &mut found);
        for (span, items) in found {
            let msg = format!(
                "`{block}.{rule}`: the guard's exception `not purposes … [{items}]` switches the \
                 rule off for a whole proposal that also lists other purposes; write \
                 `not purposes only [{items}]` so that it covers only what it names"
            );
            self.emit(file, span, Severity::Warning, "W0318", msg);
        }
    }

    /// A guard or condition that can never hold (E0301), or a guard that contradicts its condition
    /// (E0302).
    fn contradictions(&mut self, file: usize, head: &ast::RuleHead, cond: Option<&Expr>) {
        let guard = head.when.as_ref().map(|g| self.norm(file, g, true));
        if let (Some(g), Some(ge)) = (&guard, &head.when) {
            if !self.satisfiable(&[g]) {
                let why = self.why(g);
                let msg = format!(
                    "the `when` guard of `{}` can never hold ({why}), so the rule never applies",
                    head.name.name
                );
                self.emit(file, ge.span(), Severity::Error, "E0301", msg);
            }
        }
        let Some(e) = cond else { return };
        let c = self.norm(file, e, true);
        // `require x: false` is a deliberate "never" (an unfunded authority), not a slip.
        if !self.satisfiable(&[&c]) && !is_literal(e) {
            let why = self.why(&c);
            let msg = format!(
                "the condition of `{}` can never hold ({why}), so the rule always fails",
                head.name.name
            );
            self.emit(file, e.span(), Severity::Error, "E0301", msg);
        } else if let (Some(g), Some(ge)) = (&guard, &head.when) {
            if self.satisfiable(&[g]) && !self.satisfiable(&[g, &c]) {
                let msg = format!(
                    "the `when` guard of `{}` contradicts its condition: wherever the rule applies it fails",
                    head.name.name
                );
                self.emit(file, ge.span(), Severity::Error, "E0302", msg);
            }
        }
    }

    /// Rule B is shadowed by rule A with the same guard when `A and not B` can never hold; of two
    /// equivalent rules only the later is reported. Only rules with one guard are compared, each
    /// pair at a step of the budget, and each rule is normalised once.
    fn shadowed_requires(&mut self, file: usize, requires: &[Require]) {
        let mut by_guard: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in requires.iter().enumerate() {
            by_guard.entry(r.guard_key.as_str()).or_default().push(i);
        }
        // For each rule compared: its formula, its negation, and whether it can hold.
        let mut forms: Vec<Option<(F, F, bool)>> = Vec::new();
        for r in requires {
            let alone = by_guard
                .get(r.guard_key.as_str())
                .is_none_or(|g| g.len() < 2);
            forms.push(if alone {
                None
            } else {
                let (pos, neg) = (
                    self.norm(file, r.cond, true),
                    self.norm(file, r.cond, false),
                );
                let sat = self.satisfiable(&[&pos]);
                Some((pos, neg, sat))
            });
        }
        let mut reported = BTreeSet::new();
        for (i, a) in requires.iter().enumerate() {
            let same = by_guard
                .get(a.guard_key.as_str())
                .map_or(&[][..], Vec::as_slice);
            for &j in same {
                if self.budget == 0 {
                    return;
                }
                self.budget -= 1;
                if i == j || reported.contains(&j) {
                    continue;
                }
                let (Some(Some((fa, not_a, sat_a))), Some(Some((fb, not_b, sat_b)))) =
                    (forms.get(i), forms.get(j))
                else {
                    continue;
                };
                if !sat_a || !sat_b || self.satisfiable(&[fa, not_b]) {
                    continue;
                }
                // Equivalent rules: report only the later one.
                if j < i && !self.satisfiable(&[fb, not_a]) {
                    continue;
                }
                reported.insert(j);
                let Some(bb) = requires.get(j) else { continue };
                let line = self.line(file, a.head.name.span);
                let msg = format!(
                    "rule `{}` is shadowed by the stricter `{}` (line {line}): whenever `{}` passes, `{}` passes too",
                    bb.head.name.name,
                    a.head.name.name,
                    self.src(file, a.cond.span()),
                    self.src(file, bb.cond.span())
                );
                self.emit(file, bb.head.name.span, Severity::Warning, "W0311", msg);
            }
        }
    }

    /// A `within` sub-ceiling larger than (E0303) or equal to (W0311) the ceiling it is within.
    fn sub_ceilings(&mut self, file: usize, ceilings: &[Ceiling]) {
        let mut first: BTreeMap<&str, &Ceiling> = BTreeMap::new();
        for c in ceilings {
            first.entry(c.head.name.name.as_str()).or_insert(c);
        }
        for c in ceilings {
            let Some(w) = c.within else { continue };
            let Some(p) = first.get(w.name.as_str()) else {
                continue;
            };
            let (v, pv) = (crate::model::Usd(c.value), crate::model::Usd(p.value));
            let (name, parent) = (&c.head.name.name, &p.head.name.name);
            if c.value > p.value {
                let msg = format!(
                    "sub-ceiling `{name}` ({v}) is larger than the ceiling `{parent}` it is within ({pv}), so it can never bind"
                );
                self.emit(file, c.span, Severity::Error, "E0303", msg);
            } else if c.value == p.value {
                let msg = format!(
                    "sub-ceiling `{name}` equals the ceiling `{parent}` it is within, so it never binds"
                );
                self.emit(file, c.span, Severity::Warning, "W0311", msg);
            }
        }
    }

    /// Of ceilings with one guard and no `within`, each but the strictest is shadowed (W0311) by
    /// the first that is stricter (smaller, or as small and earlier). Sorted once per guard.
    fn shadowed_ceilings(&mut self, file: usize, ceilings: &[Ceiling]) {
        let mut by_guard: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, c) in ceilings
            .iter()
            .enumerate()
            .filter(|(_, c)| c.within.is_none())
        {
            by_guard.entry(c.guard_key.as_str()).or_default().push(i);
        }
        let mut found: Vec<(usize, usize)> = Vec::new();
        for group in by_guard.values_mut() {
            group.sort_by_key(|&i| (ceilings.get(i).map_or(0, |c| c.value), i));
            let mut earliest: Option<usize> = None;
            for &j in group.iter() {
                if let Some(i) = earliest {
                    found.push((i, j));
                }
                earliest = Some(earliest.map_or(j, |e| e.min(j)));
            }
        }
        found.sort_unstable();
        for (i, j) in found {
            let (Some(a), Some(b)) = (ceilings.get(i), ceilings.get(j)) else {
                continue;
            };
            let line = self.line(file, a.head.name.span);
            let msg = format!(
                "ceiling `{}` ({}) is shadowed by `{}` ({}, line {line}): both count the same fiscal-year total",
                b.head.name.name,
                crate::model::Usd(b.value),
                a.head.name.name,
                crate::model::Usd(a.value),
            );
            self.emit(file, b.head.name.span, Severity::Warning, "W0311", msg);
        }
    }

    /// Can the conjunction hold? Within the run's budget; "yes" when it is spent.
    fn satisfiable(&mut self, fs: &[&F]) -> bool {
        super::logic::satisfiable(fs, &mut self.budget)
    }

    /// Why a formula can never hold: two of its top-level atoms that contradict, if there are.
    fn why(&mut self, f: &F) -> String {
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
                if self.budget == 0 {
                    break;
                }
                self.budget -= 1;
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
                if *op == HasOp::Only {
                    // One fact about the whole set: not an `or` or `and` of its items.
                    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
                    let key = format!("{f} only [{}]", names.join(", "));
                    return F::Atom(Atom::flag(key.clone(), pos, key));
                }
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
            Expr::Cmp { lhs, op, rhs, .. } => self.comparison(file, e, lhs, *op, rhs, pos),
        }
    }

    /// `PATH OP LITERAL` (either way round) as a bound or a set, anything else as a proposition.
    fn comparison(
        &self,
        file: usize,
        e: &Expr,
        lhs: &ast::Value,
        op: CmpOp,
        rhs: &ast::Value,
        pos: bool,
    ) -> F {
        let text = || self.src(file, e.span());
        let (path, off, lit, op) = match (&lhs.operand, &rhs.operand) {
            (Operand::Path(p), Operand::Literal(l)) => (p, lhs.offset, l, op),
            (Operand::Literal(l), Operand::Path(p)) => (p, rhs.offset, l, mirror(op)),
            _ => return F::Atom(Atom::flag(expr_key(e), pos, text())),
        };
        let op = if pos { op } else { negate(op) };
        let key = path_key(path);
        let Some((c, floor)) = number(&lit.kind) else {
            return match op {
                CmpOp::Eq | CmpOp::Ne => F::Atom(Atom::set(
                    key,
                    [disc(&lit.kind)].into(),
                    op == CmpOp::Ne,
                    text(),
                )),
                _ => F::Atom(Atom::flag(expr_key(e), pos, text())),
            };
        };
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
}

/// The `purposes has|any|all` tests that sit under an odd number of `not`s in `e` (the polarity
/// `pos` is false there), with their items. Recursion follows the guard's nesting, which the
/// parser bounds (`limits::MAX_DEPTH`).
fn negated_has(e: &Expr, pos: bool, out: &mut Vec<(Span, String)>) {
    match e {
        Expr::Or(xs, _) | Expr::And(xs, _) => xs.iter().for_each(|x| negated_has(x, pos, out)),
        Expr::Not(x, _) => negated_has(x, !pos, out),
        Expr::Has {
            field: SetField::Purposes,
            op: HasOp::Has | HasOp::Any | HasOp::All,
            items,
            span,
        } if !pos => {
            let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
            out.push((*span, names.join(", ")));
        }
        _ => {}
    }
}
