//! The server-rendered pages: the proposal form (every field with its label, one-line explanation
//! and allowed values from the rule base's vocabulary), the authority handbook and its index, the
//! graph, the batch upload, the printable memo, the what-if comparison. Invariant: every page is
//! complete HTML made here from the rule base and finished results; user text goes through
//! `html::escape`; nothing is fetched from another host.

use super::html::{el, escape, page};
use crate::explain::Explanation;
use crate::model::{Authority, RuleBase};
use crate::tools::diff::{rule_text, Change};
use crate::tools::vocab::{entries, Entry, Section};
use std::fmt::Write;

/// A form field: its input (already HTML), label and one-line explanation, and the slot its
/// diagnostics are shown in.
fn field(out: &mut String, name: &str, label: &str, help: &str, input: &str) {
    let _ = write!(
        out,
        "<div class=\"field\" data-field=\"{name}\"><label for=\"f-{name}\">{}</label>{input}\
         <p class=\"hint\" id=\"h-{name}\">{}</p><p class=\"error\" id=\"e-{name}\" aria-live=\"polite\"></p></div>",
        escape(label),
        escape(help)
    );
}

fn text_input(name: &str, extra: &str) -> String {
    format!("<input id=\"f-{name}\" name=\"{name}\" aria-describedby=\"h-{name} e-{name}\"{extra}>")
}

fn select(name: &str, blank: Option<&str>, options: &[Entry]) -> String {
    let mut s =
        format!("<select id=\"f-{name}\" name=\"{name}\" aria-describedby=\"h-{name} e-{name}\">");
    if let Some(b) = blank {
        let _ = write!(s, "<option value=\"\">{}</option>", escape(b));
    }
    for e in options {
        let _ = write!(
            s,
            "<option value=\"{}\">{} — {}</option>",
            escape(&e.id),
            escape(&e.id),
            escape(&e.meaning)
        );
    }
    s.push_str("</select>");
    s
}

/// A picker: one checkbox per entry, children indented under their parent (`is_a`), each with
/// its meaning and the authorities that serve or provide it.
fn picker(out: &mut String, name: &str, legend: &str, help: &str, list: &[Entry]) {
    let mut sorted: Vec<(Vec<&str>, &Entry)> = list
        .iter()
        .map(|e| {
            let mut path: Vec<&str> = e.is_a.iter().rev().map(String::as_str).collect();
            path.push(&e.id);
            (path, e)
        })
        .collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let _ = write!(
        out,
        "<fieldset class=\"picker field\" data-field=\"{name}\" id=\"f-{name}\" aria-describedby=\"h-{name} e-{name}\"><legend>{}</legend>\
         <p class=\"hint\" id=\"h-{name}\">{}</p><p class=\"error\" id=\"e-{name}\" aria-live=\"polite\"></p>\
         <label class=\"filter\">Filter <input type=\"search\" class=\"pick-filter\" data-for=\"{name}\"></label><ul>",
        escape(legend),
        escape(help)
    );
    for (path, e) in sorted {
        let id = escape(&e.id);
        let depth = path.len().saturating_sub(1).min(4);
        let _ = write!(
            out,
            "<li class=\"d{depth}\"><input type=\"checkbox\" name=\"{name}\" value=\"{id}\" id=\"{name}-{id}\" aria-describedby=\"{name}-{id}-m\">\
             <label for=\"{name}-{id}\"><code>{id}</code></label> <span id=\"{name}-{id}-m\" class=\"meaning\">{}",
            escape(&e.meaning)
        );
        if let Some(parent) = e.is_a.first() {
            let _ = write!(
                out,
                " <span class=\"isa\">(a kind of {})</span>",
                escape(parent)
            );
        }
        if !e.authorities.is_empty() {
            let _ = write!(
                out,
                " <span class=\"by\">· {}</span>",
                escape(&e.authorities.join(", "))
            );
        }
        out.push_str("</span></li>");
    }
    out.push_str("</ul></fieldset>");
}

/// `GET /`: the proposal form, its toolbar (import, exports, what-if) and the result panel.
pub fn workbench(rb: &RuleBase) -> String {
    let mut b = String::with_capacity(64 * 1024);
    b.push_str("<h1>Proposal</h1><p class=\"lead\">Fill in the proposal: the result panel follows every change. \
        Every field is the proposal file's (<code>authsel eval</code> reads the same); problems are shown beside their field in the CLI's words.</p>");
    toolbar(&mut b);
    b.push_str(
        "<div class=\"workbench\"><form id=\"proposal\" novalidate aria-label=\"Proposal\">",
    );
    required(&mut b, rb);
    optional(&mut b, rb);
    facts(&mut b, rb);
    b.push_str("</form><section id=\"result\" aria-live=\"polite\" aria-label=\"Decision\"><p>Fill in the required fields to see the decision.</p></section></div>");
    b.push_str("<section id=\"whatif\" aria-labelledby=\"whatif-h\"><h2 id=\"whatif-h\">What-if</h2>\
        <p>Keep this version as A, change the form (B), and compare: the fields that differ and what changed in the decision.</p>\
        <button type=\"button\" id=\"keep-a\">Keep as version A</button> <button type=\"button\" id=\"compare\" disabled>Compare A with the form</button>\
        <div id=\"whatif-result\" aria-live=\"polite\"></div></section>");
    page("Proposal", "/", &b)
}

/// The eight fields every proposal has.
fn required(b: &mut String, rb: &RuleBase) {
    b.push_str("<fieldset><legend>Required</legend>");
    field(
        b,
        "id",
        "Id",
        "Your reference for the proposal; unique within a batch (e.g. LBN-27-CT-01).",
        &text_input("id", " required"),
    );
    field(
        b,
        "title",
        "Title",
        "A short title, shown in the memo.",
        &text_input("title", " required"),
    );
    partner(b, rb);
    let recipients = entries(rb, Section::Recipients);
    field(
        b,
        "recipient",
        "Recipient",
        "Who receives the support.",
        &select("recipient", Some("(choose)"), &recipients),
    );
    picker(
        b,
        "purposes",
        "Purposes",
        "Why: one or more purposes; a purpose also counts as each broader one it is a kind of.",
        &entries(rb, Section::Purposes),
    );
    picker(
        b,
        "activities",
        "Activities",
        "What is delivered: one or more activities.",
        &entries(rb, Section::Activities),
    );
    field(
        b,
        "amount_usd",
        "Amount (US$)",
        "Whole U.S. dollars; thousands separators are fine (30,000,000).",
        &text_input(
            "amount_usd",
            " inputmode=\"numeric\" class=\"money\" required",
        ),
    );
    field(b, "start", "Start", "The first day of the activity; it decides the fiscal year and, by default, the law applied.", &text_input("start", " type=\"date\" required"));
    b.push_str("</fieldset>");
}

/// The optional fields: absent means not stated.
fn optional(b: &mut String, rb: &RuleBase) {
    b.push_str("<fieldset><legend>Optional</legend>");
    field(
        b,
        "offer_date",
        "Offer date",
        "A sale, lease or transfer: the day the letter of offer (licence, lease, consent) is issued; the congressional reviews count back from it, else from the start.",
        &text_input("offer_date", " type=\"date\""),
    );
    field(
        b,
        "duration_months",
        "Duration (months)",
        "How long it runs; absent means not stated.",
        &text_input(
            "duration_months",
            " type=\"number\" min=\"0\" inputmode=\"numeric\"",
        ),
    );
    field(
        b,
        "funding",
        "Funding",
        "Whose money pays; absent means any.",
        &select(
            "funding",
            Some("(not stated: any)"),
            &entries(rb, Section::Funding),
        ),
    );
    let leahy: Vec<Entry> = [
        ("NotStarted", "vetting has not started"),
        ("Pending", "vetting is under way"),
        ("Passed", "the recipient units passed vetting"),
        (
            "Failed",
            "a unit failed vetting (credible information of a gross violation)",
        ),
    ]
    .iter()
    .map(|(id, meaning)| plain_entry(id, meaning))
    .collect();
    field(
        b,
        "leahy",
        "Leahy vetting",
        "Human-rights vetting of the recipient units.",
        &select("leahy", Some("(not stated)"), &leahy),
    );
    field(
        b,
        "major_defense_equipment_usd",
        "Major defense equipment (US$)",
        "The value of major defense equipment included, in whole dollars.",
        &text_input(
            "major_defense_equipment_usd",
            " inputmode=\"numeric\" class=\"money\"",
        ),
    );
    let emergency = [
        plain_entry("true", "a presidential emergency determination exists"),
        plain_entry("false", "no emergency determination"),
    ];
    field(
        b,
        "emergency",
        "Emergency",
        "Whether a presidential emergency determination exists.",
        &select("emergency", Some("(not stated)"), &emergency),
    );
    b.push_str("</fieldset>");
}

fn plain_entry(id: &str, meaning: &str) -> Entry {
    Entry {
        id: id.to_string(),
        meaning: meaning.to_string(),
        is_a: Vec::new(),
        aliases: Vec::new(),
        detail: None,
        authorities: Vec::new(),
    }
}

fn toolbar(b: &mut String) {
    b.push_str("<div class=\"toolbar\" role=\"toolbar\" aria-label=\"Proposal file\">\
        <label for=\"import\">Open a RON file</label> <input type=\"file\" id=\"import\" accept=\".ron,text/plain\">\
        <button type=\"button\" id=\"export-ron\">Export RON</button>\
        <button type=\"button\" id=\"export-markdown\">Export memo (Markdown)</button>\
        <button type=\"button\" id=\"export-json\">Export decision (JSON)</button>\
        <button type=\"button\" id=\"print-memo\">Printable memo</button>\
        <button type=\"button\" id=\"undo\" disabled>Undo</button>\
        <span id=\"status\" role=\"status\"></span></div>\
        <form id=\"memo-form\" method=\"post\" action=\"/memo\" target=\"_blank\" hidden><input type=\"hidden\" name=\"request\" id=\"memo-request\"></form>");
}

fn partner(b: &mut String, rb: &RuleBase) {
    let mut list = String::from("<datalist id=\"partners\">");
    for e in entries(rb, Section::Partners) {
        let _ = write!(list, "<option value=\"{}\">", escape(&e.id));
        for a in &e.aliases {
            let _ = write!(
                list,
                "<option value=\"{}\" label=\"{}\">",
                escape(a),
                escape(&e.id)
            );
        }
    }
    list.push_str("</datalist>");
    let input = format!(
        "{}{list}",
        text_input(
            "partner",
            " list=\"partners\" autocomplete=\"off\" required"
        )
    );
    field(
        b,
        "partner",
        "Partner",
        "The country or organization, by name or alias (type to search the registry).",
        &input,
    );
    field(
        b,
        "partner_outside_registry",
        "Partner outside the registry",
        "Tick only for a partner the registry does not list: no group membership is assumed for it.",
        "<input type=\"checkbox\" id=\"f-partner_outside_registry\" name=\"partner_outside_registry\" aria-describedby=\"h-partner_outside_registry e-partner_outside_registry\">",
    );
}

/// The named facts: those set, with a remove button each, and a row to set one more.
fn facts(b: &mut String, rb: &RuleBase) {
    b.push_str("<fieldset class=\"field\" data-field=\"facts\"><legend>Facts</legend>\
        <p class=\"hint\" id=\"h-facts\">Other named facts the rules read (answering an open question sets one).</p>\
        <p class=\"error\" id=\"e-facts\" aria-live=\"polite\"></p><ul id=\"fact-list\"></ul>\
        <label for=\"fact-name\">Fact</label> <select id=\"fact-name\">");
    for e in entries(rb, Section::Facts) {
        let _ = write!(
            b,
            "<option value=\"{}\">{} — {}{}</option>",
            escape(&e.id),
            escape(&e.id),
            escape(&e.meaning),
            e.detail
                .as_ref()
                .map_or(String::new(), |d| format!(" ({})", escape(d)))
        );
    }
    b.push_str("</select> <label for=\"fact-value\">Value</label> <input id=\"fact-value\" placeholder=\"true, false, a number or text\"> \
        <button type=\"button\" id=\"fact-add\">Set fact</button></fieldset>");
}

/// `GET /authorities`: the catalogue, each linking to its handbook page.
pub fn authorities(rb: &RuleBase) -> String {
    let mut b = String::from("<h1>Authorities</h1><table><thead><tr><th scope=\"col\">id</th><th scope=\"col\">citation</th><th scope=\"col\">name</th><th scope=\"col\">in force</th></tr></thead><tbody>");
    for a in &rb.authorities {
        let status = match (&a.repealed, &a.expires) {
            (Some(r), _) => format!("repealed {}", r.date),
            (None, Some(e)) => format!("expires after {}", e.date),
            _ => "yes".to_string(),
        };
        let _ = write!(
            b,
            "<tr><td><a href=\"/authorities/{id}\">{id}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&a.citation),
            escape(&a.name),
            escape(&status),
            id = escape(&a.id)
        );
    }
    b.push_str("</tbody></table>");
    page("Authorities", "/authorities", &b)
}

/// `GET /authorities/{id}`: one authority's handbook entry.
pub fn authority(rb: &RuleBase, a: &Authority) -> String {
    let mut b = String::with_capacity(16 * 1024);
    let _ = write!(
        b,
        "<h1>{} <span class=\"cite\">{}</span></h1><p class=\"cite\">{}</p><dl class=\"sheet\">",
        escape(&a.name),
        escape(&a.id),
        escape(&a.citation)
    );
    let dd = |b: &mut String, k: &str, v: &str| {
        let _ = write!(b, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    };
    if let Some(t) = a.title {
        dd(&mut b, "title", &format!("{t} U.S.C."));
    }
    if let Some(d) = &a.administered_by {
        dd(&mut b, "administered by", d);
    }
    if let Some(d) = &a.executed_by {
        dd(&mut b, "executed by", d);
    }
    for (label, d) in [
        ("effective", &a.effective),
        ("expires (last day in force)", &a.expires),
        ("repealed", &a.repealed),
    ] {
        if let Some(d) = d {
            let mut v = d.date.to_string();
            if let Some(c) = &d.citation {
                let _ = write!(v, " [{c}]");
            }
            if let Some(u) = &d.unconfirmed {
                let _ = write!(v, " — unconfirmed: {u}");
            }
            dd(&mut b, label, &v);
        }
    }
    for (label, list, cite) in [
        ("serves (purposes)", &a.serves.items, &a.serves.citation),
        (
            "provides (activities)",
            &a.provides.items,
            &a.provides.citation,
        ),
    ] {
        dd(&mut b, label, &format!("{} [{cite}]", list.join(", ")));
    }
    if let Some(r) = &a.recipients {
        let items: Vec<String> = r.items.iter().map(ToString::to_string).collect();
        dd(
            &mut b,
            "recipients",
            &format!("{} [{}]", items.join(", "), r.citation),
        );
    }
    if let Some(f) = &a.funding {
        let items: Vec<String> = f.items.iter().map(ToString::to_string).collect();
        dd(
            &mut b,
            "funding",
            &format!("{} [{}]", items.join(", "), f.citation),
        );
    }
    if !a.applies.is_empty() {
        dd(&mut b, "restrictions applied", &a.applies.join(", "));
    }
    b.push_str("</dl>");
    rules_and_duties(&mut b, a);
    let _ = write!(b, "<details><summary>As <code>authsel show {}</code> prints it</summary><pre>{}</pre></details>", escape(&a.id), escape(&crate::render::human::authority(rb, a)));
    page(&a.name, "/authorities", &b)
}

/// An authority's rules (in words, as written, with citations), duties and caveats.
fn rules_and_duties(b: &mut String, a: &Authority) {
    b.push_str("<h2>Rules</h2><table><thead><tr><th scope=\"col\">rule</th><th scope=\"col\">in words</th><th scope=\"col\">citation</th></tr></thead><tbody>");
    for r in &a.rules {
        let words = r
            .because
            .as_ref()
            .map_or_else(|| rule_text(r), ToString::to_string);
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}<br><code>{}</code>",
            escape(&r.name),
            escape(&words),
            escape(&rule_text(r))
        );
        if let Some(u) = &r.unconfirmed {
            let _ = write!(
                b,
                " <em class=\"unconfirmed\">unconfirmed: {}</em>",
                escape(u)
            );
        }
        let _ = write!(b, "</td><td>{}</td></tr>", escape(&r.citation));
    }
    b.push_str("</tbody></table><h2>Duties</h2><ul>");
    for d in &a.duties {
        let _ = write!(
            b,
            "<li>{} <span class=\"cite\">{}</span>",
            escape(&d.message),
            escape(&d.citation)
        );
        if let Some(w) = &d.when {
            let _ = write!(b, " (when {})", escape(w));
        }
        if let Some(u) = &d.unconfirmed {
            let _ = write!(
                b,
                " <em class=\"unconfirmed\">unconfirmed: {}</em>",
                escape(u)
            );
        }
        b.push_str("</li>");
    }
    b.push_str("</ul>");
    if !a.caveats.is_empty() {
        b.push_str("<h2>Caveats</h2><ul>");
        for c in &a.caveats {
            b.push_str(&el("li", c));
        }
        b.push_str("</ul>");
    }
}

/// `GET /graph`: the authority graph as a picture drawn by the server.
pub fn graph(rb: &RuleBase) -> String {
    let b = format!(
        "<h1>Authority graph</h1><p>Each authority (middle) serves purposes (left) and provides activities (right); \
         dashed arcs are <code>is_a</code> (a purpose is a kind of another) and <code>supersedes</code>. \
         The same graph as text: <code>authsel graph --format dot|mermaid|json</code>.</p><div class=\"scroll\">{}</div>",
        super::svg::graph(&rb.graph)
    );
    page("Authority graph", "/graph", &b)
}

/// `GET /batch`: choose files or a folder; the report is drawn below (`/api/batch`).
pub fn batch() -> String {
    let b = "<h1>Batch check</h1><p>Choose proposal files (<code>*.ron</code>), a whole folder or a zip archive of them: each is read and evaluated as \
        <code>authsel check</code> does, with the fiscal-year ceilings across the batch. At most 50 MiB in all (a zip: 50 MiB expanded, 10,000 entries, 4 MiB each).</p>\
        <form id=\"batch-form\"><p><label for=\"batch-files\">Proposal files</label> <input type=\"file\" id=\"batch-files\" multiple accept=\".ron\"></p>\
        <p><label for=\"batch-folder\">Or a folder</label> <input type=\"file\" id=\"batch-folder\" webkitdirectory></p>\
        <p><label for=\"batch-zip\">Or a zip archive</label> <input type=\"file\" id=\"batch-zip\" accept=\".zip,application/zip\"></p>\
        <p><button type=\"submit\" id=\"batch-run\">Check</button> <span id=\"batch-status\" role=\"status\"></span></p></form>\
        <section id=\"batch-report\" aria-live=\"polite\" aria-label=\"Report\"></section>";
    page("Batch check", "/batch", b)
}

/// `POST /memo`: a decision as a printable page.
pub fn memo(rb: &RuleBase, e: &Explanation, today: jiff::civil::Date) -> String {
    let b = format!(
        "<article class=\"memo\"><h1>Authority memo: {}</h1><p class=\"meta\">{} · record: authsel {} · rules {}</p>{}</article>",
        escape(&e.title),
        escape(&e.proposal),
        escape(&e.record.authsel_version),
        escape(e.record.rules_digest.get(..12).unwrap_or("")),
        super::panel::render(rb, e, today)
    )
    .replace("<details class=\"candidate\"", "<details open class=\"candidate\"");
    page(&format!("Memo {}", e.proposal), "", &b)
}

/// The what-if comparison: the fields that differ, then what changed in the decision.
pub fn whatif(
    fields: &[(String, String, String)],
    change: Option<&Change>,
    a: &Explanation,
    b: &Explanation,
) -> String {
    let mut s = String::from("<h3>Fields changed</h3>");
    if fields.is_empty() {
        s.push_str("<p>None.</p>");
    } else {
        s.push_str("<table><thead><tr><th scope=\"col\">field</th><th scope=\"col\">A</th><th scope=\"col\">B</th></tr></thead><tbody>");
        for (f, x, y) in fields {
            let _ = write!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(f),
                escape(x),
                escape(y)
            );
        }
        s.push_str("</tbody></table>");
    }
    let rec = |e: &Explanation| {
        format!(
            "{} ({})",
            e.recommended.as_deref().unwrap_or("none"),
            e.verdict
        )
    };
    let _ = write!(s, "<h3>Decision</h3><div class=\"side\"><div><h4>A</h4><p>{}</p><p>{}</p></div><div><h4>B</h4><p>{}</p><p>{}</p></div></div>",
        escape(&rec(a)), escape(&a.summary), escape(&rec(b)), escape(&b.summary));
    match change {
        None => s.push_str("<p>The decision is the same.</p>"),
        Some(c) => {
            s.push_str("<ul class=\"changes\">");
            for cc in &c.candidates {
                let v = |x: Option<crate::engine::assess::Verdict>| {
                    x.map_or("not a candidate", |v| v.as_str())
                };
                let _ = write!(
                    s,
                    "<li><strong>{}</strong>: {} → {}",
                    escape(&cc.authority),
                    v(cc.old),
                    v(cc.new)
                );
                if !cc.rules.is_empty() {
                    s.push_str("<ul>");
                    for r in &cc.rules {
                        let o = |x: Option<crate::engine::assess::Outcome>| {
                            x.map_or("absent".to_string(), |o| format!("{o:?}").to_lowercase())
                        };
                        let _ = write!(
                            s,
                            "<li>{}: {} → {} <span class=\"cite\">{}</span></li>",
                            escape(&r.rule),
                            o(r.old),
                            o(r.new),
                            escape(&r.citation)
                        );
                    }
                    s.push_str("</ul>");
                }
                s.push_str("</li>");
            }
            s.push_str("</ul>");
        }
    }
    s
}

/// Any other path.
pub fn not_found() -> String {
    page(
        "Not found",
        "",
        "<h1>Not found</h1><p>No such page. <a href=\"/\">Back to the proposal form</a>.</p>",
    )
}
