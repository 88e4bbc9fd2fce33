//! Human-readable text: the decision, one authority's rules, the catalogue, lint, diff, the regression
//! cases and the `check` report. Rendering only: nothing is decided here.

use super::{
    ceiling_rows, lint_counts, no_fit_groups, over_groups, some_ids, summary_rows, verdict_word,
    SheetLine,
};
use crate::batch::{Report, Row};
use crate::engine::assess::{Outcome, Verdict};
use crate::explain::{Candidate, Explanation};
use crate::model::text::Message;
use crate::model::RuleKind;
use std::fmt::Write;

/// How much of each candidate to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Recommended in full; others one line each with the deciding reason.
    Planner,
    /// Every rule of every candidate.
    Full,
}

fn outcome_mark(o: Outcome, applies: bool) -> &'static str {
    match (o, applies) {
        (_, false) => "n/a ",
        (Outcome::Pass, _) => "pass",
        (Outcome::Fail, _) => "FAIL",
        (Outcome::Unknown, _) => "??  ",
    }
}

/// One candidate's rules and duties, as indented text.
fn candidate_detail(out: &mut String, c: &Candidate) {
    for r in &c.reasons {
        let _ = writeln!(
            out,
            "    [{}] {:<28} {}  [{}]",
            outcome_mark(r.outcome, r.applies),
            r.rule,
            r.message,
            r.citation
        );
        if let Some(u) = &r.unconfirmed {
            let _ = writeln!(out, "           (unconfirmed: {u})");
        }
    }
    if !c.obligations.is_empty() {
        let _ = writeln!(out, "    duties:");
        for o in &c.obligations {
            let when = o
                .deadline
                .map_or_else(|| "no fixed date".to_string(), |d| format!("by {d}"));
            let status = if o.status == "required" {
                ""
            } else {
                " (possible)"
            };
            let _ = writeln!(
                out,
                "      - {}{status}, {when}: {}  [{}]",
                o.kind, o.message, o.citation
            );
            if let Some(n) = &o.note {
                let _ = writeln!(out, "        note: {n}");
            }
        }
    }
    fix_lines(out, c, "    ");
    for cav in &c.caveats {
        let _ = writeln!(out, "    caveat: {cav}");
    }
}

/// "What would make it fit" for an ineligible candidate.
fn fix_lines(out: &mut String, c: &Candidate, indent: &str) {
    let Some(fix) = &c.fix else { return };
    if !fix.steps.is_empty() {
        let then = fix.then.map_or("", |v| {
            if v == Verdict::Eligible {
                " (then eligible)"
            } else {
                " (then conditional)"
            }
        });
        let _ = writeln!(out, "{indent}would fit if{then}:");
        for s in &fix.steps {
            let _ = writeln!(out, "{indent}  - {s}");
        }
    }
    for l in &fix.legal {
        let _ = writeln!(out, "{indent}no input change cures: {l}");
    }
}

/// Human-readable report for one decision.
pub fn decision(d: &Explanation, detail: Detail) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", d.proposal, verdict_word(d));
    let _ = writeln!(out, "  {}", d.summary);
    let _ = writeln!(
        out,
        "  fiscal year {}, law as of {}",
        d.fiscal_year, d.as_of
    );
    if !d.missing_facts.is_empty() {
        let _ = writeln!(out, "\n  Still needed (most decisive first):");
        for m in &d.missing_facts {
            let _ = writeln!(
                out,
                "    - {} (decides {} outright; bears on {})",
                m.question,
                m.settles,
                m.candidates.join(", ")
            );
        }
    }
    let _ = writeln!(out, "\n  Candidates, best first:");
    for c in &d.candidates {
        let _ = writeln!(
            out,
            "  {}. {} — {} [{}]: {}",
            c.rank,
            c.authority,
            c.name,
            c.citation,
            c.verdict.as_str()
        );
        let is_rec = d.recommended() == Some(c.authority.as_str());
        if is_rec || detail == Detail::Full {
            candidate_detail(&mut out, c);
            continue;
        }
        // Runners-up: why they lost, then every rule that did not pass, with its citation.
        let _ = writeln!(out, "     why not: {}", c.ranking);
        let mut passed = 0;
        for r in &c.reasons {
            if r.outcome == Outcome::Pass {
                passed += 1;
            } else {
                let _ = writeln!(
                    out,
                    "       [{}] {}: {}  [{}]",
                    outcome_mark(r.outcome, r.applies),
                    r.rule,
                    r.message,
                    r.citation
                );
            }
        }
        if passed > 0 {
            let _ = writeln!(
                out,
                "       ({passed} other rule(s) pass; `--full` or `--explain {}` lists them)",
                c.authority
            );
        }
        fix_lines(&mut out, c, "     ");
    }
    out
}

/// The lawyer's view of one authority: every rule with its citation and outcome.
pub fn explain_one(d: &Explanation, id: &str) -> Option<String> {
    let c = d.candidate(id)?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} for {}: {} — {} [{}]",
        c.authority,
        d.proposal,
        c.verdict.as_str(),
        c.name,
        c.citation
    );
    let _ = writeln!(
        out,
        "  standing: rank {} of {}; {}",
        c.rank,
        d.candidates.len(),
        c.ranking
    );
    let _ = writeln!(out, "  graph: {}", c.paths.join("; "));
    if let Some(best) = d.recommended().filter(|r| *r != c.authority) {
        let _ = writeln!(out, "  next best: {best} ({})", d.verdict);
    } else if d.recommended().is_none() {
        let _ = writeln!(out, "  next best: none; no candidate fits");
    }
    candidate_detail(&mut out, c);
    Some(out)
}

/// `authsel show`: one authority in full.
pub fn authority(rb: &crate::model::RuleBase, a: &crate::model::Authority) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", a.id, a.name);
    let _ = writeln!(out, "  citation:   {}", a.citation);
    if let Some(t) = a.title {
        let _ = writeln!(out, "  title:      {t} U.S.C.");
    }
    if let Some(d) = &a.administered_by {
        let _ = writeln!(
            out,
            "  administered by {d}{}",
            a.executed_by
                .as_ref()
                .map_or(String::new(), |e| format!(", executed by {e}"))
        );
    }
    let dated = |label: &str, d: &Option<crate::model::Dated>, out: &mut String| {
        dated_line(out, label, d.as_ref());
    };
    if a.effective.is_none() {
        let _ = writeln!(
            out,
            "  effective:  no enactment date recorded (found on any date)"
        );
    }
    dated("effective:", &a.effective, &mut out);
    dated("expires:", &a.expires, &mut out);
    dated("repealed:", &a.repealed, &mut out);
    for (line, value, cite) in super::sheet(rb, a) {
        let label = match line {
            SheetLine::Aka => "also known as:",
            SheetLine::Programs => "programs:  ",
            SheetLine::Supersedes => "supersedes:",
            SheetLine::SupersededBy => "superseded by:",
            SheetLine::Serves => "serves:    ",
            SheetLine::Provides => "provides:  ",
            SheetLine::Recipients => "recipients:",
            SheetLine::Funding => "funding:   ",
            SheetLine::Applies => "restrictions applied:",
        };
        let cite = cite.map_or(String::new(), |c| format!("  [{c}]"));
        let _ = writeln!(out, "  {label} {value}{cite}");
    }
    rule_lines(&mut out, &a.rules);
    history_lines(&mut out, &a.rules);
    duty_lines(&mut out, &a.duties);
    for c in &a.caveats {
        let _ = writeln!(out, "  CAVEAT: {c}");
    }
    out
}

/// Every value history the rules read, each entry with the act that set it (for `show`).
fn history_lines(out: &mut String, rules: &[crate::model::Rule]) {
    let values = super::histories(rules);
    if values.is_empty() {
        return;
    }
    let _ = writeln!(out, "  value histories:");
    for v in values {
        let _ = writeln!(
            out,
            "    - {}: {}, read {}",
            v.key,
            v.meaning,
            super::read_by(v)
        );
        for e in &v.entries {
            let _ = writeln!(out, "        {}: {}  [{}]", e.period(), e.value, e.citation);
            if let Some(u) = &e.unconfirmed {
                let _ = writeln!(out, "          CAVEAT (unconfirmed): {u}");
            }
        }
    }
}

/// `authsel show RESTRICTION`: a shared restriction and the authorities that apply it.
pub fn restriction(rb: &crate::model::RuleBase, r: &crate::model::Restriction) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} (shared restriction)", r.id, r.name);
    let _ = writeln!(out, "  citation:   {}", r.citation);
    let users: Vec<&str> = rb
        .authorities
        .iter()
        .filter(|a| a.applies.contains(&r.id))
        .map(|a| a.id.as_str())
        .collect();
    let _ = writeln!(out, "  applied by: {}", users.join(", "));
    rule_lines(&mut out, &r.rules);
    history_lines(&mut out, &r.rules);
    duty_lines(&mut out, &r.duties);
    for c in &r.caveats {
        let _ = writeln!(out, "  CAVEAT: {c}");
    }
    out
}

/// The rules of an authority or restriction, one per line with its citation, reason, remedy and
/// caveat (for `show`).
fn rule_lines(out: &mut String, rules: &[crate::model::Rule]) {
    let _ = writeln!(out, "  rules:");
    for r in rules {
        let what = match &r.kind {
            RuleKind::Require { condition, .. } => format!("require {condition}"),
            RuleKind::Ceiling { limit, within } => format!(
                "ceiling {limit} per fiscal year{}",
                within
                    .as_ref()
                    .map_or(String::new(), |w| format!(" (within {w})"))
            ),
        };
        let when = r
            .when
            .as_ref()
            .map_or(String::new(), |w| format!(" when {w}"));
        let _ = writeln!(out, "    - {}: {what}{when}  [{}]", r.name, r.citation);
        if let Some(b) = &r.because {
            let _ = writeln!(out, "        because {b}");
        }
        if let Some(rem) = &r.remedy {
            let _ = writeln!(out, "        remedy: {rem}");
        }
        if let Some(u) = &r.unconfirmed {
            let _ = writeln!(out, "        CAVEAT (unconfirmed): {u}");
        }
    }
}

/// The duties of an authority or restriction (for `show`).
fn duty_lines(out: &mut String, duties: &[crate::model::Duty]) {
    if duties.is_empty() {
        return;
    }
    let _ = writeln!(out, "  duties:");
    for d in duties {
        let to = d.to.as_ref().map_or(String::new(), |t| format!(" to {t}"));
        let when = d
            .when
            .as_ref()
            .map_or(String::new(), |w| format!(" when {w}"));
        let _ = writeln!(
            out,
            "    - {}: {}{to}, {}{when}  [{}]",
            d.name,
            d.kind.name(),
            d.timing_text(duties),
            d.citation
        );
        if let Some(u) = &d.unconfirmed {
            let _ = writeln!(out, "        CAVEAT (unconfirmed): {u}");
        }
    }
}

/// `authsel authorities`: one line per authority.
pub fn authorities(rb: &crate::model::RuleBase) -> String {
    let mut out = String::new();
    for a in &rb.authorities {
        let title = a.title.map_or_else(|| "-".to_string(), |t| t.to_string());
        let dept = a.administered_by.as_deref().unwrap_or("-");
        let _ = writeln!(
            out,
            "{:<22} {:<28} T{:<3} {:<6} {}",
            a.id, a.citation, title, dept, a.name
        );
    }
    out
}

/// One date of an authority or program (`effective:`, ...) with its citation and caveat.
fn dated_line(out: &mut String, label: &str, d: Option<&crate::model::Dated>) {
    let Some(d) = d else { return };
    let c = d
        .citation
        .as_ref()
        .map_or(String::new(), |c| format!("  [{c}]"));
    let _ = writeln!(out, "  {label:<11} {}{c}", d.date);
    if let Some(u) = &d.unconfirmed {
        let _ = writeln!(out, "        CAVEAT (unconfirmed): {u}");
    }
}

/// When an authority or program was law, for `show --as-of`.
pub struct InForce {
    effective: Option<jiff::civil::Date>,
    /// The last day in force (`expires`) or the first day not (`repealed`).
    expires: Option<jiff::civil::Date>,
    repealed: Option<jiff::civil::Date>,
    successors: Vec<String>,
}

impl InForce {
    pub fn of_authority(a: &crate::model::Authority) -> InForce {
        InForce {
            effective: a.effective.as_ref().map(|d| d.date),
            expires: a.expires.as_ref().map(|d| d.date),
            repealed: a.repealed.as_ref().map(|d| d.date),
            successors: a.superseded_by.clone(),
        }
    }

    pub fn of_program(p: &crate::model::names::Program) -> InForce {
        InForce {
            effective: p.effective.as_ref().map(|d| d.date),
            expires: p.expires.as_ref().map(|d| d.date),
            repealed: p.repealed.as_ref().map(|d| d.date),
            successors: Vec::new(),
        }
    }

    /// "in force", "not yet in force (effective ...)" or "no longer in force (...)".
    pub fn on(&self, date: jiff::civil::Date) -> String {
        if let Some(e) = self.effective.filter(|e| date < *e) {
            return format!("not yet in force (effective {e})");
        }
        let ended = match (self.expires, self.repealed) {
            (Some(x), _) if date > x => Some(format!("expired after {x}")),
            (_, Some(r)) if date >= r => Some(format!("repealed {r}")),
            _ => None,
        };
        let Some(ended) = ended else {
            return "in force".to_string();
        };
        match self.successors.as_slice() {
            [] => format!("no longer in force ({ended})"),
            s => format!(
                "no longer in force ({ended}; superseded by {})",
                s.join(", ")
            ),
        }
    }
}

/// `authsel programs`: each program, the authorities it runs under and its other names.
pub fn programs(rb: &crate::model::RuleBase) -> String {
    let mut out = String::new();
    for p in &rb.programs {
        let under = p.under.join(", ");
        let _ = writeln!(out, "{:<22} {:<28} {}", p.id, under, p.name);
    }
    out
}

/// `authsel show` of a program: what it is, the authorities whose rules decide for it, its dates.
pub fn program(rb: &crate::model::RuleBase, p: &crate::model::names::Program) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {} (a program, not an authority)", p.id, p.name);
    let _ = writeln!(out, "  citation:   {}", p.citation);
    if !p.aka.is_empty() {
        let aka: Vec<String> = p.aka.iter().map(|n| format!("\"{n}\"")).collect();
        let _ = writeln!(out, "  also known as: {}", aka.join(", "));
    }
    for id in &p.under {
        let (citation, name) = rb
            .authority(id)
            .map_or(("", ""), |a| (a.citation.as_str(), a.name.as_str()));
        let _ = writeln!(out, "  runs under: {id} — {name} [{citation}]");
    }
    if let Some(s) = &p.scope {
        let _ = writeln!(out, "  limited to: {s}");
    }
    for (label, d) in [
        ("effective:", &p.effective),
        ("expires:", &p.expires),
        ("repealed:", &p.repealed),
    ] {
        dated_line(&mut out, label, d.as_ref());
    }
    for c in &p.caveats {
        let _ = writeln!(out, "  CAVEAT: {c}");
    }
    match p.under.as_slice() {
        [one] => {
            let _ = writeln!(
                out,
                "  Its authority's rules decide: `authsel show {one}`; `eval --explain {}` \
                 explains {one} for a proposal.",
                p.id
            );
        }
        many => {
            let _ = writeln!(
                out,
                "  Its authorities' rules decide: `authsel show ID` for one of {}.",
                many.join(", ")
            );
        }
    }
    out
}

/// `authsel diff`: the changed rules, the changed decisions, the unreadable proposals, a total.
pub fn diff(r: &crate::tools::diff::DiffReport) -> String {
    let mut out = String::new();
    for c in &r.changed_rules {
        let _ = writeln!(out, "rule {}.{} changed", c.authority, c.rule);
        let _ = writeln!(out, "    was: {}", c.old.as_deref().unwrap_or("(absent)"));
        let _ = writeln!(out, "    now: {}", c.new.as_deref().unwrap_or("(absent)"));
    }
    out.push_str(&diff_changes(&r.changes));
    for e in &r.unreadable {
        let _ = writeln!(out, "{e}");
    }
    let t = &r.summary;
    let _ = writeln!(
        out,
        "diff: {} of {} decisions change",
        t.changed, t.proposals
    );
    out
}

/// The changed decisions of `authsel diff`, for people.
fn diff_changes(changes: &[crate::tools::diff::Change]) -> String {
    let mut s = String::new();
    let opt = |o: &Option<String>| o.clone().unwrap_or_else(|| "none".to_string());
    let arrow = |a: String, b: String| {
        if a == b {
            format!("{a} (unchanged)")
        } else {
            format!("{a} -> {b}")
        }
    };
    for c in changes {
        let _ = writeln!(
            s,
            "{} ({}): recommended {}, verdict {}",
            c.proposal,
            c.source,
            arrow(opt(&c.old.recommended), opt(&c.new.recommended)),
            arrow(c.old.verdict.clone(), c.new.verdict.clone())
        );
        for cc in &c.candidates {
            let v = |v: Option<Verdict>| v.map_or("not a candidate", Verdict::as_str);
            let _ = writeln!(s, "    {}: {} -> {}", cc.authority, v(cc.old), v(cc.new));
            for r in &cc.rules {
                let o = |o: Option<Outcome>| match o {
                    Some(Outcome::Pass) => "pass",
                    Some(Outcome::Fail) => "fail",
                    Some(Outcome::Unknown) => "unknown",
                    None => "absent",
                };
                let _ = writeln!(
                    s,
                    "        rule {}: {} -> {} [{}]",
                    r.rule,
                    o(r.old),
                    o(r.new),
                    r.citation
                );
                if let Some(d) = &r.definition {
                    let _ = writeln!(s, "            was: {}", opt(&d.old));
                    let _ = writeln!(s, "            now: {}", opt(&d.new));
                }
            }
        }
    }
    s
}

/// `authsel lint`: every diagnostic (notes on one line), then the counts.
pub fn lint(r: &crate::lang::lint::LintReport) -> String {
    use crate::diagnostic::Severity;
    let mut out = String::new();
    for d in &r.diagnostics {
        if d.severity == Severity::Info {
            let _ = writeln!(
                out,
                "{}:{}:{}: info[{}]: {}",
                d.file, d.line, d.column, d.code, d.message
            );
        } else {
            out.push_str(&d.to_string());
        }
    }
    let (e, w, i) = lint_counts(r);
    let _ = writeln!(out, "lint: {e} error(s), {w} warning(s), {i} note(s)");
    out
}

/// One regression case in `authsel test`: `FAIL` and the failures, or `ok` when `verbose`.
pub fn case_result(r: &crate::tools::cases::CaseResult, verbose: bool) -> String {
    let mut out = String::new();
    if r.passed() {
        if verbose {
            let _ = writeln!(out, "ok   {}", r.name);
        }
        return out;
    }
    let _ = writeln!(out, "FAIL {}", r.name);
    for f in &r.failures {
        let _ = writeln!(out, "    {}", f.trim_end().replace('\n', "\n    "));
    }
    out
}

/// A plain text table with `|` columns and `-` rules; widths in characters.
fn table(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let rule: String = {
        let parts: Vec<String> = widths.iter().map(|w| "-".repeat(w + 2)).collect();
        format!("+{}+\n", parts.join("+"))
    };
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = widths
            .iter()
            .zip(cells)
            .map(|(w, c)| format!(" {c}{} ", " ".repeat(w - c.chars().count())))
            .collect();
        format!("|{}|\n", parts.join("|"))
    };
    let mut out = rule.clone();
    out.push_str(&line(headers.to_vec()));
    out.push_str(&rule);
    for r in rows {
        out.push_str(&line(r.iter().map(String::as_str).collect()));
    }
    if !rows.is_empty() {
        out.push_str(&rule);
    }
    out
}

/// Human text of a `check` run: every error with its caret (the contract's form for input
/// errors), then the proposals that fail the batch, the ceilings and the counts. The failing
/// proposals are one line each with `all`; otherwise grouped by reason with a few examples each,
/// so the report stays a page long at any batch size.
pub fn check(report: &Report, all: bool) -> String {
    let mut out = String::new();
    for d in &report.errors {
        let _ = write!(out, "{d}");
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }
    if all {
        failed_rows(&mut out, report);
    } else {
        failed_groups(&mut out, report);
    }
    plan_rows(&mut out, report);
    if !report.ceilings.is_empty() {
        let _ = writeln!(out, "Fiscal-year ceilings across the batch:");
        out.push_str(&table(
            &[
                "authority",
                "FY",
                "ceiling",
                "limit",
                "committed",
                "total",
                "proposals",
                "status",
            ],
            &ceiling_rows(report),
        ));
        out.push('\n');
    }
    out.push_str(&table(&["check", "count"], &summary_rows(report)));
    out
}

pub use super::plain;

/// `check --plan`: the best plan of each proposal no single authority fits.
fn plan_rows(out: &mut String, report: &Report) {
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .filter_map(|r| {
            r.plan
                .as_ref()
                .map(|p| vec![r.proposal.clone(), r.file.clone(), p.clone()])
        })
        .collect();
    if rows.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Plans for proposals no single authority fits (`authsel plan FILE` for the parts and timeline):"
    );
    out.push_str(&table(&["proposal", "file", "plan"], &rows));
    out.push('\n');
}

/// A date as a staff officer writes it: `14 February 2027`.
fn day(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

/// Greedy word wrap of `text` to `width` columns: the first line continues a prefix of `start`
/// columns, every later line is indented by `indent` spaces (a word longer than a line stays whole).
pub fn wrap(text: &str, width: usize, start: usize, indent: usize) -> String {
    let mut out = String::new();
    let mut col = start;
    for word in text.split_whitespace() {
        let len = word.chars().count();
        if !out.is_empty() && col + 1 + len > width {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
            col = indent;
        } else if !out.is_empty() {
            out.push(' ');
            col += 1;
        }
        out.push_str(word);
        col += len;
    }
    out
}

/// The first reason a candidate failed (or, if conditional, is open), without its citation.
fn first_failure(c: &Candidate) -> Option<String> {
    c.reasons
        .iter()
        .find(|r| r.outcome == Outcome::Fail)
        .or_else(|| c.reasons.iter().find(|r| r.outcome == Outcome::Unknown))
        .map(|r| plain_reason(&r.message))
}

/// A reason without the rule's condition: the statute's words (`because`) when the rule has them.
fn plain_reason(m: &Message) -> String {
    if let Message::Fails {
        because: Some(b), ..
    } = m
    {
        return format!("the law bars it: {b}");
    }
    let text = m.to_string();
    match text
        .strip_prefix("unknown until ")
        .and_then(|r| r.split_once(": requires"))
    {
        Some((what, _)) => format!("open until {what}"),
        None => text,
    }
}

/// A fix step without its closing parenthetical (`pay with DoS funds (this authority is paid by
/// DoS)`): the brief line already says why.
fn without_aside(step: &str) -> &str {
    match step.strip_suffix(')').and_then(|s| s.rfind(" (")) {
        Some(i) => step.get(..i).unwrap_or(step),
        None => step,
    }
}

/// A duty's kind in words: `leahy_vetting` is "Leahy vetting".
fn duty_kind(kind: &str) -> String {
    let words = kind.replace('_', " ");
    words
        .replacen("state ", "State ", 1)
        .replacen("leahy ", "Leahy ", 1)
}

fn not_in_force(c: &Candidate) -> bool {
    c.reasons
        .iter()
        .any(|r| r.rule == "in_force" && r.outcome == Outcome::Fail)
}

/// The default view of a decision, as a staff officer would write it: headline, the answer in a
/// sentence, the duties soonest first, the open questions, three runners-up and a count of the rest.
/// At most about 40 lines for any proposal; `--full` and `--detail reasons` show more.
pub fn brief(d: &Explanation, width: usize) -> String {
    let mut out = String::new();
    let line = |out: &mut String, indent: usize, text: &str| {
        let _ = writeln!(
            out,
            "{}{}",
            " ".repeat(indent),
            wrap(text, width, indent, indent + 2)
        );
    };
    line(&mut out, 0, &format!("{}: {}", d.proposal, d.title));
    let head = match d.recommended().and_then(|r| d.candidate(r)) {
        Some(c) => format!(
            "Use {} ({}, {}): {}.",
            c.citation,
            c.name,
            c.authority,
            c.verdict.as_str()
        ),
        None => "No authority fits as proposed.".to_string(),
    };
    line(&mut out, 0, &head);
    line(
        &mut out,
        0,
        &format!(
            "{}, {}, judged by the law of {}.",
            d.partner,
            d.fiscal_year,
            day(d.as_of)
        ),
    );
    if let Some(c) = d.recommended().and_then(|r| d.candidate(r)) {
        brief_duties(&mut out, c, width);
    }
    if !d.missing_facts.is_empty() {
        let _ = writeln!(out, "\nStill needed:");
        // Four, so the brief stays one screen when the registry lacks the partner (every group it
        // could be in is a question); the rest are counted, and `--detail reasons` lists them.
        for m in d.missing_facts.iter().take(4) {
            line(&mut out, 2, &format!("- {}", m.question));
        }
        if d.missing_facts.len() > 4 {
            line(
                &mut out,
                2,
                &format!("- and {} more", d.missing_facts.len() - 4),
            );
        }
    }
    brief_purpose_question(&mut out, d, width);
    brief_others(&mut out, d, width);
    brief_caveats(&mut out, d, width);
    out.push('\n');
    line(
        &mut out,
        0,
        "More: `--detail reasons` (why not, per candidate), `--full` (every rule), `--explain ID`.",
    );
    out
}

/// The recommended authority's duties, soonest first (undated ones last).
fn brief_duties(out: &mut String, c: &Candidate, width: usize) {
    if c.obligations.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nDuties, soonest first:");
    let mut duties: Vec<_> = c.obligations.iter().collect();
    duties.sort_by_key(|o| (o.deadline.is_none(), o.deadline));
    for o in duties {
        let when = o.deadline.map_or_else(|| "no fixed date".to_string(), day);
        let to = o.to.as_ref().map_or(String::new(), |t| format!(" to {t}"));
        let possible = if o.status == "required" {
            ""
        } else {
            " (if it applies)"
        };
        let text = format!(
            "{when}: {}{to}{possible} [{}]",
            duty_kind(&o.kind),
            o.citation
        );
        let _ = writeln!(out, "  - {}", wrap(&text, width, 4, 4));
    }
}

/// When nothing fits but some authority would for another purpose: the question to ask.
fn brief_purpose_question(out: &mut String, d: &Explanation, width: usize) {
    if d.purpose_fits.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nAnother purpose? These fit in every other respect:");
    for fit in &d.purpose_fits {
        let text = format!(
            "- {} ({}) if it is for {}",
            fit.authority,
            fit.citation,
            crate::explain::or_list(&fit.purposes)
        );
        let _ = writeln!(out, "  {}", wrap(&text, width, 2, 4));
    }
    let _ = writeln!(
        out,
        "  {}",
        wrap(
            "Change `purposes` only if that is what the activity is for: the purpose is the \
             intent, not a detail to adjust.",
            width,
            2,
            2
        )
    );
}

/// Three runners-up in a line each, then a count of the rest and the authorities not in force.
fn brief_others(out: &mut String, d: &Explanation, width: usize) {
    let rec = d.recommended();
    let (gone, others): (Vec<&Candidate>, Vec<&Candidate>) =
        d.runners_up().partition(|c| not_in_force(c));
    if !others.is_empty() {
        let title = if rec.is_some() {
            "Runners-up"
        } else {
            "Closest candidates"
        };
        let _ = writeln!(out, "\n{title}:");
    }
    for c in others.iter().take(3) {
        let mut text = format!(
            "{}. {} ({}, {}): {}",
            c.rank,
            c.authority,
            c.citation,
            c.name,
            c.verdict.as_str()
        );
        if let Some(why) = first_failure(c) {
            text += &format!("; {}", plain(&why));
        }
        if let Some(fix) = c.fix.as_ref().filter(|f| !f.steps.is_empty()) {
            let steps: Vec<&str> = fix.steps.iter().map(|s| without_aside(s)).collect();
            text += &format!("; it would fit if you {}", plain(&steps.join(" and ")));
        }
        let remedies = c.fix.iter().flat_map(|f| &f.legal);
        for remedy in remedies.filter_map(|l| l.split_once("the law provides: ")) {
            text += &format!("; the law provides: {}", remedy.1);
        }
        let _ = writeln!(out, "  {}", wrap(&text, width, 2, 4));
    }
    if others.len() > 3 {
        let _ = writeln!(
            out,
            "  and {} other candidates rank lower.",
            others.len() - 3
        );
    }
    if !gone.is_empty() {
        let ids: Vec<&str> = gone.iter().map(|c| c.authority.as_str()).collect();
        let text = format!(
            "Not in force on {} (repealed, expired or not yet enacted): {}.",
            day(d.as_of),
            ids.join(", ")
        );
        let _ = writeln!(out, "  {}", wrap(&text, width, 2, 2));
    }
}

/// The recommended authority's caveats: what the answer assumes or could not confirm.
fn brief_caveats(out: &mut String, d: &Explanation, width: usize) {
    let Some(c) = d.recommended().and_then(|r| d.candidate(r)) else {
        return;
    };
    let unconfirmed = c.reasons.iter().filter_map(|r| r.unconfirmed.as_deref());
    let all: Vec<&str> = c
        .caveats
        .iter()
        .map(|s| s.as_str())
        .chain(unconfirmed)
        .collect();
    if all.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nCaveats ({}):", c.authority);
    // Five, so the brief view stays one screen (40 lines) even for a partner the registry lacks.
    for cav in all.iter().take(5) {
        let _ = writeln!(out, "  - {}", wrap(cav, width, 4, 4));
    }
    if all.len() > 5 {
        let _ = writeln!(
            out,
            "  - and {} more (`--explain {}`)",
            all.len() - 5,
            c.authority
        );
    }
}

/// `authsel vocab`: each section's words with meaning, hierarchy, aliases and authorities.
pub fn vocab(
    sections: &[(
        crate::tools::vocab::Section,
        Vec<crate::tools::vocab::Entry>,
    )],
    width: usize,
) -> String {
    let mut out = String::new();
    for (section, entries) in sections {
        let _ = writeln!(out, "{} ({}):", section.name(), entries.len());
        for e in entries {
            let mut text = if e.meaning.is_empty() {
                e.id.clone()
            } else {
                format!("{}: {}", e.id, e.meaning)
            };
            if !e.is_a.is_empty() {
                text += &format!(" (is a {})", e.is_a.join(", is a "));
            }
            if let Some(d) = &e.detail {
                text += &format!(" [{d}]");
            }
            if !e.aliases.is_empty() {
                text += &format!("; also written {}", e.aliases.join(", "));
            }
            if !e.authorities.is_empty() {
                text += &format!("; authorities: {}", e.authorities.join(", "));
            }
            let _ = writeln!(out, "  {}", wrap(&text, width, 2, 6));
        }
        out.push('\n');
    }
    out
}

/// Proposals nothing fits, grouped by the closest authority's first failure, and proposals over a
/// ceiling, grouped by ceiling.
fn failed_groups(out: &mut String, report: &Report) {
    let none = no_fit_groups(report);
    if !none.is_empty() {
        let _ = writeln!(
            out,
            "No fitting authority ({}), by the closest authority's first failure:",
            report.summary.no_authority
        );
        for (key, rows) in &none {
            let _ = writeln!(
                out,
                "  {key}: {} proposal(s): {}",
                rows.len(),
                some_ids(rows)
            );
            if let Some(why) = rows.first().and_then(|r| r.why_none.as_deref()) {
                let _ = writeln!(out, "    e.g. {why}");
            }
        }
        out.push('\n');
    }
    let over = over_groups(report);
    if !over.is_empty() {
        let _ = writeln!(out, "Over a fiscal-year ceiling:");
        for (ceiling, rows) in &over {
            let _ = writeln!(
                out,
                "  {ceiling}: {} proposal(s): {}",
                rows.len(),
                some_ids(rows)
            );
        }
        out.push('\n');
    }
    if !none.is_empty() || !over.is_empty() {
        let _ = writeln!(out, "(`--all` lists every proposal that fails the batch)\n");
    }
}

/// `--all`: every proposal that fails the batch, one line each.
fn failed_rows(out: &mut String, report: &Report) {
    let failed: Vec<&Row> = report.rows.iter().filter(|r| r.failed()).collect();
    if failed.is_empty() {
        return;
    }
    let _ = writeln!(out, "Proposals that fail the batch:");
    for r in failed {
        let why = match (&r.recommended, &r.why_none) {
            (None, Some(w)) => format!("no fitting authority: {w}"),
            (None, None) => "no fitting authority".to_string(),
            (Some(a), _) => format!("{a} is over {}", r.over_ceilings.join(", ")),
        };
        let _ = writeln!(out, "  {} ({}): {why}", r.proposal, r.file);
    }
    out.push('\n');
}

/// `authsel plan`: the best plan, its parts, paperwork and one timeline, then the alternatives,
/// wrapped to `width` columns.
pub fn plan(p: &crate::plan::Plan, width: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}: {}", p.proposal, p.title);
    let mut line = p.against_single();
    if let Some(first) = line.get(..1) {
        line = format!("{}{}.", first.to_uppercase(), line.get(1..).unwrap_or(""));
    }
    let _ = writeln!(out, "{}", wrap(&line, width, 0, 2));
    let Some(best) = p.best() else {
        let _ = writeln!(out, "No plan: no set of authorities covers it.");
        for w in &p.why_none {
            let _ = writeln!(out, "  - {}", wrap(w, width, 4, 4));
        }
        return out;
    };
    let _ = writeln!(
        out,
        "Plan: {} ({} {}, {} open finding(s)).",
        best.authorities.join(" + "),
        best.parts.len(),
        if best.parts.len() == 1 {
            "authority"
        } else {
            "authorities"
        },
        best.open_findings
    );
    if let Some(c) = &p.choice {
        let _ = writeln!(
            out,
            "Why this plan: {}",
            wrap(&format!("{c}."), width, 15, 2)
        );
    }
    if let Some(a) = &p.assumed {
        let _ = writeln!(out, "Assumed: {}", wrap(&format!("{a}."), width, 9, 2));
    }
    plan_option(&mut out, best, p.today, width);
    if p.options.len() > 1 {
        let _ = writeln!(out, "\nAlternatives:");
        for o in p.options.iter().skip(1) {
            let line = format!(
                "{}: {}; paperwork {}",
                plan_parts_line(o),
                o.ranking,
                o.paperwork.total()
            );
            let _ = writeln!(out, "  {}. {}", o.rank, wrap(&line, width, 5, 5));
        }
    }
    out
}

fn plan_parts_line(o: &crate::plan::PlanOption) -> String {
    o.parts
        .iter()
        .map(|x| format!("{} ({})", x.authority, x.activities.join(", ")))
        .collect::<Vec<_>>()
        .join(" + ")
}

fn plan_option(
    out: &mut String,
    o: &crate::plan::PlanOption,
    today: Option<jiff::civil::Date>,
    width: usize,
) {
    let _ = writeln!(out, "\nParts:");
    for x in &o.parts {
        let share = x.amount_usd.map_or_else(
            || "share not given".to_string(),
            |v| crate::model::Usd(v).to_string(),
        );
        let _ = writeln!(
            out,
            "  {}. {} ({}, {}): {}",
            x.number,
            x.authority,
            x.citation,
            x.name,
            x.verdict.as_str()
        );
        let _ = writeln!(
            out,
            "     activities: {}; purposes: {}; amount: {share}{}",
            x.activities.join(", "),
            x.purposes.join(", "),
            funding_note(o, x)
        );
    }
    let w = &o.paperwork;
    let paperwork = format!(
        "Paperwork: {} notice(s), {} certification(s), {} concurrence(s), {} vetting(s), {} other; committees notified: {}{}",
        w.notices,
        w.certifications,
        w.concurrences,
        w.vettings,
        w.other,
        w.committees.len(),
        if w.committees.is_empty() { String::new() } else { format!(" ({})", w.committees.join(", ")) }
    );
    let _ = writeln!(out, "\n{}", wrap(&paperwork, width, 0, 2));
    for c in &o.crossings {
        let _ = writeln!(out, "Threshold: {}", wrap(&c.message, width, 11, 2));
    }
    plan_timeline(out, o, today, width);
    if !o.questions.is_empty() {
        let _ = writeln!(out, "\nStill needed:");
        for q in &o.questions {
            let _ = writeln!(out, "  - {}", wrap(q, width, 4, 4));
        }
    }
}

fn plan_timeline(
    out: &mut String,
    o: &crate::plan::PlanOption,
    today: Option<jiff::civil::Date>,
    width: usize,
) {
    let _ = writeln!(out, "\nTimeline, soonest first:");
    if o.timeline.entries.is_empty() {
        let _ = writeln!(out, "  (no duties)");
    }
    for e in &o.timeline.entries {
        let when = e.due.map_or_else(|| "no fixed date".to_string(), day);
        let mut flags = String::new();
        if e.overdue {
            flags.push_str("OVERDUE ");
        }
        if e.status != "required" {
            flags.push_str("(possible) ");
        }
        if e.kept {
            flags.push_str("(kept: the parts together cross its threshold) ");
        }
        let before = match (&e.before, e.deadline, e.due) {
            (Some(_), Some(own), Some(due)) if own != due => {
                format!(" (before the notice; its own deadline {})", day(own))
            }
            (Some(_), _, _) => " (before the notice)".to_string(),
            _ => String::new(),
        };
        let to =
            e.to.as_ref()
                .map_or_else(String::new, |t| format!(" to {t}"));
        let line = format!(
            "{when}: {flags}part {} {}: {}{to}{before} [{}]",
            e.part,
            e.authority,
            duty_kind(&e.kind),
            e.citation
        );
        let _ = writeln!(out, "  - {}", wrap(&line, width, 4, 4));
    }
    if let (Some(t), Some(s)) = (today, o.earliest_start) {
        let _ = writeln!(
            out,
            "Earliest feasible start, as of {}: {}.",
            day(t),
            day(s)
        );
    }
}

/// "; funding: X" when the parts of a plan are paid from different sources (`activity_funding`).
pub(crate) fn funding_note(o: &crate::plan::PlanOption, x: &crate::plan::Part) -> String {
    let varies = o.parts.iter().any(|y| y.funding != x.funding);
    match x.funding {
        Some(f) if varies => format!("; funding: {f:?}"),
        None if varies => "; funding: any".to_string(),
        _ => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_pads_to_the_widest_cell() {
        let t = table(&["a", "bb"], &[vec!["ccc".into(), "d".into()]]);
        assert_eq!(
            t,
            "+-----+----+\n| a   | bb |\n+-----+----+\n| ccc | d  |\n+-----+----+\n"
        );
    }
}
