//! Why each candidate stands where it does: why-below sentences against the recommended one,
//! contrasts, and the why-not lines of a candidate that does not fit.

use super::Judgement;
use crate::engine::assess::{Outcome, Verdict};
use crate::model::text::{Message, Text};

/// The failed rules (ineligible) or open questions (conditional), one line each with the citation.
pub(crate) fn why_not(j: &Judgement) -> Vec<Message> {
    let want = match j.verdict {
        Verdict::Eligible => return Vec::new(),
        Verdict::Conditional => Outcome::Unknown,
        Verdict::Ineligible => Outcome::Fail,
    };
    j.reasons
        .iter()
        .filter(|r| r.outcome == want)
        .map(|r| Message::WhyNot {
            rule: r.rule.clone(),
            message: Box::new(r.message.clone()),
            citation: r.citation.clone(),
        })
        .collect()
}

pub(crate) fn first_failure(j: &Judgement) -> Message {
    Message::Ineligible {
        authority: j.authority.id.clone(),
        failure: j
            .reasons
            .iter()
            .find(|r| r.outcome == Outcome::Fail)
            .map(|r| Box::new((r.message.clone(), r.citation.clone()))),
    }
}

/// One sentence: why `lower` ranks below `upper`.
pub(crate) fn why_below(upper: &Judgement, lower: &Judgement) -> Message {
    Message::Over {
        upper: upper.authority.id.clone(),
        lower: lower.authority.id.clone(),
        why: Box::new(contrast(upper, lower)),
    }
}

/// The first ranking criterion that separates the two, in words.
fn contrast(upper: &Judgement, lower: &Judgement) -> Message {
    let (u, l) = (&upper.authority.id, &lower.authority.id);
    if lower.verdict == Verdict::Ineligible {
        return first_failure(lower);
    }
    Message::Owned(contrast_text(upper, lower, u, l))
}

fn contrast_text(upper: &Judgement, lower: &Judgement, u: &Text, l: &Text) -> String {
    if lower.verdict != upper.verdict {
        return match lower.verdict {
            Verdict::Ineligible => first_failure(lower).to_string(),
            _ => {
                let needs: Vec<String> = lower
                    .reasons
                    .iter()
                    .flat_map(|r| r.missing.iter().cloned())
                    .collect();
                format!(
                    "{u} is {} now; {l} is conditional until {} is known",
                    upper.verdict.as_str(),
                    dedup(needs).join(", ")
                )
            }
        };
    }
    if lower.link.direct.len() != upper.link.direct.len() {
        return format!(
            "{u} serves {} by name; {l} serves {}",
            upper.link.direct.join(", "),
            if lower.link.direct.is_empty() {
                "them only through a broader purpose".to_string()
            } else {
                lower.link.direct.join(", ")
            }
        );
    }
    let (ua, la) = (
        upper.link.direct.len() + upper.link.inherited.len(),
        lower.link.direct.len() + lower.link.inherited.len(),
    );
    if ua != la {
        return format!("{u} serves {ua} of the proposal's purposes, {l} {la}");
    }
    let (us, ls) = (upper.link.steps, lower.link.steps);
    if us != ls {
        return format!(
            "{u} serves the proposal's purposes more closely: {} against {}",
            closeness(upper),
            closeness(lower)
        );
    }
    let (uu, lu) = (upper.count(Outcome::Unknown), lower.count(Outcome::Unknown));
    if uu != lu {
        return format!("{u} leaves {uu} question(s) open, {l} {lu}");
    }
    let (uf, lf) = (focus(upper), focus(lower));
    let share = |j: &Judgement, purposes: bool| {
        let a = j.authority;
        if purposes {
            (served(j), a.serves.items.len())
        } else {
            (asked(j), a.provides.items.len())
        }
    };
    for (differ, purposes, what) in [
        (uf.0 != lf.0, true, "purposes it serves"),
        (uf.1 != lf.1, false, "activities it provides"),
    ] {
        if differ {
            let ((un, uof), (ln, lof)) = (share(upper, purposes), share(lower, purposes));
            return format!(
                "{u} is the more specific authority for this proposal, which uses {un} of the {uof} {what}, against {ln} of {l}'s {lof}; the specific authority governs the general"
            );
        }
    }
    format!("{u} and {l} tie on every criterion; {u} comes first in the catalogue")
}

fn served(j: &Judgement) -> usize {
    j.link.direct.len() + j.link.inherited.len()
}

/// The proposal's activities this authority provides.
fn asked(j: &Judgement) -> usize {
    j.link.activities.len()
}

/// What the ranking compares: `Authority::focus` of the candidate for this proposal.
fn focus(j: &Judgement) -> (usize, usize) {
    j.authority.focus(served(j), &j.link.activities)
}

/// "counterterrorism as security_capacity (1 step up)" for each purpose served through a broader
/// one; "every purpose by name" when none is.
fn closeness(j: &Judgement) -> String {
    if j.link.inherited.is_empty() {
        return format!("{} serves each by name", j.authority.id);
    }
    let via: Vec<String> = j
        .link
        .inherited
        .iter()
        .map(|(p, a)| format!("{p} as {a}"))
        .collect();
    format!(
        "{} serves {} ({} step(s) up)",
        j.authority.id,
        via.join(", "),
        j.link.steps
    )
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}
