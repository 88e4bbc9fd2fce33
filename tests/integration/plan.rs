//! `authsel plan` and `RuleBase::plan`: the command in every format (the iCalendar file read back by
//! a real parser, the `ical` crate), hostile `amounts`, and the plan's invariants over generated
//! proposals: parts re-evaluated alone give the plan's verdicts, no part is ineligible, the parts'
//! activities partition the proposal's, their purposes cover it, and known shares sum to the amount.

use crate::common::{authsel, code, stderr};
use authsel::tools::diff::generate;
use authsel::{Proposal, RuleBase, Verdict};
use proptest::prelude::*;
use std::collections::BTreeSet;
use std::sync::OnceLock;

fn rules() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(RuleBase::builtin)
}

const CROSS: &str = "rules/cases/plans/08-parts-cross-36b.ron";
const NO_PLAN: &str = "rules/cases/plans/05-no-plan-drawdown-training.ron";
const SHARES_UNKNOWN: &str = "rules/cases/plans/03-training-and-education.ron";

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("UTF-8 output")
}

#[test]
fn human_output_names_the_parts_paperwork_threshold_and_timeline() {
    let o = authsel(&["plan", CROSS]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // Wrapped to the terminal's width: compared with the line breaks as spaces.
    let out = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "No single authority covers the whole proposal.",
        "Plan: fms + lease (2 authorities",
        "1. fms (AECA §§ 21-22",
        "amount: $45,000,000",
        "Paperwork: 2 notice(s), 1 certification(s), 0 concurrence(s), 0 vetting(s), 1 other; committees notified: 4",
        "Threshold: the parts together ($60,000,000) cross the threshold of congressional notification [AECA § 36(b)(1)",
        "Timeline, soonest first:",
        "(kept: the parts together cross its threshold) part 1 fms: congressional notification",
        "Alternatives:",
    ] {
        assert!(out.contains(needle), "missing {needle:?} in\n{out}");
    }
}

#[test]
fn no_plan_exits_1_and_says_why() {
    let o = authsel(&["plan", NO_PLAN]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let out = stdout(&o).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        out.contains("No plan: no set of authorities covers it."),
        "{out}"
    );
    assert!(out.contains("`training` fits no authority"), "{out}");
}

#[test]
fn json_is_one_object_with_the_documented_fields() {
    let o = authsel(&["plan", "--format", "json", "--today", "2027-03-20", CROSS]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).expect("one JSON object");
    assert_eq!(v["proposal"], "PHL-27-PLAN-08");
    assert_eq!(v["single"], serde_json::Value::Null);
    assert_eq!(v["today"], "2027-03-20");
    let best = &v["options"][0];
    assert_eq!(best["rank"], 1);
    assert_eq!(best["authorities"], serde_json::json!(["fms", "lease"]));
    assert_eq!(best["parts"][0]["amount_usd"], 45_000_000);
    assert_eq!(best["parts"][0]["verdict"], "eligible");
    assert_eq!(best["paperwork"]["notices"], 2);
    assert_eq!(best["crossings"][0]["kind"], "congressional_notification");
    // 20 February (the tiered-review consultation, 70 days before the start) is overdue on 20
    // March: the earliest start is 70 days after today.
    let first = &best["timeline"]["entries"][0];
    assert_eq!(first["due"], "2027-02-20");
    assert_eq!(first["overdue"], true);
    assert_eq!(best["earliest_start"], "2027-05-29");
}

#[test]
fn shares_not_given_are_asked_for() {
    let o = authsel(&["plan", "--format", "markdown", SHARES_UNKNOWN]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("## Plan for JOR-27-PLAN-03"), "{out}");
    assert!(out.contains("| 1 | usc10-333 (10 U.S.C. § 333) | training | counterterrorism | not given | eligible |"), "{out}");
    assert!(
        out.contains("how much of the $6,000,000 goes to training?"),
        "{out}"
    );
    assert!(out.contains("### Timeline"), "{out}");
}

#[test]
fn ics_is_rfc_5545_and_a_real_parser_reads_every_duty() {
    let o = authsel(&["plan", "--format", "ics", "--today", "2027-03-20", CROSS]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let text = stdout(&o);
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for line in text.split("\r\n") {
        assert!(
            !line.contains('\n') && !line.contains('\r'),
            "bare line break: {line:?}"
        );
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }
    let json = authsel(&["plan", "--format", "json", CROSS]);
    let v: serde_json::Value = serde_json::from_str(stdout(&json).trim()).expect("json");
    let duties = v["options"][0]["timeline"]["entries"]
        .as_array()
        .expect("entries")
        .len();
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("one calendar").expect("parses");
    assert!(parser.next().is_none(), "exactly one calendar");
    assert_eq!(cal.events.len(), duties);
    let prop = |e: &ical::parser::ical::component::IcalEvent, name: &str| {
        e.properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    let mut uids = BTreeSet::new();
    for e in &cal.events {
        assert!(uids.insert(prop(e, "UID")), "UIDs are unique");
        assert_eq!(prop(e, "DTSTAMP"), "20270320T000000Z");
        let start = e
            .properties
            .iter()
            .find(|p| p.name == "DTSTART")
            .expect("DTSTART");
        let params = start.params.clone().unwrap_or_default();
        assert!(params
            .iter()
            .any(|(k, v)| k == "VALUE" && v == &["DATE".to_string()]));
        assert_eq!(
            start.value.as_deref().map(str::len),
            Some(8),
            "all-day date"
        );
        let description = prop(e, "DESCRIPTION");
        assert!(description.contains("Citation: "), "{description}");
    }
    // The escaped text reads back: `AECA §§ 21-22\, ...` style commas and the citation of the kept notice.
    assert!(text.contains("DESCRIPTION:"), "{text}");
    assert!(
        cal.events
            .iter()
            .any(|e| prop(e, "DESCRIPTION").contains("AECA § 36(b)(1)\\, 22 U.S.C. § 2776(b)(1)")),
        "the citation, its comma escaped"
    );
    assert!(cal
        .events
        .iter()
        .any(|e| prop(e, "SUMMARY").starts_with("OVERDUE ")));
}

#[test]
fn hostile_amounts_are_located_errors_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("authsel-plan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let base =
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(CROSS))
            .expect("case");
    for (bad, code_want, needle) in [
        (
            r#"amounts: {"equipment": 45000000, "lease": 14000000}"#,
            "E0219",
            "`amounts` sums to $59,000,000, but `amount_usd` is $60,000,000",
        ),
        (
            r#"amounts: {"equipment": 45000000, "training": 15000000}"#,
            "E0219",
            "`amounts` names `training`, which is not one of this proposal's activities",
        ),
        (
            r#"amounts: {"equipment": 60000000}"#,
            "E0219",
            "`amounts` gives no amount for the activity `lease`",
        ),
        (
            r#"amounts: {"equipment": 45000000, "equipment": 15000000}"#,
            "E0210",
            "activity `equipment` is given twice in `amounts`",
        ),
        (
            r#"amounts: {"equipment": 0, "lease": 60000000}"#,
            "E0212",
            "the amount of `equipment` is 0",
        ),
        (
            r#"amounts: {"equipment": 18446744073709551615, "lease": 1}"#,
            "E0211",
            "the amount of `equipment`",
        ),
    ] {
        let text = base.replace(
            r#"amounts: {"equipment": 45000000, "lease": 15000000}"#,
            bad,
        );
        assert_ne!(text, base);
        refused(&dir, &text, bad, code_want, needle);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn hostile_serves_and_activity_funding_are_located_errors_with_did_you_mean() {
    let dir = std::env::temp_dir().join(format!("authsel-plan-serves-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("rules/cases/plans/01-train-equip-small-construction.ron"),
    )
    .expect("case");
    let good = r#""training": ["counterterrorism"], "equipment": ["counterterrorism"], "construction": ["humanitarian"]"#;
    for (bad, code_want, needle, line_text) in [
        (
            good.replace(r#""training": ["#, r#""trainng": ["#),
            "E0220",
            "`serves` names `trainng`, which is not one of this proposal's activities",
            "did you mean `training`?",
        ),
        (
            good.replace(r#"["humanitarian"]"#, r#"["humanitarain"]"#),
            "E0220",
            "`serves` says `construction` serves `humanitarain`, which is not one of this proposal's purposes",
            "did you mean `humanitarian`?",
        ),
        (
            good.replace(r#""construction": ["humanitarian"]"#, r#""construction": ["counterterrorism"]"#),
            "E0220",
            "`serves` gives the purpose `humanitarian` no activity",
            "",
        ),
        (
            good.replace(r#", "construction": ["humanitarian"]"#, ""),
            "E0220",
            "`serves` does not say which purpose the activity `construction` serves",
            "",
        ),
        (
            good.replace(r#""construction": ["humanitarian"]"#, r#""construction": []"#),
            "E0220",
            "`serves` gives the activity `construction` no purpose",
            "",
        ),
        (
            good.replace(r#"["humanitarian"]"#, r#"["humanitarian", "humanitarian"]"#),
            "E0210",
            "purpose `humanitarian` is listed twice for `construction` in `serves`",
            "",
        ),
        (
            format!(r#"{good}}}, activity_funding: {{"constructon": DoS"#),
            "E0221",
            "`activity_funding` names `constructon`, which is not one of this proposal's activities",
            "did you mean `construction`?",
        ),
    ] {
        let text = base.replace(
            "    amounts:",
            &format!("    serves: {{{bad}}},\n    amounts:"),
        );
        assert_ne!(text, base);
        let err = refused(&dir, &text, &bad, code_want, needle);
        assert!(err.contains(line_text), "{bad}: {err}");
    }
    // Stated well, it is read and the plan follows it; `eval` is unchanged by it.
    let text = base.replace(
        "    amounts:",
        &format!("    serves: {{{good}}},\n    amounts:"),
    );
    let file = dir.join("good.ron");
    std::fs::write(&file, &text).expect("write");
    let o = authsel(&["plan", file.to_str().expect("utf-8 path")]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(!stdout(&o).contains("Assumed:"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_many_activities_is_a_typed_error() {
    let p = Proposal {
        activities: [
            "training",
            "equipment",
            "services",
            "construction",
            "advising",
            "education",
            "transport",
        ]
        .map(String::from)
        .to_vec(),
        ..generate(rules(), rules(), 1, 7).pop().expect("one")
    };
    let e = rules().plan(&p).expect_err("seven activities");
    assert_eq!(
        e,
        authsel::PlanError::TooManyActivities {
            count: 7,
            max: authsel::plan::MAX_ACTIVITIES
        }
    );
}

/// A generated proposal with the activities and purposes of a second one added (so plans of several
/// parts are exercised), and, on odd seeds, its amount divided among its activities.
fn knit_proposal(seed: u64) -> Proposal {
    let mut two = generate(rules(), rules(), 2, seed);
    let other = two.pop().expect("two");
    let mut p = two.pop().expect("two");
    for a in other.activities {
        if !p.activities.contains(&a) && p.activities.len() < 4 {
            p.activities.push(a);
        }
    }
    for x in other.purposes {
        if !p.purposes.contains(&x) && p.purposes.len() < 3 {
            p.purposes.push(x);
        }
    }
    if seed % 2 == 1 {
        let n = p.activities.len() as u64;
        let each = p.amount_usd / n;
        let mut left = p.amount_usd;
        for (i, a) in p.activities.iter().enumerate() {
            let v = if i + 1 == p.activities.len() {
                left
            } else {
                each.max(1)
            };
            left -= v.min(left);
            p.amounts.insert(a.clone(), v);
        }
        if p.amounts.values().any(|v| *v == 0) {
            p.amounts.clear();
        }
    }
    p
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_offered_plan_holds_its_invariants(seed in any::<u64>()) {
        let p = knit_proposal(seed);
        let plan = rules().plan(&p).expect("within the bounds");
        prop_assert!(plan.options.len() <= 3);
        prop_assert_eq!(plan.options.is_empty(), !plan.why_none.is_empty());
        for o in &plan.options {
            let mut seen: Vec<&String> = Vec::new();
            let mut purposes = BTreeSet::new();
            let mut shares: Option<u64> = Some(0);
            for part in &o.parts {
                // Re-evaluated alone, the part gives the plan's verdict, never ineligible.
                let alone = rules().evaluate(&part.proposal).explain();
                let c = alone.candidate(&part.authority).expect("its authority is a candidate");
                prop_assert_eq!(c.verdict, part.verdict);
                prop_assert_ne!(part.verdict, Verdict::Ineligible);
                prop_assert_eq!(&part.proposal.activities, &part.activities);
                seen.extend(&part.activities);
                purposes.extend(part.purposes.iter().cloned());
                shares = match (shares, part.amount_usd) {
                    (Some(s), Some(v)) => s.checked_add(v),
                    _ => None,
                };
            }
            // The parts' activities partition the proposal's.
            let mut want: Vec<&String> = p.activities.iter().collect();
            want.sort();
            seen.sort();
            prop_assert_eq!(seen, want);
            prop_assert_eq!(purposes, p.purposes.iter().cloned().collect::<BTreeSet<_>>());
            // Known shares sum to the amount; unknown ones only when the proposal does not divide it.
            match shares {
                Some(s) => prop_assert_eq!(s, p.amount_usd),
                None => prop_assert!(p.amounts.is_empty() && o.parts.len() > 1),
            }
        }
    }
}

#[test]
fn check_plan_adds_plans_and_charges_the_parts_to_their_ceilings() {
    let without = authsel(&["check", "rules/cases/plans/"]);
    let with = authsel(&["check", "--plan", "rules/cases/plans/"]);
    // The exit code says the same: these proposals still have no single authority.
    assert_eq!(code(&without), code(&with), "{}", stderr(&with));
    let (without, with) = (stdout(&without), stdout(&with));
    assert!(!without.contains("Plans for proposals"), "{without}");
    assert!(
        with.contains("Plans for proposals no single authority fits"),
        "{with}"
    );
    assert!(with.contains("| KEN-27-PLAN-02 | rules/cases/plans/02-equipment-and-lease.ron            | fms + lease "), "{with}");
    // § 345's fellowship ceiling is charged with the education parts: JOR-27-PLAN-03 does not
    // divide its amount (the whole $6M, the most its share can be) and JOR-27-PLAN-16 gives $1M.
    let fellowship = with
        .lines()
        .find(|l| l.contains("| usc10-345 | FY2027 | fellowship"))
        .unwrap_or_else(|| panic!("no fellowship row in\n{with}"));
    assert!(fellowship.contains("| $7,000,000 "), "{fellowship}");
    assert!(
        !without.contains("| usc10-345 | FY2027 | fellowship"),
        "{without}"
    );
    let lines = stdout(&authsel(&[
        "check",
        "--plan",
        "--format",
        "jsonl",
        "rules/cases/plans/",
    ]));
    let line = lines
        .lines()
        .find(|l| l.contains("\"proposal\":\"KEN-27-PLAN-02\""))
        .expect("a decision line");
    let v: serde_json::Value = serde_json::from_str(line).expect("JSON line");
    assert_eq!(v["kind"], "decision");
    assert_eq!(v["plan"], "fms + lease");
    // The Markdown report has the plans too.
    let md = stdout(&authsel(&[
        "check",
        "--plan",
        "--format",
        "markdown",
        "rules/cases/plans/",
    ]));
    assert!(
        md.contains("## Plans for proposals no single authority fits"),
        "{md}"
    );
    assert!(
        md.contains(
            "| KEN-27-PLAN-02 | rules/cases/plans/02-equipment-and-lease.ron | fms + lease |"
        ),
        "{md}"
    );
    // JUnit says it beside the failure; the full JSON object gains `plan` only when asked.
    let junit = stdout(&authsel(&[
        "check",
        "--plan",
        "--format",
        "junit",
        "rules/cases/plans/",
    ]));
    assert!(
        junit.contains("<system-out>plan: fms + lease</system-out>"),
        "{junit}"
    );
    for (args, has) in [
        (
            &["check", "--plan", "--format", "json", "rules/cases/plans/"][..],
            true,
        ),
        (
            &["check", "--format", "json", "rules/cases/plans/"][..],
            false,
        ),
    ] {
        let report: serde_json::Value =
            serde_json::from_str(&stdout(&authsel(args))).expect("one JSON report");
        let v = report["decisions"]
            .as_array()
            .expect("decisions")
            .iter()
            .find(|d| d["proposal"] == "KEN-27-PLAN-02")
            .expect("the decision")
            .clone();
        assert_eq!(v.get("plan").is_some(), has, "{args:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Mutations of a plan case (delete, insert or replace a byte range, `amounts` included): an
    /// error, or a plan every renderer writes, the calendar's lines within 75 octets. Never a panic.
    #[test]
    fn mutated_plan_inputs_never_panic(at in 0usize..900, len in 0usize..8, ins in "[\\x00-\\x7f§é]{0,6}") {
        let base = include_str!("../../rules/cases/plans/08-parts-cross-36b.ron");
        let mut s = base.to_string();
        let at = at.min(s.len());
        let end = (at + len).min(s.len());
        if s.is_char_boundary(at) && s.is_char_boundary(end) {
            s.replace_range(at..end, &ins);
        }
        if let Ok(p) = rules().read_proposal("m.ron", &s) {
            if let Ok(plan) = rules().plan(&p) {
                prop_assert_eq!(&plan.proposal, &p.id);
                let _ = authsel::render::human::plan(&plan, 100);
                let _ = authsel::render::markdown::plan(&plan);
                let _ = authsel::render::json::plan(&plan);
                let ics = authsel::render::ics::plan(&plan, jiff::Timestamp::UNIX_EPOCH);
                for line in ics.split("\r\n") {
                    prop_assert!(line.len() <= 75 && !line.contains(['\n', '\r']), "{line:?}");
                }
            }
        }
    }
}

/// `plan` refuses `text` (written to `dir/bad.ron`) with exit 2, the error code, the words, and the
/// file:line:col with a caret; its stderr.
fn refused(dir: &std::path::Path, text: &str, bad: &str, code_want: &str, needle: &str) -> String {
    let file = dir.join("bad.ron");
    std::fs::write(&file, text).expect("write");
    let o = authsel(&["plan", file.to_str().expect("utf-8 path")]);
    let err = stderr(&o);
    assert_eq!(code(&o), 2, "{bad}: {err}");
    assert!(err.contains(&format!("error[{code_want}]")), "{bad}: {err}");
    assert!(err.contains(needle), "{bad}: {err}");
    assert!(
        err.contains("bad.ron:") && err.contains('^'),
        "file:line:col and caret: {err}"
    );
    err
}
