//! The syntax tree of rule files: what was written, with byte spans, before any name is resolved.

use crate::diagnostic::Span;
use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Str {
    pub value: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateLit {
    pub date: Date,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Purpose {
        id: Ident,
        meaning: Str,
        parent: Option<Ident>,
        /// The words planners use for it (`aka "CT", "counter-terrorism"`).
        aka: Vec<Str>,
    },
    Activity {
        id: Ident,
        meaning: Str,
        aka: Vec<Str>,
    },
    Fact {
        id: Ident,
        ty: Ident,
        default: Option<Literal>,
        meaning: Str,
    },
    Group {
        id: Ident,
        meaning: Str,
        includes: Vec<Ident>,
        cite: Str,
    },
    Partner {
        name: Str,
        aka: Vec<Str>,
        members: Vec<Membership>,
    },
    Value(ValueDecl),
    Block(Block),
}

/// `value ID: TYPE "meaning" { from KEY [to KEY] VALUE cite ".." [unconfirmed ".."] ... }`: a
/// value that changes over time, each entry with its own citation.
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDecl {
    pub id: Ident,
    pub ty: Ident,
    pub meaning: Str,
    pub entries: Vec<HistoryEntry>,
    pub span: Span,
}

/// Where a history entry starts or ends: a calendar date or a fiscal year (`FY2017`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum KeyLit {
    Date(Date),
    FiscalYear(i16),
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub from: (KeyLit, Span),
    /// The last day or fiscal year the value is in force, if the entry says.
    pub to: Option<(KeyLit, Span)>,
    pub value: Literal,
    pub cite: Str,
    pub unconfirmed: Option<Str>,
    pub span: Span,
}

/// `effective`, `expires` or `repealed`: a date, its citation and whether it is confirmed.
#[derive(Debug, Clone, PartialEq)]
pub struct DateAttr {
    pub date: DateLit,
    pub cite: Option<Str>,
    pub unconfirmed: Option<Str>,
}

/// A ceiling's amount: a dollar literal or a `value.NAME` with a history.
#[derive(Debug, Clone, PartialEq)]
pub enum Amount {
    Literal(Literal),
    Value(Ident),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub group: Ident,
    pub from: DateLit,
    pub to: Option<DateLit>,
    pub cite: Str,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Authority,
    Restriction,
    Program,
}

/// An `authority`, `restriction` or `program` block.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub kind: BlockKind,
    pub id: Ident,
    pub members: Vec<Member>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Member {
    Name(Str),
    Citation(Str),
    Title(u32, Span),
    AdministeredBy(Ident),
    ExecutedBy(Ident),
    Effective(DateAttr),
    Expires(DateAttr),
    Repealed(DateAttr),
    Supersedes(Vec<Ident>),
    Caveat(Str),
    /// `aka "GPOI", ...`: the names and acronyms planners use.
    Aka(Vec<Str>),
    /// `under pko, ...`: the authorities a program runs under.
    Under(Vec<Ident>),
    /// `scope "..."`: what a program is limited to (partners, purposes, funds).
    Scope(Str),
    Serves(Vec<Ident>, Option<Str>),
    Provides(Vec<Ident>, Option<Str>),
    Recipients(Vec<Ident>, Option<Str>),
    Funding(Vec<Ident>, Option<Str>),
    Apply(Vec<Ident>),
    Require(RuleHead, Expr),
    Ceiling(RuleHead, Amount, Option<Ident>),
    /// `duty NAME: KIND [to ".."] TIMING [precedes DUTY] ...`
    Duty(RuleHead, Ident, Option<Str>, Timing, Option<Ident>),
}

/// What every rule has: a name, an optional guard, reason, citation and caveat.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleHead {
    pub name: Ident,
    pub when: Option<Expr>,
    pub because: Option<Str>,
    /// What the law offers when the rule fails on a legal finding (an exception, a waiver).
    pub remedy: Option<Str>,
    pub cite: Str,
    pub unconfirmed: Option<Str>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Timing {
    DaysBefore {
        days: u32,
        session: bool,
        anchor: Anchor,
    },
    DaysAfter {
        days: u32,
        session: bool,
    },
    Before(Anchor),
    Periodic(Str),
}

/// The operators are part of the model (conditions keep them); the syntax tree uses the same ones.
pub(crate) use crate::model::{Anchor, CmpOp, HasOp, SetField};

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Or(Vec<Expr>, Span),
    And(Vec<Expr>, Span),
    Not(Box<Expr>, Span),
    Cmp {
        lhs: Value,
        op: CmpOp,
        rhs: Value,
        span: Span,
    },
    In {
        value: Value,
        negated: bool,
        list: Vec<Literal>,
        span: Span,
    },
    Has {
        field: SetField,
        op: HasOp,
        items: Vec<Ident>,
        span: Span,
    },
    Bare(Value),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Or(_, s) | Expr::And(_, s) | Expr::Not(_, s) => *s,
            Expr::Cmp { span, .. } | Expr::In { span, .. } | Expr::Has { span, .. } => *span,
            Expr::Bare(v) => v.span,
        }
    }
}

/// An operand, optionally plus or minus an integer (`fiscal_year + 2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    pub operand: Operand,
    pub offset: i64,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Literal(Literal),
    /// `amount_usd`, `partner.nato`, `fact.excess_articles`: one or more dotted names.
    Path(Vec<Ident>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Literal {
    pub kind: LitKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum LitKind {
    Usd(u64),
    Months(u32),
    Days(u32),
    Date(Date),
    Int(i64),
    Bool(bool),
    Str(String),
    /// A bare word: an enum value (`NationalMilitary`) or an id (`counterterrorism`).
    Word(String),
}
