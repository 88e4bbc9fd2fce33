//! A directory of mutated files for the batch (`authsel check`): the input is split on NUL bytes
//! into up to 8 pieces, written as `*.ron` files into a fresh temporary directory (every third one
//! in a subdirectory, so the walk recurses), and checked with `authsel::batch::Batch` as the CLI's
//! `check --format json` does (one worker), each decision explained and streamed as JSON; the report
//! is then rendered as human text, JUnit and Markdown. When the text before the first NUL reads as a
//! ledger, it is the batch's `--ledger` instead of a file, and up to 8 files follow.
//!
//! Invariants: no panic; every file written is accounted for exactly once, as a row or as error
//! diagnostics (`summary.files` = files written = rows + invalid files), nothing else is reported,
//! one decision is streamed per row, and each file's diagnostics are at a line and column inside it.
#![no_main]

use authsel::batch::Batch;
use authsel::render::{human, json, junit, markdown};
use authsel::RuleBase;
use libfuzzer_sys::fuzz_target;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

mod common;

const MAX_FILES: usize = 8;

fn rules() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(RuleBase::builtin)
}

/// A fresh directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> TempDir {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("authsel-fuzz-check-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("sub"))
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn name(p: &Path) -> String {
    p.display().to_string()
}

fuzz_target!(|data: &[u8]| {
    let rb = rules();
    // With a NUL in the input and a ledger before it, that ledger is the batch's `--ledger`.
    let (ledger, files) = match data.iter().position(|b| *b == 0) {
        Some(at) => match std::str::from_utf8(&data[..at])
            .ok()
            .and_then(|t| rb.read_ledger("fuzz-ledger.ron", t).ok())
        {
            Some(l) => (Some(l), &data[at + 1..]),
            None => (None, data),
        },
        None => (None, data),
    };
    // Up to 8 files: the last one keeps the rest of the input, NULs and all.
    let pieces: Vec<&[u8]> = files.splitn(MAX_FILES, |b| *b == 0).collect();

    let dir = TempDir::new();
    let mut written: Vec<(String, &[u8])> = Vec::new();
    for (i, bytes) in pieces.iter().enumerate() {
        let path = if i % 3 == 2 {
            dir.0.join("sub").join(format!("p{i}.ron"))
        } else {
            dir.0.join(format!("p{i}.ron"))
        };
        std::fs::write(&path, bytes)
            .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
        written.push((name(&path), bytes));
    }

    let batch = Batch {
        rules: rb,
        ledger: ledger.as_ref(),
        jobs: Some(1),
        as_of: None,
        plan: false,
        memory: None,
    };
    let mut stream = json::JsonStream::begin(Vec::new()).expect("writing to a Vec");
    let mut streamed = 0usize;
    let report = batch
        .run(
            std::slice::from_ref(&dir.0),
            |d| json::decision(&d.explain()),
            |j| {
                streamed += 1;
                stream.decision(&j).expect("writing to a Vec");
            },
            |_, _| {},
        )
        .unwrap_or_else(|e| panic!("the batch did not run: {e}"));
    let out = stream.finish(&report).expect("writing to a Vec");
    assert!(!out.is_empty());
    for all in [false, true] {
        let _ = human::check(&report, all);
        let _ = markdown::check(&report, all);
    }
    let _ = junit::check(&report);

    let n = written.len();
    let s = &report.summary;
    let counts = format!(
        "{n} file(s) written; summary.files {}, rows {}, invalid_files {}, errors {} ({:?}), rows' files {:?}",
        s.files,
        report.rows.len(),
        s.invalid_files,
        report.errors.len(),
        report
            .errors
            .iter()
            .map(|d| format!("{}:{}:{} {}", d.file, d.line, d.column, d.code))
            .collect::<Vec<_>>(),
        report.rows.iter().map(|r| r.file.as_str()).collect::<Vec<_>>(),
    );
    assert_eq!(s.files, n, "files found is not files written: {counts}");
    assert_eq!(
        report.rows.len() + s.invalid_files,
        n,
        "rows + invalid files is not files written: {counts}"
    );
    assert_eq!(
        s.proposals,
        report.rows.len(),
        "summary.proposals: {counts}"
    );
    assert_eq!(
        streamed,
        report.rows.len(),
        "decisions streamed is not rows: {counts}"
    );
    for (file, bytes) in &written {
        let rows = report.rows.iter().filter(|r| &r.file == file).count();
        let errors: Vec<_> = report.errors.iter().filter(|d| &d.file == file).collect();
        assert!(
            rows + usize::from(!errors.is_empty()) == 1,
            "{file} is accounted for {rows} time(s) as a row and {} time(s) as errors: {counts}",
            errors.len()
        );
        if errors.is_empty() {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        let lines = common::lines(&text);
        for d in errors {
            assert!(
                common::inside(&lines, d.line, d.column),
                "diagnostic {} of {file} at {}:{} is outside its text ({}): {d}",
                d.code,
                d.line,
                d.column,
                common::describe(&lines, d.line),
            );
        }
    }
    let known = |f: &str| written.iter().any(|(w, _)| w == f);
    for r in &report.rows {
        assert!(
            known(&r.file),
            "a row for a file not written: {}: {counts}",
            r.file
        );
    }
    for d in &report.errors {
        assert!(
            known(&d.file),
            "an error for a file not written: {d}: {counts}"
        );
    }
});
