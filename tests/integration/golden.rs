//! Golden explanations: the planner's report for each proposal in `tests/golden/inputs/` is
//! compared with `tests/golden/snapshots/`. Review changes with `cargo insta review`, or accept them
//! with `INSTA_UPDATE=always cargo test golden` and read the diff before committing.

use authsel::render::human::{self, Detail};
use authsel::render::markdown;
use authsel::tools::cases::parse_directives;
use authsel::{Context, RuleBase};
use std::path::Path;

/// The explanation of a golden input, judged as its directives say (`as_of`, ledger).
fn explained(rb: &RuleBase, name: &str, text: &str) -> authsel::Explanation {
    let case = parse_directives(name, text).expect("golden directives");
    let p = rb
        .read_proposal(name, text)
        .expect("golden inputs are valid proposals");
    let ctx = Context {
        as_of: case.as_of,
        ledger: Some(&case.ledger),
    };
    rb.evaluate_with(&p, &ctx).into_explanation()
}

fn render(rb: &RuleBase, name: &str, text: &str) -> String {
    let d = explained(rb, name, text);
    let mut out = human::decision(&d, Detail::Planner);
    // The decision record is checked elsewhere; here it would churn with every rule edit.
    out.push_str(&format!(
        "\nrecord: authsel {}, as of {}\n",
        d.record.authsel_version, d.record.as_of
    ));
    out
}

#[test]
fn golden_explanations() {
    let rb = RuleBase::builtin();
    let inputs = golden_inputs();
    assert!(
        inputs.len() >= 20,
        "at least 20 golden proposals, found {}",
        inputs.len()
    );
    for (stem, text) in inputs {
        let out = render(&rb, &stem, &text);
        insta::with_settings!({
            snapshot_path => "../golden/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, out);
        });
    }
}

#[test]
fn golden_markdown_memo() {
    let rb = RuleBase::builtin();
    let text = include_str!("../golden/inputs/01-eligible-333-contrast.ron");
    let p = rb.read_proposal("memo", text).expect("valid");
    let d = rb.evaluate(&p).explain();
    let md = markdown::memo_of(&d, Some(&p));
    // The page has the same content; its record line (with digests) is left out like the memo's.
    let html: String = authsel::render::html::memo(&d, Some(&p))
        .lines()
        .filter(|l| !l.contains("class=\"small\""))
        .map(|l| format!("{l}\n"))
        .collect();
    let md: String = md
        .lines()
        .filter(|l| !l.starts_with("<sub>"))
        .map(|l| format!("{l}\n"))
        .collect();
    insta::with_settings!({
        snapshot_path => "../golden/snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("memo-01", md);
        insta::assert_snapshot!("memo-01-html", html);
    });
}

/// The default view of each golden proposal at 100 columns: the staff officer's answer.
fn brief(rb: &RuleBase, name: &str, text: &str) -> String {
    human::brief(&explained(rb, name, text), 100)
}

fn golden_inputs() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/inputs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/golden/inputs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("x");
            (stem.to_string(), std::fs::read_to_string(&p).expect("read"))
        })
        .collect()
}

#[test]
fn golden_brief_views() {
    let rb = RuleBase::builtin();
    for (stem, text) in golden_inputs() {
        let out = brief(&rb, &stem, &text);
        insta::with_settings!({
            snapshot_path => "../golden/snapshots/brief",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, out);
        });
    }
}

/// The default view fits a screen and speaks the planner's language, for every golden proposal and
/// every example: at most 45 lines at 100 columns (a screen; the longest is a partner the registry
/// lacks, whose duties are listed both ways and whose group memberships are asked), wrapped to the
/// width (60 and 100), no engine ids
/// or operators in prose.
#[test]
fn the_brief_view_is_short_wrapped_and_plain() {
    let rb = RuleBase::builtin();
    let mut inputs = golden_inputs();
    for e in
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")).expect("examples")
    {
        let p = e.expect("entry").path();
        inputs.push((
            p.display().to_string(),
            std::fs::read_to_string(&p).expect("read"),
        ));
    }
    let engine_words = [
        "UsgStocks",
        "PartnerNational",
        "NationalMilitary",
        "OtherSecurityForces",
        "NonGovernmental",
        "NotStarted",
        " == ",
        " != ",
        "_usd",
    ];
    for (name, text) in inputs {
        for width in [60, 100] {
            let out = brief(&rb, &name, &text);
            let out = if width == 100 {
                out
            } else {
                let p = rb.read_proposal(&name, &text).expect("valid");
                human::brief(&rb.evaluate(&p).into_explanation(), width)
            };
            let lines: Vec<&str> = out.lines().collect();
            if width == 100 {
                assert!(lines.len() <= 45, "{name}: {} lines\n{out}", lines.len());
            }
            for l in &lines {
                // Only a word too long for any line (a long id) may overflow.
                let longest = l
                    .split_whitespace()
                    .map(|w| w.chars().count())
                    .max()
                    .unwrap_or(0);
                assert!(
                    l.chars().count() <= width || longest > width / 3,
                    "{name} at {width}: line too long: {l}"
                );
            }
            // What to type into a file is quoted in backticks (`offer_date`, a fact's id): that is
            // not prose, so only the text outside backticks must be free of engine words.
            let prose: String = out.split('`').step_by(2).collect();
            for w in engine_words {
                assert!(!prose.contains(w), "{name}: engine word `{w}` in\n{out}");
            }
        }
    }
}

/// The six ordinary requests a planner brought (issue 15), written from `authsel new` and `vocab`
/// alone: each default view is a snapshot, and each ends in something to act on: a
/// recommendation, or the question of purpose when only the purpose stands in the way.
#[test]
fn golden_planner_requests() {
    let rb = RuleBase::builtin();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut seen = 0;
    for n in 11..=16 {
        let path = std::fs::read_dir(&dir)
            .expect("examples")
            .map(|e| e.expect("entry").path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|f| f.to_string_lossy().starts_with(&format!("{n}-")))
            })
            .expect("the planner's request");
        let stem = path
            .file_stem()
            .expect("stem")
            .to_string_lossy()
            .to_string();
        let text = std::fs::read_to_string(&path).expect("read");
        let d = explained(&rb, &stem, &text);
        assert!(
            d.recommended.is_some() || !d.purpose_fits.is_empty(),
            "{stem}: nothing to act on"
        );
        let out = brief(&rb, &stem, &text);
        insta::with_settings!({
            snapshot_path => "../golden/snapshots/planner",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(stem, out);
        });
        seen += 1;
    }
    assert_eq!(seen, 6);
}

/// What a planner reads before writing a proposal, and what a mistake in one gets: `vocab`, the
/// `new` template, and the errors for the common slips (commas in a number, a negative amount, a
/// float, a date not written YYYY-MM-DD, an enum value in the wrong case, a near-miss id).
#[test]
fn golden_planner_words_template_and_errors() {
    use authsel::tools::{form, vocab};
    let rb = RuleBase::builtin();
    let listed: Vec<_> = vocab::Section::ALL
        .into_iter()
        .map(|s| (s, vocab::entries(&rb, s)))
        .collect();
    let good = include_str!("../golden/inputs/01-eligible-333-contrast.ron");
    let slips = [
        ("commas", "amount_usd: 25000000", "amount_usd: 25,000,000"),
        ("negative", "amount_usd: 25000000", "amount_usd: -5"),
        ("float", "amount_usd: 25000000", "amount_usd: 2.5e7"),
        ("date", "start: \"2027-04-01\"", "start: \"04/01/2027\""),
        ("enum case", "leahy: Passed", "leahy: passed"),
        ("near miss", "\"counterterrorism\"", "\"counter_terrorsm\""),
    ];
    let mut errors = String::new();
    for (what, from, to) in slips {
        assert!(good.contains(from), "{what}: the input has `{from}`");
        let text = good.replacen(from, to, 1);
        let d = rb.read_proposal("p.ron", &text).expect_err(what);
        errors.push_str(&format!("--- {what}: `{to}`\n"));
        for diag in d {
            errors.push_str(&format!("{diag}\n"));
        }
    }
    insta::with_settings!({
        snapshot_path => "../golden/snapshots/planner",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("vocab", human::vocab(&listed, 100));
        insta::assert_snapshot!("new-template", form::template(&rb));
        insta::assert_snapshot!("input-errors", errors);
    });
}
