//! The evaluator: a pure function of (rule base, proposal, context) to one verdict per candidate.
//! Three-valued: a missing fact makes a rule `unknown`, never silently true or false. Reads no files.

use crate::input::proposal::{Ledger, Proposal};
use crate::model::graph::Reach;
use crate::model::text::{Message, Text};
use crate::model::RuleBase;
use crate::model::*;
use crate::model::{CmpOp, HasOp, SetField};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::OnceCell;

/// What the evaluation may know besides the proposal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context<'a> {
    /// Judge by the law in force on this date instead of the proposal's start date.
    pub as_of: Option<Date>,
    /// Amounts already committed against per-fiscal-year ceilings.
    pub ledger: Option<&'a Ledger>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Pass,
    Fail,
    Unknown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Eligible,
    Conditional,
    Ineligible,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Eligible => "eligible",
            Verdict::Conditional => "conditional",
            Verdict::Ineligible => "ineligible",
        }
    }
}

/// A duty that follows from using a candidate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub kind: Text,
    /// ISO date, or null when the period cannot be computed from the calendar.
    pub deadline: Option<Date>,
    pub citation: Text,
    pub message: Message,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Text>,
    /// `required`, or `possible` when the threshold that switches it on depends on a missing fact.
    pub status: Text,
    /// Written by `explain` from `depends_on` and the duty's timing (the engine builds no text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The duty of the authority this follows from (its index in `Authority::duties`).
    #[serde(skip)]
    pub duty: usize,
    /// For a `possible` duty: the missing facts its threshold depends on.
    #[serde(skip)]
    pub depends_on: Vec<Text>,
    /// When its deadline was brought forward to that of a later duty relying on it (`precedes`):
    /// that duty's index in `Authority::duties`.
    #[serde(skip)]
    pub moved_by: Option<usize>,
}

/// Three-valued truth; `Unknown` carries the missing facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tri<'r> {
    True,
    False,
    Unknown(Needs<'r>),
}

/// A fact whose absence leaves a condition unknown, borrowed from the rule base: no string is built
/// until a finding keeps it (`leahy`, `fact.NAME`, `partner.GROUP`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need<'r> {
    /// A proposal field: `leahy`, `funding`, ...
    Field(&'static str),
    /// `fact.NAME` or `partner.GROUP`, as the rule base spelled it once at load time.
    Key(&'r Text),
}

impl Need<'_> {
    fn as_str(&self) -> &str {
        match self {
            Need::Field(x) => x,
            Need::Key(x) => x.as_str(),
        }
    }

    fn text(&self) -> Text {
        match self {
            Need::Field(x) => Text::from_static(x),
            Need::Key(x) => (*x).clone(),
        }
    }
}

/// The missing facts of an unknown condition: one inline (the common case, no allocation), more
/// in a vector.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Needs<'r> {
    first: Need<'r>,
    more: Vec<Need<'r>>,
}

impl<'r> Needs<'r> {
    fn one(n: Need<'r>) -> Needs<'r> {
        Needs {
            first: n,
            more: Vec::new(),
        }
    }

    fn iter(&self) -> impl Iterator<Item = &Need<'r>> {
        std::iter::once(&self.first).chain(self.more.iter())
    }

    fn merge(acc: Option<Needs<'r>>, other: Needs<'r>) -> Needs<'r> {
        let Some(mut acc) = acc else {
            return other;
        };
        for n in std::iter::once(other.first).chain(other.more) {
            if !acc.iter().any(|x| *x == n) {
                acc.more.push(n);
            }
        }
        acc
    }

    /// The names, sorted and without repeats (as findings and sentences list them).
    pub fn names(&self) -> Vec<Text> {
        let mut v = Vec::new();
        self.names_into(&mut v);
        v
    }

    /// `names`, appended to `out`.
    fn names_into(&self, out: &mut Vec<Text>) {
        if self.more.is_empty() {
            out.push(self.first.text());
            return;
        }
        let mut v: Vec<&Need> = self.iter().collect();
        v.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        v.dedup_by(|a, b| a.as_str() == b.as_str());
        out.extend(v.into_iter().map(Need::text));
    }
}

impl<'r> Tri<'r> {
    fn not(self) -> Tri<'r> {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            u => u,
        }
    }
    fn from_bool(b: bool) -> Tri<'r> {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

/// A per-proposal table computed on first use, or borrowed from the environment a counterfactual
/// was made from (no copy).
enum Cached<'a, T> {
    Own(OnceCell<Vec<T>>),
    Shared(&'a [T]),
}

impl<T> Default for Cached<'_, T> {
    fn default() -> Self {
        Cached::Own(OnceCell::new())
    }
}

impl<'a, T> Cached<'a, T> {
    fn get_or_init(&self, init: impl FnOnce() -> Vec<T>) -> &[T] {
        match self {
            Cached::Own(cell) => cell.get_or_init(init),
            Cached::Shared(s) => s,
        }
    }

    /// The table, if computed already.
    fn computed(&self) -> Option<&[T]> {
        match self {
            Cached::Own(cell) => cell.get().map(Vec::as_slice),
            Cached::Shared(s) => Some(s),
        }
    }
}

/// Everything a condition may read.
pub struct Env<'a> {
    pub rules: &'a RuleBase,
    pub proposal: &'a Proposal,
    /// The date whose law applies (as-of or start).
    pub law_date: Date,
    /// Looked up once, not per condition: the partner's registry entry ...
    partner: Option<&'a Partner>,
    /// ... and each proposal purpose's lineage (itself, then its ancestors).
    lineages: Cached<'a, &'a [String]>,
}

impl<'a> Env<'a> {
    pub fn new(rules: &'a RuleBase, proposal: &'a Proposal, ctx: &Context) -> Env<'a> {
        Env {
            rules,
            proposal,
            law_date: ctx.as_of.unwrap_or(proposal.start),
            partner: rules.registry.partner(&proposal.partner),
            lineages: Cached::default(),
        }
    }

    /// The environment of a changed copy of the proposal (a counterfactual) with the same partner:
    /// the partner is not looked up again. The law date follows the new start unless `--as-of`
    /// fixed it.
    pub fn counterfactual<'b>(&'b self, proposal: &'b Proposal, ctx: &Context) -> Env<'b>
    where
        'a: 'b,
    {
        let law_date = ctx.as_of.unwrap_or(proposal.start);
        Env {
            rules: self.rules,
            proposal,
            law_date,
            partner: self.partner,
            // Purposes never change in a counterfactual.
            lineages: self
                .lineages
                .computed()
                .map_or_else(Cached::default, Cached::Shared),
        }
    }

    /// The partner's registry name, or the proposal's spelling when the registry does not know it.
    fn partner_name(&self) -> &str {
        self.partner
            .map_or(self.proposal.partner.as_str(), |r| r.name.as_str())
    }

    /// Is the partner in `group` on the law date? `None` when the registry does not know it.
    fn in_group(&self, group: &str) -> Option<bool> {
        Some(Registry::in_group(self.partner?, group, self.law_date))
    }

    /// A term's value, or the name of the missing fact; constants are borrowed, not copied (this
    /// runs for every condition).
    pub fn value<'t>(&self, t: &'t Term) -> Result<Cow<'t, Val>, Need<'t>> {
        let p = self.proposal;
        let v = match &t.source {
            Source::Const(v) if t.offset == 0 => return Ok(Cow::Borrowed(v)),
            Source::Const(v) => v.clone(),
            Source::Field(f) => match f {
                Field::AmountUsd => Val::Usd(Usd(p.amount_usd)),
                Field::MajorDefenseEquipmentUsd => Val::Usd(Usd(p
                    .major_defense_equipment_usd
                    .ok_or(Need::Field("major_defense_equipment_usd"))?)),
                Field::DurationMonths => {
                    Val::Months(p.duration_months.ok_or(Need::Field("duration_months"))?)
                }
                Field::Start => Val::Date(p.start),
                Field::End => Val::Date(p.end().ok_or(Need::Field("duration_months"))?),
                Field::FiscalYear => Val::Int(i64::from(p.fiscal_year().year())),
                Field::EndFiscalYear => {
                    let end = p.end().ok_or(Need::Field("duration_months"))?;
                    Val::Int(i64::from(FiscalYear::of(end).year()))
                }
                Field::Recipient => Val::Recipient(p.recipient),
                Field::Funding => Val::Funding(p.funding.ok_or(Need::Field("funding"))?),
                Field::Leahy => match p.leahy {
                    Some(s @ (LeahyStatus::Passed | LeahyStatus::Failed)) => Val::Leahy(s),
                    // Vetting not finished: its result is not known yet.
                    _ => return Err(Need::Field("leahy")),
                },
                Field::Emergency => Val::Bool(p.emergency.ok_or(Need::Field("emergency"))?),
                Field::Partner => Val::Str(self.partner_name().to_string()),
            },
            Source::PartnerGroup(g, key) => {
                // A fact of the group's name overrides the registry (what-if).
                if let Some(crate::input::proposal::FactValue::Bool(b)) = p.facts.get(g) {
                    Val::Bool(*b)
                } else {
                    Val::Bool(self.in_group(g).ok_or(Need::Key(key))?)
                }
            }
            Source::Fact(_, key, decl) => p.fact(decl).ok_or(Need::Key(key))?,
            Source::Value(v) => match v.in_force(self.law_date, p.fiscal_year()) {
                Some(e) if t.offset == 0 => return Ok(Cow::Borrowed(&e.value)),
                Some(e) => e.value.clone(),
                // No entry covers this date: the value in force is not recorded.
                None => return Err(Need::Key(&v.key)),
            },
        };
        Ok(Cow::Owned(match (v, t.offset) {
            (Val::Int(i), off) if off != 0 => Val::Int(i.saturating_add(off)),
            // Checked: only `+` reaches months (never below zero).
            (Val::Months(m), off) if off > 0 => {
                Val::Months(m.saturating_add(u32::try_from(off).unwrap_or(u32::MAX)))
            }
            (v, _) => v,
        }))
    }

    /// `partner OP "Name"` without copying the partner's name.
    fn partner_cmp(&self, lhs: &Term, op: CmpOp, rhs: &Term) -> Option<bool> {
        match (&lhs.source, &rhs.source, lhs.offset, rhs.offset) {
            (Source::Field(Field::Partner), Source::Const(Val::Str(name)), 0, 0) => {
                let ours = self.partner_name();
                Some(match op {
                    CmpOp::Lt => ours < name.as_str(),
                    CmpOp::Le => ours <= name.as_str(),
                    CmpOp::Eq => ours == name,
                    CmpOp::Ne => ours != name,
                    CmpOp::Ge => ours >= name.as_str(),
                    CmpOp::Gt => ours > name.as_str(),
                })
            }
            _ => None,
        }
    }

    /// Does the proposal's purpose `p` fall under `target` (itself or an `is_a` ancestor)?
    fn purpose_under(&self, target: &str) -> bool {
        let graph = &self.rules.graph;
        self.lineages
            .get_or_init(|| {
                self.proposal
                    .purposes
                    .iter()
                    .map(|q| graph.lineage_of(q))
                    .collect()
            })
            .iter()
            .any(|lineage| lineage.iter().any(|a| a == target))
    }

    /// `purposes only [..]`: the proposal has at least one purpose and each falls under a listed
    /// one (itself or an `is_a` ancestor is listed, as `has` reads it); `activities only [..]`:
    /// at least one activity and each is listed. An exception written with it covers a proposal
    /// only when nothing outside the exception is in it.
    fn only(&self, field: SetField, items: &[String]) -> bool {
        let graph = &self.rules.graph;
        match field {
            SetField::Purposes => {
                let ps = &self.proposal.purposes;
                !ps.is_empty()
                    && ps
                        .iter()
                        .all(|q| graph.lineage_of(q).iter().any(|a| items.contains(a)))
            }
            SetField::Activities => {
                let acts = &self.proposal.activities;
                !acts.is_empty() && acts.iter().all(|a| items.contains(a))
            }
        }
    }

    pub fn eval<'t>(&self, c: &'t Cond) -> Tri<'t> {
        match c {
            Cond::Or(xs) => {
                let mut missing = None;
                for x in xs {
                    match self.eval(x) {
                        Tri::True => return Tri::True,
                        Tri::False => {}
                        Tri::Unknown(m) => missing = Some(Needs::merge(missing, m)),
                    }
                }
                missing.map_or(Tri::False, Tri::Unknown)
            }
            Cond::And(xs) => {
                let mut missing = None;
                for x in xs {
                    match self.eval(x) {
                        Tri::False => return Tri::False,
                        Tri::True => {}
                        Tri::Unknown(m) => missing = Some(Needs::merge(missing, m)),
                    }
                }
                missing.map_or(Tri::True, Tri::Unknown)
            }
            Cond::Not(x) => self.eval(x).not(),
            Cond::Truthy(t) => match self.value(t) {
                Ok(v) => match v.as_ref() {
                    Val::Bool(b) => Tri::from_bool(*b),
                    _ => Tri::False,
                },
                Err(m) => Tri::Unknown(Needs::one(m)),
            },
            Cond::Cmp { lhs, op, rhs } => {
                if let Some(b) = self.partner_cmp(lhs, *op, rhs) {
                    return Tri::from_bool(b);
                }
                self.cmp(lhs, *op, rhs)
            }
            Cond::In { term, negated, set } => {
                if let (Source::Field(Field::Partner), 0) = (&term.source, term.offset) {
                    let ours = self.partner_name();
                    let found = set.iter().any(|v| matches!(v, Val::Str(x) if x == ours));
                    return Tri::from_bool(found != *negated);
                }
                match self.value(term) {
                    Ok(v) => Tri::from_bool(set.contains(&v) != *negated),
                    Err(m) => Tri::Unknown(Needs::one(m)),
                }
            }
            Cond::Has { field, op, items } => {
                let p = self.proposal;
                let holds = |item: &String| match field {
                    SetField::Purposes => self.purpose_under(item),
                    SetField::Activities => p.activities.contains(item),
                };
                Tri::from_bool(match op {
                    HasOp::Has | HasOp::Any => items.iter().any(holds),
                    HasOp::All => items.iter().all(holds),
                    HasOp::Only => self.only(*field, items),
                })
            }
        }
    }

    fn cmp<'t>(&self, lhs: &'t Term, op: CmpOp, rhs: &'t Term) -> Tri<'t> {
        match (self.value(lhs), self.value(rhs)) {
            (Ok(l), Ok(r)) => Tri::from_bool(match op {
                CmpOp::Lt => l < r,
                CmpOp::Le => l <= r,
                CmpOp::Eq => l == r,
                CmpOp::Ne => l != r,
                CmpOp::Ge => l >= r,
                CmpOp::Gt => l > r,
            }),
            (Err(l), Err(r)) => Tri::Unknown(Needs::merge(Some(Needs::one(l)), Needs::one(r))),
            (Err(m), _) | (_, Err(m)) => Tri::Unknown(Needs::one(m)),
        }
    }
}

/// Which rule a `Finding` is about: one of the checks every authority gets, or its own rule by
/// position in `Authority::rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleRef {
    InForce,
    Purpose,
    Activities,
    Recipient,
    Funding,
    Own(usize),
}

/// One rule's outcome for one candidate, as data: what the decision needs. `reason` renders it
/// with its name, citation and sentence when the decision is explained. Plain data (`Copy`): the
/// names of missing facts live in the `Findings` store it was made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    pub rule: RuleRef,
    pub outcome: Outcome,
    /// False when a `when` guard switched the rule off for this proposal.
    pub applies: bool,
    /// Facts whose absence made the outcome unknown, sorted: `Findings::missing` reads them.
    pub missing: Span,
    /// For a ceiling: the amount already committed against it in the fiscal year (`None`: the
    /// ledger's sum overflows).
    pub committed: Option<Usd>,
}

impl Finding {
    fn new(rule: RuleRef, ok: bool) -> Finding {
        Finding {
            rule,
            outcome: if ok { Outcome::Pass } else { Outcome::Fail },
            applies: true,
            missing: Span::EMPTY,
            committed: None,
        }
    }
}

/// Where a run of items sits in a `Findings` store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    start: usize,
    end: usize,
}

impl Span {
    pub const EMPTY: Span = Span { start: 0, end: 0 };
}

/// The findings of every candidate of one proposal, and the names of the facts they miss, in two
/// vectors: an assessment holds spans into them, so a decision costs two allocations for its
/// findings instead of one per candidate and one per unknown rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Findings {
    list: Vec<Finding>,
    names: Vec<Text>,
}

impl Findings {
    fn with_capacity(findings: usize) -> Findings {
        Findings {
            list: Vec::with_capacity(findings),
            names: Vec::with_capacity(8),
        }
    }

    /// The findings of one assessment.
    pub fn of(&self, s: Span) -> &[Finding] {
        self.list.get(s.start..s.end).unwrap_or(&[])
    }

    /// The facts whose absence left `f` unknown, sorted.
    pub fn missing(&self, f: &Finding) -> &[Text] {
        self.names
            .get(f.missing.start..f.missing.end)
            .unwrap_or(&[])
    }

    /// How many of the findings in `s` have outcome `o`.
    pub fn count(&self, s: Span, o: Outcome) -> usize {
        self.of(s).iter().filter(|f| f.outcome == o).count()
    }
}

/// One candidate authority assessed against one proposal: the verdict and the findings behind it,
/// with no explanation text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment<'r> {
    pub authority: &'r Authority,
    pub reach: Reach,
    pub verdict: Verdict,
    /// Where its findings are in the `Findings` store it was assessed into.
    pub findings: Span,
    /// How many of them failed, and how many are unknown.
    pub fails: usize,
    pub unknowns: usize,
    pub obligations: Vec<Obligation>,
}

/// Assesses every candidate the graph links to the proposal, in catalogue order, with their
/// findings in one store.
pub fn assess_all<'r>(env: &Env<'r>, ctx: &Context) -> (Vec<Assessment<'r>>, Findings) {
    assess_each(env, ctx, &reached(env))
}

/// The candidates the graph links to the proposal, in catalogue order.
fn reached(env: &Env) -> Vec<Reach> {
    let (rules, proposal) = (env.rules, env.proposal);
    rules.graph.reach(
        &proposal.purposes,
        &proposal.activities,
        rules.authorities.len(),
    )
}

/// How many findings the candidates in `reached` can have: the store is sized once, since a
/// growing vector would be copied several times over.
fn findings_of(env: &Env, reached: &[Reach]) -> Findings {
    let authorities = &env.rules.authorities;
    let n = reached
        .iter()
        .filter_map(|r| authorities.get(r.authority))
        .map(|a| 5 + a.rules.len())
        .sum();
    Findings::with_capacity(n)
}

/// Assesses each of the given candidates in full, in the order given, with their findings in one
/// store.
pub fn assess_each<'r>(
    env: &Env<'r>,
    ctx: &Context,
    reached: &[Reach],
) -> (Vec<Assessment<'r>>, Findings) {
    let mut memo = Memo::default();
    let mut store = findings_of(env, reached);
    let out = reached
        .iter()
        .filter_map(|r| {
            let a = env.rules.authorities.get(r.authority)?;
            Some(assess(env, ctx, a, *r, &mut memo, &mut store))
        })
        .collect();
    (out, store)
}

/// The candidates that fit (eligible or conditional), assessed in full, and the reach of every
/// other one, unassessed, both in catalogue order. An ineligible candidate is dropped at its first
/// failed finding: most candidates the graph reaches fail a built-in check, and their findings are
/// needed only when a caller asks why (`assess_each`).
pub fn assess_fitting<'r>(
    env: &Env<'r>,
    ctx: &Context,
) -> (Vec<Assessment<'r>>, Findings, Vec<Reach>) {
    let reached = reached(env);
    let mut memo = Memo::default();
    // Room for a few fitting candidates' findings, so the store rarely grows.
    let mut store = Findings::with_capacity(64);
    let mut fitting = Vec::with_capacity(4);
    let mut ineligible = Vec::with_capacity(reached.len());
    for r in reached {
        // Most candidates the graph reaches serve none of the purposes (reached through an
        // activity alone). `builtins_pass` checks this first too; asking here as well skips the
        // call for them: 10 % of a decision (18,227 against 20,079 instructions, examples/01).
        let assessed = r
            .serves_any()
            .then(|| env.rules.authorities.get(r.authority))
            .flatten()
            .and_then(|a| assess_until_fail(env, ctx, a, r, &mut memo, &mut store));
        match assessed {
            Some(a) => fitting.push(a),
            None => ineligible.push(r),
        }
    }
    (fitting, store, ineligible)
}

/// The outcomes of restriction rules already evaluated for this proposal, by slot (`Rule::shared`).
#[derive(Debug, Default)]
pub struct Memo(Vec<Option<Finding>>);

impl Memo {
    fn get(&self, slot: usize) -> Option<&Finding> {
        self.0.get(slot).and_then(Option::as_ref)
    }

    fn put(&mut self, slot: usize, f: &Finding) {
        if self.0.len() <= slot {
            self.0.resize(slot + 1, None);
        }
        if let Some(s) = self.0.get_mut(slot) {
            *s = Some(*f);
        }
    }
}

/// Assesses one authority: every rule's outcome, the verdict and the duties that follow. `memo`
/// keeps restriction outcomes between the authorities of one proposal.
pub fn assess<'r>(
    env: &Env,
    ctx: &Context,
    a: &'r Authority,
    reach: Reach,
    memo: &mut Memo,
    store: &mut Findings,
) -> Assessment<'r> {
    let start = store.list.len();
    find_all(env, ctx, a, reach, memo, store, false);
    finish(env, a, reach, store, start)
}

/// `assess` for a candidate that fits; `None` at its first failed finding, with none of its
/// findings kept. (The names of missing facts it found stay in the store: a memo may point at them.)
fn assess_until_fail<'r>(
    env: &Env,
    ctx: &Context,
    a: &'r Authority,
    reach: Reach,
    memo: &mut Memo,
    store: &mut Findings,
) -> Option<Assessment<'r>> {
    let start = store.list.len();
    if find_all(env, ctx, a, reach, memo, store, true) {
        Some(finish(env, a, reach, store, start))
    } else {
        store.list.truncate(start);
        None
    }
}

/// Pushes the candidate's findings, the built-in checks first; with `stop`, stops at the first
/// failure. True when none failed.
fn find_all(
    env: &Env,
    ctx: &Context,
    a: &Authority,
    reach: Reach,
    memo: &mut Memo,
    store: &mut Findings,
    stop: bool,
) -> bool {
    if stop && !builtins_pass(env, a, reach) {
        return false;
    }
    let mut passed = true;
    for rule in builtins(a) {
        // With `stop`, every one is known to pass.
        let ok = stop || builtin_ok(env, a, reach, rule);
        passed &= ok;
        store.list.push(Finding::new(rule, ok));
    }
    let mut push = |store: &mut Findings, f: Finding| {
        passed &= f.outcome != Outcome::Fail;
        store.list.push(f);
        passed || !stop
    };
    for (i, rule) in a.rules.iter().enumerate() {
        let f = match rule.shared.and_then(|slot| memo.get(slot)) {
            // The same store: the names it points at are this proposal's too.
            Some(known) => Finding {
                rule: RuleRef::Own(i),
                ..*known
            },
            None => {
                let f = find(env, ctx, a, i, rule, Some(&mut store.names));
                if let Some(slot) = rule.shared {
                    memo.put(slot, &f);
                }
                f
            }
        };
        if !push(store, f) {
            return false;
        }
    }
    passed
}

/// The built-in checks an authority gets, in the order its findings list them.
fn builtins(a: &Authority) -> impl Iterator<Item = RuleRef> {
    [
        Some(RuleRef::InForce),
        Some(RuleRef::Purpose),
        Some(RuleRef::Activities),
        a.recipients.is_some().then_some(RuleRef::Recipient),
        a.funding.is_some().then_some(RuleRef::Funding),
    ]
    .into_iter()
    .flatten()
}

fn builtin_ok(env: &Env, a: &Authority, reach: Reach, rule: RuleRef) -> bool {
    let p = env.proposal;
    match rule {
        RuleRef::InForce => a.in_force(env.law_date),
        RuleRef::Purpose => reach.serves_any(),
        RuleRef::Activities => provides_all(p, a),
        RuleRef::Recipient => recipient_ok(p, a),
        RuleRef::Funding => funding_ok(p, a),
        RuleRef::Own(_) => true,
    }
}

/// Do all the built-in checks pass? Cheapest first: most candidates the graph reaches serve none
/// of the purposes (reached through an activity alone), and comparing activity names costs most.
fn builtins_pass(env: &Env, a: &Authority, reach: Reach) -> bool {
    let p = env.proposal;
    reach.serves_any()
        && funding_ok(p, a)
        && recipient_ok(p, a)
        && a.in_force(env.law_date)
        && provides_all(p, a)
}

/// The assessment of the findings pushed since `start`: the verdict, and the duties that follow
/// unless the candidate is ineligible.
fn finish<'r>(
    env: &Env,
    a: &'r Authority,
    reach: Reach,
    store: &Findings,
    start: usize,
) -> Assessment<'r> {
    let span = Span {
        start,
        end: store.list.len(),
    };
    let (fails, unknowns) = store
        .of(span)
        .iter()
        .fold((0, 0), |(f, u), x| match x.outcome {
            Outcome::Fail => (f + 1, u),
            Outcome::Unknown => (f, u + 1),
            Outcome::Pass => (f, u),
        });
    let verdict = verdict_for(fails, unknowns);
    let obligations = if verdict == Verdict::Ineligible {
        Vec::new()
    } else {
        let mut o = Vec::with_capacity(a.duties.len());
        o.extend(
            a.duties
                .iter()
                .enumerate()
                .filter_map(|(i, d)| obligation(env, i, d)),
        );
        in_order(a, &mut o);
        o
    };
    Assessment {
        authority: a,
        reach,
        verdict,
        findings: span,
        fails,
        unknowns,
        obligations,
    }
}

/// The verdict alone, stopping at the first failure: what `assess` decides, without keeping the
/// findings. The full evaluation `verdict_after` is tested against; a test keeps it in step with
/// `judge`.
pub fn verdict_of(env: &Env, ctx: &Context, a: &Authority, reach: &Reach) -> Verdict {
    if !builtins_pass(env, a, *reach) {
        return Verdict::Ineligible;
    }
    verdict_from(
        a.rules
            .iter()
            .enumerate()
            .map(|(i, rule)| find(env, ctx, a, i, rule, None).outcome),
    )
}

/// Any failure makes a candidate ineligible, else any unknown conditional; stops at the first
/// failure, so outcomes after it are never computed.
fn verdict_from(outcomes: impl IntoIterator<Item = Outcome>) -> Verdict {
    let mut unknowns = 0;
    for o in outcomes {
        match o {
            Outcome::Fail => return Verdict::Ineligible,
            Outcome::Unknown => unknowns += 1,
            Outcome::Pass => {}
        }
    }
    verdict_for(0, unknowns)
}

/// The verdict from the counts of failed and unknown findings.
fn verdict_for(fails: usize, unknowns: usize) -> Verdict {
    if fails > 0 {
        Verdict::Ineligible
    } else if unknowns > 0 {
        Verdict::Conditional
    } else {
        Verdict::Eligible
    }
}

/// The built-in `activities` check: the authority provides every proposed activity.
fn provides_all(p: &Proposal, a: &Authority) -> bool {
    p.activities.iter().all(|x| a.provides.items.contains(x))
}

/// The built-in `recipient` check (an authority without a list takes any recipient).
fn recipient_ok(p: &Proposal, a: &Authority) -> bool {
    a.recipients
        .as_ref()
        .is_none_or(|r| r.items.contains(&p.recipient))
}

/// The built-in `funding` check. Funding not given passes: "absent = any" (README).
fn funding_ok(p: &Proposal, a: &Authority) -> bool {
    a.funding
        .as_ref()
        .is_none_or(|f| p.funding.is_none_or(|x| f.items.contains(&x)))
}

/// The verdict on a changed proposal (`env`), given the candidate's `findings` on the original and
/// the inputs the change touched: only the rules that read a changed input are evaluated again.
/// Same result as `verdict_of` on the changed proposal (a test holds them together), for the cost
/// of the few rules a fix touches.
pub fn verdict_after(
    env: &Env,
    ctx: &Context,
    a: &Authority,
    findings: &[Finding],
    changed: Inputs,
) -> Verdict {
    let p = env.proposal;
    let pass = |ok: bool| if ok { Outcome::Pass } else { Outcome::Fail };
    verdict_from(findings.iter().map(|f| match f.rule {
        RuleRef::InForce if changed.meets(Inputs::START) => pass(a.in_force(env.law_date)),
        RuleRef::Activities if changed.meets(Inputs::ACTIVITIES) => pass(provides_all(p, a)),
        RuleRef::Recipient if changed.meets(Inputs::RECIPIENT) => pass(recipient_ok(p, a)),
        RuleRef::Funding if changed.meets(Inputs::FUNDING) => pass(funding_ok(p, a)),
        RuleRef::Own(i) => match a.rules.get(i) {
            Some(rule) if rule.reads.meets(changed) => find(env, ctx, a, i, rule, None).outcome,
            _ => f.outcome,
        },
        _ => f.outcome,
    }))
}

/// One of the authority's own rules, as a finding; the names of missing facts go to `names` when
/// given (a verdict alone needs none).
fn find(
    env: &Env,
    ctx: &Context,
    a: &Authority,
    i: usize,
    rule: &Rule,
    names: Option<&mut Vec<Text>>,
) -> Finding {
    let mut names = names;
    let mut keep = |m: &Needs| match names.as_deref_mut() {
        Some(out) => {
            let start = out.len();
            m.names_into(out);
            Span {
                start,
                end: out.len(),
            }
        }
        None => Span::EMPTY,
    };
    let guard = rule.guard.as_ref().map_or(Tri::True, |g| env.eval(g));
    let mut f = Finding::new(RuleRef::Own(i), true);
    if guard == Tri::False {
        f.applies = false;
        return f;
    }
    match &rule.kind {
        RuleKind::Require { cond, .. } => {
            let result = env.eval(cond);
            // `when G: C` is the implication `not G or C`.
            let result = match (guard, result) {
                (_, Tri::True) => Tri::True,
                (Tri::True, x) => x,
                (Tri::Unknown(g), Tri::False) => Tri::Unknown(g),
                (Tri::Unknown(g), Tri::Unknown(m)) => Tri::Unknown(Needs::merge(Some(m), g)),
                (Tri::False, _) => Tri::True,
            };
            match result {
                Tri::True => {}
                Tri::False => f.outcome = Outcome::Fail,
                Tri::Unknown(m) => {
                    f.outcome = Outcome::Unknown;
                    f.missing = keep(&m);
                }
            }
        }
        RuleKind::Ceiling { limit, .. } => {
            let fy = env.proposal.fiscal_year();
            let committed = ctx
                .ledger
                .map_or(Some(Usd(0)), |l| l.committed_against(a, fy, &rule.name));
            f.committed = committed;
            let Some(limit) = limit.at(env.law_date, fy) else {
                // The history records no limit for this year: unknown, never guessed.
                f.outcome = Outcome::Unknown;
                let key = limit.history().map(|v| Needs::one(Need::Key(&v.key)));
                f.missing = key.map_or(Span::EMPTY, |k| keep(&k));
                return f;
            };
            match committed.and_then(|c| c.0.checked_add(env.proposal.amount_usd)) {
                Some(t) if t <= limit.0 => {}
                Some(_) => {
                    if let Tri::Unknown(m) = guard {
                        f.outcome = Outcome::Unknown;
                        f.missing = keep(&m);
                    } else {
                        f.outcome = Outcome::Fail;
                    }
                }
                None => f.outcome = Outcome::Fail,
            }
        }
    }
    f
}

/// A duty that another relies on (`precedes`) is due no later than that one, and listed before
/// it: a concurrence or determination comes before the notice that reports it. Chains settle in at
/// most as many passes as there are duties; a duty the proposal does not call for moves nothing.
fn in_order(a: &Authority, obligations: &mut Vec<Obligation>) {
    if a.duties.iter().all(|d| d.precedes.is_none()) {
        return;
    }
    for _ in 0..obligations.len() {
        let mut moved = false;
        for i in 0..obligations.len() {
            let Some(target) = obligations
                .get(i)
                .and_then(|o| a.duties.get(o.duty))
                .and_then(|d| d.precedes)
            else {
                continue;
            };
            let Some(later) = obligations.iter().position(|o| o.duty == target) else {
                continue;
            };
            let due = obligations.get(later).and_then(|o| o.deadline);
            if let (Some(o), Some(due)) = (obligations.get_mut(i), due) {
                if o.deadline.is_some_and(|d| due < d) {
                    o.deadline = Some(due);
                    o.moved_by = Some(target);
                    moved = true;
                }
            }
            if i > later {
                let o = obligations.remove(i);
                obligations.insert(later, o);
                moved = true;
            }
        }
        if !moved {
            break;
        }
    }
}

fn obligation(env: &Env, index: usize, d: &Duty) -> Option<Obligation> {
    let guard = d.guard.as_ref().map_or(Tri::True, |g| env.eval(g));
    let (status, depends_on) = match guard {
        Tri::False => return None,
        Tri::True => ("required", Vec::new()),
        Tri::Unknown(m) => ("possible", m.names()),
    };
    let start = env.proposal.start;
    let offer = env.proposal.offer_date.unwrap_or(start);
    let span_days = |n: u32| jiff::Span::new().try_days(i64::from(n)).ok();
    let deadline = match &d.timing {
        Timing::DaysBefore {
            days,
            session: false,
            anchor,
        } => {
            let from = if anchor.is_start() { start } else { offer };
            span_days(*days).and_then(|s| from.checked_sub(s).ok())
        }
        Timing::DaysAfter {
            days,
            session: false,
        } => span_days(*days).and_then(|s| start.checked_add(s).ok()),
        Timing::BeforeStart => Some(start),
        Timing::BeforeOffer => Some(offer),
        // Days of continuous session of Congress: the calendar cannot give them.
        Timing::DaysBefore { session: true, .. } | Timing::DaysAfter { session: true, .. } => None,
        Timing::Periodic { .. } => None,
    };
    Some(Obligation {
        kind: Text::from_static(d.kind.name()),
        deadline,
        citation: d.citation.clone(),
        message: Message::Shared(d.message.clone()),
        to: d.to.clone(),
        status: Text::from_static(status),
        note: None,
        duty: index,
        depends_on,
        moved_by: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::{judge_all, Reason};
    use crate::lang::source::SourceFile;
    use jiff::civil::date;

    const RULES: &str = r#"
purpose security "security"
purpose ct "counter-terrorism" is security
activity training "training"
activity equipment "equipment"
fact trained_before: bool "trained before"
group club "a club" cite "Club Charter"
partner "Alpha" { member club from 2020-01-01 to 2024-12-31 cite "Charter" }
partner "Beta" { }
authority a {
    name "A" citation "A § 1"
    effective 2020-01-01
    expires 2030-12-31
    serves security
    provides training, equipment
    recipients NationalMilitary
    funding DoD
    require cap: amount_usd <= $10M when activities has equipment cite "A § 2"
    require vetted: leahy == Passed cite "A § 3"
    require history: fact.trained_before when partner.club cite "A § 4"
    ceiling fy: $25M per fiscal_year cite "A § 5"
    duty notice: congressional_notification 15 days before start cite "A § 6"
    duty session: congressional_notification 30 session_days before start cite "A § 7"
    duty offered: congressional_notification 30 days before offer cite "A § 9"
    duty at_offer: certification before offer cite "A § 10"
    duty after: report 2 days after start when amount_usd > $1M cite "A § 8"
}
"#;

    fn rb() -> RuleBase {
        match RuleBase::from_files(&[SourceFile {
            name: "t.auth".into(),
            text: RULES.into(),
        }]) {
            Ok(r) => r,
            Err(e) => panic!("{e:?}"),
        }
    }

    fn proposal(partner: &str, amount: u64, start: Date) -> Proposal {
        Proposal {
            id: "T".into(),
            title: "t".into(),
            partner: partner.into(),
            recipient: RecipientKind::NationalMilitary,
            purposes: vec!["ct".into()],
            activities: vec!["training".into()],
            amount_usd: amount,
            start,
            offer_date: None,
            duration_months: None,
            funding: None,
            leahy: Some(LeahyStatus::Passed),
            major_defense_equipment_usd: None,
            emergency: None,
            facts: Default::default(),
            amounts: Default::default(),
            serves: Default::default(),
            activity_funding: Default::default(),
        }
    }

    fn judge_a(
        rb: &RuleBase,
        p: &Proposal,
        ctx: &Context,
    ) -> (Verdict, Vec<Reason>, Vec<Obligation>) {
        let j = judge_all(rb, p, ctx)
            .into_iter()
            .find(|j| j.authority.id == "a")
            .map(|j| (j.verdict, j.reasons, j.obligations));
        j.unwrap_or_else(|| panic!("a is not a candidate"))
    }

    fn outcome(reasons: &[Reason], rule: &str) -> Outcome {
        reasons
            .iter()
            .find(|r| r.rule == rule)
            .map_or_else(|| panic!("no rule {rule}"), |r| r.outcome)
    }

    #[test]
    fn purposes_match_through_is_a_and_guards_switch_rules_off() {
        let rb = rb();
        let (v, reasons, _) = judge_a(
            &rb,
            &proposal("Beta", 20_000_000, date(2027, 3, 1)),
            &Context::default(),
        );
        assert_eq!(v, Verdict::Eligible, "{reasons:#?}");
        let cap = reasons.iter().find(|r| r.rule == "cap").map(|r| r.applies);
        assert_eq!(cap, Some(false), "cap applies only to equipment");
    }

    #[test]
    fn missing_and_pending_facts_are_unknown_never_true_or_false() {
        let rb = rb();
        let mut p = proposal("Alpha", 1, date(2023, 3, 1)); // Alpha is in the club on that date
        let (v, reasons, _) = judge_a(&rb, &p, &Context::default());
        assert_eq!(v, Verdict::Conditional);
        assert_eq!(outcome(&reasons, "history"), Outcome::Unknown);
        p.leahy = Some(LeahyStatus::Pending);
        let (_, reasons, _) = judge_a(&rb, &p, &Context::default());
        assert_eq!(outcome(&reasons, "vetted"), Outcome::Unknown);
        p.leahy = Some(LeahyStatus::Failed);
        let (v, _, obligations) = judge_a(&rb, &p, &Context::default());
        assert_eq!(v, Verdict::Ineligible);
        assert!(
            obligations.is_empty(),
            "no duties for an ineligible candidate"
        );
        // An unknown partner makes the group guard unknown, and the implication with it.
        let (_, reasons, _) = judge_a(
            &rb,
            &proposal("Gamma", 1, date(2023, 3, 1)),
            &Context::default(),
        );
        let h = reasons
            .iter()
            .find(|r| r.rule == "history")
            .map(|r| (r.outcome, r.missing.clone()));
        assert_eq!(
            h,
            Some((
                Outcome::Unknown,
                vec![
                    "fact.trained_before".to_string(),
                    "partner.club".to_string()
                ]
            ))
        );
        // Membership ended on 2024-12-31: the guard is false, the rule passes.
        let (v, _, _) = judge_a(
            &rb,
            &proposal("Alpha", 1, date(2025, 1, 1)),
            &Context::default(),
        );
        assert_eq!(v, Verdict::Eligible);
    }

    #[test]
    fn ceilings_add_the_ledger_for_the_same_fiscal_year_only() {
        let rb = rb();
        let ledger = Ledger::new(vec![crate::input::proposal::LedgerEntry {
            authority: "a".into(),
            fiscal_year: FiscalYear::new(2027),
            amount_usd: 20_000_000,
            reference: "x".into(),
            ceiling: None,
        }]);
        let ctx = Context {
            as_of: None,
            ledger: Some(&ledger),
        };
        // 30 September 2026 is FY2026: the FY2027 ledger does not count.
        let (v, _, _) = judge_a(&rb, &proposal("Beta", 6_000_000, date(2026, 9, 30)), &ctx);
        assert_eq!(v, Verdict::Eligible);
        // 1 October 2026 is FY2027: $20M + $6M > $25M.
        let (v, reasons, _) = judge_a(&rb, &proposal("Beta", 6_000_000, date(2026, 10, 1)), &ctx);
        assert_eq!(v, Verdict::Ineligible);
        let fy = reasons
            .iter()
            .find(|r| r.rule == "fy")
            .map(|r| r.message.to_string())
            .unwrap_or_default();
        assert!(fy.contains("by $1,000,000"), "{fy}");
        let (v, _, _) = judge_a(&rb, &proposal("Beta", 5_000_000, date(2026, 10, 1)), &ctx);
        assert_eq!(v, Verdict::Eligible, "exactly at the ceiling fits");
        // A sum that overflows u64 fails rather than wrapping.
        let (v, _, _) = judge_a(&rb, &proposal("Beta", u64::MAX, date(2026, 10, 1)), &ctx);
        assert_eq!(v, Verdict::Ineligible);
    }

    #[test]
    fn offer_duties_count_back_from_the_offer_date_or_say_start_was_assumed() {
        let rb = rb();
        let mut p = proposal("Beta", 2_000_000, date(2027, 3, 1));
        let find = |ob: &[Obligation], c: &str| {
            ob.iter()
                .find(|o| o.citation == c)
                .cloned()
                .unwrap_or_else(|| panic!("{c}"))
        };
        let (_, _, ob) = judge_a(&rb, &p, &Context::default());
        let offered = find(&ob, "A § 9");
        assert_eq!(offered.deadline, Some(date(2027, 1, 30)));
        assert!(offered.note.unwrap_or_default().contains("no `offer_date`"));
        assert_eq!(find(&ob, "A § 10").deadline, Some(date(2027, 3, 1)));
        assert_eq!(
            find(&ob, "A § 6").note,
            None,
            "a start duty assumes nothing"
        );
        p.offer_date = Some(date(2026, 12, 1));
        let (_, _, ob) = judge_a(&rb, &p, &Context::default());
        let offered = find(&ob, "A § 9");
        assert_eq!(offered.deadline, Some(date(2026, 11, 1)));
        assert_eq!(offered.note, None);
        assert_eq!(find(&ob, "A § 10").deadline, Some(date(2026, 12, 1)));
        assert_eq!(find(&ob, "A § 6").deadline, Some(date(2027, 2, 14)));
    }

    #[test]
    fn deadlines_are_calendar_dates_or_null_for_session_days() {
        let rb = rb();
        let (_, _, ob) = judge_a(
            &rb,
            &proposal("Beta", 2_000_000, date(2027, 3, 1)),
            &Context::default(),
        );
        let find = |c: &str| {
            ob.iter()
                .find(|o| o.citation == c)
                .cloned()
                .unwrap_or_else(|| panic!("{c}"))
        };
        assert_eq!(find("A § 6").deadline, Some(date(2027, 2, 14)));
        let s = find("A § 7");
        assert_eq!(s.deadline, None);
        assert!(s.note.unwrap_or_default().contains("continuous session"));
        assert_eq!(find("A § 8").deadline, Some(date(2027, 3, 3)));
        // The threshold switches the report off below $1M.
        let (_, _, ob) = judge_a(
            &rb,
            &proposal("Beta", 1_000_000, date(2027, 3, 1)),
            &Context::default(),
        );
        assert!(ob.iter().all(|o| o.citation != "A § 8"));
    }

    #[test]
    fn the_law_in_force_is_the_law_on_start_or_as_of() {
        let rb = rb();
        let before = proposal("Beta", 1, date(2019, 12, 31));
        let (v, reasons, _) = judge_a(&rb, &before, &Context::default());
        assert_eq!(
            (v, outcome(&reasons, "in_force")),
            (Verdict::Ineligible, Outcome::Fail)
        );
        let ctx = Context {
            as_of: Some(date(2020, 1, 1)),
            ledger: None,
        };
        assert_eq!(judge_a(&rb, &before, &ctx).0, Verdict::Eligible);
        // `expires` is the last day in force.
        assert_eq!(
            judge_a(
                &rb,
                &proposal("Beta", 1, date(2030, 12, 31)),
                &Context::default()
            )
            .0,
            Verdict::Eligible
        );
        assert_eq!(
            judge_a(
                &rb,
                &proposal("Beta", 1, date(2031, 1, 1)),
                &Context::default()
            )
            .0,
            Verdict::Ineligible
        );
    }

    #[test]
    fn verdict_of_agrees_with_judge() {
        let rb = rb();
        let mut cases = Vec::new();
        for partner in ["Alpha", "Beta", "Gamma"] {
            for amount in [1, 2_000_000, 11_000_000, 30_000_000, u64::MAX] {
                for start in [
                    date(2019, 6, 1),
                    date(2023, 3, 1),
                    date(2027, 3, 1),
                    date(2031, 2, 1),
                ] {
                    for leahy in [
                        None,
                        Some(LeahyStatus::Passed),
                        Some(LeahyStatus::Failed),
                        Some(LeahyStatus::Pending),
                    ] {
                        let mut p = proposal(partner, amount, start);
                        p.leahy = leahy;
                        p.activities = vec!["training".into(), "equipment".into()];
                        cases.push(p);
                    }
                }
            }
        }
        for p in &cases {
            let ctx = Context::default();
            let env = Env::new(&rb, p, &ctx);
            for j in judge_all(&rb, p, &ctx) {
                let reach = Reach {
                    authority: j.authority.order,
                    direct: j.link.direct.len(),
                    inherited: j.link.inherited.len(),
                    steps: j.link.steps,
                };
                assert_eq!(
                    verdict_of(&env, &ctx, j.authority, &reach),
                    j.verdict,
                    "{p:?}"
                );
            }
        }
    }

    #[test]
    fn funding_and_recipient_are_checked_when_given() {
        let rb = rb();
        let mut p = proposal("Beta", 1, date(2027, 3, 1));
        p.funding = Some(Funding::DoS);
        assert_eq!(judge_a(&rb, &p, &Context::default()).0, Verdict::Ineligible);
        p.funding = Some(Funding::DoD);
        p.recipient = RecipientKind::NonGovernmental;
        assert_eq!(judge_a(&rb, &p, &Context::default()).0, Verdict::Ineligible);
    }

    /// Assessing the fitting candidates first, and the others only when asked, loses nothing:
    /// together they are every candidate, each with the verdict, findings (missing names
    /// included) and duties a full assessment gives it. Over every built-in case and 300
    /// generated proposals, with and without a ledger.
    #[test]
    fn the_fitting_first_and_the_rest_later_are_the_full_assessment() {
        let rules = crate::model::RuleBase::builtin();
        let texts = crate::tools::gen::cases_and_generated(&rules, 11, 300);
        // Most of every ceiling already committed, in every year the generator uses.
        let entries = (2024..=2031)
            .flat_map(|fy| {
                rules
                    .authorities
                    .iter()
                    .map(move |a| crate::input::proposal::LedgerEntry {
                        authority: a.id.to_string(),
                        fiscal_year: crate::model::FiscalYear::new(fy),
                        amount_usd: 60_000_000,
                        reference: String::new(),
                        ceiling: None,
                    })
            })
            .collect();
        let ledger = crate::input::proposal::Ledger::new(entries);
        let (mut compared, mut dropped) = (0, 0);
        for (name, text) in &texts {
            let Ok(p) = rules.read_proposal(name, text) else {
                continue;
            };
            for ledger in [None, Some(&ledger)] {
                let ctx = Context {
                    as_of: None,
                    ledger,
                };
                let env = Env::new(&rules, &p, &ctx);
                let (all, all_store) = assess_all(&env, &ctx);
                let (fit, fit_store, rest) = assess_fitting(&env, &ctx);
                let (late, late_store) = assess_each(&env, &ctx, &rest);
                assert!(
                    fit.iter().all(|a| a.verdict != Verdict::Ineligible),
                    "{name}"
                );
                assert!(
                    late.iter().all(|a| a.verdict == Verdict::Ineligible),
                    "{name}"
                );
                assert_eq!(fit.len() + late.len(), all.len(), "{name}");
                let seen = |a: &Assessment, store: &Findings| {
                    let findings: Vec<(Finding, Vec<Text>)> = store
                        .of(a.findings)
                        .iter()
                        .map(|f| {
                            (
                                Finding {
                                    missing: Span::EMPTY,
                                    ..*f
                                },
                                store.missing(f).to_vec(),
                            )
                        })
                        .collect();
                    (
                        a.authority.id.clone(),
                        a.verdict,
                        a.fails,
                        a.unknowns,
                        findings,
                        a.obligations.clone(),
                    )
                };
                let mut split: Vec<_> = fit
                    .iter()
                    .map(|a| seen(a, &fit_store))
                    .chain(late.iter().map(|a| seen(a, &late_store)))
                    .collect();
                let mut whole: Vec<_> = all.iter().map(|a| seen(a, &all_store)).collect();
                split.sort_by(|a, b| a.0.cmp(&b.0));
                whole.sort_by(|a, b| a.0.cmp(&b.0));
                assert_eq!(split, whole, "{name}");
                compared += all.len();
                dropped += late.len();
            }
        }
        assert!(
            compared > 10_000 && dropped > compared / 2,
            "{compared} compared, {dropped} dropped"
        );
    }
}
