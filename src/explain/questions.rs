//! The facts still missing, as questions ranked by how many candidates they settle: only those
//! of the candidates that can still become the recommendation (the recommended one, and each
//! conditional one that would outrank it once its questions were answered its way).

use super::{Candidate, MissingFact};
use crate::engine::assess::Verdict;
use crate::input::proposal::Proposal;
use crate::model::RuleBase;
use std::collections::BTreeMap;

pub(crate) fn missing_facts(
    rules: &RuleBase,
    p: &Proposal,
    candidates: &[Candidate],
    contenders: &[&str],
) -> Vec<MissingFact> {
    let mut by_fact: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for c in candidates
        .iter()
        .filter(|c| c.verdict == Verdict::Conditional && contenders.contains(&c.authority.as_str()))
    {
        let mut open: Vec<&String> = c.unknown().flat_map(|r| r.missing.iter()).collect();
        open.sort();
        open.dedup();
        for m in &open {
            let e = by_fact.entry((*m).clone()).or_default();
            e.1.push(c.authority.to_string());
            if open.len() == 1 {
                e.0 += 1;
            }
        }
    }
    let mut out: Vec<MissingFact> = by_fact
        .into_iter()
        .map(|(fact, (settles, cands))| MissingFact {
            question: question(rules, p, &fact),
            settles,
            candidates: cands,
            fact,
        })
        .collect();
    out.sort_by(|a, b| {
        b.settles
            .cmp(&a.settles)
            .then(b.candidates.len().cmp(&a.candidates.len()))
            .then(a.fact.cmp(&b.fact))
    });
    out
}

/// The planner-facing question for a missing fact.
pub(super) fn question(rules: &RuleBase, p: &Proposal, fact: &str) -> String {
    match fact {
        "leahy" => match p.leahy {
            Some(s) => format!("Leahy vetting of the recipient units is {s}: has it passed?"),
            None => "Has every recipient unit passed Leahy human-rights vetting? (set `leahy`)"
                .to_string(),
        },
        "emergency" => {
            "Has the President determined that an emergency exists? (set `emergency`)".to_string()
        }
        "duration_months" => {
            "How many months will the activity or lease run? (set `duration_months`)".to_string()
        }
        "funding" => "Whose money pays for it? (set `funding`)".to_string(),
        "major_defense_equipment_usd" => {
            "What value of major defense equipment is included? (set `major_defense_equipment_usd`)"
                .to_string()
        }
        f => {
            if let Some(name) = f.strip_prefix("fact.") {
                let meaning = rules
                    .facts
                    .get(name)
                    .map_or(String::new(), |d| format!(": {}", d.meaning));
                format!("What is `{name}`{meaning}? (add it to `facts`)")
            } else if let Some(g) = f.strip_prefix("partner.") {
                let meaning = rules
                    .registry
                    .groups
                    .get(g)
                    .map_or(String::new(), |d| format!(" ({})", d.meaning));
                format!(
                    "Is {} in `{g}`{meaning}? The registry does not know it (add `\"{g}\"` to `facts`)",
                    p.partner
                )
            } else {
                format!("What is `{f}`?")
            }
        }
    }
}
