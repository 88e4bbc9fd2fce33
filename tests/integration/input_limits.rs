//! Issue 12, "nothing misleads silently": every malformed, misspelled, repeated, out-of-range or
//! hostile input is an error with its position (exit 2), never a quiet change of the answer, a
//! hang or unbounded output. These tests drive the binary, so they read as the planner sees it.

use crate::common::{authsel, code, stderr};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A fresh directory for one test.
fn dir(test: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("authsel-limits-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("tmp dir");
    d
}

fn write(dir: &std::path::Path, name: &str, text: impl AsRef<[u8]>) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p.display().to_string()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Runs the binary with a deadline: a run that hangs is killed and reported, not waited for.
fn authsel_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_authsel"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run authsel");
    let start = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return Some(child.wait_with_output().expect("output"));
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// FMS of major defense equipment to Japan: eligible (NATO+5).
const FMS: &str = r#"Proposal(
    id: "L-1",
    title: "FMS of MDE",
    partner: "Japan",
    recipient: NationalMilitary,
    purposes: ["self_defense"],
    activities: ["equipment"],
    amount_usd: 120000000,
    start: "2027-06-01",
    funding: PartnerNational,
    major_defense_equipment_usd: 90000000,
)
"#;

/// A counternarcotics drawdown under FAA § 506(a)(2) (docs/proposal.md, § 11).
const DRAWDOWN: &str = r#"Proposal(
    id: "COL-27-DD-01",
    title: "Counternarcotics drawdown for the Colombian National Police",
    partner: "Colombia",
    recipient: OtherSecurityForces,
    purposes: ["counternarcotics"],
    activities: ["equipment"],
    amount_usd: 10000000,
    start: "2027-03-01",
    funding: UsgStocks,
    leahy: Passed,
    facts: {"from_dod_inventory": false},
)
"#;

fn verdict_of(o: &Output, authority: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(stdout(o).trim()).expect("one JSON line");
    v["candidates"]
        .as_array()
        .and_then(|cs| cs.iter().find(|c| c["authority"] == authority))
        .map(|c| c["verdict"].as_str().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Defect 1: "Phillipines" made an eligible FMS case conditional without a word.
#[test]
fn a_partner_not_in_the_registry_is_an_error_unless_the_proposal_says_so() {
    let d = dir("partner");
    let typo = write(&d, "typo.ron", FMS.replace("Japan", "Phillipines"));
    let o = authsel(&["eval", &typo]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains(
            "typo.ron:4:14: error[E0207]: partner `Phillipines` is not in the partner registry"
        ),
        "{e}"
    );
    assert!(e.contains("did you mean `Philippines`?"), "{e}");
    assert!(e.contains("partner_outside_registry: true"), "{e}");
    // Case and surrounding spaces are ignored, aliases are names: no error.
    for name in ["  japan ", "Turkey", "ROK"] {
        let p = write(&d, "alias.ron", FMS.replace("Japan", name));
        let o = authsel(&["eval", &p]);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
    }
    // Said explicitly: accepted, and the partner's memberships are unknown (conditional).
    let outside = FMS.replace(
        "partner: \"Japan\",",
        "partner: \"Freedonia\",\n    partner_outside_registry: true,",
    );
    let p = write(&d, "outside.ron", &outside);
    let o = authsel(&["eval", "--format", "json", &p]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(verdict_of(&o, "fms"), "conditional");
    // Said of a partner the registry knows: an error on the flag.
    let p = write(
        &d,
        "known.ron",
        FMS.replace(
            "partner: \"Japan\",",
            "partner: \"Japan\", partner_outside_registry: true,",
        ),
    );
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(e.contains("known.ron:4:49: error[E0208]"), "{e}");
}

/// Defect 2: a misspelled ledger `ceiling` silently dropped the committed amount.
#[test]
fn a_ledger_ceiling_must_be_a_ceiling_of_its_authority() {
    let d = dir("ceiling");
    let p = write(&d, "col.ron", DRAWDOWN);
    let ledger = |ceiling: &str| {
        format!(
            "Ledger(entries: [\n    (authority: \"faa-506a2\", fiscal_year: 2027, amount_usd: 70000000,\n     ceiling: \"{ceiling}\"),\n])\n"
        )
    };
    let good = write(&d, "good.ron", ledger("counternarcotics"));
    let o = authsel(&["eval", "--format", "json", "--ledger", &good, &p]);
    assert_eq!(verdict_of(&o, "faa-506a2"), "ineligible", "{}", stderr(&o));
    let typo = write(&d, "typo.ron", ledger("counter_narcotics"));
    let o = authsel(&["eval", "--ledger", &typo, &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains(
            "typo.ron:3:15: error[E0209]: `counter_narcotics` is not a ceiling of `faa-506a2`"
        ),
        "{e}"
    );
    assert!(e.contains("did you mean `counternarcotics`?"), "{e}");
    let none = write(
        &d,
        "fms.ron",
        "Ledger(entries: [(authority: \"fms\", fiscal_year: 2027, amount_usd: 1, ceiling: \"aggregate\")])",
    );
    let e = stderr(&authsel(&["eval", "--ledger", &none, &p]));
    assert!(
        e.contains("error[E0209]: `fms` has no per-fiscal-year ceiling"),
        "{e}"
    );
}

/// Defect 3: two ledgers that change the decision gave byte-identical records.
#[test]
fn the_decision_record_digests_the_ledger() {
    let d = dir("record");
    let p = write(&d, "col.ron", DRAWDOWN);
    let ledger = |amount: u64| {
        format!("Ledger(entries: [(authority: \"faa-506a2\", fiscal_year: 2027, amount_usd: {amount}, ceiling: \"counternarcotics\")])")
    };
    let record = |args: &[&str]| {
        let o = authsel(args);
        let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("json");
        v["record"].clone()
    };
    let small = write(&d, "small.ron", ledger(1));
    let large = write(&d, "large.ron", ledger(70_000_000));
    let a = record(&["eval", "--format", "json", "--ledger", &small, &p]);
    let b = record(&["eval", "--format", "json", "--ledger", &large, &p]);
    let none = record(&["eval", "--format", "json", &p]);
    assert_ne!(a, b, "different ledgers, different records");
    assert_ne!(a["digest"], b["digest"]);
    assert_ne!(a["ledger_digest"], b["ledger_digest"]);
    assert_eq!(
        a["input_digest"], b["input_digest"],
        "the proposal is the same"
    );
    assert_eq!(none["ledger_digest"], serde_json::Value::Null);
    assert_eq!(a["digest"].as_str().map_or(0, str::len), 64);
    assert_eq!(
        a,
        record(&["eval", "--format", "json", "--ledger", &small, &p])
    );
    // The law date is in the digest too.
    let later = record(&[
        "eval",
        "--format",
        "json",
        "--as-of",
        "2027-04-01",
        "--ledger",
        &small,
        &p,
    ]);
    assert_ne!(a["digest"], later["digest"]);
}

/// Defect 4: a repeated key in `facts` was accepted, the last one winning.
#[test]
fn a_repeated_fact_is_an_error_at_its_second_occurrence() {
    let d = dir("facts");
    let p = write(
        &d,
        "dup.ron",
        DRAWDOWN.replace(
            "facts: {\"from_dod_inventory\": false}",
            "facts: {\"from_dod_inventory\": false, \"from_dod_inventory\": true}",
        ),
    );
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains("dup.ron:12:42: error[E0210]: fact `from_dod_inventory` is given twice"),
        "{e}"
    );
}

/// Defect 5: a duration past the calendar turned a failing rule into "unknown"; every number and
/// date is bounded, and a value outside is an error.
#[test]
fn values_outside_the_limits_are_errors_with_positions() {
    let d = dir("bounds");
    let cases = [
        (
            "duration_months: 24",
            "duration_months: 99999999",
            "E0211",
            "more than 1200 months",
        ),
        (
            "amount_usd: 30000000",
            "amount_usd: 10000000000001",
            "E0211",
            "$10 trillion",
        ),
        (
            "start: \"2027-03-01\"",
            "start: \"1900-03-01\"",
            "E0211",
            "outside the dates",
        ),
        (
            "start: \"2027-03-01\"",
            "start: \"2201-03-01\"",
            "E0211",
            "outside the dates",
        ),
        (
            "start: \"2027-03-01\"",
            "start: \"9999-12-31\"",
            "E0211",
            "outside the dates",
        ),
    ];
    let base = include_str!("../../examples/01-ct-train-equip-333.ron");
    for (from, to, want, needle) in cases {
        let text = base.replace(from, to);
        // The error points at the value: its line, and the column after `field: `.
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| {
                l.find(to)
                    .map(|c| (i + 1, c + to.find(": ").unwrap_or(0) + 3))
            })
            .expect("changed line");
        let p = write(&d, "p.ron", &text);
        let o = authsel(&["eval", &p]);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{to}: {e}");
        assert!(
            e.contains(&format!("p.ron:{line}:{column}: error[{want}]")),
            "{to}: {e}"
        );
        assert!(e.contains(needle), "{to}: {e}");
    }
    // The bounds themselves are allowed.
    let edge = base
        .replace("duration_months: 24", "duration_months: 1200")
        .replace("amount_usd: 30000000", "amount_usd: 10000000000000");
    let p = write(&d, "edge.ron", edge);
    let o = authsel(&["eval", &p]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    // A ledger year outside the range.
    let l = write(
        &d,
        "l.ron",
        "Ledger(entries: [(authority: \"faa-506a1\", fiscal_year: 27, amount_usd: 1)])",
    );
    let e = stderr(&authsel(&["eval", "--ledger", &l, &p]));
    assert!(
        e.contains("l.ron:1:56: error[E0211]: `fiscal_year` 27"),
        "{e}"
    );
}

/// Defect 6: a proposal costing $0 passed every ceiling; a duration of 0 months ended the day it
/// started.
#[test]
fn zero_amount_and_zero_duration_are_errors() {
    let d = dir("zero");
    let base = include_str!("../../examples/01-ct-train-equip-333.ron");
    for (from, to, needle) in [
        ("amount_usd: 30000000", "amount_usd: 0", "`amount_usd` is 0"),
        (
            "duration_months: 24",
            "duration_months: 0",
            "`duration_months` is 0",
        ),
    ] {
        let p = write(&d, "z.ron", base.replace(from, to));
        let o = authsel(&["eval", &p]);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{e}");
        assert!(e.contains("error[E0212]") && e.contains(needle), "{e}");
    }
}

/// Defect 7: each error copied its whole source line and rescanned the file: ten thousand
/// unknown ids on one line took about a gigabyte. Now: the first 100, then a count, and a long
/// line quoted as a window.
#[test]
fn diagnostics_are_capped_and_do_not_echo_whole_lines() {
    let d = dir("cap");
    let ids: Vec<String> = (0..10_000)
        .map(|i| format!("\"no_such_purpose_{i}\""))
        .collect();
    let one_line = FMS.replace("[\"self_defense\"]", &format!("[{}]", ids.join(", ")));
    let p = write(&d, "one-line.ron", &one_line);
    let o = authsel_within(&["eval", &p], Duration::from_secs(60)).expect("finishes");
    let e = stderr(&o);
    assert_eq!(code(&o), 2);
    assert_eq!(e.matches("error[E0202]").count(), 100, "{}", e.len());
    assert!(
        e.contains("error[E0216]: 9900 more error(s) in this file not shown"),
        "{}",
        e.len()
    );
    assert!(e.len() < 100_000, "{} bytes of diagnostics", e.len());
    let per_line = FMS.replace("[\"self_defense\"]", &format!("[\n{}\n]", ids.join(",\n")));
    let p = write(&d, "per-line.ron", &per_line);
    let o = authsel_within(&["eval", &p], Duration::from_secs(60)).expect("finishes");
    let e = stderr(&o);
    assert!(
        e.contains("per-line.ron:7:1: error[E0202]: unknown purpose `no_such_purpose_0`"),
        "{}",
        e.get(..500).unwrap_or(&e)
    );
    assert!(
        e.contains("per-line.ron:107:1: error[E0216]"),
        "{}",
        e.len()
    );
    // A three-megabyte unknown name is quoted cut, and its line as a window.
    let long = FMS.replace(
        "\"self_defense\"",
        &format!("\"{}\"", "x".repeat(3_000_000)),
    );
    let p = write(&d, "long.ron", &long);
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2);
    assert!(
        e.contains("error[E0202]: unknown purpose `xxx"),
        "{}",
        e.len()
    );
    assert!(e.len() < 2_000, "{} bytes of diagnostics", e.len());
    // So is a three-megabyte unknown field name (from the RON parser).
    let field = FMS.replace("title:", &format!("{}: 1, title:", "y".repeat(3_000_000)));
    let p = write(&d, "field.ron", &field);
    let e = stderr(&authsel(&["eval", &p]));
    assert!(
        e.contains("error[E0201]: unknown field `yyy"),
        "{}",
        e.len()
    );
    assert!(e.len() < 2_000, "{} bytes of diagnostics", e.len());
}

/// Defect 8: a diagnostic echoed control characters from the file to the terminal.
#[test]
fn control_characters_from_the_input_are_escaped() {
    let d = dir("escape");
    let hostile = FMS.replace("\"self_defense\"", "\"x\u{1b}[2J\u{1b}]0;owned\u{7}\"");
    let p = write(&d, "esc.ron", &hostile);
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(!e.contains('\u{1b}') && !e.contains('\u{7}'), "{e:?}");
    assert!(
        e.contains("unknown purpose `x\\u{1b}[2J\\u{1b}]0;owned\\u{7}`"),
        "{e}"
    );
    // The caret stays under the value, past the escapes.
    let lines: Vec<&str> = e.lines().collect();
    let src = lines
        .iter()
        .position(|l| l.contains("purposes:"))
        .expect("source line");
    let value = lines[src].find("\"x").expect("value");
    let caret = lines[src + 1].find('^').expect("caret");
    assert_eq!(value, caret, "{e}");
    let width = lines[src + 1].matches('^').count();
    assert_eq!(width, "\"x\\u{1b}[2J\\u{1b}]0;owned\\u{7}\"".len(), "{e}");
    // In a title, which reports echo, a control character is an error.
    let p = write(&d, "title.ron", FMS.replace("FMS of MDE", "FMS\u{1b}[31m"));
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains("error[E0217]: `title` contains the control character U+001B"),
        "{e}"
    );
    assert!(!e.contains('\u{1b}'), "{e:?}");
}

/// Defect 9: a byte-order mark or old Mac line endings gave "Expected `(`"; a time of day was
/// dropped; a repeated purpose or activity was accepted.
#[test]
fn bom_line_endings_times_of_day_and_repeated_ids() {
    let d = dir("text");
    let plain = authsel(&["eval", "--format", "json", &write(&d, "lf.ron", FMS)]);
    assert_eq!(code(&plain), 0, "{}", stderr(&plain));
    for (name, text) in [
        ("bom.ron", format!("\u{feff}{FMS}")),
        ("cr.ron", format!("// old Mac\n{FMS}").replace('\n', "\r")),
        (
            "crlf.ron",
            format!("\u{feff}// Windows\n{FMS}").replace('\n', "\r\n"),
        ),
    ] {
        let o = authsel(&["eval", "--format", "json", &write(&d, name, &text)]);
        assert_eq!(code(&o), 0, "{name}: {}", stderr(&o));
        assert_eq!(verdict_of(&o, "fms"), verdict_of(&plain, "fms"), "{name}");
    }
    // Positions count lines the way an editor shows them, whatever the line ending.
    let typo = FMS.replace("self_defense", "self_defence");
    for (name, text) in [
        ("typo-cr.ron", typo.replace('\n', "\r")),
        (
            "typo-crlf.ron",
            format!("\u{feff}{}", typo.replace('\n', "\r\n")),
        ),
    ] {
        let e = stderr(&authsel(&["eval", &write(&d, name, &text)]));
        assert!(
            e.contains(&format!(
                "{name}:6:16: error[E0202]: unknown purpose `self_defence`"
            )),
            "{e}"
        );
        assert!(
            e.contains("6 |     purposes: [\"self_defence\"],\n"),
            "{e:?}"
        );
    }
    let p = write(
        &d,
        "time.ron",
        FMS.replace("\"2027-06-01\"", "\"2027-06-01T00:00\""),
    );
    let o = authsel(&["eval", &p]);
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains("time.ron:9:12: error[E0213]") && e.contains("YYYY-MM-DD"),
        "{e}"
    );
    for (from, to, needle) in [
        (
            "[\"self_defense\"]",
            "[\"self_defense\", \"self_defense\"]",
            "purpose `self_defense` is listed twice",
        ),
        (
            "[\"equipment\"]",
            "[\"equipment\", \"training\", \"equipment\"]",
            "activity `equipment` is listed twice",
        ),
    ] {
        let p = write(&d, "rep.ron", FMS.replace(from, to));
        let o = authsel(&["eval", &p]);
        let e = stderr(&o);
        assert_eq!(code(&o), 2, "{e}");
        assert!(e.contains("error[E0210]") && e.contains(needle), "{e}");
    }
}

/// Defect 10: a FIFO hung and `/dev/zero` ate memory.
#[test]
fn fifos_devices_and_huge_files_are_refused_at_once() {
    let d = dir("files");
    let limit = Duration::from_secs(20);
    #[cfg(unix)]
    {
        let fifo = d.join("fifo.ron");
        let made = Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            let f = fifo.display().to_string();
            for args in [
                vec!["eval", f.as_str()],
                vec!["eval", "--ledger", f.as_str(), "examples"],
                vec!["check", f.as_str()],
            ] {
                let o = authsel_within(&args, limit).expect("a FIFO does not block");
                // `check` reports its errors in its report, on stdout.
                let e = format!("{}{}", stderr(&o), stdout(&o));
                assert_eq!(code(&o), 2, "{args:?}: {e}");
                assert!(
                    e.contains(
                        "error[E0215]: cannot read: a named pipe (FIFO), not a regular file"
                    ),
                    "{e}"
                );
            }
        }
        if std::path::Path::new("/dev/zero").exists() {
            for args in [
                vec!["eval", "/dev/zero"],
                vec!["eval", "--ledger", "/dev/zero", "examples"],
            ] {
                let o = authsel_within(&args, limit).expect("/dev/zero ends at once");
                let e = stderr(&o);
                assert_eq!(code(&o), 2, "{e}");
                assert!(
                    e.contains("/dev/zero:1:1: error[E0215]: cannot read: a device"),
                    "{e}"
                );
            }
        }
        // A symbolic link to a regular file is fine.
        let target = write(&d, "target.ron", FMS);
        let link = d.join("link.ron");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        let o = authsel(&["eval", link.to_str().unwrap_or("")]);
        assert_eq!(code(&o), 0, "{}", stderr(&o));
    }
    let mut huge = FMS.to_string();
    huge.push_str(&"// padding\n".repeat(5 * 1024 * 1024 / 11));
    let p = write(&d, "huge.ron", &huge);
    let o = authsel_within(&["eval", &p], limit).expect("finishes");
    let e = stderr(&o);
    assert_eq!(code(&o), 2, "{e}");
    assert!(
        e.contains(&format!(
            "error[E0214]: cannot read: the file is {} bytes",
            thousands(huge.len())
        )),
        "{e}"
    );
    assert!(e.contains("4,194,304 bytes (4 MiB)"), "{e}");
}

fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The inputs the fuzzers recorded (`fuzz/regressions/`): every diagnostic of a ledger or proposal
/// is at a line and column inside its text (a line ends at `\n`, `\r\n` or a lone `\r`; a column runs
/// to one past the line's last character). RON counted the `\r` of `\r\n` after a `//` comment as a
/// column; the position is now clamped into the line.
#[test]
fn fuzz_regressions_are_located_inside_their_text() {
    fn lines(text: &str) -> Vec<usize> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        text.replace("\r\n", "\n")
            .split(['\n', '\r'])
            .map(|l| l.chars().count())
            .collect()
    }
    let rb = authsel::RuleBase::builtin();
    let mut seen = 0;
    for kind in ["ledger", "check"] {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/regressions")
            .join(kind);
        for entry in std::fs::read_dir(&dir).expect("regressions") {
            let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
            for part in bytes.split(|b| *b == 0) {
                let text = String::from_utf8_lossy(part);
                let diags = match rb.read_ledger("r.ron", &text) {
                    Err(l) => match rb.read_proposal("r.ron", &text) {
                        Err(p) => [l, p].concat(),
                        Ok(_) => l,
                    },
                    Ok(_) => Vec::new(),
                };
                let ls = lines(&text);
                // The batch's diagnostics, and the library's own readers, whose errors carry RON's
                // position: each (line, column, what) must be inside the text.
                let raw = [
                    authsel::input::proposal::Ledger::from_ron(&text).err(),
                    authsel::input::proposal::Proposal::from_ron(&text).err(),
                ];
                let at = raw
                    .into_iter()
                    .flatten()
                    .map(|e| (e.line, e.column, format!("from_ron {}", e.code)))
                    .chain(diags.iter().map(|d| (d.line, d.column, d.to_string())));
                for (line, column, what) in at {
                    seen += 1;
                    let len = ls.get(line.saturating_sub(1)).copied();
                    assert!(
                        len.is_some_and(|n| column >= 1 && column <= n + 1),
                        "{kind}: {line}:{column} outside the text (lines {ls:?}): {what}"
                    );
                }
            }
        }
    }
    assert!(seen > 0);
}
