//! A batch upload checked as `authsel check` checks a folder: the files (sent as JSON, or as the
//! `.ron` entries of a zip archive) are held in memory, `batch::Batch` runs over them
//! (`Batch::memory`), and the report is drawn as a page (counts, invalid files with positions,
//! proposals, the fiscal-year ceilings as a chart). Invariant: nothing is written to disk and an
//! uploaded name is only a label: each of its components is reduced to `[A-Za-z0-9._-]`, `.` and
//! `..` are refused; a zip is read under bounds (entries, size of each, size in all), and one
//! entry that cannot be read is an invalid file of the report, never hiding the others.

use super::html::escape;
use super::limits::{ApiError, MAX_BATCH_BODY, MAX_BATCH_FILES};
use crate::batch::{Batch, Memory, Report};
use crate::diagnostic::Diagnostic;
use crate::input::files::{read_stream, MAX_INPUT_BYTES};
use crate::input::proposal::Ledger;
use crate::model::RuleBase;
use serde::Deserialize;
use std::fmt::Write;
use std::path::{Path, PathBuf};

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

/// Puts a file under its label, made unique when two names reduce to the same one (`a~2.ron`).
fn insert(memory: &mut Memory, mut label: PathBuf, read: Result<String, Diagnostic>) {
    if label.extension().is_none_or(|e| e != "ron") {
        label.set_extension("ron");
    }
    let mut unique = label.clone();
    let mut n = 1;
    while memory.contains_key(&unique) {
        n += 1;
        let stem = label
            .file_stem()
            .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
        unique = label.with_file_name(format!("{stem}~{n}.ron"));
    }
    // A diagnostic names the file by its label.
    let read = read.map_err(|mut d| {
        d.file = unique.display().to_string();
        d
    });
    memory.insert(unique, read);
}

/// Checks the uploaded files, held in memory (nothing is written to disk); the report's file
/// names are the uploaded ones (made safe).
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
    let mut memory = Memory::new();
    for f in &req.files {
        insert(&mut memory, safe_name(&f.name)?, Ok(f.text.clone()));
    }
    run(rules, ledger, &memory)
}

/// Checks the `*.ron` entries of a zip archive, read in memory under the bounds of `limits`: at
/// most `MAX_BATCH_FILES` entries, `MAX_INPUT_BYTES` each and `MAX_BATCH_BODY` in all once
/// expanded. An entry that cannot be read (corrupt, encrypted, too large, not UTF-8, a name
/// with `..`) is an invalid file of the report, and the others are checked; an archive that is
/// not a zip is a 400, one that expands past the total a 413.
pub fn check_zip(
    rules: &RuleBase,
    ledger: Option<&Ledger>,
    bytes: &[u8],
) -> Result<Report, ApiError> {
    let memory = unzip(bytes)?;
    if memory.is_empty() {
        return Err(ApiError::bad(
            "the zip archive holds no `.ron` proposal files",
        ));
    }
    run(rules, ledger, &memory)
}

/// The `.ron` entries of a zip archive, each read or the reason it could not be.
pub fn unzip(bytes: &[u8]) -> Result<Memory, ApiError> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| ApiError::bad(format!("not a readable zip archive: {e}")))?;
    if archive.len() > MAX_BATCH_FILES {
        return Err(ApiError::bad(format!(
            "the zip archive has {} entries: at most {MAX_BATCH_FILES} in one upload",
            archive.len()
        )));
    }
    let mut memory = Memory::new();
    let mut total: u64 = 0;
    for i in 0..archive.len() {
        let fallback = PathBuf::from(format!("entry-{}.ron", i + 1));
        let mut entry = match archive.by_index(i) {
            Ok(e) => e,
            Err(e) => {
                let d = whole(
                    &fallback,
                    "E0200",
                    format!("cannot read this zip entry: {e}"),
                );
                insert(&mut memory, fallback, Err(d));
                continue;
            }
        };
        let name = String::from_utf8_lossy(entry.name_raw()).into_owned();
        if entry.is_dir() || !name.ends_with(".ron") || name.contains("__MACOSX") {
            continue;
        }
        let label = match safe_name(&name) {
            Ok(l) => l,
            Err(e) => {
                insert(
                    &mut memory,
                    fallback,
                    Err(whole(Path::new(&name), "E0200", e.to_string())),
                );
                continue;
            }
        };
        let size = entry.size();
        if size > MAX_INPUT_BYTES {
            let d = whole(&label, "E0214", format!(
                "cannot read: the zip entry expands to {size} bytes, more than the {MAX_INPUT_BYTES} bytes (4 MiB) an input may be"
            ));
            insert(&mut memory, label, Err(d));
            continue;
        }
        total = total.saturating_add(size);
        if total > MAX_BATCH_BODY as u64 {
            return Err(ApiError::TooLarge("50 MiB (the zip's entries, expanded)"));
        }
        let read = read_stream(&label.display().to_string(), &mut entry);
        insert(&mut memory, label, read);
    }
    Ok(memory)
}

fn whole(label: &Path, code: &'static str, message: String) -> Diagnostic {
    Diagnostic::whole_file(&label.display().to_string(), code, message)
}

fn run(rules: &RuleBase, ledger: Option<&Ledger>, memory: &Memory) -> Result<Report, ApiError> {
    let batch = Batch {
        rules,
        ledger,
        jobs: Some(2),
        as_of: None,
        plan: false,
        memory: Some(memory),
    };
    let (report, _) = batch
        .check(&[])
        .map_err(|e| ApiError::Unavailable(e.to_string()))?;
    Ok(report)
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
