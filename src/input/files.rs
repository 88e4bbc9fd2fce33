//! Finding and reading input files: directories are walked recursively for `*.ron`, in sorted order;
//! every problem (unreadable, not UTF-8, symlink loop, empty directory) is a diagnostic, never an abort.

use crate::diagnostic::Diagnostic;
use std::path::{Path, PathBuf};

/// Expands files and directories into a sorted, de-duplicated list of `*.ron` files.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::metadata(p) {
            Err(e) => diags.push(Diagnostic::whole_file(
                &name,
                "E0200",
                format!("cannot read: {e}"),
            )),
            Ok(m) if m.is_dir() => {
                let before = files.len();
                for entry in walkdir::WalkDir::new(p)
                    .follow_links(true)
                    .sort_by_file_name()
                {
                    match entry {
                        Ok(e)
                            if e.file_type().is_file()
                                && e.path().extension().is_some_and(|x| x == "ron") =>
                        {
                            files.push(e.into_path())
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let at = e.path().map_or(name.clone(), |q| q.display().to_string());
                            let why = if e.loop_ancestor().is_some() {
                                "symbolic link loop".to_string()
                            } else {
                                e.io_error()
                                    .map_or_else(|| e.to_string(), ToString::to_string)
                            };
                            diags.push(Diagnostic::whole_file(
                                &at,
                                "E0200",
                                format!("cannot read: {why}"),
                            ));
                        }
                    }
                }
                if files.len() == before {
                    diags.push(Diagnostic::whole_file(
                        &name,
                        "E0204",
                        "no `*.ron` proposal files in this directory",
                    ));
                }
            }
            Ok(_) => files.push(p.clone()),
        }
    }
    files.sort();
    files.dedup();
    (files, diags)
}

/// Reads a file as UTF-8 text, as a diagnostic on failure.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostic::whole_file(&name, "E0200", format!("cannot read: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let mut d = Diagnostic::at(
            &name,
            &text,
            crate::diagnostic::Span::new(at, at + 1),
            crate::diagnostic::Severity::Error,
            "E0205",
            "not UTF-8 text",
        );
        d.source_line.clear();
        d
    })
}
