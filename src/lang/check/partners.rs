//! Pass 3: the partner registry.

use super::cycles::cycle_links;
use super::declare::{GroupDecl, PartnerDecl};
use super::Checker;
use crate::diagnostic::Span;
use crate::lang::limits::MAX_FLATTEN_STEPS;
use crate::model::{Group, Member, Partner, Registry};
use std::collections::BTreeMap;

impl Checker<'_> {
    /// Checks groups and partners and returns the registry, memberships flattened.
    ///
    /// Invariant: every included group exists (E0102, in declaration order); no group includes
    /// itself (E0105, one per group on a cycle, in name order, at its `includes` link that stays on
    /// the cycle); partner names and aliases are unique, case-insensitively (E0101); every
    /// membership names a group (E0102), ends no earlier than it starts (E0108) and cites a source
    /// (E0104). Then each partner's memberships are flattened through the inclusions (E0115 when
    /// that would pass `MAX_FLATTEN_STEPS`). Linear in the groups, links and flattened memberships.
    pub(super) fn partners(
        &mut self,
        groups: Vec<GroupDecl>,
        partners: Vec<PartnerDecl>,
    ) -> Registry {
        let mut registry = Registry::default();
        self.groups(groups, &mut registry);
        let spans: Vec<(usize, Span)> = partners.iter().map(|p| (p.file, p.name.span)).collect();
        for p in partners {
            self.partner(p, &mut registry);
        }
        match registry.flatten_within(MAX_FLATTEN_STEPS) {
            Ok(steps) => self.work.steps = self.work.steps.saturating_add(steps),
            Err(stopped) => {
                self.work.steps = self.work.steps.saturating_add(MAX_FLATTEN_STEPS);
                if let Some((file, span)) = spans.get(stopped).copied() {
                    let msg = format!(
                        "the partners' memberships through group inclusions take more than {MAX_FLATTEN_STEPS} steps to flatten"
                    );
                    self.err(file, span, "E0115", msg);
                }
            }
        }
        registry
    }

    fn groups(&mut self, groups: Vec<GroupDecl>, registry: &mut Registry) {
        let by_name: BTreeMap<&str, &GroupDecl> =
            groups.iter().map(|g| (g.id.name.as_str(), g)).collect();
        for g in &groups {
            for inc in &g.includes {
                if !by_name.contains_key(inc.name.as_str()) {
                    self.unknown(g.file, inc, "group", by_name.keys().copied());
                }
            }
        }
        let position: BTreeMap<&str, usize> =
            by_name.keys().enumerate().map(|(i, n)| (*n, i)).collect();
        let succ: Vec<Vec<usize>> = by_name
            .values()
            .map(|g| {
                self.work.add(g.includes.len() + 1);
                g.includes
                    .iter()
                    .filter_map(|i| position.get(i.name.as_str()).copied())
                    .collect()
            })
            .collect();
        let on_cycle = cycle_links(&succ, &mut self.work);
        let ordered: Vec<&GroupDecl> = by_name.values().copied().collect();
        for ((g, next), link) in ordered.iter().zip(&succ).zip(on_cycle) {
            let Some(to) = link.and_then(|k| next.get(k)).and_then(|&t| ordered.get(t)) else {
                continue;
            };
            let (name, to) = (&g.id.name, &to.id.name);
            let Some(inc) = g.includes.iter().find(|i| i.name == *to) else {
                continue;
            };
            let msg = if name == to {
                format!("group `{name}` includes itself (cycle in `includes`)")
            } else {
                format!("group `{name}` includes itself through `{to}` (cycle in `includes`)")
            };
            self.err(g.file, inc.span, "E0105", msg);
        }
        for g in groups {
            registry.groups.insert(
                g.id.name.clone(),
                Group {
                    id: g.id.name,
                    meaning: g.meaning.value,
                    includes: g.includes.into_iter().map(|i| i.name).collect(),
                    citation: g.cite.value,
                },
            );
        }
    }

    fn partner(&mut self, p: PartnerDecl, registry: &mut Registry) {
        self.work.add(1 + p.aka.len() + p.members.len());
        let idx = registry.partners.len();
        for n in std::iter::once(&p.name).chain(p.aka.iter()) {
            let key = n.value.trim().to_lowercase();
            if registry.by_name.insert(key, idx).is_some() {
                let msg = format!("partner name `{}` is used twice", n.value);
                self.err(p.file, n.span, "E0101", msg);
            }
        }
        let mut ms = Vec::new();
        for m in p.members {
            if !registry.groups.contains_key(&m.group.name) {
                let known: Vec<&str> = registry.groups.keys().map(String::as_str).collect();
                self.unknown(p.file, &m.group, "group", known);
            }
            if m.to.as_ref().is_some_and(|to| to.date < m.from.date) {
                let msg = "membership ends before it starts".to_string();
                self.err(p.file, m.from.span, "E0108", msg);
            }
            self.citation(p.file, &m.cite);
            ms.push(Member {
                group: m.group.name,
                from: m.from.date,
                to: m.to.map(|t| t.date),
                citation: m.cite.value,
            });
        }
        registry.partners.push(Partner {
            name: p.name.value,
            aka: p.aka.into_iter().map(|a| a.value).collect(),
            members: ms,
            in_groups: Vec::new(),
        });
    }
}
