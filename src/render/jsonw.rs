//! The decision's JSON written straight into one buffer: no serde tree, no intermediate string
//! per field. Byte for byte what `serde_json::to_string(&Explanation)` gives (a test holds them
//! together); strings are escaped as serde_json escapes them, sixteen bytes at a time where nothing
//! needs escaping (rule names, citations and most sentences).

use crate::engine::assess::{Obligation, Outcome, Verdict};
use crate::explain::{Candidate, Explanation, Fix, MissingFact, PurposeFit, Reason, Record};
use crate::model::text::{Message, Text};
use std::fmt::Write as _;

/// `,"key":`, or `"key":` for the first: one piece of text made at compile time (keys are plain
/// words, never escaped).
macro_rules! key {
    ($out:expr, $k:literal) => {
        $out.push_str(concat!(",\"", $k, "\":"))
    };
    ($out:expr, $k:literal, first) => {
        $out.push_str(concat!("\"", $k, "\":"))
    };
}

mod brief;
pub(crate) use brief::brief;

/// serde_json's escape of one byte, if it needs one.
fn escape(b: u8) -> Option<&'static str> {
    const U: [&str; 32] = [
        "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
        "\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f", "\\u0010", "\\u0011",
        "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017", "\\u0018", "\\u0019",
        "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
    ];
    match b {
        b'"' => Some("\\\""),
        b'\\' => Some("\\\\"),
        _ => U.get(usize::from(b)).copied(),
    }
}

/// The contents of a JSON string (without its quotes), escaped as serde_json escapes them: the
/// plain runs between the bytes to escape are found sixteen bytes at a time and copied whole.
pub(crate) fn escaped_contents(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    while let Some(j) = super::scan::next_json_special(bytes, run) {
        // The byte to escape is ASCII: both ends of the plain run are character boundaries.
        out.push_str(s.get(run..j).unwrap_or_default());
        out.push_str(bytes.get(j).copied().and_then(escape).unwrap_or_default());
        run = j + 1;
    }
    out.push_str(s.get(run..).unwrap_or_default());
}

/// A JSON string.
pub(crate) fn string(out: &mut String, s: &str) {
    out.push('"');
    escaped_contents(out, s);
    out.push('"');
}

/// A rule-base text: copied as it is when it needs no escaping (known since it was made).
fn text(out: &mut String, t: &Text) {
    out.push('"');
    text_contents(out, t);
    out.push('"');
}

fn text_contents(out: &mut String, t: &Text) {
    if t.json_plain() {
        out.push_str(t);
    } else {
        escaped_contents(out, t);
    }
}

fn message(out: &mut String, m: &Message) {
    out.push('"');
    message_contents(out, m);
    out.push('"');
}

/// A sentence's words, as `Message::write` puts them, written piece by piece: the fixed words need
/// no escaping, the rule base's texts are copied when plain.
fn message_contents(out: &mut String, m: &Message) {
    match m {
        Message::Owned(s) => escaped_contents(out, s),
        Message::Shared(t) => text_contents(out, t),
        Message::WhyNot {
            rule,
            message,
            citation,
        } => {
            text_contents(out, rule);
            out.push_str(": ");
            message_contents(out, message);
            out.push_str(" [");
            text_contents(out, citation);
            out.push(']');
        }
        Message::Ineligible { authority, failure } => {
            text_contents(out, authority);
            out.push_str(" is ineligible");
            if let Some(b) = failure {
                out.push_str(": ");
                message_contents(out, &b.0);
                out.push_str(" [");
                text_contents(out, &b.1);
                out.push(']');
            }
        }
        Message::Over { upper, lower, why } => {
            text_contents(out, upper);
            out.push_str(" over ");
            text_contents(out, lower);
            out.push_str(": ");
            message_contents(out, why);
        }
        finding => finding_contents(out, finding),
    }
}

/// The sentence of one finding (a rule's or a built-in check's), as `Message::write` puts it.
fn finding_contents(out: &mut String, m: &Message) {
    match m {
        Message::DoesNotApply(when) => {
            out.push_str("does not apply: not (");
            if let Some(w) = when {
                text_contents(out, w);
            }
            out.push(')');
        }
        Message::Holds { condition, because } => {
            out.push_str("holds: ");
            text_contents(out, condition);
            if let Some(b) = because {
                out.push_str(" (");
                text_contents(out, b);
                out.push(')');
            }
        }
        Message::Fails { condition, because } => {
            out.push_str("fails: requires ");
            text_contents(out, condition);
            if let Some(b) = because {
                out.push_str(": ");
                text_contents(out, b);
            }
        }
        Message::InForce(d) => {
            out.push_str("in force on ");
            date_contents(out, *d);
        }
        Message::EligibleRecipient(k) => {
            out.push_str(k.name());
            out.push_str(" is an eligible recipient");
        }
        Message::FundedBy(x) => {
            out.push_str("funded by ");
            out.push_str(x.name());
        }
        // Its words are `Message::write`'s; numbers and fixed words need no escaping, so only
        // a sub-ceiling's name could.
        Message::WithinCeiling { sub, .. } if sub.as_ref().is_none_or(Text::json_plain) => {
            let _ = write!(out, "{m}");
        }
        Message::WithinCeiling { .. } => escaped_contents(out, &m.to_string()),
        // The sentences made of other sentences.
        Message::Owned(_)
        | Message::Shared(_)
        | Message::WhyNot { .. }
        | Message::Ineligible { .. }
        | Message::Over { .. } => message_contents(out, m),
    }
}

/// A date as JSON: `"YYYY-MM-DD"`.
fn date(out: &mut String, d: jiff::civil::Date) {
    out.push('"');
    date_contents(out, d);
    out.push('"');
}

/// A date as its `Display` writes it (ISO 8601), digit by digit for years 0 to 9999.
fn date_contents(out: &mut String, d: jiff::civil::Date) {
    let two = |out: &mut String, n: i8| {
        let n = n.unsigned_abs();
        out.push(char::from(b'0' + n / 10 % 10));
        out.push(char::from(b'0' + n % 10));
    };
    match u16::try_from(d.year()) {
        Ok(y) if y <= 9999 => {
            for div in [1000, 100, 10, 1] {
                // `y / div % 10` is a digit: it fits in a byte.
                out.push(char::from(b'0' + (y / div % 10) as u8));
            }
            out.push('-');
            two(out, d.month());
            out.push('-');
            two(out, d.day());
        }
        _ => {
            let _ = write!(out, "{d}");
        }
    }
}

fn number(out: &mut String, n: impl std::fmt::Display) {
    let _ = write!(out, "{n}");
}

fn opt_string(out: &mut String, s: Option<&str>) {
    match s {
        Some(s) => string(out, s),
        None => out.push_str("null"),
    }
}

/// `"key":` (keys are plain words: never escaped), after a comma unless first.
fn key(out: &mut String, k: &str, first: bool) {
    if !first {
        out.push(',');
    }
    out.push('"');
    out.push_str(k);
    out.push_str("\":");
}

fn array<T>(out: &mut String, items: &[T], mut each: impl FnMut(&mut String, &T)) {
    out.push('[');
    for (i, x) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        each(out, x);
    }
    out.push(']');
}

fn strings<T: AsRef<str>>(out: &mut String, items: &[T]) {
    array(out, items, |o, s| string(o, s.as_ref()));
}

fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::Eligible => "\"eligible\"",
        Verdict::Conditional => "\"conditional\"",
        Verdict::Ineligible => "\"ineligible\"",
    }
}

fn outcome(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "\"pass\"",
        Outcome::Fail => "\"fail\"",
        Outcome::Unknown => "\"unknown\"",
    }
}

/// One decision in words as its JSON object (`docs/json.md`), compact.
pub(crate) fn explanation(out: &mut String, e: &Explanation) {
    out.push('{');
    key!(out, "proposal", first);
    string(out, &e.proposal);
    key!(out, "title");
    string(out, &e.title);
    key!(out, "partner");
    string(out, &e.partner);
    key!(out, "fiscal_year");
    number(out, e.fiscal_year.year());
    key!(out, "as_of");
    date(out, e.as_of);
    key!(out, "recommended");
    opt_string(out, e.recommended.as_deref());
    key!(out, "verdict");
    string(out, &e.verdict);
    key!(out, "summary");
    string(out, &e.summary);
    key!(out, "candidates");
    array(out, &e.candidates, candidate);
    key!(out, "missing_facts");
    array(out, &e.missing_facts, missing_fact);
    if !e.purpose_fits.is_empty() {
        key!(out, "purpose_fits");
        array(out, &e.purpose_fits, purpose_fit);
    }
    key!(out, "record");
    record(out, &e.record);
    out.push('}');
}

fn candidate(out: &mut String, c: &Candidate) {
    out.push('{');
    key!(out, "authority", first);
    text(out, &c.authority);
    key!(out, "citation");
    text(out, &c.citation);
    key!(out, "name");
    text(out, &c.name);
    key!(out, "verdict");
    out.push_str(verdict(c.verdict));
    key!(out, "rank");
    number(out, c.rank);
    key!(out, "ranking");
    message(out, &c.ranking);
    key!(out, "reasons");
    array(out, &c.reasons, reason);
    key!(out, "obligations");
    array(out, &c.obligations, obligation);
    key!(out, "paths");
    strings(out, &c.paths);
    if !c.why_not.is_empty() {
        key!(out, "why_not");
        array(out, &c.why_not, message);
    }
    if let Some(f) = &c.fix {
        key!(out, "fix");
        fix(out, f);
    }
    if !c.caveats.is_empty() {
        key!(out, "caveats");
        // The authority's own list: its array is written once per rule base.
        out.push_str(c.caveats.json(|items| {
            let mut one = String::new();
            array(&mut one, items, text);
            one
        }));
    }
    out.push('}');
}

/// A `Reason` (public for the `--detail reasons` view's candidates): copied whole when its rule
/// fixes it and it was written once already.
pub(crate) fn reason(out: &mut String, r: &Reason) {
    let shared = r.rendered.get_or_init(|| {
        let mut one = String::new();
        reason_fields(&mut one, r);
        one
    });
    match shared {
        Some(json) => out.push_str(json),
        None => reason_fields(out, r),
    }
}

fn reason_fields(out: &mut String, r: &Reason) {
    out.push('{');
    key!(out, "rule", first);
    text(out, &r.rule);
    key!(out, "outcome");
    out.push_str(outcome(r.outcome));
    key!(out, "citation");
    text(out, &r.citation);
    key!(out, "message");
    message(out, &r.message);
    if !r.missing.is_empty() {
        key!(out, "missing");
        strings(out, &r.missing);
    }
    if !r.applies {
        key!(out, "applies");
        out.push_str("false");
    }
    if let Some(u) = &r.unconfirmed {
        key!(out, "unconfirmed");
        text(out, u);
    }
    out.push('}');
}

fn obligation(out: &mut String, o: &Obligation) {
    out.push('{');
    key!(out, "kind", first);
    text(out, &o.kind);
    key!(out, "deadline");
    match o.deadline {
        Some(d) => date(out, d),
        None => out.push_str("null"),
    }
    key!(out, "citation");
    text(out, &o.citation);
    key!(out, "message");
    message(out, &o.message);
    if let Some(to) = &o.to {
        key!(out, "to");
        text(out, to);
    }
    key!(out, "status");
    text(out, &o.status);
    if let Some(n) = &o.note {
        key!(out, "note");
        string(out, n);
    }
    out.push('}');
}

fn fix(out: &mut String, f: &Fix) {
    out.push('{');
    let mut first = true;
    if !f.changes.is_empty() {
        key(out, "changes", first);
        // Rare and small: each change through serde (a tagged enum of typed values).
        array(out, &f.changes, |o, c| {
            o.push_str(&serde_json::to_string(c).unwrap_or_default());
        });
        first = false;
    }
    if !f.steps.is_empty() {
        key(out, "steps", first);
        strings(out, &f.steps);
        first = false;
    }
    if !f.legal.is_empty() {
        key(out, "legal", first);
        strings(out, &f.legal);
        first = false;
    }
    if let Some(v) = f.then {
        key(out, "then", first);
        out.push_str(verdict(v));
    }
    out.push('}');
}

fn missing_fact(out: &mut String, m: &MissingFact) {
    out.push('{');
    key!(out, "fact", first);
    string(out, &m.fact);
    key!(out, "question");
    string(out, &m.question);
    key!(out, "settles");
    number(out, m.settles);
    key!(out, "candidates");
    strings(out, &m.candidates);
    out.push('}');
}

fn purpose_fit(out: &mut String, p: &PurposeFit) {
    out.push('{');
    key!(out, "authority", first);
    text(out, &p.authority);
    key!(out, "citation");
    text(out, &p.citation);
    key!(out, "purposes");
    strings(out, &p.purposes);
    out.push('}');
}

fn record(out: &mut String, r: &Record) {
    out.push('{');
    key!(out, "authsel_version", first);
    string(out, &r.authsel_version);
    key!(out, "rules_digest");
    string(out, &r.rules_digest);
    key!(out, "input_digest");
    string(out, &r.input_digest);
    key!(out, "as_of");
    date(out, r.as_of);
    key!(out, "ledger_entries");
    number(out, r.ledger_entries);
    key!(out, "ledger_digest");
    opt_string(out, r.ledger_digest.as_deref());
    key!(out, "digest");
    string(out, &r.digest);
    out.push('}');
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleBase;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut samples: Vec<String> = vec![
            String::new(),
            "plain".into(),
            "a \"quoted\" \\ back\tslash\n".into(),
            "§ 333 — ünïcödé 12345678 \u{7f} \u{1} \u{1f} \u{b}\u{c}\u{8}\r".into(),
        ];
        for b in 0u8..128 {
            samples.push(format!(
                "{}{}{}",
                "x".repeat(usize::from(b % 13)),
                char::from(b),
                "yz".repeat(usize::from(b % 7))
            ));
        }
        for s in samples {
            let mut out = String::new();
            string(&mut out, &s);
            assert_eq!(out, serde_json::to_string(&s).expect("json"), "{s:?}");
        }
    }

    #[test]
    fn dates_are_written_as_display_writes_them() {
        for (y, m, d) in [
            (0, 1, 1),
            (9, 12, 31),
            (2027, 3, 1),
            (9999, 12, 31),
            (-1, 1, 1),
            (-9999, 2, 28),
        ] {
            let date = jiff::civil::date(y, m, d);
            let mut out = String::new();
            date_contents(&mut out, date);
            assert_eq!(out, date.to_string());
        }
    }

    #[test]
    fn the_written_decision_is_serde_jsons_byte_for_byte() {
        let rb = RuleBase::builtin();
        let mut files = RuleBase::builtin_cases();
        let gen = crate::tools::gen::Generator::new(&rb).expect("generator");
        files.extend((0..300).map(|i| crate::lang::source::SourceFile {
            name: format!("g{i}.ron"),
            text: gen.proposal(7, i),
        }));
        let mut n = 0;
        for file in files {
            let Ok(p) = rb.read_proposal(&file.name, &file.text) else {
                continue;
            };
            let e = rb.evaluate(&p).explain();
            let mut out = String::new();
            explanation(&mut out, &e);
            assert_eq!(
                out,
                serde_json::to_string(&e).expect("json"),
                "{}",
                file.name
            );
            n += 1;
        }
        assert!(n > 300, "{n}");
    }
}
