//! Syntax tree to model: name resolution, types, duplicates, missing citations, cycles. The only
//! bridge between rule text and meaning; everything after it works on resolved, typed data.

use crate::diagnostic::{did_you_mean, Diagnostic, Severity, Span};
use crate::lang::ast::{
    self, BlockKind, Expr, Ident, Item, LitKind, Literal, Member as AstMember, Operand,
};
use crate::lang::syntax;
use crate::model::graph::AuthorityGraph;
use crate::model::text::Text;
use crate::model::*;
use crate::rulebase::{RuleBase, SourceFile};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// Parses and checks a set of rule files into a rule base, or returns every error found. Files are
/// taken in the order given (callers sort them), so the result is deterministic.
pub fn check(files: &[SourceFile]) -> Result<RuleBase, Vec<Diagnostic>> {
    let mut cx = Checker {
        files,
        diags: Vec::new(),
    };
    let mut parsed: Vec<(usize, Item)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let (items, diags) = syntax::parse_file(&f.name, &f.text);
        cx.diags.extend(diags);
        parsed.extend(items.into_iter().map(|it| (i, it)));
    }
    let rb = cx.build(parsed);
    let errors: Vec<Diagnostic> = cx.diags.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() {
        Ok(rb)
    } else {
        Err(errors)
    }
}

struct Checker<'a> {
    files: &'a [SourceFile],
    diags: Vec<Diagnostic>,
}

/// Names visible to conditions, for resolution and "did you mean".
struct Scope<'s> {
    purposes: &'s BTreeMap<String, Purpose>,
    activities: &'s BTreeMap<String, Activity>,
    facts: &'s BTreeMap<String, FactDecl>,
    groups: &'s BTreeMap<String, Group>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, file: usize, span: Span, code: &'static str, msg: String) -> &mut Diagnostic {
        let (name, text) = self
            .files
            .get(file)
            .map_or(("<rules>", ""), |f| (f.name.as_str(), f.text.as_str()));
        let d = Diagnostic::at(name, text, span, Severity::Error, code, msg);
        self.diags.push(d);
        match self.diags.last_mut() {
            Some(d) => d,
            None => unreachable!("a diagnostic was just pushed"),
        }
    }

    fn unknown<'n>(
        &mut self,
        file: usize,
        id: &Ident,
        what: &str,
        known: impl IntoIterator<Item = &'n str>,
    ) {
        let hint = did_you_mean(&id.name, known).map(|s| format!("did you mean `{s}`?"));
        let d = self.err(
            file,
            id.span,
            "E0102",
            format!("unknown {what} `{}`", id.name),
        );
        if let Some(h) = hint {
            d.help = Some(h);
        }
    }

    fn build(&mut self, parsed: Vec<(usize, Item)>) -> RuleBase {
        let mut purposes = BTreeMap::new();
        let mut purpose_spans: HashMap<String, (usize, Span)> = HashMap::new();
        let mut activities = BTreeMap::new();
        let mut facts = BTreeMap::new();
        let mut registry = Registry::default();
        let mut blocks: Vec<(usize, ast::Block)> = Vec::new();
        let mut seen: HashMap<(&'static str, String), ()> = HashMap::new();
        let mut partner_items = Vec::new();
        let mut group_items = Vec::new();

        // Pass 1: declarations, so that later references resolve whatever the order.
        for (file, item) in parsed {
            let mut dup = |cx: &mut Checker, ns: &'static str, id: &Ident| -> bool {
                if seen.insert((ns, id.name.clone()), ()).is_some() {
                    cx.err(
                        file,
                        id.span,
                        "E0101",
                        format!("{ns} `{}` is defined twice", id.name),
                    );
                    true
                } else {
                    false
                }
            };
            match item {
                Item::Purpose {
                    id,
                    meaning,
                    parent,
                } => {
                    if !dup(self, "purpose", &id) {
                        purpose_spans.insert(id.name.clone(), (file, id.span));
                        purposes.insert(
                            id.name.clone(),
                            (
                                file,
                                parent.clone(),
                                Purpose {
                                    id: id.name,
                                    meaning: meaning.value,
                                    parent: parent.map(|p| p.name),
                                },
                            ),
                        );
                    }
                }
                Item::Activity { id, meaning } => {
                    if !dup(self, "activity", &id) {
                        activities.insert(
                            id.name.clone(),
                            Activity {
                                id: id.name,
                                meaning: meaning.value,
                            },
                        );
                    }
                }
                Item::Fact {
                    id,
                    ty,
                    default,
                    meaning,
                } => {
                    if dup(self, "fact", &id) {
                        continue;
                    }
                    let Some(t) = fact_type(&ty.name) else {
                        self.err(
                            file,
                            ty.span,
                            "E0109",
                            format!("unknown fact type `{}`", ty.name),
                        );
                        continue;
                    };
                    let default = default.and_then(|lit| self.literal(file, &lit, t, None));
                    facts.insert(
                        id.name.clone(),
                        FactDecl {
                            id: id.name,
                            ty: t,
                            meaning: meaning.value,
                            default,
                        },
                    );
                }
                Item::Group {
                    id,
                    meaning,
                    includes,
                    cite,
                } => {
                    if !dup(self, "group", &id) {
                        self.citation(file, &cite);
                        group_items.push((file, id, meaning, includes, cite));
                    }
                }
                Item::Partner { name, aka, members } => {
                    partner_items.push((file, name, aka, members))
                }
                Item::Block(b) => {
                    let ns = match b.kind {
                        BlockKind::Authority => "authority",
                        BlockKind::Restriction => "restriction",
                    };
                    // Authorities and restrictions share one namespace: `apply` must be unambiguous.
                    if !dup(self, "authority or restriction", &b.id) {
                        let _ = ns;
                        blocks.push((file, b));
                    }
                }
            }
        }

        // Purpose hierarchy: parents exist, no cycles.
        let names: Vec<String> = purposes.keys().cloned().collect();
        for (file, parent, _) in purposes.values() {
            if let Some(p) = parent {
                if !purposes.contains_key(&p.name) {
                    self.unknown(*file, p, "purpose", names.iter().map(String::as_str));
                }
            }
        }
        for start in purposes.keys() {
            let mut cur = start.clone();
            let mut steps = 0;
            while let Some(next) = purposes.get(&cur).and_then(|(_, _, p)| p.parent.clone()) {
                steps += 1;
                if next == *start || steps > purposes.len() {
                    let (file, span) = purpose_spans.get(start).copied().unwrap_or_default();
                    self.err(
                        file,
                        span,
                        "E0105",
                        format!("purpose `{start}` is its own ancestor (cycle in `is`)"),
                    );
                    break;
                }
                cur = next;
            }
        }
        let purposes: BTreeMap<String, Purpose> =
            purposes.into_iter().map(|(k, (_, _, p))| (k, p)).collect();

        // Groups and partners.
        let group_names: BTreeSet<String> = group_items.iter().map(|g| g.1.name.clone()).collect();
        for (file, id, meaning, includes, cite) in group_items {
            for inc in &includes {
                if !group_names.contains(&inc.name) {
                    self.unknown(file, inc, "group", group_names.iter().map(String::as_str));
                }
            }
            registry.groups.insert(
                id.name.clone(),
                Group {
                    id: id.name,
                    meaning: meaning.value,
                    includes: includes.into_iter().map(|i| i.name).collect(),
                    citation: cite.value,
                },
            );
        }
        for g in registry.groups.keys() {
            // Any cycle is at most one link longer than there are groups.
            if group_includes(&registry.groups, g, g, registry.groups.len() + 1) {
                self.err(
                    0,
                    Span::default(),
                    "E0105",
                    format!("group `{g}` includes itself (cycle in `includes`)"),
                );
            }
        }
        for (file, name, aka, members) in partner_items {
            let idx = registry.partners.len();
            for n in std::iter::once(&name).chain(aka.iter()) {
                let key = n.value.trim().to_lowercase();
                if registry.by_name.insert(key, idx).is_some() {
                    self.err(
                        file,
                        n.span,
                        "E0101",
                        format!("partner name `{}` is used twice", n.value),
                    );
                }
            }
            let mut ms = Vec::new();
            for m in members {
                if !group_names.contains(&m.group.name) {
                    self.unknown(
                        file,
                        &m.group,
                        "group",
                        group_names.iter().map(String::as_str),
                    );
                }
                if m.to.as_ref().is_some_and(|to| to.date < m.from.date) {
                    self.err(
                        file,
                        m.from.span,
                        "E0108",
                        "membership ends before it starts".to_string(),
                    );
                }
                self.citation(file, &m.cite);
                ms.push(Member {
                    group: m.group.name,
                    from: m.from.date,
                    to: m.to.map(|t| t.date),
                    citation: m.cite.value,
                });
            }
            registry.partners.push(Partner {
                name: name.value,
                aka: aka.into_iter().map(|a| a.value).collect(),
                members: ms,
                in_groups: Vec::new(),
            });
        }
        registry.flatten();

        let scope = Scope {
            purposes: &purposes,
            activities: &activities,
            facts: &facts,
            groups: &registry.groups,
        };

        // Restrictions first: authorities copy their rules in.
        let mut restrictions: BTreeMap<String, Restriction> = BTreeMap::new();
        for (file, b) in blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Restriction)
        {
            let r = self.restriction(*file, b, &scope);
            restrictions.insert(r.id.clone(), r);
        }
        let block_ids: BTreeSet<String> = blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Authority)
            .map(|(_, b)| b.id.name.clone())
            .collect();
        let mut authorities = Vec::new();
        for (order, (file, b)) in blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Authority)
            .enumerate()
        {
            let a = self.authority(*file, b, &scope, &restrictions, &block_ids, order);
            authorities.push(a);
        }
        // Reverse `supersedes` edges, and refuse cycles.
        let mut by: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for a in &authorities {
            for old in &a.supersedes {
                by.entry(old.clone()).or_default().push(a.id.to_string());
            }
        }
        for a in &mut authorities {
            a.superseded_by = by.remove(a.id.as_str()).unwrap_or_default();
        }
        let sup: HashMap<&str, &Vec<String>> = authorities
            .iter()
            .map(|a| (a.id.as_str(), &a.supersedes))
            .collect();
        for (file, b) in blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Authority)
        {
            if supersedes_reaches(&sup, &b.id.name, &b.id.name, 0) {
                self.err(
                    *file,
                    b.id.span,
                    "E0105",
                    format!(
                        "authority `{}` supersedes itself (cycle in `supersedes`)",
                        b.id.name
                    ),
                );
            }
        }

        let digest = {
            let mut h = Sha256::new();
            for f in self.files {
                h.update(f.name.as_bytes());
                h.update([0]);
                h.update(f.text.as_bytes());
                h.update([0]);
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        };
        let graph = AuthorityGraph::build(&purposes, &activities, &authorities);
        RuleBase::assemble(
            purposes,
            activities,
            facts,
            registry,
            authorities,
            restrictions,
            graph,
            digest,
        )
    }

    fn citation(&mut self, file: usize, cite: &ast::Str) {
        if cite.value.trim().is_empty() {
            self.err(
                file,
                cite.span,
                "E0104",
                "empty citation: every rule must cite its source".to_string(),
            );
        }
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
        for m in &b.members {
            match m {
                AstMember::Name(s) => r.name = s.value.clone(),
                AstMember::Citation(s) => {
                    self.citation(file, s);
                    r.citation = s.value.clone()
                }
                AstMember::Caveat(s) => r.caveats.push(s.value.clone()),
                AstMember::Require(..) | AstMember::Ceiling(..) | AstMember::Duty(..) => self
                    .rule_member(
                        file,
                        m,
                        scope,
                        &mut r.rules,
                        &mut r.duties,
                        Some(&r.id.clone()),
                    ),
                other => {
                    self.err(file, member_span(other, b.span), "E0108", "a restriction takes only name, citation, caveat, require, ceiling and duty".to_string());
                }
            }
        }
        self.required(file, b, &r.name, &r.citation);
        r
    }

    fn required(&mut self, file: usize, b: &ast::Block, name: &str, citation: &str) {
        if name.is_empty() {
            self.err(
                file,
                b.id.span,
                "E0103",
                format!("`{}` has no `name`", b.id.name),
            );
        }
        if citation.is_empty() {
            self.err(
                file,
                b.id.span,
                "E0103",
                format!("`{}` has no `citation`", b.id.name),
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn authority(
        &mut self,
        file: usize,
        b: &ast::Block,
        scope: &Scope,
        restrictions: &BTreeMap<String, Restriction>,
        authority_ids: &BTreeSet<String>,
        order: usize,
    ) -> Authority {
        let mut a = Authority {
            id: Text::from(&b.id.name),
            name: Text::default(),
            citation: Text::default(),
            title: None,
            administered_by: None,
            executed_by: None,
            effective: None,
            expires: None,
            repealed: None,
            supersedes: Vec::new(),
            superseded_by: Vec::new(),
            caveats: Vec::new(),
            serves: Cited {
                items: Vec::new(),
                citation: Text::default(),
            },
            provides: Cited {
                items: Vec::new(),
                citation: Text::default(),
            },
            recipients: None,
            funding: None,
            applies: Vec::new(),
            rules: Vec::new(),
            duties: Vec::new(),
            order,
        };
        let mut serves_cite = None;
        let mut provides_cite = None;
        let mut recipients: Option<(Vec<RecipientKind>, Option<String>)> = None;
        let mut funding: Option<(Vec<Funding>, Option<String>)> = None;
        let dated = |d: &ast::DateLit, c: &Option<ast::Str>| Dated {
            date: d.date,
            citation: c.as_ref().map(|c| Text::from(&c.value)),
        };
        for m in &b.members {
            match m {
                AstMember::Name(s) => a.name = Text::from(&s.value),
                AstMember::Citation(s) => {
                    self.citation(file, s);
                    a.citation = Text::from(&s.value)
                }
                AstMember::Title(t, span) => {
                    if *t != 10 && *t != 22 {
                        self.err(
                            file,
                            *span,
                            "E0108",
                            format!("title {t}: authsel knows titles 10 and 22"),
                        );
                    }
                    a.title = Some(*t)
                }
                AstMember::AdministeredBy(i) => a.administered_by = Some(self.department(file, i)),
                AstMember::ExecutedBy(i) => a.executed_by = Some(self.department(file, i)),
                AstMember::Effective(d, c) => a.effective = Some(dated(d, c)),
                AstMember::Expires(d, c) => a.expires = Some(dated(d, c)),
                AstMember::Repealed(d, c) => a.repealed = Some(dated(d, c)),
                AstMember::Supersedes(ids) => {
                    for i in ids {
                        if authority_ids.contains(&i.name) {
                            a.supersedes.push(i.name.clone());
                        } else {
                            self.unknown(
                                file,
                                i,
                                "authority",
                                authority_ids.iter().map(String::as_str),
                            );
                        }
                    }
                }
                AstMember::Caveat(s) => a.caveats.push(Text::from(&s.value)),
                AstMember::Serves(ids, c) => {
                    for i in ids {
                        if scope.purposes.contains_key(&i.name) {
                            a.serves.items.push(i.name.clone());
                        } else {
                            self.unknown(
                                file,
                                i,
                                "purpose",
                                scope.purposes.keys().map(String::as_str),
                            );
                        }
                    }
                    serves_cite = c.as_ref().map(|c| c.value.clone()).or(serves_cite);
                }
                AstMember::Provides(ids, c) => {
                    for i in ids {
                        if scope.activities.contains_key(&i.name) {
                            a.provides.items.push(i.name.clone());
                        } else {
                            self.unknown(
                                file,
                                i,
                                "activity",
                                scope.activities.keys().map(String::as_str),
                            );
                        }
                    }
                    provides_cite = c.as_ref().map(|c| c.value.clone()).or(provides_cite);
                }
                AstMember::Recipients(ids, c) => {
                    let ks = ids
                        .iter()
                        .filter_map(|i| self.enum_word(file, i, Type::Recipient))
                        .filter_map(|v| match v {
                            Val::Recipient(k) => Some(k),
                            _ => None,
                        });
                    recipients = Some((ks.collect(), c.as_ref().map(|c| c.value.clone())));
                }
                AstMember::Funding(ids, c) => {
                    let fs = ids
                        .iter()
                        .filter_map(|i| self.enum_word(file, i, Type::Funding))
                        .filter_map(|v| match v {
                            Val::Funding(k) => Some(k),
                            _ => None,
                        });
                    funding = Some((fs.collect(), c.as_ref().map(|c| c.value.clone())));
                }
                AstMember::Apply(ids) => {
                    for i in ids {
                        if restrictions.contains_key(&i.name) {
                            a.applies.push(i.name.clone());
                        } else {
                            self.unknown(
                                file,
                                i,
                                "restriction",
                                restrictions.keys().map(String::as_str),
                            );
                        }
                    }
                }
                AstMember::Require(..) | AstMember::Ceiling(..) | AstMember::Duty(..) => {
                    self.rule_member(file, m, scope, &mut a.rules, &mut a.duties, None)
                }
            }
        }
        self.required(file, b, &a.name, &a.citation);
        let default_cite = a.citation.clone();
        a.serves.citation = serves_cite.map_or_else(|| default_cite.clone(), Text::from);
        a.provides.citation = provides_cite.map_or_else(|| default_cite.clone(), Text::from);
        a.recipients = recipients.map(|(items, c)| Cited {
            items,
            citation: c.map_or_else(|| default_cite.clone(), Text::from),
        });
        a.funding = funding.map(|(items, c)| Cited {
            items,
            citation: c.map_or_else(|| default_cite.clone(), Text::from),
        });
        // Applied restrictions: their rules and duties join ours under `restriction.rule` names.
        for rid in &a.applies {
            if let Some(r) = restrictions.get(rid) {
                // Each restriction rule has one slot across the rule base, so evaluation can
                // reuse its outcome for every authority that applies it.
                let base: usize = restrictions
                    .range::<String, _>(..rid)
                    .map(|(_, r)| r.rules.len())
                    .sum();
                for (i, rule) in r.rules.iter().enumerate() {
                    let mut rule = rule.clone();
                    rule.name = format!("{rid}.{}", rule.name).into();
                    if let RuleKind::Require { .. } = rule.kind {
                        rule.shared = Some(base + i);
                    }
                    a.rules.push(rule);
                }
                for duty in &r.duties {
                    let mut duty = duty.clone();
                    duty.name = format!("{rid}.{}", duty.name);
                    a.duties.push(duty);
                }
            }
        }
        let mut names = BTreeSet::new();
        for rule in &a.rules {
            if !names.insert(rule.name.clone()) {
                self.err(
                    file,
                    b.id.span,
                    "E0110",
                    format!("`{}` has two rules named `{}`", a.id, rule.name),
                );
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
                    self.err(
                        file,
                        b.id.span,
                        "E0102",
                        format!("ceiling `{}` is `within` unknown ceiling `{w}`", rule.name),
                    );
                }
            }
        }
        a
    }

    fn department(&mut self, file: usize, i: &Ident) -> String {
        const DEPTS: [&str; 5] = ["DoS", "DoD", "USAID", "DHS", "President"];
        if !DEPTS.contains(&i.name.as_str()) {
            self.unknown(file, i, "department", DEPTS);
        }
        i.name.clone()
    }

    fn rule_member(
        &mut self,
        file: usize,
        m: &AstMember,
        scope: &Scope,
        rules: &mut Vec<Rule>,
        duties: &mut Vec<Duty>,
        restriction: Option<&String>,
    ) {
        let text = self.files.get(file).map_or("", |f| f.text.as_str());
        let src = |e: &Expr| {
            let s = e.span();
            text.get(s.start..s.end)
                .unwrap_or("")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        };
        let head = match m {
            AstMember::Require(h, _) | AstMember::Ceiling(h, ..) | AstMember::Duty(h, ..) => h,
            _ => return,
        };
        self.citation(file, &head.cite);
        let guard = head.when.as_ref().and_then(|e| self.cond(file, e, scope));
        let when = head.when.as_ref().map(|e| Text::from(src(e)));
        let because = head.because.as_ref().map(|b| Text::from(&b.value));
        let remedy = head.remedy.as_ref().map(|b| b.value.clone());
        let citation = Text::from(&head.cite.value);
        let unconfirmed = head.unconfirmed.as_ref().map(|u| Text::from(&u.value));
        let restriction = restriction.cloned();
        match m {
            AstMember::Require(_, e) => {
                if let Some(cond) = self.cond(file, e, scope) {
                    let kind = RuleKind::Require {
                        cond,
                        condition: src(e).into(),
                    };
                    rules.push(Rule {
                        name: Text::from(&head.name.name),
                        reads: Inputs::of_rule(guard.as_ref(), &kind),
                        kind,
                        guard,
                        when,
                        because,
                        remedy,
                        citation,
                        unconfirmed,
                        restriction,
                        shared: None,
                    });
                }
            }
            AstMember::Ceiling(_, lit, within) => {
                let LitKind::Usd(limit) = lit.kind else {
                    self.err(
                        file,
                        lit.span,
                        "E0106",
                        "a ceiling is a dollar amount".to_string(),
                    );
                    return;
                };
                let kind = RuleKind::Ceiling {
                    limit: Usd(limit),
                    within: within.as_ref().map(|w| w.name.clone()),
                };
                rules.push(Rule {
                    name: Text::from(&head.name.name),
                    reads: Inputs::of_rule(guard.as_ref(), &kind),
                    kind,
                    guard,
                    when,
                    because,
                    remedy,
                    citation,
                    unconfirmed,
                    restriction,
                    shared: None,
                });
            }
            AstMember::Duty(_, kind, to, timing) => {
                let Some(k) = ObligationKind::from_name(&kind.name) else {
                    self.unknown(
                        file,
                        kind,
                        "duty kind",
                        ObligationKind::ALL.iter().map(|k| k.name()),
                    );
                    return;
                };
                let timing = match timing {
                    ast::Timing::DaysBefore { days, session } => Timing::DaysBefore {
                        days: *days,
                        session: *session,
                    },
                    ast::Timing::DaysAfter { days, session } => Timing::DaysAfter {
                        days: *days,
                        session: *session,
                    },
                    ast::Timing::BeforeStart => Timing::BeforeStart,
                    ast::Timing::Periodic(s) => Timing::Periodic {
                        when: s.value.clone(),
                    },
                };
                if duties.iter().any(|d| d.name == head.name.name) {
                    self.err(
                        file,
                        head.name.span,
                        "E0110",
                        format!("two duties named `{}`", head.name.name),
                    );
                }
                let mut duty = Duty {
                    name: head.name.name.clone(),
                    kind: k,
                    to: to.as_ref().map(|t| Text::from(&t.value)),
                    timing,
                    guard,
                    when,
                    because,
                    citation,
                    unconfirmed,
                    restriction,
                    message: Text::default(),
                };
                duty.message = duty.render_message();
                duties.push(duty);
            }
            _ => {}
        }
    }

    /// Type-checks a condition. Returns `None` after reporting errors.
    fn cond(&mut self, file: usize, e: &Expr, scope: &Scope) -> Option<Cond> {
        match e {
            Expr::Or(xs, _) | Expr::And(xs, _) => {
                let mut out = Vec::new();
                let mut ok = true;
                for x in xs {
                    match self.cond(file, x, scope) {
                        Some(c) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                Some(if matches!(e, Expr::Or(..)) {
                    Cond::Or(out)
                } else {
                    Cond::And(out)
                })
            }
            Expr::Not(x, _) => self.cond(file, x, scope).map(|c| Cond::Not(Box::new(c))),
            Expr::Has {
                field, op, items, ..
            } => {
                let mut ok = true;
                for i in items {
                    let known = match field {
                        ast::SetField::Purposes => scope.purposes.contains_key(&i.name),
                        ast::SetField::Activities => scope.activities.contains_key(&i.name),
                    };
                    if !known {
                        ok = false;
                        match field {
                            ast::SetField::Purposes => self.unknown(
                                file,
                                i,
                                "purpose",
                                scope.purposes.keys().map(String::as_str),
                            ),
                            ast::SetField::Activities => self.unknown(
                                file,
                                i,
                                "activity",
                                scope.activities.keys().map(String::as_str),
                            ),
                        }
                    }
                }
                ok.then(|| Cond::Has {
                    field: *field,
                    op: *op,
                    items: items.iter().map(|i| i.name.clone()).collect(),
                })
            }
            Expr::Bare(v) => {
                let t = self.term(file, v, scope, None)?;
                if t.ty != Type::Bool {
                    self.err(
                        file,
                        v.span,
                        "E0106",
                        format!("a condition must be true/false; this is {}", t.ty),
                    );
                    return None;
                }
                Some(Cond::Truthy(t))
            }
            Expr::In {
                value,
                negated,
                list,
                ..
            } => {
                let t = self.term(file, value, scope, None)?;
                let mut set = Vec::new();
                for l in list {
                    set.push(self.literal(file, l, t.ty, None)?);
                }
                Some(Cond::In {
                    term: t,
                    negated: *negated,
                    set,
                })
            }
            Expr::Cmp { lhs, op, rhs, span } => {
                // Resolve the side that names its own type first; a bare word takes the other's.
                let (l, r) = if is_word(lhs) {
                    let r = self.term(file, rhs, scope, None)?;
                    (self.term(file, lhs, scope, Some(r.ty))?, r)
                } else {
                    let l = self.term(file, lhs, scope, None)?;
                    (l.clone(), self.term(file, rhs, scope, Some(l.ty))?)
                };
                if l.ty != r.ty {
                    self.err(
                        file,
                        *span,
                        "E0106",
                        format!("cannot compare {} with {}", l.ty, r.ty),
                    );
                    return None;
                }
                let ordered = matches!(
                    l.ty,
                    Type::Usd | Type::Months | Type::Days | Type::Date | Type::Int
                );
                if !ordered && !matches!(op, ast::CmpOp::Eq | ast::CmpOp::Ne) {
                    self.err(file, *span, "E0108", format!("`{}` needs numbers, dollars or dates; {} can only be compared with == or !=", op.symbol(), l.ty));
                    return None;
                }
                Some(Cond::Cmp {
                    lhs: l,
                    op: *op,
                    rhs: r,
                })
            }
        }
    }

    fn term(
        &mut self,
        file: usize,
        v: &ast::Value,
        scope: &Scope,
        expected: Option<Type>,
    ) -> Option<Term> {
        let (source, ty) = match &v.operand {
            Operand::Literal(l) => {
                let val = match (&l.kind, expected) {
                    (LitKind::Word(_), Some(t)) => self.literal(file, l, t, None)?,
                    (LitKind::Word(w), None) => {
                        self.err(file, l.span, "E0102", format!("unknown name `{w}`"))
                            .help = Some(format!(
                            "fields are: {}",
                            Field::ALL.map(Field::name).join(", ")
                        ));
                        return None;
                    }
                    _ => self.literal(file, l, expected.unwrap_or(Type::Str), Some(()))?,
                };
                let ty = val.ty();
                (Source::Const(val), ty)
            }
            Operand::Path(parts) => match parts.as_slice() {
                [f] => match Field::from_name(&f.name) {
                    Some(field) => (Source::Field(field), field.ty()),
                    None => {
                        self.unknown(file, f, "field", Field::ALL.map(Field::name));
                        return None;
                    }
                },
                [ns, name] if ns.name == "partner" => {
                    if !scope.groups.contains_key(&name.name) {
                        self.unknown(
                            file,
                            name,
                            "partner group",
                            scope.groups.keys().map(String::as_str),
                        );
                        return None;
                    }
                    (
                        Source::PartnerGroup(
                            name.name.clone(),
                            Text::from(format!("partner.{}", name.name)),
                        ),
                        Type::Bool,
                    )
                }
                [ns, name] if ns.name == "fact" => match scope.facts.get(&name.name) {
                    Some(f) => (
                        Source::Fact(
                            name.name.clone(),
                            Text::from(format!("fact.{}", name.name)),
                            Box::new(f.clone()),
                        ),
                        f.ty,
                    ),
                    None => {
                        self.unknown(file, name, "fact", scope.facts.keys().map(String::as_str));
                        return None;
                    }
                },
                _ => {
                    self.err(
                        file,
                        v.span,
                        "E0102",
                        "unknown path: use `partner.GROUP` or `fact.NAME`".to_string(),
                    );
                    return None;
                }
            },
        };
        if v.offset != 0 && ty != Type::Int {
            self.err(
                file,
                v.span,
                "E0108",
                format!("`+`/`-` apply to numbers, not {ty}"),
            );
            return None;
        }
        Some(Term {
            source,
            offset: v.offset,
            ty,
        })
    }

    /// A literal as a value of type `want`. With `natural`, the literal's own type wins (for
    /// comparisons, where the other side is checked against it).
    fn literal(
        &mut self,
        file: usize,
        l: &Literal,
        want: Type,
        natural: Option<()>,
    ) -> Option<Val> {
        let val = match &l.kind {
            LitKind::Usd(v) => Val::Usd(Usd(*v)),
            LitKind::Months(v) => Val::Months(*v),
            LitKind::Days(v) => Val::Days(*v),
            LitKind::Date(d) => Val::Date(*d),
            LitKind::Int(v) => Val::Int(*v),
            LitKind::Bool(b) => Val::Bool(*b),
            LitKind::Str(s) => Val::Str(s.clone()),
            LitKind::Word(w) => {
                return self.enum_word(
                    file,
                    &Ident {
                        name: w.clone(),
                        span: l.span,
                    },
                    want,
                );
            }
        };
        if natural.is_none() && val.ty() != want {
            self.err(
                file,
                l.span,
                "E0106",
                format!("expected {want}, found {}", val.ty()),
            );
            return None;
        }
        Some(val)
    }

    fn enum_word(&mut self, file: usize, i: &Ident, want: Type) -> Option<Val> {
        let found = match want {
            Type::Recipient => RecipientKind::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Recipient),
            Type::Funding => Funding::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Funding),
            Type::Leahy => LeahyStatus::ALL
                .into_iter()
                .find(|k| k.to_string() == i.name)
                .map(Val::Leahy),
            _ => {
                self.err(
                    file,
                    i.span,
                    "E0106",
                    format!("expected {want}, found the name `{}`", i.name),
                );
                return None;
            }
        };
        if found.is_none() {
            let names: Vec<String> = match want {
                Type::Recipient => RecipientKind::ALL.iter().map(|k| k.to_string()).collect(),
                Type::Funding => Funding::ALL.iter().map(|k| k.to_string()).collect(),
                _ => LeahyStatus::ALL.iter().map(|k| k.to_string()).collect(),
            };
            let hint = did_you_mean(&i.name, names.iter().map(String::as_str)).map(str::to_string);
            let d = self.err(
                file,
                i.span,
                "E0107",
                format!("`{}` is not {want} (one of {})", i.name, names.join(", ")),
            );
            if let Some(h) = hint {
                d.help = Some(format!("did you mean `{h}`?"));
            }
        }
        found
    }
}

fn is_word(v: &ast::Value) -> bool {
    matches!(
        &v.operand,
        Operand::Literal(Literal {
            kind: LitKind::Word(_),
            ..
        })
    )
}

fn member_span(m: &AstMember, fallback: Span) -> Span {
    match m {
        AstMember::Name(s) | AstMember::Citation(s) | AstMember::Caveat(s) => s.span,
        AstMember::Title(_, s) => *s,
        AstMember::AdministeredBy(i) | AstMember::ExecutedBy(i) => i.span,
        AstMember::Effective(d, _) | AstMember::Expires(d, _) | AstMember::Repealed(d, _) => d.span,
        AstMember::Supersedes(ids)
        | AstMember::Apply(ids)
        | AstMember::Serves(ids, _)
        | AstMember::Provides(ids, _)
        | AstMember::Recipients(ids, _)
        | AstMember::Funding(ids, _) => ids.first().map_or(fallback, |i| i.span),
        AstMember::Require(h, _) | AstMember::Ceiling(h, ..) | AstMember::Duty(h, ..) => h.span,
    }
}

fn fact_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "usd" => Type::Usd,
        "int" => Type::Int,
        "months" => Type::Months,
        "date" => Type::Date,
        "string" => Type::Str,
        _ => return None,
    })
}

fn supersedes_reaches(
    sup: &HashMap<&str, &Vec<String>>,
    from: &str,
    target: &str,
    depth: usize,
) -> bool {
    depth <= sup.len()
        && sup.get(from).is_some_and(|olds| {
            olds.iter()
                .any(|o| o == target || supersedes_reaches(sup, o, target, depth + 1))
        })
}

#[cfg(test)]
mod tests {
    use crate::rulebase::{LoadError, RuleBase, SourceFile};

    fn errors(text: &str) -> Vec<String> {
        match RuleBase::from_files(&[SourceFile {
            name: "r.auth".into(),
            text: text.into(),
        }]) {
            Ok(_) => Vec::new(),
            Err(LoadError::Invalid(d)) => d
                .iter()
                .map(|d| format!("{}:{} {} {}", d.line, d.column, d.code, d.message))
                .collect(),
            Err(e) => vec![e.to_string()],
        }
    }

    const BASE: &str = "purpose p \"p\"\nactivity x \"x\"\nfact f: bool \"f\"\n";

    #[test]
    fn reports_every_error_at_once_with_positions() {
        let text = format!(
            "{BASE}authority a {{\n    name \"A\"\n    citation \"A\"\n    serves q\n    provides y\n    require r: amount_usd <= 60 months cite \"c\"\n    require s: fact.g cite \"\"\n}}\n"
        );
        let e = errors(&text);
        assert_eq!(e.len(), 5, "{e:#?}");
        assert!(e[0].starts_with("7:12 E0102 unknown purpose `q`"), "{e:#?}");
        assert!(
            e[1].starts_with("8:14 E0102 unknown activity `y`"),
            "{e:#?}"
        );
        assert!(
            e.iter()
                .any(|x| x.contains("E0106 cannot compare dollars with months")),
            "{e:#?}"
        );
        assert!(e.iter().any(|x| x.contains("E0104")), "{e:#?}");
        assert!(e.iter().any(|x| x.contains("unknown fact `g`")), "{e:#?}");
    }

    #[test]
    fn duplicates_cycles_and_missing_citations_are_errors() {
        assert!(errors(&format!("{BASE}purpose p \"again\"\n"))[0].contains("E0101"));
        let cyc = "purpose a \"a\" is b\npurpose b \"b\" is a\n";
        assert!(errors(cyc).iter().any(|e| e.contains("E0105")));
        let groups = format!("{BASE}group x \"x\" includes y cite \"X\"\ngroup y \"y\" includes z cite \"Y\"\ngroup z \"z\" includes x cite \"Z\"\n");
        assert!(
            errors(&groups)
                .iter()
                .any(|e| e.contains("E0105") && e.contains("group `x` includes itself")),
            "{:?}",
            errors(&groups)
        );
        let chain = format!("{BASE}group x \"x\" includes y cite \"X\"\ngroup y \"y\" includes z cite \"Y\"\ngroup z \"z\" cite \"Z\"\n");
        assert!(
            !errors(&chain).iter().any(|e| e.contains("E0105")),
            "{:?}",
            errors(&chain)
        );
        let sup = format!("{BASE}authority a {{ name \"A\" citation \"A\" supersedes b }}\nauthority b {{ name \"B\" citation \"B\" supersedes a }}\n");
        assert!(
            errors(&sup).iter().any(|e| e.contains("E0105")),
            "{:?}",
            errors(&sup)
        );
        let nocite = format!("{BASE}authority a {{ name \"A\" }}\n");
        assert!(errors(&nocite)
            .iter()
            .any(|e| e.contains("E0103") && e.contains("citation")));
    }

    #[test]
    fn enum_values_and_orderings_are_type_checked() {
        let bad_enum = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient == NationalMilitry cite \"c\" }}\n");
        let e = errors(&bad_enum);
        assert!(e.iter().any(|x| x.contains("E0107")), "{e:?}");
        let order = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient < NationalMilitary cite \"c\" }}\n");
        assert!(errors(&order).iter().any(|x| x.contains("E0108")));
        let bare = format!(
            "{BASE}authority a {{ name \"A\" citation \"A\" require r: amount_usd cite \"c\" }}\n"
        );
        assert!(errors(&bare)
            .iter()
            .any(|x| x.contains("must be true/false")));
        let ok = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient in [NationalMilitary] and start >= 2020-01-01 and fiscal_year + 1 > 2020 cite \"c\" }}\n");
        assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
    }
}
