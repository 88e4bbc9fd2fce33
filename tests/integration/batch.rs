//! `authsel check` and `authsel gen`: bad files never hide good ones, output independent of
//! threads, portfolio ceilings across a batch, and well-formed reports.

use crate::common::{authsel, code};
use authsel::batch::Batch;
use authsel::tools::gen::{self, GenOptions};
use authsel::RuleBase;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Output;

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        )
    })
}

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authsel-batch-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// A 506(a)(1) emergency drawdown for Ukraine that fits on its own.
fn drawdown(id: &str, start: &str, amount: u64) -> String {
    format!(
        r#"Proposal(
    id: "{id}",
    title: "Emergency drawdown of air-defense interceptors",
    partner: "Ukraine",
    recipient: NationalMilitary,
    purposes: ["self_defense"],
    activities: ["equipment"],
    amount_usd: {amount},
    start: "{start}",
    funding: UsgStocks,
    emergency: true,
    leahy: Passed,
)
"#
    )
}

#[test]
fn one_percent_malformed_reports_exactly_those_files_and_evaluates_the_rest() {
    let dir = scratch("corpus");
    let rules = RuleBase::builtin();
    let opts = GenOptions {
        count: 2000,
        seed: 2027,
        malformed: 0.01,
    };
    let made = gen::write(&rules, &opts, &dir).expect("gen");
    assert_eq!(made.malformed.len(), 20);
    let batch = Batch {
        rules: &rules,
        ledger: None,
        jobs: Some(2),
        as_of: None,
        plan: false,
        memory: None,
    };
    let mut sunk = 0;
    let report = batch
        .run(
            std::slice::from_ref(&dir),
            |_| (),
            |()| sunk += 1,
            |_, _| {},
        )
        .expect("batch runs");
    let expected: BTreeSet<String> = made
        .malformed
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    let reported: BTreeSet<String> = report.errors.iter().map(|d| d.file.clone()).collect();
    assert_eq!(reported, expected);
    for d in &report.errors {
        assert!(d.line >= 1 && d.column >= 1, "{d}");
        // A position inside the text: the caret's line is shown for every defect but a bad
        // byte, whose line cannot be printed as text.
        assert!(d.code == "E0205" || !d.source_line.is_empty(), "{d}");
    }
    assert_eq!(report.summary.files, 2000);
    assert_eq!(report.summary.proposals, 1980);
    assert_eq!(report.rows.len(), 1980);
    assert_eq!(sunk, 1980);
    assert_eq!(report.summary.invalid_files, 20);
    let s = &report.summary;
    assert_eq!(s.eligible + s.conditional + s.no_authority, s.proposals);
    // Realistic proposals: most fit an authority.
    assert!(s.eligible * 2 > s.proposals, "{s:?}");
    assert_eq!(report.exit_code(), 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn json_is_byte_identical_for_one_and_two_jobs() {
    let dir = scratch("jobs");
    let rules = RuleBase::builtin();
    let opts = GenOptions {
        count: 250,
        seed: 9,
        malformed: 0.04,
    };
    gen::write(&rules, &opts, &dir).expect("gen");
    let one = authsel(&["check", "--format", "json", "--jobs", "1", s(&dir)]);
    let two = authsel(&["check", "--format", "json", "--jobs", "2", s(&dir)]);
    assert_eq!(code(&one), 2);
    assert_eq!(code(&two), 2);
    assert!(
        one.stdout == two.stdout,
        "JSON differs between --jobs 1 and 2"
    );
    let v = json(&one);
    for k in ["summary", "decisions", "errors", "ceilings"] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    for k in [
        "proposals",
        "eligible",
        "conditional",
        "no_authority",
        "errors",
    ] {
        assert!(v["summary"][k].is_u64(), "summary.{k}");
    }
    assert_eq!(v["summary"]["errors"], 10);
    assert_eq!(v["decisions"].as_array().map(Vec::len), Some(240));
    for e in v["errors"].as_array().expect("errors") {
        for k in ["file", "line", "column", "message"] {
            assert!(e.get(k).is_some(), "error missing {k}");
        }
    }
    for c in v["ceilings"].as_array().expect("ceilings") {
        for k in [
            "authority",
            "fiscal_year",
            "limit_usd",
            "committed_usd",
            "over",
            "proposals",
        ] {
            assert!(c.get(k).is_some(), "ceiling missing {k}");
        }
    }
    // The decisions are the `eval` objects, in sorted path order.
    let ids: Vec<&str> = v["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter_map(|d| d["proposal"].as_str())
        .collect();
    let mut by_file: Vec<(u64, &str)> = ids
        .iter()
        .map(|id| {
            (
                id.rsplit('-')
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(0),
                *id,
            )
        })
        .collect();
    by_file.sort();
    assert_eq!(ids, by_file.iter().map(|x| x.1).collect::<Vec<_>>());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn three_40m_drawdowns_in_fy2027_cross_the_100m_ceiling_with_the_third() {
    let dir = scratch("ceiling");
    // File names sort opposite to start dates: the ceiling follows the dates, not the paths.
    std::fs::write(
        dir.join("a.ron"),
        drawdown("UKR-27-PDA-03", "2027-05-01", 40_000_000),
    )
    .expect("w");
    std::fs::write(
        dir.join("b.ron"),
        drawdown("UKR-27-PDA-02", "2027-01-15", 40_000_000),
    )
    .expect("w");
    std::fs::write(
        dir.join("c.ron"),
        drawdown("UKR-27-PDA-01", "2026-11-01", 40_000_000),
    )
    .expect("w");
    // FY2028 is a different fiscal year: not counted.
    std::fs::write(
        dir.join("d.ron"),
        drawdown("UKR-28-PDA-01", "2027-10-01", 40_000_000),
    )
    .expect("w");
    let o = authsel(&["check", "--format", "json", s(&dir)]);
    assert_eq!(code(&o), 1, "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&o);
    for d in v["decisions"].as_array().expect("decisions") {
        assert_eq!(d["recommended"], "faa-506a1", "{}", d["proposal"]);
    }
    let ceilings = v["ceilings"].as_array().expect("ceilings");
    let fy27 = ceilings
        .iter()
        .find(|c| c["authority"] == "faa-506a1" && c["fiscal_year"] == 2027)
        .expect("FY2027 506(a)(1) ceiling");
    assert_eq!(fy27["limit_usd"], 100_000_000);
    assert_eq!(fy27["committed_usd"], 0);
    assert_eq!(fy27["total_usd"], 120_000_000);
    assert_eq!(fy27["over"], true);
    assert_eq!(fy27["over_by_usd"], 20_000_000);
    assert_eq!(
        fy27["proposals"],
        serde_json::json!(["UKR-27-PDA-01", "UKR-27-PDA-02", "UKR-27-PDA-03"])
    );
    assert_eq!(fy27["crossed_by"]["proposal"], "UKR-27-PDA-03");
    assert_eq!(fy27["crossed_by"]["total_usd"], 120_000_000);
    assert_eq!(fy27["crossed_by"]["over_by_usd"], 20_000_000);
    let fy28 = ceilings
        .iter()
        .find(|c| c["authority"] == "faa-506a1" && c["fiscal_year"] == 2028)
        .expect("FY2028 ceiling");
    assert_eq!(fy28["over"], false);
    assert_eq!(v["summary"]["ceilings_over"], 1);

    // The human report names the crossing proposal too.
    let h = authsel(&["check", s(&dir)]);
    assert_eq!(code(&h), 1);
    let text = String::from_utf8_lossy(&h.stdout);
    assert!(text.contains("crossed by UKR-27-PDA-03"), "{text}");

    // With $30M already committed in the ledger, the second one crosses.
    let ledger = dir.join("ledger.ron.txt");
    std::fs::write(
        &ledger,
        r#"Ledger(entries: [(authority: "faa-506a1", fiscal_year: 2027, amount_usd: 30000000, reference: "PDA 27-01")])"#,
    )
    .expect("w");
    let v = json(&authsel(&[
        "check",
        "--format",
        "json",
        "--ledger",
        s(&ledger),
        s(&dir),
    ]));
    let fy27 = v["ceilings"]
        .as_array()
        .expect("ceilings")
        .iter()
        .find(|c| c["authority"] == "faa-506a1" && c["fiscal_year"] == 2027)
        .expect("FY2027")
        .clone();
    assert_eq!(fy27["committed_usd"], 30_000_000);
    assert_eq!(fy27["crossed_by"]["proposal"], "UKR-27-PDA-02");
    assert_eq!(fy27["crossed_by"]["over_by_usd"], 10_000_000);
    assert_eq!(fy27["over_by_usd"], 50_000_000);

    // Two of them fit: exit 0.
    std::fs::remove_file(dir.join("a.ron")).expect("rm");
    let o = authsel(&["check", s(&dir)]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stdout));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn duplicate_ids_are_an_error_naming_both_files() {
    let dir = scratch("dup");
    std::fs::write(
        dir.join("one.ron"),
        drawdown("UKR-27-X", "2027-01-15", 1_000_000),
    )
    .expect("w");
    std::fs::write(
        dir.join("two.ron"),
        drawdown("UKR-27-X", "2027-02-15", 2_000_000),
    )
    .expect("w");
    let o = authsel(&["check", "--format", "json", s(&dir)]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    assert_eq!(v["decisions"].as_array().map(Vec::len), Some(1));
    let errs = v["errors"].as_array().expect("errors");
    assert_eq!(errs.len(), 1);
    let e = &errs[0];
    assert!(e["file"].as_str().unwrap_or("").ends_with("two.ron"), "{e}");
    let msg = e["message"].as_str().unwrap_or("");
    assert!(msg.contains("UKR-27-X") && msg.contains("one.ron"), "{msg}");
    // The position of the id's value on the `id:` line.
    assert_eq!(
        (e["line"].as_u64(), e["column"].as_u64()),
        (Some(2), Some(9))
    );
    let h = String::from_utf8_lossy(&authsel(&["check", s(&dir)]).stdout).into_owned();
    assert!(h.contains("two.ron:2:9: error[E0206]"), "{h}");
    assert!(
        h.contains("2 |     id: \"UKR-27-X\",\n  |         ^"),
        "{h}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unreadable_non_utf8_empty_dirs_and_symlink_loops_are_reported_and_the_rest_evaluated() {
    let dir = scratch("bad");
    std::fs::write(
        dir.join("good.ron"),
        drawdown("UKR-27-OK", "2027-01-15", 1_000_000),
    )
    .expect("w");
    let mut latin1 = drawdown("UKR-27-L1", "2027-01-15", 1_000_000).into_bytes();
    let at = latin1.iter().position(|b| *b == b'E').expect("title");
    latin1.insert(at, 0xE9);
    std::fs::write(dir.join("latin1.ron"), latin1).expect("w");
    std::fs::create_dir_all(dir.join("empty")).expect("empty");
    std::os::unix::fs::symlink(dir.join("nowhere.ron"), dir.join("dangling.ron")).expect("ln");
    std::fs::create_dir_all(dir.join("sub")).expect("sub");
    std::os::unix::fs::symlink(&dir, dir.join("sub").join("loop")).expect("ln");
    let missing = dir.join("no-such-file.ron");
    let o = authsel(&[
        "check",
        "--format",
        "json",
        s(&dir),
        s(&dir.join("empty")),
        s(&missing),
    ]);
    assert_eq!(code(&o), 2);
    let v = json(&o);
    let ids: Vec<&str> = v["decisions"]
        .as_array()
        .expect("decisions")
        .iter()
        .filter_map(|d| d["proposal"].as_str())
        .collect();
    assert_eq!(ids, ["UKR-27-OK"]);
    let errs: Vec<(String, String, String)> = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["file"].as_str().unwrap_or("").to_string(),
                e["code"].as_str().unwrap_or("").to_string(),
                e["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let has = |file: &str, code: &str, words: &str| {
        errs.iter()
            .any(|(f, c, m)| f.ends_with(file) && c == code && m.contains(words))
    };
    assert!(has("latin1.ron", "E0205", "UTF-8"), "{errs:?}");
    assert!(has("empty", "E0204", "no `*.ron`"), "{errs:?}");
    assert!(has("dangling.ron", "E0200", "cannot read"), "{errs:?}");
    assert!(has("loop", "E0200", "symbolic link loop"), "{errs:?}");
    assert!(has("no-such-file.ron", "E0200", "cannot read"), "{errs:?}");
    let latin = v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .find(|e| e["code"] == "E0205")
        .expect("latin1");
    assert_eq!(latin["line"], 3, "{latin}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn junit_is_well_formed_and_escaped() {
    let dir = scratch("junit & <xml>");
    std::fs::write(
        dir.join("a&b.ron"),
        drawdown("UKR-27-<&>\\\"'", "2027-01-15", 40_000_000),
    )
    .expect("w");
    std::fs::write(
        dir.join("b.ron"),
        drawdown("UKR-27-B", "2027-02-15", 40_000_000),
    )
    .expect("w");
    std::fs::write(
        dir.join("c.ron"),
        drawdown("UKR-27-C", "2027-03-15", 40_000_000),
    )
    .expect("w");
    // Nothing fits a drawdown paid by the partner for a civilian ministry.
    std::fs::write(
        dir.join("d.ron"),
        drawdown("UKR-27-D", "2027-03-15", 1_000)
            .replace("UsgStocks", "PartnerNational")
            .replace("NationalMilitary", "NonGovernmental")
            .replace("self_defense", "pow_mia"),
    )
    .expect("w");
    std::fs::write(dir.join("e.ron"), "Proposal(id: \"x\" <&>").expect("w");
    let o = authsel(&["check", "--format", "junit", s(&dir)]);
    assert_eq!(code(&o), 2);
    let xml = String::from_utf8(o.stdout).expect("utf-8");
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let cases: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 5, "{xml}");
    assert!(cases
        .iter()
        .any(|n| n.attribute("name") == Some("UKR-27-<&>\"'")));
    let count = |tag: &str| doc.descendants().filter(|n| n.has_tag_name(tag)).count();
    // The third drawdown crosses the ceiling; d fits nothing; e is invalid.
    assert_eq!(count("failure"), 2, "{xml}");
    assert_eq!(count("error"), 1, "{xml}");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("suite");
    assert_eq!(suite.attribute("tests"), Some("5"));
    assert_eq!(suite.attribute("failures"), Some("2"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    // Measured times, in seconds; nothing said twice, no `none: none`.
    let seconds = |n: &roxmltree::Node| n.attribute("time").and_then(|t| t.parse::<f64>().ok());
    assert!(seconds(&suite).is_some(), "{xml}");
    let proposals = cases
        .iter()
        .filter(|n| n.attribute("classname") == Some("authsel.check"));
    assert_eq!(proposals.clone().count(), 4);
    assert!(proposals.clone().all(|n| seconds(n).is_some()), "{xml}");
    assert!(!xml.contains("none: none"), "{xml}");
    for f in doc.descendants().filter(|n| n.has_tag_name("failure")) {
        let (message, text) = (f.attribute("message").unwrap_or(""), f.text().unwrap_or(""));
        assert!(!text.contains(message), "{message} repeated in {text}");
    }
    let ceiling = doc
        .descendants()
        .find(|n| n.attribute("type") == Some("ceiling"))
        .expect("ceiling failure");
    assert!(
        ceiling
            .text()
            .is_some_and(|t| t.contains("OVER by $20,000,000")),
        "{xml}"
    );

    // The human and Markdown reports group what fails; `--all` lists it.
    let h = String::from_utf8(authsel(&["check", s(&dir)]).stdout).expect("utf-8");
    assert!(
        h.contains("No fitting authority (1), by the closest authority's first failure:"),
        "{h}"
    );
    assert!(
        h.contains(
            "Over a fiscal-year ceiling:\n  faa-506a1 aggregate FY2027: 1 proposal(s): UKR-27-C"
        ),
        "{h}"
    );
    assert!(h.contains("error[E0201]"), "every input error in full: {h}");
    assert!(!h.contains("Proposals that fail the batch"), "{h}");
    let all = String::from_utf8(authsel(&["check", "--all", s(&dir)]).stdout).expect("utf-8");
    assert!(all.contains("Proposals that fail the batch:\n"), "{all}");
    assert!(all.contains("UKR-27-C ("), "{all}");
    let md = String::from_utf8(authsel(&["check", "--format", "markdown", s(&dir)]).stdout);
    let md = md.expect("utf-8");
    assert!(md.contains("## No fitting authority\n"), "{md}");
    assert!(
        md.contains("| faa-506a1 aggregate FY2027 | 1 | UKR-27-C |"),
        "{md}"
    );
    assert!(
        md.contains("## Invalid input\n\n| code | files | errors | first |"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_file_is_written_atomically_and_markdown_works() {
    let dir = scratch("report");
    let out = dir.join("out");
    std::fs::create_dir_all(&out).expect("out");
    let report = out.join("check.md");
    let o = authsel(&[
        "check",
        "--format",
        "markdown",
        "--all",
        "--report",
        s(&report),
        "examples",
    ]);
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(o.stdout.is_empty());
    let md = std::fs::read_to_string(&report).expect("report");
    assert!(md.starts_with("# authsel check\n"), "{md}");
    assert!(md.contains("| LBN-27-CT-01 |"), "{md}");
    // Without `--all`, a summary: no row for a proposal that fits.
    let o = authsel(&["check", "--format", "markdown", "examples"]);
    let md = String::from_utf8_lossy(&o.stdout);
    assert!(md.starts_with("# authsel check\n"), "{md}");
    assert!(!md.contains("LBN-27-CT-01"), "{md}");
    assert!(md.contains("| proposals evaluated |"), "{md}");
    let left: Vec<_> = std::fs::read_dir(&out)
        .expect("ls")
        .filter_map(Result::ok)
        .map(|e| e.file_name())
        .collect();
    assert_eq!(left, [std::ffi::OsString::from("check.md")]);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn gen_is_deterministic_and_quiet() {
    let a = scratch("gen-a");
    let b = scratch("gen-b");
    let run = |d: &Path| {
        authsel(&[
            "gen",
            "--count",
            "30",
            "--seed",
            "5",
            "--malformed",
            "0.1",
            s(d),
        ])
    };
    let (oa, ob) = (run(&a), run(&b));
    assert_eq!((code(&oa), code(&ob)), (0, 0));
    assert!(oa.stderr.is_empty());
    assert_eq!(String::from_utf8_lossy(&oa.stdout).lines().count(), 1);
    for i in 0..30 {
        let fa = std::fs::read(gen::file_path(&a, i)).expect("a");
        let fb = std::fs::read(gen::file_path(&b, i)).expect("b");
        assert!(fa == fb, "file {i} differs");
    }
    assert_eq!(
        code(&authsel(&[
            "gen",
            "--count",
            "3",
            "--malformed",
            "2",
            s(&a)
        ])),
        2
    );
    let _ = std::fs::remove_dir_all(&a);
    let _ = std::fs::remove_dir_all(&b);
}

/// Every line of a JSON Lines report, parsed.
fn lines(o: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect()
}

/// JUnit's `time` attributes are measured, so they differ between any two runs: the values are
/// blanked (after checking that each is a number) before two reports are compared.
fn without_times(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(at) = rest.find("time=\"") {
        out.push_str(&rest[..at + 6]);
        rest = &rest[at + 6..];
        let end = rest.find('"').expect("closing quote");
        assert!(rest[..end].parse::<f64>().is_ok(), "time={}", &rest[..end]);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn every_format_and_detail_is_byte_identical_for_one_and_four_jobs() {
    let dir = scratch("jobs-all");
    let rules = RuleBase::builtin();
    let opts = GenOptions {
        count: 150,
        seed: 16,
        malformed: 0.04,
    };
    gen::write(&rules, &opts, &dir).expect("gen");
    // A ceiling crossed, and a duplicate id: every kind of line and group is in the reports.
    for (i, start) in ["2027-01-15", "2027-02-15", "2027-03-15"]
        .iter()
        .enumerate()
    {
        let text = drawdown(&format!("UKR-27-PDA-{i}"), start, 40_000_000);
        std::fs::write(dir.join(format!("z{i}.ron")), text).expect("w");
    }
    std::fs::write(
        dir.join("z9.ron"),
        drawdown("UKR-27-PDA-0", "2027-04-15", 1),
    )
    .expect("w");
    let shapes: Vec<Vec<&str>> = vec![
        vec!["--format", "human"],
        vec!["--format", "human", "--all"],
        vec!["--format", "markdown"],
        vec!["--format", "markdown", "--all"],
        vec!["--format", "junit"],
        vec!["--format", "json"],
        vec!["--format", "json", "--detail", "brief"],
        vec!["--format", "json", "--detail", "reasons"],
        vec!["--format", "jsonl"],
        vec!["--format", "jsonl", "--detail", "reasons"],
        vec!["--format", "jsonl", "--detail", "full"],
    ];
    for shape in shapes {
        let run = |jobs: &str| {
            let mut args = vec!["check", "--jobs", jobs];
            args.extend(&shape);
            args.push(s(&dir));
            let o = authsel(&args);
            assert_eq!(
                code(&o),
                2,
                "{shape:?}: {}",
                String::from_utf8_lossy(&o.stderr)
            );
            assert!(!o.stdout.is_empty(), "{shape:?}");
            if shape.contains(&"junit") {
                without_times(&String::from_utf8(o.stdout).expect("utf-8")).into_bytes()
            } else {
                o.stdout
            }
        };
        assert!(
            run("1") == run("4"),
            "{shape:?} differs between --jobs 1 and 4"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn jsonl_streams_a_header_decisions_errors_ceilings_and_a_summary() {
    let dir = scratch("jsonl");
    for (i, start) in ["2027-01-15", "2027-02-15", "2027-03-15"]
        .iter()
        .enumerate()
    {
        let text = drawdown(&format!("UKR-27-PDA-{i}"), start, 40_000_000);
        std::fs::write(dir.join(format!("b{i}.ron")), text).expect("w");
    }
    std::fs::write(dir.join("a.ron"), "Proposal(id: \"x\"").expect("w");
    std::fs::write(dir.join("c.ron"), drawdown("UKR-27-PDA-0", "2027-04-15", 1)).expect("w");
    let nothing_fits = drawdown("UKR-27-D", "2027-03-15", 1_000)
        .replace("UsgStocks", "PartnerNational")
        .replace("NationalMilitary", "NonGovernmental")
        .replace("self_defense", "pow_mia");
    std::fs::write(dir.join("d.ron"), nothing_fits).expect("w");
    let o = authsel(&["check", "--format", "jsonl", s(&dir)]);
    assert_eq!(code(&o), 2);
    let v = lines(&o);
    let kinds: Vec<&str> = v
        .iter()
        .map(|l| l["kind"].as_str().expect("kind"))
        .collect();
    // Input order: a (invalid), b0-b2, c (a duplicate id: an error), d; then ceilings, summary.
    assert_eq!(
        kinds[..7],
        ["header", "error", "decision", "decision", "decision", "error", "decision"]
    );
    assert_eq!(kinds.last(), Some(&"summary"));
    assert!(
        kinds[7..kinds.len() - 1].iter().all(|k| *k == "ceiling"),
        "{kinds:?}"
    );
    let header = &v[0];
    assert_eq!(header["detail"], "brief");
    assert_eq!(header["as_of"], serde_json::Value::Null);
    assert_eq!(header["rules_digest"].as_str().map(str::len), Some(64));
    assert!(header["authsel_version"].is_string());
    let files: Vec<&str> = v.iter().filter_map(|l| l["file"].as_str()).collect();
    let names: Vec<&str> = files.iter().filter_map(|f| f.rsplit('/').next()).collect();
    assert_eq!(
        names,
        ["a.ron", "b0.ron", "b1.ron", "b2.ron", "c.ron", "d.ron"]
    );
    let summary = v.last().expect("summary");
    assert_eq!(summary["proposals"], 4);
    assert_eq!(summary["errors"], 2);
    assert_eq!(summary["no_authority"], 1);
    assert_eq!(summary["ceilings_over"], 1);
    assert_eq!(summary["exit_code"], 2);
    let count = |k: &str| kinds.iter().filter(|x| **x == k).count();
    assert_eq!(count("decision"), 4);
    let over = v
        .iter()
        .find(|l| l["kind"] == "ceiling" && l["over"] == true);
    assert_eq!(
        over.expect("over")["crossed_by"]["proposal"],
        "UKR-27-PDA-2"
    );
    // A brief decision: what a nightly job needs, and for d the closest authority's fix.
    let b0 = &v[2];
    assert_eq!(b0["recommended"], "faa-506a1");
    assert!(b0["citation"].as_str().is_some_and(|c| c.contains("506")));
    assert!(
        b0["duties"].as_array().is_some_and(|d| !d.is_empty()),
        "{b0}"
    );
    assert!(b0.get("candidates").is_none());
    let d = &v[6];
    assert_eq!(d["verdict"], "none");
    assert_eq!(d["recommended"], serde_json::Value::Null);
    assert!(d["closest"]["authority"].is_string(), "{d}");
    assert!(d["closest"]["why_not"].is_string(), "{d}");
    // `reasons` adds every candidate's failed and unknown findings; `full` is the eval object.
    let r = lines(&authsel(&[
        "check",
        "--format",
        "jsonl",
        "--detail",
        "reasons",
        s(&dir),
    ]));
    let cands = r[6]["candidates"].as_array().expect("candidates");
    assert!(cands.iter().all(|c| c["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .all(|x| x["outcome"] != "pass")));
    assert!(cands.iter().any(|c| c["verdict"] == "ineligible"));
    let f = lines(&authsel(&[
        "check",
        "--format",
        "jsonl",
        "--detail",
        "full",
        s(&dir),
    ]));
    assert_eq!(f[2]["kind"], "decision");
    assert!(f[2]["file"].as_str().is_some_and(|x| x.ends_with("b0.ron")));
    assert!(f[2]["candidates"][0]["reasons"].is_array());
    assert!(f[2]["record"]["digest"].is_string());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn detail_and_all_are_refused_where_they_mean_nothing() {
    for args in [
        vec![
            "check", "--format", "human", "--detail", "brief", "examples",
        ],
        vec!["check", "--format", "junit", "--detail", "full", "examples"],
        vec![
            "check", "--format", "markdown", "--detail", "reasons", "examples",
        ],
        vec!["check", "--format", "json", "--all", "examples"],
        vec!["check", "--format", "jsonl", "--all", "examples"],
        vec!["check", "--format", "junit", "--all", "examples"],
        vec![
            "eval",
            "--format",
            "markdown",
            "--detail",
            "full",
            "examples/01-ct-train-equip-333.ron",
        ],
    ] {
        let o = authsel(&args);
        assert_eq!(code(&o), 2, "{args:?}");
        assert!(o.stdout.is_empty(), "{args:?}");
        let e = String::from_utf8_lossy(&o.stderr);
        assert!(e.contains("applies to --format"), "{args:?}: {e}");
    }
}

#[test]
fn json_at_full_detail_is_the_contract_object_and_brief_adds_the_file() {
    let full = authsel(&["check", "--format", "json", "examples"]);
    let explicit = authsel(&["check", "--format", "json", "--detail", "full", "examples"]);
    assert_eq!(code(&full), 0);
    assert!(full.stdout == explicit.stdout);
    let v = json(&full);
    let first = &v["decisions"][0];
    assert!(first.get("file").is_none() && first["candidates"].is_array());
    let v = json(&authsel(&[
        "check", "--format", "json", "--detail", "brief", "examples",
    ]));
    let first = &v["decisions"][0];
    assert!(first["file"]
        .as_str()
        .is_some_and(|f| f.starts_with("examples/")));
    assert!(first.get("candidates").is_none());
    // `eval` too: the contract's object by default, a brief with the file on request.
    let one = "examples/01-ct-train-equip-333.ron";
    let e = authsel(&["eval", "--format", "json", "--detail", "brief", one]);
    let b: serde_json::Value = serde_json::from_slice(&e.stdout).expect("json");
    assert_eq!(b["file"], one);
    assert_eq!(b["recommended"], "usc10-333");
}

/// A brief decision stays small (about 2 KB at most): measured on every example, every
/// regression case and 2,000 generated proposals.
#[test]
fn a_brief_decision_is_at_most_two_kilobytes() {
    let rules = RuleBase::builtin();
    let mut texts: Vec<(String, String)> = RuleBase::builtin_cases()
        .into_iter()
        .map(|f| (f.name, f.text))
        .collect();
    for e in std::fs::read_dir("examples").expect("examples").flatten() {
        let p = e.path();
        texts.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).expect("read"),
        ));
    }
    let dir = scratch("brief-size");
    let opts = GenOptions {
        count: 2000,
        seed: 7,
        malformed: 0.0,
    };
    gen::write(&rules, &opts, &dir).expect("gen");
    for i in 0..2000 {
        let p = gen::file_path(&dir, i);
        texts.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).expect("read"),
        ));
    }
    let (mut largest, mut total, mut n) = (0, 0, 0);
    for (name, text) in &texts {
        let Ok(p) = rules.read_proposal(name, text) else {
            continue;
        };
        let d = rules.evaluate(&p);
        let brief = authsel::render::json::brief(&d.brief(authsel::explain::Detail::Brief));
        let line = authsel::render::json::tagged(Some("decision"), Some(name), &brief);
        assert!(line.len() <= 2048, "{name}: {} bytes: {line}", line.len());
        largest = largest.max(line.len());
        total += line.len();
        n += 1;
    }
    assert!(n > 2000, "{n}");
    eprintln!(
        "brief decisions: {n}, mean {} bytes, largest {largest}",
        total / n
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The issue's acceptance run at full size, through the binary's JSON Lines report (about 10 s
/// for a release binary on 2 cores, 400 MB of files). `AUTHSEL_BIN` names the binary to run (CI
/// gives the release build, so the test itself need not be compiled in release):
/// `AUTHSEL_BIN=$PWD/target/release/authsel cargo test --test integration -- --ignored hundred_thousand`.
#[test]
#[ignore = "100,000 files: run on demand, see docs/performance.md"]
fn hundred_thousand_files_with_one_percent_malformed() {
    use std::io::BufRead;
    let dir = scratch("100k");
    let rules = RuleBase::builtin();
    let opts = GenOptions {
        count: 100_000,
        seed: 1,
        malformed: 0.01,
    };
    let made = gen::write(&rules, &opts, &dir).expect("gen");
    let bin = std::env::var("AUTHSEL_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_authsel").into());
    let mut child = std::process::Command::new(bin)
        .args(["check", "--format", "jsonl", "--jobs", "2", s(&dir)])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run authsel");
    let out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let (mut kinds, mut reported, mut last) = (BTreeMap::new(), BTreeSet::new(), None);
    let mut decision_files = 0;
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("JSON");
        let kind = v["kind"].as_str().expect("kind").to_string();
        match kind.as_str() {
            "error" => drop(reported.insert(v["file"].as_str().expect("file").to_string())),
            "decision" => decision_files += usize::from(v["file"].is_string()),
            _ => {}
        }
        *kinds.entry(kind).or_insert(0usize) += 1;
        last = Some(v);
    }
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(2));
    let expected: BTreeSet<String> = made
        .malformed
        .iter()
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert_eq!(expected.len(), 1000);
    assert_eq!(reported, expected);
    let summary = last.expect("a summary line");
    assert_eq!(summary["kind"], "summary");
    assert_eq!(summary["files"], 100_000);
    assert_eq!(summary["proposals"], 99_000);
    assert_eq!(summary["invalid_files"], 1000);
    assert_eq!(summary["errors"], kinds["error"]);
    assert_eq!(summary["exit_code"], 2);
    let s = |k: &str| summary[k].as_u64().expect("count") as usize;
    assert_eq!(s("eligible") + s("conditional") + s("no_authority"), 99_000);
    assert_eq!(kinds["header"], 1);
    assert_eq!(kinds["decision"], 99_000);
    assert_eq!(decision_files, 99_000);
    assert_eq!(kinds["summary"], 1);
    assert!(kinds["ceiling"] >= s("ceilings_over"));
    let total: usize = kinds.values().sum();
    assert_eq!(total, 1 + 99_000 + kinds["error"] + kinds["ceiling"] + 1);
    let _ = std::fs::remove_dir_all(&dir);
}
