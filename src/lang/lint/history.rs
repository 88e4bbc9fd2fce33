//! Lints of values that change over time and of authorities' dates: a gap in a history (W0315),
//! an entry that repeats the value before it (W0316), a value no rule reads (W0317), an authority
//! whose end comes before its start (E0304), and the notes listing every unconfirmed history
//! entry or date (I0320). Order and overlap are check errors (E0118): `lint` reports them too.

use super::Linter;
use crate::diagnostic::Severity;
use crate::lang::ast::{
    self, Amount, BlockKind, Expr, HistoryEntry, Item, KeyLit, Member, Operand,
};
use std::collections::BTreeSet;

impl Linter<'_> {
    /// Every `value` declaration's history, in declaration order.
    pub(super) fn histories(&mut self, parsed: &[(usize, Item)]) {
        let mut read = BTreeSet::new();
        for (_, item) in parsed {
            if let Item::Block(b) = item {
                for m in &b.members {
                    values_read(m, &mut read);
                }
            }
        }
        for (file, item) in parsed {
            let Item::Value(v) = item else { continue };
            if !read.contains(v.id.name.as_str()) {
                let msg = format!("value `{}` is declared but no rule reads it", v.id.name);
                self.emit(*file, v.id.span, Severity::Warning, "W0317", msg);
            }
            for pair in v.entries.windows(2) {
                if let [a, b] = pair {
                    self.entry_pair(*file, &v.id.name, a, b);
                }
            }
            for e in &v.entries {
                if let Some(u) = &e.unconfirmed {
                    let msg = format!(
                        "`value.{}` from {} is unconfirmed: {}",
                        v.id.name,
                        key_text(e.from.0),
                        u.value
                    );
                    self.emit(*file, u.span, Severity::Info, "I0320", msg);
                }
            }
        }
    }

    /// A gap or a repeated value between two consecutive entries.
    fn entry_pair(&mut self, file: usize, id: &str, a: &HistoryEntry, b: &HistoryEntry) {
        if let Some((to, _)) = a.to {
            if next(to).is_some_and(|n| n < b.from.0) {
                let msg = format!(
                    "`value.{id}` has no value between {} and {}: rules reading it are unknown there",
                    key_text(to),
                    key_text(b.from.0)
                );
                self.emit(file, b.from.1, Severity::Warning, "W0315", msg);
            }
        }
        if a.value.kind == b.value.kind {
            let msg = format!(
                "`value.{id}` from {} repeats the value before it: cite the act in one entry",
                key_text(b.from.0)
            );
            self.emit(file, b.value.span, Severity::Warning, "W0316", msg);
        }
    }

    /// An authority's dates: an end before its start (E0304), unconfirmed dates (I0320).
    pub(super) fn dates(&mut self, file: usize, b: &ast::Block) {
        if b.kind != BlockKind::Authority {
            return;
        }
        let mut effective = None;
        for m in &b.members {
            let (label, d) = match m {
                Member::Effective(d) => {
                    effective = Some(d.date.date);
                    ("effective", d)
                }
                Member::Expires(d) => ("expires", d),
                Member::Repealed(d) => ("repealed", d),
                _ => continue,
            };
            if let Some(u) = &d.unconfirmed {
                let msg = format!(
                    "`{}` {label} {} is unconfirmed: {}",
                    b.id.name, d.date.date, u.value
                );
                self.emit(file, u.span, Severity::Info, "I0320", msg);
            }
        }
        let Some(start) = effective else { return };
        for m in &b.members {
            let (label, d, last) = match m {
                // `expires` is the last day in force, `repealed` the first day out of force.
                Member::Expires(d) => ("expires", d, d.date.date),
                Member::Repealed(d) => (
                    "repealed",
                    d,
                    d.date.date.yesterday().unwrap_or(d.date.date),
                ),
                _ => continue,
            };
            if last < start {
                let msg = format!(
                    "`{}` is never in force: {label} {} comes before effective {start}",
                    b.id.name, d.date.date
                );
                self.emit(file, d.date.span, Severity::Error, "E0304", msg);
            }
        }
    }
}

/// The day or fiscal year after `k`.
fn next(k: KeyLit) -> Option<KeyLit> {
    Some(match k {
        KeyLit::Date(d) => KeyLit::Date(d.tomorrow().ok()?),
        KeyLit::FiscalYear(y) => KeyLit::FiscalYear(y.checked_add(1)?),
    })
}

fn key_text(k: KeyLit) -> String {
    match k {
        KeyLit::Date(d) => d.to_string(),
        KeyLit::FiscalYear(y) => format!("FY{y}"),
    }
}

/// The `value.NAME`s a member reads (conditions, guards, a ceiling's amount).
fn values_read<'m>(m: &'m Member, out: &mut BTreeSet<&'m str>) {
    if let Member::Ceiling(_, Amount::Value(id), _) = m {
        out.insert(id.name.as_str());
    }
    for e in super::member_exprs(m) {
        exprs_read(e, out);
    }
}

fn exprs_read<'e>(e: &'e Expr, out: &mut BTreeSet<&'e str>) {
    let mut value = |v: &'e ast::Value| {
        if let Operand::Path(p) = &v.operand {
            if let [ns, name] = p.as_slice() {
                if ns.name == "value" {
                    out.insert(name.name.as_str());
                }
            }
        }
    };
    match e {
        Expr::And(xs, _) | Expr::Or(xs, _) => xs.iter().for_each(|x| exprs_read(x, out)),
        Expr::Not(x, _) => exprs_read(x, out),
        Expr::Cmp { lhs, rhs, .. } => {
            value(lhs);
            value(rhs);
        }
        Expr::In { value: v, .. } | Expr::Bare(v) => value(v),
        Expr::Has { .. } => {}
    }
}
