//! The checker's unit tests: every error at once, with positions; cycles; types.

use crate::rulebase::{LoadError, RuleBase, SourceFile};

fn errors(text: &str) -> Vec<String> {
    match RuleBase::from_files(&[SourceFile {
        name: "r.auth".into(),
        text: text.into(),
    }]) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(d)) => d
            .iter()
            .map(|d| format!("{}:{} {} {}", d.line, d.column, d.code, d.message))
            .collect(),
        Err(e) => vec![e.to_string()],
    }
}

const BASE: &str = "purpose p \"p\"\nactivity x \"x\"\nfact f: bool \"f\"\n";

#[test]
fn reports_every_error_at_once_with_positions() {
    let text = format!(
        "{BASE}authority a {{\n    name \"A\"\n    citation \"A\"\n    serves q\n    provides y\n    require r: amount_usd <= 60 months cite \"c\"\n    require s: fact.g cite \"\"\n}}\n"
    );
    let e = errors(&text);
    assert_eq!(e.len(), 5, "{e:#?}");
    assert!(e[0].starts_with("7:12 E0102 unknown purpose `q`"), "{e:#?}");
    assert!(
        e[1].starts_with("8:14 E0102 unknown activity `y`"),
        "{e:#?}"
    );
    assert!(
        e.iter()
            .any(|x| x.contains("E0106 cannot compare dollars with months")),
        "{e:#?}"
    );
    assert!(e.iter().any(|x| x.contains("E0104")), "{e:#?}");
    assert!(e.iter().any(|x| x.contains("unknown fact `g`")), "{e:#?}");
}

#[test]
fn duplicates_cycles_and_missing_citations_are_errors() {
    assert!(errors(&format!("{BASE}purpose p \"again\"\n"))[0].contains("E0101"));
    let cyc = "purpose a \"a\" is b\npurpose b \"b\" is a\n";
    assert!(errors(cyc).iter().any(|e| e.contains("E0105")));
    let groups = format!("{BASE}group x \"x\" includes y cite \"X\"\ngroup y \"y\" includes z cite \"Y\"\ngroup z \"z\" includes x cite \"Z\"\n");
    assert!(
        errors(&groups)
            .iter()
            .any(|e| e.contains("E0105") && e.contains("group `x` includes itself")),
        "{:?}",
        errors(&groups)
    );
    let chain = format!("{BASE}group x \"x\" includes y cite \"X\"\ngroup y \"y\" includes z cite \"Y\"\ngroup z \"z\" cite \"Z\"\n");
    assert!(
        !errors(&chain).iter().any(|e| e.contains("E0105")),
        "{:?}",
        errors(&chain)
    );
    let sup = format!("{BASE}authority a {{ name \"A\" citation \"A\" supersedes b }}\nauthority b {{ name \"B\" citation \"B\" supersedes a }}\n");
    assert!(
        errors(&sup).iter().any(|e| e.contains("E0105")),
        "{:?}",
        errors(&sup)
    );
    let nocite = format!("{BASE}authority a {{ name \"A\" }}\n");
    assert!(errors(&nocite)
        .iter()
        .any(|e| e.contains("E0103") && e.contains("citation")));
}

#[test]
fn enum_values_and_orderings_are_type_checked() {
    let bad_enum = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient == NationalMilitry cite \"c\" }}\n");
    let e = errors(&bad_enum);
    assert!(e.iter().any(|x| x.contains("E0107")), "{e:?}");
    let order = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient < NationalMilitary cite \"c\" }}\n");
    assert!(errors(&order).iter().any(|x| x.contains("E0108")));
    let bare = format!(
        "{BASE}authority a {{ name \"A\" citation \"A\" require r: amount_usd cite \"c\" }}\n"
    );
    assert!(errors(&bare)
        .iter()
        .any(|x| x.contains("must be true/false")));
    let ok = format!("{BASE}authority a {{ name \"A\" citation \"A\" require r: recipient in [NationalMilitary] and start >= 2020-01-01 and fiscal_year + 1 > 2020 cite \"c\" }}\n");
    assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
}
