//! The console examples of README.md and docs/*.md run as tests, so they never drift from the
//! binary: every `authsel ...` (or `cargo run --release -- ...`) command in a ```console block runs
//! and exits 0 or 1, and where the block shows its output after `$ authsel ...`, each shown line
//! (up to a `...` line) is what the binary prints.

use crate::common::{authsel, code, stderr};
use std::path::Path;

/// One documented command: where it is, its arguments, and the output lines shown under it.
struct Example {
    at: String,
    args: Vec<String>,
    shown: Vec<String>,
}

fn console_blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut cur: Option<Vec<&str>> = None;
    for line in text.lines() {
        match (&mut cur, line.trim_start()) {
            (None, l) if l.starts_with("```console") => cur = Some(Vec::new()),
            (Some(_), l) if l.starts_with("```") => blocks.extend(cur.take()),
            (Some(b), _) => b.push(line),
            _ => {}
        }
    }
    blocks
}

/// The arguments of a command line, or `None` for what a test cannot run here (pipes,
/// redirections, files the repository does not have, commands that write files or never exit).
fn arguments(line: &str) -> Option<Vec<String>> {
    let line = line.trim().trim_start_matches("$ ");
    let line = line.split("  #").next().unwrap_or(line).trim();
    let rest = line
        .strip_prefix("cargo run --release -- ")
        .or_else(|| line.strip_prefix("authsel "))?;
    // Synopses (`[--rules DIR]`) describe a command rather than run one.
    if rest.contains(['|', '>', '<', '*', '[', '{']) || rest.contains("/tmp") {
        return None;
    }
    let args: Vec<String> = rest.split_whitespace().map(String::from).collect();
    // Commands that write files, and `serve`, which runs until it is stopped.
    let writes = matches!(
        args.first().map(String::as_str),
        Some("new" | "gen" | "fmt" | "serve")
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let missing = args
        .iter()
        .filter(|a| !a.starts_with('-') && (a.ends_with(".ron") || a.contains('/')))
        .any(|a| !root.join(a).exists());
    (!writes && !missing).then_some(args)
}

fn examples() -> Vec<Example> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for e in std::fs::read_dir(root.join("docs")).expect("docs") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    files.sort();
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).expect("read doc");
        let name = f.strip_prefix(root).unwrap_or(&f).display().to_string();
        for block in console_blocks(&text) {
            for (i, line) in block.iter().enumerate() {
                let Some(args) = arguments(line) else {
                    continue;
                };
                let shown = if line.trim_start().starts_with("$ ") {
                    block[i + 1..]
                        .iter()
                        .take_while(|l| !l.trim_start().starts_with("$ ") && l.trim() != "...")
                        .map(|l| l.to_string())
                        .collect()
                } else {
                    Vec::new()
                };
                out.push(Example {
                    at: format!("{name}: {}", line.trim()),
                    args,
                    shown,
                });
            }
        }
    }
    out
}

#[test]
fn documented_commands_run_and_print_what_the_docs_show() {
    let all = examples();
    assert!(
        all.len() >= 10,
        "only {} documented commands found",
        all.len()
    );
    for ex in all {
        let args: Vec<&str> = ex.args.iter().map(String::as_str).collect();
        let o = authsel(&args);
        assert!(
            matches!(code(&o), 0 | 1),
            "{}: exit {}: {}",
            ex.at,
            code(&o),
            stderr(&o)
        );
        let stdout = String::from_utf8_lossy(&o.stdout);
        let printed: Vec<&str> = stdout.lines().collect();
        for (n, want) in ex.shown.iter().enumerate() {
            assert_eq!(
                printed.get(n).copied(),
                Some(want.as_str()),
                "{}: output line {}",
                ex.at,
                n + 1
            );
        }
    }
}
