//! Pass 2: the purpose hierarchy.

use super::cycles::cycle_links;
use super::declare::PurposeDecl;
use super::Checker;
use crate::lang::limits::MAX_LINEAGE;
use crate::model::Purpose;
use std::collections::BTreeMap;

impl Checker<'_> {
    /// Checks the `is` hierarchy and returns the purposes.
    ///
    /// Invariant: every parent is a declared purpose (E0102); no purpose is its own ancestor
    /// (E0105, one per purpose on a cycle, at its `is` link); no lineage (a purpose and its
    /// ancestors) is longer than `MAX_LINEAGE` (E0113, at the `is` link that makes it too long).
    /// Errors come in purpose-name order within each kind. Linear: each purpose and link is
    /// visited a bounded number of times.
    pub(super) fn purposes(
        &mut self,
        decls: BTreeMap<String, PurposeDecl>,
    ) -> BTreeMap<String, Purpose> {
        let names: Vec<&String> = decls.keys().collect();
        for d in decls.values() {
            if let Some(p) = &d.parent {
                if !decls.contains_key(&p.name) {
                    self.unknown(d.file, p, "purpose", names.iter().map(|s| s.as_str()));
                }
            }
        }
        // Purposes by position in name order; a purpose's links are its (known) parent.
        let position: BTreeMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let parent: Vec<Option<usize>> = decls
            .values()
            .map(|d| {
                d.parent
                    .as_ref()
                    .and_then(|p| position.get(p.name.as_str()).copied())
            })
            .collect();
        let succ: Vec<Vec<usize>> = parent.iter().map(|p| p.iter().copied().collect()).collect();
        let on_cycle = cycle_links(&succ, &mut self.work);
        for ((name, d), cyc) in decls.iter().zip(&on_cycle) {
            if let (Some(_), Some(p)) = (cyc, &d.parent) {
                let msg = format!("purpose `{name}` is its own ancestor (cycle in `is`)");
                self.err(d.file, p.span, "E0105", msg);
            }
        }
        let depth = lineage_lengths(&parent, &on_cycle, &mut self.work);
        for (d, len) in decls.values().zip(depth) {
            if let (Some(MAX_PLUS_ONE), Some(p)) = (len, &d.parent) {
                let msg = format!(
                    "purpose `{}` is {MAX_PLUS_ONE} levels deep in the `is` hierarchy; at most {MAX_LINEAGE} are allowed",
                    d.purpose.id
                );
                self.err(d.file, p.span, "E0113", msg);
            }
        }
        decls.into_iter().map(|(k, d)| (k, d.purpose)).collect()
    }
}

const MAX_PLUS_ONE: usize = MAX_LINEAGE + 1;

/// The length of each purpose's lineage (itself and its ancestors), `None` for a purpose on a
/// cycle or below one. Each purpose is computed once: a walk up stops at the first purpose already
/// known, then the lengths are filled in on the way back down.
fn lineage_lengths(
    parent: &[Option<usize>],
    on_cycle: &[Option<usize>],
    work: &mut super::Work,
) -> Vec<Option<usize>> {
    // Some(Some(n)): known; Some(None): on or below a cycle; None: not yet computed.
    let mut len: Vec<Option<Option<usize>>> = vec![None; parent.len()];
    let mut walk: Vec<usize> = Vec::new();
    for start in 0..parent.len() {
        let mut cur = Some(start);
        // Up to the first purpose already known, a cycle, or the top.
        let mut above: Option<usize> = Some(0);
        while let Some(v) = cur {
            work.add(1);
            if let Some(known) = len.get(v).copied().flatten() {
                above = known;
                break;
            }
            if on_cycle.get(v).copied().flatten().is_some() {
                above = None;
                break;
            }
            walk.push(v);
            cur = parent.get(v).copied().flatten();
        }
        while let Some(v) = walk.pop() {
            above = above.map(|a| a + 1);
            if let Some(slot) = len.get_mut(v) {
                *slot = Some(above);
            }
        }
        if let Some(slot) = len.get_mut(start) {
            if slot.is_none() {
                *slot = Some(None);
            }
        }
    }
    len.into_iter().map(Option::flatten).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lineage_lengths_are_computed_once_each() {
        // 0 <- 1 <- 2, 3 <-> 4, 5 -> 3
        let parent = [None, Some(0), Some(1), Some(4), Some(3), Some(3)];
        let on_cycle = [None, None, None, Some(0), Some(0), None];
        let mut work = super::super::Work::default();
        let l = lineage_lengths(&parent, &on_cycle, &mut work);
        assert_eq!(l, [Some(1), Some(2), Some(3), None, None, None]);
        // A long chain: each purpose visited about twice, not n times.
        let n: usize = 100_000;
        let chain: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let mut work = super::super::Work::default();
        let l = lineage_lengths(&chain, &vec![None; n], &mut work);
        assert_eq!(l[n - 1], Some(n));
        assert!(work.steps <= 2 * n as u64, "{}", work.steps);
    }
}
