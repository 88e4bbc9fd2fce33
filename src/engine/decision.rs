//! Assessments to a `Decision`: the candidates ranked, each with its findings, duties and verified
//! cure. No words: `explain` puts a decision in words.

use crate::engine::assess::{
    assess_each, assess_fitting, Assessment, Context, Env, Finding, Findings, Obligation, Span,
    Verdict,
};
use crate::engine::cure::{self, Cure};
use crate::input::proposal::Ledger;
use crate::input::proposal::Proposal;
use crate::model::graph::Reach;
use crate::model::text::Text;
use crate::model::RuleBase;
use jiff::civil::Date;
use std::cmp::Reverse;
use std::fmt;
use std::sync::OnceLock;

/// The decision for one proposal: every candidate authority ranked, best first, with the findings
/// behind its verdict, the duties that follow and, for an ineligible one, the verified change that
/// would cure it. Built without any explanation text; `Decision::explain` (in `explain/`) puts it
/// in words, and serializing a decision writes its explanation (the JSON of `docs/json.md`).
#[derive(Clone)]
pub struct Decision {
    rules: RuleBase,
    proposal: Proposal,
    as_of: Option<Date>,
    /// The ledger the decision saw (shared, not copied): its digest for the record, and its
    /// committed amounts for cures planned later.
    ledger: Option<Ledger>,
    /// The eligible and conditional candidates, ranked. Invariant: every one of them ranks above
    /// every ineligible candidate (the verdict leads the ranking key), so they are ranked without
    /// the cures.
    fitting: Vec<Considered>,
    /// The fitting candidates' findings, in one store (`Considered::findings` says where).
    findings: Findings,
    /// The ineligible candidates, assessed in full and ranked once their cures are planned and
    /// verified, when first asked for: the brief view asks when nothing fits (the closest one and
    /// its fix are the answer), the full explanation always; the verdict, the recommendation, its
    /// duties and questions, and `fitting`, never do.
    ineligible: OnceLock<Ineligible>,
    /// The ineligible candidates as the graph reached them, in catalogue order: each was dropped
    /// at its first failed finding.
    pending: Vec<Reach>,
}

/// The ineligible candidates of a decision, ranked, and their findings. Invariant: a candidate's
/// findings are in this store when its verdict is `Ineligible`, else in `Decision::findings`.
#[derive(Clone, PartialEq, Eq)]
struct Ineligible {
    ranked: Vec<Considered>,
    findings: Findings,
}

/// One candidate of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Considered {
    pub reach: Reach,
    pub verdict: Verdict,
    /// Where its findings are: `Decision::findings` reads them.
    pub findings: Span,
    pub obligations: Vec<Obligation>,
    /// For an ineligible candidate: the verified change that would make it fit, if any.
    pub cure: Option<Cure>,
    /// The first candidate, or a conditional one that would rank first were its open questions
    /// all answered its way: the candidates whose open facts can change the recommendation.
    pub contends: bool,
}

impl fmt::Debug for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decision")
            .field("proposal", &self.proposal.id)
            .field("recommended", &self.recommended())
            .field("fitting", &self.fitting)
            .field("ineligible", &self.ineligible.get().map(|i| &i.ranked))
            .finish_non_exhaustive()
    }
}

impl PartialEq for Decision {
    /// Two decisions are equal when they say the same: same rule base, proposal, law date, ledger
    /// and ranked candidates (the ineligible ones ranked, if they were not yet).
    fn eq(&self, other: &Decision) -> bool {
        self.rules.digest == other.rules.digest
            && self.proposal == other.proposal
            && self.as_of == other.as_of
            && self.ledger == other.ledger
            && self.fitting == other.fitting
            && self.findings == other.findings
            && self.rest() == other.rest()
    }
}

impl Eq for Decision {}

impl Decision {
    /// The best candidate that is eligible or conditional.
    pub fn recommended(&self) -> Option<&str> {
        self.best().map(|(a, _)| a.id.as_str())
    }

    /// `eligible`, `conditional` or `none`.
    pub fn verdict(&self) -> &'static str {
        self.best().map_or("none", |(_, c)| c.verdict.as_str())
    }

    fn best(&self) -> Option<(&crate::model::Authority, &Considered)> {
        self.fitting().next()
    }

    /// The candidates, best first, with their authorities. The ineligible ones are ranked (their
    /// cures planned) only if the iteration reaches them.
    pub fn ranked(&self) -> impl Iterator<Item = (&crate::model::Authority, &Considered)> {
        let rest = std::iter::once_with(move || self.rest().ranked.iter()).flatten();
        self.fitting()
            .chain(rest.filter_map(|c| self.with_authority(c)))
    }

    /// The eligible and conditional candidates, best first, with their authorities: the head of
    /// `ranked`, without assessing the ineligible ones or planning their cures.
    pub fn fitting(&self) -> impl Iterator<Item = (&crate::model::Authority, &Considered)> {
        self.fitting.iter().filter_map(|c| self.with_authority(c))
    }

    fn with_authority<'d>(
        &'d self,
        c: &'d Considered,
    ) -> Option<(&'d crate::model::Authority, &'d Considered)> {
        self.rules
            .authorities
            .get(c.reach.authority)
            .map(|a| (a, c))
    }

    pub fn proposal(&self) -> &Proposal {
        &self.proposal
    }

    /// A candidate's findings: every rule's outcome, the built-in checks first.
    pub fn findings(&self, c: &Considered) -> &[Finding] {
        self.store(c).of(c.findings)
    }

    /// The facts whose absence left one of `c`'s findings unknown, sorted.
    pub fn missing(&self, c: &Considered, f: &Finding) -> &[Text] {
        self.store(c).missing(f)
    }

    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub fn law_date(&self) -> Date {
        self.as_of.unwrap_or(self.proposal.start)
    }

    /// The rule base that decided.
    pub fn rules(&self) -> &RuleBase {
        &self.rules
    }

    /// `--as-of`, if given.
    pub fn as_of(&self) -> Option<Date> {
        self.as_of
    }

    /// SHA-256 of the ledger the decision saw, if any.
    pub fn ledger_digest(&self) -> Option<&str> {
        self.ledger.as_ref().map(Ledger::digest)
    }

    /// How many ledger entries the decision saw.
    pub fn ledger_entries(&self) -> usize {
        self.ledger.as_ref().map_or(0, |l| l.entries().len())
    }

    /// The ineligible candidates, ranked: assessed in full, their cures planned and verified, on
    /// first need.
    fn rest(&self) -> &Ineligible {
        self.ineligible.get_or_init(|| {
            let ctx = Context {
                as_of: self.as_of,
                ledger: self.ledger.as_ref(),
            };
            let env = Env::new(&self.rules, &self.proposal, &ctx);
            let (assessed, findings) = assess_each(&env, &ctx, &self.pending);
            let mut ranked = rank_ineligible(&env, &ctx, &findings, assessed);
            // Nothing fits: the closest one leads, and its open questions are asked.
            if let (true, Some(first)) = (self.fitting.is_empty(), ranked.first_mut()) {
                first.contends = true;
            }
            Ineligible { ranked, findings }
        })
    }

    /// The store that holds a candidate's findings (`Considered::findings` says where in it).
    pub fn store(&self, c: &Considered) -> &Findings {
        if c.verdict == Verdict::Ineligible {
            &self.rest().findings
        } else {
            &self.findings
        }
    }
}

/// The ordering key: verdict; among ineligible candidates, one a verified change would cure before
/// one nothing cures, and the cheaper change first; then failed rules (fewer = closer to fitting);
/// then how the authority fits the proposal's purposes: purposes served by name, purposes served
/// at all, the steps up the hierarchy to the purpose it serves (fewer = the closer fit); open
/// questions; its focus on the proposal (the share of the authority's own purposes that the
/// proposal's reach, then of its activities that the proposal asks for: lex specialis, the
/// authority made for this purpose and this activity governs the general one, judged against the
/// proposal, never on how many purposes and activities an authority lists); catalogue order
/// (which makes the order total).
type RankKey = (
    Verdict,
    bool,
    usize,
    usize,
    Reverse<usize>,
    Reverse<usize>,
    usize,
    usize,
    Reverse<usize>,
    Reverse<usize>,
    usize,
);

/// Bits per count in the packed key, in `RankKey` order after the verdict and the cure flag.
const WIDTHS: [u32; 9] = [16, 16, 8, 8, 8, 16, 16, 16, 16];

/// `RankKey` as one integer with the same order, if every count fits its width.
fn pack(k: &RankKey) -> Option<u128> {
    let (
        verdict,
        uncured,
        cost,
        fails,
        Reverse(direct),
        Reverse(served),
        steps,
        unknown,
        Reverse(purposes),
        Reverse(activities),
        order,
    ) = *k;
    // Reverse(x) sorts descending: store max - x.
    let counts = [
        (cost, false),
        (fails, false),
        (direct, true),
        (served, true),
        (steps, false),
        (unknown, false),
        (purposes, true),
        (activities, true),
        (order, false),
    ];
    // 2 + 1 + 120 bits.
    let head = (verdict as u128) << 1 | u128::from(uncured);
    counts
        .into_iter()
        .zip(WIDTHS)
        .try_fold(head, |acc, ((v, reverse), bits)| {
            let max = (1u128 << bits) - 1;
            let v = u128::try_from(v).ok().filter(|v| *v <= max)?;
            Some((acc << bits) | if reverse { max - v } else { v })
        })
}

/// The share of the authority's own purposes the proposal reaches, and of its activities the
/// proposal asks for, in thousandths (capped, so it always packs).
fn focus(a: &Assessment, p: &Proposal) -> (usize, usize) {
    a.authority
        .focus(a.reach.direct + a.reach.inherited, &p.activities)
}

/// Marks the first candidate and every conditional one whose best case (eligible, nothing left
/// open) would rank above it: "still needed" asks only their open facts.
fn mark_contenders(keys: &[RankKey], slots: &mut [Option<Considered>]) {
    let Some(first) = keys.iter().min() else {
        return;
    };
    for (k, slot) in keys.iter().zip(slots.iter_mut()) {
        let Some(c) = slot else { continue };
        let best = (
            Verdict::Eligible,
            true,
            0,
            0,
            k.4,
            k.5,
            k.6,
            0,
            k.8,
            k.9,
            k.10,
        );
        c.contends = k == first || (c.verdict == Verdict::Conditional && best < *first);
    }
}

fn rank_key(a: &Assessment, p: &Proposal, cure: Option<&Cure>, slot: usize) -> RankKey {
    let (purposes, activities) = focus(a, p);
    (
        a.verdict,
        cure.is_none(),
        cure.map_or(0, Cure::cost),
        a.fails,
        Reverse(a.reach.direct),
        Reverse(a.reach.direct + a.reach.inherited),
        a.reach.steps,
        a.unknowns,
        Reverse(purposes),
        Reverse(activities),
        slot,
    )
}

/// Decides: assesses every candidate, plans and verifies a cure for each ineligible one, and ranks
/// them. No explanation text is built here.
pub(crate) fn decide(rules: &RuleBase, p: &Proposal, ctx: &Context) -> Decision {
    let env = Env::new(rules, p, ctx);
    let (assessed, findings, pending) = assess_fitting(&env, ctx);
    let (mut keys, mut slots) = keyed(assessed, p, |_| None);
    mark_contenders(&keys, &mut slots);
    let fitting = in_key_order(&mut keys, &mut slots);
    Decision {
        rules: rules.clone(),
        proposal: p.clone(),
        as_of: ctx.as_of,
        ledger: ctx.ledger.cloned(),
        fitting,
        findings,
        ineligible: OnceLock::new(),
        pending,
    }
}

/// Each candidate with its ranking key, side by side in catalogue order: the keys are sorted, each
/// candidate moved once. The position in catalogue order stands in for the catalogue order:
/// within one decision they order the same, and the position says which candidate a sorted key
/// is.
fn keyed(
    assessed: Vec<Assessment>,
    p: &Proposal,
    mut cure_of: impl FnMut(&Assessment) -> Option<Cure>,
) -> (Vec<RankKey>, Vec<Option<Considered>>) {
    let mut keys = Vec::with_capacity(assessed.len());
    let mut slots = Vec::with_capacity(assessed.len());
    for a in assessed {
        let cure = cure_of(&a);
        keys.push(rank_key(&a, p, cure.as_ref(), slots.len()));
        slots.push(Some(Considered {
            reach: a.reach,
            verdict: a.verdict,
            findings: a.findings,
            obligations: a.obligations,
            cure,
            contends: false,
        }));
    }
    (keys, slots)
}

/// The candidates in the order of their keys (each key's last element is its slot).
fn in_key_order(keys: &mut [RankKey], slots: &mut [Option<Considered>]) -> Vec<Considered> {
    // Packed into one integer when every count fits in 16 bits (always, for any real rule base):
    // the position in the low bits makes each key unique and says which candidate it is. The
    // tuples otherwise.
    let packed: Option<Vec<u128>> = keys.iter().map(pack).collect();
    let order: Vec<usize> = match packed {
        Some(mut keys) => {
            keys.sort_unstable();
            keys.into_iter().map(|k| usize::from(k as u16)).collect()
        }
        None => {
            keys.sort_unstable();
            keys.iter().map(|k| k.10).collect()
        }
    };
    order
        .iter()
        .filter_map(|i| slots.get_mut(*i).and_then(Option::take))
        .collect()
}

/// Plans and verifies a cure for each ineligible candidate, and ranks them: among them, one that
/// a change would make fit comes before one nothing cures, and the cheaper change first. No edit
/// makes an authority serve a purpose it does not serve: nothing to plan for those.
fn rank_ineligible(
    env: &Env,
    ctx: &Context,
    findings: &Findings,
    assessed: Vec<Assessment>,
) -> Vec<Considered> {
    let mut scratch = None;
    let (mut keys, mut slots) = keyed(assessed, env.proposal, |a| {
        Some(a.authority)
            .filter(|_| a.reach.serves_any())
            .and_then(|au| cure::cure(env, ctx, au, findings.of(a.findings), &mut scratch))
    });
    in_key_order(&mut keys, &mut slots)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The recommendation, its duties and questions never plan a cure; the ranked list plans them
    /// all, once; when nothing fits, they are planned at once (the closest one is the answer).
    #[test]
    fn cures_are_planned_only_when_the_ineligible_candidates_are_asked_for() {
        let rules = RuleBase::builtin();
        let read = |text: &str| rules.read_proposal("p.ron", text).expect("proposal");
        let fits = read(include_str!("../../examples/01-ct-train-equip-333.ron"));
        let d = rules.evaluate(&fits);
        assert_eq!(d.recommended(), Some("usc10-333"));
        assert_eq!(d.verdict(), "eligible");
        let _ = d.brief(crate::explain::Detail::Brief);
        assert!(d.ineligible.get().is_none(), "planned for the brief view");
        let fitting: Vec<&Considered> = d.fitting().map(|(_, c)| c).collect();
        assert!(
            d.ineligible.get().is_none(),
            "planned for the fitting candidates"
        );
        let all: Vec<&Considered> = d.ranked().map(|(_, c)| c).collect();
        assert_eq!(
            all.get(..fitting.len()),
            Some(&fitting[..]),
            "the head of the ranking"
        );
        assert!(all[fitting.len()..]
            .iter()
            .all(|c| c.verdict == Verdict::Ineligible));
        let planned = &d
            .ineligible
            .get()
            .expect("planned once the list is read")
            .ranked;
        assert_eq!(all.len(), d.fitting.len() + planned.len());
        assert!(planned.iter().any(|c| c.cure.is_some()), "some are curable");
        assert!(planned
            .iter()
            .all(|c| c.verdict == Verdict::Ineligible && !c.contends));
        // Curable ones first, the cheaper change first.
        let keys: Vec<(bool, usize)> = planned
            .iter()
            .map(|c| (c.cure.is_none(), c.cure.as_ref().map_or(0, Cure::cost)))
            .collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");

        // Nothing fits: the verdict needs no ranking; the brief view's closest candidate does.
        let none = read(include_str!("../../rules/cases/domain/16-spp-12m.ron"));
        let d = rules.evaluate(&none);
        assert_eq!((d.recommended(), d.verdict()), (None, "none"));
        assert_eq!(d.fitting().count(), 0);
        assert!(d.ineligible.get().is_none(), "planned for the verdict");
        let brief = d.brief(crate::explain::Detail::Brief);
        assert!(brief.closest.is_some(), "the closest one is the answer");
        let planned = &d
            .ineligible
            .get()
            .expect("planned once the closest is asked for")
            .ranked;
        assert!(planned.first().is_some_and(|c| c.contends));
    }

    fn key() -> impl Strategy<Value = RankKey> {
        let verdict = prop_oneof![
            Just(Verdict::Eligible),
            Just(Verdict::Conditional),
            Just(Verdict::Ineligible)
        ];
        let n = || 0usize..70_000;
        let small = || 0usize..300;
        (
            verdict,
            any::<bool>(),
            (n(), n(), small(), small(), small(), n(), n(), n(), n()),
        )
            .prop_map(|(v, u, (c, f, d, s, st, q, fp, fa, o))| {
                (
                    v,
                    u,
                    c,
                    f,
                    Reverse(d),
                    Reverse(s),
                    st,
                    q,
                    Reverse(fp),
                    Reverse(fa),
                    o,
                )
            })
    }

    proptest! {
        /// The packed key orders as the tuple does, and packs exactly when every count fits.
        #[test]
        fn packed_rank_keys_order_as_the_tuples(a in key(), other in key(), field in 0usize..12) {
            // Mostly keys that differ in one field only, so every field's place is tested.
            let mut b = a;
            match field {
                0 => b.0 = other.0,
                1 => b.1 = other.1,
                2 => b.2 = other.2,
                3 => b.3 = other.3,
                4 => b.4 = other.4,
                5 => b.5 = other.5,
                6 => b.6 = other.6,
                7 => b.7 = other.7,
                8 => b.8 = other.8,
                9 => b.9 = other.9,
                10 => b.10 = other.10,
                _ => b = other,
            }
            let fits = |k: &RankKey| {
                [k.2, k.3, k.4.0, k.5.0, k.6, k.7, k.8.0, k.9.0, k.10]
                    .iter()
                    .zip(WIDTHS)
                    .all(|(x, bits)| (*x as u128) < (1u128 << bits))
            };
            match (pack(&a), pack(&b)) {
                (Some(pa), Some(pb)) => prop_assert_eq!(pa.cmp(&pb), a.cmp(&b)),
                (pa, pb) => {
                    prop_assert_eq!(pa.is_some(), fits(&a));
                    prop_assert_eq!(pb.is_some(), fits(&b));
                }
            }
        }
    }
}
