//! A candidate's fix in words: the planner's steps (`engine::cure::plan_all`) and the law's remedies
//! for what no edit can cure, each worded here. The verified changes come from the decision's cure;
//! the words come from the same plan, so they cannot drift apart.

use crate::engine::assess::{Env, Finding, Verdict};
use crate::engine::cure::{self, Change, Cure, Legal, Step, StepWhy, Unmet};
use crate::explain::reasons::in_force_reason;
use crate::model::*;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

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
        cure::cost(&self.changes)
    }

    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.legal.is_empty() && self.steps.is_empty()
    }
}

/// A change in words, as `set amount_usd to $1,000`.
impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// The fix for an ineligible candidate, in words: the verified edits of its cure as steps, and the
/// legal remedies for failures no edit can cure.
pub(crate) fn fix(
    env: &Env,
    as_of: Option<Date>,
    a: &Authority,
    findings: &[Finding],
    cure: Option<&Cure>,
) -> Fix {
    let planned = cure::plan_all(env, as_of, a, findings);
    let mut out = Fix {
        legal: planned.legal.iter().map(|l| legal(env, a, l)).collect(),
        ..Fix::default()
    };
    if let Some(c) = cure {
        out.steps = planned.steps.iter().map(|s| step(env, a, s)).collect();
        out.changes = c.changes.clone();
        out.then = Some(c.then);
    }
    out
}

/// What the law offers for a failure no edit cures.
fn legal(env: &Env, a: &Authority, l: &Legal) -> String {
    match l {
        Legal::InForce => format!("in_force: {}", in_force_reason(a, env.law_date).1),
        Legal::Rule { rule, unmet } => {
            // The rule and the reason why not fix the line: made once, copied after.
            let slot = match unmet {
                Unmet::NoRoom => 0,
                Unmet::NotRecorded => 1,
                Unmet::Condition => 2,
            };
            let made = rule.remedies.get(slot);
            match made.and_then(|m| m.get_or_init(|| rule_remedy(rule, *unmet))) {
                Some(line) => line.to_string(),
                None => rule_remedy(rule, *unmet),
            }
        }
    }
}

/// What the law offers for a rule no edit satisfies, with why not.
fn rule_remedy(rule: &Rule, unmet: Unmet) -> String {
    let detail = match unmet {
        Unmet::NoRoom => "no room left".to_string(),
        Unmet::NotRecorded => "the limit in force is not recorded".to_string(),
        Unmet::Condition => format!("requires {}", rule_condition(rule)),
    };
    let why = rule.because.as_deref().unwrap_or(&detail);
    match &rule.remedy {
        Some(remedy) => format!(
            "{} [{}]: {why}; the law provides: {remedy}",
            rule.name, rule.citation
        ),
        None => format!("{} [{}]: {why}", rule.name, rule.citation),
    }
}

fn rule_condition(rule: &Rule) -> String {
    match &rule.kind {
        RuleKind::Require { condition, .. } => condition.to_string(),
        RuleKind::Ceiling { limit, .. } => format!("at most {limit} per fiscal year"),
    }
}

/// One planned edit as a sentence a planner can act on.
fn step(env: &Env, a: &Authority, s: &Step) -> String {
    match (&s.why, &s.change) {
        (StepWhy::TakesEffect, Change::Start { to }) => {
            format!("start on or after {to} (when {} takes effect)", a.id)
        }
        (StepWhy::NotProvided, Change::RemoveActivity { activity }) => format!(
            "drop `{activity}` from this proposal (split it off under another authority): {} does not provide it",
            a.id
        ),
        (StepWhy::Barred, Change::RemoveActivity { activity }) => format!(
            "drop `{activity}` from this proposal (it is barred here; use another authority for it)"
        ),
        (StepWhy::ServedRecipient, Change::Recipient { to }) => format!(
            "change recipient to {to} (this authority serves {})",
            listed(a.recipients.iter().flat_map(|x| x.items.iter()), ", ")
        ),
        (StepWhy::ItsFunding, Change::Funding { to }) => format!(
            "pay with {to} funds (this authority is paid by {})",
            listed(a.funding.iter().flat_map(|x| x.items.iter()), " or ")
        ),
        (StepWhy::InSet { set, inside }, change) => in_set(change, set, *inside),
        (StepWhy::CeilingRoom { rule, limit, fy }, Change::AmountUsd { to }) => format!(
            "reduce amount_usd to at most {}; {} of {fy}'s {limit} {} ceiling is left",
            Usd(*to),
            Usd(*to),
            rule.name
        ),
        (StepWhy::CeilingUsedUp { limit, fy }, Change::Start { to }) => format!(
            "{fy}'s {limit} ceiling is used up; start on or after {to} ({})",
            fy.next()
        ),
        (StepWhy::Bound { op, verb }, change) => bound(*op, verb, change),
        (StepWhy::EndBy { last }, Change::DurationMonths { to }) => {
            format!("end by {last}: set duration_months to at most {to}")
        }
        (StepWhy::EndByFiscalYear { fy, last }, Change::DurationMonths { to }) => {
            format!("end by the close of {fy} ({last}): set duration_months to at most {to}")
        }
        (StepWhy::Fact { op }, Change::Fact { name, to }) => {
            let meaning = env.rules.facts.get(name).map_or("", |d| d.meaning.as_str());
            fact(name, meaning, *op, to)
        }
        // The planner pairs each reason with its change; any other pair is worded by the change.
        (_, change) => change.to_string(),
    }
}

fn in_set(change: &Change, set: &[Val], inside: bool) -> String {
    let all = listed(set.iter(), ", ");
    match (change, inside) {
        (Change::Recipient { to }, true) => format!("change recipient to {to} (allowed: {all})"),
        (Change::Funding { to }, true) => format!("pay with {to} funds (allowed: {all})"),
        (Change::Recipient { to }, false) => format!("change recipient to {to} (not {all})"),
        (change, _) => change.to_string(),
    }
}

/// A field moved to the bound of a comparison.
fn bound(op: CmpOp, verb: &str, change: &Change) -> String {
    match change {
        Change::Start { to } => match op {
            CmpOp::Lt | CmpOp::Le => format!("start on or before {to}"),
            _ => format!("start on or after {to}"),
        },
        Change::DurationMonths { to } => {
            format!(
                "{verb} duration_months to {}",
                bounded(op, &format!("{to} months"))
            )
        }
        Change::AmountUsd { to } => {
            format!(
                "{verb} amount_usd to {}",
                bounded(op, &Usd(*to).to_string())
            )
        }
        Change::MajorDefenseEquipmentUsd { to } => format!(
            "{verb} major_defense_equipment_usd to {}",
            bounded(op, &Usd(*to).to_string())
        ),
        other => other.to_string(),
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

fn fact(name: &str, meaning: &str, op: CmpOp, to: &crate::input::proposal::FactValue) -> String {
    use crate::input::proposal::FactValue;
    match to {
        FactValue::Bool(true) => format!("only if it is true that {meaning} (`{name}`)"),
        FactValue::Bool(false) => {
            format!("only if it is not the case that {meaning} (`{name}`)")
        }
        other => format!("`{name}` ({meaning}) must be {} {other}", op.symbol()),
    }
}

fn listed<T: std::fmt::Display>(items: impl Iterator<Item = T>, sep: &str) -> String {
    items.map(|x| x.to_string()).collect::<Vec<_>>().join(sep)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::assess::Context;
    use crate::model::RuleBase;

    /// A rule's remedy line is made once for each reason why not and copied after: asked for in
    /// any order, each is the line made afresh (a ceiling without `because` words `NoRoom` and
    /// `NotRecorded` differently, so lines handed out from the wrong slot would show).
    #[test]
    fn remedy_lines_are_made_once_for_each_reason_why_not() {
        let rb = RuleBase::builtin();
        let cases = RuleBase::builtin_cases();
        let file = cases.first().expect("a built-in case");
        let p = rb
            .read_proposal(&file.name, &file.text)
            .expect("the case reads");
        let ctx = Context {
            as_of: None,
            ledger: None,
        };
        let env = Env::new(&rb, &p, &ctx);
        let unmets = [Unmet::NoRoom, Unmet::NotRecorded, Unmet::Condition];
        let mut told_apart = 0;
        for a in &rb.authorities {
            for (k, rule) in a.rules.iter().enumerate() {
                // Each rule meets the three in another order first.
                let order = unmets.iter().cycle().skip(k % 3).take(3);
                for &unmet in order.clone().chain(order) {
                    let line = legal(&env, a, &Legal::Rule { rule, unmet });
                    assert_eq!(line, rule_remedy(rule, unmet), "{} {}", a.id, rule.name);
                }
                let differ =
                    rule_remedy(rule, Unmet::NoRoom) != rule_remedy(rule, Unmet::NotRecorded);
                told_apart += usize::from(differ);
            }
        }
        assert!(told_apart > 5, "{told_apart}");
    }
}
