//! Values that change over time: a `value` declaration's dated history, each entry with its own
//! citation (OpenFisca's dated parameters are the model), and the lookup of the entry in force.
//!
//! Which date picks the entry: a history keyed by fiscal years (`from FY1997`) is read for the
//! proposal's fiscal year (the year of its start); a history keyed by dates (`from 2016-12-23`) is
//! read for the law date (`--as-of`, else the proposal's start), the same date that decides which
//! authorities are in force. Outside every entry the value is unknown, never guessed.

use crate::model::text::Text;
use crate::model::{FiscalYear, Type, Usd, Val};
use jiff::civil::Date;
use serde::{Serialize, Serializer};
use std::fmt;
use std::sync::Arc;

/// Where an entry starts or ends: a calendar date or a whole fiscal year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Key {
    Date(Date),
    FiscalYear(FiscalYear),
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Date(d) => write!(f, "{d}"),
            Key::FiscalYear(y) => write!(f, "{y}"),
        }
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One value of a history: in force from `from` to `to` (inclusive: the last day or fiscal year),
/// or without `to` until the next entry starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub from: Key,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<Key>,
    pub value: Val,
    pub citation: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unconfirmed: Option<Text>,
}

impl Entry {
    /// `from FY1997`, `2016-12-23 to 2019-12-19`.
    pub fn period(&self) -> String {
        match &self.to {
            Some(to) => format!("{} to {to}", self.from),
            None => format!("from {}", self.from),
        }
    }
}

/// A checked `value` declaration: entries sorted by start, not overlapping, all of its type and
/// all keyed the same way (dates or fiscal years).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Param {
    pub id: Text,
    #[serde(rename = "type")]
    pub ty: Type,
    pub meaning: Text,
    pub entries: Vec<Entry>,
    /// `value.ID`: its name where it is missing (a date outside every entry).
    #[serde(skip)]
    pub key: Text,
}

impl Param {
    /// Is this history read by fiscal year (else by the law date)?
    pub fn by_fiscal_year(&self) -> bool {
        matches!(
            self.entries.first().map(|e| e.from),
            Some(Key::FiscalYear(_))
        )
    }

    /// The entry in force on `law_date` (date-keyed) or in `fy` (fiscal-year-keyed); `None`
    /// before the first entry, after a last entry that ends, or in a gap between entries.
    pub fn in_force(&self, law_date: Date, fy: FiscalYear) -> Option<&Entry> {
        let at = if self.by_fiscal_year() {
            Key::FiscalYear(fy)
        } else {
            Key::Date(law_date)
        };
        let i = self.entries.partition_point(|e| e.from <= at);
        let e = self.entries.get(i.checked_sub(1)?)?;
        match e.to {
            Some(to) if at > to => None,
            _ => Some(e),
        }
    }

    /// The sentence that says which entry applied and which act set it: `value.X = $1.5M from
    /// 2021-01-01 (cite)`, or that no entry covers the date.
    pub fn in_force_text(&self, law_date: Date, fy: FiscalYear) -> String {
        let when = if self.by_fiscal_year() {
            fy.to_string()
        } else {
            law_date.to_string()
        };
        match self.in_force(law_date, fy) {
            Some(e) => format!(
                "{} in {when} is {} (in force {}, set by {})",
                self.key,
                e.value,
                e.period(),
                e.citation
            ),
            None => format!("{} has no recorded value for {when}", self.key),
        }
    }
}

/// A shared, checked history: rules that read the same value share one copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueRef(pub Arc<Param>);

impl std::ops::Deref for ValueRef {
    type Target = Param;
    fn deref(&self) -> &Param {
        &self.0
    }
}

impl Serialize for ValueRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// A ceiling's limit: a fixed amount, or a value whose history says the amount for each year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Limit {
    Fixed(Usd),
    Dated(ValueRef),
}

impl Limit {
    /// The amount in force, `None` when the history has none for this date or year.
    pub fn at(&self, law_date: Date, fy: FiscalYear) -> Option<Usd> {
        match self {
            Limit::Fixed(u) => Some(*u),
            Limit::Dated(p) => match p.in_force(law_date, fy)?.value {
                Val::Usd(u) => Some(u),
                _ => None,
            },
        }
    }

    /// The history, if the limit has one.
    pub fn history(&self) -> Option<&ValueRef> {
        match self {
            Limit::Fixed(_) => None,
            Limit::Dated(p) => Some(p),
        }
    }

    /// Every amount the limit ever takes (one for a fixed limit).
    pub fn amounts(&self) -> Vec<Usd> {
        match self {
            Limit::Fixed(u) => vec![*u],
            Limit::Dated(p) => p
                .entries
                .iter()
                .filter_map(|e| match e.value {
                    Val::Usd(u) => Some(u),
                    _ => None,
                })
                .collect(),
        }
    }
}

impl fmt::Display for Limit {
    /// `$100,000,000`, or `value.drawdown_506a1` for a limit with a history.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Limit::Fixed(u) => write!(f, "{u}"),
            Limit::Dated(p) => write!(f, "{}", p.key),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn entry(from: Key, to: Option<Key>, v: u64, cite: &str) -> Entry {
        Entry {
            from,
            to,
            value: Val::Usd(Usd(v)),
            citation: Text::from(cite),
            unconfirmed: None,
        }
    }

    fn param(entries: Vec<Entry>) -> Param {
        Param {
            id: Text::from("x"),
            ty: Type::Usd,
            meaning: Text::from("x"),
            entries,
            key: Text::from("value.x"),
        }
    }

    #[test]
    fn a_dated_history_is_read_on_the_law_date() {
        let p = param(vec![
            entry(Key::Date(date(2016, 12, 23)), None, 750_000, "a"),
            entry(Key::Date(date(2021, 1, 1)), None, 1_500_000, "b"),
        ]);
        let fy = FiscalYear::new(2030);
        assert!(p.in_force(date(2016, 12, 22), fy).is_none());
        let cite = |d| p.in_force(d, fy).map(|e| e.citation.to_string());
        assert_eq!(cite(date(2016, 12, 23)).as_deref(), Some("a"));
        assert_eq!(cite(date(2020, 12, 31)).as_deref(), Some("a"));
        assert_eq!(cite(date(2021, 1, 1)).as_deref(), Some("b"));
        assert_eq!(cite(date(2099, 1, 1)).as_deref(), Some("b"));
    }

    #[test]
    fn a_fiscal_year_history_is_read_for_the_proposals_fiscal_year_with_its_gaps() {
        let fy = |y| Key::FiscalYear(FiscalYear::new(y));
        let p = param(vec![
            entry(fy(1997), Some(fy(2015)), 500, "a"),
            entry(fy(2016), Some(fy(2016)), 900, "b"),
            entry(fy(2018), None, 700, "c"),
        ]);
        let d = date(1990, 1, 1); // the law date does not matter
        let at = |y| Limit::Dated(ValueRef(Arc::new(p.clone()))).at(d, FiscalYear::new(y));
        assert_eq!(at(1996), None);
        assert_eq!(at(1997), Some(Usd(500)));
        assert_eq!(at(2015), Some(Usd(500)));
        assert_eq!(at(2016), Some(Usd(900)));
        assert_eq!(at(2017), None, "a gap is unknown, not the previous value");
        assert_eq!(at(2018), Some(Usd(700)));
        assert!(p
            .in_force_text(d, FiscalYear::new(2017))
            .contains("no recorded value for FY2017"));
        assert!(p
            .in_force_text(d, FiscalYear::new(2016))
            .contains("set by b"));
    }
}
