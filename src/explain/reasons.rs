//! Each finding in words: the built-in checks (in force, purpose, activities, recipient, funding)
//! and the authority's own rules, with rule name, citation and sentence.

use crate::engine::assess::{
    assess, Assessment, Context, Env, Finding, Findings, Memo, Obligation, Outcome, RuleRef,
    Verdict,
};
use crate::input::proposal::Proposal;
use crate::model::graph::{Link, Reach};
use crate::model::text::{Message, Rendered, Text};
use crate::model::RuleBase;
use crate::model::*;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// One rule's outcome for one candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub rule: Text,
    pub outcome: Outcome,
    pub citation: Text,
    pub message: Message,
    /// Facts whose absence made the outcome unknown (`leahy`, `fact.excess_articles`, ...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// False when a `when` guard switched the rule off for this proposal.
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub applies: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<Text>,
    /// This reason's JSON, shared with every reason of the same rule and outcome, when the rule
    /// alone fixes every field above (see `Rule::rendered`); an empty cache otherwise.
    #[serde(skip)]
    pub rendered: Rendered,
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// One candidate authority judged against one proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement<'r> {
    pub authority: &'r Authority,
    pub link: Link,
    pub verdict: Verdict,
    pub reasons: Vec<Reason>,
    pub obligations: Vec<Obligation>,
}

impl Judgement<'_> {
    pub fn count(&self, o: Outcome) -> usize {
        self.reasons.iter().filter(|r| r.outcome == o).count()
    }
}

/// Judges every candidate the graph links to the proposal, in catalogue order, with every reason
/// rendered (ranking is `decision`'s).
pub fn judge_all<'r>(
    rules: &'r RuleBase,
    proposal: &Proposal,
    ctx: &Context,
) -> Vec<Judgement<'r>> {
    let env = Env::new(rules, proposal, ctx);
    let links = rules
        .graph
        .candidates(&proposal.purposes, &proposal.activities);
    let mut out: Vec<Judgement<'r>> = links
        .into_iter()
        .filter_map(|(id, link)| rules.authority(&id).map(|a| judge(&env, ctx, a, link)))
        .collect();
    out.sort_by_key(|j| j.authority.order);
    out
}

/// Judges one authority against the proposal: its assessment, with every finding rendered.
pub fn judge<'r>(env: &Env, ctx: &Context, a: &'r Authority, link: Link) -> Judgement<'r> {
    let reach = Reach {
        authority: a.order,
        direct: link.direct.len(),
        inherited: link.inherited.len(),
        steps: link.steps,
    };
    let mut store = Findings::default();
    let assessed = assess(env, ctx, a, reach, &mut Memo::default(), &mut store);
    render(env, &store, assessed, link)
}

/// An assessment with its findings (in `store`) rendered as reasons.
pub(crate) fn render<'r>(
    env: &Env,
    store: &Findings,
    assessed: Assessment<'r>,
    link: Link,
) -> Judgement<'r> {
    let a = assessed.authority;
    let reasons = store
        .of(assessed.findings)
        .iter()
        .map(|f| reason(env, a, &link, f, store.missing(f)))
        .collect();
    Judgement {
        authority: a,
        link,
        verdict: assessed.verdict,
        reasons,
        obligations: assessed
            .obligations
            .into_iter()
            .map(|o| with_note(a, env.proposal.offer_date.is_some(), o))
            .collect(),
    }
}

/// What a duty counted back from the offer says when the proposal gives no `offer_date`.
pub(crate) const OFFER_ASSUMED: &str =
    "counted from the start date: no `offer_date` given (the letter of offer, licence, lease or consent is assumed to be issued on the start date)";

/// A duty with its note: the threshold it depends on when it is only possible, and a period counted
/// in days of continuous session, which the calendar cannot give.
/// The explanation keeps the words, not the engine's references behind them, so it is the same
/// after a round trip through JSON.
fn with_note(a: &Authority, offer_given: bool, mut o: Obligation) -> Obligation {
    let duty = a.duties.get(std::mem::take(&mut o.duty));
    let depends_on = std::mem::take(&mut o.depends_on);
    let mut parts = Vec::new();
    if !depends_on.is_empty() {
        let when = duty.and_then(|d| d.when.as_deref()).unwrap_or("");
        let names = missing_text(&depends_on);
        parts.push(format!("required if {when}; depends on {names}"));
    }
    if duty.is_some_and(|d| {
        matches!(
            d.timing,
            Timing::DaysBefore { session: true, .. } | Timing::DaysAfter { session: true, .. }
        )
    }) {
        parts.push(
            "counted in days of continuous session of Congress, which the calendar cannot give"
                .to_string(),
        );
    }
    if let Some(later) = o.moved_by.take().and_then(|j| a.duties.get(j)) {
        parts.push(format!(
            "due by the {} that relies on it [{}]",
            later.kind.name().replace('_', " "),
            later.citation
        ));
    }
    if !offer_given && duty.is_some_and(|d| d.counts_from_offer()) {
        parts.push(OFFER_ASSUMED.to_string());
    }
    o.note = (!parts.is_empty()).then(|| parts.join("; "));
    o
}

pub(crate) fn missing_text(m: &[Text]) -> String {
    let names: Vec<&str> = m.iter().map(Text::as_str).collect();
    names.join(", ")
}

/// A finding with its rule's name, citation and sentence.
pub(crate) fn reason(
    env: &Env,
    a: &Authority,
    link: &Link,
    f: &Finding,
    missing: &[Text],
) -> Reason {
    let p = env.proposal;
    let ok = f.outcome == Outcome::Pass;
    match f.rule {
        RuleRef::InForce => {
            let (citation, message) = in_force_reason(a, env.law_date);
            builtin("in_force", ok, &citation, message)
        }
        RuleRef::Purpose => purpose_reason(env, a, link),
        RuleRef::Activities => activities_reason(p, a),
        RuleRef::Recipient => {
            let citation = a.recipients.as_ref().map(|r| r.citation.clone());
            let message = if ok {
                Message::EligibleRecipient(p.recipient)
            } else {
                let mut s = Sentence::new("recipient ");
                s.push(p.recipient.name())
                    .push(" is not eligible; allowed: ")
                    .push(&a.words.recipients);
                s.done()
            };
            builtin("recipient", ok, &citation.unwrap_or_default(), message)
        }
        RuleRef::Funding => {
            let paid_by = &a.words.funding;
            let message = match p.funding {
                Some(x) if ok => Message::FundedBy(x),
                None => {
                    let mut s = Sentence::new("funding not specified; this authority is paid by ");
                    s.push(paid_by);
                    s.done()
                }
                Some(x) => {
                    let mut s = Sentence::new("funded by ");
                    s.push(x.name())
                        .push(", but this authority is paid by ")
                        .push(paid_by);
                    s.done()
                }
            };
            let citation = a.funding.as_ref().map(|f| f.citation.clone());
            builtin("funding", ok, &citation.unwrap_or_default(), message)
        }
        RuleRef::Own(i) => match a.rules.get(i) {
            Some(rule) => rule_reason(env, rule, f, missing),
            None => Reason {
                rule: Text::from_static("?"),
                outcome: f.outcome,
                citation: a.citation.clone(),
                message: Message::default(),
                missing: missing.iter().map(ToString::to_string).collect(),
                applies: f.applies,
                unconfirmed: None,
                rendered: Rendered::default(),
            },
        },
    }
}

fn builtin(rule: &'static str, ok: bool, citation: &Text, message: Message) -> Reason {
    Reason {
        rule: Text::from_static(rule),
        outcome: if ok { Outcome::Pass } else { Outcome::Fail },
        citation: citation.clone(),
        message,
        missing: Vec::new(),
        applies: true,
        unconfirmed: None,
        rendered: Rendered::default(),
    }
}

/// The citation and sentence of the `in_force` check on `d`.
pub(crate) fn in_force_reason(a: &Authority, d: Date) -> (Text, Message) {
    // Worded only for an authority no longer in force.
    let successors = || {
        if a.superseded_by.is_empty() {
            String::new()
        } else {
            format!("; superseded by {}", a.superseded_by.join(", "))
        }
    };
    let cite = |x: &Option<Dated>| {
        x.as_ref()
            .and_then(|x| x.citation.clone())
            .unwrap_or_else(|| a.citation.clone())
    };
    if let Some(e) = a.effective.as_ref().filter(|e| d < e.date) {
        return (
            cite(&a.effective),
            format!("not yet in force on {d}: effective {}", e.date).into(),
        );
    }
    if let Some(r) = a.repealed.as_ref().filter(|r| d >= r.date) {
        return (
            cite(&a.repealed),
            format!("repealed effective {}{}", r.date, successors()).into(),
        );
    }
    if let Some(x) = a.expires.as_ref().filter(|x| d > x.date) {
        return (
            cite(&a.expires),
            format!("expired after {}{}", x.date, successors()).into(),
        );
    }
    (a.citation.clone(), Message::InForce(d))
}

fn purpose_reason(env: &Env, a: &Authority, link: &Link) -> Reason {
    let p = env.proposal;
    let (ok, message) = if link.serves_any() {
        let mut s = Sentence::new("serves ");
        let mut sep = "";
        for q in &link.direct {
            s.push(sep).push(q);
            sep = ", ";
        }
        for (q, ancestor) in &link.inherited {
            s.push(sep).push(q).push(" (as ").push(ancestor).push(")");
            sep = ", ";
        }
        (true, s.done())
    } else {
        let mut s = Sentence::new("serves none of the proposal's purposes (");
        s.list(p.purposes.iter().map(String::as_str))
            .push("); it serves ")
            .push(&a.words.serves);
        (false, s.done())
    };
    builtin("purpose", ok, &a.serves.citation, message)
}

/// A sentence written into one string as it is made: pieces and lists pushed in place, with no
/// `format!` and no vector of parts to join.
struct Sentence(String);

impl Sentence {
    fn new(start: &str) -> Sentence {
        let mut s = String::with_capacity(96);
        s.push_str(start);
        Sentence(s)
    }

    fn push(&mut self, piece: &str) -> &mut Sentence {
        self.0.push_str(piece);
        self
    }

    /// The items, `, ` between them.
    fn list<'a>(&mut self, items: impl Iterator<Item = &'a str>) -> &mut Sentence {
        for (i, item) in items.enumerate() {
            if i > 0 {
                self.0.push_str(", ");
            }
            self.0.push_str(item);
        }
        self
    }

    fn done(self) -> Message {
        Message::Owned(self.0)
    }
}

fn activities_reason(p: &Proposal, a: &Authority) -> Reason {
    let lacking = || {
        p.activities
            .iter()
            .map(String::as_str)
            .filter(|x| !a.provides.items.iter().any(|y| y == x))
    };
    let (ok, message) = if lacking().next().is_none() {
        let mut s = Sentence::new("provides ");
        s.list(p.activities.iter().map(String::as_str));
        (true, s.done())
    } else {
        let mut s = Sentence::new("does not provide ");
        s.list(lacking())
            .push("; it provides ")
            .push(&a.words.provides);
        (false, s.done())
    };
    builtin("activities", ok, &a.provides.citation, message)
}

/// An own rule's finding with its sentence.
fn rule_reason(env: &Env, rule: &Rule, f: &Finding, missing: &[Text]) -> Reason {
    let message = if !f.applies {
        Message::DoesNotApply(rule.when.clone())
    } else {
        match &rule.kind {
            RuleKind::Require { condition, .. } => match f.outcome {
                Outcome::Pass => Message::Holds {
                    condition: condition.clone(),
                    because: rule.because.clone(),
                },
                Outcome::Fail => Message::Fails {
                    condition: condition.clone(),
                    because: rule.because.clone(),
                },
                Outcome::Unknown => format!(
                    "unknown until {} is known: requires {condition}",
                    missing_text(missing)
                )
                .into(),
            },
            RuleKind::Ceiling { limit, within } => {
                let fy = env.proposal.fiscal_year();
                let Some(limit) = limit.at(env.law_date, fy) else {
                    return with_values(env, rule, f, missing, format!(
                        "the {limit} ceiling in force for {fy} is not recorded; unknown until {} is known",
                        missing_text(missing)
                    ).into());
                };
                let limit = &limit;
                let committed = f.committed;
                let amount = env.proposal.amount();
                let total = committed.and_then(|c| c.0.checked_add(amount.0)).map(Usd);
                let sub = within.as_ref().map(|_| rule.name.clone());
                let scope = crate::model::text::Scope(&sub);
                match (total, f.outcome) {
                    (Some(t), Outcome::Pass) => Message::WithinCeiling {
                        fy,
                        total: t,
                        committed: committed.unwrap_or_default(),
                        amount,
                        limit: *limit,
                        sub,
                    },
                    (Some(t), Outcome::Unknown) => format!(
                        "{fy} total {t} would exceed the {limit} {scope} if it applies; unknown until {} is known",
                        missing_text(missing)
                    )
                    .into(),
                    (Some(t), _) => format!(
                        "{fy} total {t} (committed {} + this {amount}) exceeds the {limit} per-fiscal-year {scope} by {}",
                        committed.unwrap_or_default(),
                        Usd(t.0.saturating_sub(limit.0))
                    )
                    .into(),
                    (None, _) => Message::Shared(Text::from_static(
                        "the fiscal-year total overflows: the amounts are not plausible",
                    )),
                }
            }
        }
    };
    with_values(env, rule, f, missing, message)
}

/// The reason, with the entry of each value history the rule read: its amount, the act that set
/// it in force, and its `unconfirmed` mark when the rule has none of its own.
fn with_values(env: &Env, rule: &Rule, f: &Finding, missing: &[Text], message: Message) -> Reason {
    let fy = env.proposal.fiscal_year();
    let mut unconfirmed = rule.unconfirmed.clone();
    let message = if rule.values.is_empty() || !f.applies {
        message
    } else {
        let notes: Vec<String> = rule
            .values
            .iter()
            .map(|v| v.in_force_text(env.law_date, fy))
            .collect();
        let entries: Vec<String> = rule
            .values
            .iter()
            .filter_map(|v| {
                let e = v.in_force(env.law_date, fy)?;
                let u = e.unconfirmed.as_ref()?;
                Some(format!("{} {}: {u}", v.key, e.period()))
            })
            .collect();
        if !entries.is_empty() {
            let own = unconfirmed.as_ref().map(|u| format!("{u}; "));
            let own = own.unwrap_or_default();
            unconfirmed = Some(Text::from(format!("{own}{}", entries.join("; "))));
        }
        format!("{message}; {}", notes.join("; ")).into()
    };
    Reason {
        rule: rule.name.clone(),
        outcome: f.outcome,
        citation: rule.citation.clone(),
        rendered: fixed_by_rule(rule, f, missing, &message)
            .and_then(|i| rule.rendered.get(i))
            .map_or_else(Rendered::default, Rendered::share),
        message,
        missing: missing.iter().map(|m| m.as_str().to_owned()).collect(),
        applies: f.applies,
        unconfirmed,
    }
}

/// Which of the rule's shared renderings a reason is, if the rule alone fixes all its fields: a
/// `require` that holds or fails, or any rule switched off, with no missing fact and no value
/// history in its words. `message` is what `rule_reason` made of the finding.
fn fixed_by_rule(rule: &Rule, f: &Finding, missing: &[Text], message: &Message) -> Option<usize> {
    if !missing.is_empty() {
        return None;
    }
    match (message, f.outcome) {
        (Message::DoesNotApply(_), Outcome::Pass) if !f.applies => Some(Rule::OFF),
        (Message::Holds { .. }, Outcome::Pass) if f.applies && rule.values.is_empty() => {
            Some(Rule::HOLDS)
        }
        (Message::Fails { .. }, Outcome::Fail) if f.applies && rule.values.is_empty() => {
            Some(Rule::FAILS)
        }
        _ => None,
    }
}
