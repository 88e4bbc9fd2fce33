//! Pass 4: restrictions and authorities.

use super::rules::Sink;
use super::{Checker, Scope};
use crate::diagnostic::Span;
use crate::lang::ast::{self, BlockKind, Ident, Member as AstMember};
use crate::lang::limits::MAX_APPLIED_NODES;
use crate::model::text::{Text, TextList};
use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// What authorities need to know about the restrictions and each other.
struct Known<'k> {
    restrictions: &'k BTreeMap<String, Restriction>,
    /// Each restriction's first slot among all restriction rules, and the condition nodes its rules
    /// hold (what applying it copies).
    slots: BTreeMap<&'k str, (usize, u64)>,
    authority_ids: BTreeSet<&'k str>,
}

/// The citations an authority's lists give, before its own citation fills the gaps.
#[derive(Default)]
struct ListCites {
    serves: Option<String>,
    provides: Option<String>,
    recipients: Option<(Vec<RecipientKind>, Option<String>)>,
    funding: Option<(Vec<Funding>, Option<String>)>,
}

impl Checker<'_> {
    /// Checks every restriction, then every authority, and returns them.
    ///
    /// Invariant: every block has a name and a citation (E0103); a restriction holds only name,
    /// citation, caveats and rules (E0108); an authority's lists name known purposes, activities,
    /// authorities, restrictions, recipients, funding and departments (E0102, E0107); its rules and
    /// duties are type-checked (`rules`); applied restrictions' rules join its own as
    /// `restriction.rule`, each with the one slot that rule has across the rule base; rule names are
    /// unique (E0110) and every `within` names a ceiling of the authority (E0102). Restrictions'
    /// errors come first, then each authority's in declaration order. `apply` copies at most
    /// `MAX_APPLIED_NODES` condition nodes in all (E0116).
    pub(super) fn blocks(
        &mut self,
        blocks: &[(usize, ast::Block)],
        scope: &Scope,
    ) -> (BTreeMap<String, Restriction>, Vec<Authority>) {
        let of = |kind: BlockKind| blocks.iter().filter(move |(_, b)| b.kind == kind);
        let mut restrictions: BTreeMap<String, Restriction> = BTreeMap::new();
        for (file, b) in of(BlockKind::Restriction) {
            let r = self.restriction(*file, b, scope);
            restrictions.insert(r.id.clone(), r);
        }
        let mut slots = BTreeMap::new();
        let mut first = 0;
        for (id, r) in &restrictions {
            let nodes: u64 = r.rules.iter().map(rule_nodes).sum::<u64>() + r.duties.len() as u64;
            slots.insert(id.as_str(), (first, nodes));
            first += r.rules.len();
        }
        let known = Known {
            restrictions: &restrictions,
            slots,
            authority_ids: of(BlockKind::Authority)
                .map(|(_, b)| b.id.name.as_str())
                .collect(),
        };
        let mut copied = 0u64;
        let mut authorities = Vec::new();
        for (order, (file, b)) in of(BlockKind::Authority).enumerate() {
            let a = self.authority(*file, b, scope, &known, order, &mut copied);
            authorities.push(a);
        }
        (restrictions, authorities)
    }

    fn restriction(&mut self, file: usize, b: &ast::Block, scope: &Scope) -> Restriction {
        let mut r = Restriction {
            id: b.id.name.clone(),
            name: String::new(),
            citation: String::new(),
            caveats: Vec::new(),
            rules: Vec::new(),
            duties: Vec::new(),
        };
        let mut sink = Sink::new(Some(r.id.clone()));
        for m in &b.members {
            match m {
                AstMember::Name(s) => r.name = s.value.clone(),
                AstMember::Citation(s) => {
                    self.citation(file, s);
                    r.citation = s.value.clone()
                }
                AstMember::Caveat(s) => r.caveats.push(s.value.clone()),
                AstMember::Require(..) | AstMember::Ceiling(..) | AstMember::Duty(..) => {
                    self.rule_member(file, m, scope, &mut sink)
                }
                other => {
                    let msg = "a restriction takes only name, citation, caveat, require, ceiling and duty";
                    self.err(file, member_span(other, b.span), "E0108", msg.to_string());
                }
            }
        }
        self.precedes(file, &mut sink);
        (r.rules, r.duties) = (sink.rules, sink.duties);
        self.required(file, b, &r.name, &r.citation);
        r
    }

    pub(super) fn required(&mut self, file: usize, b: &ast::Block, name: &str, citation: &str) {
        for (missing, what) in [(name.is_empty(), "name"), (citation.is_empty(), "citation")] {
            if missing {
                let msg = format!("`{}` has no `{what}`", b.id.name);
                self.err(file, b.id.span, "E0103", msg);
            }
        }
    }

    fn authority(
        &mut self,
        file: usize,
        b: &ast::Block,
        scope: &Scope,
        known: &Known,
        order: usize,
        copied: &mut u64,
    ) -> Authority {
        let mut a = empty_authority(&b.id.name, order);
        let mut cites = ListCites::default();
        let mut sink = Sink::new(None);
        for m in &b.members {
            self.authority_member(file, m, scope, known, &mut a, &mut cites, &mut sink);
        }
        self.precedes(file, &mut sink);
        (a.rules, a.duties) = (sink.rules, sink.duties);
        self.required(file, b, &a.name, &a.citation);
        let default_cite = a.citation.clone();
        let cite = |c: Option<String>| c.map_or_else(|| default_cite.clone(), Text::from);
        a.serves.citation = cite(cites.serves);
        a.provides.citation = cite(cites.provides);
        a.recipients = cites.recipients.map(|(items, c)| Cited {
            items,
            citation: cite(c),
        });
        a.funding = cites.funding.map(|(items, c)| Cited {
            items,
            citation: cite(c),
        });
        self.apply(file, b, known, &mut a, copied);
        self.rule_names(file, b, &a);
        a.words = ListWords::of(&a);
        a
    }

    /// `precedes NAME`: each names another duty of the same block (E0102, with a did-you-mean),
    /// and no duty comes back to itself through them (E0121).
    fn precedes(&mut self, file: usize, sink: &mut Sink) {
        let pending = std::mem::take(&mut sink.precedes);
        for (i, name) in &pending {
            match sink.duties.iter().position(|d| d.name == name.name) {
                Some(j) => {
                    if let Some(d) = sink.duties.get_mut(*i) {
                        d.precedes = Some(j);
                    }
                }
                None => {
                    let names: Vec<&str> = sink.duties.iter().map(|d| d.name.as_str()).collect();
                    self.unknown(file, name, "duty", names);
                }
            }
        }
        for (i, name) in &pending {
            if circles_back(&sink.duties, *i) {
                let msg = format!("`precedes {}` leads back to the duty it is on", name.name);
                self.err(file, name.span, "E0121", msg);
            }
        }
    }

    /// One member of an authority block, into `a` (list citations into `cites`, rules and duties
    /// into `sink`).
    #[allow(clippy::too_many_arguments)]
    fn authority_member(
        &mut self,
        file: usize,
        m: &AstMember,
        scope: &Scope,
        known: &Known,
        a: &mut Authority,
        cites: &mut ListCites,
        sink: &mut Sink,
    ) {
        let dated = |d: &ast::DateAttr| Dated {
            date: d.date.date,
            citation: d.cite.as_ref().map(|c| Text::from(&c.value)),
            unconfirmed: d.unconfirmed.as_ref().map(|u| Text::from(&u.value)),
        };
        let cite_of = |c: &Option<ast::Str>| c.as_ref().map(|c| c.value.clone());
        match m {
            AstMember::Name(s) => a.name = Text::from(&s.value),
            AstMember::Citation(s) => {
                self.citation(file, s);
                a.citation = Text::from(&s.value)
            }
            AstMember::Title(t, span) => a.title = Some(self.title(file, *t, *span)),
            AstMember::AdministeredBy(i) => a.administered_by = Some(self.department(file, i)),
            AstMember::ExecutedBy(i) => a.executed_by = Some(self.department(file, i)),
            AstMember::Effective(d) => a.effective = Some(dated(d)),
            AstMember::Expires(d) => a.expires = Some(dated(d)),
            AstMember::Repealed(d) => a.repealed = Some(dated(d)),
            AstMember::Supersedes(ids) => {
                let ok = |n: &str| known.authority_ids.contains(n);
                let names = known.authority_ids.iter().copied();
                a.supersedes
                    .extend(self.resolve(file, ids, "authority", ok, names));
            }
            AstMember::Caveat(s) => a.caveats.push(Text::from(&s.value)),
            AstMember::Aka(names) => a.aka.extend(names.iter().map(|s| Text::from(&s.value))),
            AstMember::Under(_) | AstMember::Scope(_) => self.program_only(file, m),
            AstMember::Serves(ids, c) => {
                let ok = |n: &str| scope.purposes.contains_key(n);
                let names = scope.purposes.keys().map(String::as_str);
                a.serves
                    .items
                    .extend(self.resolve(file, ids, "purpose", ok, names));
                cites.serves = cite_of(c).or(cites.serves.take());
            }
            AstMember::Provides(ids, c) => {
                let ok = |n: &str| scope.activities.contains_key(n);
                let names = scope.activities.keys().map(String::as_str);
                a.provides
                    .items
                    .extend(self.resolve(file, ids, "activity", ok, names));
                cites.provides = cite_of(c).or(cites.provides.take());
            }
            AstMember::Recipients(ids, c) => {
                let ks = self.kinds(file, ids, Type::Recipient, |v| match v {
                    Val::Recipient(k) => Some(k),
                    _ => None,
                });
                cites.recipients = Some((ks, cite_of(c)));
            }
            AstMember::Funding(ids, c) => {
                let fs = self.kinds(file, ids, Type::Funding, |v| match v {
                    Val::Funding(k) => Some(k),
                    _ => None,
                });
                cites.funding = Some((fs, cite_of(c)));
            }
            AstMember::Apply(ids) => {
                let ok = |n: &str| known.restrictions.contains_key(n);
                let names = known.restrictions.keys().map(String::as_str);
                a.applies
                    .extend(self.resolve(file, ids, "restriction", ok, names));
            }
            AstMember::Require(..) | AstMember::Ceiling(..) | AstMember::Duty(..) => {
                self.rule_member(file, m, scope, sink)
            }
        }
    }

    fn program_only(&mut self, file: usize, m: &AstMember) {
        let msg = "only a `program` takes `under` and `scope`";
        self.err(file, member_span(m, Span::default()), "E0108", msg.into());
    }

    /// The values of a `recipients` or `funding` list; each unknown one is E0107.
    fn kinds<T>(
        &mut self,
        file: usize,
        ids: &[Ident],
        ty: Type,
        of: impl Fn(Val) -> Option<T>,
    ) -> Vec<T> {
        ids.iter()
            .filter_map(|i| self.enum_word(file, i, ty))
            .filter_map(of)
            .collect()
    }

    /// The names in `ids` that `known` accepts; each other one is E0102 with a "did you mean".
    pub(super) fn resolve<'n>(
        &mut self,
        file: usize,
        ids: &[Ident],
        what: &str,
        known: impl Fn(&str) -> bool,
        names: impl Iterator<Item = &'n str> + Clone,
    ) -> Vec<String> {
        let mut out = Vec::new();
        for i in ids {
            if known(&i.name) {
                out.push(i.name.clone());
            } else {
                self.unknown(file, i, what, names.clone());
            }
        }
        out
    }

    /// Applied restrictions: their rules and duties join the authority's under `restriction.rule`
    /// names. Each restriction rule has one slot across the rule base, so evaluation can reuse its
    /// outcome for every authority that applies it.
    fn apply(
        &mut self,
        file: usize,
        b: &ast::Block,
        known: &Known,
        a: &mut Authority,
        copied: &mut u64,
    ) {
        for rid in &a.applies {
            let (Some(r), Some(&(base, nodes))) =
                (known.restrictions.get(rid), known.slots.get(rid.as_str()))
            else {
                continue;
            };
            if *copied > MAX_APPLIED_NODES {
                return; // reported where the limit was passed
            }
            *copied = copied.saturating_add(nodes);
            self.work.add(r.rules.len() + r.duties.len());
            self.work.steps = self.work.steps.saturating_add(nodes);
            if *copied > MAX_APPLIED_NODES {
                let span = applied_span(b, rid, 1);
                let msg = format!(
                    "applying `{rid}` here makes `apply` copy more than {MAX_APPLIED_NODES} condition nodes into authorities"
                );
                self.err(file, span, "E0116", msg);
                return;
            }
            for (i, rule) in r.rules.iter().enumerate() {
                let mut rule = rule.clone();
                rule.name = format!("{rid}.{}", rule.name).into();
                if let RuleKind::Require { .. } = rule.kind {
                    rule.shared = Some(base + i);
                }
                a.rules.push(rule);
            }
            // A restriction's `precedes` points among its own duties: shift it to where they land.
            let offset = a.duties.len();
            for duty in &r.duties {
                let mut duty = duty.clone();
                duty.name = format!("{rid}.{}", duty.name);
                duty.precedes = duty.precedes.map(|j| j + offset);
                a.duties.push(duty);
            }
        }
    }

    /// Rule names are unique within the authority (E0110, at the repeated rule or `apply`) and every
    /// `within` names one of its ceilings (E0102, at the `within`).
    fn rule_names(&mut self, file: usize, b: &ast::Block, a: &Authority) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for rule in &a.rules {
            let n = seen.entry(rule.name.as_str()).or_insert(0);
            *n += 1;
            if *n > 1 {
                let span = rule_span(b, rule.name.as_str(), *n);
                let msg = format!("`{}` has two rules named `{}`", a.id, rule.name);
                self.err(file, span, "E0110", msg);
            }
        }
        let ceilings: BTreeSet<&str> = a
            .rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Ceiling { .. }))
            .map(|r| r.name.as_str())
            .collect();
        for rule in &a.rules {
            if let RuleKind::Ceiling {
                within: Some(w), ..
            } = &rule.kind
            {
                if !ceilings.contains(w.as_str()) {
                    let span = within_span(b, rule.name.as_str()).unwrap_or(b.id.span);
                    let msg = format!("ceiling `{}` is `within` unknown ceiling `{w}`", rule.name);
                    self.err(file, span, "E0102", msg);
                }
            }
        }
    }

    fn title(&mut self, file: usize, t: u32, span: Span) -> u32 {
        // Title 14 is the Coast Guard's (DHS), for its foreign cadets.
        if ![10, 14, 22].contains(&t) {
            let msg = format!("title {t}: authsel knows titles 10, 14 and 22");
            self.err(file, span, "E0108", msg);
        }
        t
    }

    fn department(&mut self, file: usize, i: &Ident) -> String {
        const DEPTS: [&str; 5] = ["DoS", "DoD", "USAID", "DHS", "President"];
        if !DEPTS.contains(&i.name.as_str()) {
            self.unknown(file, i, "department", DEPTS);
        }
        i.name.clone()
    }
}

fn empty_authority(id: &str, order: usize) -> Authority {
    let list = || Cited {
        items: Vec::new(),
        citation: Text::default(),
    };
    Authority {
        id: Text::from(id),
        name: Text::default(),
        citation: Text::default(),
        title: None,
        administered_by: None,
        executed_by: None,
        effective: None,
        expires: None,
        repealed: None,
        aka: Vec::new(),
        supersedes: Vec::new(),
        superseded_by: Vec::new(),
        caveats: TextList::default(),
        serves: list(),
        provides: list(),
        recipients: None,
        funding: None,
        applies: Vec::new(),
        rules: Vec::new(),
        duties: Vec::new(),
        order,
        words: ListWords::default(),
    }
}

/// The condition nodes a rule holds (its guard's and its condition's), at least 1.
fn rule_nodes(r: &Rule) -> u64 {
    let mut n = 1;
    let mut todo: Vec<&Cond> = r.guard.iter().collect();
    if let RuleKind::Require { cond, .. } = &r.kind {
        todo.push(cond);
    }
    while let Some(c) = todo.pop() {
        n += 1;
        match c {
            Cond::Or(xs) | Cond::And(xs) => todo.extend(xs),
            Cond::Not(x) => todo.push(x),
            _ => {}
        }
    }
    n
}

/// Where the `n`th rule named `name` is written: its own rule's name, or for an applied
/// restriction's rule (`restriction.rule`) the `n`th `apply` of that restriction.
fn rule_span(b: &ast::Block, name: &str, n: usize) -> Span {
    if let Some((rid, _)) = name.split_once('.') {
        return applied_span(b, rid, n);
    }
    let heads = b.members.iter().filter_map(|m| match m {
        AstMember::Require(h, _) | AstMember::Ceiling(h, ..) => Some(h),
        _ => None,
    });
    let named: Vec<Span> = heads
        .filter(|h| h.name.name == name)
        .map(|h| h.name.span)
        .collect();
    named
        .get(n - 1)
        .or(named.last())
        .copied()
        .unwrap_or(b.id.span)
}

/// The `n`th `apply` of restriction `rid` in the block (or the last one, or the block's id).
fn applied_span(b: &ast::Block, rid: &str, n: usize) -> Span {
    let applies: Vec<Span> = b
        .members
        .iter()
        .filter_map(|m| match m {
            AstMember::Apply(ids) => Some(ids),
            _ => None,
        })
        .flatten()
        .filter(|i| i.name == rid)
        .map(|i| i.span)
        .collect();
    applies
        .get(n.saturating_sub(1))
        .or(applies.last())
        .copied()
        .unwrap_or(b.id.span)
}

/// The `within` of the authority's own ceiling `name`, if it has one.
fn within_span(b: &ast::Block, name: &str) -> Option<Span> {
    b.members.iter().find_map(|m| match m {
        AstMember::Ceiling(h, _, Some(w)) if h.name.name == name => Some(w.span),
        _ => None,
    })
}

pub(super) fn member_span(m: &AstMember, fallback: Span) -> Span {
    match m {
        AstMember::Name(s)
        | AstMember::Citation(s)
        | AstMember::Caveat(s)
        | AstMember::Scope(s) => s.span,
        AstMember::Aka(names) => names.first().map_or(fallback, |s| s.span),
        AstMember::Title(_, s) => *s,
        AstMember::AdministeredBy(i) | AstMember::ExecutedBy(i) => i.span,
        AstMember::Effective(d) | AstMember::Expires(d) | AstMember::Repealed(d) => d.date.span,
        AstMember::Supersedes(ids)
        | AstMember::Under(ids)
        | AstMember::Apply(ids)
        | AstMember::Serves(ids, _)
        | AstMember::Provides(ids, _)
        | AstMember::Recipients(ids, _)
        | AstMember::Funding(ids, _) => ids.first().map_or(fallback, |i| i.span),
        AstMember::Require(h, _) | AstMember::Ceiling(h, ..) | AstMember::Duty(h, ..) => h.span,
    }
}

/// Whether following `precedes` from duty `i` comes back to it (within as many steps as there are
/// duties, so the walk always ends).
fn circles_back(duties: &[Duty], i: usize) -> bool {
    let mut at = duties.get(i).and_then(|d| d.precedes);
    for _ in 0..duties.len() {
        match at {
            Some(j) if j == i => return true,
            Some(j) => at = duties.get(j).and_then(|d| d.precedes),
            None => return false,
        }
    }
    false
}
