//! Pass 5: `supersedes`.

use super::cycles::cycle_links;
use super::Checker;
use crate::lang::ast::{self, BlockKind, Member as AstMember};
use crate::model::Authority;
use std::collections::{BTreeMap, HashMap};

impl Checker<'_> {
    /// Fills each authority's `superseded_by` from the others' `supersedes`, and refuses cycles.
    ///
    /// Invariant: `superseded_by` lists the superseding authorities in declaration order; no
    /// authority supersedes itself, directly or through others (E0105, one per authority on a
    /// cycle, in declaration order, at its `supersedes` link that stays on the cycle). Linear in
    /// the authorities and links.
    pub(super) fn supersedes(
        &mut self,
        blocks: &[(usize, ast::Block)],
        authorities: &mut [Authority],
    ) {
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in authorities.iter() {
            self.work.add(1 + a.supersedes.len());
            for old in &a.supersedes {
                by.entry(old.clone()).or_default().push(a.id.to_string());
            }
        }
        for a in authorities.iter_mut() {
            a.superseded_by = by.remove(a.id.as_str()).unwrap_or_default();
        }
        let position: HashMap<&str, usize> = authorities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        let succ: Vec<Vec<usize>> = authorities
            .iter()
            .map(|a| {
                a.supersedes
                    .iter()
                    .filter_map(|o| position.get(o.as_str()).copied())
                    .collect()
            })
            .collect();
        let on_cycle = cycle_links(&succ, &mut self.work);
        let decls = blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Authority);
        for (((file, b), link), a) in decls.zip(on_cycle).zip(authorities.iter()) {
            let Some(to) = link.and_then(|k| a.supersedes.get(k)) else {
                continue;
            };
            let at = b
                .members
                .iter()
                .filter_map(|m| match m {
                    AstMember::Supersedes(ids) => Some(ids),
                    _ => None,
                })
                .flatten()
                .find(|i| i.name == *to)
                .map_or(b.id.span, |i| i.span);
            let msg = format!(
                "authority `{}` supersedes itself (cycle in `supersedes`)",
                b.id.name
            );
            self.err(*file, at, "E0105", msg);
        }
    }
}
