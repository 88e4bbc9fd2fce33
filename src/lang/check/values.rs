//! Pass 3b: `value` declarations, values that change over time. Each history is checked into a
//! `Param`: its type, every entry's value of that type and cited, all entries keyed the same way
//! (dates or fiscal years), `to` not before `from`, entries in order and not overlapping, at most
//! `MAX_HISTORY` entries. A history that breaks any of these is an error, so evaluation never has
//! two values to choose from.

use super::Checker;
use crate::diagnostic::Span;
use crate::lang::ast::{self, KeyLit};
use crate::lang::limits::MAX_HISTORY;
use crate::model::history::{Entry, Key, Param, ValueRef};
use crate::model::text::Text;
use crate::model::{FiscalYear, Type};
use std::collections::BTreeMap;
use std::sync::Arc;

impl Checker<'_> {
    /// Every declared value, checked; a value with an error is left out (its uses are then
    /// reported unknown only if the declaration itself was not seen).
    pub(super) fn values(
        &mut self,
        decls: &[(usize, ast::ValueDecl)],
    ) -> BTreeMap<String, ValueRef> {
        let mut out = BTreeMap::new();
        for (file, v) in decls {
            self.work.add(1 + v.entries.len().min(MAX_HISTORY + 1));
            if let Some(p) = self.value(*file, v) {
                out.insert(v.id.name.clone(), ValueRef(Arc::new(p)));
            }
        }
        out
    }

    fn value(&mut self, file: usize, v: &ast::ValueDecl) -> Option<Param> {
        let Some(ty) = value_type(&v.ty.name) else {
            let msg = format!("unknown value type `{}`", v.ty.name);
            self.err(file, v.ty.span, "E0109", msg);
            return None;
        };
        if v.entries.is_empty() {
            let msg = format!(
                "value `{}` has no history: give at least one `from` entry",
                v.id.name
            );
            self.err(file, v.id.span, "E0108", msg);
            return None;
        }
        if let Some(extra) = v.entries.get(MAX_HISTORY) {
            let msg = format!(
                "value `{}` has more than {MAX_HISTORY} history entries",
                v.id.name
            );
            self.err(file, extra.span, "E0117", msg);
            return None;
        }
        let by_fy = matches!(
            v.entries.first().map(|e| e.from.0),
            Some(KeyLit::FiscalYear(_))
        );
        let mut entries: Vec<Entry> = Vec::with_capacity(v.entries.len());
        let mut ok = true;
        for e in &v.entries {
            match self.entry(file, e, ty, by_fy, entries.last()) {
                Some(entry) => entries.push(entry),
                None => ok = false,
            }
        }
        ok.then(|| Param {
            id: Text::from(&v.id.name),
            ty,
            meaning: Text::from(&v.meaning.value),
            entries,
            key: Text::from(format!("value.{}", v.id.name)),
        })
    }

    /// One entry, checked against its history's type and key kind and against the entry before.
    fn entry(
        &mut self,
        file: usize,
        e: &ast::HistoryEntry,
        ty: Type,
        by_fy: bool,
        prev: Option<&Entry>,
    ) -> Option<Entry> {
        self.citation(file, &e.cite);
        let from = self.key(file, e.from, by_fy)?;
        let to = match e.to {
            Some(t) => Some(self.key(file, t, by_fy)?),
            None => None,
        };
        if let Some(t) = to.filter(|t| *t < from) {
            let msg = format!("history entry ends ({t}) before it starts ({from})");
            self.err(file, e.to.map_or(e.span, |t| t.1), "E0108", msg);
            return None;
        }
        if let Some(p) = prev {
            let prev_end_ok = p.to.map_or(p.from < from, |end| end < from);
            if !prev_end_ok {
                let msg = if p.from >= from {
                    format!(
                        "history entries out of order: {from} comes after {}",
                        p.from
                    )
                } else {
                    format!(
                        "history entry from {from} overlaps the entry {}",
                        p.period()
                    )
                };
                self.err(file, e.from.1, "E0118", msg).help = Some(
                    "list entries oldest first; an entry with `to` must end before the next starts"
                        .into(),
                );
                return None;
            }
        }
        let value = self.literal(file, &e.value, ty, None)?;
        Some(Entry {
            from,
            to,
            value,
            citation: Text::from(&e.cite.value),
            unconfirmed: e.unconfirmed.as_ref().map(|u| Text::from(&u.value)),
        })
    }

    /// A date or fiscal year, of the kind the history's first entry set.
    fn key(&mut self, file: usize, (k, span): (KeyLit, Span), by_fy: bool) -> Option<Key> {
        match (k, by_fy) {
            (KeyLit::Date(d), false) => Some(Key::Date(d)),
            (KeyLit::FiscalYear(y), true) => Some(Key::FiscalYear(FiscalYear::new(y))),
            _ => {
                let msg = if by_fy {
                    "this history is keyed by fiscal years (`FY2017`): every entry must be"
                } else {
                    "this history is keyed by dates: every entry must be a date"
                };
                self.err(file, span, "E0108", msg.to_string());
                None
            }
        }
    }
}

fn value_type(name: &str) -> Option<Type> {
    Some(match name {
        "usd" => Type::Usd,
        "int" => Type::Int,
        "months" => Type::Months,
        "days" => Type::Days,
        _ => return None,
    })
}
