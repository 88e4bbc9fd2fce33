//! Exceptions are scoped to what they cover (issue 13, class 4): adding a purpose to a proposal
//! never turns a failed finding of an applied restriction (`leahy-dod.vetted`, `terrorism-*`,
//! `human-rights-502b.*`, ...) into a pass or into "does not apply". Proposals come from the
//! library's generator, then the adverse facts a restriction reads are switched on at random
//! (a failed vetting, a military recipient, an emergency, a state sponsor of terrorism, a coup,
//! arrears, a 502B pattern), so that restrictions fail often enough to be tested.

use authsel::input::proposal::FactValue;
use authsel::model::{LeahyStatus, RecipientKind};
use authsel::tools::diff::generate;
use authsel::{Outcome, Proposal, RuleBase};
use proptest::prelude::*;
use std::sync::OnceLock;

fn rules() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(RuleBase::builtin)
}

/// The adverse settings a restriction reads, each switched on or not.
#[derive(Debug, Clone, Copy)]
struct Adverse {
    leahy_failed: bool,
    military: bool,
    emergency: Option<bool>,
    sponsor: bool,
    coup: bool,
    arrears: bool,
    gross_violations: bool,
}

fn adverse() -> impl Strategy<Value = Adverse> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<Option<bool>>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(l, m, e, s, c, a, g)| Adverse {
            leahy_failed: l,
            military: m,
            emergency: e,
            sponsor: s,
            coup: c,
            arrears: a,
            gross_violations: g,
        })
}

fn proposal(rb: &RuleBase, seed: u64, a: Adverse) -> Proposal {
    let mut p = generate(rb, rb, 1, seed).pop().expect("one proposal");
    if a.leahy_failed {
        p.leahy = Some(LeahyStatus::Failed);
    }
    if a.military {
        p.recipient = RecipientKind::NationalMilitary;
    }
    if a.emergency.is_some() {
        p.emergency = a.emergency;
    }
    for (on, fact) in [
        (a.sponsor, "state_sponsor_of_terrorism"),
        (a.coup, "coup_restriction"),
        (a.arrears, "in_arrears"),
        (a.gross_violations, "gross_violations_pattern"),
    ] {
        if on {
            p.facts.insert(fact.to_string(), FactValue::Bool(true));
        }
    }
    p
}

/// Is `rule` (as a reason names it, `restriction.rule`) a rule of a shared restriction?
fn is_restriction_rule(rb: &RuleBase, rule: &str) -> bool {
    rule.split_once('.')
        .is_some_and(|(r, _)| rb.restrictions.contains_key(r))
}

/// The first restriction finding that fails (and applies) for `base` but passes or does not apply
/// once `added` is among its purposes: `authority rule: before -> after`.
pub(crate) fn lifted(rb: &RuleBase, base: &Proposal, added: &str) -> Option<String> {
    let mut more = base.clone();
    more.purposes.push(added.to_string());
    let (before, after) = (
        rb.evaluate(base).into_explanation(),
        rb.evaluate(&more).into_explanation(),
    );
    for c in &before.candidates {
        let failed = c.reasons.iter().filter(|r| {
            r.outcome == Outcome::Fail && r.applies && is_restriction_rule(rb, &r.rule)
        });
        for r in failed {
            let later = after
                .candidate(&c.authority)
                .and_then(|h| h.reasons.iter().find(|x| x.rule == r.rule));
            if let Some(x) = later {
                if x.outcome != Outcome::Fail || !x.applies {
                    return Some(format!(
                        "{} {}: fails for {:?}, then {:?} (applies: {}) with {added} added",
                        c.authority, r.rule, base.purposes, x.outcome, x.applies
                    ));
                }
            }
        }
    }
    None
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn adding_a_purpose_never_lifts_a_restriction(
        seed in any::<u64>(),
        a in adverse(),
        pick in any::<prop::sample::Index>(),
    ) {
        let rb = rules();
        let base = proposal(rb, seed, a);
        let purposes: Vec<&String> = rb.purposes.keys().collect();
        let added = purposes[pick.index(purposes.len())];
        prop_assume!(!base.purposes.contains(added));
        let lift = lifted(rb, &base, added);
        prop_assert!(lift.is_none(), "{}", lift.unwrap_or_default());
    }
}

/// A counterterrorism training package for a military unit whose vetting failed.
const CT_PACKAGE: &str = r#"Proposal(
    id: "P-CT",
    title: "Counterterrorism training",
    partner: "Ghana",
    recipient: NationalMilitary,
    purposes: ["counterterrorism"],
    activities: ["training"],
    amount_usd: 5000000,
    start: "2027-03-01",
    duration_months: 12,
    funding: DoD,
    leahy: Failed,
)"#;

/// The property can fail: with the `leahy-dod` guard as it stood before issue 13 (`not
/// (purposes has disaster_relief or ...)`), adding `disaster_relief` to a counterterrorism package
/// whose vetting failed switched DoD Leahy off for the whole package.
#[test]
fn the_property_catches_a_whole_package_exception() {
    let scoped = "and not (purposes only [disaster_relief] and not fact.disaster_preparedness\n                \
                  or (purposes only [disaster_relief, humanitarian] and emergency)\n                \
                  or fact.national_security_emergency)";
    let whole =
        "and not (purposes has disaster_relief or (purposes has humanitarian and emergency))";
    let files: Vec<_> = RuleBase::builtin_files()
        .into_iter()
        .map(|mut f| {
            if f.name.ends_with("restrictions.auth") {
                assert!(f.text.contains(scoped), "the leahy-dod exception moved");
                f.text = f.text.replacen(scoped, whole, 1);
            }
            f
        })
        .collect();
    let old = RuleBase::from_files(&files).expect("the old rule base loads");
    let base = old.read_proposal("p.ron", CT_PACKAGE).expect("proposal");
    let lift = lifted(&old, &base, "disaster_relief");
    assert!(
        lift.as_deref()
            .is_some_and(|l| l.contains("leahy-dod.vetted")),
        "{lift:?}"
    );
    let base = rules()
        .read_proposal("p.ron", CT_PACKAGE)
        .expect("proposal");
    assert_eq!(lifted(rules(), &base, "disaster_relief"), None);
}
