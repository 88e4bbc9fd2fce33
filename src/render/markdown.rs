//! Markdown: the staff memo for one decision and the `check` report; `escape` is the one Markdown
//! escaper (the handbook uses it too). Rendering only: nothing is decided here.

use super::{ceiling_rows, error_groups, no_fit_groups, over_groups, some_ids, summary_rows};
use crate::batch::Report;
use crate::engine::assess::Outcome;
use crate::explain::{Candidate, Explanation};
use crate::model::Usd;
use std::fmt::Write;

/// Text safe inside a Markdown table cell or line: `|` escaped, line breaks as spaces.
pub fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// A Markdown staff memo.
pub fn memo(d: &Explanation) -> String {
    memo_of(d, None)
}

/// The memo with a table of the proposal's facts after the bottom line (`eval --format
/// markdown`).
pub fn memo_of(d: &Explanation, p: Option<&crate::input::proposal::Proposal>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## {} — {}\n", d.proposal, escape(&d.title));
    let _ = writeln!(out, "**Bottom line:** {}\n", bottom_line(d));
    if let Some(p) = p {
        facts_table(&mut out, p);
    }
    let _ = writeln!(out, "{}\n", super::plain(&escape(&d.summary)));
    let _ = writeln!(
        out,
        "Partner {}; fiscal year {}; law as of {}.\n",
        escape(&d.partner),
        d.fiscal_year,
        d.as_of
    );
    if let Some(c) = d.recommended().and_then(|r| d.candidate(r)) {
        duties(&mut out, c);
        let _ = writeln!(out, "### Why {}\n", c.authority);
        for r in c.reasons.iter().filter(|r| r.applies) {
            let _ = writeln!(
                out,
                "- **{}** ({}): {} — *{}*",
                r.rule,
                outcome_name(r.outcome),
                escape(&r.message.text()),
                r.citation
            );
        }
        out.push('\n');
        caveats(&mut out, c);
    }
    still_needed(&mut out, d);
    others(&mut out, d);
    let _ = writeln!(
        out,
        "*Not legal advice: authsel applies the rule base's reading of the statutes cited; counsel \
         confirms before action.*\n"
    );
    let _ = writeln!(
        out,
        "<sub>authsel {} · rules {} · input {}</sub>\n",
        d.record.authsel_version,
        &d.record.rules_digest.get(..12).unwrap_or(""),
        &d.record.input_digest.get(..12).unwrap_or("")
    );
    out
}

/// The proposal as the planner wrote it, in words (`proposal_rows`).
fn facts_table(out: &mut String, p: &crate::input::proposal::Proposal) {
    let _ = writeln!(out, "| the proposal | |\n|---|---|");
    for (k, v) in super::proposal_rows(p) {
        let _ = writeln!(out, "| {} | {} |", escape(&k), escape(&v));
    }
    out.push('\n');
}

/// The answer in one line: the authority and its citation, or that none fits.
fn bottom_line(d: &Explanation) -> String {
    match d.recommended().and_then(|r| d.candidate(r)) {
        Some(c) => format!(
            "use {} ({}, {}); {}",
            c.authority,
            escape(&c.name),
            c.citation,
            c.verdict.as_str()
        ),
        None => "no authority fits as proposed; the closest candidates and their fixes are below"
            .to_string(),
    }
}

/// Every caveat of the recommended authority and every unconfirmed value its findings used.
fn caveats(out: &mut String, c: &Candidate) {
    let unconfirmed = c.reasons.iter().filter_map(|r| {
        r.unconfirmed
            .as_ref()
            .map(|u| format!("unconfirmed ({}): {u}", r.rule))
    });
    let all: Vec<String> = c
        .caveats
        .iter()
        .map(|x| x.to_string())
        .chain(unconfirmed)
        .collect();
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Caveats ({})\n", c.authority);
    for cav in all {
        let _ = writeln!(out, "- {}", escape(&cav));
    }
    out.push('\n');
}

/// The recommended authority's duties as a table.
fn duties(out: &mut String, c: &Candidate) {
    if c.obligations.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### Duties\n\n| duty | deadline | citation | detail |\n|---|---|---|---|"
    );
    let mut sorted: Vec<_> = c.obligations.iter().collect();
    sorted.sort_by_key(|o| (o.deadline.is_none(), o.deadline));
    for o in sorted {
        let dl = o
            .deadline
            .map_or_else(|| "—".to_string(), |x| x.to_string());
        let possible = if o.status == "required" {
            ""
        } else {
            " (possible)"
        };
        let _ = writeln!(
            out,
            "| {}{possible} | {dl} | {} | {} |",
            o.kind,
            o.citation,
            escape(&o.message.text())
        );
    }
    out.push('\n');
}

/// The open questions.
fn still_needed(out: &mut String, d: &Explanation) {
    if d.missing_facts.is_empty() {
        return;
    }
    let _ = writeln!(out, "### Still needed\n");
    for m in &d.missing_facts {
        let _ = writeln!(
            out,
            "- {} (decides {}; bears on {})",
            escape(&m.question),
            m.settles,
            m.candidates.join(", ")
        );
    }
    out.push('\n');
}

/// The three best other candidates: verdict, ranking reason, and the verified fix if any; then how
/// many more were considered (`eval --detail reasons` lists them).
fn others(out: &mut String, d: &Explanation) {
    let others: Vec<&Candidate> = d.runners_up().collect();
    if others.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "### Runners-up\n\n| authority | verdict | reason |\n|---|---|---|"
    );
    for c in others.iter().take(3) {
        let mut reason = super::plain(&escape(&c.ranking.text()));
        if let Some(f) = c.fix.as_ref().filter(|f| !f.steps.is_empty()) {
            reason.push_str(&format!(
                "<br>*would fit if:* {}",
                super::plain(&escape(&f.steps.join("; ")))
            ));
        }
        let _ = writeln!(
            out,
            "| {} ({}) | {} | {reason} |",
            c.authority,
            c.citation,
            c.verdict.as_str()
        );
    }
    if others.len() > 3 {
        let _ = writeln!(
            out,
            "\n{} other candidates were considered and rank lower (`authsel eval --detail reasons` lists them).",
            others.len() - 3
        );
    }
    out.push('\n');
}

fn outcome_name(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Unknown => "unknown",
    }
}

/// A Markdown report: the counts, the ceilings, then (`all`) every error and a row per proposal,
/// or (otherwise) invalid input, proposals nothing fits and proposals over a ceiling, each grouped
/// by reason with a few examples: a report a person reads at any batch size.
pub fn check(report: &Report, all: bool) -> String {
    if all {
        return check_rows(report);
    }
    let mut out = head(report);
    let errors = error_groups(report);
    if !errors.is_empty() {
        out.push_str(
            "\n## Invalid input\n\n| code | files | errors | first |\n|---|---:|---:|---|\n",
        );
        for (code, files, diags) in &errors {
            let first = diags.first().map_or(String::new(), |d| {
                format!("{}:{}:{}: {}", d.file, d.line, d.column, d.message)
            });
            let n = diags.len();
            let _ = writeln!(out, "| {code} | {files} | {n} | {} |", escape(&first));
        }
    }
    let groups = [
        (
            "No fitting authority",
            "closest authority and rule",
            no_fit_groups(report),
        ),
        ("Over a fiscal-year ceiling", "ceiling", over_groups(report)),
    ];
    for (title, what, groups) in groups.iter().filter(|g| !g.2.is_empty()) {
        let _ = write!(
            out,
            "\n## {title}\n\n| {what} | proposals | for example |\n|---|---:|---|\n"
        );
        for (key, rows) in groups {
            let (n, ids) = (rows.len(), some_ids(rows));
            let _ = writeln!(out, "| {} | {n} | {} |", escape(key), escape(&ids));
        }
    }
    plans(&mut out, report);
    out.push_str(
        "\n`authsel check --format markdown --all` gives every error and a row per proposal.\n",
    );
    out
}

/// `check --plan`: the best plan of each proposal no single authority fits.
fn plans(out: &mut String, report: &Report) {
    let rows: Vec<_> = report.rows.iter().filter(|r| r.plan.is_some()).collect();
    if rows.is_empty() {
        return;
    }
    out.push_str("\n## Plans for proposals no single authority fits\n\n| proposal | file | plan |\n|---|---|---|\n");
    for r in rows {
        let plan = r.plan.as_deref().unwrap_or("");
        let _ = writeln!(
            out,
            "| {} | {} | {} |",
            escape(&r.proposal),
            escape(&r.file),
            escape(plan)
        );
    }
}

/// The title, the counts and the ceilings.
fn head(report: &Report) -> String {
    let mut out = String::from("# authsel check\n\n| check | count |\n|---|---:|\n");
    for r in summary_rows(report) {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    if !report.ceilings.is_empty() {
        out.push_str("\n## Fiscal-year ceilings\n\n| authority | FY | ceiling | limit | committed | total | proposals | status |\n|---|---|---|---:|---:|---:|---:|---|\n");
        for r in ceiling_rows(report) {
            let cells: Vec<String> = r.iter().map(|c| escape(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
    out
}

/// `--all`: the counts, the ceilings, every error and a row per proposal.
fn check_rows(report: &Report) -> String {
    let mut out = head(report);
    if !report.errors.is_empty() {
        out.push_str("\n## Invalid input\n\n```text\n");
        for d in &report.errors {
            let _ = write!(out, "{}", d.to_string().replace("```", "'''"));
        }
        out.push_str("```\n");
    }
    if !report.rows.is_empty() {
        out.push_str("\n## Proposals\n\n| proposal | file | FY | amount | recommended | verdict | problem |\n|---|---|---|---:|---|---|---|\n");
        for r in &report.rows {
            let problem = if r.recommended.is_none() {
                r.why_none.clone().unwrap_or_default()
            } else {
                r.over_ceilings.join(", ")
            };
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                escape(&r.proposal),
                escape(&r.file),
                r.fiscal_year,
                Usd(r.amount_usd),
                r.recommended.as_deref().unwrap_or("—"),
                r.verdict,
                escape(&problem)
            );
        }
    }
    out
}

/// `authsel plan --format markdown`: the plan as a staff memo section.
pub fn plan(p: &crate::plan::Plan) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Plan for {} — {}\n",
        escape(&p.proposal),
        escape(&p.title)
    );
    let single = escape(&p.against_single());
    let _ = writeln!(out, "**Single authority:** {single}.\n");
    let Some(best) = p.best() else {
        let _ = writeln!(out, "**No plan.**\n");
        for w in &p.why_none {
            let _ = writeln!(out, "- {}", escape(w));
        }
        out.push('\n');
        return out;
    };
    let _ = writeln!(out, "**Plan:** {}", best.authorities.join(" + "));
    if let Some(c) = &p.choice {
        let _ = writeln!(out, " ({}).\n", escape(c));
    }
    if let Some(a) = &p.assumed {
        let _ = writeln!(out, "**Assumed:** {}.\n", escape(a));
    }
    plan_parts(&mut out, best);
    let w = &best.paperwork;
    let _ = writeln!(
        out,
        "\n**Paperwork:** {} notice(s), {} certification(s), {} concurrence(s), {} vetting(s), {} other; {} committee(s) notified{}.\n",
        w.notices, w.certifications, w.concurrences, w.vettings, w.other, w.committees.len(),
        if w.committees.is_empty() { String::new() } else { format!(" ({})", escape(&w.committees.join(", "))) }
    );
    for c in &best.crossings {
        let _ = writeln!(out, "> **Threshold:** {}\n", escape(&c.message));
    }
    plan_timeline(&mut out, best);
    if let (Some(t), Some(s)) = (p.today, best.earliest_start) {
        let _ = writeln!(out, "Earliest feasible start as of {t}: **{s}**.\n");
    }
    if !best.questions.is_empty() {
        let _ = writeln!(out, "### Still needed\n");
        for q in &best.questions {
            let _ = writeln!(out, "- {}", escape(q));
        }
        out.push('\n');
    }
    if p.options.len() > 1 {
        let _ = writeln!(out, "### Alternatives\n");
        for o in p.options.iter().skip(1) {
            let _ = writeln!(
                out,
                "{}. {} — {}",
                o.rank,
                o.authorities.join(" + "),
                escape(&o.ranking)
            );
        }
        out.push('\n');
    }
    out
}

fn plan_parts(out: &mut String, best: &crate::plan::PlanOption) {
    let _ = writeln!(
        out,
        "| part | authority | activities | purposes | amount | verdict |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|");
    for x in &best.parts {
        let _ = writeln!(
            out,
            "| {} | {} ({}) | {} | {} | {}{} | {} |",
            x.number,
            x.authority,
            escape(&x.citation),
            x.activities.join(", "),
            x.purposes.join(", "),
            x.amount_usd
                .map_or_else(|| "not given".to_string(), |v| Usd(v).to_string()),
            crate::render::human::funding_note(best, x),
            x.verdict.as_str()
        );
    }
}

fn plan_timeline(out: &mut String, o: &crate::plan::PlanOption) {
    let _ = writeln!(out, "### Timeline\n");
    let _ = writeln!(
        out,
        "| due | part | authority | duty | to | citation | note |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|");
    for e in &o.timeline.entries {
        let mut note = Vec::new();
        if e.overdue {
            note.push("**overdue**".to_string());
        }
        if e.before.is_some() {
            note.push("before the notice".to_string());
        }
        if e.kept {
            note.push("kept: the parts together cross its threshold".to_string());
        }
        if e.status != "required" {
            note.push(e.status.clone());
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} |",
            e.due
                .map_or_else(|| "no fixed date".to_string(), |d| d.to_string()),
            e.part,
            e.authority,
            e.kind.replace('_', " "),
            escape(e.to.as_deref().unwrap_or("")),
            escape(&e.citation),
            note.join("; ")
        );
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    #[test]
    fn escape_keeps_a_table_row_one_row() {
        assert_eq!(super::escape("a|b\nc\r\nd"), "a\\|b c  d");
    }
}
