//! Proposals and ledgers in RON, exactly per `../shared/spec/proposal.md`: strict (unknown fields
//! are errors with a position), money in whole dollars, dates as calendar dates.

use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::{FactDecl, FiscalYear, Funding, LeahyStatus, RecipientKind, Type, Usd, Val};
use jiff::civil::Date;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// One proposed activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Proposal")]
pub struct Proposal {
    pub id: String,
    pub title: String,
    pub partner: String,
    pub recipient: RecipientKind,
    pub purposes: Vec<String>,
    pub activities: Vec<String>,
    pub amount_usd: u64,
    pub start: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leahy: Option<LeahyStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major_defense_equipment_usd: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, FactValue>,
}

/// A value in `facts: {...}`: bool, integer, or string (dates are strings until a rule reads them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Int(i128),
    Str(String),
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Int(i) => write!(f, "{i}"),
            FactValue::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

impl<'de> Deserialize<'de> for FactValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FactValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a bool, an integer or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FactValue, E> {
                Ok(FactValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FactValue, E> {
                Ok(FactValue::Int(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FactValue, E> {
                Ok(FactValue::Int(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FactValue, E> {
                Ok(FactValue::Str(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FactValue, E> {
                Ok(FactValue::Str(v))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<FactValue, D2::Error> {
                FactValue::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

/// A proposal or ledger that could not be read, with a 1-based position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct InputError {
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
}

impl InputError {
    pub fn to_diagnostic(&self, file: &str, text: &str) -> Diagnostic {
        let d = Diagnostic::at_line_col(file, text, self.line, self.column, "E0201", &self.message);
        match &self.help {
            Some(h) => d.with_help(h.clone()),
            None => d,
        }
    }
}

fn ron_options() -> ron::Options {
    // Plain values for optional fields must work without an `#![enable(implicit_some)]` header.
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn ron_error(e: ron::error::SpannedError, expected_fields: &[&str]) -> InputError {
    let help = match &e.code {
        ron::Error::NoSuchStructField {
            found, expected, ..
        } => {
            let known = if expected.is_empty() {
                expected_fields
            } else {
                expected
            };
            did_you_mean(found, known.iter().copied()).map(|s| format!("did you mean `{s}`?"))
        }
        _ => None,
    };
    let message = match &e.code {
        ron::Error::NoSuchStructField { found, .. } => format!("unknown field `{found}`"),
        ron::Error::MissingStructField { field, .. } => format!("missing required field `{field}`"),
        other => other.to_string(),
    };
    InputError {
        line: e.span.start.line,
        column: e.span.start.col,
        message,
        help,
    }
}

const PROPOSAL_FIELDS: [&str; 14] = [
    "id",
    "title",
    "partner",
    "recipient",
    "purposes",
    "activities",
    "amount_usd",
    "start",
    "duration_months",
    "funding",
    "leahy",
    "major_defense_equipment_usd",
    "emergency",
    "facts",
];

impl Proposal {
    /// Parses one proposal. Checks syntax, field names and types; ids are checked against a rule
    /// base by `RuleBase::read_proposal`.
    pub fn from_ron(text: &str) -> Result<Proposal, InputError> {
        let p: Proposal = ron_options()
            .from_str(text)
            .map_err(|e| ron_error(e, &PROPOSAL_FIELDS))?;
        let at = |field: &str| locate(text, field, None);
        if p.id.trim().is_empty() {
            return Err(at("id").error("`id` must not be empty"));
        }
        if p.purposes.is_empty() {
            return Err(at("purposes").error("`purposes` needs at least one purpose"));
        }
        if p.activities.is_empty() {
            return Err(at("activities").error("`activities` needs at least one activity"));
        }
        Ok(p)
    }

    pub fn fiscal_year(&self) -> FiscalYear {
        FiscalYear::of(self.start)
    }

    /// The last day of the activity (start + duration - 1 day), if the duration is given.
    pub fn end(&self) -> Option<Date> {
        // The last day of the activity: a 36-month program from 1 October 2026 ends 30 September
        // 2029, not 1 October (which would put it in the next fiscal year).
        let months = i64::from(self.duration_months?);
        let after = self
            .start
            .checked_add(jiff::Span::new().try_months(months).ok()?)
            .ok()?;
        if months == 0 {
            Some(self.start)
        } else {
            after.yesterday().ok()
        }
    }

    pub fn amount(&self) -> Usd {
        Usd(self.amount_usd)
    }

    /// A named fact as a typed value, or `None` when absent or not convertible.
    pub fn fact(&self, decl: &FactDecl) -> Option<Val> {
        match self.facts.get(&decl.id) {
            Some(v) => fact_as(v, decl.ty),
            None => decl.default.clone(),
        }
    }
}

/// Converts a fact value to a declared type.
pub fn fact_as(v: &FactValue, ty: Type) -> Option<Val> {
    match (v, ty) {
        (FactValue::Bool(b), Type::Bool) => Some(Val::Bool(*b)),
        (FactValue::Int(i), Type::Usd) => u64::try_from(*i).ok().map(|u| Val::Usd(Usd(u))),
        (FactValue::Int(i), Type::Int) => i64::try_from(*i).ok().map(Val::Int),
        (FactValue::Int(i), Type::Months) => u32::try_from(*i).ok().map(Val::Months),
        (FactValue::Int(i), Type::Days) => u32::try_from(*i).ok().map(Val::Days),
        (FactValue::Str(s), Type::Date) => s.parse::<Date>().ok().map(Val::Date),
        (FactValue::Str(s), Type::Str) => Some(Val::Str(s.clone())),
        _ => None,
    }
}

/// Where a field (or a string value inside it) is written, for error positions. RON gives no
/// spans for values, so this searches the text: good enough to point at the offending line.
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn error(&self, message: impl Into<String>) -> InputError {
        InputError {
            line: self.line,
            column: self.column,
            message: message.into(),
            help: None,
        }
    }
}

pub fn locate(text: &str, field: &str, value: Option<&str>) -> Location {
    let key = find_key(text, field);
    let offset = match (key, value) {
        (Some(k), Some(v)) => {
            let quoted = format!("\"{v}\"");
            text.get(k..)
                .and_then(|rest| rest.find(&quoted))
                .map(|i| k + i)
                .or(Some(k))
        }
        (k, _) => k,
    };
    let (line, column) = crate::diagnostic::line_col(text, offset.unwrap_or(0));
    Location { line, column }
}

/// Byte offset of `field:` as a key (not inside a string or comment, roughly).
fn find_key(text: &str, field: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(i) = text.get(search..).and_then(|t| t.find(field)) {
        let at = search + i;
        let before_ok = at == 0
            || !text
                .as_bytes()
                .get(at - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'"');
        let after = text.get(at + field.len()..).unwrap_or("").trim_start();
        if before_ok && after.starts_with(':') {
            return Some(at);
        }
        search = at + field.len();
    }
    None
}

/// Amounts already committed against per-fiscal-year ceilings (`--ledger FILE`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Ledger")]
pub struct Ledger {
    pub entries: Vec<LedgerEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    pub authority: String,
    pub fiscal_year: FiscalYear,
    pub amount_usd: u64,
    #[serde(default)]
    pub reference: String,
    /// A sub-cap this entry also counts against (e.g. `counternarcotics` within 506(a)(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<String>,
}

impl Ledger {
    pub fn from_ron(text: &str) -> Result<Ledger, InputError> {
        ron_options().from_str(text).map_err(|e| {
            ron_error(
                e,
                &[
                    "entries",
                    "authority",
                    "fiscal_year",
                    "amount_usd",
                    "reference",
                    "ceiling",
                ],
            )
        })
    }

    /// Dollars committed against one ceiling of an authority in `fy` (see
    /// `Authority::ceiling_counts` for which entries count). `None` on overflow.
    pub fn committed_against(
        &self,
        a: &crate::model::Authority,
        fy: FiscalYear,
        ceiling: &str,
    ) -> Option<Usd> {
        let mut total = 0u64;
        for e in &self.entries {
            if e.authority == a.id
                && e.fiscal_year == fy
                && a.ceiling_counts(ceiling, e.ceiling.as_deref())
            {
                total = total.checked_add(e.amount_usd)?;
            }
        }
        Some(Usd(total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"Proposal(
    id: "LBN-27-CT-01",
    title: "Train and equip",
    partner: "Lebanon",
    recipient: NationalMilitary,
    purposes: ["counterterrorism"],
    activities: ["training", "equipment"],
    amount_usd: 30000000,
    start: "2027-03-01",
    duration_months: 24,
    funding: DoD,
    leahy: Passed,
    major_defense_equipment_usd: 0,
    emergency: false,
    facts: {"excess_articles": false, "original_acquisition_cost_usd": 7000000, "when": "2027-01-01"},
)"#;

    #[test]
    fn reads_the_contract_example() {
        let p = Proposal::from_ron(GOOD).expect("valid");
        assert_eq!(p.amount_usd, 30_000_000);
        assert_eq!(p.duration_months, Some(24));
        assert_eq!(p.fiscal_year(), FiscalYear::new(2027));
        assert_eq!(p.end(), Some(jiff::civil::date(2029, 2, 28)));
        let fy_start = Proposal {
            start: jiff::civil::date(2026, 10, 1),
            duration_months: Some(36),
            ..p.clone()
        };
        assert_eq!(fy_start.end(), Some(jiff::civil::date(2029, 9, 30)));
        assert_eq!(
            p.facts.get("original_acquisition_cost_usd"),
            Some(&FactValue::Int(7_000_000))
        );
    }

    #[test]
    fn optional_fields_accept_some_and_none() {
        let text = GOOD
            .replace("duration_months: 24", "duration_months: Some(24)")
            .replace("funding: DoD", "funding: None");
        let p = Proposal::from_ron(&text).expect("valid");
        assert_eq!(p.duration_months, Some(24));
        assert_eq!(p.funding, None);
    }

    #[test]
    fn misspelled_field_has_position_and_hint() {
        let text = GOOD.replace("amount_usd: 3", "amout_usd: 3");
        let e = Proposal::from_ron(&text).expect_err("typo");
        assert_eq!((e.line, e.column), (8, 5), "{e}");
        assert!(e.message.contains("amout_usd"));
        assert_eq!(e.help.as_deref(), Some("did you mean `amount_usd`?"));
    }

    #[test]
    fn wrong_type_and_bad_date_are_errors() {
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "\"lots\"")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("2027-03-01", "2027-02-30")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "-5")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "3.5")).is_err());
    }

    #[test]
    fn ledger_sums_by_authority_year_and_ceiling() {
        let rules = crate::rulebase::RuleBase::from_files(&[crate::rulebase::SourceFile {
            name: "r.auth".into(),
            text: r#"purpose p "p"
activity x "x"
authority d { name "D" citation "D"
    ceiling total: $200M per fiscal_year cite "D"
    ceiling cn: $75M per fiscal_year within total cite "D"
    ceiling other: $25M per fiscal_year cite "D" }"#
                .into(),
        }])
        .expect("rules");
        let a = rules.authority("d").expect("d");
        let l = Ledger::from_ron(
            r#"Ledger(entries: [
                (authority: "d", fiscal_year: 2027, amount_usd: 50, reference: "a", ceiling: "cn"),
                (authority: "d", fiscal_year: 2027, amount_usd: 7, reference: "b"),
                (authority: "d", fiscal_year: 2027, amount_usd: 3, reference: "c", ceiling: "other"),
                (authority: "d", fiscal_year: 2026, amount_usd: 1000, reference: "d"),
                (authority: "e", fiscal_year: 2027, amount_usd: 1000, reference: "e"),
            ])"#,
        )
        .expect("ledger");
        // The sub-cap's entry counts against its parent too; the named separate cap only against itself.
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "total"),
            Some(Usd(57))
        );
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "cn"),
            Some(Usd(50))
        );
        // An entry naming no ceiling counts against every top-level one.
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "other"),
            Some(Usd(10))
        );
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2028), "total"),
            Some(Usd(0))
        );
    }
}
