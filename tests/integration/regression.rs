//! The built-in rule base checks, and every regression case beside the rules passes.

use authsel::tools::cases::run_case;
use authsel::RuleBase;

#[test]
fn builtin_rule_base_checks() {
    match RuleBase::try_builtin() {
        Ok(rb) => assert!(!rb.authorities.is_empty()),
        Err(authsel::LoadError::Invalid(d)) => {
            panic!("{}", d.iter().map(ToString::to_string).collect::<String>())
        }
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn every_builtin_case_passes() {
    let rb = RuleBase::builtin();
    let cases = RuleBase::builtin_cases();
    assert!(!cases.is_empty(), "no regression cases under rules/cases");
    let mut report = String::new();
    for c in &cases {
        let r = run_case(&rb, &c.name, &c.text);
        for f in &r.failures {
            report.push_str(&format!("{}: {f}\n", c.name));
        }
    }
    assert!(report.is_empty(), "failed regression cases:\n{report}");
}

#[test]
fn every_reason_in_every_case_has_a_citation() {
    let rb = RuleBase::builtin();
    for c in RuleBase::builtin_cases() {
        let p = rb
            .read_proposal(&c.name, &c.text)
            .expect("case proposals are valid");
        let d = rb.evaluate(&p).into_explanation();
        for cand in &d.candidates {
            for r in &cand.reasons {
                assert!(
                    !r.citation.trim().is_empty(),
                    "{}: {} {} has no citation",
                    c.name,
                    cand.authority,
                    r.rule
                );
            }
            for o in &cand.obligations {
                assert!(
                    !o.citation.trim().is_empty(),
                    "{}: {} duty {} has no citation",
                    c.name,
                    cand.authority,
                    o.kind
                );
            }
        }
    }
}

#[test]
fn every_catalogue_id_is_defined() {
    // The ids of ../shared/spec/catalogue.md, which other programs name authorities by.
    const IDS: &[&str] = &[
        "fms",
        "fmcs",
        "fmf",
        "lease",
        "map",
        "imet",
        "faa-506a1",
        "faa-506a2",
        "faa-552c2",
        "esf",
        "pko",
        "incle",
        "nadr",
        "dcs",
        "eda-sale",
        "eda-grant",
        "third-party-transfer",
        "usc10-311",
        "usc10-312",
        "usc10-321",
        "usc10-322",
        "usc10-331",
        "usc10-332",
        "usc10-333",
        "usc10-341",
        "usc10-342",
        "usc10-344",
        "usc10-345",
        "usc10-346",
        "usc10-347",
        "usc10-348",
        "usc10-401",
        "usc10-404",
        "usc10-2561",
        "acsa",
        "ndaa06-1206",
        "usc10-2282",
        "ndaa16-1226",
        "ndaa04-1022",
        "ndaa08-1233",
        "ndaa16-1251",
        "ctef",
        "msi",
        "cerp",
    ];
    const RESTRICTIONS: &[&str] = &[
        "leahy-state",
        "leahy-dod",
        "terrorism-state",
        "terrorism-dod",
        "coup",
        "arrears",
        "human-rights-502b",
        "police-training",
        // Added since the contract (issue 13): the AECA § 40 bar apart from FAA § 620A, and the
        // country bars of FAA § 620(a), (f), (t).
        "terrorism-aeca",
        "faa-620a-cuba",
        "faa-620f-communist",
        "faa-620t-severed-relations",
    ];
    let rb = RuleBase::builtin();
    let missing: Vec<&&str> = IDS.iter().filter(|id| rb.authority(id).is_none()).collect();
    assert!(
        missing.is_empty(),
        "catalogue ids missing from rules/: {missing:?}"
    );
    let missing: Vec<&&str> = RESTRICTIONS
        .iter()
        .filter(|id| !rb.restrictions.contains_key(**id))
        .collect();
    assert!(
        missing.is_empty(),
        "restrictions missing from rules/: {missing:?}"
    );
}

#[test]
fn every_vocabulary_id_is_defined() {
    // ../shared/spec/vocabulary.md
    const PURPOSES: &[&str] = &[
        "self_defense",
        "counterterrorism",
        "counternarcotics",
        "counter_wmd",
        "counter_tco",
        "maritime_security",
        "border_security",
        "military_intelligence",
        "air_domain_awareness",
        "cyber",
        "coalition_operations",
        "peacekeeping",
        "stabilization",
        "disaster_relief",
        "humanitarian",
        "demining",
        "nonproliferation",
        "law_enforcement",
        "professionalization",
        "institution_building",
        "interoperability",
        "military_contacts",
        "economic_stability",
        "pow_mia",
    ];
    const ACTIVITIES: &[&str] = &[
        "equipment",
        "services",
        "training",
        "education",
        "construction",
        "lease",
        "exercise",
        "exchange",
        "contacts",
        "advising",
        "logistics_support",
        "transport",
        "retransfer",
        "financing",
        "reimbursement",
    ];
    const FACTS: &[&str] = &[
        "excess_articles",
        "significant_military_equipment",
        "original_acquisition_cost_usd",
        "national_level",
        "legislators",
        "us_forces_participate",
        "direct_commercial",
        "coup_restriction",
        "state_sponsor_of_terrorism",
        "in_arrears",
        "gross_violations_pattern",
        "transport_weight_lb",
    ];
    let rb = RuleBase::builtin();
    for p in PURPOSES {
        assert!(rb.purposes.contains_key(*p), "purpose {p}");
    }
    for a in ACTIVITIES {
        assert!(rb.activities.contains_key(*a), "activity {a}");
    }
    for f in FACTS {
        assert!(rb.facts.contains_key(*f), "fact {f}");
    }
}

#[test]
fn partner_registry_resolves_common_names_and_dates() {
    use jiff::civil::date;
    let rb = RuleBase::builtin();
    let r = &rb.registry;
    assert_eq!(
        r.is_member("South Korea", "nato_plus5", date(2027, 1, 1)),
        Some(true)
    );
    assert_eq!(
        r.is_member("Republic of Korea", "nato_plus5", date(2027, 1, 1)),
        Some(true)
    );
    assert_eq!(
        r.is_member("Finland", "nato", date(2023, 4, 3)),
        Some(false)
    );
    assert_eq!(r.is_member("Finland", "nato", date(2023, 4, 4)), Some(true));
    assert_eq!(r.is_member("Sweden", "nato", date(2024, 3, 6)), Some(false));
    assert_eq!(r.is_member("Sweden", "nato", date(2024, 3, 7)), Some(true));
    assert_eq!(
        r.is_member("Sweden", "nato_plus5", date(2024, 3, 7)),
        Some(true)
    );
    assert_eq!(r.is_member("Japan", "nato", date(2027, 1, 1)), Some(false));
    assert_eq!(r.is_member("Atlantis", "nato", date(2027, 1, 1)), None);
}

#[test]
fn handbook_is_current() {
    let want = authsel::render::handbook::render(&RuleBase::builtin());
    let have = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/authorities.md"))
        .unwrap_or_default();
    assert!(
        have == want,
        "docs/authorities.md is stale: run `cargo run -q -- docs > docs/authorities.md`"
    );
}
