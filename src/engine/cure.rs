//! Counterfactuals: the smallest change to a proposal that would make a rejected authority fit,
//! computed from the failed rules' conditions and then verified by evaluating again. Legal findings
//! (Leahy results, emergency determinations, coups, arrears, terrorism listings) are never "fixed" by
//! editing the input: for those the remedy is what the law provides (an exception, a waiver).

use crate::engine::assess::{verdict_after, Context, Env, Finding, Outcome, RuleRef, Tri, Verdict};
use crate::explain::reasons::in_force_reason;
use crate::input::proposal::{FactValue, Proposal};
use crate::lang::ast::{CmpOp, HasOp, SetField};
use crate::model::*;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

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

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::AmountUsd { to } => write!(f, "set amount_usd to {}", Usd(*to)),
            Change::DurationMonths { to } => write!(f, "set duration_months to {to}"),
            Change::Start { to } => write!(f, "set start to {to}"),
            Change::MajorDefenseEquipmentUsd { to } => {
                write!(f, "set major_defense_equipment_usd to {}", Usd(*to))
            }
            Change::Recipient { to } => write!(f, "set recipient to {to}"),
            Change::Funding { to } => write!(f, "set funding to {to}"),
            Change::RemoveActivity { activity } => write!(f, "remove `{activity}` from activities"),
            Change::Fact { name, to } => write!(f, "set fact `{name}` to {to}"),
        }
    }
}

/// What would make an ineligible candidate fit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Fix {
    /// Edits that, applied together, make the candidate eligible or conditional (verified).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<Change>,
    /// The same, in words a planner can act on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
    /// Failures no input change can cure, with what the law offers instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal: Vec<String>,
    /// The verdict the candidate would get after the changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub then: Option<Verdict>,
}

impl Fix {
    /// How disruptive the changes are: adjusting an amount, a duration, a date or confirming a fact
    /// costs 1; changing who receives it, who pays, or splitting off an activity costs 3. Ranking
    /// prefers the candidate with the cheapest verified fix.
    pub fn cost(&self) -> usize {
        cost(&self.changes)
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.legal.is_empty() && self.steps.is_empty()
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

/// A proposed edit with the sentence that explains it (empty unless explaining).
struct Step {
    change: Change,
    text: String,
}

/// Whether to build the sentences: the decision plans and verifies fixes without words; the
/// explanation plans again with them. The same code plans both, so they cannot drift apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Words(bool);

impl Words {
    fn say(self, text: impl FnOnce() -> String) -> String {
        if self.0 {
            text()
        } else {
            String::new()
        }
    }
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

fn cost(changes: &[Change]) -> usize {
    changes
        .iter()
        .map(|c| match c {
            Change::Recipient { .. } | Change::Funding { .. } | Change::RemoveActivity { .. } => 3,
            _ => 1,
        })
        .sum()
}

/// Edits planned from the failed findings, and the legal remedies for what no edit can cure.
struct Plan {
    steps: Vec<Step>,
    legal: Vec<String>,
    hopeless: bool,
}

/// Plans the edits for one ineligible candidate. Without words it stops at the first failure no
/// edit can cure, since then there is nothing to verify.
fn plan(env: &Env, as_of: Option<Date>, a: &Authority, findings: &[Finding], words: Words) -> Plan {
    let mut out = Plan {
        steps: Vec::new(),
        legal: Vec::new(),
        hopeless: false,
    };
    for f in findings.iter().filter(|f| f.outcome == Outcome::Fail) {
        if out.hopeless && !words.0 {
            break;
        }
        plan_one(&mut out, env, as_of, a, f, words);
    }
    out
}

/// The edits (or the legal remedy) for one failed finding.
fn plan_one(
    out: &mut Plan,
    env: &Env,
    as_of: Option<Date>,
    a: &Authority,
    f: &Finding,
    words: Words,
) {
    let p = env.proposal;
    match f.rule {
        RuleRef::Purpose => out.hopeless = true, // it does not serve this purpose: no edit changes that
        RuleRef::InForce => match in_force_fix(a, p, as_of, words) {
            Some(s) => out.steps.push(s),
            None => {
                out.hopeless = true;
                if words.0 {
                    let (_, message) = in_force_reason(a, env.law_date);
                    out.legal.push(format!("in_force: {message}"));
                }
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
                    change: Change::RemoveActivity { activity: act.clone() },
                    text: words.say(|| format!("drop `{act}` from this proposal (split it off under another authority): {} does not provide it", a.id)),
                });
            }
        }
        RuleRef::Recipient => match recipient_step(a, words) {
            Some(s) => out.steps.push(s),
            None => out.hopeless = true,
        },
        RuleRef::Funding => match funding_step(a, words) {
            Some(s) => out.steps.push(s),
            None => out.hopeless = true,
        },
        RuleRef::Own(i) => {
            let Some(rule) = a.rules.get(i) else {
                return;
            };
            match rule_fix(env, f.committed, rule, words) {
                Ok(mut s) => out.steps.append(&mut s),
                Err(why) => {
                    out.hopeless = true;
                    if words.0 {
                        out.legal.push(why);
                    }
                }
            }
        }
    }
}

/// Receive it as the first kind of recipient the authority serves.
fn recipient_step(a: &Authority, words: Words) -> Option<Step> {
    let k = a.recipients.as_ref().and_then(|x| x.items.first())?;
    Some(Step {
        change: Change::Recipient { to: *k },
        text: words.say(|| {
            let all: Vec<String> = a
                .recipients
                .iter()
                .flat_map(|x| x.items.iter().map(ToString::to_string))
                .collect();
            format!(
                "change recipient to {k} (this authority serves {})",
                all.join(", ")
            )
        }),
    })
}

/// Pay with the first kind of funds the authority is paid by.
fn funding_step(a: &Authority, words: Words) -> Option<Step> {
    let fd = a.funding.as_ref().and_then(|x| x.items.first())?;
    Some(Step {
        change: Change::Funding { to: *fd },
        text: words.say(|| {
            let all: Vec<String> = a
                .funding
                .iter()
                .flat_map(|x| x.items.iter().map(ToString::to_string))
                .collect();
            format!(
                "pay with {fd} funds (this authority is paid by {})",
                all.join(" or ")
            )
        }),
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
    let planned = plan(env, ctx.as_of, a, findings, Words(false));
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

/// The fix for an ineligible candidate, in words: the verified edits of `cure` as steps, and the
/// legal remedies for failures no edit can cure.
pub fn fix(
    env: &Env,
    as_of: Option<Date>,
    a: &Authority,
    findings: &[Finding],
    cure: Option<&Cure>,
) -> Fix {
    let planned = plan(env, as_of, a, findings, Words(true));
    let mut out = Fix {
        legal: planned.legal,
        ..Fix::default()
    };
    if let Some(c) = cure {
        out.steps = planned.steps.into_iter().map(|s| s.text).collect();
        out.changes = c.changes.clone();
        out.then = Some(c.then);
    }
    out
}

fn in_force_fix(a: &Authority, p: &Proposal, as_of: Option<Date>, words: Words) -> Option<Step> {
    if as_of.is_some() {
        return None; // the law date is fixed by --as-of, not by the proposal
    }
    if let Some(e) = a.effective.as_ref().filter(|e| p.start < e.date) {
        if a.in_force(e.date) {
            return Some(Step {
                change: Change::Start { to: e.date },
                text: words
                    .say(|| format!("start on or after {} (when {} takes effect)", e.date, a.id)),
            });
        }
    }
    None // repealed or expired: no later start helps; the successor is named in the reason
}

/// Edits that make one failed rule pass, or why no edit can.
fn rule_fix(
    env: &Env,
    committed: Option<Usd>,
    rule: &Rule,
    words: Words,
) -> Result<Vec<Step>, String> {
    let legal = |detail: &str| {
        let why = rule.because.as_deref().unwrap_or(detail);
        match &rule.remedy {
            Some(remedy) => format!(
                "{} [{}]: {why}; the law provides: {remedy}",
                rule.name, rule.citation
            ),
            None => format!("{} [{}]: {why}", rule.name, rule.citation),
        }
    };
    match &rule.kind {
        RuleKind::Ceiling { limit, .. } => {
            let p = env.proposal;
            let fy = p.fiscal_year();
            let committed = committed.unwrap_or(Usd(u64::MAX));
            // A history with no limit for this year: no amount is known to fit.
            let limit = limit
                .at(env.law_date, fy)
                .ok_or_else(|| words.say(|| legal("the limit in force is not recorded")))?;
            let room = limit.0.saturating_sub(committed.0);
            if room > 0 {
                Ok(vec![Step {
                    change: Change::AmountUsd { to: room },
                    text: words.say(|| {
                        format!(
                        "reduce amount_usd to at most {}; {} of {fy}'s {limit} {} ceiling is left",
                        Usd(room),
                        Usd(room),
                        rule.name
                    )
                    }),
                }])
            } else {
                // Nothing left this year: the next fiscal year starts 1 October.
                let next = fy.next();
                let first = next.first_day();
                let next_day = first.ok_or_else(|| words.say(|| legal("no room left")))?;
                Ok(vec![Step {
                    change: Change::Start { to: next_day },
                    text: words.say(|| {
                        format!("{fy}'s {limit} ceiling is used up; start on or after {next_day} ({next})")
                    }),
                }])
            }
        }
        RuleKind::Require { cond, .. } => {
            // `when G: C` fails only when G holds and C does not: make C hold.
            solve(env, cond, true, words)
                .ok_or_else(|| words.say(|| legal(&format!("requires {}", rule_condition(rule)))))
        }
    }
}

fn rule_condition(rule: &Rule) -> String {
    match &rule.kind {
        RuleKind::Require { condition, .. } => condition.to_string(),
        RuleKind::Ceiling { limit, .. } => format!("at most {limit} per fiscal year"),
    }
}

/// Edits that make `c` evaluate to `want`, if the condition turns on editable inputs.
fn solve(env: &Env, c: &Cond, want: bool, words: Words) -> Option<Vec<Step>> {
    if env.eval(c) == if want { Tri::True } else { Tri::False } {
        return Some(Vec::new());
    }
    match (c, want) {
        (Cond::Not(x), w) => solve(env, x, !w, words),
        (Cond::And(xs), true) | (Cond::Or(xs), false) => {
            let mut all = Vec::new();
            for x in xs {
                all.append(&mut solve(env, x, want, words)?);
            }
            Some(all)
        }
        (Cond::Or(xs), true) | (Cond::And(xs), false) => {
            xs.iter().find_map(|x| solve(env, x, want, words))
        }
        (Cond::Cmp { lhs, op, rhs }, w) => {
            let op = if w { *op } else { negate(*op) };
            solve_cmp(env, lhs, op, rhs, words)
        }
        (Cond::In { term, negated, set }, w) => solve_in(term, w != *negated, set, words),
        (
            Cond::Has {
                field: SetField::Activities,
                op,
                items,
            },
            false,
        ) => drop_activities(env, *op, items, words),
        (Cond::Truthy(t), w) => match &t.source {
            Source::Fact(name, ..) => fact_bound(env, name, CmpOp::Eq, &Val::Bool(w), words),
            _ => None,
        },
        _ => None,
    }
}

/// Makes `lhs op rhs` hold by editing the editable field on one side, or a fact.
fn solve_cmp(env: &Env, lhs: &Term, op: CmpOp, rhs: &Term, words: Words) -> Option<Vec<Step>> {
    match (&lhs.source, &rhs.source) {
        (Source::Field(f), _) if editable(*f) => {
            let target = env_value(env, rhs)?;
            bound(env, *f, op, &target, words)
        }
        (_, Source::Field(f)) if editable(*f) => {
            let target = env_value(env, lhs)?;
            bound(env, *f, flip(op), &target, words)
        }
        (Source::Fact(name, ..), Source::Const(v)) => fact_bound(env, name, op, v, words),
        _ => None,
    }
}

/// Makes `term in set` hold (`inside`) or fail, for the recipient and the funding.
fn solve_in(term: &Term, inside: bool, set: &[Val], words: Words) -> Option<Vec<Step>> {
    match &term.source {
        Source::Field(Field::Recipient) if inside => set.iter().find_map(|v| match v {
            Val::Recipient(k) => Some(vec![Step {
                change: Change::Recipient { to: *k },
                text: words.say(|| format!("change recipient to {k} (allowed: {})", list(set))),
            }]),
            _ => None,
        }),
        Source::Field(Field::Funding) if inside => set.iter().find_map(|v| match v {
            Val::Funding(k) => Some(vec![Step {
                change: Change::Funding { to: *k },
                text: words.say(|| format!("pay with {k} funds (allowed: {})", list(set))),
            }]),
            _ => None,
        }),
        Source::Field(Field::Recipient) => RecipientKind::ALL
            .into_iter()
            .find(|k| !set.contains(&Val::Recipient(*k)))
            .map(|k| {
                vec![Step {
                    change: Change::Recipient { to: k },
                    text: words.say(|| format!("change recipient to {k} (not {})", list(set))),
                }]
            }),
        _ => None,
    }
}

/// `not activities any [x, y]`: drop those activities.
fn drop_activities(env: &Env, op: HasOp, items: &[String], words: Words) -> Option<Vec<Step>> {
    let present: Vec<&String> = items
        .iter()
        .filter(|i| env.proposal.activities.contains(i))
        .collect();
    if present.is_empty() || (op == HasOp::All && present.len() < items.len()) {
        return None;
    }
    Some(
    present
        .into_iter()
        .map(|a| Step {
            change: Change::RemoveActivity { activity: a.clone() },
            text: words.say(|| format!("drop `{a}` from this proposal (it is barred here; use another authority for it)")),
        })
        .collect(),
)
}

fn list(set: &[Val]) -> String {
    set.iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
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
fn bound(env: &Env, f: Field, op: CmpOp, target: &Val, words: Words) -> Option<Vec<Step>> {
    let p = env.proposal;
    match (f, target) {
        (Field::AmountUsd | Field::MajorDefenseEquipmentUsd, Val::Usd(Usd(v))) => {
            bound_money(p, f, *v, op, words)
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
                text: words.say(|| {
                    format!(
                        "{verb} duration_months to {}",
                        bounded(op, &format!("{to} months"))
                    )
                }),
            }])
        }
        (Field::Start, Val::Date(d)) => bound_start(*d, op, words),
        (Field::End, Val::Date(d)) if matches!(op, CmpOp::Le | CmpOp::Lt) => {
            let last = if op == CmpOp::Lt {
                d.yesterday().ok()?
            } else {
                *d
            };
            let months = months_until(p.start, last)?;
            Some(vec![Step {
                change: Change::DurationMonths { to: months },
                text: words
                    .say(|| format!("end by {last}: set duration_months to at most {months}")),
            }])
        }
        (Field::EndFiscalYear, Val::Int(fy)) if matches!(op, CmpOp::Le | CmpOp::Lt) => {
            let fy = if op == CmpOp::Lt { fy - 1 } else { *fy };
            let fy = FiscalYear::new(i16::try_from(fy).ok()?);
            let last = fy.last_day()?;
            let months = months_until(p.start, last)?;
            Some(vec![Step {
                change: Change::DurationMonths { to: months },
                text: words.say(|| {
                    format!(
                    "end by the close of {fy} ({last}): set duration_months to at most {months}"
                )
                }),
            }])
        }
        _ => None,
    }
}

/// `at most x` / `at least x` / `x`, as the comparison asks.
fn bounded(op: CmpOp, w: &str) -> String {
    match op {
        CmpOp::Lt | CmpOp::Le => format!("at most {w}"),
        CmpOp::Gt | CmpOp::Ge => format!("at least {w}"),
        _ => w.to_string(),
    }
}

/// The amount or the MDE value set to the bound.
fn bound_money(p: &Proposal, f: Field, v: u64, op: CmpOp, words: Words) -> Option<Vec<Step>> {
    let to = int_bound(v, op)?;
    let (change, name, verb) = if f == Field::AmountUsd {
        (
            Change::AmountUsd { to },
            "amount_usd",
            if to < p.amount_usd { "reduce" } else { "raise" },
        )
    } else {
        (
            Change::MajorDefenseEquipmentUsd { to },
            "major_defense_equipment_usd",
            "set",
        )
    };
    Some(vec![Step {
        change,
        text: words.say(|| format!("{verb} {name} to {}", bounded(op, &Usd(to).to_string()))),
    }])
}

/// The start moved to the bound.
fn bound_start(d: Date, op: CmpOp, words: Words) -> Option<Vec<Step>> {
    let to = match op {
        CmpOp::Le | CmpOp::Ge | CmpOp::Eq => d,
        CmpOp::Lt => d.yesterday().ok()?,
        CmpOp::Gt => d.tomorrow().ok()?,
        CmpOp::Ne => return None,
    };
    let text = || match op {
        CmpOp::Lt | CmpOp::Le => format!("start on or before {to}"),
        _ => format!("start on or after {to}"),
    };
    Some(vec![Step {
        change: Change::Start { to },
        text: words.say(text),
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
fn fact_bound(env: &Env, name: &str, op: CmpOp, v: &Val, words: Words) -> Option<Vec<Step>> {
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
    let text = || match &to {
        FactValue::Bool(true) => format!("only if it is true that {} (`{name}`)", decl.meaning),
        FactValue::Bool(false) => format!(
            "only if it is not the case that {} (`{name}`)",
            decl.meaning
        ),
        other => format!(
            "`{name}` ({}) must be {} {other}",
            decl.meaning,
            op.symbol()
        ),
    };
    let text = words.say(text);
    Some(vec![Step {
        change: Change::Fact {
            name: name.to_string(),
            to,
        },
        text,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess::{assess_all, verdict_of};
    use crate::rulebase::RuleBase;
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
