//! Every program the seeds name has its row: `tests/data/seed-programs.tsv` lists each program,
//! authority and fund of the seed documents' program lists (with the seed file and line), and each
//! row that is not out of scope must be found in the built-in rule base by its name or an alias,
//! leading to the authorities the row names.

use authsel::model::names::Named;
use authsel::RuleBase;
use std::collections::BTreeSet;

struct Row {
    name: String,
    seed: String,
    kind: String,
    ids: BTreeSet<String>,
    aliases: Vec<String>,
    notes: String,
}

fn rows() -> Vec<Row> {
    let text = include_str!("../data/seed-programs.tsv");
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let field = |i: usize| f.get(i).copied().unwrap_or("").to_string();
            Row {
                name: field(0),
                seed: format!("{}:{}", field(1), field(2)),
                kind: field(3),
                ids: field(4)
                    .split(',')
                    .filter(|s| !s.is_empty() && *s != "-")
                    .map(str::to_string)
                    .collect(),
                aliases: field(6)
                    .split('|')
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
                notes: field(9),
            }
        })
        .collect()
}

/// The authorities an entry leads to.
fn authorities_of(rb: &RuleBase, n: &Named) -> BTreeSet<String> {
    match n {
        Named::Authority(id) => [id.clone()].into(),
        Named::Program(id) => rb
            .program(id)
            .map(|p| p.under.iter().cloned().collect())
            .unwrap_or_default(),
        Named::Restriction(_) => BTreeSet::new(),
    }
}

#[test]
fn every_program_the_seeds_name_has_a_row() {
    let rb = RuleBase::builtin();
    let rows = rows();
    assert!(rows.len() > 100, "the list has {} rows", rows.len());
    let mut missing = Vec::new();
    for r in &rows {
        assert!(
            !r.seed.starts_with(':'),
            "{}: no seed file and line",
            r.name
        );
        match r.kind.as_str() {
            "out-of-scope" => {
                assert!(
                    r.ids.is_empty() && r.notes.starts_with("out of scope"),
                    "{} ({}): an out-of-scope row says why and names no id",
                    r.name,
                    r.seed
                );
                continue;
            }
            "authority" | "new-authority" | "program" => {}
            other => panic!("{}: unknown kind `{other}`", r.name),
        }
        for id in &r.ids {
            if rb.authority(id).is_none() {
                missing.push(format!("{} ({}): no authority `{id}`", r.name, r.seed));
            }
        }
        // The row is found by its own name or by one of the names planners use for it, and the
        // entry found leads to exactly the row's authorities.
        let found = std::iter::once(&r.name)
            .chain(&r.aliases)
            .find_map(|n| rb.resolve(n));
        match found {
            Some(n) if authorities_of(&rb, n) == r.ids => {}
            Some(n) => missing.push(format!(
                "{} ({}): found `{}`, which leads to {:?}, not {:?}",
                r.name,
                r.seed,
                n.id(),
                authorities_of(&rb, n),
                r.ids
            )),
            None => missing.push(format!(
                "{} ({}): no entry by any of its names",
                r.name, r.seed
            )),
        }
        if r.kind == "program" && !matches!(found, Some(Named::Program(_))) && r.ids.len() > 1 {
            missing.push(format!(
                "{} ({}): a program under several authorities",
                r.name, r.seed
            ));
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn every_alias_leads_into_its_row() {
    let rb = RuleBase::builtin();
    let mut wrong = Vec::new();
    for r in rows().iter().filter(|r| r.kind != "out-of-scope") {
        for a in &r.aliases {
            match rb.resolve(a) {
                Some(n) if authorities_of(&rb, n).is_subset(&r.ids) => {}
                Some(n) => wrong.push(format!("`{a}` ({}) leads to `{}`", r.name, n.id())),
                None => wrong.push(format!("`{a}` ({}) leads nowhere", r.name)),
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_program_has_a_citation_and_its_dates_or_says_they_are_unconfirmed() {
    let rb = RuleBase::builtin();
    assert!(!rb.programs.is_empty());
    for p in &rb.programs {
        assert!(!p.citation.trim().is_empty(), "{}: no citation", p.id);
        let dated = p.effective.is_some() || p.expires.is_some() || p.repealed.is_some();
        let says = p
            .caveats
            .iter()
            .any(|c| c.contains("dates") || c.contains("date"));
        assert!(dated || says, "{}: no dates and no caveat about them", p.id);
        assert!(!p.under.is_empty(), "{}: runs under no authority", p.id);
    }
}

#[test]
fn a_planners_name_finds_its_entry_in_any_spelling() {
    let rb = RuleBase::builtin();
    let id = |name: &str| rb.resolve(name).map(|n| n.id().to_string());
    assert_eq!(id("GPOI").as_deref(), Some("gpoi"));
    assert_eq!(id("gpoi").as_deref(), Some("gpoi"));
    assert_eq!(id("Section 1206").as_deref(), Some("ndaa06-1206"));
    assert_eq!(id("§ 333").as_deref(), Some("usc10-333"));
    assert_eq!(id("denton").as_deref(), Some("usc10-402"));
    assert_eq!(id("Peacekeeping Operations").as_deref(), Some("pko"));
    // A program under one authority leads to it; one under several leads to none.
    assert_eq!(
        rb.authority_named("GPOI").map(|a| a.id.as_str()),
        Some("pko")
    );
    assert!(rb.authority_named("OHDACA").is_none());
    let hint = rb.closest_name("GPIO").and_then(|n| rb.resolve(n));
    assert_eq!(hint.map(|n| n.id()), Some("gpoi"));
}
