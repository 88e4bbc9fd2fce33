//! JSON: a decision per line per the CLI contract (`docs/json.md`), the catalogue, lint, diff, and
//! the streamed `check` object. Rendering only: nothing is decided here.

use super::lint_counts;
use crate::batch::Report;
use crate::explain::Explanation;
use std::io::{self, Write};

/// One JSON object (one line) per decision.
/// Written straight into one buffer (`jsonw`), byte for byte serde_json's object.
pub fn decision(d: &Explanation) -> String {
    // About 3.4 KB a candidate: one allocation for most decisions.
    let mut out = String::with_capacity(2048 + 4096 * d.candidates.len());
    super::jsonw::explanation(&mut out, d);
    out
}

/// `authsel authorities --format json`: the catalogue contract's fields.
pub fn authorities(rb: &crate::model::RuleBase) -> String {
    let list: Vec<serde_json::Value> = rb
        .authorities
        .iter()
        .map(|a| {
            serde_json::json!({
                "id": a.id, "citation": a.citation, "name": a.name, "title": a.title,
                "department": a.administered_by, "executed_by": a.executed_by,
                "effective": a.effective.as_ref().map(|d| d.date),
                "expires": a.expires.as_ref().map(|d| d.date),
                "repealed": a.repealed.as_ref().map(|d| d.date),
                "superseded_by": a.superseded_by,
                "aka": a.aka,
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
}

/// `authsel programs --format json`: every program with the authorities it runs under.
pub fn programs(rb: &crate::model::RuleBase) -> String {
    serde_json::to_string_pretty(&rb.programs).unwrap_or_default()
}

/// `authsel lint --format json`.
pub fn lint(r: &crate::lang::lint::LintReport) -> String {
    let (e, w, i) = lint_counts(r);
    let v = serde_json::json!({
        "diagnostics": r.diagnostics,
        "summary": {"errors": e, "warnings": w, "notes": i},
    });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// `authsel diff --format json`. Through `serde_json::Value`, whose maps are sorted: every object's
/// keys come out in alphabetical order, as they always have.
pub fn diff(r: &crate::tools::diff::DiffReport) -> String {
    serde_json::to_value(r)
        .and_then(|v| serde_json::to_string_pretty(&v))
        .unwrap_or_default()
}

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

/// `authsel vocab --format json`: `{"activities": [...], "purposes": [...], ...}` for the sections
/// asked for, each entry's fields in declaration order.
pub fn vocab(
    sections: &[(
        crate::tools::vocab::Section,
        Vec<crate::tools::vocab::Entry>,
    )],
) -> String {
    let map: std::collections::BTreeMap<&str, &[crate::tools::vocab::Entry]> = sections
        .iter()
        .map(|(s, entries)| (s.name(), entries.as_slice()))
        .collect();
    serde_json::to_string_pretty(&map).unwrap_or_default()
}

/// A serialized JSON object with `"file":FILE` (and `"kind":KIND` before it) put first:
/// `{"kind":"decision","file":"a.ron","proposal":...}`. The object is spliced, not parsed again.
pub fn tagged(kind: Option<&str>, file: Option<&str>, object: &str) -> String {
    let rest = object.strip_prefix('{').unwrap_or(object);
    let mut out = String::with_capacity(object.len() + 64);
    out.push('{');
    if let Some(k) = kind {
        out.push_str("\"kind\":");
        push_str_json(&mut out, k);
        out.push(',');
    }
    if let Some(f) = file {
        out.push_str("\"file\":");
        push_str_json(&mut out, f);
        out.push(',');
    }
    if rest == "}" {
        out.pop(); // an empty object: no comma before its end
    }
    out.push_str(rest);
    out
}

fn push_str_json(out: &mut String, s: &str) {
    super::jsonw::string(out, s);
}

/// A decision at `--detail brief` or `reasons`: one JSON object.
/// Written straight into one buffer (`jsonw`), byte for byte serde_json's object.
pub fn brief(b: &crate::explain::Brief) -> String {
    let mut out = String::with_capacity(1024);
    super::jsonw::brief(&mut out, b);
    out
}

/// What the first line of a `check --format jsonl` report says: what made it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct JsonlHeader {
    pub authsel_version: &'static str,
    /// SHA-256 of the rule files.
    pub rules_digest: String,
    /// `--as-of`; `null`: each proposal is judged by the law on its own start date.
    pub as_of: Option<jiff::civil::Date>,
    /// SHA-256 of the ledger, `null` without one.
    pub ledger_digest: Option<String>,
    pub ledger_entries: usize,
    /// `brief`, `reasons` or `full`.
    pub detail: &'static str,
    /// The paths given, in the order given.
    pub paths: Vec<String>,
}

/// `check --format jsonl`: one JSON object per line, each with its `kind` first. A header, then
/// decisions and input errors in sorted path order as the batch goes, then the ceilings and a
/// summary (known only at the end). Nothing is held back: a reader can stop at any line.
pub struct JsonlStream<W: Write> {
    w: W,
}

impl<W: Write> JsonlStream<W> {
    pub fn begin(mut w: W, header: &JsonlHeader) -> io::Result<JsonlStream<W>> {
        let head = serde_json::to_string(header).map_err(io::Error::other)?;
        w.write_all(tagged(Some("header"), None, &head).as_bytes())?;
        w.write_all(b"\n")?;
        Ok(JsonlStream { w })
    }

    /// One decision line, already made by [`tagged`] (in the workers).
    pub fn decision(&mut self, line: &str) -> io::Result<()> {
        self.w.write_all(line.as_bytes())?;
        self.w.write_all(b"\n")
    }

    /// One line per diagnostic of an invalid file.
    pub fn errors(&mut self, diags: &[crate::diagnostic::Diagnostic]) -> io::Result<()> {
        for d in diags {
            let json = serde_json::to_string(d).map_err(io::Error::other)?;
            self.w
                .write_all(tagged(Some("error"), None, &json).as_bytes())?;
            self.w.write_all(b"\n")?;
        }
        Ok(())
    }

    /// The ceilings, one line each, and the summary line with the exit code.
    pub fn finish(mut self, report: &Report) -> io::Result<W> {
        for c in &report.ceilings {
            let json = serde_json::to_string(c).map_err(io::Error::other)?;
            self.w
                .write_all(tagged(Some("ceiling"), None, &json).as_bytes())?;
            self.w.write_all(b"\n")?;
        }
        let summary = serde_json::to_string(&report.summary).map_err(io::Error::other)?;
        let mut line = tagged(Some("summary"), None, &summary);
        line.pop(); // the closing brace: the exit code follows
        writeln!(self.w, "{line},\"exit_code\":{}}}", report.exit_code())?;
        Ok(self.w)
    }
}

/// `authsel plan --format json`: one object per plan (`docs/json.md`).
pub fn plan(p: &crate::plan::Plan) -> String {
    serde_json::to_string(p).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}
