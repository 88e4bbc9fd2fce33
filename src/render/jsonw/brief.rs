//! A decision at `--detail brief` or `reasons` (`explain::Brief`) as its JSON object, written
//! into one buffer: byte for byte what `serde_json::to_string(&Brief)` gives (a test holds them
//! together). The nightly `check --format jsonl` writes one per proposal.

use super::{array, date, fix, message, number, reason, string, text, verdict};
use crate::explain::brief::{Brief, Closest, Duty, Findings, Question};

/// The brief object, compact.
pub(crate) fn brief(out: &mut String, b: &Brief) {
    out.push('{');
    key!(out, "proposal", first);
    string(out, &b.proposal);
    key!(out, "fiscal_year");
    number(out, b.fiscal_year.year());
    key!(out, "as_of");
    date(out, b.as_of);
    key!(out, "verdict");
    string(out, b.verdict);
    key!(out, "recommended");
    opt_text(out, b.recommended.as_ref());
    key!(out, "citation");
    opt_text(out, b.citation.as_ref());
    key!(out, "duties");
    array(out, &b.duties, duty);
    key!(out, "questions");
    array(out, &b.questions, question);
    key!(out, "closest");
    match &b.closest {
        Some(c) => closest(out, c),
        None => out.push_str("null"),
    }
    if let Some(list) = &b.candidates {
        key!(out, "candidates");
        array(out, list, findings);
    }
    out.push('}');
}

fn opt_text(out: &mut String, t: Option<&crate::model::text::Text>) {
    match t {
        Some(t) => text(out, t),
        None => out.push_str("null"),
    }
}

fn duty(out: &mut String, d: &Duty) {
    out.push('{');
    key!(out, "kind", first);
    text(out, &d.kind);
    key!(out, "deadline");
    match d.deadline {
        Some(day) => date(out, day),
        None => out.push_str("null"),
    }
    key!(out, "status");
    text(out, &d.status);
    key!(out, "citation");
    text(out, &d.citation);
    out.push('}');
}

fn question(out: &mut String, q: &Question) {
    out.push('{');
    key!(out, "fact", first);
    string(out, &q.fact);
    key!(out, "question");
    string(out, &q.question);
    out.push('}');
}

fn closest(out: &mut String, c: &Closest) {
    out.push('{');
    key!(out, "authority", first);
    text(out, &c.authority);
    key!(out, "citation");
    text(out, &c.citation);
    key!(out, "why_not");
    message(out, &c.why_not);
    key!(out, "fix");
    match &c.fix {
        Some(f) => fix(out, f),
        None => out.push_str("null"),
    }
    out.push('}');
}

fn findings(out: &mut String, f: &Findings) {
    out.push('{');
    key!(out, "authority", first);
    text(out, &f.authority);
    key!(out, "verdict");
    out.push_str(verdict(f.verdict));
    key!(out, "reasons");
    array(out, &f.reasons, reason);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use crate::explain::Detail;
    use crate::model::RuleBase;

    /// Every built-in case and 300 generated proposals, at both detail levels: the written brief is
    /// serde_json's, byte for byte.
    #[test]
    fn the_written_brief_is_serde_jsons_byte_for_byte() {
        let rules = RuleBase::builtin();
        let texts = crate::tools::gen::cases_and_generated(&rules, 7, 300);
        let mut compared = 0;
        for (name, text) in &texts {
            let Ok(p) = rules.read_proposal(name, text) else {
                continue;
            };
            let d = rules.evaluate(&p);
            for detail in [Detail::Brief, Detail::Reasons] {
                let b = d.brief(detail);
                let mut out = String::new();
                super::brief(&mut out, &b);
                let want = serde_json::to_string(&b).unwrap_or_default();
                assert_eq!(out, want, "{name} at {detail:?}");
                compared += 1;
            }
        }
        assert!(compared > 1000, "{compared} briefs compared");
    }
}
