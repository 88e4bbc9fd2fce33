//! `authsel diff`: every decision that changes between two rule bases, over a corpus of proposals
//! (and optionally generated ones), with the rules whose outcome changed and, when a rule's
//! definition differs between the bases, the old and new text.
//!
//! A decision changes when its recommended authority, its verdict, or any candidate's verdict (or
//! candidacy) differs. For each candidate whose verdict changed, the rules are compared by name.

use crate::diagnostic::Diagnostic;
use crate::engine::assess::{Context, Outcome, Verdict};
use crate::explain::Explanation;
use crate::input::proposal::Proposal;
use crate::model::RuleBase;
use crate::model::{Authority, Funding, LeahyStatus, RecipientKind, Rule, RuleKind};
use crate::tools::rng::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// One proposal whose decision differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// File name, or `generated #N`.
    pub source: String,
    pub proposal: String,
    pub old: Summary,
    pub new: Summary,
    pub candidates: Vec<CandidateChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub recommended: Option<String>,
    pub verdict: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CandidateChange {
    pub authority: String,
    /// `None`: not a candidate under that rule base.
    pub old: Option<Verdict>,
    pub new: Option<Verdict>,
    pub rules: Vec<RuleChange>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleChange {
    pub rule: String,
    pub old: Option<Outcome>,
    pub new: Option<Outcome>,
    pub citation: String,
    /// The rule's definition in each base, when they differ.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub definition: Option<Definition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Definition {
    pub old: Option<String>,
    pub new: Option<String>,
}

/// Compares the decisions of one proposal; `None` when nothing changed.
pub fn compare(
    old_rb: &RuleBase,
    new_rb: &RuleBase,
    source: &str,
    p: &Proposal,
    ctx: &Context,
) -> Option<Change> {
    let old = old_rb.evaluate_with(p, ctx).into_explanation();
    let new = new_rb.evaluate_with(p, ctx).into_explanation();
    compare_explanations(old_rb, new_rb, source, &p.id, &old, &new)
}

/// What changed between two decisions of one proposal (`old` judged under `old_rb`, `new` under
/// `new_rb`: two rule bases, or one rule base and two versions of the proposal); `None` when
/// nothing changed.
pub fn compare_explanations(
    old_rb: &RuleBase,
    new_rb: &RuleBase,
    source: &str,
    proposal: &str,
    old: &Explanation,
    new: &Explanation,
) -> Option<Change> {
    let mut candidates = Vec::new();
    let ids: BTreeSet<&str> = old
        .candidates
        .iter()
        .chain(&new.candidates)
        .map(|c| c.authority.as_str())
        .collect();
    // Catalogue order of the new base, then any the new base lacks.
    let mut ids: Vec<&str> = ids.into_iter().collect();
    ids.sort_by_key(|id| {
        new_rb
            .authority(id)
            .or_else(|| old_rb.authority(id))
            .map_or(usize::MAX, |a| a.order)
    });
    for id in ids {
        let (o, n) = (old.candidate(id), new.candidate(id));
        let (ov, nv) = (o.map(|c| c.verdict), n.map(|c| c.verdict));
        if ov == nv {
            continue;
        }
        let rules = rule_changes(old_rb, new_rb, id, o, n);
        candidates.push(CandidateChange {
            authority: id.to_string(),
            old: ov,
            new: nv,
            rules,
        });
    }
    let summary = |d: &Explanation| Summary {
        recommended: d.recommended.clone(),
        verdict: d.verdict.clone(),
    };
    let (os, ns) = (summary(old), summary(new));
    if os == ns && candidates.is_empty() {
        return None;
    }
    Some(Change {
        source: source.to_string(),
        proposal: proposal.to_string(),
        old: os,
        new: ns,
        candidates,
    })
}

/// The rules of one candidate whose outcome differs between the two explanations.
fn rule_changes(
    old_rb: &RuleBase,
    new_rb: &RuleBase,
    id: &str,
    o: Option<&crate::explain::Candidate>,
    n: Option<&crate::explain::Candidate>,
) -> Vec<RuleChange> {
    let outcome = |d: Option<&crate::explain::Candidate>| -> BTreeMap<String, (Outcome, String)> {
        d.map(|c| {
            c.reasons
                .iter()
                .filter(|r| r.applies)
                .map(|r| (r.rule.to_string(), (r.outcome, r.citation.to_string())))
                .collect()
        })
        .unwrap_or_default()
    };
    let (or, nr) = (outcome(o), outcome(n));
    let names: BTreeSet<&String> = or.keys().chain(nr.keys()).collect();
    let mut rules = Vec::new();
    for name in names {
        let (a, b) = (or.get(name), nr.get(name));
        if a.map(|x| x.0) == b.map(|x| x.0) {
            continue;
        }
        let (od, nd) = (
            definition(old_rb.authority(id), name),
            definition(new_rb.authority(id), name),
        );
        rules.push(RuleChange {
            rule: name.clone(),
            old: a.map(|x| x.0),
            new: b.map(|x| x.0),
            citation: b.or(a).map(|x| x.1.clone()).unwrap_or_default(),
            definition: (od != nd).then_some(Definition { old: od, new: nd }),
        });
    }
    rules
}

/// A rule's definition as text (its own rule, or a built-in one from the authority's attributes).
pub fn definition(a: Option<&Authority>, rule: &str) -> Option<String> {
    let a = a?;
    let json = |v: serde_json::Value| Some(v.to_string());
    match rule {
        "in_force" => json(serde_json::json!({
            "effective": a.effective, "expires": a.expires, "repealed": a.repealed,
            "superseded_by": a.superseded_by,
        })),
        "purpose" => json(serde_json::json!({"serves": a.serves})),
        "activities" => json(serde_json::json!({"provides": a.provides})),
        "recipient" => json(serde_json::json!({"recipients": a.recipients})),
        "funding" => json(serde_json::json!({"funding": a.funding})),
        _ => a.rules.iter().find(|r| r.name == rule).map(rule_text),
    }
}

/// A rule as one line in the language (values normalised: `$100,000,000`).
pub fn rule_text(r: &Rule) -> String {
    let mut s = match &r.kind {
        RuleKind::Require { condition, .. } => format!("require {}: {condition}", r.name),
        RuleKind::Ceiling { limit, within } => {
            let w = within
                .as_ref()
                .map(|w| format!(" within {w}"))
                .unwrap_or_default();
            format!("ceiling {}: {limit} per fiscal_year{w}", r.name)
        }
    };
    if let Some(w) = &r.when {
        let _ = write!(s, " when {w}");
    }
    // A history is part of the rule: a changed entry is a changed rule.
    for v in &r.values {
        for e in &v.entries {
            let _ = write!(s, " [{} {} {}: {}]", v.key, e.period(), e.value, e.citation);
        }
    }
    if let Some(b) = &r.because {
        let _ = write!(s, " because {b:?}");
    }
    let _ = write!(s, " cite {:?}", r.citation);
    if let Some(u) = &r.unconfirmed {
        let _ = write!(s, " unconfirmed {u:?}");
    }
    s
}

/// Every rule whose definition differs between the bases: (authority, rule, old, new).
pub fn changed_rules(
    old_rb: &RuleBase,
    new_rb: &RuleBase,
) -> Vec<(String, String, Option<String>, Option<String>)> {
    let mut ids: Vec<&str> = new_rb.authorities.iter().map(|a| a.id.as_str()).collect();
    for a in &old_rb.authorities {
        if new_rb.authority(&a.id).is_none() {
            ids.push(&a.id);
        }
    }
    let mut out = Vec::new();
    for id in ids {
        let (oa, na) = (old_rb.authority(id), new_rb.authority(id));
        let mut names: Vec<String> = ["in_force", "purpose", "activities", "recipient", "funding"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for a in oa.iter().chain(na.iter()) {
            for r in &a.rules {
                if !names.iter().any(|n| *n == r.name) {
                    names.push(r.name.to_string());
                }
            }
        }
        for n in names {
            let (o, nw) = (definition(oa, &n), definition(na, &n));
            if o != nw {
                out.push((id.to_string(), n, o, nw));
            }
        }
    }
    out
}

/// What `authsel diff` reports (rendered by `render::human::diff` and `render::json::diff`).
#[derive(Debug, Default, Serialize)]
pub struct DiffReport {
    /// Every rule whose definition differs between the bases.
    pub changed_rules: Vec<DefinitionChange>,
    /// Every proposal whose decision differs.
    pub changes: Vec<Change>,
    pub summary: Totals,
    /// Proposals that only one of the bases can read (an id was added or removed).
    pub unreadable: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct DefinitionChange {
    pub authority: String,
    pub new: Option<String>,
    pub old: Option<String>,
    pub rule: String,
}

#[derive(Debug, Default, Serialize)]
pub struct Totals {
    /// Changed decisions plus unreadable proposals.
    pub changed: usize,
    pub proposals: usize,
}

/// The comparison of two rule bases over proposals, fed one at a time.
pub struct Diff<'a> {
    pub old: &'a RuleBase,
    pub new: &'a RuleBase,
    pub ctx: Context<'a>,
    report: DiffReport,
}

impl<'a> Diff<'a> {
    pub fn new(old: &'a RuleBase, new: &'a RuleBase, ctx: Context<'a>) -> Diff<'a> {
        let changed_rules = changed_rules(old, new)
            .into_iter()
            .map(|(authority, rule, old, new)| DefinitionChange {
                authority,
                new,
                old,
                rule,
            })
            .collect();
        let report = DiffReport {
            changed_rules,
            ..DiffReport::default()
        };
        Diff {
            old,
            new,
            ctx,
            report,
        }
    }

    /// One proposal file. `Err` holds the diagnostics when neither base can read it.
    pub fn file(&mut self, name: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
        self.report.summary.proposals += 1;
        match (
            self.old.read_proposal(name, text),
            self.new.read_proposal(name, text),
        ) {
            (Ok(p), Ok(_)) => {
                let change = compare(self.old, self.new, name, &p, &self.ctx);
                self.report.changes.extend(change);
                Ok(())
            }
            (Err(d), Err(_)) => Err(d),
            (Ok(_), Err(d)) => {
                self.unreadable(name, "the new rules reject it", &d);
                Ok(())
            }
            (Err(d), Ok(_)) => {
                self.unreadable(name, "the old rules rejected it", &d);
                Ok(())
            }
        }
    }

    fn unreadable(&mut self, name: &str, which: &str, d: &[Diagnostic]) {
        let first = d.first().map(|d| d.message.clone()).unwrap_or_default();
        self.report
            .unreadable
            .push(format!("{name}: {which}: {first}"));
    }

    /// `n` generated proposals aimed at both bases' ceilings.
    pub fn generated(&mut self, n: usize, seed: u64) {
        for (i, p) in generate(self.old, self.new, n, seed).iter().enumerate() {
            self.report.summary.proposals += 1;
            let name = format!("generated #{i}");
            let change = compare(self.old, self.new, &name, p, &self.ctx);
            self.report.changes.extend(change);
        }
    }

    pub fn finish(mut self) -> DiffReport {
        self.report.summary.changed = self.report.changes.len() + self.report.unreadable.len();
        self.report
    }
}

/// A small deterministic proposal generator (splitmix64). Each proposal is aimed at one authority
/// of the old base (its purposes, activities, recipients, funding), with amounts drawn around every
/// ceiling of both bases, so that threshold changes show.
pub fn generate(old_rb: &RuleBase, new_rb: &RuleBase, n: usize, seed: u64) -> Vec<Proposal> {
    let mut rng = Rng::new(seed);
    let purposes: Vec<&String> = old_rb.purposes.keys().collect();
    let partners: Vec<&str> = old_rb
        .registry
        .partners
        .iter()
        .map(|p| p.name.as_str())
        .chain(["Kenya", "Lebanon", "Ukraine", "Taiwan"])
        .collect();
    let amounts = threshold_amounts(old_rb, new_rb);
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let Some(target) = old_rb
            .authorities
            .get(rng.index_mod(old_rb.authorities.len()))
        else {
            break;
        };
        let ps = aimed_purposes(&mut rng, target, &purposes);
        let acts = aimed_activities(&mut rng, old_rb, target);
        let amount = if rng.index_mod(4) == 0 {
            rng.index_mod(500_000_000) as u64
        } else {
            amounts
                .get(rng.index_mod(amounts.len()))
                .copied()
                .unwrap_or(0)
        };
        let recipient = match &target.recipients {
            Some(r) if rng.index_mod(4) != 0 => r.items.get(rng.index_mod(r.items.len())).copied(),
            _ => RecipientKind::ALL
                .get(rng.index_mod(RecipientKind::ALL.len()))
                .copied(),
        };
        let funding = match (&target.funding, rng.index_mod(4)) {
            (_, 0) => None,
            (Some(f), 1 | 2) => f.items.get(rng.index_mod(f.items.len())).copied(),
            _ => Funding::ALL.get(rng.index_mod(Funding::ALL.len())).copied(),
        };
        let start = random_start(&mut rng);
        let leahy = match rng.index_mod(4) {
            0 => None,
            1 => LeahyStatus::ALL
                .get(rng.index_mod(LeahyStatus::ALL.len()))
                .copied(),
            _ => Some(LeahyStatus::Passed),
        };
        let id = format!("GEN-{seed}-{i}");
        out.push(Proposal {
            id,
            title: format!("generated for {}", target.id),
            partner: partners
                .get(rng.index_mod(partners.len()))
                .map_or("Kenya".to_string(), |s| s.to_string()),
            recipient: recipient.unwrap_or(RecipientKind::NationalMilitary),
            purposes: ps,
            activities: acts,
            amount_usd: amount,
            start,
            offer_date: None,
            duration_months: (rng.index_mod(2) == 0).then(|| 1 + rng.index_mod(72) as u32),
            funding,
            leahy,
            major_defense_equipment_usd: (rng.index_mod(3) == 0).then_some(amount / 2),
            emergency: match rng.index_mod(4) {
                0 => None,
                1 => Some(false),
                _ => Some(true),
            },
            facts: BTreeMap::new(),
            amounts: BTreeMap::new(),
            serves: Default::default(),
            activity_funding: Default::default(),
        });
    }
    out
}

/// A start date in 2024-2028 (days 1 to 28 of a month).
fn random_start(rng: &mut Rng) -> jiff::civil::Date {
    let year = 2024 + i16::try_from(rng.index_mod(5)).unwrap_or(0);
    let month = 1 + i8::try_from(rng.index_mod(12)).unwrap_or(0);
    let day = 1 + i8::try_from(rng.index_mod(28)).unwrap_or(0);
    jiff::civil::Date::new(year, month, day).unwrap_or(jiff::civil::Date::constant(2027, 3, 1))
}

/// Amounts on and around every ceiling of both bases (and a few round ones): where decisions flip.
fn threshold_amounts(old_rb: &RuleBase, new_rb: &RuleBase) -> Vec<u64> {
    let mut amounts: BTreeSet<u64> = [0, 1_000_000, 10_000_000].into();
    for rb in [old_rb, new_rb] {
        for a in &rb.authorities {
            for r in &a.rules {
                if let RuleKind::Ceiling { limit, .. } = &r.kind {
                    for limit in limit.amounts() {
                        amounts.extend([
                            limit.0.saturating_sub(1),
                            limit.0,
                            limit.0.saturating_add(1),
                        ]);
                        amounts.insert(limit.0 / 2 + limit.0 / 4);
                    }
                }
            }
        }
    }
    amounts.into_iter().collect()
}

/// One purpose the target serves, and sometimes another from the whole vocabulary.
fn aimed_purposes(rng: &mut Rng, target: &Authority, purposes: &[&String]) -> Vec<String> {
    let mut ps: Vec<String> = target
        .serves
        .items
        .get(rng.index_mod(target.serves.items.len()))
        .cloned()
        .into_iter()
        .collect();
    if rng.index_mod(4) == 0 || ps.is_empty() {
        if let Some(p) = purposes.get(rng.index_mod(purposes.len())) {
            if !ps.contains(*p) {
                ps.push((*p).clone());
            }
        }
    }
    ps
}

/// One or two activities the target provides, else any activity.
fn aimed_activities(rng: &mut Rng, rb: &RuleBase, target: &Authority) -> Vec<String> {
    let mut acts: Vec<String> = Vec::new();
    for _ in 0..=rng.index_mod(2) {
        if let Some(a) = target
            .provides
            .items
            .get(rng.index_mod(target.provides.items.len()))
        {
            if !acts.contains(a) {
                acts.push(a.clone());
            }
        }
    }
    if acts.is_empty() {
        if let Some(a) = rb.activities.keys().nth(rng.index_mod(rb.activities.len())) {
            acts.push(a.clone());
        }
    }
    acts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_506a1_cap(cap: &str) -> RuleBase {
        let files: Vec<_> = RuleBase::builtin_files()
            .into_iter()
            .map(|mut f| {
                if f.name.ends_with("title22-drawdowns.auth") {
                    f.text = f.text.replacen(
                        "ceiling aggregate: $100M per fiscal_year",
                        &format!("ceiling aggregate: {cap} per fiscal_year"),
                        1,
                    );
                }
                f
            })
            .collect();
        RuleBase::from_files(&files).expect("checks")
    }

    #[test]
    fn same_rules_change_nothing_and_a_lower_cap_flips_the_middle() {
        let rb = RuleBase::builtin();
        let low = with_506a1_cap("$50M");
        let p = |amount: u64| {
            let mut p = Proposal::from_ron(include_str!(
                "../../rules/cases/domain/08-drawdown-506a1-150m.ron"
            ))
            .expect("case");
            p.amount_usd = amount;
            p
        };
        let ctx = Context::default();
        assert_eq!(compare(&rb, &rb, "x", &p(60_000_000), &ctx), None);
        assert_eq!(compare(&rb, &low, "x", &p(50_000_000), &ctx), None);
        assert_eq!(compare(&rb, &low, "x", &p(150_000_000), &ctx), None);
        let c = compare(&rb, &low, "x", &p(60_000_000), &ctx).expect("a change");
        let cc = c
            .candidates
            .iter()
            .find(|c| c.authority == "faa-506a1")
            .expect("506a1");
        assert_eq!(
            (cc.old, cc.new),
            (Some(Verdict::Eligible), Some(Verdict::Ineligible))
        );
        let r = &cc.rules[0];
        assert_eq!(r.rule, "aggregate");
        let d = r.definition.as_ref().expect("definition changed");
        assert!(
            d.new.as_deref().unwrap_or("").contains("$50,000,000"),
            "{d:?}"
        );
        assert_eq!(changed_rules(&rb, &low).len(), 1);
    }

    #[test]
    fn generator_is_deterministic() {
        let rb = RuleBase::builtin();
        let a = generate(&rb, &rb, 20, 7);
        assert_eq!(a, generate(&rb, &rb, 20, 7));
        assert_ne!(a, generate(&rb, &rb, 20, 8));
        assert!(a
            .iter()
            .all(|p| !p.purposes.is_empty() && !p.activities.is_empty()));
    }
}
