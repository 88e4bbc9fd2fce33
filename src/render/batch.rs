//! Renders a batch [`Report`]: a human summary, streaming JSON per `../shared/spec/cli.md`,
//! JUnit XML for CI systems, and Markdown. Rendering only: nothing is decided here.

use crate::batch::{CeilingUse, Report, Row};
use crate::diagnostic::Diagnostic;
use crate::model::Usd;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write};

/// The `check --format json` object, written as the batch runs: decisions are streamed one per
/// line as they arrive, and the parts known only at the end (errors, ceilings, summary) follow.
/// JSON objects are unordered, so this is the contract's object; it keeps memory flat on a
/// 100,000-file batch whose decisions alone are gigabytes.
pub struct JsonStream<W: Write> {
    w: W,
    first: bool,
}

impl<W: Write> JsonStream<W> {
    pub fn begin(mut w: W) -> io::Result<JsonStream<W>> {
        w.write_all(b"{\"decisions\":[")?;
        Ok(JsonStream { w, first: true })
    }

    /// One decision, already serialized (compact) by `report::json_line`.
    pub fn decision(&mut self, json: &str) -> io::Result<()> {
        self.w.write_all(if self.first { b"\n" } else { b",\n" })?;
        self.first = false;
        self.w.write_all(json.as_bytes())
    }

    pub fn finish(mut self, report: &Report) -> io::Result<W> {
        let errors = serde_json::to_string(&report.errors).map_err(io::Error::other)?;
        let ceilings = serde_json::to_string(&report.ceilings).map_err(io::Error::other)?;
        let summary = serde_json::to_string(&report.summary).map_err(io::Error::other)?;
        write!(
            self.w,
            "\n],\n\"errors\":{errors},\n\"ceilings\":{ceilings},\n\"summary\":{summary}}}\n"
        )?;
        Ok(self.w)
    }
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

fn usd(v: Option<u64>) -> String {
    v.map_or_else(|| "overflow".to_string(), |v| Usd(v).to_string())
}

fn ceiling_status(c: &CeilingUse) -> String {
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

fn ceiling_rows(report: &Report) -> Vec<Vec<String>> {
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

fn summary_rows(report: &Report) -> Vec<Vec<String>> {
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

/// Human text: every error with its caret, the proposals that failed, the ceilings, a summary.
pub fn human(report: &Report) -> String {
    let mut out = String::new();
    for d in &report.errors {
        let _ = write!(out, "{d}");
    }
    if !report.errors.is_empty() {
        out.push('\n');
    }
    let failed: Vec<&Row> = report.rows.iter().filter(|r| r.failed()).collect();
    if !failed.is_empty() {
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

/// XML text and attribute escaping; characters XML 1.0 forbids become U+FFFD.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// JUnit XML: one test case per proposal (a failure when nothing fits or it is over a ceiling),
/// one per invalid file (an error).
pub fn junit(report: &Report) -> String {
    let mut by_file: BTreeMap<&str, Vec<&Diagnostic>> = BTreeMap::new();
    for d in &report.errors {
        by_file.entry(d.file.as_str()).or_default().push(d);
    }
    let failures = report.rows.iter().filter(|r| r.failed()).count();
    let tests = report.rows.len() + by_file.len();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        "tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\"",
        by_file.len()
    );
    let _ = writeln!(out, "<testsuites name=\"authsel check\" {counts}>");
    let _ = writeln!(
        out,
        "  <testsuite name=\"authsel check\" {counts} skipped=\"0\">"
    );
    for r in &report.rows {
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"authsel.check\" file=\"{}\">",
            xml_escape(&r.proposal),
            xml_escape(&r.file)
        );
        if r.recommended.is_none() {
            let why = r.why_none.as_deref().unwrap_or("no candidate authority");
            let _ = writeln!(
                out,
                "      <failure type=\"no_authority\" message=\"no fitting authority\">{}</failure>",
                xml_escape(why)
            );
        }
        for c in &r.over_ceilings {
            let _ = writeln!(
                out,
                "      <failure type=\"ceiling\" message=\"over the {}\">{}</failure>",
                xml_escape(c),
                xml_escape(&format!(
                    "{} {} ceiling exceeded across the batch",
                    r.fiscal_year, c
                ))
            );
        }
        let _ = writeln!(
            out,
            "      <system-out>{}</system-out>",
            xml_escape(&format!(
                "{}: {}",
                r.recommended.as_deref().unwrap_or("none"),
                r.verdict
            ))
        );
        let _ = writeln!(out, "    </testcase>");
    }
    for (file, diags) in by_file {
        let _ = writeln!(
            out,
            "    <testcase name=\"{}\" classname=\"authsel.check.input\" file=\"{0}\">",
            xml_escape(file)
        );
        let text: String = diags.iter().map(|d| d.to_string()).collect();
        let first = diags.first().map_or(String::new(), |d| {
            format!("{}:{}: {}", d.line, d.column, d.message)
        });
        let code = diags.first().map_or("E0200", |d| d.code);
        let _ = writeln!(
            out,
            "      <error type=\"{code}\" message=\"{}\">{}</error>",
            xml_escape(&first),
            xml_escape(&text)
        );
        let _ = writeln!(out, "    </testcase>");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn md(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown report: summary, ceilings, failing proposals, errors, then every proposal.
pub fn markdown(report: &Report) -> String {
    let mut out = String::from("# authsel check\n\n| check | count |\n|---|---:|\n");
    for r in summary_rows(report) {
        let _ = writeln!(out, "| {} |", r.join(" | "));
    }
    if !report.ceilings.is_empty() {
        out.push_str("\n## Fiscal-year ceilings\n\n| authority | FY | ceiling | limit | committed | total | proposals | status |\n|---|---|---|---:|---:|---:|---:|---|\n");
        for r in ceiling_rows(report) {
            let cells: Vec<String> = r.iter().map(|c| md(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
        }
    }
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
                md(&r.proposal),
                md(&r.file),
                r.fiscal_year,
                Usd(r.amount_usd),
                r.recommended.as_deref().unwrap_or("—"),
                r.verdict,
                md(&problem)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escape_covers_markup_and_control_characters() {
        assert_eq!(
            xml_escape("a<b>&\"c'\u{1}\n"),
            "a&lt;b&gt;&amp;&quot;c&apos;\u{FFFD}\n"
        );
    }

    #[test]
    fn table_pads_to_the_widest_cell() {
        let t = table(&["a", "bb"], &[vec!["ccc".into(), "d".into()]]);
        assert_eq!(
            t,
            "+-----+----+\n| a   | bb |\n+-----+----+\n| ccc | d  |\n+-----+----+\n"
        );
    }
}
