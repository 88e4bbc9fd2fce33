//! Properties of evaluation (determinism, rule-file order, monotone ceilings, the fiscal-year
//! boundary, ledger additivity, JSON round trip) over generated proposals. Proposals come from the
//! library's own deterministic generator (`authsel::tools::diff::generate`), seeded by proptest, so each is
//! aimed at one authority and has amounts around the ceilings.

use authsel::engine::assess::{Context, Outcome};
use authsel::input::proposal::LedgerEntry;
use authsel::model::RuleKind;
use authsel::tools::diff::generate;
use authsel::{Explanation, Ledger, Proposal, RuleBase};
use proptest::prelude::*;
use std::sync::OnceLock;

fn rules() -> &'static RuleBase {
    static RB: OnceLock<RuleBase> = OnceLock::new();
    RB.get_or_init(RuleBase::builtin)
}

fn proposal(seed: u64) -> Proposal {
    generate(rules(), rules(), 1, seed)
        .pop()
        .expect("one proposal")
}

/// What a decision says, without its record (which counts ledger entries and digests inputs).
fn verdicts(d: &authsel::Decision) -> String {
    let mut d = d.explain();
    d.record.ledger_entries = 0;
    d.record.rules_digest.clear();
    serde_json::to_string(&(&d.recommended, &d.verdict, &d.candidates)).expect("json")
}

fn is_ceiling(authority: &str, rule: &str) -> bool {
    rules().authority(authority).is_some_and(|a| {
        a.rules
            .iter()
            .any(|r| r.name == rule && matches!(r.kind, RuleKind::Ceiling { .. }))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn evaluation_is_deterministic(seed in any::<u64>()) {
        let p = proposal(seed);
        let (a, b) = (rules().evaluate(&p), rules().evaluate(&p));
        prop_assert_eq!(&a, &b);
        prop_assert_eq!(a.explain(), b.explain());
    }

    #[test]
    fn decision_json_round_trips(seed in any::<u64>()) {
        let d = rules().evaluate(&proposal(seed));
        let json = serde_json::to_string(&d).expect("serialize");
        let back: Explanation = serde_json::from_str(&json).expect("deserialize");
        prop_assert_eq!(back, d.explain());
    }

    /// Raising `amount_usd` never turns a failed ceiling into a pass.
    #[test]
    fn ceilings_are_monotone_in_the_amount(seed in any::<u64>(), extra in 0u64..300_000_000) {
        let low = proposal(seed);
        let mut high = low.clone();
        high.amount_usd = low.amount_usd.saturating_add(extra);
        let (dl, dh) = (
            rules().evaluate(&low).into_explanation(),
            rules().evaluate(&high).into_explanation(),
        );
        for c in &dl.candidates {
            for r in c.reasons.iter().filter(|r| r.outcome == Outcome::Fail && r.applies) {
                if !is_ceiling(&c.authority, &r.rule) {
                    continue;
                }
                let later = dh
                    .candidate(&c.authority)
                    .and_then(|h| h.reasons.iter().find(|x| x.rule == r.rule))
                    .map(|x| x.outcome);
                prop_assert_eq!(later, Some(Outcome::Fail), "{} {} at {} then {}",
                    c.authority, r.rule, low.amount_usd, high.amount_usd);
            }
        }
    }

    /// Committing X then Y to the ledger is committing X + Y.
    #[test]
    fn ledger_is_additive(seed in any::<u64>(), x in 0u64..150_000_000, y in 0u64..150_000_000) {
        let p = proposal(seed);
        let fy = p.fiscal_year();
        let entry = |amount| LedgerEntry {
            authority: "faa-506a1".into(),
            fiscal_year: fy,
            amount_usd: amount,
            reference: String::new(),
            ceiling: None,
        };
        let two = Ledger::new(vec![entry(x), entry(y)]);
        let one = Ledger::new(vec![entry(x + y)]);
        let ctx = |l| Context { as_of: None, ledger: Some(l) };
        prop_assert_eq!(
            verdicts(&rules().evaluate_with(&p, &ctx(&two))),
            verdicts(&rules().evaluate_with(&p, &ctx(&one)))
        );
    }

    /// 30 September and 1 October are in different fiscal years, and ceilings count per year: a
    /// ledger that fills FY2026 blocks a drawdown starting 30 September 2026, not one starting the
    /// next day.
    #[test]
    fn fiscal_year_boundary(committed in 1u64..=100_000_000, amount in 1u64..=100_000_000) {
        prop_assume!(committed + amount > 100_000_000);
        let base = include_str!("../../rules/cases/domain/08-drawdown-506a1-150m.ron");
        let mut p = Proposal::from_ron(base).expect("case");
        p.amount_usd = amount;
        let ledger = Ledger::new(vec![LedgerEntry {
            authority: "faa-506a1".into(),
            fiscal_year: authsel::model::FiscalYear::new(2026),
            amount_usd: committed,
            reference: "FY2026".into(),
            ceiling: None,
        }]);
        let ctx = Context { as_of: None, ledger: Some(&ledger) };
        let outcome = |p: &Proposal| {
            rules().evaluate_with(p, &ctx).into_explanation().candidate("faa-506a1")
                .and_then(|c| c.reasons.iter().find(|r| r.rule == "aggregate").map(|r| r.outcome))
        };
        p.start = "2026-09-30".parse().expect("date");
        prop_assert_eq!(p.fiscal_year().year(), 2026);
        prop_assert_eq!(outcome(&p), Some(Outcome::Fail));
        p.start = "2026-10-01".parse().expect("date");
        prop_assert_eq!(p.fiscal_year().year(), 2027);
        prop_assert_eq!(outcome(&p), Some(Outcome::Pass));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// The rule files' order never changes a decision (`from_files` sorts them).
    #[test]
    fn independent_of_rule_file_order(
        files in Just(RuleBase::builtin_files()).prop_shuffle(),
        seed in any::<u64>(),
    ) {
        let shuffled = RuleBase::from_files(&files).expect("checks");
        prop_assert_eq!(&shuffled.digest, &rules().digest);
        for p in generate(rules(), rules(), 8, seed) {
            let (a, b) = (shuffled.evaluate(&p), rules().evaluate(&p));
            prop_assert_eq!(&a, &b);
            prop_assert_eq!(a.explain(), b.explain());
        }
    }
}
