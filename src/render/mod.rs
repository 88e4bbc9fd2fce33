//! Output formats, one file each: `human`, `json`, `markdown`, `junit`, `graph` (dot and Mermaid),
//! `handbook` (the generated authority reference). Rendering only: nothing here decides anything;
//! every function takes finished data (an `Explanation`, a batch `Report`, a `LintReport`, ...) and
//! returns text. The rows below are shared by the human and Markdown `check` reports.

pub mod graph;
pub mod handbook;
pub mod html;
pub mod human;
pub mod ics;
pub mod json;
pub(crate) mod jsonw;
pub mod junit;
pub mod markdown;
pub mod scan;

use std::fmt;

/// Every output format, once. A command offers a subset (the lists below); adding a format is its
/// file here, its variant and its place in the lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Markdown,
    Junit,
    /// JSON Lines: one record per line (`check`).
    Jsonl,
    Dot,
    Mermaid,
    /// A self-contained printable page (`eval`'s memo).
    Html,
    /// iCalendar (RFC 5545): the plan's timeline, one event per duty (`plan`).
    Ics,
}

impl Format {
    pub const ALL: [Format; 9] = [
        Format::Human,
        Format::Json,
        Format::Markdown,
        Format::Junit,
        Format::Jsonl,
        Format::Dot,
        Format::Mermaid,
        Format::Html,
        Format::Ics,
    ];

    /// The name on the command line (`--format NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Jsonl => "jsonl",
            Format::Dot => "dot",
            Format::Mermaid => "mermaid",
            Format::Html => "html",
            Format::Ics => "ics",
        }
    }

    /// What each command offers: adding a format is its file in `render/`, its variant above and
    /// its place in these lists, all in this folder.
    pub const EVAL: &'static [Format] =
        &[Format::Human, Format::Json, Format::Markdown, Format::Html];
    pub const CHECK: &'static [Format] = &[
        Format::Human,
        Format::Json,
        Format::Junit,
        Format::Markdown,
        Format::Jsonl,
    ];
    /// The catalogue views, `vocab`, `lint` and `diff`.
    pub const LIST: &'static [Format] = &[Format::Human, Format::Json];
    pub const GRAPH: &'static [Format] = &[Format::Dot, Format::Mermaid, Format::Json];
    pub const PLAN: &'static [Format] =
        &[Format::Human, Format::Json, Format::Markdown, Format::Ics];

    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.name() == name)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
use crate::batch::{CeilingUse, Report, Row};
use crate::diagnostic::Diagnostic;
use crate::explain::Explanation;
use crate::model::Usd;

pub(crate) fn lint_counts(r: &crate::lang::lint::LintReport) -> (usize, usize, usize) {
    use crate::diagnostic::Severity;
    (
        r.count(Severity::Error),
        r.count(Severity::Warning),
        r.count(Severity::Info),
    )
}

pub(crate) fn usd(v: Option<u64>) -> String {
    v.map_or_else(|| "overflow".to_string(), |v| Usd(v).to_string())
}

pub(crate) fn ceiling_status(c: &CeilingUse) -> String {
    if !c.over {
        let left = c.total_usd.and_then(|t| c.limit_usd.checked_sub(t));
        return format!("ok, {} left", usd(left));
    }
    match &c.crossed_by {
        Some(x) => format!(
            "OVER by {}; crossed by {} (+{})",
            usd(c.over_by_usd),
            x.proposal,
            usd(x.over_by_usd)
        ),
        None => format!("OVER: the ledger alone is {}", usd(c.committed_usd)),
    }
}

pub(crate) fn ceiling_rows(report: &Report) -> Vec<Vec<String>> {
    report
        .ceilings
        .iter()
        .map(|c| {
            vec![
                c.authority.clone(),
                c.fiscal_year.to_string(),
                c.ceiling.clone(),
                Usd(c.limit_usd).to_string(),
                usd(c.committed_usd),
                usd(c.total_usd),
                c.proposals.len().to_string(),
                ceiling_status(c),
            ]
        })
        .collect()
}

pub(crate) fn summary_rows(report: &Report) -> Vec<Vec<String>> {
    let s = &report.summary;
    [
        ("files", s.files),
        ("proposals evaluated", s.proposals),
        ("eligible", s.eligible),
        ("conditional", s.conditional),
        ("no fitting authority", s.no_authority),
        ("invalid files", s.invalid_files),
        ("errors", s.errors),
        ("ceilings exceeded", s.ceilings_over),
    ]
    .iter()
    .map(|(k, v)| vec![(*k).to_string(), v.to_string()])
    .collect()
}

pub(crate) fn verdict_word(d: &Explanation) -> String {
    match d.recommended() {
        Some(r) => format!("{r} ({})", d.verdict),
        None => "no authority fits".to_string(),
    }
}

/// One line of an authority's sheet, the same facts in `show` (`human`) and the handbook: what
/// it is, its value, its citation if it has one of its own.
pub(crate) enum SheetLine {
    Aka,
    Programs,
    Supersedes,
    SupersededBy,
    Serves,
    Provides,
    Recipients,
    Funding,
    Applies,
}

/// The sheet's lines of `a` that have a value, in order: (line, value, citation).
pub(crate) fn sheet<'a>(
    rb: &crate::model::CheckedRules,
    a: &'a crate::model::Authority,
) -> Vec<(SheetLine, String, Option<&'a crate::model::text::Text>)> {
    let listed = |v: &[String]| (!v.is_empty()).then(|| v.join(", "));
    let mut out = Vec::new();
    let aka: Vec<String> = a.aka.iter().map(|n| format!("\"{n}\"")).collect();
    if let Some(v) = listed(&aka) {
        out.push((SheetLine::Aka, v, None));
    }
    let programs: Vec<String> = rb
        .programs
        .iter()
        .filter(|p| p.under.iter().any(|u| *u == *a.id))
        .map(|p| format!("{} ({})", p.id, p.name))
        .collect();
    if let Some(v) = listed(&programs) {
        out.push((SheetLine::Programs, v, None));
    }
    if let Some(v) = listed(&a.supersedes) {
        out.push((SheetLine::Supersedes, v, None));
    }
    if let Some(v) = listed(&a.superseded_by) {
        out.push((SheetLine::SupersededBy, v, None));
    }
    out.push((
        SheetLine::Serves,
        a.serves.items.join(", "),
        Some(&a.serves.citation),
    ));
    let provides = a.provides.items.join(", ");
    out.push((SheetLine::Provides, provides, Some(&a.provides.citation)));
    if let Some(r) = &a.recipients {
        let v: Vec<String> = r.items.iter().map(ToString::to_string).collect();
        let v = v.join(", ");
        out.push((SheetLine::Recipients, v, Some(&r.citation)));
    }
    if let Some(f) = &a.funding {
        let v: Vec<String> = f.items.iter().map(ToString::to_string).collect();
        let v = v.join(", ");
        out.push((SheetLine::Funding, v, Some(&f.citation)));
    }
    if let Some(v) = listed(&a.applies) {
        out.push((SheetLine::Applies, v, None));
    }
    out
}

/// The value histories the rules read, each once, in order of first use: `show` and the handbook
/// list them with every entry's citation.
pub(crate) fn histories<'r>(
    rules: impl IntoIterator<Item = &'r crate::model::Rule>,
) -> Vec<&'r crate::model::history::ValueRef> {
    let mut out: Vec<&crate::model::history::ValueRef> = Vec::new();
    for v in rules.into_iter().flat_map(|r| &r.values) {
        if !out.iter().any(|o| o.id == v.id) {
            out.push(v);
        }
    }
    out
}

/// How a history is read, in words.
pub(crate) fn read_by(v: &crate::model::history::Param) -> &'static str {
    if v.by_fiscal_year() {
        "by the proposal's fiscal year"
    } else {
        "on the law date (--as-of, else the proposal's start)"
    }
}

/// How many of a group a summary report names before "and N more".
pub(crate) const EXAMPLES: usize = 3;

/// Rows grouped under a key, largest group first (ties: the key).
pub(crate) fn grouped<'r, K: Ord + Clone>(
    items: impl Iterator<Item = (K, &'r Row)>,
) -> Vec<(K, Vec<&'r Row>)> {
    let mut groups: std::collections::BTreeMap<K, Vec<&Row>> = std::collections::BTreeMap::new();
    for (k, r) in items {
        groups.entry(k).or_default().push(r);
    }
    let mut out: Vec<(K, Vec<&Row>)> = groups.into_iter().collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Proposals no authority fits, grouped by the closest authority and the rule it fails first.
pub(crate) fn no_fit_groups(report: &Report) -> Vec<(String, Vec<&Row>)> {
    grouped(
        report
            .rows
            .iter()
            .filter(|r| r.recommended.is_none())
            .map(|r| {
                let key = r.why_none_rule.clone();
                (
                    key.unwrap_or_else(|| "no candidate authority".to_string()),
                    r,
                )
            }),
    )
}

/// Proposals over a ceiling, grouped by the ceiling (a proposal over two is in both).
pub(crate) fn over_groups(report: &Report) -> Vec<(String, Vec<&Row>)> {
    grouped(
        report
            .rows
            .iter()
            .flat_map(|r| r.over_ceilings.iter().map(move |c| (c.clone(), r))),
    )
}

/// Input errors grouped by code, largest group first: (code, files, diagnostics).
pub(crate) fn error_groups(report: &Report) -> Vec<(&'static str, usize, Vec<&Diagnostic>)> {
    let mut groups: std::collections::BTreeMap<&str, Vec<&Diagnostic>> =
        std::collections::BTreeMap::new();
    for d in &report.errors {
        groups.entry(d.code).or_default().push(d);
    }
    let mut out: Vec<_> = groups
        .into_iter()
        .map(|(code, ds)| {
            let mut files: Vec<&str> = ds.iter().map(|d| d.file.as_str()).collect();
            files.dedup();
            (code, files.len(), ds)
        })
        .collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    out
}

/// The first few proposal ids of a group, then how many more: `A, B, C and 12 more`.
pub(crate) fn some_ids(rows: &[&Row]) -> String {
    let ids: Vec<&str> = rows
        .iter()
        .take(EXAMPLES)
        .map(|r| r.proposal.as_str())
        .collect();
    match rows.len().saturating_sub(EXAMPLES) {
        0 => ids.join(", "),
        more => format!("{} and {more} more", ids.join(", ")),
    }
}

/// The engine's ids in the words a planner uses, for prose (the ids stay in JSON and `--full`).
const PLAIN: [(&str, &str); 14] = [
    ("UsgStocks funds", "a drawdown of U.S. Government stocks"),
    ("PartnerNational funds", "the partner's own funds"),
    ("NationalMilitary", "the national military"),
    ("OtherSecurityForces", "other security forces"),
    ("CivilianGovernment", "a civilian government body"),
    ("InternationalOrganization", "an international organization"),
    ("NonGovernmental", "a non-governmental organization"),
    ("PartnerNational", "the partner's own funds"),
    ("UsgStocks", "U.S. Government stocks (drawdown)"),
    ("DoS", "State"),
    ("NotStarted", "not started"),
    ("amount_usd", "the amount"),
    ("duration_months", "the duration in months"),
    (
        "major_defense_equipment_usd",
        "the major defense equipment value",
    ),
];

/// `text` with every engine id of `PLAIN` in words.
pub fn plain(text: &str) -> String {
    PLAIN
        .iter()
        .fold(text.to_string(), |t, (id, words)| t.replace(id, words))
}

/// The proposal as the planner wrote it, in words, one (field, value) row per field given: the
/// memo's facts table, in Markdown and in HTML. Unescaped: each format escapes its own.
pub(crate) fn proposal_rows(p: &crate::input::proposal::Proposal) -> Vec<(String, String)> {
    use crate::model::Usd;
    let mut rows: Vec<(&str, String)> = vec![
        ("partner", p.partner.clone()),
        ("recipient", plain(&p.recipient.to_string())),
        ("purposes", p.purposes.join(", ").replace('_', " ")),
        ("activities", p.activities.join(", ").replace('_', " ")),
        ("amount", Usd(p.amount_usd).to_string()),
        ("start", p.start.to_string()),
    ];
    if let Some(o) = p.offer_date {
        rows.push(("offer issued", o.to_string()));
    }
    if let Some(m) = p.duration_months {
        rows.push(("duration", format!("{m} months")));
    }
    if let Some(f) = p.funding {
        rows.push(("funding", plain(&format!("{f} funds"))));
    }
    if let Some(l) = p.leahy {
        rows.push(("Leahy vetting", plain(&l.to_string()).to_lowercase()));
    }
    if let Some(m) = p.major_defense_equipment_usd {
        rows.push(("major defense equipment", Usd(m).to_string()));
    }
    if let Some(e) = p.emergency {
        let said = if e { "determined" } else { "not determined" };
        rows.push(("presidential emergency", said.to_string()));
    }
    let mut rows: Vec<(String, String)> =
        rows.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    rows.extend(p.facts.iter().map(|(k, v)| (k.clone(), v.to_string())));
    rows
}
