//! JSON: a decision per line per the CLI contract (`docs/json.md`), the catalogue, lint, diff, and
//! the streamed `check` object. Rendering only: nothing is decided here.

use super::lint_counts;
use crate::batch::Report;
use crate::explain::Explanation;
use std::io::{self, Write};

/// One JSON object (one line) per decision.
pub fn decision(d: &Explanation) -> String {
    serde_json::to_string(d).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
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
            })
        })
        .collect();
    serde_json::to_string_pretty(&list).unwrap_or_default()
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
