//! The plain-language paragraph a staff memo opens with.

use super::{Candidate, MissingFact};
use crate::engine::assess::Verdict;
use crate::input::proposal::Proposal;

pub(crate) fn summary(
    p: &Proposal,
    cands: &[Candidate],
    rec: Option<&str>,
    missing: &[MissingFact],
) -> String {
    let head = format!(
        "{} ({}, {}, ${} starting {})",
        p.title,
        p.id,
        p.partner,
        group_digits(p.amount_usd),
        p.start
    );
    match rec.and_then(|r| cands.iter().find(|c| c.authority == r)) {
        Some(c) => {
            let duties: Vec<String> = c
                .obligations
                .iter()
                .filter(|o| o.status == "required")
                .map(|o| match o.deadline {
                    Some(d) => format!("{} by {d}", o.kind.replace('_', " ")),
                    None => o.kind.replace('_', " "),
                })
                .collect();
            let mut s = format!(
                "{head}: use {} ({}, {}); it is {}.",
                c.authority,
                c.name,
                c.citation,
                c.verdict.as_str()
            );
            if c.verdict == Verdict::Conditional {
                let qs: Vec<&str> = missing
                    .iter()
                    .filter(|m| m.candidates.iter().any(|x| x == r_id(c)))
                    .map(|m| m.fact.as_str())
                    .collect();
                s.push_str(&format!(" Still needed: {}.", qs.join(", ")));
            }
            if !duties.is_empty() {
                s.push_str(&format!(" Duties: {}.", duties.join("; ")));
            }
            let others = cands.iter().filter(|x| x.authority != c.authority).count();
            if others > 0 {
                s.push_str(&format!(
                    " {others} other candidate(s) considered; see why not below."
                ));
            }
            s
        }
        None => {
            let mut s = format!(
                "{head}: no authority fits. {} candidate(s) considered, all ineligible; see the failed rules below.",
                cands.len()
            );
            // Name the closest authority when a verified change would make it fit.
            if let Some((c, f)) = cands.first().and_then(|c| {
                c.fix
                    .as_ref()
                    .filter(|f| !f.changes.is_empty())
                    .map(|f| (c, f))
            }) {
                s.push_str(&format!(
                    " Closest: {} ({}), which would fit if you: {}.",
                    c.authority,
                    c.citation,
                    f.steps.join("; and ")
                ));
            }
            s
        }
    }
}

fn r_id(c: &Candidate) -> &str {
    &c.authority
}

fn group_digits(v: u64) -> String {
    crate::model::Usd(v)
        .to_string()
        .trim_start_matches('$')
        .to_string()
}
