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
pub(crate) fn question(rules: &RuleBase, p: &Proposal, fact: &str) -> String {
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
                    "Is {} in `{g}`{meaning}? Not in the registry: add `\"{g}\"` to `facts`",
                    p.partner
                )
            } else {
                format!("What is `{f}`?")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::lang::source::SourceFile;
    use crate::model::RuleBase;

    /// `capacity` serves counter-terrorism by name among three purposes; `operations` serves
    /// coalition operations alone, once an operation is designated; `general` serves security,
    /// the broader purpose, and asks a fact of its own.
    const RULES: &str = r#"
purpose security "security"
purpose ct "counter-terrorism" is security
purpose coalition "coalition operations"
purpose border "border security" is security
activity training "training"
fact designated: bool "the operation is designated"
fact general_ok: bool "the general authority's own condition"
fact months_ok: bool "the program length is within the limit"
authority capacity {
    name "Capacity" citation "C § 1"
    serves ct, coalition, border
    provides training
    require length: fact.months_ok cite "C § 2"
}
authority operations {
    name "Operations" citation "O § 1"
    serves coalition
    provides training
    require designated: fact.designated cite "O § 2"
}
authority general {
    name "General" citation "G § 1"
    serves security
    provides training
    require own: fact.general_ok cite "G § 2"
}
"#;

    fn rb() -> RuleBase {
        RuleBase::from_files(&[SourceFile {
            name: "t.auth".into(),
            text: RULES.into(),
        }])
        .unwrap_or_else(|e| panic!("{e:?}"))
    }

    fn asked(purposes: &str, facts: &str) -> (Option<String>, Vec<String>) {
        let text = format!(
            "Proposal(id: \"Q\", title: \"q\", partner: \"X\", partner_outside_registry: true, \
             recipient: NationalMilitary, purposes: [{purposes}], activities: [\"training\"], \
             amount_usd: 1000000, start: \"2027-03-01\", leahy: Passed, facts: {{{facts}}})"
        );
        let rb = rb();
        let p = rb
            .read_proposal("q.ron", &text)
            .unwrap_or_else(|e| panic!("{e:?}"));
        let e = rb.evaluate(&p).into_explanation();
        let facts = e.missing_facts.iter().map(|m| m.fact.clone()).collect();
        (e.recommended, facts)
    }

    #[test]
    fn still_needed_asks_only_what_can_change_the_recommendation() {
        // `capacity` is eligible and serves counter-terrorism by name: `general`, which serves it
        // only as security, could not outrank it even if its fact were answered its way.
        let (rec, facts) = asked("\"ct\"", "\"months_ok\": true");
        assert_eq!(rec.as_deref(), Some("capacity"));
        assert!(facts.is_empty(), "{facts:?}");
        // With `capacity` itself open, every conditional candidate could still become the answer.
        let (rec, facts) = asked("\"ct\"", "");
        assert_eq!(rec.as_deref(), Some("capacity"));
        assert_eq!(facts, ["fact.general_ok", "fact.months_ok"]);
    }

    #[test]
    fn the_operation_authority_outranks_only_when_the_operation_fact_says_so() {
        // Both serve coalition operations by name; with the operation not established,
        // `operations` is conditional and the eligible capacity-building authority leads.
        let (rec, facts) = asked("\"coalition\"", "\"months_ok\": true");
        assert_eq!(rec.as_deref(), Some("capacity"));
        // Its open fact is still asked: answered, the authority made for this purpose governs.
        assert_eq!(facts, ["fact.designated"]);
        let (rec, _) = asked("\"coalition\"", "\"months_ok\": true, \"designated\": true");
        assert_eq!(rec.as_deref(), Some("operations"));
    }
}
