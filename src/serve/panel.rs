//! The result panel: a finished `Explanation` as HTML (the recommendation and its reason, the
//! duties as a dated timeline, the open questions with answer controls, the other candidates by
//! verdict with their findings and verified fixes). Invariant: it decides nothing. Every verdict,
//! date, question and fix is read from the explanation (the CLI's JSON object); the only
//! judgement of its own is whether a deadline is before `today`, to mark it overdue.

use super::html::{escape, push_escaped};
use crate::engine::assess::{Obligation, Outcome, Verdict};
use crate::explain::{Candidate, Explanation, MissingFact};
use crate::model::{RuleBase, Type};
use jiff::civil::Date;
use std::fmt::Write;

/// The whole panel for one decision; `today` marks overdue duties.
pub fn render(rb: &RuleBase, d: &Explanation, today: Date) -> String {
    panel(rb, d, today, false)
}

/// The panel the page updates live: every candidate's verdict, ranking and why-not lines, but
/// its findings and fix only when it is opened (`/api/candidate`, `candidate_body`).
pub fn render_lean(rb: &RuleBase, d: &Explanation, today: Date) -> String {
    panel(rb, d, today, true)
}

fn panel(rb: &RuleBase, d: &Explanation, today: Date, lean: bool) -> String {
    let mut out = String::with_capacity(if lean { 16 * 1024 } else { 128 * 1024 });
    recommendation(&mut out, d);
    if let Some(best) = d.candidates.iter().find(|c| c.rank == 1) {
        if d.recommended.is_some() {
            timeline(&mut out, best, today);
        }
    }
    questions(&mut out, rb, &d.missing_facts);
    others(&mut out, d, lean);
    out
}

fn recommendation(out: &mut String, d: &Explanation) {
    out.push_str("<section id=\"recommendation\" aria-labelledby=\"rec-h\">");
    let best = d.recommended().and_then(|id| d.candidate(id));
    match best {
        Some(c) => {
            let _ = write!(
                out,
                "<h2 id=\"rec-h\">Use <span class=\"authority\" data-authority=\"{}\">{}</span> \
                 <span class=\"verdict v-{}\">{}</span></h2><p class=\"cite\">{} · <a href=\"/authorities/{}\">{}</a></p>",
                escape(&c.authority),
                escape(&c.name),
                c.verdict.as_str(),
                c.verdict.as_str(),
                escape(&c.citation),
                escape(&c.authority),
                escape(&c.authority),
            );
        }
        None => {
            out.push_str(
                "<h2 id=\"rec-h\">No authority fits <span class=\"verdict v-ineligible\">none</span></h2>",
            );
        }
    }
    let _ = write!(
        out,
        "<p class=\"summary\">{}</p><p class=\"meta\">{} · {} · {} · judged by the law of {}</p></section>",
        escape(&d.summary),
        escape(&d.proposal),
        escape(&d.partner),
        d.fiscal_year,
        d.as_of
    );
}

/// The recommended authority's duties, soonest first (undated ones last), overdue ones marked.
fn timeline(out: &mut String, c: &Candidate, today: Date) {
    let mut duties: Vec<&Obligation> = c.obligations.iter().collect();
    duties.sort_by_key(|o| (o.deadline.is_none(), o.deadline));
    out.push_str(
        "<section id=\"duties\" aria-labelledby=\"duties-h\"><h2 id=\"duties-h\">Duties</h2>",
    );
    if duties.is_empty() {
        out.push_str("<p>No duties follow from this authority for this proposal.</p></section>");
        return;
    }
    out.push_str("<ol class=\"timeline\">");
    for o in duties {
        let overdue = o.deadline.is_some_and(|d| d < today);
        let _ = write!(
            out,
            "<li class=\"duty{}\"><time{}>{}</time>{} <strong>{}</strong> {}",
            if overdue { " overdue" } else { "" },
            o.deadline
                .map_or(String::new(), |d| format!(" datetime=\"{d}\"")),
            o.deadline
                .map_or_else(|| "no fixed date".to_string(), |d| d.to_string()),
            if overdue {
                " <span class=\"badge overdue\">overdue</span>"
            } else {
                ""
            },
            escape(&o.kind.as_str().replace('_', " ")),
            escape(&o.message.to_string()),
        );
        if o.status.as_str() != "required" {
            let _ = write!(out, " <em>({})</em>", escape(&o.status));
        }
        if let Some(n) = &o.note {
            let _ = write!(out, " <span class=\"note\">{}</span>", escape(n));
        }
        let _ = write!(
            out,
            " <span class=\"cite\">{}</span></li>",
            escape(&o.citation)
        );
    }
    out.push_str("</ol></section>");
}

/// Where answering a question goes: a field of the form, or an entry of `facts`, and the answers
/// offered (buttons), or `None` for a typed answer of the given kind (`int` or `str`).
struct Target {
    kind: &'static str,
    name: String,
    choices: Option<Vec<(&'static str, &'static str)>>,
    typed: &'static str,
}

const YES_NO: [(&str, &str); 2] = [("true", "Yes"), ("false", "No")];

/// The form slot a missing fact is answered in: `fact.X` is the fact X, `partner.G` the group
/// fact G, any other name the proposal's field of that name.
fn target(rb: &RuleBase, missing: &str) -> Target {
    let fact = |name: &str, ty: Option<Type>| Target {
        kind: "fact",
        name: name.to_string(),
        choices: matches!(ty, Some(Type::Bool)).then(|| YES_NO.to_vec()),
        typed: match ty {
            Some(Type::Usd | Type::Months | Type::Days | Type::Int) => "int",
            _ => "str",
        },
    };
    let field = |choices: Option<Vec<(&'static str, &'static str)>>, typed| Target {
        kind: "field",
        name: missing.to_string(),
        choices,
        typed,
    };
    match missing {
        "emergency" => field(Some(YES_NO.to_vec()), "str"),
        "leahy" => field(
            Some(vec![
                ("Passed", "Passed"),
                ("Pending", "Pending"),
                ("NotStarted", "Not started"),
                ("Failed", "Failed"),
            ]),
            "str",
        ),
        "funding" => field(
            Some(vec![
                ("DoD", "DoD"),
                ("DoS", "DoS"),
                ("PartnerNational", "Partner's funds"),
                ("USAID", "USAID"),
                ("DHS", "DHS"),
                ("UsgStocks", "USG stocks"),
            ]),
            "str",
        ),
        "duration_months" | "major_defense_equipment_usd" | "amount_usd" => field(None, "int"),
        m => match (m.strip_prefix("fact."), m.strip_prefix("partner.")) {
            (Some(name), _) => fact(name, rb.facts.get(name).map(|f| f.ty)),
            (_, Some(group)) => fact(group, Some(Type::Bool)),
            _ => fact(m, None),
        },
    }
}

/// Each missing fact as a question with controls that answer it in the form (a button per
/// answer, or a field and a button).
fn questions(out: &mut String, rb: &RuleBase, facts: &[MissingFact]) {
    if facts.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"questions\" aria-labelledby=\"q-h\"><h2 id=\"q-h\">Open questions</h2><ul>",
    );
    for (i, m) in facts.iter().enumerate() {
        let t = target(rb, &m.fact);
        let name = escape(&t.name);
        let _ = write!(
            out,
            "<li class=\"question\" data-missing=\"{}\"><p id=\"q{i}\">{}",
            escape(&m.fact),
            escape(&m.question)
        );
        if m.settles > 0 {
            let _ = write!(
                out,
                " <span class=\"note\">(settles {} candidate(s))</span>",
                m.settles
            );
        }
        out.push_str("</p>");
        let attrs = format!(
            "class=\"answer\" data-target=\"{}\" data-name=\"{name}\" aria-describedby=\"q{i}\"",
            t.kind
        );
        match &t.choices {
            Some(choices) => {
                for (value, label) in choices {
                    let _ = write!(
                        out,
                        "<button type=\"button\" {attrs} data-value=\"{value}\">{label}</button> "
                    );
                }
            }
            None => {
                let _ = write!(
                    out,
                    "<label for=\"qa{i}\">Answer</label> <input id=\"qa{i}\" class=\"answer-text\" data-kind=\"{}\"> \
                     <button type=\"button\" {attrs} data-input=\"qa{i}\">Set</button>",
                    t.typed
                );
            }
        }
        out.push_str("</li>");
    }
    out.push_str("</ul></section>");
}

/// The candidates other than the recommended one, grouped by verdict, each a `<details>`.
fn others(out: &mut String, d: &Explanation, lean: bool) {
    out.push_str(
        "<section id=\"candidates\" aria-labelledby=\"c-h\"><h2 id=\"c-h\">Other candidates</h2>",
    );
    let rest: Vec<&Candidate> = d.runners_up().collect();
    if rest.is_empty() {
        out.push_str("<p>None: no other authority serves these purposes.</p>");
    }
    for v in [Verdict::Eligible, Verdict::Conditional, Verdict::Ineligible] {
        let group: Vec<&&Candidate> = rest.iter().filter(|c| c.verdict == v).collect();
        if group.is_empty() {
            continue;
        }
        let _ = write!(out, "<h3>{} ({})</h3>", v.as_str(), group.len());
        for c in group {
            candidate(out, c, lean);
        }
    }
    out.push_str("</section>");
}

fn candidate(out: &mut String, c: &Candidate, lean: bool) {
    let id = escape(&c.authority);
    let _ = write!(
        out,
        "<details class=\"candidate\" data-authority=\"{id}\"><summary><span class=\"verdict v-{v}\">{v}</span> \
         {} <span class=\"cite\">{} · {id}</span></summary>",
        escape(&c.name),
        escape(&c.citation),
        v = c.verdict.as_str(),
    );
    if lean {
        out.push_str("<div class=\"cand-body\" data-pending=\"1\"><p class=\"loading\">Loading the findings…</p></div></details>");
        return;
    }
    out.push_str(&candidate_body(c));
    out.push_str("</details>");
}

/// A candidate's ranking sentence, why-not lines, verified fix and findings table: what the
/// lean panel fetches when the candidate is opened.
pub fn candidate_body(c: &Candidate) -> String {
    let mut body = String::with_capacity(4096);
    let out = &mut body;
    let _ = write!(out, "<p>{}</p>", escape(&c.ranking.to_string()));
    if !c.why_not.is_empty() {
        out.push_str("<ul class=\"why-not\">");
        for w in &c.why_not {
            let _ = write!(out, "<li>{}</li>", escape(&w.to_string()));
        }
        out.push_str("</ul>");
    }
    if let Some(f) = &c.fix {
        fix(out, c, f);
    }
    out.push_str("<table class=\"findings\"><caption>Findings</caption><thead><tr><th scope=\"col\">rule</th><th scope=\"col\">outcome</th><th scope=\"col\">why</th><th scope=\"col\">citation</th></tr></thead><tbody>");
    for r in c.reasons.iter().filter(|r| r.applies) {
        let outcome = match r.outcome {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::Unknown => "unknown",
        };
        let _ = write!(
            out,
            "<tr class=\"o-{outcome}\"><td>{}</td><td>{outcome}</td><td>{}",
            escape(&r.rule),
            escape(&r.message.to_string()),
        );
        if let Some(u) = &r.unconfirmed {
            let _ = write!(
                out,
                " <em class=\"unconfirmed\">unconfirmed: {}</em>",
                escape(u)
            );
        }
        let _ = write!(out, "</td><td>{}</td></tr>", escape(&r.citation));
    }
    out.push_str("</tbody></table>");
    body
}

/// A verified fix: its steps in words and one button that applies its changes to the form.
fn fix(out: &mut String, c: &Candidate, f: &crate::explain::Fix) {
    out.push_str("<div class=\"fix\"><h4>Fix</h4>");
    if !f.steps.is_empty() {
        out.push_str("<ol>");
        for s in &f.steps {
            out.push_str("<li>");
            push_escaped(out, s);
            out.push_str("</li>");
        }
        out.push_str("</ol>");
    }
    if !f.changes.is_empty() {
        let changes = serde_json::to_string(&f.changes).unwrap_or_else(|_| "[]".to_string());
        let then = f.then.map_or("", Verdict::as_str);
        let _ = write!(
            out,
            "<button type=\"button\" class=\"apply\" data-authority=\"{}\" data-changes=\"{}\">Apply this fix{}</button>",
            escape(&c.authority),
            escape(&changes),
            if then.is_empty() {
                String::new()
            } else {
                format!(" (then {then})")
            }
        );
    }
    for l in &f.legal {
        out.push_str("<p class=\"legal\">");
        push_escaped(out, l);
        out.push_str("</p>");
    }
    out.push_str("</div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn explain(text: &str) -> Explanation {
        let rb = RuleBase::builtin();
        let p = rb.read_proposal("t.ron", text).unwrap();
        rb.evaluate(&p).into_explanation()
    }

    const LEBANON: &str = r#"Proposal(id: "LBN-1", title: "<script>alert(1)</script>",
        partner: "Lebanon", recipient: NationalMilitary, purposes: ["counterterrorism"],
        activities: ["training", "equipment"], amount_usd: 30000000, start: "2027-03-01",
        duration_months: 24, funding: DoD, leahy: Passed)"#;

    #[test]
    fn the_panel_names_the_recommendation_and_dates_its_duties() {
        let rb = RuleBase::builtin();
        let d = explain(LEBANON);
        let today = Date::constant(2026, 11, 30);
        let html = render(&rb, &d, today);
        assert!(html.contains("data-authority=\"usc10-333\""), "{html}");
        assert!(html.contains("<ol class=\"timeline\">"));
        assert!(!html.contains("overdue\">overdue"));
        let late = render(&rb, &d, Date::constant(2030, 1, 1));
        assert!(late.contains("<span class=\"badge overdue\">overdue</span>"));
    }

    #[test]
    fn no_user_text_becomes_markup() {
        let rb = RuleBase::builtin();
        let d = explain(LEBANON);
        let html = render(&rb, &d, Date::constant(2026, 11, 30));
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;") || !html.contains("alert(1)"));
    }

    #[test]
    fn a_question_is_answered_in_its_field_or_fact() {
        let rb = RuleBase::builtin();
        let t = target(&rb, "emergency");
        assert_eq!((t.kind, t.name.as_str()), ("field", "emergency"));
        assert_eq!(t.choices.unwrap()[0], ("true", "Yes"));
        let t = target(&rb, "fact.excess_articles");
        assert_eq!((t.kind, t.name.as_str()), ("fact", "excess_articles"));
        assert!(t.choices.is_some());
        let t = target(&rb, "duration_months");
        assert_eq!(
            (t.kind, t.typed, t.choices.is_none()),
            ("field", "int", true)
        );
        let t = target(&rb, "partner.nato");
        assert_eq!((t.kind, t.name.as_str()), ("fact", "nato"));
    }
}
