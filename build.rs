//! Compiles every `rules/*.auth` file into the binary, so adding a rule file needs no Rust change.

use std::fs;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=rules");
    let mut names: Vec<String> = fs::read_dir("rules")
        .map(|d| {
            d.filter_map(Result::ok)
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".auth"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    let mut out = String::from("pub(super) const FILES: &[(&str, &str)] = &[\n");
    for n in &names {
        println!("cargo:rerun-if-changed=rules/{n}");
        out.push_str(&format!(
            "    ({n:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/rules/{n}\"))),\n"
        ));
    }
    out.push_str("];\n");
    // Regression cases beside the rules (`rules/cases/**.ron`), for `authsel test` without paths.
    let mut cases = Vec::new();
    collect_cases(Path::new("rules/cases"), &mut cases);
    cases.sort();
    out.push_str("pub(super) const CASES: &[(&str, &str)] = &[\n");
    for c in &cases {
        println!("cargo:rerun-if-changed={c}");
        out.push_str(&format!(
            "    ({c:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{c}\"))),\n"
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()))
        .join("builtin_rules.rs");
    if let Err(e) = fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
    }
}

fn collect_cases(dir: &Path, out: &mut Vec<String>) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for e in entries.filter_map(Result::ok) {
        let path = e.path();
        if path.is_dir() {
            collect_cases(&path, out);
        } else if path.extension().is_some_and(|x| x == "ron") {
            if let Some(s) = path.to_str() {
                out.push(s.replace('\\', "/"));
            }
        }
    }
}
