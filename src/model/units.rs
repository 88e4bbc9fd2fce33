//! Units with one home each: dollars (`Usd`) and the U.S. federal fiscal year (`FiscalYear`).

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whole U.S. dollars. Never floating point; sums use `checked_add`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(transparent)]
pub struct Usd(pub u64);

impl fmt::Display for Usd {
    /// `$100,000,000`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        write!(f, "${out}")
    }
}

/// A U.S. federal fiscal year: FY N runs from 1 October of N-1 to 30 September of N. This is the
/// only place that rule is written; everything else asks a `FiscalYear`. Serialized as the bare
/// year number (`2027`); displayed as `FY2027`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FiscalYear(i16);

impl FiscalYear {
    /// The fiscal year numbered `year` (FY2027 is `FiscalYear::new(2027)`).
    pub const fn new(year: i16) -> FiscalYear {
        FiscalYear(year)
    }

    /// The fiscal year a date falls in.
    pub fn of(date: Date) -> FiscalYear {
        if date.month() >= 10 {
            FiscalYear(date.year() + 1)
        } else {
            FiscalYear(date.year())
        }
    }

    /// The year number (`2027` for FY2027).
    pub const fn year(self) -> i16 {
        self.0
    }

    /// 1 October of the previous calendar year; `None` outside the calendar.
    pub fn first_day(self) -> Option<Date> {
        Date::new(self.0.checked_sub(1)?, 10, 1).ok()
    }

    /// 30 September; `None` outside the calendar.
    pub fn last_day(self) -> Option<Date> {
        Date::new(self.0, 9, 30).ok()
    }

    /// The fiscal year after this one.
    pub const fn next(self) -> FiscalYear {
        FiscalYear(self.0.saturating_add(1))
    }
}

impl fmt::Display for FiscalYear {
    /// `FY2027`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FY{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn fiscal_year_starts_first_of_october() {
        assert_eq!(FiscalYear::of(date(2026, 9, 30)), FiscalYear::new(2026));
        assert_eq!(FiscalYear::of(date(2026, 10, 1)), FiscalYear::new(2027));
        assert_eq!(FiscalYear::of(date(2027, 3, 1)), FiscalYear::new(2027));
        let fy = FiscalYear::new(2027);
        assert_eq!(fy.first_day(), Some(date(2026, 10, 1)));
        assert_eq!(fy.last_day(), Some(date(2027, 9, 30)));
        assert_eq!(fy.next().first_day(), Some(date(2027, 10, 1)));
        assert_eq!(fy.to_string(), "FY2027");
        assert_eq!(serde_json::to_string(&fy).ok().as_deref(), Some("2027"));
    }

    #[test]
    fn every_day_lies_in_its_fiscal_year() {
        let mut d = date(2019, 1, 1);
        while d < date(2031, 1, 1) {
            let fy = FiscalYear::of(d);
            assert!(fy.first_day().is_some_and(|f| f <= d), "{d} before {fy}");
            assert!(fy.last_day().is_some_and(|l| d <= l), "{d} after {fy}");
            d = d.tomorrow().expect("calendar");
        }
    }
}
