//! The linter's unit tests.

use super::*;

const VOCAB: &str = "purpose p \"p\"\nactivity a \"a\"\nfact f: bool \"f\"\nfact n: int \"n\"\n";

fn lint_text(body: &str) -> LintReport {
    lint(&[
        SourceFile {
            name: "v.auth".into(),
            text: VOCAB.into(),
        },
        SourceFile {
            name: "x.auth".into(),
            text: format!(
                "authority x {{\n    name \"X\"\n    citation \"C\"\n    serves p\n    provides a\n{body}}}\n"
            ),
        },
    ])
}

fn codes(r: &LintReport) -> Vec<&'static str> {
    r.diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info && d.file != "v.auth")
        .map(|d| d.code)
        .collect()
}

#[test]
fn contradictory_bounds_are_an_error_with_a_position() {
    let r = lint_text(
        "    require r: amount_usd <= $5M and amount_usd > $10M and fact.f and fact.n > 1 cite \"c\"\n",
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "E0301")
        .expect("E0301");
    assert_eq!((d.file.as_str(), d.line, d.column), ("x.auth", 6, 16));
    assert!(
        d.message
            .contains("`amount_usd <= $5M` contradicts `amount_usd > $10M`"),
        "{}",
        d.message
    );
}

#[test]
fn discrete_bounds_and_dates_are_exact() {
    // < 2027-01-01 and > 2026-12-31: no calendar day between.
    let r = lint_text("    require r: start < 2027-01-01 and start > 2026-12-31 cite \"c\"\n");
    assert_eq!(codes(&r), ["E0301"]);
    let r = lint_text("    require r: start < 2027-01-02 and start > 2026-12-31 cite \"c\"\n");
    assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
    let r = lint_text(
        "    require r: fact.n >= 1 and fact.n <= 2 and fact.n != 1 and fact.n != 2 cite \"c\"\n",
    );
    assert_eq!(codes(&r), ["E0301"]);
    let r = lint_text("    require r: recipient in [NationalMilitary] and recipient == OtherSecurityForces cite \"c\"\n");
    assert_eq!(codes(&r), ["E0301"]);
    let r = lint_text("    require r: emergency and not (emergency or fact.f) cite \"c\"\n");
    assert_eq!(codes(&r), ["E0301"]);
    let r = lint_text(
        "    require r: (amount_usd < $1M or amount_usd > $9M) and amount_usd == $5M cite \"c\"\n",
    );
    assert_eq!(codes(&r), ["E0301"]);
    let r = lint_text(
        "    require r: (amount_usd < $1M or amount_usd > $9M) and amount_usd >= $5M cite \"c\"\n",
    );
    assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
}

#[test]
fn guard_contradicting_condition_and_dead_guard() {
    let r = lint_text("    require r: amount_usd <= $5M when amount_usd > $10M cite \"c\"\n");
    assert_eq!(codes(&r), ["E0302"]);
    let r = lint_text("    ceiling c: $5M per fiscal_year when fact.f and not fact.f cite \"c\"\n");
    assert_eq!(codes(&r), ["E0301"]);
}

#[test]
fn stricter_rules_shadow_looser_ones() {
    let r = lint_text(
        "    require a: amount_usd <= $5M cite \"c\"\n    require b: amount_usd <= $10M cite \"c\"\n",
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "W0311")
        .expect("W0311");
    assert!(
        d.message
            .starts_with("rule `b` is shadowed by the stricter `a`"),
        "{}",
        d.message
    );
    // Different guards: both may matter.
    let r = lint_text(
        "    require a: amount_usd <= $5M when fact.f cite \"c\"\n    require b: amount_usd <= $10M cite \"c\"\n",
    );
    assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
    let r = lint_text(
        "    ceiling a: $5M per fiscal_year cite \"c\"\n    ceiling b: $10M per fiscal_year cite \"c\"\n",
    );
    assert_eq!(codes(&r), ["W0311"]);
}

#[test]
fn sub_ceiling_larger_than_parent_is_an_error() {
    let r = lint_text(
        "    ceiling all: $5M per fiscal_year cite \"c\"\n    ceiling sub: $10M per fiscal_year within all cite \"c\"\n",
    );
    assert_eq!(codes(&r), ["E0303"]);
}

#[test]
fn vocabulary_warnings_and_unconfirmed_notes() {
    let r = lint(&[SourceFile {
        name: "v.auth".into(),
        text: "purpose p \"p\"\npurpose q \"q\" is p\npurpose r \"r\"\nactivity a \"a\"\nfact f: bool \"f\"\n\
               authority x { name \"X\" citation \"C\" serves p caveat \"maybe\"\n\
               ceiling c: $1M per fiscal_year cite \"c\" unconfirmed \"value not read\" }\n\
               authority y { name \"Y\" citation \"C\" }\n"
            .into(),
    }]);
    let codes: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.code)
        .collect();
    assert_eq!(codes, ["W0313", "W0314", "W0312", "W0310"]);
    let infos: Vec<&str> = r
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .map(|d| d.code)
        .collect();
    assert_eq!(infos, ["I0321", "I0320"]);
}

#[test]
fn check_errors_come_first_and_keep_their_codes() {
    let r = lint_text("    serves nowhere\n    require r: amount_usd <= $1M cite \"\"\n");
    assert_eq!(codes(&r), ["E0102", "E0104"]);
}

#[test]
fn builtin_rules_have_no_lint_errors() {
    let r = lint(&crate::RuleBase::builtin_files());
    let errors: Vec<String> = r
        .diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{}", errors.join(""));
}

#[test]
fn the_builtin_rules_use_a_sliver_of_the_search_budget() {
    let (_, used) = run(&crate::RuleBase::builtin_files());
    eprintln!("builtin lint steps: {used}");
    assert!(used < MAX_LINT_STEPS / 100, "{used}");
}

#[test]
fn a_long_conjunction_of_disjunctions_lints_on_a_small_stack() {
    // The search went one call deeper per disjunction: 3,000 of them overflowed a 256 KiB stack.
    let big = vec!["(fact.f or fact.n > 1)"; 3000].join(" and ");
    let r = std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(move || lint_text(&format!("    require r: {big} cite \"c\"\n")))
        .expect("spawn")
        .join()
        .expect("no overflow");
    assert!(codes(&r).is_empty(), "{:?}", r.diagnostics);
    let r = lint_text(&format!(
        "    require r: {} and fact.n < 0 and fact.n > 5 cite \"c\"\n",
        vec!["(fact.f or fact.n > 1)"; 50].join(" and ")
    ));
    assert_eq!(codes(&r), ["E0301"]);
}

#[test]
fn many_rules_with_one_guard_lint_within_the_budget() {
    // 10,000 rules compared pairwise took 114 s; the pairs now share the run's budget.
    let rules: String = (0..10_000)
        .map(|i| {
            format!(
                "    require r{i}: amount_usd <= ${}M or fact.f cite \"c\"\n",
                i + 1
            )
        })
        .collect();
    let (_, used) = run(&[
        SourceFile {
            name: "v.auth".into(),
            text: VOCAB.into(),
        },
        SourceFile {
            name: "x.auth".into(),
            text: format!("authority x {{\n    name \"X\"\n    citation \"C\"\n    serves p\n    provides a\n{rules}}}\n"),
        },
    ]);
    assert!(used <= MAX_LINT_STEPS);
    // Ceilings are sorted, not compared pairwise: every one but the smallest is shadowed, each by
    // the first stricter one.
    let ceilings: String = (0..5_000)
        .map(|i| {
            format!(
                "    ceiling c{i}: ${}M per fiscal_year cite \"c\"\n",
                5_000 - i
            )
        })
        .collect();
    let r = lint_text(&ceilings);
    assert_eq!(codes(&r).len(), 4_999);
    assert!(r.diagnostics.iter().any(|d| d
        .message
        .starts_with("ceiling `c0` ($5,000,000,000) is shadowed by `c1` ($4,999,000,000")));
}

#[test]
fn value_histories_lint_gaps_repeats_unread_and_dates() {
    let r = lint(&[
        SourceFile {
            name: "v.auth".into(),
            text: format!("{VOCAB}value g: usd \"g\" {{\n    from FY2010 to FY2011 $1M cite \"a\"\n    from FY2014 $1M cite \"b\" unconfirmed \"u\"\n}}\nvalue unread: int \"u\" {{ from 2020-01-01 3 cite \"c\" }}\n"),
        },
        SourceFile {
            name: "x.auth".into(),
            text: "authority x {\n    name \"X\"\n    citation \"C\"\n    effective 2020-01-01 cite \"e\" unconfirmed \"why\"\n    repealed 2019-06-01\n    serves p\n    ceiling c: value.g per fiscal_year cite \"c\"\n}\n".into(),
        },
    ]);
    let got: Vec<(&str, usize)> = r.diagnostics.iter().map(|d| (d.code, d.line)).collect();
    for want in [
        ("W0315", 7),
        ("W0316", 7),
        ("I0320", 7),
        ("W0317", 9),
        ("E0304", 5),
        ("I0320", 4),
    ] {
        assert!(got.contains(&want), "{want:?} not in {got:?}");
    }
}

#[test]
fn an_exception_keyed_on_a_present_purpose_is_flagged_where_it_is() {
    let r = lint_text(
        "    require r: fact.f\n        when amount_usd > $1M and not (purposes has p or fact.n > 1)\n        cite \"c\"\n",
    );
    let d = r
        .diagnostics
        .iter()
        .find(|d| d.code == "W0318")
        .expect("W0318");
    assert_eq!((d.file.as_str(), d.line, d.column), ("x.auth", 7, 40));
    assert!(
        d.message.contains("`not purposes only [p]`"),
        "{}",
        d.message
    );
    // Scoped with `only`, or a positive `has` that switches a rule on: nothing to say.
    for guard in [
        "not purposes only [p]",
        "purposes has p",
        "not not purposes any [p]",
    ] {
        let r = lint_text(&format!("    require r: fact.f when {guard} cite \"c\"\n"));
        assert!(
            !codes(&r).contains(&"W0318"),
            "{guard}: {:?}",
            r.diagnostics
        );
    }
}
