//! Explanations: why not, what would make it fit (verified), missing facts as questions.

use authsel::engine::cure::apply;
use authsel::{Proposal, RuleBase, Verdict};
use proptest::prelude::*;

const CT: &str = include_str!("../../examples/01-ct-train-equip-333.ron");
const LEASE: &str = include_str!("../../rules/cases/domain/04-helicopter-lease-7y.ron");
const PDA: &str = include_str!("../../rules/cases/domain/08-drawdown-506a1-150m.ron");

fn decide(text: &str) -> authsel::Explanation {
    let rb = RuleBase::builtin();
    let p = rb.read_proposal("t.ron", text).expect("valid proposal");
    rb.evaluate(&p).into_explanation()
}

#[test]
fn drawdown_over_the_ceiling_says_at_most_100m_and_names_the_next_best() {
    let d = decide(PDA);
    let c = d.candidate("faa-506a1").expect("506(a)(1) is a candidate");
    assert_eq!(c.verdict, Verdict::Ineligible);
    let fix = c.fix.as_ref().expect("a fix");
    assert!(
        fix.steps.iter().any(|s| s.contains("at most $100,000,000")),
        "{:?}",
        fix.steps
    );
    let explain = authsel::render::human::explain_one(&d, "faa-506a1").expect("explain");
    let next = d
        .recommended()
        .expect("some other authority is at least conditional");
    assert_ne!(next, "faa-506a1");
    assert!(explain.contains(&format!("next best: {next}")), "{explain}");
}

#[test]
fn a_seven_year_lease_says_at_most_60_months() {
    let d = decide(LEASE);
    let c = d.candidate("lease").expect("lease is a candidate");
    assert_eq!(c.verdict, Verdict::Ineligible);
    let steps = &c.fix.as_ref().expect("a fix").steps;
    assert!(
        steps.iter().any(|s| s.contains("at most 60 months")),
        "{steps:?}"
    );
    assert!(
        c.why_not.iter().any(|w| w.text().contains("AECA § 61(b)")),
        "{:?}",
        c.why_not
    );
}

#[test]
fn no_leahy_status_is_conditional_and_asks_for_it() {
    let text: String = CT
        .lines()
        .filter(|l| !l.contains("leahy:"))
        .map(|l| format!("{l}\n"))
        .collect();
    let d = decide(&text);
    assert_eq!(d.recommended(), Some("usc10-333"));
    assert_eq!(d.verdict, "conditional");
    let q = d
        .missing_facts
        .iter()
        .find(|m| m.fact == "leahy")
        .expect("leahy is asked for");
    assert!(q.question.contains("Leahy"), "{}", q.question);
    assert!(q.candidates.contains(&"usc10-333".to_string()));
    assert!(d.summary.contains("Still needed"), "{}", d.summary);
}

#[test]
fn a_failed_vetting_is_never_fixed_by_editing_the_input() {
    let d = decide(&CT.replace("leahy: Passed", "leahy: Failed"));
    let c = d.candidate("usc10-333").expect("333");
    assert_eq!(c.verdict, Verdict::Ineligible);
    let fix = c.fix.as_ref().expect("a legal note");
    assert!(fix.changes.is_empty(), "{:?}", fix.changes);
    assert!(
        fix.legal.iter().any(|l| l.contains("362")),
        "{:?}",
        fix.legal
    );
}

#[test]
fn decision_record_identifies_rules_input_and_date() {
    let d = decide(CT);
    assert_eq!(d.record.rules_digest.len(), 64);
    assert_eq!(d.record.input_digest.len(), 64);
    assert_eq!(d.record.as_of.to_string(), "2027-03-01");
    assert_eq!(d.record.authsel_version, env!("CARGO_PKG_VERSION"));
    // Same input, same digest; a changed input, another.
    assert_eq!(decide(CT).record.input_digest, d.record.input_digest);
    assert_ne!(
        decide(&CT.replace("30000000", "30000001"))
            .record
            .input_digest,
        d.record.input_digest
    );
}

/// Every suggested fix, applied to its proposal, makes that candidate no longer ineligible.
fn check_fixes(rb: &RuleBase, p: &Proposal) -> Result<usize, TestCaseError> {
    let d = rb.evaluate(p).into_explanation();
    let mut checked = 0;
    for c in &d.candidates {
        let Some(fix) = c.fix.as_ref().filter(|f| !f.changes.is_empty()) else {
            continue;
        };
        let q = apply(p, &fix.changes);
        let again = rb.evaluate(&q).into_explanation();
        let after = again.candidate(&c.authority).map(|x| x.verdict);
        prop_assert!(
            matches!(after, Some(Verdict::Eligible | Verdict::Conditional)),
            "{} on {}: after {:?} it is {:?}",
            c.authority,
            p.id,
            fix.changes,
            after
        );
        checked += 1;
    }
    Ok(checked)
}

#[test]
fn fixes_verify_on_every_regression_case() {
    let rb = RuleBase::builtin();
    let mut checked = 0;
    for c in RuleBase::builtin_cases() {
        let p = rb.read_proposal(&c.name, &c.text).expect("valid case");
        checked += check_fixes(&rb, &p)
            .map_err(|e| e.to_string())
            .expect("fixes verify");
    }
    assert!(checked > 0, "no fix was offered on any regression case");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn fixes_verify_on_varied_proposals(
        amount in 0u64..400_000_000,
        months in proptest::option::of(1u32..120),
        day in 0i64..1500,
        recipient in 0usize..5,
        funding in proptest::option::of(0usize..6),
        purpose in 0usize..24,
        activity in 0usize..15,
        leahy in proptest::option::of(0usize..4),
        emergency in proptest::option::of(any::<bool>()),
    ) {
        use authsel::model::{Funding, LeahyStatus, RecipientKind};
        let rb = RuleBase::builtin();
        let purposes: Vec<&String> = rb.purposes.keys().collect();
        let activities: Vec<&String> = rb.activities.keys().collect();
        let start = jiff::civil::date(2026, 1, 1).checked_add(jiff::Span::new().days(day)).expect("date");
        let p = Proposal {
            id: "PROP-1".into(),
            title: "generated".into(),
            partner: "Kenya".into(),
            recipient: RecipientKind::ALL[recipient],
            purposes: vec![purposes[purpose % purposes.len()].clone()],
            activities: vec![activities[activity % activities.len()].clone()],
            amount_usd: amount,
            start,
            offer_date: None,
            duration_months: months,
            funding: funding.map(|f| Funding::ALL[f]),
            leahy: leahy.map(|l| LeahyStatus::ALL[l]),
            major_defense_equipment_usd: None,
            emergency,
            facts: Default::default(),
            amounts: Default::default(),
            serves: Default::default(),
            activity_funding: Default::default(),
        };
        check_fixes(&rb, &p)?;
    }
}
