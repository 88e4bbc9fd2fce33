//! The folder invariants of docs/architecture.md, held by reading the imports of `src/`.

use std::path::Path;

/// Every `.rs` file under `src/DIR`, with its text before the first `#[cfg(test)]`, test-only
/// `tests.rs` files left out (tests may use anything).
fn sources(dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let folder = src.join(dir);
    // A layer is a folder (`src/engine/`) or one file (`src/rulebase.rs`).
    let start = if folder.is_dir() {
        folder
    } else {
        src.join(format!("{dir}.rs"))
    };
    let mut stack = vec![start];
    while let Some(p) = stack.pop() {
        if p.is_dir() {
            for e in std::fs::read_dir(&p).expect("read src") {
                stack.push(e.expect("entry").path());
            }
        } else if p.extension().is_some_and(|e| e == "rs") && !p.ends_with("tests.rs") {
            let text = std::fs::read_to_string(&p).expect("read source");
            let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
            out.push((p.display().to_string(), code));
        }
    }
    assert!(!out.is_empty(), "no sources under src/{dir}");
    out
}

/// Fails naming every file of `dir` that mentions one of `banned` (unless the line is `allowed`).
fn never(dir: &str, banned: &[&str], allowed: &[&str]) {
    let mut found = Vec::new();
    for (file, code) in sources(dir) {
        for (i, line) in code.lines().enumerate() {
            let l = line.trim_start();
            if l.starts_with("//") || allowed.iter().any(|a| l.contains(a)) {
                continue;
            }
            for b in banned {
                if l.contains(b) {
                    found.push(format!("{file}:{}: {b}: {l}", i + 1));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

const ABOVE_ENGINE: [&str; 5] = [
    "crate::render",
    "crate::batch",
    "crate::tools",
    "crate::cli",
    "crate::rulebase::load",
];

/// The library's folders, in pipeline order.
const LIBRARY: [&str; 11] = [
    "diagnostic",
    "lang",
    "model",
    "input",
    "engine",
    "explain",
    "render",
    "plan",
    "batch",
    "tools",
    "serve",
];

#[test]
fn only_the_binary_knows_clap_and_anyhow() {
    for dir in LIBRARY {
        never(dir, &["clap::", "anyhow", "std::process::exit"], &[]);
    }
}

#[test]
fn the_model_is_plain_data() {
    never(
        "model",
        &[
            "crate::engine",
            "crate::explain",
            "crate::render",
            "crate::input",
            "crate::batch",
            "crate::tools",
            "std::fs",
        ],
        &[],
    );
}

#[test]
fn the_engine_renders_nothing_and_reads_no_file() {
    let mut banned = ABOVE_ENGINE.to_vec();
    banned.extend(["crate::explain", "std::fs", "std::io", "format!("]);
    never("engine", &banned, &[]);
}

/// The layers in pipeline order, `rulebase.rs` (which joins those before it) included.
const PIPELINE: [&str; 12] = [
    "diagnostic",
    "model",
    "lang",
    "input",
    "engine",
    "explain",
    "rulebase",
    "plan",
    "batch",
    "tools",
    "render",
    "serve",
];

/// A layer imports only layers before it in the pipeline, so no two layers import each other.
/// Paths are written `crate::layer::...` (no grouped `crate::{...}`), so the check sees them all.
#[test]
fn imports_follow_the_pipeline_without_circles() {
    for (i, dir) in PIPELINE.iter().enumerate() {
        let later: Vec<String> = PIPELINE[i + 1..]
            .iter()
            .map(|d| format!("crate::{d}"))
            .collect();
        let mut banned: Vec<&str> = later.iter().map(String::as_str).collect();
        banned.push("crate::{");
        never(dir, &banned, &[]);
    }
}

#[test]
fn the_explanation_never_judges_again() {
    let mut banned = ABOVE_ENGINE.to_vec();
    banned.extend([
        "assess_all",
        "verdict_of",
        "verdict_after",
        "decide(",
        "std::fs",
    ]);
    never("explain", &banned, &[]);
}

#[test]
fn rendering_decides_nothing() {
    never(
        "render",
        &[
            "crate::engine::cure",
            "crate::engine::decision::decide",
            "assess(",
            "assess_all",
            "verdict_of",
            ".evaluate(",
            ".evaluate_with(",
            "crate::cli",
            "std::fs",
        ],
        &[],
    );
}

/// The workbench is an output surface like the CLI: it reads and judges proposals only through
/// `RuleBase` and `batch` (as `eval` and `check` do), never through the engine's passes.
#[test]
fn the_server_decides_nothing() {
    never(
        "serve",
        &[
            "crate::engine::cure",
            "crate::engine::decision::decide",
            "assess(",
            "assess_all",
            "verdict_of",
            "verdict_after",
            "crate::cli",
        ],
        &[],
    );
}

/// No function outside tests is longer than 80 lines (docs/architecture.md): a longer one is
/// several steps that deserve names.
#[test]
fn functions_fit_on_a_screen() {
    let mut long = Vec::new();
    for dir in LIBRARY.iter().chain(&["cli"]) {
        for (file, code) in sources(dir) {
            let lines: Vec<&str> = code.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let body = line.trim_start();
                let indent = line.len() - body.len();
                let is_fn = [
                    "fn ",
                    "pub fn ",
                    "pub(crate) fn ",
                    "const fn ",
                    "pub const fn ",
                ]
                .iter()
                .any(|p| body.starts_with(p));
                if !is_fn || body.ends_with(';') {
                    continue;
                }
                let close = format!("{}}}", " ".repeat(indent));
                let end = lines[i..]
                    .iter()
                    .position(|l| l.trim_end() == close)
                    .map_or(1, |n| n + 1);
                if end > 80 {
                    long.push(format!("{file}:{}: {end} lines: {body}", i + 1));
                }
            }
        }
    }
    assert!(long.is_empty(), "{}", long.join("\n"));
}
