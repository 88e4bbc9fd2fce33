//! `eval --format html`: the staff memo as one self-contained printable page (inline style, no
//! script, nothing loaded from anywhere; Word and every browser open it). The same content as the
//! Markdown memo, in the same order. Every piece of text is escaped by `escape`.

use super::plain;
use crate::explain::{Candidate, Explanation};
use crate::input::proposal::Proposal;
use std::fmt::Write;

const STYLE: &str = "body{font:11pt/1.4 Georgia,serif;max-width:48em;margin:2em auto;color:#111}\
h1{font-size:15pt}h2{font-size:12pt;margin-top:1.4em}table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}\
.bottom{font-weight:bold;border-left:4px solid #333;padding-left:.6em}.small{font-size:9pt;color:#555}\
@media print{body{margin:0}}";

/// Text for an HTML element or attribute: the XML escaper (`& < > " '`, and characters XML
/// forbids as U+FFFD), which HTML reads the same way.
pub fn escape(s: &str) -> String {
    super::junit::xml_escape(s)
}

/// The memo page for one decision, with the proposal's facts when given.
pub fn memo(d: &Explanation, p: Option<&Proposal>) -> String {
    let mut out = String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    let _ = write!(
        out,
        "<title>{} — {}</title><style>{STYLE}</style></head><body>\n<h1>{} — {}</h1>\n",
        escape(&d.proposal),
        escape(&d.title),
        escape(&d.proposal),
        escape(&d.title)
    );
    let bottom = match d.recommended().and_then(|r| d.candidate(r)) {
        Some(c) => format!(
            "Use {} ({}, {}): {}.",
            c.authority,
            c.name,
            c.citation,
            c.verdict.as_str()
        ),
        None => "No authority fits as proposed; the closest candidates are below.".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"bottom\">Bottom line: {}</p>",
        escape(&bottom)
    );
    if let Some(p) = p {
        facts(&mut out, p);
    }
    let _ = writeln!(out, "<p>{}</p>", escape(&plain(&d.summary)));
    if let Some(c) = d.recommended().and_then(|r| d.candidate(r)) {
        duties(&mut out, c);
        why(&mut out, c);
    }
    list(
        &mut out,
        "Still needed",
        d.missing_facts.iter().map(|m| m.question.clone()),
    );
    others(&mut out, d);
    let _ = writeln!(
        out,
        "<p><em>Not legal advice: authsel applies the rule base's reading of the statutes cited; \
         counsel confirms before action.</em></p>\n<p class=\"small\">authsel {} · rules {} · input {}</p>\n</body></html>",
        escape(&d.record.authsel_version),
        escape(d.record.rules_digest.get(..12).unwrap_or("")),
        escape(d.record.input_digest.get(..12).unwrap_or(""))
    );
    out
}

fn table(out: &mut String, head: &[&str], rows: impl IntoIterator<Item = Vec<String>>) {
    out.push_str("<table><tr>");
    for h in head {
        let _ = write!(out, "<th>{}</th>", escape(h));
    }
    out.push_str("</tr>\n");
    for row in rows {
        out.push_str("<tr>");
        for cell in row {
            let _ = write!(out, "<td>{}</td>", escape(&cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
}

fn list(out: &mut String, title: &str, items: impl IntoIterator<Item = String>) {
    let items: Vec<String> = items.into_iter().collect();
    if items.is_empty() {
        return;
    }
    let _ = write!(out, "<h2>{}</h2><ul>", escape(title));
    for i in items {
        let _ = write!(out, "<li>{}</li>", escape(&i));
    }
    out.push_str("</ul>\n");
}

fn facts(out: &mut String, p: &Proposal) {
    let rows = super::proposal_rows(p).into_iter().map(|(k, v)| vec![k, v]);
    out.push_str("<h2>The proposal</h2>");
    table(out, &["field", "value"], rows);
}

fn duties(out: &mut String, c: &Candidate) {
    if c.obligations.is_empty() {
        return;
    }
    let mut sorted: Vec<_> = c.obligations.iter().collect();
    sorted.sort_by_key(|o| (o.deadline.is_none(), o.deadline));
    out.push_str("<h2>Duties, soonest first</h2>");
    let rows = sorted.into_iter().map(|o| {
        let possible = if o.status == "required" {
            ""
        } else {
            " (if it applies)"
        };
        vec![
            format!("{}{possible}", o.kind.replace('_', " ")),
            o.deadline
                .map_or_else(|| "no fixed date".to_string(), |x| x.to_string()),
            o.to.as_deref().unwrap_or("").to_string(),
            o.citation.to_string(),
        ]
    });
    table(out, &["duty", "deadline", "to", "citation"], rows);
}

fn why(out: &mut String, c: &Candidate) {
    let reasons = c
        .reasons
        .iter()
        .filter(|r| r.applies)
        .map(|r| format!("{}: {} [{}]", r.rule, plain(&r.message.text()), r.citation));
    list(out, &format!("Why {}", c.authority), reasons);
    let unconfirmed = c.reasons.iter().filter_map(|r| {
        let u = r.unconfirmed.as_ref()?;
        Some(format!("unconfirmed ({}): {u}", r.rule))
    });
    let caveats = c.caveats.iter().map(ToString::to_string).chain(unconfirmed);
    list(out, &format!("Caveats ({})", c.authority), caveats);
}

fn others(out: &mut String, d: &Explanation) {
    let others: Vec<&Candidate> = d.runners_up().collect();
    if others.is_empty() {
        return;
    }
    out.push_str("<h2>Runners-up</h2>");
    let rows = others.iter().take(3).map(|c| {
        let mut reason = plain(&c.ranking.text());
        if let Some(f) = c.fix.as_ref().filter(|f| !f.steps.is_empty()) {
            reason.push_str(&format!("; would fit if: {}", plain(&f.steps.join("; "))));
        }
        vec![
            format!("{} ({})", c.authority, c.citation),
            c.verdict.as_str().to_string(),
            reason,
        ]
    });
    table(out, &["authority", "verdict", "reason"], rows);
    if others.len() > 3 {
        let _ = writeln!(
            out,
            "<p>{} other candidates rank lower.</p>",
            others.len() - 3
        );
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_makes_user_text_inert() {
        assert_eq!(
            super::escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&apos;x&apos;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }
}
