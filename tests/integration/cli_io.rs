//! The binary's input and output edges (issue 12, docs/limits.md): a failed write is an error, a
//! closed pipe keeps the exit code, `--report` never replaces an input and never leaves its
//! temporary file, counts and threads are bounded, control characters never reach a terminal raw,
//! and an invalid case file is invalid input.

use crate::common::{authsel, code, stderr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const GOOD: &str = include_str!("../../examples/01-ct-train-equip-333.ron");
/// A regression case whose proposal nothing fits (`authsel eval` exits 1).
const NONE_FITS: &str = "rules/cases/domain/04-helicopter-lease-7y.ron";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_authsel"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("authsel-cli-io-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("scratch dir");
    d
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap_or("")
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("read dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Runs the binary with stdout on `/dev/full` (every write fails with ENOSPC).
fn to_full_disk(args: &[&str]) -> Output {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full (Linux)");
    bin()
        .args(args)
        .stdout(full)
        .stderr(Stdio::piped())
        .output()
        .expect("run authsel")
}

/// Runs the binary with its stdout a pipe whose reader is closed before anything is written:
/// every write gets EPIPE.
fn to_closed_pipe(args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run authsel");
    drop(child.stdout.take());
    child.wait_with_output().expect("wait for authsel")
}

#[test]
fn a_failed_write_to_stdout_is_reported_and_exits_2() {
    let dir = scratch("full");
    let unformatted = dir.join("unformatted.auth");
    let rule_file = std::fs::read_dir("rules")
        .expect("rules")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "auth"))
        .expect("a rule file");
    let text = std::fs::read_to_string(&rule_file).expect("rule file");
    std::fs::write(&unformatted, format!("\n\n\n{text}\n\n\n")).expect("write");
    let gen = dir.join("gen");
    let commands: Vec<Vec<&str>> = vec![
        vec!["eval", "examples/01-ct-train-equip-333.ron"],
        vec!["eval", "--format", "json", "examples"],
        vec!["eval", "--format", "markdown", "examples"],
        vec!["lint"],
        vec!["lint", "--format", "json"],
        vec!["test"],
        vec!["authorities"],
        vec!["authorities", "--format", "json"],
        vec!["show", "usc10-333"],
        vec!["show", "--format", "json", "usc10-333"],
        vec!["graph"],
        vec!["graph", "--format", "json"],
        vec!["docs"],
        vec!["diff", "rules", "rules", "examples"],
        vec!["fmt", "--check", s(&unformatted)],
        vec!["gen", "--count", "3", s(&gen)],
        vec!["check", "examples"],
        vec!["check", "--format", "json", "examples"],
        vec!["check", "--format", "junit", "examples"],
        vec!["--help"],
        vec!["--version"],
        vec!["eval", "--help"],
    ];
    for args in commands {
        let o = to_full_disk(&args);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {e}");
        assert!(
            e.contains("authsel: cannot write to standard output: No space left on device"),
            "{args:?}: {e}"
        );
        assert_eq!(e.matches("cannot write").count(), 1, "once: {args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
    }
}

#[test]
fn a_failed_write_to_stderr_never_panics() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full (Linux)")
    };
    for args in [
        vec!["eval", "no-such-file.ron"],
        vec!["show", "no-such-authority"],
        vec!["check", "no-such-dir"],
        vec!["eval", "--no-such-flag"],
    ] {
        let status = bin()
            .args(&args)
            .stdout(Stdio::null())
            .stderr(full())
            .status()
            .expect("run authsel");
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_closed_pipe_ends_output_quietly_and_keeps_the_exit_code() {
    let dir = scratch("pipe");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, GOOD.replace("amount_usd:", "amout_usd:")).expect("write");
    // Many files, so the output is larger than any pipe buffer, then one that nothing fits (exit
    // 1) or one that is invalid (exit 2): the last is evaluated after the pipe closed.
    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec!["eval", "rules/cases", "examples"], 1),
        (vec!["eval", "examples", "rules/cases/domain"], 1),
        (vec!["eval", "examples", NONE_FITS], 1),
        (vec!["eval", "--format", "json", "examples", NONE_FITS], 1),
        (
            vec!["eval", "--format", "markdown", "examples", NONE_FITS],
            1,
        ),
        (vec!["eval", "--full", "examples", s(&bad)], 2),
        (vec!["eval", "examples"], 0),
        (vec!["check", "examples", NONE_FITS], 1),
        (vec!["check", "--format", "json", "examples", NONE_FITS], 1),
        (vec!["check", "--format", "json", "rules/cases"], 1),
        (vec!["check", "--format", "junit", "examples", s(&bad)], 2),
        (vec!["check", "--format", "json", "examples"], 0),
        (vec!["test", "rules/cases"], 0),
        (vec!["docs"], 0),
    ];
    for (args, want) in cases {
        let o = to_closed_pipe(&args);
        let e = stderr(&o);
        assert_eq!(code(&o), want, "{args:?}: {e}");
        assert!(!e.contains("cannot write"), "quiet: {args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
    }
}

#[test]
fn report_refuses_to_replace_an_input_the_ledger_or_a_rule_file() {
    let dir = scratch("clash");
    let input = dir.join("a.ron");
    std::fs::write(&input, GOOD).expect("write");
    // Not `*.ron`, so it is no input of `check DIR`.
    let ledger = dir.join("ledger.txt");
    let ledger_text = "Ledger(entries: [])\n";
    std::fs::write(&ledger, ledger_text).expect("write");
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("rules dir");
    for e in std::fs::read_dir("rules").expect("rules").flatten() {
        if e.path().extension().is_some_and(|x| x == "auth") {
            std::fs::copy(e.path(), rules.join(e.file_name())).expect("copy");
        }
    }
    let rule_file = rules.join(files_in(&rules).into_iter().next().expect("a rule file"));
    let rule_text = std::fs::read_to_string(&rule_file).expect("rule file");
    let link = dir.join("link.txt");
    #[cfg(unix)]
    std::os::unix::fs::symlink(&input, &link).expect("link");
    let dotted = dir.join("sub/../a.ron");
    std::fs::create_dir_all(dir.join("sub")).expect("sub");
    let d = s(&dir);
    let attempts: Vec<(Vec<&str>, &str)> = vec![
        (vec!["--report", s(&input), d], "the input file"),
        (vec!["--report", s(&input), s(&input)], "the input file"),
        (vec!["--report", s(&dotted), d], "the input file"),
        (
            vec!["--format", "json", "--report", s(&link), s(&input)],
            "the input file",
        ),
        (
            vec!["--ledger", s(&ledger), "--report", s(&ledger), s(&input)],
            "the ledger",
        ),
        (
            vec!["--rules", s(&rules), "--report", s(&rule_file), s(&input)],
            "the rule file",
        ),
    ];
    let before = files_in(&dir);
    for (args, what) in attempts {
        if cfg!(not(unix)) && args.contains(&s(&link)) {
            continue;
        }
        let mut all = vec!["check"];
        all.extend(&args);
        let o = authsel(&all);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {e}");
        assert!(e.contains(&format!("is {what}")), "{args:?}: {e}");
        assert!(e.contains("the report would replace it"), "{args:?}: {e}");
        assert!(o.stdout.is_empty(), "{args:?}");
        assert_eq!(std::fs::read_to_string(&input).expect("input"), GOOD);
        assert_eq!(
            std::fs::read_to_string(&ledger).expect("ledger"),
            ledger_text
        );
        assert_eq!(
            std::fs::read_to_string(&rule_file).expect("rules"),
            rule_text
        );
        assert_eq!(files_in(&dir), before, "nothing written: {args:?}");
    }
    // Another file in the same directory is fine, and so is writing it again.
    let report = dir.join("report.md");
    for _ in 0..2 {
        let o = authsel(&[
            "check",
            "--format",
            "markdown",
            "--all",
            "--report",
            s(&report),
            d,
        ]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    assert!(std::fs::read_to_string(&report)
        .expect("report")
        .contains("LBN-27-CT-01"));
}

#[cfg(unix)]
#[test]
fn an_interrupted_report_leaves_no_temporary_file() {
    use std::os::unix::process::ExitStatusExt;
    for (signal, number) in [("TERM", 15), ("INT", 2), ("HUP", 1)] {
        let dir = scratch(&format!("signal-{signal}"));
        // A batch long enough that the run is still writing when the signal comes (a named pipe
        // would no longer block: input files are refused before they are opened unless regular).
        let inputs = dir.join("inputs");
        let made = bin()
            .args(["gen", "--count", "20000", "--seed", "3", s(&inputs)])
            .output()
            .expect("gen");
        assert!(made.status.success());
        let report = dir.join("report.txt");
        let mut child = bin()
            .args([
                "check",
                "--jobs",
                "1",
                "--format",
                "json",
                "--report",
                s(&report),
                s(&inputs),
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("run authsel");
        let tmp = format!(".report.txt.{}.tmp", child.id());
        // A watchdog, not a speed test: the temporary file must appear at all.
        let started = std::time::Instant::now();
        while !files_in(&dir).contains(&tmp) {
            assert!(
                started.elapsed().as_secs() < 60,
                "no temporary file: {:?}",
                files_in(&dir)
            );
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let killed = Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .expect("kill");
        assert!(killed.success());
        let status = child.wait().expect("wait");
        assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
        assert_eq!(files_in(&dir), ["inputs"], "{signal}");
    }
}

#[test]
fn a_report_that_cannot_be_put_in_place_leaves_no_temporary_file() {
    let dir = scratch("rename");
    // The report's path is a directory: the rename fails after the report was written.
    let report = dir.join("taken");
    std::fs::create_dir_all(report.join("inside")).expect("dir");
    let o = authsel(&["check", "--report", s(&report), "examples"]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write the report to"),
        "{}",
        stderr(&o)
    );
    assert_eq!(files_in(&dir), ["taken"]);
}

#[test]
fn jobs_and_counts_are_bounded_with_clear_errors() {
    let dir = scratch("bounds");
    let gen = dir.join("gen");
    let refused: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["check", "--jobs", "10000", "examples"],
            "10000 is not in 1..=256",
        ),
        (
            vec!["check", "--jobs", "257", "examples"],
            "257 is not in 1..=256",
        ),
        (
            vec!["check", "--jobs", "0", "examples"],
            "0 is not in 1..=256",
        ),
        (
            vec!["gen", "--count", "18446744073709551615", s(&gen)],
            "18446744073709551615 is not in 0..=1000000",
        ),
        (
            vec!["gen", "--count", "1000000000", s(&gen)],
            "1000000000 is not in 0..=1000000",
        ),
        (
            vec!["gen", "--count", "1000001", s(&gen)],
            "1000001 is not in 0..=1000000",
        ),
        (
            vec![
                "diff",
                "rules",
                "rules",
                "--generate",
                "18446744073709551615",
            ],
            "18446744073709551615 is not in 0..=100000",
        ),
    ];
    for (args, why) in refused {
        let o = authsel(&args);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{args:?}: {e}");
        assert!(e.contains(why), "{args:?}: {e}");
        assert!(!e.contains("panicked"), "{args:?}: {e}");
    }
    assert!(!gen.exists(), "nothing generated");
    let o = authsel(&["check", "--jobs", "256", "--format", "json", "examples"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}

/// A control character is any of Unicode category Cc but `\n` and `\t`.
fn raw_controls(text: &str) -> Vec<char> {
    text.chars()
        .filter(|c| c.is_control() && *c != '\n' && *c != '\t')
        .collect()
}

/// A proposal's own text may not carry control characters (E0217); what can still carry them into
/// the output is a file or directory name, and the diagnostics that quote a hostile line.
const NAME: &str = "dir\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}1";

#[test]
fn control_characters_in_user_text_are_escaped_in_every_output() {
    let dir = scratch("controls");
    // A valid proposal inside a directory whose name is hostile: every report names the file.
    let named = dir.join(NAME);
    std::fs::create_dir_all(&named).expect("dir");
    std::fs::write(named.join("ok.ron"), GOOD).expect("write");
    let both = s(&named);
    let escaped = "dir\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}1";
    for args in [
        vec!["eval", both],
        vec!["eval", "--format", "markdown", both],
        vec!["check", both],
        vec!["check", "--format", "markdown", both],
        vec!["check", "--format", "markdown", "--all", both],
        vec!["check", "--format", "junit", both],
        vec!["check", "--format", "jsonl", both],
        vec!["check", "--format", "jsonl", "--detail", "full", both],
        vec!["check", "--format", "json", both],
    ] {
        let o = authsel(&args);
        assert_eq!(code(&o), 0, "{args:?}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(raw_controls(&out), [] as [char; 0], "{args:?}");
        if args.contains(&"junit") {
            // XML cannot carry C0 controls at all: the report writes U+FFFD for them.
            roxmltree::Document::parse(&out).expect("well-formed XML");
        }
        if args.contains(&"json") {
            serde_json::from_str::<serde_json::Value>(&out).expect("valid JSON");
        }
        if args.contains(&"jsonl") {
            // JSON escapes decode to the very name.
            let files: Vec<String> = out
                .lines()
                .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("a JSON line"))
                .filter_map(|v| v["file"].as_str().map(String::from))
                .collect();
            assert!(files.iter().any(|f| f.contains(NAME)), "{out}");
        }
        if args[0] == "check" && args.contains(&"--all") {
            assert!(out.contains(escaped), "{args:?}: {out}");
        }
    }
    // The report file too.
    let report = dir.join("report.md");
    let o = authsel(&[
        "check",
        "--format",
        "markdown",
        "--report",
        s(&report),
        both,
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let md = std::fs::read_to_string(&report).expect("report");
    assert_eq!(raw_controls(&md), [] as [char; 0]);
    // Diagnostics: the hostile file name and the quoted hostile line, on stderr for `eval` and in
    // the report for `check`.
    let bad = dir.join("bad\u{1b}[2J.ron");
    let hostile = GOOD.replacen("title: \"", "title: \"\u{1b}]0;x\u{7} ", 1);
    std::fs::write(&bad, hostile).expect("write");
    for args in [vec!["eval", s(&bad)], vec!["check", s(&bad)]] {
        let o = authsel(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        let e = format!("{}{}", String::from_utf8_lossy(&o.stdout), stderr(&o));
        assert_eq!(raw_controls(&e), [] as [char; 0], "{args:?}: {e}");
        assert!(e.contains("bad\\u{1b}[2J.ron"), "{args:?}: {e}");
        assert!(e.contains("E0217"), "{args:?}: {e}");
    }
    // A usage error quoting an argument (clap drops escape sequences; the rest is escaped).
    for arg in ["\u{1b}]0;pwned\u{7}", "x\u{7}\u{9b}2J\ry"] {
        let o = authsel(&["eval", "--format", arg]);
        assert_eq!(code(&o), 2);
        let e = stderr(&o);
        assert!(e.contains("invalid value"), "{e}");
        assert_eq!(raw_controls(&e), [] as [char; 0], "{e}");
    }
}

#[test]
fn json_without_controls_in_strings_is_unchanged() {
    // Escaping the stream changes nothing in JSON whose strings hold no control characters: the
    // line is the library's, byte for byte.
    let dir = scratch("json");
    let p = dir.join("plain.ron");
    std::fs::write(&p, GOOD).expect("write");
    let o = authsel(&["eval", "--format", "json", s(&p)]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let rb = authsel::RuleBase::builtin();
    let proposal = rb.read_proposal(s(&p), GOOD).expect("valid");
    let line = authsel::render::json::decision(&rb.evaluate(&proposal).into_explanation());
    assert_eq!(out, format!("{line}\n"));
}

#[test]
fn an_invalid_case_file_is_invalid_input_not_a_failure() {
    let dir = scratch("cases");
    let passing = std::fs::read_to_string(NONE_FITS).expect("case");
    std::fs::write(dir.join("a-passes.ron"), &passing).expect("write");
    let cases = [
        (
            "b-bad-ron.ron",
            "//! expect recommended: none\nProposal(id: \"X\"\n".to_string(),
        ),
        ("c-bad-header.ron", format!("//! expect nonsense\n{GOOD}")),
        ("d-unknown-line.ron", format!("//! expected: none\n{GOOD}")),
        ("e-no-expect.ron", GOOD.to_string()),
    ];
    for (name, text) in &cases {
        let one = dir.join(format!("one-{name}"));
        std::fs::create_dir_all(&one).expect("dir");
        std::fs::write(one.join(name), text).expect("write");
        let o = authsel(&["test", s(&one)]);
        assert_eq!(code(&o), 2, "{name}: {}", stderr(&o));
        let out = String::from_utf8_lossy(&o.stdout);
        assert!(
            out.contains("cases: 0 passed, 0 failed, 1 invalid"),
            "{name}: {out}"
        );
        assert!(stderr(&o).contains(name), "{name}: {}", stderr(&o));
    }
    // A failed expectation is still a finding (exit 1); invalid input wins over it (exit 2).
    let failing = dir.join("failing");
    std::fs::create_dir_all(&failing).expect("dir");
    std::fs::write(
        failing.join("f.ron"),
        passing.replace("expect recommended: none", "expect recommended: usc10-333"),
    )
    .expect("write");
    let o = authsel(&["test", s(&failing)]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("cases: 0 passed, 1 failed\n"));
    for (name, text) in &cases {
        std::fs::write(failing.join(name), text).expect("write");
    }
    let o = authsel(&["test", s(&failing)]);
    assert_eq!(code(&o), 2, "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("cases: 0 passed, 1 failed, 4 invalid"));
}

#[test]
fn as_of_takes_a_date_alone_within_the_calendar() {
    for (arg, why) in [
        ("2027-03-01T00:00", "time of day"),
        ("1800-01-01", "outside the dates"),
        ("2027-3-1", "YYYY-MM-DD"),
    ] {
        let o = authsel(&["eval", "--as-of", arg, "examples/01-ct-train-equip-333.ron"]);
        assert_eq!(code(&o), 2, "{arg}");
        assert!(stderr(&o).contains(why), "{arg}: {}", stderr(&o));
    }
    let o = authsel(&[
        "eval",
        "--as-of",
        "2027-03-01",
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
}
