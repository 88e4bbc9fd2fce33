//! Maintainer commands through the binary: `lint`, `fmt`, `test --coverage`, `diff`.

use crate::common::{authsel, code};
use std::path::{Path, PathBuf};
use std::process::Output;

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A fresh copy of `rules/*.auth` in a temp dir, with one replacement applied to one file.
fn rules_copy(tag: &str, file: &str, from: &str, to: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authsel-maint-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for e in std::fs::read_dir(&src).expect("rules") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "auth") {
            let name = p.file_name().expect("name").to_string_lossy().into_owned();
            let mut text = std::fs::read_to_string(&p).expect("read");
            if name == file {
                assert!(text.contains(from), "{from} not in {file}");
                text = text.replacen(from, to, 1);
            }
            std::fs::write(dir.join(name), text).expect("write");
        }
    }
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The line and column of the first occurrence of `needle` in `file` of `dir`.
fn position(dir: &Path, file: &str, needle: &str) -> String {
    let text = std::fs::read_to_string(dir.join(file)).expect("read");
    let at = text.find(needle).expect("needle");
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    format!("{}:{line}:{col}", dir.join(file).display())
}

#[test]
fn builtin_rules_lint_without_errors() {
    let o = authsel(&["lint"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(
        out(&o).contains("info[I0320]"),
        "unconfirmed values are summarised"
    );
    let o = authsel(&["lint", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["summary"]["errors"], 0);
}

#[test]
fn lint_exits_1_with_code_and_position() {
    // An undefined purpose.
    let dir = rules_copy(
        "purpose",
        "title22-drawdowns.auth",
        "serves peacekeeping cite",
        "serves peacekeping cite",
    );
    let o = authsel(&["lint", "--rules", s(&dir)]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let at = position(&dir, "title22-drawdowns.auth", "peacekeping");
    assert!(
        out(&o).contains(&format!(
            "{at}: error[E0102]: unknown purpose `peacekeping`"
        )),
        "{}",
        out(&o)
    );

    // A missing citation.
    let dir = rules_copy(
        "citation",
        "title22-drawdowns.auth",
        "    citation \"FAA § 506(a)(3)\"\n",
        "",
    );
    let o = authsel(&["lint", "--rules", s(&dir)]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let at = position(&dir, "title22-drawdowns.auth", "faa-506a3 {");
    assert!(
        out(&o).contains(&format!(
            "{at}: error[E0103]: `faa-506a3` has no `citation`"
        )),
        "{}",
        out(&o)
    );

    // A contradictory condition.
    let dir = rules_copy(
        "contradiction",
        "title22-drawdowns.auth",
        "require taiwan: partner == \"Taiwan\"",
        "require taiwan: partner == \"Taiwan\" and amount_usd <= $5M and amount_usd > $10M",
    );
    let o = authsel(&["lint", "--rules", s(&dir)]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let at = position(&dir, "title22-drawdowns.auth", "partner == \"Taiwan\" and");
    assert!(
        out(&o).contains(&format!("{at}: error[E0301]")),
        "{}",
        out(&o)
    );
    assert!(out(&o).contains("`amount_usd <= $5M` contradicts `amount_usd > $10M`"));
}

#[test]
fn warnings_fail_only_when_denied() {
    let dir = rules_copy(
        "deny",
        "vocabulary.auth",
        "purpose military_capability",
        "fact never_read: bool \"nobody reads this\"\npurpose military_capability",
    );
    let o = authsel(&["lint", "--rules", s(&dir)]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("warning[W0312]: fact `never_read`"));
    let o = authsel(&["lint", "--rules", s(&dir), "--deny", "warnings"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
}

#[test]
fn fmt_writes_then_check_passes_and_catches_drift() {
    let dir = rules_copy("fmt", "title22-drawdowns.auth", "x", "x");
    let files: Vec<String> = ["title22-drawdowns.auth", "partners.auth", "vocabulary.auth"]
        .iter()
        .map(|f| dir.join(f).display().to_string())
        .collect();
    let mut args = vec!["fmt"];
    args.extend(files.iter().map(String::as_str));
    let o = authsel(&args);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let mut check = vec!["fmt", "--check"];
    check.extend(files.iter().map(String::as_str));
    let o = authsel(&check);
    assert_eq!(code(&o), 0, "{}", out(&o));
    // The formatted copy is still a valid rule base.
    let o = authsel(&["lint", "--rules", s(&dir)]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    // Drift: an extra space inside a rule is caught, with the file named.
    let p = dir.join("title22-drawdowns.auth");
    let text = std::fs::read_to_string(&p).expect("read");
    std::fs::write(
        &p,
        text.replacen("ceiling aggregate:", "ceiling  aggregate:", 1),
    )
    .expect("write");
    let o = authsel(&check);
    assert_eq!(code(&o), 1, "{}", out(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("title22-drawdowns.auth"));
    assert!(out(&o).contains("error[E0401]"));
    // A file that does not parse: exit 2, nothing written.
    std::fs::write(&p, "authority {").expect("write");
    let o = authsel(&["fmt", s(&p)]);
    assert_eq!(code(&o), 2, "{}", out(&o));
    assert_eq!(std::fs::read_to_string(&p).expect("read"), "authority {");
}

#[test]
fn test_coverage_reports_rules_and_threshold() {
    let o = authsel(&["test", "--coverage"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("coverage: "), "{text}");
    assert!(text.contains("faa-506a1 "), "{text}");
    let o = authsel(&["test", "--threshold", "100.1"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let o = authsel(&["test", "--threshold", "1"]);
    assert_eq!(code(&o), 0, "{}", out(&o));
}

/// Acceptance: with the 506(a)(1) ceiling at $50M, `diff` reports exactly the proposals between
/// $50M and $100M, and names that rule.
#[test]
fn diff_reports_exactly_the_proposals_between_the_old_and_new_ceiling() {
    let new = rules_copy(
        "diff",
        "title22-drawdowns.auth",
        "ceiling aggregate: $100M per fiscal_year",
        "ceiling aggregate: $50M per fiscal_year",
    );
    let corpus = new.join("corpus");
    std::fs::create_dir_all(corpus.join("nested")).expect("corpus");
    let base = include_str!("../../rules/cases/domain/08-drawdown-506a1-150m.ron");
    let amounts: [u64; 10] = [
        10_000_000,
        49_999_999,
        50_000_000,
        50_000_001,
        75_000_000,
        99_999_999,
        100_000_000,
        100_000_001,
        150_000_000,
        400_000_000,
    ];
    for (i, a) in amounts.iter().enumerate() {
        let text = base
            .replace("amount_usd: 150000000", &format!("amount_usd: {a}"))
            .replace("UKR-27-PDA-01", &format!("P-{a}"));
        let dir = if i % 2 == 0 {
            corpus.clone()
        } else {
            corpus.join("nested")
        };
        std::fs::write(dir.join(format!("p{i}.ron")), text).expect("write");
    }
    let o = authsel(&["diff", "rules", s(&new), s(&corpus), "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let flipped: Vec<&str> = v["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| c["proposal"].as_str().expect("id"))
        .collect();
    let mut flipped = flipped;
    flipped.sort_unstable();
    assert_eq!(
        flipped,
        ["P-100000000", "P-50000001", "P-75000000", "P-99999999"]
    );
    for c in v["changes"].as_array().expect("changes") {
        let cand = c["candidates"]
            .as_array()
            .expect("candidates")
            .iter()
            .find(|x| x["authority"] == "faa-506a1")
            .expect("faa-506a1 changed");
        assert_eq!(cand["old"], "eligible");
        assert_eq!(cand["new"], "ineligible");
        assert_eq!(cand["rules"][0]["rule"], "aggregate");
        assert!(cand["rules"][0]["definition"]["new"]
            .as_str()
            .expect("text")
            .contains("$50,000,000"));
    }
    assert_eq!(v["summary"]["proposals"], 10);
    // Human output names the rule and its change.
    let o = authsel(&["diff", "rules", s(&new), s(&corpus)]);
    let text = out(&o);
    assert!(text.contains("rule faa-506a1.aggregate changed"), "{text}");
    assert!(text.contains("rule aggregate: pass -> fail"), "{text}");
    assert!(text.contains("diff: 4 of 10 decisions change"), "{text}");
    // Identical rule bases: nothing changes, exit 0, also over generated proposals.
    let o = authsel(&[
        "diff",
        "rules",
        "rules",
        s(&corpus),
        "--generate",
        "50",
        "--seed",
        "9",
    ]);
    assert_eq!(code(&o), 0, "{}", out(&o));
    assert!(out(&o).contains("diff: 0 of 60 decisions change"));
}
