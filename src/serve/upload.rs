//! A batch upload checked as `authsel check` checks a folder: the files are written under a fresh
//! temporary directory, `batch::Batch` runs over it, the directory is removed, and the report is
//! drawn as a page (counts, invalid files with positions, proposals, the fiscal-year ceilings as a
//! chart). Invariant: an uploaded name never names a path on the server: each of its components
//! is reduced to `[A-Za-z0-9._-]`, `.` and `..` are refused, and files are written only inside the
//! directory made for this request, which is removed whatever happens.

use super::html::escape;
use super::limits::{ApiError, MAX_BATCH_FILES};
use crate::batch::{Batch, Report};
use crate::input::proposal::Ledger;
use crate::model::RuleBase;
use serde::Deserialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// One uploaded file: its name as the browser gives it (`folder/a.ron`), and its text.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    pub name: String,
    pub text: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BatchRequest {
    pub files: Vec<Upload>,
}

/// An uploaded name as a relative path of safe components (`folder/a.ron`).
pub fn safe_name(name: &str) -> Result<PathBuf, ApiError> {
    let mut out = PathBuf::new();
    for part in name.split(['/', '\\']).filter(|p| !p.is_empty()) {
        if part == "." || part == ".." {
            return Err(ApiError::bad(format!(
                "file name `{}`: `.` and `..` are not allowed",
                escape_controls(name)
            )));
        }
        let clean: String = part
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                    c
                } else {
                    '_'
                }
            })
            .take(100)
            .collect();
        out.push(clean);
    }
    if out.as_os_str().is_empty() || out.components().count() > 16 {
        return Err(ApiError::bad("a file needs a name of 1 to 16 parts"));
    }
    Ok(out)
}

fn escape_controls(s: &str) -> String {
    crate::diagnostic::escape_controls(s).into_owned()
}

/// The temporary directory of one request, removed when dropped.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

static NEXT: AtomicU64 = AtomicU64::new(0);

fn scratch() -> Result<Scratch, ApiError> {
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("authsel-serve-{}-{n}", std::process::id()));
    std::fs::create_dir(&dir)
        .map_err(|e| ApiError::Unavailable(format!("cannot make a working directory: {e}")))?;
    Ok(Scratch(dir))
}

/// Checks the uploaded files; the report's file names are the uploaded ones (made safe).
pub fn check(
    rules: &RuleBase,
    ledger: Option<&Ledger>,
    req: &BatchRequest,
) -> Result<Report, ApiError> {
    if req.files.is_empty() {
        return Err(ApiError::bad("no files: choose one or more proposal files"));
    }
    if req.files.len() > MAX_BATCH_FILES {
        return Err(ApiError::bad(format!(
            "{} files: at most {MAX_BATCH_FILES} in one upload",
            req.files.len()
        )));
    }
    let dir = scratch()?;
    let write_err =
        |e: std::io::Error| ApiError::Unavailable(format!("cannot write an uploaded file: {e}"));
    for f in &req.files {
        let mut rel = safe_name(&f.name)?;
        if rel.extension().is_none_or(|e| e != "ron") {
            rel.set_extension("ron");
        }
        let path = dir.0.join(&rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(write_err)?;
        }
        std::fs::write(&path, &f.text).map_err(write_err)?;
    }
    let batch = Batch {
        rules,
        ledger,
        jobs: Some(2),
        as_of: None,
        plan: false,
    };
    let (mut report, _) = batch
        .check(std::slice::from_ref(&dir.0))
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    relabel(&mut report, &dir.0);
    Ok(report)
}

/// The report's file names without the temporary directory.
fn relabel(r: &mut Report, dir: &Path) {
    let prefix = format!("{}/", dir.display());
    let strip = |s: &mut String| {
        if let Some(rest) = s.strip_prefix(&prefix) {
            *s = rest.to_string();
        }
    };
    for d in &mut r.errors {
        strip(&mut d.file);
    }
    for row in &mut r.rows {
        strip(&mut row.file);
    }
    for c in &mut r.ceilings {
        if let Some(x) = &mut c.crossed_by {
            strip(&mut x.file);
        }
    }
}

/// The report as HTML: counts, input errors with their positions (as the CLI prints them),
/// proposals, ceilings (a chart and a table).
pub fn report_html(r: &Report) -> String {
    let s = &r.summary;
    let mut b = String::with_capacity(8 * 1024 + r.rows.len() * 200);
    let _ = write!(
        b,
        "<h2>Report</h2><dl class=\"counts\"><dt>files</dt><dd id=\"n-files\">{}</dd><dt>proposals evaluated</dt><dd id=\"n-proposals\">{}</dd>\
         <dt>eligible</dt><dd>{}</dd><dt>conditional</dt><dd>{}</dd><dt>no authority</dt><dd>{}</dd>\
         <dt>invalid files</dt><dd id=\"n-invalid\">{}</dd><dt>errors</dt><dd>{}</dd><dt>ceilings over</dt><dd>{}</dd></dl>",
        s.files, s.proposals, s.eligible, s.conditional, s.no_authority, s.invalid_files, s.errors, s.ceilings_over
    );
    if !r.errors.is_empty() {
        b.push_str("<h3>Invalid files</h3><ul id=\"batch-errors\">");
        for d in &r.errors {
            let _ = write!(
                b,
                "<li><strong>{}:{}:{}</strong> {} <pre>{}</pre></li>",
                escape(&d.file),
                d.line,
                d.column,
                escape(&d.message),
                escape(&d.to_string())
            );
        }
        b.push_str("</ul>");
    }
    if !r.ceilings.is_empty() {
        let _ = write!(
            b,
            "<h3>Fiscal-year ceilings</h3><div class=\"scroll\">{}</div>",
            super::svg::ceilings(&r.ceilings)
        );
        b.push_str("<table><thead><tr><th scope=\"col\">authority</th><th scope=\"col\">FY</th><th scope=\"col\">ceiling</th><th scope=\"col\">limit</th><th scope=\"col\">status</th></tr></thead><tbody>");
        for c in &r.ceilings {
            let _ = write!(
                b,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&c.authority),
                c.fiscal_year,
                escape(&c.ceiling),
                crate::model::Usd(c.limit_usd),
                escape(&crate::render::ceiling_status(c))
            );
        }
        b.push_str("</tbody></table>");
    }
    b.push_str("<h3>Proposals</h3><table id=\"batch-rows\"><thead><tr><th scope=\"col\">file</th><th scope=\"col\">proposal</th><th scope=\"col\">recommended</th><th scope=\"col\">verdict</th><th scope=\"col\">why none</th></tr></thead><tbody>");
    for row in &r.rows {
        let _ = write!(
            b,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&row.file),
            escape(&row.proposal),
            escape(row.recommended.as_deref().unwrap_or("-")),
            escape(&row.verdict),
            escape(row.why_none.as_deref().unwrap_or(""))
        );
    }
    b.push_str("</tbody></table>");
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_stay_inside() {
        assert_eq!(safe_name("a/b.ron").unwrap(), PathBuf::from("a/b.ron"));
        assert_eq!(
            safe_name("/etc/passwd").unwrap(),
            PathBuf::from("etc/passwd")
        );
        assert_eq!(
            safe_name("a b<c>.ron").unwrap(),
            PathBuf::from("a_b_c_.ron")
        );
        assert!(safe_name("../x.ron").is_err());
        assert!(safe_name("a/./x.ron").is_err());
        assert!(safe_name("").is_err());
        assert!(safe_name("C:\\x\\..\\y").is_err());
    }

    #[test]
    fn a_corrupt_file_is_reported_with_its_line_and_the_rest_evaluated() {
        let rb = RuleBase::builtin();
        let good = include_str!("../../examples/01-ct-train-equip-333.ron");
        let req = BatchRequest {
            files: vec![
                Upload {
                    name: "set/a.ron".into(),
                    text: good.into(),
                },
                Upload {
                    name: "set/b.ron".into(),
                    text: "Proposal(\n  id: \"X\",\n  title: 3,\n)".into(),
                },
            ],
        };
        let r = check(&rb, None, &req).unwrap();
        assert_eq!(r.summary.proposals, 1);
        assert_eq!(r.summary.invalid_files, 1);
        assert_eq!(r.errors[0].file, "set/b.ron");
        assert!(r.errors[0].line > 1);
        let html = report_html(&r);
        assert!(html.contains("set/b.ron:"));
    }
}
