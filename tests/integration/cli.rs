//! The binary through its contract (`../shared/spec/cli.md`): exit codes, positions, JSON shape.

use crate::common::{authsel, code, stderr};
use std::path::Path;

fn tmp(name: &str, text: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("authsel-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp dir");
    let p = dir.join(name);
    std::fs::write(&p, text).expect("write");
    p
}

const GOOD: &str = include_str!("../../examples/01-ct-train-equip-333.ron");

#[test]
fn eval_json_matches_the_contract() {
    let o = authsel(&[
        "eval",
        "--format",
        "json",
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let line = String::from_utf8_lossy(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(line.trim()).expect("one JSON object");
    for k in [
        "proposal",
        "fiscal_year",
        "recommended",
        "verdict",
        "candidates",
    ] {
        assert!(v.get(k).is_some(), "missing {k}");
    }
    assert_eq!(v["proposal"], "LBN-27-CT-01");
    assert_eq!(v["fiscal_year"], 2027);
    let cands = v["candidates"].as_array().expect("candidates");
    assert!(!cands.is_empty());
    for c in cands {
        for k in ["authority", "citation", "verdict", "reasons", "obligations"] {
            assert!(c.get(k).is_some(), "candidate missing {k}");
        }
        for r in c["reasons"].as_array().expect("reasons") {
            assert!(matches!(
                r["outcome"].as_str(),
                Some("pass" | "fail" | "unknown")
            ));
            assert!(!r["citation"].as_str().unwrap_or("").is_empty());
        }
        for ob in c["obligations"].as_array().expect("obligations") {
            assert!(ob.get("kind").is_some() && ob.get("deadline").is_some());
        }
    }
    let rec = v["recommended"].as_str().expect("a recommendation");
    let c = cands
        .iter()
        .find(|c| c["authority"] == rec)
        .expect("recommended is a candidate");
    assert_eq!(c["verdict"], v["verdict"]);
}

#[test]
fn misspelled_field_exits_2_with_position_and_caret() {
    let p = tmp("typo.ron", &GOOD.replace("amount_usd:", "amout_usd:"));
    let o = authsel(&["eval", p.to_str().unwrap_or("")]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    let line = GOOD
        .lines()
        .position(|l| l.contains("amount_usd"))
        .map_or(0, |i| i + 1);
    assert!(e.contains(&format!("typo.ron:{line}:5: ")), "{e}");
    assert!(e.contains("^^") || e.contains('^'), "{e}");
    assert!(e.contains("did you mean `amount_usd`"), "{e}");
}

#[test]
fn wrong_type_unknown_purpose_and_bad_ron_exit_2_with_positions() {
    let cases = [
        (
            "type.ron",
            GOOD.replace("30000000", "\"thirty million\""),
            "amount_usd",
        ),
        (
            "purpose.ron",
            GOOD.replace("\"counterterrorism\"", "\"counterterorism\""),
            "counterterorism",
        ),
        (
            "ron.ron",
            GOOD.replace(
                "recipient: NationalMilitary,",
                "recipient: NationalMilitary,,",
            ),
            "",
        ),
    ];
    for (name, text, needle) in cases {
        let p = tmp(name, &text);
        let o = authsel(&["eval", p.to_str().unwrap_or("")]);
        assert_eq!(code(&o), 2, "{name}");
        let e = stderr(&o);
        assert!(e.contains(&format!("{name}:")), "{name}: {e}");
        assert!(e.contains('^'), "{name}: no caret: {e}");
        assert!(e.contains(needle), "{name}: {e}");
    }
    let p = tmp(
        "p2.ron",
        &GOOD.replace("\"counterterrorism\"", "\"counterterorism\""),
    );
    let e = stderr(&authsel(&["eval", p.to_str().unwrap_or("")]));
    assert!(e.contains("did you mean `counterterrorism`"), "{e}");
}

#[test]
fn rule_file_syntax_error_exits_2_with_position() {
    let dir = std::env::temp_dir().join(format!("authsel-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(
        dir.join("a.auth"),
        "purpose x \"x\"\nauthority a {\n    name \"A\"\n    citation\n}\n",
    )
    .expect("w");
    let o = authsel(&["authorities", "--rules", dir.to_str().unwrap_or("")]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(e.contains("a.auth:5:1: error[E0001]"), "{e}");
    assert!(e.contains('^'), "{e}");
}

#[test]
fn one_bad_file_does_not_hide_the_others() {
    let bad = tmp("bad.ron", "Proposal(");
    let o = authsel(&[
        "eval",
        "--format",
        "json",
        bad.to_str().unwrap_or(""),
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 2);
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 1);
}

#[test]
fn authorities_show_and_graph_work() {
    let o = authsel(&["authorities", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let ids: Vec<&str> = v
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|a| a["id"].as_str())
        .collect();
    assert!(ids.contains(&"usc10-333") && ids.contains(&"fms"));
    for id in ids {
        let o = authsel(&["show", id]);
        assert_eq!(code(&o), 0, "show {id}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("citation:"));
    }
    assert_eq!(code(&authsel(&["show", "no-such-authority"])), 2);
    for f in ["dot", "mermaid", "json"] {
        let o = authsel(&["graph", "--format", f]);
        assert_eq!(code(&o), 0, "graph {f}");
        assert!(String::from_utf8_lossy(&o.stdout).contains("usc10-333"));
    }
}

#[test]
fn examples_all_evaluate_with_exit_0() {
    for e in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).expect("examples")
    {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "ron") {
            let o = authsel(&["eval", p.to_str().unwrap_or("")]);
            assert_eq!(code(&o), 0, "{}: {}", p.display(), stderr(&o));
        }
    }
}

#[test]
fn show_takes_restrictions_and_eval_takes_directories() {
    let o = authsel(&["show", "leahy-dod"]);
    assert_eq!(code(&o), 0);
    let s = String::from_utf8_lossy(&o.stdout);
    assert!(
        s.contains("10 U.S.C. § 362") && s.contains("usc10-333"),
        "{s}"
    );
    let o = authsel(&["eval", "--format", "json", "examples"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let n = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples"))
        .expect("examples")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "ron"))
        })
        .count();
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), n);
    let o = authsel(&[
        "eval",
        "no-such-file.ron",
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no-such-file.ron:1:1"),
        "{}",
        stderr(&o)
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("usc10-333"));
}

#[test]
fn ledger_and_as_of_change_the_answer() {
    let ledger = tmp("ledger.ron", "Ledger(entries: [\n    (authority: \"faa-506a1\", fiscal_year: 2027, amount_usd: 80000000, reference: \"PDA 27-03\"),\n])\n");
    let pda = tmp(
        "pda.ron",
        &include_str!("../../rules/cases/domain/08-drawdown-506a1-150m.ron")
            .replace("150000000", "30000000"),
    );
    let run = |extra: &[&str]| {
        let mut args = vec!["eval", "--format", "json"];
        args.extend_from_slice(extra);
        args.push(pda.to_str().unwrap_or(""));
        let o = authsel(&args);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        let c = v["candidates"]
            .as_array()
            .expect("c")
            .iter()
            .find(|c| c["authority"] == "faa-506a1")
            .cloned();
        c.map(|c| c["verdict"].as_str().unwrap_or("").to_string())
            .unwrap_or_default()
    };
    assert_eq!(run(&[]), "eligible");
    assert_eq!(
        run(&["--ledger", ledger.to_str().unwrap_or("")]),
        "ineligible"
    );
    // Judged by the law of 2015, § 2282 (then in force) is the answer, not § 333 (enacted 2016).
    let o = authsel(&[
        "eval",
        "--format",
        "json",
        "--as-of",
        "2015-01-01",
        "examples/01-ct-train-equip-333.ron",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    assert_eq!(v["recommended"], "usc10-2282");
    assert_eq!(v["as_of"], "2015-01-01");
    let bad = tmp(
        "badledger.ron",
        "Ledger(entries: [(authority: \"faa-506a9\", fiscal_year: 2027, amount_usd: 1)])",
    );
    let o = authsel(&[
        "eval",
        "--ledger",
        bad.to_str().unwrap_or(""),
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `faa-506a1`"),
        "{}",
        stderr(&o)
    );
}

/// A ledger's name for an authority that is not its id is read as the id, and said on standard
/// error (not in the JSON), unless `--quiet`: the same entry counts against the same ceiling.
#[test]
fn a_ledger_name_read_as_an_id_is_noted_unless_quiet() {
    let ledger = tmp(
        "named-ledger.ron",
        "Ledger(entries: [\n    (authority: \"506(a)(1)\", fiscal_year: 2027, amount_usd: 80000000),\n])\n",
    );
    let pda = tmp(
        "pda-named.ron",
        &include_str!("../../rules/cases/domain/08-drawdown-506a1-150m.ron")
            .replace("150000000", "30000000"),
    );
    let run = |quiet: bool| {
        let mut args = vec!["eval", "--format", "json", "--ledger"];
        args.push(ledger.to_str().unwrap_or(""));
        if quiet {
            args.push("--quiet");
        }
        args.push(pda.to_str().unwrap_or(""));
        authsel(&args)
    };
    let o = run(false);
    let note = "named-ledger.ron:2:17: info[I0201]: `506(a)(1)` read as the authority `faa-506a1`";
    assert!(stderr(&o).contains(note), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let c = v["candidates"].as_array().expect("candidates");
    let a1 = c
        .iter()
        .find(|c| c["authority"] == "faa-506a1")
        .expect("506a1");
    // Counted against faa-506a1's ceiling: 80M committed + 30M is over the $100M.
    assert_eq!(a1["verdict"], "ineligible");
    let quiet = run(true);
    assert!(!stderr(&quiet).contains("I0201"), "{}", stderr(&quiet));
    assert_eq!(quiet.stdout, o.stdout);
}

/// `eval -` reads the proposal from standard input; a bad one is located in `<stdin>`.
#[test]
fn eval_reads_standard_input() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let run = |input: &[u8]| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_authsel"))
            .args(["eval", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run authsel");
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all(input).expect("write stdin");
        drop(stdin);
        child.wait_with_output().expect("output")
    };
    let ok = run(include_bytes!("../../examples/06-fms-mde-20m.ron"));
    assert_eq!(code(&ok), 0, "{}", stderr(&ok));
    let out = String::from_utf8_lossy(&ok.stdout);
    assert!(out.starts_with("PHL-27-FMS-01: "), "{out}");
    assert!(out.contains("Use AECA §§ 21-22"), "{out}");
    let bad = run(b"Proposal(id: \"x\")");
    assert_eq!(code(&bad), 2);
    assert!(
        stderr(&bad).contains("<stdin>:1:17: error[E0201]: missing required field `title`"),
        "{}",
        stderr(&bad)
    );
}

/// `new` writes a template that evaluates, never over an existing file; `schema` is JSON with the
/// rule base's ids; `vocab` lists them with meanings.
#[test]
fn new_schema_and_vocab_help_a_planner_write_a_proposal() {
    let dir = std::env::temp_dir().join(format!("authsel-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("dir");
    let file = dir.join("p.ron");
    let path = file.to_str().expect("utf-8");
    let o = authsel(&["new", path]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let o = authsel(&["eval", path]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let again = authsel(&["new", path]);
    assert_eq!(code(&again), 2);
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    let o = authsel(&["schema"]);
    assert_eq!(code(&o), 0);
    let s: serde_json::Value = serde_json::from_slice(&o.stdout).expect("schema is JSON");
    let purposes = s["properties"]["purposes"]["items"]["enum"]
        .as_array()
        .expect("purposes");
    assert!(purposes.iter().any(|p| p == "counterterrorism"));
    let o = authsel(&["vocab", "activities"]);
    assert_eq!(code(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.starts_with("activities ("), "{text}");
    assert!(text.contains("training: "), "{text}");
    let o = authsel(&["vocab", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("vocab JSON");
    for section in [
        "purposes",
        "activities",
        "facts",
        "partners",
        "recipients",
        "funding",
    ] {
        assert!(
            v[section].as_array().is_some_and(|a| !a.is_empty()),
            "{section}"
        );
    }
}

/// `--version` names the built-in rule base by the digest its decision records carry.
#[test]
fn version_names_the_rule_base() {
    let o = authsel(&["--version"]);
    assert_eq!(code(&o), 0);
    let v = String::from_utf8_lossy(&o.stdout);
    let digest = authsel::RuleBase::builtin().digest.clone();
    assert!(v.starts_with("authsel "), "{v}");
    assert!(
        v.contains(&format!("(built-in rules {})", &digest[..12])),
        "{v}"
    );
}

#[test]
fn show_and_explain_take_the_names_planners_use() {
    use crate::common::{authsel, code, stderr};
    let out = |o: &std::process::Output| String::from_utf8_lossy(&o.stdout).to_string();
    // A program: what it is, the authority whose rules decide.
    let o = authsel(&["show", "GPOI"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out(&o).starts_with("gpoi — Global Peace Operations Initiative (a program"));
    assert!(out(&o).contains("runs under: pko"), "{}", out(&o));
    // An alias of an authority says which id it names; `--as-of` says whether it was law then.
    let o = authsel(&["show", "Section 1206", "--as-of", "2020-01-01"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(out(&o).starts_with("\"Section 1206\" is a name for `ndaa06-1206`."));
    assert!(
        out(&o).contains("on 2020-01-01: no longer in force (repealed"),
        "{}",
        out(&o)
    );
    // The authority's sheet lists its programs and other names.
    let o = authsel(&["show", "pko"]);
    assert!(out(&o).contains("programs:   gpoi (Global Peace Operations Initiative)"));
    // Unknown: a did-you-mean over names too; exit 2.
    let o = authsel(&["show", "Dentn"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("did you mean `Denton`?"),
        "{}",
        stderr(&o)
    );
    // `--explain` reads a name as its authority; a program under several is refused with them.
    let o = authsel(&[
        "eval",
        "--explain",
        "1206",
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert!(out(&o).starts_with("ndaa06-1206 for "), "{}", out(&o));
    let o = authsel(&[
        "eval",
        "--explain",
        "OHDACA",
        "examples/01-ct-train-equip-333.ron",
    ]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("program under several authorities (usc10-2561"));
    // `programs --format json`: every program with its authorities.
    let o = authsel(&["programs", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
    let gpoi = v
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "gpoi")
        .expect("gpoi");
    assert_eq!(gpoi["under"], serde_json::json!(["pko"]));
}

#[test]
fn the_memo_as_a_printable_page_escapes_user_text() {
    use crate::common::{authsel, code};
    let text = std::fs::read_to_string("examples/12-philippines-f16-sustainment.ron")
        .expect("example")
        .replace(
            "F-16 sustainment package for the Philippine Air Force, partner-funded",
            "<script>alert(1)</script> & F-16",
        );
    let f = tmp("html-memo.ron", &text);
    let o = authsel(&["eval", "--format", "html", f.to_str().unwrap()]);
    assert_eq!(code(&o), 0);
    let page = String::from_utf8_lossy(&o.stdout);
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"));
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; F-16"));
    // The bottom line, the proposal in words, the not-legal-advice line; nothing from elsewhere.
    assert!(page.contains("Bottom line: Use fms (Foreign Military Sales"));
    assert!(
        page.contains("<td>funding</td><td>the partner&apos;s own funds</td>"),
        "{page}"
    );
    assert!(page.contains("Not legal advice"));
    assert!(!page.contains("http://") && !page.contains("https://") && !page.contains("src="));
    // Markdown has the same facts table; --detail does not apply to either memo.
    let o = authsel(&["eval", "--format", "markdown", f.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("| funding | the partner's own funds |"));
    let o = authsel(&[
        "eval",
        "--format",
        "html",
        "--detail",
        "brief",
        f.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
}

#[test]
fn new_ask_writes_a_proposal_from_answers_that_evaluates() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = std::env::temp_dir().join(format!("authsel-ask-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("asked.ron");
    let mut child = Command::new(env!("CARGO_BIN_EXE_authsel"))
        .args(["new", "--ask", file.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    let answers = "K-1\nNVG loan\nKenia\nKenya\nNationalMilitary\nCT\nloan\n3,000,000\n2027-03-01\n24\nPartnerNational\n\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(answers.as_bytes())
        .unwrap();
    let o = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("did you mean `Kenya`?"), "{err}");
    let o = crate::common::authsel(&["eval", file.to_str().unwrap()]);
    assert_eq!(crate::common::code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("Use AECA §§ 61-63"));
    // Too few answers: nothing written, exit 2.
    let other = dir.join("short.ron");
    let mut child = Command::new(env!("CARGO_BIN_EXE_authsel"))
        .args(["new", "--ask", other.to_str().unwrap()])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    child.stdin.take().unwrap().write_all(b"K-2\n").unwrap();
    let o = child.wait_with_output().expect("wait");
    assert_eq!(o.status.code(), Some(2));
    assert!(!other.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_as_of_judges_every_proposal_by_that_days_law_as_eval_does() {
    use crate::common::authsel;
    let file = "examples/01-ct-train-equip-333.ron";
    let recommended = |args: &[&str]| {
        let o = authsel(args);
        let line = String::from_utf8_lossy(&o.stdout)
            .lines()
            .find(|l| l.contains("\"recommended\""))
            .map(str::to_string)
            .expect("a decision line");
        let v: serde_json::Value = serde_json::from_str(&line).expect("json");
        (
            v["recommended"].clone(),
            v["candidates"].as_array().map(Vec::len),
        )
    };
    let eval = recommended(&["eval", "--format", "json", "--as-of", "2015-06-01", file]);
    let check = recommended(&[
        "check",
        "--format",
        "jsonl",
        "--detail",
        "full",
        "--as-of",
        "2015-06-01",
        file,
    ]);
    assert_eq!(eval, check);
    // § 333 was enacted on 23 December 2016: by the law of mid-2015 it is not the answer.
    assert_ne!(eval.0, serde_json::json!("usc10-333"));
    let today = recommended(&["check", "--format", "jsonl", "--detail", "full", file]);
    assert_eq!(today.0, serde_json::json!("usc10-333"));
}
