//! Program plans: when no single authority covers a proposal, the smallest set of authorities that
//! together do, each as a part that is a proposal in its own right, on one timeline.
//!
//! One job: choose, verify and order plans. It decides nothing about the law itself: every part is
//! judged by the engine (`RuleBase::evaluate_with`) exactly as a proposal would be, and put in
//! words by `explain`. Invariant: a plan is offered only after each of its parts was re-evaluated
//! alone and found eligible or conditional for its authority; the parts' activities partition the
//! proposal's, their purposes cover the proposal's, and their known shares sum to `amount_usd`.
//!
//! - `search`: the candidate parts (through the graph), their evaluation (once per distinct part),
//!   the bounded enumeration of activity partitions and the ranking key.
//! - `timeline`: every duty of every part merged by deadline, with precedence, overdue flags,
//!   the earliest feasible start and the paperwork count.

mod search;
mod timeline;

pub use search::{MAX_ACTIVITIES, MAX_EVALUATIONS, MAX_PARTS, PER_PART_CHOICES};
pub use timeline::{Paperwork, Timeline, TimelineEntry};

use crate::engine::assess::{Context, Obligation, Verdict};
use crate::explain::Reason;
use crate::input::proposal::Proposal;
use crate::model::{Funding, RuleBase};
use jiff::civil::Date;
use serde::Serialize;

/// Why no plan could be searched for. (A proposal that no set of authorities covers is not an
/// error: it is a `Plan` with no options and `why_none`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error(
        "the proposal has {count} activities; a plan is searched for at most {max} (split the proposal into smaller ones)"
    )]
    TooManyActivities { count: usize, max: usize },
    #[error(
        "the plan search would evaluate more than {max} distinct parts; narrow the proposal (fewer activities or purposes)"
    )]
    TooManyEvaluations { max: usize },
    #[error("the shares of `amounts` do not add up within 64 bits")]
    AmountOverflow,
}

/// The answer to "which authorities, together, cover this proposal": the best plan and up to two
/// alternatives, or why there is none.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub proposal: String,
    pub title: String,
    pub amount_usd: u64,
    /// `--today`: overdue duties are flagged and the earliest feasible start computed from it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<Date>,
    /// What `eval` recommends for the whole proposal (one authority), if anything.
    pub single: Option<String>,
    /// `eligible`, `conditional` or `none`: `eval`'s verdict for the whole proposal.
    pub single_verdict: String,
    /// The best plan is the one authority `eval` recommends: no knitting is needed.
    pub single_is_best: bool,
    /// Best first: at most three.
    pub options: Vec<PlanOption>,
    /// Why the best plan was chosen, in one sentence (the first criterion that separates it from
    /// the next one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub choice: Option<String>,
    /// Without `serves`, when the best plan has several parts and the proposal several purposes:
    /// which purpose each activity was assumed to serve, and the `serves` line that states it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assumed: Option<String>,
    /// When no plan exists: why, one line per reason.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub why_none: Vec<String>,
    pub search: SearchStats,
}

/// How much searching the plan took, against the bounds of `search`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SearchStats {
    pub activities: usize,
    /// Distinct parts evaluated by the engine during the search.
    pub evaluations: usize,
    /// Complete plans (partitions with an authority for every part) compared.
    pub plans_compared: usize,
}

/// One way to cover the proposal: its parts, their duties on one timeline, and the cost.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanOption {
    /// 1 = best.
    pub rank: usize,
    pub authorities: Vec<String>,
    pub parts: Vec<Part>,
    /// Failed or unknown findings across the parts (a failed one only in a rule that does not
    /// apply; no part is ineligible).
    pub open_findings: usize,
    pub paperwork: Paperwork,
    pub timeline: Timeline,
    /// With `--today`: the first start date on which no duty is overdue (the proposal's start
    /// when none is).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earliest_start: Option<Date>,
    /// Thresholds the parts cross together that a part's share alone would not: the notice is kept.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub crossings: Vec<Crossing>,
    /// What the planner still has to answer, each once.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<String>,
    /// Why this option stands where it does against the best one (for the best: against the next).
    pub ranking: String,
}

/// One part of a plan: a proposal in its own right under one authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Part {
    /// 1-based, in the order of the proposal's activities.
    pub number: usize,
    pub authority: String,
    pub citation: String,
    pub name: String,
    pub activities: Vec<String>,
    /// The proposal's purposes this authority serves (by name or through `is_a`).
    pub purposes: Vec<String>,
    /// Its share of `amount_usd`: from `amounts`, or the whole amount when it is the only part;
    /// `None` when the proposal does not divide its amount (the part is then judged at the whole
    /// amount, the most its share can be, and the plan asks for the share).
    pub amount_usd: Option<u64>,
    /// Who pays for it: its activities' `activity_funding`, else the proposal's `funding`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    /// The part as the engine judged it.
    pub proposal: Proposal,
    pub verdict: Verdict,
    /// Every rule of the authority for this part, with its outcome and citation.
    pub reasons: Vec<Reason>,
    pub obligations: Vec<Obligation>,
    /// Duties the part's share alone would not carry but the parts together do (`crossings`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kept: Vec<Obligation>,
}

/// A threshold the parts of one purchase cross together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    pub part: usize,
    pub authority: String,
    pub kind: String,
    pub citation: String,
    /// The part's share and the whole amount the duty is kept for.
    pub share_usd: u64,
    pub total_usd: u64,
    pub message: String,
}

impl Plan {
    pub fn best(&self) -> Option<&PlanOption> {
        self.options.first()
    }

    /// How the plan stands against `eval`'s single-authority answer, in one sentence.
    pub fn against_single(&self) -> String {
        let best = self.best();
        let one = best
            .filter(|o| o.parts.len() == 1)
            .and_then(|o| o.authorities.first());
        match (&self.single, one) {
            (Some(a), _) if self.single_is_best => format!(
                "one authority is already best: {a} ({}); no knitting is needed",
                self.single_verdict
            ),
            (Some(a), Some(b)) => format!(
                "one authority covers it: `eval` recommends {a} ({}); by the plan's criteria (fewest authorities, open findings, paperwork, earliest start) {b} ranks first",
                self.single_verdict
            ),
            (Some(a), None) if best.is_some() => format!(
                "`eval` recommends {a} ({}) for the whole, but it does not serve every purpose of the proposal; this plan does",
                self.single_verdict
            ),
            (Some(a), None) => format!(
                "`eval` recommends {a} ({}) for the whole, but it does not serve every purpose of the proposal",
                self.single_verdict
            ),
            (None, _) => "no single authority covers the whole proposal".to_string(),
        }
    }
}

impl RuleBase {
    /// The best plan for a proposal (and up to two alternatives), judged by the law on each part's
    /// start, with no ledger and no `--today`.
    pub fn plan(&self, proposal: &Proposal) -> Result<Plan, PlanError> {
        self.plan_with(proposal, &Context::default(), None)
    }

    /// [`RuleBase::plan`] with a ledger or `--as-of` (`ctx`) and `today`, from which overdue
    /// duties and the earliest feasible start are computed.
    pub fn plan_with(
        &self,
        proposal: &Proposal,
        ctx: &Context,
        today: Option<Date>,
    ) -> Result<Plan, PlanError> {
        search::plan(self, proposal, ctx, today)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = include_str!("../../examples/01-ct-train-equip-333.ron");

    #[test]
    fn one_authority_is_already_best_and_its_concurrence_precedes_the_notice() {
        let rb = RuleBase::builtin();
        let p = Proposal::from_ron(CT).expect("example reads");
        let plan = rb.plan(&p).expect("within bounds");
        assert!(plan.single_is_best, "{:?}", plan.against_single());
        let best = plan.best().expect("a plan");
        assert_eq!(best.authorities, ["usc10-333"]);
        assert_eq!(
            best.parts.first().and_then(|x| x.amount_usd),
            Some(p.amount_usd)
        );
        let e = &best.timeline.entries;
        let at = |kind: &str| e.iter().position(|x| x.kind == kind).expect(kind);
        let notice = e.get(at("congressional_notification")).expect("notice");
        let concurrence = e.get(at("state_concurrence")).expect("concurrence");
        // Due 1 March on its own, the concurrence is due with the notice it supports (the rule's
        // `precedes`, so the engine's deadline already says so), listed first.
        assert_eq!(concurrence.deadline, notice.deadline);
        assert!(concurrence.deadline < Some(p.start));
        assert_eq!(concurrence.due, notice.due);
        assert!(at("state_concurrence") < at("congressional_notification"));
        assert_eq!(
            concurrence.before.as_deref(),
            Some("congressional_notification")
        );
        // Leahy vetting does not support the notice: its date stands.
        assert_eq!(
            e.get(at("leahy_vetting")).and_then(|x| x.before.clone()),
            None
        );
    }

    #[test]
    fn today_flags_overdue_duties_and_moves_the_start() {
        let rb = RuleBase::builtin();
        let p = Proposal::from_ron(CT).expect("example reads");
        let today = jiff::civil::date(2027, 2, 20);
        let plan = rb
            .plan_with(&p, &Context::default(), Some(today))
            .expect("within bounds");
        let best = plan.best().expect("a plan");
        // The notice (14 February) and what precedes it are overdue; the Leahy vetting is not.
        assert!(best.timeline.entries.iter().filter(|x| x.overdue).count() >= 3);
        assert!(best
            .timeline
            .entries
            .iter()
            .any(|x| x.kind == "leahy_vetting" && !x.overdue));
        assert_eq!(best.earliest_start, Some(jiff::civil::date(2027, 3, 7)));
    }
}
