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
        f.write_str(self.text().as_str())
    }
}

impl Usd {
    /// `$100,000,000`, written on the stack (no allocation: amounts are written by the thousand
    /// in a full report).
    pub fn text(self) -> UsdText {
        let mut t = UsdText {
            buf: [0; UsdText::MAX],
            start: UsdText::MAX,
        };
        let (mut n, mut digits) = (self.0, 0);
        loop {
            if digits > 0 && digits % 3 == 0 {
                t.put(b',');
            }
            // `n % 10` is a digit: it fits in a byte.
            t.put(b'0' + (n % 10) as u8);
            digits += 1;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        t.put(b'$');
        t
    }
}

/// A dollar amount as text (`Usd::text`).
pub struct UsdText {
    buf: [u8; UsdText::MAX],
    start: usize,
}

impl UsdText {
    /// `$` and the 20 digits of `u64::MAX` with their 6 commas.
    const MAX: usize = 27;

    pub fn as_str(&self) -> &str {
        let bytes = self.buf.get(self.start..).unwrap_or_default();
        std::str::from_utf8(bytes).unwrap_or_default()
    }

    /// One byte before the others (the buffer is filled from its end).
    fn put(&mut self, b: u8) {
        self.start = self.start.saturating_sub(1);
        if let Some(x) = self.buf.get_mut(self.start) {
            *x = b;
        }
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
    fn dollars_are_written_with_commas_every_three_digits() {
        for (n, want) in [
            (0, "$0"),
            (7, "$7"),
            (999, "$999"),
            (1_000, "$1,000"),
            (30_000_000, "$30,000,000"),
            (123_456_789_012, "$123,456,789,012"),
            (u64::MAX, "$18,446,744,073,709,551,615"),
        ] {
            assert_eq!(Usd(n).to_string(), want);
        }
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
