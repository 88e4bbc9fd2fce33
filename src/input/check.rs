//! The checks of a proposal or ledger that need the rule base: purposes, activities and facts it
//! defines, a partner its registry knows (or a proposal that says it names one outside it),
//! authorities and their ceilings. Every problem of a file is reported, located at its value, in
//! file order, at most `MAX_PER_FILE` of them (`problem::diagnostics`).

use crate::diagnostic::{quote, Diagnostic};
use crate::input::limits::normalize;
use crate::input::problem::{did_you_mean, noted, Problem};
use crate::input::proposal::{fact_problem, read_ledger, read_proposal, Ledger, Proposal};
use crate::model::RuleBase;
use crate::model::RuleKind;

/// Reads a proposal and checks it against `rules`: see `RuleBase::read_proposal_noted`. A
/// planner's word for a purpose or activity (an `aka`) is read as its id, with a note (`I0201`).
pub(crate) fn proposal(
    rules: &RuleBase,
    file: &str,
    text: &str,
) -> Result<(Proposal, Vec<Diagnostic>), Vec<Diagnostic>> {
    let text = normalize(text);
    let t: &str = &text;
    let read = read_proposal(t).map_err(|e| vec![e.located(file, t)])?;
    let mut p = read.proposal;
    let at = read.at;
    let mut problems: Vec<Problem<'_>> = read.problems;
    for (field, what, list, known) in [
        ("purposes", "purpose", &mut p.purposes, Vocabulary::Purposes),
        (
            "activities",
            "activity",
            &mut p.activities,
            Vocabulary::Activities,
        ),
    ] {
        let n = list.len();
        for (i, x) in list.iter_mut().enumerate() {
            if known.has(rules, x) {
                continue;
            }
            if let Some(id) = known.alias(rules, x) {
                let message = format!("`{}` read as the {what} `{id}`", quote(x));
                problems.push(Problem::new(at.element(t, field, i, n), "I0201", message));
                *x = id.to_string();
            } else {
                let word = x.clone();
                problems.push(
                    Problem::new(
                        at.element(t, field, i, n),
                        "E0202",
                        format!("unknown {what} `{}`", quote(x)),
                    )
                    .lazy_help(move || did_you_mean(&word, known.names(rules))),
                );
            }
        }
    }
    let n = read.facts.len();
    for (i, (name, value)) in read.facts.iter().enumerate() {
        match rules.facts.get(name) {
            None => {
                let word = name.clone();
                problems.push(
                    Problem::new(
                        at.entry(t, "facts", i, n, true),
                        "E0202",
                        format!("unknown fact `{}`", quote(name)),
                    )
                    .lazy_help(move || did_you_mean(&word, rules.facts.keys().map(String::as_str))),
                );
            }
            Some(decl) => {
                if let Some((code, message)) = fact_problem(name, value, decl.ty) {
                    problems.push(Problem::new(
                        at.entry(t, "facts", i, n, false),
                        code,
                        message,
                    ));
                }
            }
        }
    }
    problems.extend(partner(rules, t, &at, &p.partner, read.outside_registry));
    noted(p, file, t, problems)
}

/// The partner must be in the registry, unless the proposal says it is not (and then it must not
/// be). A rule base without a registry knows no partner: then there is nothing to check against.
fn partner<'a>(
    rules: &'a RuleBase,
    text: &str,
    at: &crate::input::proposal::Spans,
    name: &str,
    outside: bool,
) -> Option<Problem<'a>> {
    let registry = &rules.registry;
    if registry.partners.is_empty() || name.trim().is_empty() {
        return None;
    }
    match (registry.partner(name), outside) {
        (None, false) => {
            let word = name.trim().to_lowercase();
            Some(
                Problem::new(
                    at.field(text, "partner"),
                    "E0207",
                    format!("partner `{}` is not in the partner registry", quote(name)),
                )
                .lazy_help(move || {
                    let names: Vec<(String, &str)> = registry
                        .partners
                        .iter()
                        .flat_map(|p| std::iter::once(&p.name).chain(&p.aka))
                        .map(|n| (n.to_lowercase(), n.as_str()))
                        .collect();
                    let close = crate::diagnostic::did_you_mean(
                        &word,
                        names.iter().map(|(lower, _)| lower.as_str()),
                    )
                    .and_then(|lower| names.iter().find(|(l, _)| l == lower))
                    .map(|(_, n)| *n);
                    let outside = "a partner outside the registry is written with \
                                   `partner_outside_registry: true`, and its group memberships \
                                   (NATO, major non-NATO ally, state sponsor of terrorism, ...) \
                                   are then unknown";
                    Some(match close {
                        Some(n) => format!("did you mean `{n}`? If not, {outside}"),
                        None => format!(
                            "the registry's names and aliases are in rules/partners.auth; {outside}"
                        ),
                    })
                }),
            )
        }
        (Some(p), true) => Some(
            Problem::new(
                at.field(text, "partner_outside_registry"),
                "E0208",
                format!(
                    "`partner_outside_registry: true`, but `{}` is in the partner registry (as `{}`)",
                    quote(name),
                    p.name
                ),
            )
            .help("remove `partner_outside_registry`: the registry's group memberships apply"),
        ),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Vocabulary {
    Purposes,
    Activities,
}

impl Vocabulary {
    fn has(self, rules: &RuleBase, id: &str) -> bool {
        match self {
            Vocabulary::Purposes => rules.purposes.contains_key(id),
            Vocabulary::Activities => rules.activities.contains_key(id),
        }
    }

    /// The id whose `aka` `word` is, if it is one.
    fn alias<'r>(self, rules: &'r RuleBase, word: &str) -> Option<&'r str> {
        match self {
            Vocabulary::Purposes => rules.purpose_aka(word).map(|p| p.id.as_str()),
            Vocabulary::Activities => rules.activity_aka(word).map(|a| a.id.as_str()),
        }
    }

    fn names(self, rules: &RuleBase) -> impl Iterator<Item = &str> {
        let keys = match self {
            Vocabulary::Purposes => rules.purposes.keys().collect::<Vec<_>>(),
            Vocabulary::Activities => rules.activities.keys().collect::<Vec<_>>(),
        };
        keys.into_iter().map(String::as_str)
    }
}

/// A ledger's authority that names no one authority: unknown (with the closest name), or a
/// program under several.
fn unknown_authority<'a>(
    rules: &'a RuleBase,
    span: crate::diagnostic::Span,
    name: &str,
) -> Problem<'a> {
    let message = match rules.resolve(name) {
        Some(crate::model::names::Named::Program(p)) => format!(
            "`{}` is a program under several authorities ({}): name the one charged",
            quote(name),
            rules
                .program(p)
                .map(|p| p.under.join(", "))
                .unwrap_or_default()
        ),
        _ => format!("unknown authority `{}`", quote(name)),
    };
    let word = name.to_string();
    Problem::new(span, "E0202", message).lazy_help(move || {
        let closest = rules.closest_name(&word)?;
        Some(format!("did you mean `{closest}`?"))
    })
}

/// Reads a ledger and checks it against `rules`: see `RuleBase::read_ledger_noted`. A name that is
/// not an authority's id but names one (an `aka`, another spelling) is read as that id, with a note
/// (`I0201`), as a planner's word in a proposal is: forgiving, never silent.
pub(crate) fn ledger(
    rules: &RuleBase,
    file: &str,
    text: &str,
) -> Result<(Ledger, Vec<Diagnostic>), Vec<Diagnostic>> {
    let text = normalize(text);
    let t: &str = &text;
    let read = read_ledger(t).map_err(|e| vec![e.located(file, t)])?;
    let mut l = read.ledger;
    let at = read.at;
    let mut problems: Vec<Problem<'_>> = read.problems;
    let n = l.entries().len();
    for (i, e) in l.entries_mut().iter_mut().enumerate() {
        // A planner's name for the authority ("PDA", "Section 1206", a program under one
        // authority) is read as that authority's id, so ceilings match by id.
        let Some(a) = rules.authority_named(&e.authority) else {
            let span = at.element_field(t, "entries", i, n, "authority");
            problems.push(unknown_authority(rules, span, &e.authority));
            continue;
        };
        if e.authority != a.id {
            let span = at.element_field(t, "entries", i, n, "authority");
            let message = format!("`{}` read as the authority `{}`", quote(&e.authority), a.id);
            problems.push(Problem::new(span, "I0201", message));
            e.authority = a.id.to_string();
        }
        let Some(named) = &e.ceiling else { continue };
        let ceilings: Vec<&str> = a
            .rules
            .iter()
            .filter(|r| matches!(r.kind, RuleKind::Ceiling { .. }))
            .map(|r| r.name.as_str())
            .collect();
        if ceilings.contains(&named.as_str()) {
            continue;
        }
        let span = at.element_field(t, "entries", i, n, "ceiling");
        let problem = if ceilings.is_empty() {
            Problem::new(
                span,
                "E0209",
                format!(
                    "`{}` has no per-fiscal-year ceiling, so `ceiling: \"{}\"` names nothing",
                    a.id,
                    quote(named)
                ),
            )
            .help("remove `ceiling`: an entry for this authority counts against nothing")
        } else {
            let word = named.clone();
            let id = a.id.as_str();
            let list = ceilings
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ");
            Problem::new(
                span,
                "E0209",
                format!("`{}` is not a ceiling of `{}`", quote(named), a.id),
            )
            .lazy_help(move || {
                let its = format!("the ceilings of `{id}`: {list} (`authsel show {id}`)");
                Some(
                    match crate::diagnostic::did_you_mean(&word, ceilings.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? {}", capitalized(&its)),
                        None => its,
                    },
                )
            })
        };
        problems.push(problem);
    }
    noted(l, file, t, problems)
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostic;
    use crate::{lang::source::SourceFile, model::RuleBase};

    const P: &str = r#"Proposal(
    id: "P",
    title: "t",
    partner: "Japan",
    recipient: NationalMilitary,
    purposes: ["self_defense"],
    activities: ["equipment"],
    amount_usd: 120000000,
    start: "2027-06-01",
    funding: PartnerNational,
)"#;

    fn errors(rb: &RuleBase, text: &str) -> Vec<Diagnostic> {
        rb.read_proposal("p.ron", text).expect_err("invalid")
    }

    #[test]
    fn the_partner_is_in_the_registry_or_said_to_be_outside_it() {
        let rb = RuleBase::builtin();
        assert!(rb.read_proposal("p.ron", P).is_ok());
        for alias in ["ROK", " japan ", "Türkiye", "turkey"] {
            let text = P.replace("Japan", alias);
            assert!(rb.read_proposal("p.ron", &text).is_ok(), "{alias}");
        }
        let d = errors(&rb, &P.replace("Japan", "Phillipines"));
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            ("E0207", 4, 14),
            "{}",
            d[0]
        );
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(help.starts_with("did you mean `Philippines`?"), "{help}");
        // A suggestion is the registry's spelling, alias or name.
        let d = errors(&rb, &P.replace("Japan", "holand"));
        let help = d[0].help.as_deref().unwrap_or("");
        assert!(help.starts_with("did you mean `Holland`?"), "{help}");
        let outside = P.replace(
            "partner: \"Japan\",",
            "partner: \"Freedonia\", partner_outside_registry: true,",
        );
        assert!(rb.read_proposal("p.ron", &outside).is_ok());
        let no = P.replace(
            "partner: \"Japan\",",
            "partner: \"Freedonia\", partner_outside_registry: false,",
        );
        assert_eq!(errors(&rb, &no)[0].code, "E0207");
        let known = P.replace(
            "partner: \"Japan\",",
            "partner: \"Japan\", partner_outside_registry: true,",
        );
        let d = errors(&rb, &known);
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            ("E0208", 4, 49),
            "{}",
            d[0]
        );
        let blank = errors(&rb, &P.replace("\"Japan\"", "\"  \""));
        assert_eq!((blank.len(), blank[0].code), (1, "E0201"), "{}", blank[0]);
    }

    #[test]
    fn a_rule_base_without_a_registry_checks_no_partner() {
        let rb = RuleBase::from_files(&[SourceFile {
            name: "r.auth".into(),
            text: "purpose self_defense \"p\"\nactivity equipment \"e\"\n".into(),
        }])
        .expect("rules");
        assert!(rb
            .read_proposal("p.ron", &P.replace("Japan", "Freedonia"))
            .is_ok());
    }

    #[test]
    fn errors_come_in_file_order_capped_at_one_hundred() {
        let rb = RuleBase::builtin();
        let ids: Vec<String> = (0..250).map(|i| format!("\"nope{i}\"")).collect();
        let text = P
            .replace("[\"self_defense\"]", &format!("[{}]", ids.join(", ")))
            .replace("[\"equipment\"]", "[\"trainning\"]")
            .replace("\"Japan\"", "\"Japn\"");
        let d = errors(&rb, &text);
        assert_eq!(d.len(), 101);
        // The partner (line 4) first, then the purposes in order, then the rest counted.
        assert_eq!(d[0].code, "E0207");
        assert!(d[1].message.ends_with("`nope0`"), "{}", d[1]);
        assert!(d[99].message.ends_with("`nope98`"), "{}", d[99]);
        assert!(d
            .windows(2)
            .all(|w| (w[0].line, w[0].column) < (w[1].line, w[1].column)));
        let last = &d[100];
        assert_eq!(last.code, "E0216");
        assert!(last.message.starts_with("152 more error(s)"), "{last}");
        assert_eq!(last.line, 6);
        // Suggestions only for those shown, and only close ones.
        assert!(d[1].help.is_none());
    }

    #[test]
    fn unknown_ids_are_each_located_even_when_repeated() {
        let rb = RuleBase::builtin();
        let text = P.replace(
            "[\"self_defense\"]",
            "[\"self_defence\",\n        \"self_defense\", \"self_defence\"]",
        );
        let d = errors(&rb, &text);
        let at: Vec<(&str, usize, usize)> = d.iter().map(|d| (d.code, d.line, d.column)).collect();
        assert_eq!(at, [("E0202", 6, 16), ("E0202", 7, 25), ("E0210", 7, 25)]);
        assert_eq!(d[0].help.as_deref(), Some("did you mean `self_defense`?"));
    }

    #[test]
    fn fact_values_are_typed_and_bounded() {
        let rb = RuleBase::builtin();
        let with = |facts: &str| P.replace(")", &format!("    facts: {{{facts}}},\n)"));
        for (facts, code, needle) in [
            ("\"excess_articles\": 3", "E0203", "must be true/false"),
            (
                "\"construction_project_usd\": 10000000000001",
                "E0211",
                "$10 trillion",
            ),
            (
                "\"construction_project_usd\": -1",
                "E0203",
                "must be dollars",
            ),
            (
                "\"excess_articles\": false, \"excess_articles\": true",
                "E0210",
                "given twice",
            ),
            ("\"excess_article\": true", "E0202", "unknown fact"),
        ] {
            let d = errors(&rb, &with(facts));
            assert_eq!(d[0].code, code, "{facts}: {}", d[0]);
            assert!(d[0].message.contains(needle), "{facts}: {}", d[0]);
        }
        assert!(rb
            .read_proposal(
                "p.ron",
                &with("\"construction_project_usd\": 10000000000000")
            )
            .is_ok());
    }

    #[test]
    fn ledger_entries_name_an_authority_and_one_of_its_ceilings() {
        let rb = RuleBase::builtin();
        let entry = |rest: &str| {
            format!("Ledger(entries: [\n    (authority: \"faa-506a2\", fiscal_year: 2027, amount_usd: 5),\n    ({rest}),\n])")
        };
        for ok in [
            "authority: \"faa-506a2\", fiscal_year: 2027, amount_usd: 1, ceiling: \"counternarcotics\"",
            "authority: \"fms\", fiscal_year: 2027, amount_usd: 1",
        ] {
            assert!(rb.read_ledger("l.ron", &entry(ok)).is_ok(), "{ok}");
        }
        let d = rb
            .read_ledger(
                "l.ron",
                &entry("authority: \"faa-506a2\", fiscal_year: 2027, amount_usd: 1, ceiling: \"counter_narcotics\""),
            )
            .expect_err("typo");
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            ("E0209", 3, 73),
            "{}",
            d[0]
        );
        assert!(d[0]
            .help
            .as_deref()
            .unwrap_or("")
            .starts_with("did you mean `counternarcotics`?"));
        let d = rb
            .read_ledger(
                "l.ron",
                &entry("authority: \"faa-506\", fiscal_year: 2027, amount_usd: 1"),
            )
            .expect_err("unknown");
        assert_eq!(
            (d[0].code, d[0].line, d[0].column),
            ("E0202", 3, 17),
            "{}",
            d[0]
        );
        assert_eq!(d[0].help.as_deref(), Some("did you mean `faa-506a1`?"));
    }

    #[test]
    fn a_ledger_may_name_an_authority_as_planners_do() {
        let rb = RuleBase::builtin();
        let one = |name: &str| {
            format!("Ledger(entries: [(authority: \"{name}\", fiscal_year: 2027, amount_usd: 5)])")
        };
        // Read as the authority's id, so ceilings match by id.
        for (name, id) in [
            ("Section 1206", "ndaa06-1206"),
            ("GPOI", "pko"),
            ("denton", "usc10-402"),
        ] {
            let (l, notes) = rb.read_ledger_noted("l.ron", &one(name)).expect(name);
            assert_eq!(l.entries()[0].authority, id);
            // Read as the id, never silently: a note at the name.
            let [note] = notes.as_slice() else {
                panic!("{name}: {notes:?}")
            };
            assert_eq!(
                (note.code, note.line, note.column, note.is_error()),
                ("I0201", 1, 30, false)
            );
            let said = format!("`{name}` read as the authority `{id}`");
            assert_eq!(note.message, said);
        }
        // A stray mark is a spelling difference too (`model::names::key`), and is said.
        let (l, notes) = rb.read_ledger_noted("l.ron", &one(")acsa")).expect(")acsa");
        assert_eq!(l.entries()[0].authority, "acsa");
        assert_eq!(notes[0].message, "`)acsa` read as the authority `acsa`");
        // The id itself needs no note.
        let (_, notes) = rb.read_ledger_noted("l.ron", &one("acsa")).expect("acsa");
        assert!(notes.is_empty(), "{notes:?}");
        // Beside an error, a ledger is invalid: its errors are shown alone, as a proposal's are.
        let two = "Ledger(entries: [(authority: \"GPOI\", fiscal_year: 2027, amount_usd: 5), \
                   (authority: \"faa-506a9\", fiscal_year: 2027, amount_usd: 5)])";
        let d = rb.read_ledger_noted("l.ron", two).expect_err("unknown");
        let codes: Vec<&str> = d.iter().map(|d| d.code).collect();
        assert_eq!(codes, ["E0202"]);
        let d = rb
            .read_ledger("l.ron", &one("PDA"))
            .expect_err("two authorities");
        assert_eq!(d[0].code, "E0202");
        assert!(d[0].message.contains("faa-506a1, faa-506a2"), "{}", d[0]);
    }

    #[test]
    fn a_planners_word_for_a_purpose_or_activity_is_read_as_its_id_with_a_note() {
        let rb = RuleBase::builtin();
        let text = "Proposal(id: \"P\", title: \"t\", partner: \"Kenya\", recipient: NationalMilitary, \
                    purposes: [\"Counter-Terrorism\"], activities: [\"training\", \"sustainment\"], \
                    amount_usd: 1, start: \"2027-03-01\")";
        let (p, notes) = rb.read_proposal_noted("p.ron", text).expect("valid");
        assert_eq!(p.purposes, ["counterterrorism"]);
        assert_eq!(p.activities, ["training", "services"]);
        let notes: Vec<String> = notes
            .iter()
            .map(|d| format!("{} {}", d.code, d.message))
            .collect();
        assert_eq!(
            notes,
            [
                "I0201 `Counter-Terrorism` read as the purpose `counterterrorism`",
                "I0201 `sustainment` read as the activity `services`"
            ]
        );
        // A note never hides an error, and is not reported beside one.
        let bad = text.replace("\"training\"", "\"trainin\"");
        let d = rb
            .read_proposal("p.ron", &bad)
            .expect_err("unknown activity");
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].code, "E0202");
    }
}
