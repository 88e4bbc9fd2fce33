//! Golden explanations: the planner's report for each proposal in `tests/golden/inputs/` is
//! compared with `tests/golden/snapshots/`. Review changes with `cargo insta review`, or accept them
//! with `INSTA_UPDATE=always cargo test golden` and read the diff before committing.

use authsel::render::human::{self, Detail};
use authsel::render::markdown;
use authsel::tools::cases::parse_directives;
use authsel::{Context, RuleBase};
use std::path::Path;

fn render(rb: &RuleBase, name: &str, text: &str) -> String {
    let case = parse_directives(name, text).expect("golden directives");
    let p = rb
        .read_proposal(name, text)
        .expect("golden inputs are valid proposals");
    let d = rb
        .evaluate_with(
            &p,
            &Context {
                as_of: case.as_of,
                ledger: Some(&case.ledger),
            },
        )
        .into_explanation();
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
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/inputs");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/golden/inputs")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    names.sort();
    assert!(
        names.len() >= 20,
        "at least 20 golden proposals, found {}",
        names.len()
    );
    for path in names {
        let text = std::fs::read_to_string(&path).expect("read");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("x")
            .to_string();
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
    let md = markdown::memo(&rb.evaluate(&p).explain());
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
    });
}
