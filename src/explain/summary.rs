//! The plain-language paragraph a staff memo opens with.

use super::{Candidate, MissingFact, PurposeFit};
use crate::engine::assess::Verdict;
use crate::input::proposal::Proposal;

pub(crate) fn summary(
    p: &Proposal,
    cands: &[Candidate],
    rec: Option<&str>,
    missing: &[MissingFact],
    purpose_fits: &[PurposeFit],
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
        None => no_fit(&head, cands, purpose_fits),
    }
}

/// The summary when no authority fits: the closest one's verified fix, and the purpose question.
fn no_fit(head: &str, cands: &[Candidate], purpose_fits: &[PurposeFit]) -> String {
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
    // The purpose is the planner's intent: ask it, never change it (the best-ranked such
    // authority here; the brief view lists up to three).
    if let Some(fit) = purpose_fits.first() {
        s.push_str(&format!(
            " Is this for {}? {} ({}) would then fit.",
            or_list(&fit.purposes),
            fit.authority,
            fit.citation
        ));
    }
    s
}

/// "a, b or c", with `_` read as a space.
pub(crate) fn or_list(items: &[String]) -> String {
    let words: Vec<String> = items.iter().map(|i| i.replace('_', " ")).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
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
