//! The checked rule base: authorities, rules, limits, obligations and the partner registry. Every
//! name in here has been resolved and every condition type-checked by `check`.

mod checked;
pub mod graph;
pub mod history;
pub mod names;
pub mod text;
mod units;

pub use checked::{CheckedRules, RuleBase};
pub use units::{FiscalYear, Usd};

use crate::model::text::{Text, TextList};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RecipientKind {
    NationalMilitary,
    OtherSecurityForces,
    CivilianGovernment,
    InternationalOrganization,
    NonGovernmental,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Funding {
    PartnerNational,
    DoD,
    DoS,
    USAID,
    DHS,
    UsgStocks,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LeahyStatus {
    NotStarted,
    Pending,
    Passed,
    Failed,
}

impl RecipientKind {
    pub const ALL: [RecipientKind; 5] = [
        RecipientKind::NationalMilitary,
        RecipientKind::OtherSecurityForces,
        RecipientKind::CivilianGovernment,
        RecipientKind::InternationalOrganization,
        RecipientKind::NonGovernmental,
    ];
}

impl Funding {
    pub const ALL: [Funding; 6] = [
        Funding::PartnerNational,
        Funding::DoD,
        Funding::DoS,
        Funding::USAID,
        Funding::DHS,
        Funding::UsgStocks,
    ];
}

impl LeahyStatus {
    pub const ALL: [LeahyStatus; 4] = [
        LeahyStatus::NotStarted,
        LeahyStatus::Pending,
        LeahyStatus::Passed,
        LeahyStatus::Failed,
    ];
}

macro_rules! display_debug {
    ($($t:ty),*) => {$(
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(self, f)
            }
        }
    )*};
}
display_debug!(LeahyStatus);

impl RecipientKind {
    /// The name in proposals and sentences (`NationalMilitary`).
    pub const fn name(self) -> &'static str {
        match self {
            RecipientKind::NationalMilitary => "NationalMilitary",
            RecipientKind::OtherSecurityForces => "OtherSecurityForces",
            RecipientKind::CivilianGovernment => "CivilianGovernment",
            RecipientKind::InternationalOrganization => "InternationalOrganization",
            RecipientKind::NonGovernmental => "NonGovernmental",
        }
    }
}

impl Funding {
    /// The name in proposals and sentences (`DoD`).
    pub const fn name(self) -> &'static str {
        match self {
            Funding::PartnerNational => "PartnerNational",
            Funding::DoD => "DoD",
            Funding::DoS => "DoS",
            Funding::USAID => "USAID",
            Funding::DHS => "DHS",
            Funding::UsgStocks => "UsgStocks",
        }
    }
}

impl fmt::Display for RecipientKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl fmt::Display for Funding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The type of a value in a condition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Type {
    Usd,
    Months,
    Days,
    Date,
    Int,
    Bool,
    Str,
    Recipient,
    Funding,
    Leahy,
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Type::Usd => "dollars",
            Type::Months => "months",
            Type::Days => "days",
            Type::Date => "a date",
            Type::Int => "a number",
            Type::Bool => "true/false",
            Type::Str => "a string",
            Type::Recipient => "a RecipientKind",
            Type::Funding => "a Funding",
            Type::Leahy => "a Leahy status",
        })
    }
}

/// A typed constant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum Val {
    Usd(Usd),
    Months(u32),
    Days(u32),
    Date(Date),
    Int(i64),
    Bool(bool),
    Str(String),
    Recipient(RecipientKind),
    Funding(Funding),
    Leahy(LeahyStatus),
}

impl Val {
    pub fn ty(&self) -> Type {
        match self {
            Val::Usd(_) => Type::Usd,
            Val::Months(_) => Type::Months,
            Val::Days(_) => Type::Days,
            Val::Date(_) => Type::Date,
            Val::Int(_) => Type::Int,
            Val::Bool(_) => Type::Bool,
            Val::Str(_) => Type::Str,
            Val::Recipient(_) => Type::Recipient,
            Val::Funding(_) => Type::Funding,
            Val::Leahy(_) => Type::Leahy,
        }
    }
}

impl fmt::Display for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Usd(v) => write!(f, "{v}"),
            Val::Months(v) => write!(f, "{v} months"),
            Val::Days(v) => write!(f, "{v} days"),
            Val::Date(v) => write!(f, "{v}"),
            Val::Int(v) => write!(f, "{v}"),
            Val::Bool(v) => write!(f, "{v}"),
            Val::Str(v) => write!(f, "\"{v}\""),
            Val::Recipient(v) => write!(f, "{v}"),
            Val::Funding(v) => write!(f, "{v}"),
            Val::Leahy(v) => write!(f, "{v}"),
        }
    }
}

/// A proposal field a condition can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    AmountUsd,
    MajorDefenseEquipmentUsd,
    DurationMonths,
    Start,
    End,
    FiscalYear,
    EndFiscalYear,
    Recipient,
    Funding,
    Leahy,
    Emergency,
    Partner,
}

impl Field {
    pub const ALL: [Field; 12] = [
        Field::AmountUsd,
        Field::MajorDefenseEquipmentUsd,
        Field::DurationMonths,
        Field::Start,
        Field::End,
        Field::FiscalYear,
        Field::EndFiscalYear,
        Field::Recipient,
        Field::Funding,
        Field::Leahy,
        Field::Emergency,
        Field::Partner,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Field::AmountUsd => "amount_usd",
            Field::MajorDefenseEquipmentUsd => "major_defense_equipment_usd",
            Field::DurationMonths => "duration_months",
            Field::Start => "start",
            Field::End => "end",
            Field::FiscalYear => "fiscal_year",
            Field::EndFiscalYear => "end_fiscal_year",
            Field::Recipient => "recipient",
            Field::Funding => "funding",
            Field::Leahy => "leahy",
            Field::Emergency => "emergency",
            Field::Partner => "partner",
        }
    }

    pub fn from_name(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.name() == name)
    }

    pub fn ty(self) -> Type {
        match self {
            Field::AmountUsd | Field::MajorDefenseEquipmentUsd => Type::Usd,
            Field::DurationMonths => Type::Months,
            Field::Start | Field::End => Type::Date,
            Field::FiscalYear | Field::EndFiscalYear => Type::Int,
            Field::Recipient => Type::Recipient,
            Field::Funding => Type::Funding,
            Field::Leahy => Type::Leahy,
            Field::Emergency => Type::Bool,
            Field::Partner => Type::Str,
        }
    }
}

/// Where a condition's operand comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Const(Val),
    Field(Field),
    /// `partner.GROUP`, with its missing-fact key `partner.GROUP` made once at load time
    PartnerGroup(String, Text),
    /// `fact.NAME`, with its missing-fact key `fact.NAME` and its declaration (type, default), so
    /// evaluation does not look it up by name
    Fact(String, Text, Box<FactDecl>),
    /// `value.NAME`: the entry of its history in force on the law date or in the fiscal year
    Value(history::ValueRef),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Term {
    pub source: Source,
    /// Added to an int (`fiscal_year + 2`).
    pub offset: i64,
    pub ty: Type,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Eq,
    Ne,
    Ge,
    Gt,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Ge => ">=",
            CmpOp::Gt => ">",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetField {
    Purposes,
    Activities,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HasOp {
    Has,
    Any,
    All,
    /// Every purpose (activity) of the proposal is within the listed ones, and it has at least
    /// one: the operator an exception is written with, so that it covers only what it names.
    Only,
}

/// The proposal inputs a rule reads, as a bit set: a counterfactual that changes none of them
/// cannot change the rule's outcome, so fixes are verified by re-evaluating only the rules they
/// touch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs(pub u16);

impl Inputs {
    pub const AMOUNT: Inputs = Inputs(1);
    pub const MDE: Inputs = Inputs(1 << 1);
    pub const DURATION: Inputs = Inputs(1 << 2);
    /// The start date, and with it the fiscal year and the law date (what is in force, who
    /// belongs to which group, which year's ceiling counts).
    pub const START: Inputs = Inputs(1 << 3);
    pub const RECIPIENT: Inputs = Inputs(1 << 4);
    pub const FUNDING: Inputs = Inputs(1 << 5);
    pub const ACTIVITIES: Inputs = Inputs(1 << 6);
    pub const FACTS: Inputs = Inputs(1 << 7);
    /// Inputs no fix changes (leahy, emergency, partner, purposes).
    pub const FIXED: Inputs = Inputs(1 << 8);

    pub fn union(self, other: Inputs) -> Inputs {
        Inputs(self.0 | other.0)
    }

    pub fn meets(self, other: Inputs) -> bool {
        self.0 & other.0 != 0
    }

    /// What a rule reads: its guard, its condition, and for a ceiling the amount and the fiscal
    /// year.
    pub fn of_rule(guard: Option<&Cond>, kind: &RuleKind) -> Inputs {
        let g = guard.map_or(Inputs::default(), Inputs::of_cond);
        match kind {
            RuleKind::Require { cond, .. } => g.union(Inputs::of_cond(cond)),
            RuleKind::Ceiling { .. } => g.union(Inputs::AMOUNT).union(Inputs::START),
        }
    }

    pub fn of_cond(c: &Cond) -> Inputs {
        match c {
            Cond::Or(xs) | Cond::And(xs) => xs
                .iter()
                .fold(Inputs::default(), |acc, x| acc.union(Inputs::of_cond(x))),
            Cond::Not(x) => Inputs::of_cond(x),
            Cond::Cmp { lhs, rhs, .. } => Inputs::of_term(lhs).union(Inputs::of_term(rhs)),
            Cond::In { term, .. } | Cond::Truthy(term) => Inputs::of_term(term),
            Cond::Has { field, .. } => match field {
                SetField::Purposes => Inputs::FIXED,
                SetField::Activities => Inputs::ACTIVITIES,
            },
        }
    }

    fn of_term(t: &Term) -> Inputs {
        match &t.source {
            Source::Const(_) => Inputs::default(),
            Source::Field(f) => match f {
                Field::AmountUsd => Inputs::AMOUNT,
                Field::MajorDefenseEquipmentUsd => Inputs::MDE,
                Field::DurationMonths => Inputs::DURATION,
                Field::Start | Field::FiscalYear => Inputs::START,
                Field::End | Field::EndFiscalYear => Inputs::START.union(Inputs::DURATION),
                Field::Recipient => Inputs::RECIPIENT,
                Field::Funding => Inputs::FUNDING,
                Field::Leahy | Field::Emergency | Field::Partner => Inputs::FIXED,
            },
            // Membership depends on the law date, and a fact of the group's name overrides it.
            Source::PartnerGroup(..) => Inputs::START.union(Inputs::FACTS),
            Source::Fact(..) => Inputs::FACTS,
            // Which entry is in force follows the start (fiscal year, law date).
            Source::Value(_) => Inputs::START,
        }
    }
}

/// A type-checked condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cond {
    Or(Vec<Cond>),
    And(Vec<Cond>),
    Not(Box<Cond>),
    Cmp {
        lhs: Term,
        op: CmpOp,
        rhs: Term,
    },
    In {
        term: Term,
        negated: bool,
        set: Vec<Val>,
    },
    Has {
        field: SetField,
        op: HasOp,
        items: Vec<String>,
    },
    Truthy(Term),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum RuleKind {
    /// `require`: the condition must hold where the guard holds.
    Require {
        #[serde(skip)]
        cond: Cond,
        condition: Text,
    },
    /// `ceiling`: a per-fiscal-year cumulative dollar limit.
    Ceiling {
        limit: history::Limit,
        within: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rule {
    /// Unique within its authority; applied restriction rules are `restriction.rule`.
    pub name: Text,
    #[serde(flatten)]
    pub kind: RuleKind,
    #[serde(skip)]
    pub guard: Option<Cond>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<Text>,
    /// The exception or waiver the law provides when the rule fails on a legal finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remedy: Option<String>,
    pub citation: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<Text>,
    /// The shared restriction this rule comes from, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    /// For a restriction's `require` rule: its slot, the same in every authority that applies
    /// the restriction. Its outcome depends on the proposal alone, so it is evaluated once per
    /// proposal.
    #[serde(skip)]
    pub shared: Option<usize>,
    /// The inputs the guard and condition read.
    #[serde(skip)]
    pub reads: Inputs,
    /// The values with a history that the guard, condition or limit reads, each once, in order
    /// of first use: `show` and explanations cite the entry in force.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<history::ValueRef>,
    /// The JSON of this rule's reasons that read nothing of the proposal, made on first use:
    /// [`Rule::HOLDS`], [`Rule::FAILS`], [`Rule::OFF`] (`explain::reasons` hands them out).
    #[serde(skip)]
    pub rendered: [text::Rendered; 3],
    /// The line a fix gives for this rule when no edit satisfies it, one for each reason why
    /// not (`explain::fix` says which is which), made on first use: it reads nothing of the
    /// proposal.
    #[serde(skip)]
    pub remedies: [text::Rendered; 3],
}

impl Rule {
    /// The index in `rendered` of a `require` that holds (no value history read).
    pub const HOLDS: usize = 0;
    /// ... of a `require` that fails.
    pub const FAILS: usize = 1;
    /// ... of a rule whose `when` guard switched it off.
    pub const OFF: usize = 2;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ObligationKind {
    CongressionalNotification,
    LeahyVetting,
    StateConcurrence,
    PresidentialDetermination,
    Report,
    Certification,
    Approval,
    Consultation,
}

impl ObligationKind {
    pub const ALL: [ObligationKind; 8] = [
        ObligationKind::CongressionalNotification,
        ObligationKind::LeahyVetting,
        ObligationKind::StateConcurrence,
        ObligationKind::PresidentialDetermination,
        ObligationKind::Report,
        ObligationKind::Certification,
        ObligationKind::Approval,
        ObligationKind::Consultation,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ObligationKind::CongressionalNotification => "congressional_notification",
            ObligationKind::LeahyVetting => "leahy_vetting",
            ObligationKind::StateConcurrence => "state_concurrence",
            ObligationKind::PresidentialDetermination => "presidential_determination",
            ObligationKind::Report => "report",
            ObligationKind::Certification => "certification",
            ObligationKind::Approval => "approval",
            ObligationKind::Consultation => "consultation",
        }
    }

    pub fn from_name(name: &str) -> Option<ObligationKind> {
        ObligationKind::ALL.into_iter().find(|k| k.name() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum Timing {
    DaysBefore {
        days: u32,
        session: bool,
        #[serde(skip_serializing_if = "Anchor::is_start")]
        anchor: Anchor,
    },
    DaysAfter {
        days: u32,
        session: bool,
    },
    BeforeStart,
    /// Before the offer: AECA § 36(b) "before such letter of offer is issued", and the licence,
    /// lease or consent the other AECA reviews precede.
    BeforeOffer,
    Periodic {
        when: String,
    },
}

/// The event a duty's deadline is counted back from. `Offer` is the day the United States
/// commits (letter of offer, export licence, lease, consent to transfer): the proposal's
/// `offer_date`, or its start when the file gives none (and the duty says so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    Start,
    Offer,
}

impl Anchor {
    pub fn is_start(&self) -> bool {
        *self == Anchor::Start
    }

    pub fn name(self) -> &'static str {
        match self {
            Anchor::Start => "start",
            Anchor::Offer => "offer",
        }
    }
}

impl Timing {
    /// The event the deadline counts from, for a dated timing.
    pub fn anchor(&self) -> Option<Anchor> {
        match self {
            Timing::DaysBefore { anchor, .. } => Some(*anchor),
            Timing::BeforeOffer => Some(Anchor::Offer),
            Timing::DaysAfter { .. } | Timing::BeforeStart => Some(Anchor::Start),
            Timing::Periodic { .. } => None,
        }
    }
}

impl fmt::Display for Timing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = |s: bool| {
            if s {
                "days of continuous session"
            } else {
                "days"
            }
        };
        match self {
            Timing::DaysBefore {
                days,
                session,
                anchor,
            } => {
                write!(f, "{days} {} before {}", unit(*session), anchor.name())
            }
            Timing::DaysAfter { days, session } => {
                write!(f, "{days} {} after start", unit(*session))
            }
            Timing::BeforeStart => f.write_str("before start"),
            Timing::BeforeOffer => f.write_str("before offer"),
            Timing::Periodic { when } => write!(f, "{when}"),
        }
    }
}

/// A duty that follows from using an authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub name: String,
    pub kind: ObligationKind,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Text>,
    pub timing: Timing,
    #[serde(skip)]
    pub guard: Option<Cond>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub when: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<Text>,
    pub citation: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    /// The obligation's sentence (`because`, or the kind in words; the addressee; the timing),
    /// rendered once when the rule base is built and shared by every decision.
    #[serde(skip)]
    pub message: Text,
    /// `precedes NAME`: another duty of the same authority that relies on this one (a notice
    /// that reports a concurrence or a determination): this one is due no later than it. The
    /// other duty's index in `Authority::duties`.
    #[serde(skip)]
    pub precedes: Option<usize>,
}

/// Law on `date`: on or after `effective`, up to `expires` (the last day), before `repealed` (the
/// first day no longer in force); a missing date bounds nothing.
pub fn in_force(
    effective: &Option<Dated>,
    expires: &Option<Dated>,
    repealed: &Option<Dated>,
    date: Date,
) -> bool {
    effective.as_ref().is_none_or(|e| date >= e.date)
        && expires.as_ref().is_none_or(|e| date <= e.date)
        && repealed.as_ref().is_none_or(|r| date < r.date)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dated {
    pub date: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citation: Option<Text>,
    /// Why the date is not confirmed by a source read, if it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<Text>,
}

/// A list declaration (`serves`, `provides`, `recipients`, `funding`) with its citation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cited<T> {
    pub items: Vec<T>,
    pub citation: Text,
}

/// One legal authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Authority {
    pub id: Text,
    pub name: Text,
    pub citation: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub administered_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<Dated>,
    /// Last day in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Dated>,
    /// First day no longer in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<Dated>,
    /// The names and acronyms planners use for it (`aka`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aka: Vec<Text>,
    pub supersedes: Vec<String>,
    /// Filled in by `check` from the other authorities' `supersedes`.
    pub superseded_by: Vec<String>,
    pub caveats: TextList,
    pub serves: Cited<String>,
    pub provides: Cited<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recipients: Option<Cited<RecipientKind>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funding: Option<Cited<Funding>>,
    /// Restrictions applied, in order.
    pub applies: Vec<String>,
    /// Own rules, then the applied restrictions' rules.
    pub rules: Vec<Rule>,
    pub duties: Vec<Duty>,
    /// Order of declaration across the sorted rule files (a stable tie-breaker).
    #[serde(skip)]
    pub order: usize,
    /// Its lists as its reasons word them, joined once when the rule base is checked.
    #[serde(skip)]
    pub words: ListWords,
}

/// An authority's lists as a reason words them (`it serves A, B`, `paid by X or Y`): the same in
/// every decision, so joined once, when the authority is checked, instead of in each reason that
/// names them. Invariant: made by [`ListWords::of`] from the lists it sits beside.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListWords {
    /// `serves`, joined with `, `.
    pub serves: Text,
    /// `provides`, joined with `, `.
    pub provides: Text,
    /// The eligible kinds of recipient, joined with `, ` (empty when any kind may receive).
    pub recipients: Text,
    /// The funds it is paid by, joined with ` or ` (empty when any funds may pay).
    pub funding: Text,
}

impl ListWords {
    pub fn of(a: &Authority) -> ListWords {
        let kinds: Vec<&str> = a
            .recipients
            .iter()
            .flat_map(|r| r.items.iter().map(|k| k.name()))
            .collect();
        let funds: Vec<&str> = a
            .funding
            .iter()
            .flat_map(|f| f.items.iter().map(|x| x.name()))
            .collect();
        ListWords {
            serves: Text::from(a.serves.items.join(", ")),
            provides: Text::from(a.provides.items.join(", ")),
            recipients: Text::from(kinds.join(", ")),
            funding: Text::from(funds.join(" or ")),
        }
    }
}

impl Duty {
    /// Whether its deadline counts back from the offer (`before offer`), so it rests on an
    /// assumed date when the proposal gives no `offer_date`.
    pub fn counts_from_offer(&self) -> bool {
        self.timing.anchor() == Some(Anchor::Offer)
    }

    /// The timing in words, with the later duty it comes before (`precedes`), if any: `duties`
    /// are those of the same authority or restriction.
    pub fn timing_text(&self, duties: &[Duty]) -> String {
        match self.precedes.and_then(|j| duties.get(j)) {
            Some(later) => format!("{}, and by `{}`", self.timing, later.name),
            None => self.timing.to_string(),
        }
    }

    /// The sentence of an obligation that follows from this duty.
    pub fn render_message(&self) -> Text {
        let mut message = self
            .because
            .as_ref()
            .map_or_else(|| self.kind.name().replace('_', " "), ToString::to_string);
        if let Some(to) = &self.to {
            message = format!("{message} (to {to})");
        }
        format!("{message}: {}", self.timing).into()
    }
}

impl Authority {
    /// Is the authority law on `date`?
    pub fn in_force(&self, date: Date) -> bool {
        in_force(&self.effective, &self.expires, &self.repealed, date)
    }

    /// Does a ledger entry naming `entry_ceiling` count against this authority's ceiling `ceiling`?
    /// An entry that names no ceiling counts against every top-level ceiling; one that names a
    /// ceiling counts against it and every ceiling it is `within`, and nothing else, so separate caps
    /// (NATO and non-NATO, general and Taiwan) stay apart when the ledger says which it used.
    pub fn ceiling_counts(&self, ceiling: &str, entry_ceiling: Option<&str>) -> bool {
        let within = |name: &str| {
            self.rules
                .iter()
                .find(|r| r.name == name)
                .and_then(|r| match &r.kind {
                    RuleKind::Ceiling { within, .. } => Some(within.clone()),
                    RuleKind::Require { .. } => None,
                })
        };
        match entry_ceiling {
            None => within(ceiling).is_some_and(|w| w.is_none()),
            Some(named) => {
                let mut cur = Some(named.to_string());
                let mut steps = 0;
                while let Some(c) = cur {
                    if c == ceiling {
                        return true;
                    }
                    steps += 1;
                    if steps > self.rules.len() {
                        return false; // a `within` cycle; lint reports it
                    }
                    cur = within(&c).flatten();
                }
                false
            }
        }
    }

    /// How broad the authority is: purposes plus activities (fewer = more specific).
    /// How much of this authority a proposal is about, in thousandths: the share of its purposes
    /// the proposal's `served` purposes reach, and of the activities it provides that the
    /// proposal asks for. Capped, so a ranking key always holds it. The ranking's lex specialis:
    /// judged against the proposal, not on how many purposes and activities the authority lists.
    pub fn focus<S: AsRef<str>>(&self, served: usize, activities: &[S]) -> (usize, usize) {
        let share = |n: usize, of: usize| (n.saturating_mul(1000) / of.max(1)).min(60_000);
        let asked = self
            .provides
            .items
            .iter()
            .filter(|a| activities.iter().any(|x| x.as_ref() == a.as_str()))
            .count();
        (
            share(served, self.serves.items.len()),
            share(asked, self.provides.items.len()),
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Restriction {
    pub id: String,
    pub name: String,
    pub citation: String,
    pub caveats: Vec<String>,
    pub rules: Vec<Rule>,
    pub duties: Vec<Duty>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Purpose {
    pub id: String,
    pub meaning: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The words planners use for it; a proposal may write them (read as `id`, with a note).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aka: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Activity {
    pub id: String,
    pub meaning: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aka: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FactDecl {
    pub id: String,
    pub ty: Type,
    pub meaning: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default: Option<Val>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    pub id: String,
    pub meaning: String,
    pub includes: Vec<String>,
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub group: String,
    pub from: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
    pub citation: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Partner {
    pub name: String,
    pub aka: Vec<String>,
    pub members: Vec<Member>,
    /// Every group a membership puts it in, directly or through groups that include the
    /// membership's group, with that membership's dates: made once by `Registry::flatten`, so an
    /// evaluation asks about a group with one short scan instead of walking the inclusions.
    #[serde(skip)]
    pub in_groups: Vec<(String, Date, Option<Date>)>,
}

/// The partner registry: dated group memberships.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Registry {
    pub groups: BTreeMap<String, Group>,
    pub partners: Vec<Partner>,
    /// Lower-cased name or alias to index into `partners` (hashed: every evaluation looks its
    /// partner up, and a tree of some hundred names costs more string comparisons).
    #[serde(skip)]
    pub by_name: foldhash::HashMap<String, usize>,
}

impl Registry {
    pub fn partner(&self, name: &str) -> Option<&Partner> {
        let name = name.trim();
        // Names are keyed lower-cased; most are written so already (no copy then).
        let i = if name
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            self.by_name.get(&name.to_lowercase())
        } else {
            self.by_name.get(name)
        };
        i.and_then(|i| self.partners.get(*i))
    }

    /// Is `partner` a member of `group` on `date`, directly or through an included group?
    /// `None` when the registry does not know the partner.
    pub fn is_member(&self, partner: &str, group: &str, date: Date) -> Option<bool> {
        let p = self.partner(partner)?;
        Some(self.member_of(p, group, date))
    }

    /// `is_member` for a partner already looked up.
    pub fn is_member_of(&self, p: &Partner, group: &str, date: Date) -> bool {
        self.member_of(p, group, date)
    }

    /// `is_member_of` by the partner's flattened memberships (`Partner::in_groups`); a test holds
    /// the two together.
    pub fn in_group(p: &Partner, group: &str, date: Date) -> bool {
        p.in_groups
            .iter()
            .any(|(g, from, to)| g == group && date >= *from && to.is_none_or(|to| date <= to))
    }

    /// Fills every partner's `in_groups`: for each membership, its group and every group that
    /// includes it, directly or through other groups (at any depth).
    pub fn flatten(&mut self) {
        // An unbounded budget cannot run out.
        let _ = self.flatten_within(u64::MAX);
    }

    /// `flatten`, in at most `budget` steps (a group reached, an inclusion followed or a
    /// membership written is one): `Ok(steps)`, or `Err(partner)` when the budget ran out while
    /// flattening that partner's memberships (the partners from it on keep none). Each group's
    /// includers are found once, by a walk that visits each group and inclusion at most once.
    pub fn flatten_within(&mut self, budget: u64) -> Result<u64, usize> {
        let mut steps = 0u64;
        let mut included_by: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for g in self.groups.values() {
            for inner in &g.includes {
                included_by.entry(inner).or_default().push(&g.id);
            }
            steps += 1 + g.includes.len() as u64;
        }
        let mut includers: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for (i, p) in self.partners.iter_mut().enumerate() {
            let mut flat = Vec::new();
            for m in &p.members {
                if !includers.contains_key(m.group.as_str()) {
                    let (found, walked) = reach(&included_by, &m.group);
                    includers.insert(&m.group, found);
                    steps += walked;
                }
                let including = includers
                    .get(m.group.as_str())
                    .map_or(&[][..], Vec::as_slice);
                steps += 1 + including.len() as u64;
                if steps > budget {
                    return Err(i);
                }
                flat.extend(
                    std::iter::once(m.group.as_str())
                        .chain(including.iter().copied())
                        .map(|g| (g.to_string(), m.from, m.to)),
                );
            }
            p.in_groups = flat;
        }
        Ok(steps)
    }

    fn member_of(&self, p: &Partner, group: &str, date: Date) -> bool {
        let included: BTreeMap<&str, Vec<&str>> = self
            .groups
            .values()
            .map(|g| {
                (
                    g.id.as_str(),
                    g.includes.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        let (inner, _) = reach(&included, group);
        std::iter::once(group).chain(inner).any(|g| {
            p.members
                .iter()
                .any(|m| m.group == g && date >= m.from && m.to.is_none_or(|to| date <= to))
        })
    }
}

/// Every group reachable from `from` by following `links` (not `from` itself, unless on a cycle
/// through it it is skipped too), sorted by name, and the steps taken: each group and link at most
/// once, so cycles end the walk instead of looping.
fn reach<'g>(links: &BTreeMap<&str, Vec<&'g str>>, from: &str) -> (Vec<&'g str>, u64) {
    let mut seen: std::collections::BTreeSet<&'g str> = std::collections::BTreeSet::new();
    let mut todo: Vec<&str> = vec![from];
    let mut steps = 0u64;
    while let Some(g) = todo.pop() {
        steps += 1;
        for &next in links.get(g).map_or(&[][..], Vec::as_slice) {
            steps += 1;
            if next != from && seen.insert(next) {
                todo.push(next);
            }
        }
    }
    (seen.into_iter().collect(), steps)
}

/// Does group `from` include `target` through a chain of at most `links` inclusions? Breadth
/// first, each group visited once: linear in the groups and inclusions.
pub fn group_includes(
    groups: &BTreeMap<String, Group>,
    from: &str,
    target: &str,
    links: usize,
) -> bool {
    let mut seen: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    let mut level: Vec<&str> = vec![from];
    for _ in 0..links {
        let mut next_level = Vec::new();
        for g in level {
            for inner in groups.get(g).map_or(&[][..], |g| g.includes.as_slice()) {
                if inner == target {
                    return true;
                }
                if seen.insert(inner) {
                    next_level.push(inner.as_str());
                }
            }
        }
        if next_level.is_empty() {
            return false;
        }
        level = next_level;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    /// The names are the serialized ones (what proposals spell), so a sentence and a proposal agree.
    #[test]
    fn kind_names_are_their_serialized_names() {
        for k in RecipientKind::ALL {
            assert_eq!(
                serde_json::to_string(&k).ok(),
                Some(format!("\"{}\"", k.name()))
            );
            assert_eq!(k.to_string(), format!("{k:?}"));
        }
        for x in Funding::ALL {
            assert_eq!(
                serde_json::to_string(&x).ok(),
                Some(format!("\"{}\"", x.name()))
            );
            assert_eq!(x.to_string(), format!("{x:?}"));
        }
    }

    /// The flattened memberships answer as walking the inclusions does: nested inclusions, dates
    /// on and either side of every membership's bounds, groups never joined, and the built-in
    /// registry.
    #[test]
    fn flattened_memberships_agree_with_the_inclusion_walk() {
        let group = |id: &str, includes: &[&str]| Group {
            id: id.into(),
            meaning: String::new(),
            includes: includes.iter().map(|x| x.to_string()).collect(),
            citation: String::new(),
        };
        let member = |g: &str, from: Date, to: Option<Date>| Member {
            group: g.into(),
            from,
            to,
            citation: String::new(),
        };
        let mut small = Registry::default();
        for g in [
            group("outer", &["middle"]),
            group("middle", &["inner", "side"]),
            group("inner", &[]),
            group("side", &[]),
            group("alone", &[]),
        ] {
            small.groups.insert(g.id.clone(), g);
        }
        small.partners.push(Partner {
            name: "P".into(),
            aka: Vec::new(),
            members: vec![
                member("inner", date(2020, 1, 1), Some(date(2022, 6, 30))),
                member("side", date(2024, 1, 1), None),
            ],
            in_groups: Vec::new(),
        });
        small.flatten();
        let builtin = crate::model::RuleBase::builtin();
        let mut compared = 0;
        for r in [&small, &builtin.registry] {
            for p in &r.partners {
                let mut dates = vec![date(1990, 1, 1), date(2026, 11, 23)];
                for m in &p.members {
                    for d in std::iter::once(m.from).chain(m.to) {
                        dates.extend([d.yesterday().unwrap(), d, d.tomorrow().unwrap()]);
                    }
                }
                for g in r.groups.keys() {
                    for d in &dates {
                        assert_eq!(
                            Registry::in_group(p, g, *d),
                            r.is_member_of(p, g, *d),
                            "{} in {g} on {d}",
                            p.name
                        );
                        compared += 1;
                    }
                }
            }
        }
        let p = &small.partners[0];
        assert!(Registry::in_group(p, "outer", date(2021, 1, 1)));
        assert!(!Registry::in_group(p, "outer", date(2023, 1, 1)));
        assert!(Registry::in_group(p, "middle", date(2025, 1, 1)));
        assert!(!Registry::in_group(p, "alone", date(2025, 1, 1)));
        assert!(compared > 1000, "{compared}");
    }

    /// Thirty groups each including every later one make 2^29 inclusion paths; flattening and the
    /// inclusion walks visit each group and inclusion once (the depth-limited recursion they
    /// replace took seconds and doubled with every group).
    #[test]
    fn inclusion_walks_are_linear_in_dense_registries() {
        let n = 30;
        let mut r = Registry::default();
        for i in 0..n {
            let id = format!("g{i}");
            let includes = (i + 1..n).map(|j| format!("g{j}")).collect();
            r.groups.insert(
                id.clone(),
                Group {
                    id,
                    meaning: String::new(),
                    includes,
                    citation: String::new(),
                },
            );
        }
        r.partners.push(Partner {
            name: "P".into(),
            aka: Vec::new(),
            members: vec![Member {
                group: format!("g{}", n - 1),
                from: date(2000, 1, 1),
                to: None,
                citation: String::new(),
            }],
            in_groups: Vec::new(),
        });
        let links = n * (n - 1) / 2;
        let steps = r.flatten_within(u64::MAX).unwrap();
        assert!(steps <= 3 * (n + links) as u64, "{steps}");
        assert_eq!(r.partners[0].in_groups.len(), n);
        assert!(r.is_member_of(&r.partners[0], "g0", date(2020, 1, 1)));
        assert!(group_includes(&r.groups, "g0", "g29", 1));
        assert!(!group_includes(&r.groups, "g29", "g0", 100));
        // The budget stops it, naming the partner.
        assert_eq!(r.flatten_within(10), Err(0));
    }

    #[test]
    fn dollars_display_with_separators() {
        assert_eq!(Usd(100_000_000).to_string(), "$100,000,000");
        assert_eq!(Usd(0).to_string(), "$0");
        assert_eq!(Usd(999).to_string(), "$999");
        assert_eq!(Usd(1000).to_string(), "$1,000");
    }
}
