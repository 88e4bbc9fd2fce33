//! The checker's unit tests: every error at once, with positions; cycles; types.

use crate::{lang::source::SourceFile, model::RuleBase, rulebase::LoadError};

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

fn diags(files: &[(&str, &str)]) -> Vec<crate::Diagnostic> {
    let files: Vec<SourceFile> = files
        .iter()
        .map(|(n, t)| SourceFile {
            name: (*n).into(),
            text: (*t).into(),
        })
        .collect();
    match super::check_counted(&files).0 {
        Ok(_) => Vec::new(),
        Err(d) => d,
    }
}

#[test]
fn an_is_lineage_longer_than_the_limit_is_an_error_at_its_link() {
    use crate::lang::limits::MAX_LINEAGE;
    let chain = |n: usize| -> String {
        (0..n)
            .map(|i| match i {
                0 => "purpose q0 \"q\"\n".to_string(),
                _ => format!("purpose q{i} \"q\" is q{}\n", i - 1),
            })
            .collect()
    };
    assert!(diags(&[("p.auth", &chain(MAX_LINEAGE))]).is_empty());
    let d = diags(&[("p.auth", &chain(MAX_LINEAGE + 5))]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(
        (d[0].code, d[0].line, d[0].column),
        ("E0113", MAX_LINEAGE + 1, 20)
    );
    // Ten thousand deep: one error, and no graph of ten thousand lineages is built (it took 175 s
    // and 2.2 GB).
    let d = diags(&[("p.auth", &chain(10_000))]);
    assert_eq!(d.len(), 1);
}

#[test]
fn flattening_and_applying_are_bounded() {
    // A chain of 1,000 groups and 1,100 partners in the innermost: 1,100,000 memberships.
    let mut text: String = (0..1000)
        .map(|i| match i {
            999 => "group g999 \"g\" cite \"c\"\n".to_string(),
            _ => format!("group g{i} \"g\" includes g{} cite \"c\"\n", i + 1),
        })
        .collect();
    text += &(0..1100)
        .map(|k| format!("partner \"P{k}\" {{ member g999 from 2000-01-01 cite \"c\" }}\n"))
        .collect::<String>();
    let d = diags(&[("g.auth", &text)]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "E0115");
    assert!(d[0].line > 1000, "{}", d[0]);
    // A restriction of 1,000 condition nodes applied 1,100 times.
    let big = vec!["fact.f"; 1000].join(" and ");
    let mut text = format!(
        "{BASE}restriction r {{ name \"R\" citation \"R\" require big: {big} cite \"c\" }}\n"
    );
    for i in 0..1100 {
        text += &format!("authority a{i} {{ name \"A\" citation \"A\" serves p apply r }}\n");
    }
    let d = diags(&[("a.auth", &text)]);
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].code, "E0116");
    assert_eq!(d[0].column, 55, "{}", d[0]);
}

#[test]
fn inclusions_are_transitive_beyond_sixteen_levels() {
    let mut text: String = (0..40)
        .map(|i| match i {
            39 => "group g39 \"g\" cite \"c\"\n".to_string(),
            _ => format!("group g{i} \"g\" includes g{} cite \"c\"\n", i + 1),
        })
        .collect();
    text += "partner \"P\" { member g39 from 2000-01-01 cite \"c\" }\n";
    let rb = match crate::RuleBase::from_files(&[SourceFile {
        name: "g.auth".into(),
        text,
    }]) {
        Ok(rb) => rb,
        Err(e) => panic!("{e}"),
    };
    let day = jiff::civil::date(2020, 1, 1);
    assert_eq!(rb.registry.is_member("P", "g0", day), Some(true));
    let p = rb.registry.partner("P").expect("P");
    assert!(crate::model::Registry::in_group(p, "g0", day));
    assert_eq!(p.in_groups.len(), 40);
}

#[test]
fn duplicate_rules_and_unknown_within_point_at_the_rule() {
    let text = format!(
        "{BASE}restriction s {{ name \"S\" citation \"S\" require t: fact.f cite \"c\" }}\n\
         authority a {{ name \"A\" citation \"A\"\n    require r: fact.f cite \"c\"\n    require r: fact.f cite \"c\"\n    ceiling c: $1M per fiscal_year within nope cite \"c\"\n    apply s, s\n}}\n"
    );
    let d = diags(&[("a.auth", &text)]);
    let at: Vec<(&str, usize, usize)> = d.iter().map(|d| (d.code, d.line, d.column)).collect();
    assert_eq!(
        at,
        [("E0110", 7, 13), ("E0110", 9, 14), ("E0102", 8, 43)],
        "{d:?}"
    );
}

#[test]
fn many_unknown_names_are_reported_quickly() {
    // 3,000 unknown names among 3,000 purposes: "did you mean" for each took over 5 minutes.
    let mut text: String = (0..3000)
        .map(|i| format!("purpose purpose_number_{i} \"p\"\n"))
        .collect();
    let names: Vec<String> = (0..3000).map(|i| format!("purpose_numbr_{i}")).collect();
    text += &format!(
        "authority a {{ name \"A\" citation \"A\" serves {} }}\n",
        names.join(", ")
    );
    // Suggestions are capped (the last name gets none), which bounds the work; no wall-clock
    // assertion, since timings on a shared machine prove nothing.
    let d = diags(&[("a.auth", &text)]);
    assert_eq!(d.len(), 3000);
    assert_eq!(
        d[0].help.as_deref(),
        Some("did you mean `purpose_number_0`?")
    );
    assert!(d[2999].help.is_none());
}

#[test]
fn value_histories_are_ordered_typed_bounded_and_located() {
    let rule = "authority a {\n    name \"A\"\n    citation \"A\"\n    serves p\n    ceiling c: value.v per fiscal_year cite \"c\"\n}\n";
    let ok = format!("{BASE}value v: usd \"v\" {{\n    from FY2016 to FY2017 $1M cite \"a\"\n    from FY2019 $2M cite \"b\" unconfirmed \"u\"\n}}\n{rule}");
    assert!(errors(&ok).is_empty(), "{:#?}", errors(&ok));
    let disordered = format!("{BASE}value v: usd \"v\" {{\n    from FY2020 $2M cite \"a\"\n    from FY2019 $1M cite \"b\"\n}}\n{rule}");
    let e = errors(&disordered);
    assert!(
        e.iter()
            .any(|x| x.starts_with("6:10 E0118 history entries out of order")),
        "{e:#?}"
    );
    let overlap = format!("{BASE}value v: usd \"v\" {{\n    from FY2016 to FY2020 $2M cite \"a\"\n    from FY2019 $1M cite \"b\"\n}}\n{rule}");
    let e = errors(&overlap);
    assert!(
        e.iter()
            .any(|x| x.starts_with("6:10 E0118") && x.contains("overlaps")),
        "{e:#?}"
    );
    let mixed = format!("{BASE}value v: usd \"v\" {{\n    from FY2016 $2M cite \"a\"\n    from 2019-01-01 $1M cite \"b\"\n}}\n{rule}");
    assert!(
        errors(&mixed).iter().any(|x| x.starts_with("6:10 E0108")),
        "{:#?}",
        errors(&mixed)
    );
    let typed =
        format!("{BASE}value v: usd \"v\" {{\n    from FY2016 15 days cite \"a\"\n}}\n{rule}");
    assert!(
        errors(&typed).iter().any(|x| x.contains("E0106")),
        "{:#?}",
        errors(&typed)
    );
    let backwards = format!(
        "{BASE}value v: usd \"v\" {{\n    from FY2016 to FY2015 $1M cite \"a\"\n}}\n{rule}"
    );
    assert!(errors(&backwards)
        .iter()
        .any(|x| x.contains("E0108") && x.contains("ends")));
    let unknown = format!("{BASE}{}", rule.replace("value.v", "value.w"));
    assert!(errors(&unknown)
        .iter()
        .any(|x| x.contains("E0102 unknown value `w`")));
    let entries: String = (0..65)
        .map(|i| format!("    from FY{} ${}K cite \"c\"\n", 1900 + i, i + 1))
        .collect();
    let long = format!("{BASE}value v: usd \"v\" {{\n{entries}}}\n{rule}");
    let e = errors(&long);
    assert!(e.iter().any(|x| x.starts_with("69:5 E0117")), "{e:#?}");
    let empty_cite = format!("{BASE}value v: usd \"v\" {{ from FY2016 $1M cite \"\" }}\n{rule}");
    assert!(errors(&empty_cite).iter().any(|x| x.contains("E0104")));
}

#[test]
fn an_empty_purpose_or_activity_list_is_located() {
    for op in ["only", "any", "all"] {
        let text = format!(
            "{BASE}authority a {{\n    name \"A\"\n    citation \"A\"\n    serves p\n    require r: not purposes {op} [] cite \"c\"\n}}\n"
        );
        let e = errors(&text);
        assert_eq!(e.len(), 1, "{e:#?}");
        assert!(
            e[0].starts_with(&format!(
                "8:20 E0119 `{op} []`: an empty list decides nothing"
            )),
            "{e:#?}"
        );
    }
    let ok = format!(
        "{BASE}authority a {{\n    name \"A\"\n    citation \"A\"\n    serves p\n    require r: not purposes only [p] and activities only x cite \"c\"\n}}\n"
    );
    assert_eq!(errors(&ok), Vec::<String>::new());
}

#[test]
fn every_name_leads_to_one_entry_and_programs_hold_no_rules() {
    let auth = |id: &str, aka: &str| {
        format!("authority {id} {{\n    name \"{id}\"\n    citation \"c\"\n    aka {aka}\n}}\n")
    };
    // "P.D.A." is "PDA" without punctuation: the second claim is the error, at its string.
    let text = format!(
        "{BASE}{}{}",
        auth("a", "\"PDA\""),
        auth("b", "\"x\", \"P.D.A.\"")
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].starts_with("12:14 E0120 `P.D.A.` already names `a`"),
        "{e:#?}"
    );
    // An aka that is another entry's id clashes too; "Section 7" is "7".
    let text = format!(
        "{BASE}{}{}",
        auth("a", "\"b\""),
        auth("b", "\"Section 7\", \"§ 7\"")
    );
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(e[0].contains("E0120 `b` already names `b`"), "{e:#?}");

    let program = "program g {\n    name \"G\"\n    citation \"c\"\n    under a, zz\n    require r: fact.f cite \"c\"\n}\n";
    let text = format!("{BASE}{}{program}", auth("a", "\"A1\""));
    let e = errors(&text);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("12:14 E0102 unknown authority `zz`"),
        "{e:#?}"
    );
    assert!(
        e[1].starts_with("13:5 E0108 a program takes only"),
        "{e:#?}"
    );
    let e = errors(&format!(
        "{BASE}{}program g {{ name \"G\" citation \"c\" }}\nauthority h {{ name \"H\" citation \"c\" scope \"s\" }}\n",
        auth("a", "\"A1\"")
    ));
    assert!(
        e.iter()
            .any(|x| x.contains("E0103 program `g` has no `under`")),
        "{e:#?}"
    );
    assert!(
        e.iter().any(|x| x.contains("E0108 only a `program` takes")),
        "{e:#?}"
    );
}

#[test]
fn a_vocabulary_word_leads_to_one_id() {
    let text = "purpose p \"p\" aka \"CT\"\npurpose q \"q\" aka \"c.t.\", \"p\"\nactivity x \"x\" aka \"CT\"\n";
    let e = errors(text);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("2:19 E0120 `c.t.` already names `p`"),
        "{e:#?}"
    );
    assert!(
        e[1].starts_with("2:27 E0120 `p` already names `p`"),
        "{e:#?}"
    );
}

#[test]
fn precedes_names_a_duty_of_the_block_and_never_circles() {
    let block = |duties: &str| {
        format!(
            "{BASE}authority a {{\n    name \"A\" citation \"A\" serves p provides x\n{duties}}}\n"
        )
    };
    let ok = block(
        "    duty c: state_concurrence before start precedes n cite \"c\"\n    duty n: congressional_notification 15 days before start cite \"n\"\n",
    );
    assert!(errors(&ok).is_empty(), "{:?}", errors(&ok));
    let typo = block(
        "    duty c: state_concurrence before start precedes notic cite \"c\"\n    duty notice: congressional_notification 15 days before start cite \"n\"\n",
    );
    let e = errors(&typo);
    assert!(
        e.iter()
            .any(|x| x.starts_with("6:53 E0102 unknown duty `notic`")),
        "{e:?}"
    );
    let circle = block(
        "    duty c: state_concurrence before start precedes n cite \"c\"\n    duty n: congressional_notification 15 days before start precedes c cite \"n\"\n",
    );
    let e = errors(&circle);
    assert_eq!(e.iter().filter(|x| x.contains("E0121")).count(), 2, "{e:?}");
    let own = block("    duty c: state_concurrence before start precedes c cite \"c\"\n");
    assert!(
        errors(&own).iter().any(|x| x.contains("E0121")),
        "{:?}",
        errors(&own)
    );
}

#[test]
fn months_take_a_positive_offset_only() {
    let rule = |cond: &str| {
        format!("{BASE}fact m: months \"m\"\nauthority a {{ name \"A\" citation \"A\" serves p provides x require r: {cond} cite \"c\" }}\n")
    };
    assert_eq!(
        errors(&rule("duration_months <= fact.m + 60")),
        Vec::<String>::new()
    );
    // Below zero months is not a duration: `-` is refused, with the rewrite as a help.
    let e = errors(&rule("duration_months - 60 <= fact.m"));
    assert!(
        e.iter()
            .any(|x| x.contains("E0108") && x.contains("not months")),
        "{e:?}"
    );
    let e = errors(&rule("start + 1 <= end"));
    assert!(e.iter().any(|x| x.contains("E0108")), "{e:?}");
}

#[test]
fn an_offset_out_of_range_is_an_error_not_zero() {
    let text = format!("{BASE}authority a {{ name \"A\" citation \"A\" serves p provides x require r: end_fiscal_year <= fiscal_year + 99999999999999999999 cite \"c\" }}\n");
    let e = errors(&text);
    assert!(
        e.iter()
            .any(|x| x.contains("`99999999999999999999` is out of range")),
        "{e:?}"
    );
}
