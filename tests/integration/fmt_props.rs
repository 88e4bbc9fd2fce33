//! `authsel fmt`: `parse(fmt(x)) == parse(x)` (spans aside), `fmt(fmt(x)) == fmt(x)`, and every
//! comment kept, over every built-in rule file and over generated rule files (random structure,
//! random whitespace and comments between any two tokens).

use authsel::lang::fmt::{format_source, strip_spans};
use authsel::lang::parse_file;
use authsel::RuleBase;
use proptest::prelude::*;

fn fmt(name: &str, text: &str) -> String {
    match format_source(name, text) {
        Ok(s) => s,
        Err(d) => panic!(
            "{}\n--- input ---\n{text}",
            d.iter().map(ToString::to_string).collect::<String>()
        ),
    }
}

fn tree(name: &str, text: &str) -> String {
    let (items, diags) = parse_file(name, text);
    assert!(diags.is_empty(), "{diags:?}\n--- text ---\n{text}");
    strip_spans(&format!("{items:?}"))
}

fn comments(text: &str) -> Vec<String> {
    // Every built-in comment starts a line or follows code outside a string; `"//"` inside strings
    // does not occur in the rule files, which this test would notice as a count mismatch.
    text.lines()
        .filter_map(|l| l.find("//").map(|i| l[i..].trim_end().to_string()))
        .collect()
}

#[test]
fn builtin_files_format_to_the_same_rules_and_keep_every_comment() {
    let files = RuleBase::builtin_files();
    let mut formatted = Vec::new();
    for f in &files {
        let once = fmt(&f.name, &f.text);
        assert_eq!(tree(&f.name, &once), tree(&f.name, &f.text), "{}", f.name);
        assert_eq!(fmt(&f.name, &once), once, "{} is not idempotent", f.name);
        assert_eq!(comments(&once), comments(&f.text), "{}", f.name);
        for (i, l) in once.lines().enumerate() {
            assert!(!l.ends_with(' '), "{}:{}: trailing space", f.name, i + 1);
        }
        formatted.push(authsel::SourceFile {
            name: f.name.clone(),
            text: once,
        });
    }
    // The formatted rule base still checks, to the same model. The model keeps each condition's
    // source text (`condition`, `when`), whose spacing fmt may change, so compare without blanks;
    // the syntax-tree comparison above is the exact one.
    let a = RuleBase::from_files(&files).expect("built-in rules");
    let b = RuleBase::from_files(&formatted).expect("formatted rules check");
    let squash = |s: String| s.split_whitespace().collect::<String>();
    for (x, y) in a.authorities.iter().zip(&b.authorities) {
        assert!(
            squash(format!("{x:?}")) == squash(format!("{y:?}")),
            "authority {} differs after fmt",
            x.id
        );
    }
    assert_eq!(a.authorities.len(), b.authorities.len());
    assert_eq!(
        squash(format!("{:?}", a.restrictions)),
        squash(format!("{:?}", b.restrictions))
    );
    assert_eq!(a.purposes, b.purposes);
    assert_eq!(a.facts, b.facts);
    assert_eq!(a.registry, b.registry);
}

// ---- generated rule files --------------------------------------------------------------------

fn toks(s: &[&str]) -> Vec<String> {
    s.iter().map(|t| t.to_string()).collect()
}

fn atom() -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        Just(toks(&["amount_usd", "<=", "$5M"])),
        Just(toks(&["amount_usd", ">", "$1.5M"])),
        Just(toks(&["emergency"])),
        Just(toks(&["fact.f"])),
        Just(toks(&["partner.g"])),
        Just(toks(&["duration_months", "<=", "60 months"])),
        Just(toks(&["start", ">=", "2027-01-01"])),
        Just(toks(&["end_fiscal_year", "<=", "fiscal_year", "+", "2"])),
        Just(toks(&[
            "recipient",
            "in",
            "[",
            "NationalMilitary",
            ",",
            "OtherSecurityForces",
            "]"
        ])),
        Just(toks(&["funding", "not", "in", "[", "DoD", "]"])),
        Just(toks(&["partner", "==", "\"Taiwan\""])),
        Just(toks(&["purposes", "has", "p0"])),
        Just(toks(&["activities", "any", "[", "a0", ",", "a1", "]"])),
        Just(toks(&["leahy", "==", "Passed"])),
    ]
}

fn expr() -> impl Strategy<Value = Vec<String>> {
    atom().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| [a, toks(&["and"]), b].concat()),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| [a, toks(&["or"]), b].concat()),
            inner
                .clone()
                .prop_map(|a| [toks(&["not", "("]), a, toks(&[")"])].concat()),
            inner.prop_map(|a| [toks(&["("]), a, toks(&[")"])].concat()),
        ]
    })
}

fn rule(i: usize) -> impl Strategy<Value = Vec<String>> {
    let name = format!("r{i}");
    let cite = toks(&["cite", "\"C § 1\""]);
    prop_oneof![
        (expr(), proptest::option::of(expr()), any::<bool>()).prop_map({
            let (name, cite) = (name.clone(), cite.clone());
            move |(e, w, because)| {
                let mut t = toks(&["require", &name, ":"]);
                t.extend(e);
                if let Some(w) = w {
                    t.push("when".into());
                    t.extend(w);
                }
                if because {
                    t.extend(toks(&[
                        "because",
                        "\"a reason that is fairly long, to push lines past the width\"",
                    ]));
                }
                t.extend(cite.clone());
                t
            }
        }),
        proptest::option::of(expr()).prop_map({
            let (name, cite) = (name.clone(), cite.clone());
            move |w| {
                let mut t = toks(&["ceiling", &name, ":", "$100M", "per", "fiscal_year"]);
                if let Some(w) = w {
                    t.push("when".into());
                    t.extend(w);
                }
                t.extend(cite.clone());
                t.extend(toks(&["unconfirmed", "\"not read\""]));
                t
            }
        }),
        Just({
            let mut t = toks(&[
                "duty",
                &name,
                ":",
                "congressional_notification",
                "to",
                "\"SFRC\"",
                "15",
                "days",
                "before",
                "start",
            ]);
            t.extend(cite);
            t
        }),
    ]
}

fn authority() -> impl Strategy<Value = Vec<String>> {
    (
        prop::collection::vec(any::<u8>(), 1..5).prop_flat_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, _)| rule(i))
                .collect::<Vec<_>>()
        }),
        any::<bool>(),
    )
        .prop_map(|(rules, caveat)| {
            let mut t = toks(&[
                "authority",
                "x-1",
                "{",
                "name",
                "\"X\"",
                "citation",
                "\"X § 1\"",
                "serves",
                "p0",
                ",",
                "p1",
                "cite",
                "\"X § 1(a)\"",
                "provides",
                "a0",
                "recipients",
                "NationalMilitary",
                ",",
                "OtherSecurityForces",
            ]);
            if caveat {
                t.extend(toks(&["caveat", "\"a caveat\""]));
            }
            t.extend(rules.into_iter().flatten());
            t.push("}".into());
            t
        })
}

fn file_tokens() -> impl Strategy<Value = Vec<String>> {
    authority().prop_map(|a| {
        let mut t = toks(&[
            "purpose",
            "p0",
            "\"zero\"",
            "purpose",
            "p1",
            "\"one\"",
            "is",
            "p0",
            "activity",
            "a0",
            "\"a\"",
            "activity",
            "a1",
            "\"b\"",
            "fact",
            "f",
            ":",
            "bool",
            "=",
            "false",
            "\"f\"",
            "group",
            "g",
            "\"g\"",
            "cite",
            "\"G\"",
            "partner",
            "\"P\"",
            "aka",
            "\"Q\"",
            "{",
            "member",
            "g",
            "from",
            "2020-01-01",
            "to",
            "2030-12-31",
            "cite",
            "\"m\"",
            "}",
        ]);
        t.extend(a);
        t
    })
}

const GAPS: [&str; 8] = [
    " ",
    "  ",
    "\n",
    "\n\n\t ",
    " // trailing note\n",
    "\n// own-line note\n",
    "\n\n// spaced note\n\n",
    " \n   ",
];

fn file_text() -> impl Strategy<Value = String> {
    file_tokens().prop_flat_map(|t| {
        let n = t.len();
        prop::collection::vec(0..GAPS.len(), n).prop_map(move |gaps| {
            let mut s = String::new();
            for (tok, g) in t.iter().zip(gaps) {
                s.push_str(tok);
                // A comment cannot sit inside a compound token; every token here is whole.
                s.push_str(GAPS.get(g).copied().unwrap_or(" "));
            }
            s
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn generated_files_format_to_the_same_tree(text in file_text()) {
        let once = fmt("g.auth", &text);
        prop_assert_eq!(tree("g.auth", &once), tree("g.auth", &text));
        prop_assert_eq!(fmt("g.auth", &once), once.clone());
        prop_assert_eq!(comments(&once), comments(&text).into_iter().map(|c| c.trim_end().to_string()).collect::<Vec<_>>());
        // And it still checks (the vocabulary above defines every name used).
        let checked = RuleBase::from_files(&[authsel::SourceFile { name: "g.auth".into(), text: once }]);
        prop_assert!(checked.is_ok(), "{:?}", checked.err());
    }

    /// fmt and lint never panic on mutated rule files.
    #[test]
    fn fmt_and_lint_never_panic(file in 0usize..8, at in 0usize..20000, len in 0usize..12, ins in "[ -~\\n]{0,8}") {
        let mut files = RuleBase::builtin_files();
        let n = files.len();
        let f = &mut files[file % n];
        let at = at.min(f.text.len());
        let end = (at + len).min(f.text.len());
        if f.text.is_char_boundary(at) && f.text.is_char_boundary(end) {
            f.text.replace_range(at..end, &ins);
        }
        if let Ok(out) = format_source(&f.name, &f.text) {
            prop_assert_eq!(format_source(&f.name, &out).ok(), Some(out.clone()));
        }
        let _ = authsel::lang::lint::lint(&files);
    }
}
