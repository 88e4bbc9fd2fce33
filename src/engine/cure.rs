//! Counterfactuals: the smallest change to a proposal that would make a rejected authority fit,
//! computed from the failed rules' conditions and then verified by evaluating again. Legal findings
//! (Leahy results, emergency determinations, coups, arrears, terrorism listings) are never "fixed" by
//! editing the input: for those the remedy is what the law provides (an exception, a waiver).

use crate::engine::assess::{verdict_after, Context, Env, Finding, Outcome, RuleRef, Tri, Verdict};
use crate::input::proposal::{FactValue, Proposal};
use crate::model::*;
use crate::model::{CmpOp, HasOp, SetField};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One edit to a proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    AmountUsd { to: u64 },
    DurationMonths { to: u32 },
    Start { to: Date },
    MajorDefenseEquipmentUsd { to: u64 },
    Recipient { to: RecipientKind },
    Funding { to: Funding },
    RemoveActivity { activity: String },
    Fact { name: String, to: FactValue },
}

impl Change {
    /// The inputs this change touches (see `Inputs`).
    pub fn touches(&self) -> Inputs {
        match self {
            Change::AmountUsd { .. } => Inputs::AMOUNT,
            Change::DurationMonths { .. } => Inputs::DURATION,
            Change::Start { .. } => Inputs::START,
            Change::MajorDefenseEquipmentUsd { .. } => Inputs::MDE,
            Change::Recipient { .. } => Inputs::RECIPIENT,
            Change::Funding { .. } => Inputs::FUNDING,
            Change::RemoveActivity { .. } => Inputs::ACTIVITIES,
            Change::Fact { .. } => Inputs::FACTS,
        }
    }
}

/// Applies changes to a copy of the proposal.
pub fn apply(p: &Proposal, changes: &[Change]) -> Proposal {
    let mut q = p.clone();
    apply_to(&mut q, changes);
    q
}

/// Applies changes to the proposal in place.
fn apply_to(q: &mut Proposal, changes: &[Change]) {
    for c in changes {
        match c {
            Change::AmountUsd { to } => q.amount_usd = *to,
            Change::DurationMonths { to } => q.duration_months = Some(*to),
            Change::Start { to } => q.start = *to,
            Change::MajorDefenseEquipmentUsd { to } => q.major_defense_equipment_usd = Some(*to),
            Change::Recipient { to } => q.recipient = *to,
            Change::Funding { to } => q.funding = Some(*to),
            Change::RemoveActivity { activity } => q.activities.retain(|a| a != activity),
            Change::Fact { name, to } => {
                q.facts.insert(name.clone(), to.clone());
            }
        }
    }
}

/// A proposed edit and why it is proposed: the data `explain` words (`explain::fix`).
#[derive(Debug, Clone, PartialEq)]
pub struct Step<'a> {
    pub change: Change,
    pub why: StepWhy<'a>,
}

/// Why a step is proposed, with what its sentence needs beyond the change itself.
#[derive(Debug, Clone, PartialEq)]
pub enum StepWhy<'a> {
    /// Start when the authority takes effect (the change's date).
    TakesEffect,
    /// The authority does not provide this activity: split it off under another authority.
    NotProvided,
    /// The activity is barred by a rule of this authority.
    Barred,
    /// Receive it as a kind the authority serves (its `recipients`).
    ServedRecipient,
    /// Pay with funds the authority is paid by (its `funding`).
    ItsFunding,
    /// A recipient or funding in (or, `inside: false`, out of) the rule's set.
    InSet { set: &'a [Val], inside: bool },
    /// The amount left under a fiscal-year ceiling.
    CeilingRoom {
        rule: &'a Rule,
        limit: Usd,
        fy: FiscalYear,
    },
    /// The ceiling is used up this year: start in the next one.
    CeilingUsedUp { limit: Usd, fy: FiscalYear },
    /// A field moved to the bound of a comparison.
    Bound { op: CmpOp, verb: &'static str },
    /// The last day the program may run (`end <= last`), as a duration.
    EndBy { last: Date },
    /// The close of a fiscal year, as a duration.
    EndByFiscalYear { fy: FiscalYear, last: Date },
    /// A fact about the plan that must hold (`op` against the change's value).
    Fact { op: CmpOp },
}

/// Why no edit satisfies a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unmet {
    /// Nothing is left under its ceiling, in this year or (past the calendar) the next.
    NoRoom,
    /// Its ceiling has no limit recorded for the year.
    NotRecorded,
    /// No editable input makes its condition hold.
    Condition,
}

/// A failure no edit can cure, with what the law offers instead.
#[derive(Debug, Clone, PartialEq)]
pub enum Legal<'a> {
    /// The authority is not in force on the law date (and no later start helps).
    InForce,
    /// A rule no edit satisfies.
    Rule { rule: &'a Rule, unmet: Unmet },
}

/// A verified set of edits that makes an ineligible candidate fit: the data of a `Fix`, computed
/// when the decision is made (the ranking prefers candidates a cheap change would cure).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cure {
    pub changes: Vec<Change>,
    /// The verdict after the changes: eligible or conditional.
    pub then: Verdict,
}

impl Cure {
    /// See `Fix::cost`.
    pub fn cost(&self) -> usize {
        cost(&self.changes)
    }
}

pub fn cost(changes: &[Change]) -> usize {
    changes
        .iter()
        .map(|c| match c {
            Change::Recipient { .. } | Change::Funding { .. } | Change::RemoveActivity { .. } => 3,
            _ => 1,
        })
        .sum()
}

/// Edits planned from the failed findings, and the legal remedies for what no edit can cure.
pub struct Plan<'a> {
    pub steps: Vec<Step<'a>>,
    pub legal: Vec<Legal<'a>>,
    pub hopeless: bool,
}

/// Plans the edits for one ineligible candidate. Unless `all` is set (the explanation, which lists
/// every remedy) it stops at the first failure no edit can cure, since then there is nothing to
/// verify.
fn plan<'a>(
    env: &Env,
    as_of: Option<Date>,
    a: &'a Authority,
    findings: &[Finding],
    all: bool,
) -> Plan<'a> {
    let mut out = Plan {
        steps: Vec::new(),
        legal: Vec::new(),
        hopeless: false,
    };
    for f in findings.iter().filter(|f| f.outcome == Outcome::Fail) {
        if out.hopeless && !all {
            break;
        }
        plan_one(&mut out, env, as_of, a, f);
    }
    out
}

/// The edits (or the legal remedy) for one failed finding.
fn plan_one<'a>(out: &mut Plan<'a>, env: &Env, as_of: Option<Date>, a: &'a Authority, f: &Finding) {
    let p = env.proposal;
    match f.rule {
        RuleRef::Purpose => out.hopeless = true, // it does not serve this purpose: no edit changes that
        RuleRef::InForce => match in_force_fix(a, p, as_of) {
            Some(s) => out.steps.push(s),
            None => {
                out.hopeless = true;
                out.legal.push(Legal::InForce);
            }
        },
        RuleRef::Activities => {
            // Splitting off what it cannot provide only helps if something is left for it.
            if !p.activities.iter().any(|x| a.provides.items.contains(x)) {
                out.hopeless = true;
                return;
            }
            for act in p
                .activities
                .iter()
                .filter(|x| !a.provides.items.contains(x))
            {
                out.steps.push(Step {
                    change: Change::RemoveActivity {
                        activity: act.clone(),
                    },
                    why: StepWhy::NotProvided,
                });
            }
        }
        RuleRef::Recipient => match recipient_step(a) {
            Some(s) => out.steps.push(s),
            None => out.hopeless = true,
        },
        RuleRef::Funding => match funding_step(a) {
            Some(s) => out.steps.push(s),
            None => out.hopeless = true,
        },
        RuleRef::Own(i) => {
            let Some(rule) = a.rules.get(i) else {
                return;
            };
            match rule_fix(env, f.committed, rule) {
                Ok(mut s) => out.steps.append(&mut s),
                Err(why) => {
                    out.hopeless = true;
                    out.legal.push(why);
                }
            }
        }
    }
}

/// Receive it as the first kind of recipient the authority serves.
fn recipient_step<'a>(a: &Authority) -> Option<Step<'a>> {
    let k = a.recipients.as_ref().and_then(|x| x.items.first())?;
    Some(Step {
        change: Change::Recipient { to: *k },
        why: StepWhy::ServedRecipient,
    })
}

/// Pay with the first kind of funds the authority is paid by.
fn funding_step<'a>(a: &Authority) -> Option<Step<'a>> {
    let fd = a.funding.as_ref().and_then(|x| x.items.first())?;
    Some(Step {
        change: Change::Funding { to: *fd },
        why: StepWhy::ItsFunding,
    })
}

/// Plans the edits that would make an ineligible candidate fit and verifies them by evaluating the
/// changed proposal again; `None` when no verified edit exists. `scratch` is a copy of the proposal
/// (made on first need) that the changes are applied to and undone on, so no proposal is cloned per
/// candidate; it is equal to `env.proposal` again when this returns. A candidate that serves none
/// of the purposes is hopeless (`plan` says so at once); `decide` does not ask for one.
pub fn cure(
    env: &Env,
    ctx: &Context,
    a: &Authority,
    findings: &[Finding],
    scratch: &mut Option<Proposal>,
) -> Option<Cure> {
    let planned = plan(env, ctx.as_of, a, findings, false);
    if planned.hopeless || planned.steps.is_empty() {
        return None;
    }
    // Verify: the engine checks its own counterfactual before offering it.
    let changes: Vec<Change> = planned.steps.into_iter().map(|s| s.change).collect();
    let scratch = scratch.get_or_insert_with(|| env.proposal.clone());
    apply_to(scratch, &changes);
    // Changes never touch purposes or the partner, so the graph reach (which purposes it serves)
    // and the partner's registry entry are unchanged.
    let changed = changes
        .iter()
        .fold(Inputs::default(), |acc, c| acc.union(c.touches()));
    let then = verdict_after(&env.counterfactual(scratch, ctx), ctx, a, findings, changed);
    undo(scratch, env.proposal, &changes);
    (then != Verdict::Ineligible).then_some(Cure { changes, then })
}

/// Puts back, from `original`, every field the changes touched.
fn undo(q: &mut Proposal, original: &Proposal, changes: &[Change]) {
    for c in changes {
        match c {
            Change::AmountUsd { .. } => q.amount_usd = original.amount_usd,
            Change::DurationMonths { .. } => q.duration_months = original.duration_months,
            Change::Start { .. } => q.start = original.start,
            Change::MajorDefenseEquipmentUsd { .. } => {
                q.major_defense_equipment_usd = original.major_defense_equipment_usd
            }
            Change::Recipient { .. } => q.recipient = original.recipient,
            Change::Funding { .. } => q.funding = original.funding,
            Change::RemoveActivity { .. } => q.activities.clone_from(&original.activities),
            Change::Fact { name, .. } => match original.facts.get(name) {
                Some(v) => {
                    q.facts.insert(name.clone(), v.clone());
                }
                None => {
                    q.facts.remove(name);
                }
            },
        }
    }
}

/// Every planned edit and every legal remedy for an ineligible candidate, for the explanation
/// (which words them): the same planner as `cure`, so the words cannot drift from the verified
/// changes.
pub fn plan_all<'a>(
    env: &Env,
    as_of: Option<Date>,
    a: &'a Authority,
    findings: &[Finding],
) -> Plan<'a> {
    plan(env, as_of, a, findings, true)
}

fn in_force_fix<'a>(a: &Authority, p: &Proposal, as_of: Option<Date>) -> Option<Step<'a>> {
    if as_of.is_some() {
        return None; // the law date is fixed by --as-of, not by the proposal
    }
    if let Some(e) = a.effective.as_ref().filter(|e| p.start < e.date) {
        if a.in_force(e.date) {
            return Some(Step {
                change: Change::Start { to: e.date },
                why: StepWhy::TakesEffect,
            });
        }
    }
    None // repealed or expired: no later start helps; the successor is named in the reason
}

/// Edits that make one failed rule pass, or why no edit can.
fn rule_fix<'a>(
    env: &Env,
    committed: Option<Usd>,
    rule: &'a Rule,
) -> Result<Vec<Step<'a>>, Legal<'a>> {
    match &rule.kind {
        RuleKind::Ceiling { limit, .. } => {
            let fy = env.proposal.fiscal_year();
            let committed = committed.unwrap_or(Usd(u64::MAX));
            // A history with no limit for this year: no amount is known to fit.
            let limit = limit.at(env.law_date, fy).ok_or(Legal::Rule {
                rule,
                unmet: Unmet::NotRecorded,
            })?;
            let room = limit.0.saturating_sub(committed.0);
            if room > 0 {
                return Ok(vec![Step {
                    change: Change::AmountUsd { to: room },
                    why: StepWhy::CeilingRoom { rule, limit, fy },
                }]);
            }
            // Nothing left this year: the next fiscal year starts 1 October.
            let next_day = fy.next().first_day().ok_or(Legal::Rule {
                rule,
                unmet: Unmet::NoRoom,
            })?;
            Ok(vec![Step {
                change: Change::Start { to: next_day },
                why: StepWhy::CeilingUsedUp { limit, fy },
            }])
        }
        // `when G: C` fails only when G holds and C does not: make C hold.
        RuleKind::Require { cond, .. } => solve(env, cond, true).ok_or(Legal::Rule {
            rule,
            unmet: Unmet::Condition,
        }),
    }
}

/// Edits that make `c` evaluate to `want`, if the condition turns on editable inputs.
fn solve<'a>(env: &Env, c: &'a Cond, want: bool) -> Option<Vec<Step<'a>>> {
    if env.eval(c) == if want { Tri::True } else { Tri::False } {
        return Some(Vec::new());
    }
    match (c, want) {
        (Cond::Not(x), w) => solve(env, x, !w),
        (Cond::And(xs), true) | (Cond::Or(xs), false) => {
            let mut all = Vec::new();
            for x in xs {
                all.append(&mut solve(env, x, want)?);
            }
            Some(all)
        }
        (Cond::Or(xs), true) | (Cond::And(xs), false) => {
            xs.iter().find_map(|x| solve(env, x, want))
        }
        (Cond::Cmp { lhs, op, rhs }, w) => {
            let op = if w { *op } else { negate(*op) };
            solve_cmp(env, lhs, op, rhs)
        }
        (Cond::In { term, negated, set }, w) => solve_in(term, w != *negated, set),
        (
            Cond::Has {
                field: SetField::Activities,
                op,
                items,
            },
            false,
        ) => drop_activities(env, *op, items),
        (Cond::Truthy(t), w) => match &t.source {
            Source::Fact(name, ..) => fact_bound(env, name, CmpOp::Eq, &Val::Bool(w)),
            _ => None,
        },
        _ => None,
    }
}

/// Makes `lhs op rhs` hold by editing the editable field on one side, or a fact.
fn solve_cmp<'a>(env: &Env, lhs: &Term, op: CmpOp, rhs: &Term) -> Option<Vec<Step<'a>>> {
    match (&lhs.source, &rhs.source) {
        // A field with an offset (`end_fiscal_year + 1 <= ...`) is not solved for: no edit is
        // planned rather than one off by the offset.
        (Source::Field(f), _) if editable(*f) && lhs.offset == 0 => {
            let target = env_value(env, rhs)?;
            bound(env, *f, op, &target)
        }
        (_, Source::Field(f)) if editable(*f) && rhs.offset == 0 => {
            let target = env_value(env, lhs)?;
            bound(env, *f, flip(op), &target)
        }
        (Source::Fact(name, ..), Source::Const(v)) => fact_bound(env, name, op, v),
        _ => None,
    }
}

/// Makes `term in set` hold (`inside`) or fail, for the recipient and the funding.
fn solve_in<'a>(term: &Term, inside: bool, set: &'a [Val]) -> Option<Vec<Step<'a>>> {
    match &term.source {
        Source::Field(Field::Recipient) if inside => set.iter().find_map(|v| match v {
            Val::Recipient(k) => Some(vec![Step {
                change: Change::Recipient { to: *k },
                why: StepWhy::InSet { set, inside: true },
            }]),
            _ => None,
        }),
        Source::Field(Field::Funding) if inside => set.iter().find_map(|v| match v {
            Val::Funding(k) => Some(vec![Step {
                change: Change::Funding { to: *k },
                why: StepWhy::InSet { set, inside: true },
            }]),
            _ => None,
        }),
        Source::Field(Field::Recipient) => RecipientKind::ALL
            .into_iter()
            .find(|k| !set.contains(&Val::Recipient(*k)))
            .map(|k| {
                vec![Step {
                    change: Change::Recipient { to: k },
                    why: StepWhy::InSet { set, inside: false },
                }]
            }),
        _ => None,
    }
}

/// `not activities any [x, y]`: drop those activities.
fn drop_activities<'a>(env: &Env, op: HasOp, items: &[String]) -> Option<Vec<Step<'a>>> {
    let present: Vec<&String> = items
        .iter()
        .filter(|i| env.proposal.activities.contains(i))
        .collect();
    // `only` is made false by adding an activity, never by dropping one.
    if op == HasOp::Only || present.is_empty() || (op == HasOp::All && present.len() < items.len())
    {
        return None;
    }
    Some(
        present
            .into_iter()
            .map(|a| Step {
                change: Change::RemoveActivity {
                    activity: a.clone(),
                },
                why: StepWhy::Barred,
            })
            .collect(),
    )
}

/// Inputs a planner may change. Not: leahy (a vetting result), emergency (a presidential
/// determination), partner (the partner is the point), fiscal_year (follows from start).
fn editable(f: Field) -> bool {
    matches!(
        f,
        Field::AmountUsd
            | Field::DurationMonths
            | Field::Start
            | Field::End
            | Field::EndFiscalYear
            | Field::MajorDefenseEquipmentUsd
    )
}

fn env_value(env: &Env, t: &Term) -> Option<Val> {
    env.value(t).ok().map(std::borrow::Cow::into_owned)
}

fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Gt => CmpOp::Le,
    }
}

/// `a op b` as `b flip(op) a`.
fn flip(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Ge => CmpOp::Le,
        CmpOp::Gt => CmpOp::Lt,
        o => o,
    }
}

/// The nearest value of field `f` satisfying `f op target`.
fn bound<'a>(env: &Env, f: Field, op: CmpOp, target: &Val) -> Option<Vec<Step<'a>>> {
    let p = env.proposal;
    match (f, target) {
        (Field::AmountUsd | Field::MajorDefenseEquipmentUsd, Val::Usd(Usd(v))) => {
            bound_money(p, f, *v, op)
        }
        (Field::DurationMonths, Val::Months(m)) => {
            let to = u32::try_from(int_bound(u64::from(*m), op)?).ok()?;
            let verb = if p.duration_months.is_some_and(|d| d > to) {
                "shorten"
            } else {
                "set"
            };
            Some(vec![Step {
                change: Change::DurationMonths { to },
                why: StepWhy::Bound { op, verb },
            }])
        }
        (Field::Start, Val::Date(d)) => bound_start(*d, op),
        (Field::End, Val::Date(d)) if matches!(op, CmpOp::Le | CmpOp::Lt) => {
            let last = if op == CmpOp::Lt {
                d.yesterday().ok()?
            } else {
                *d
            };
            let months = months_until(p.start, last)?;
            Some(vec![Step {
                change: Change::DurationMonths { to: months },
                why: StepWhy::EndBy { last },
            }])
        }
        (Field::EndFiscalYear, Val::Int(fy)) if matches!(op, CmpOp::Le | CmpOp::Lt) => {
            let fy = if op == CmpOp::Lt { fy - 1 } else { *fy };
            let fy = FiscalYear::new(i16::try_from(fy).ok()?);
            let last = fy.last_day()?;
            let months = months_until(p.start, last)?;
            Some(vec![Step {
                change: Change::DurationMonths { to: months },
                why: StepWhy::EndByFiscalYear { fy, last },
            }])
        }
        _ => None,
    }
}

/// The amount or the MDE value set to the bound.
fn bound_money<'a>(p: &Proposal, f: Field, v: u64, op: CmpOp) -> Option<Vec<Step<'a>>> {
    let to = int_bound(v, op)?;
    let (change, verb) = if f == Field::AmountUsd {
        (
            Change::AmountUsd { to },
            if to < p.amount_usd { "reduce" } else { "raise" },
        )
    } else {
        (Change::MajorDefenseEquipmentUsd { to }, "set")
    };
    Some(vec![Step {
        change,
        why: StepWhy::Bound { op, verb },
    }])
}

/// The start moved to the bound.
fn bound_start<'a>(d: Date, op: CmpOp) -> Option<Vec<Step<'a>>> {
    let to = match op {
        CmpOp::Le | CmpOp::Ge | CmpOp::Eq => d,
        CmpOp::Lt => d.yesterday().ok()?,
        CmpOp::Gt => d.tomorrow().ok()?,
        CmpOp::Ne => return None,
    };
    Some(vec![Step {
        change: Change::Start { to },
        why: StepWhy::Bound { op, verb: "start" },
    }])
}

fn int_bound(v: u64, op: CmpOp) -> Option<u64> {
    match op {
        CmpOp::Le | CmpOp::Ge | CmpOp::Eq => Some(v),
        CmpOp::Lt => v.checked_sub(1),
        CmpOp::Gt => v.checked_add(1),
        CmpOp::Ne => None,
    }
}

/// The most whole months from `start` such that the last day (start + months - 1 day) is <= last.
fn months_until(start: Date, last: Date) -> Option<u32> {
    if last < start {
        return None;
    }
    let limit = last.tomorrow().ok()?;
    let mut months = u32::try_from(
        (i32::from(limit.year()) - i32::from(start.year())) * 12 + i32::from(limit.month())
            - i32::from(start.month()),
    )
    .ok()?;
    loop {
        let after = start
            .checked_add(jiff::Span::new().try_months(i64::from(months)).ok()?)
            .ok()?;
        if after <= limit {
            return Some(months);
        }
        months = months.checked_sub(1)?;
    }
}

/// Editing a fact: allowed for facts describing the plan; refused for legal findings (facts with a
/// declared default, and partner-group overrides).
fn fact_bound<'a>(env: &Env, name: &str, op: CmpOp, v: &Val) -> Option<Vec<Step<'a>>> {
    let decl = env.rules.facts.get(name)?;
    if decl.default.is_some() || env.rules.registry.groups.contains_key(name) {
        return None;
    }
    let to = match (v, op) {
        (Val::Bool(b), CmpOp::Eq) => FactValue::Bool(*b),
        (Val::Bool(b), CmpOp::Ne) => FactValue::Bool(!*b),
        (Val::Usd(Usd(x)), op) => FactValue::Int(i128::from(int_bound(*x, op)?)),
        (Val::Int(x), CmpOp::Le | CmpOp::Ge | CmpOp::Eq) => FactValue::Int(i128::from(*x)),
        _ => return None,
    };
    Some(vec![Step {
        change: Change::Fact {
            name: name.to_string(),
            to,
        },
        why: StepWhy::Fact { op },
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess::{assess_all, verdict_of};
    use crate::model::RuleBase;
    use crate::tools::cases::parse_directives;

    /// Changes of every kind a fix can make, one kind at a time and a few together.
    fn changes(rb: &RuleBase, p: &Proposal) -> Vec<Vec<Change>> {
        let years = |n: i16| {
            p.start
                .checked_add(jiff::Span::new().years(n))
                .unwrap_or(p.start)
        };
        let mut v = vec![
            vec![Change::AmountUsd { to: 1 }],
            vec![Change::AmountUsd { to: 5_000_000_000 }],
            vec![Change::DurationMonths { to: 1 }],
            vec![Change::DurationMonths { to: 120 }],
            vec![Change::MajorDefenseEquipmentUsd { to: 0 }],
            vec![Change::MajorDefenseEquipmentUsd { to: 100_000_000 }],
            vec![Change::Start { to: years(-12) }],
            vec![Change::Start { to: years(3) }],
            vec![
                Change::Start { to: years(1) },
                Change::AmountUsd { to: 2_000_000 },
                Change::DurationMonths { to: 70 },
            ],
        ];
        v.extend(RecipientKind::ALL.map(|to| vec![Change::Recipient { to }]));
        v.extend(Funding::ALL.map(|to| vec![Change::Funding { to }]));
        v.extend(p.activities.iter().map(|a| {
            vec![Change::RemoveActivity {
                activity: a.clone(),
            }]
        }));
        let bools = rb
            .facts
            .values()
            .filter(|d| d.ty == Type::Bool)
            .map(|d| d.id.clone())
            .chain(rb.registry.groups.keys().cloned());
        for name in bools {
            for b in [true, false] {
                v.push(vec![Change::Fact {
                    name: name.clone(),
                    to: FactValue::Bool(b),
                }]);
            }
        }
        v
    }

    /// Verifying a fix re-evaluates only the rules that read what it changed; that must give the
    /// verdict a full evaluation of the changed proposal gives, for every case, candidate and kind
    /// of change.
    #[test]
    fn verifying_only_the_touched_rules_agrees_with_a_full_evaluation() {
        let rb = RuleBase::builtin();
        let mut compared = 0;
        for file in RuleBase::builtin_cases() {
            let (Ok(p), Ok(case)) = (
                rb.read_proposal(&file.name, &file.text),
                parse_directives(&file.name, &file.text),
            ) else {
                continue;
            };
            let ctx = Context {
                as_of: case.as_of,
                ledger: Some(&case.ledger),
            };
            let env = Env::new(&rb, &p, &ctx);
            let (assessed, findings) = assess_all(&env, &ctx);
            for ch in changes(&rb, &p) {
                let q = apply(&p, &ch);
                let cf = env.counterfactual(&q, &ctx);
                let changed = ch
                    .iter()
                    .fold(Inputs::default(), |acc, c| acc.union(c.touches()));
                for a in &assessed {
                    assert_eq!(
                        verdict_after(&cf, &ctx, a.authority, findings.of(a.findings), changed),
                        verdict_of(&cf, &ctx, a.authority, &a.reach),
                        "{}: {} after {ch:?}",
                        file.name,
                        a.authority.id
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 100_000, "{compared}");
    }

    #[test]
    fn undo_restores_every_field_a_change_touched() {
        let rb = RuleBase::builtin();
        for file in RuleBase::builtin_cases().into_iter().take(40) {
            let Ok(p) = rb.read_proposal(&file.name, &file.text) else {
                continue;
            };
            for ch in changes(&rb, &p) {
                let mut q = p.clone();
                apply_to(&mut q, &ch);
                undo(&mut q, &p, &ch);
                assert_eq!(q, p, "{}: {ch:?}", file.name);
            }
        }
    }
}
