//! What an input value may be: the bounds on money, durations and dates (each one is what the law
//! and the calendar can mean, with room to spare), the one accepted date form, and the text
//! normalization done before parsing (byte-order mark, line endings). `docs/proposal.md`,
//! section "Limits", lists them all.

use crate::model::{FiscalYear, Usd};
use jiff::civil::Date;
use std::borrow::Cow;

/// The largest dollar amount an input may give: $10 trillion, above any U.S. federal budget (about
/// $7 trillion in FY2025), so no real activity, fact or commitment is near it, and sums of
/// thousands of them stay far inside `u64`.
pub const MAX_USD: u64 = 10_000_000_000_000;

/// The longest duration: 1,200 months (100 years). No security-cooperation authority runs
/// anything longer, and every end date of an activity starting by `LAST_DATE` stays a real date.
pub const MAX_MONTHS: u64 = 1_200;

/// The longest span in days a fact may give: 100 years.
pub const MAX_DAYS: u64 = 36_525;

/// The earliest date an input may give: 1 January 1945 (before every authority in the catalogue).
pub const FIRST_DATE: Date = Date::constant(1945, 1, 1);

/// The latest date an input may give: 31 December 2200.
pub const LAST_DATE: Date = Date::constant(2200, 12, 31);

/// The fiscal years of `FIRST_DATE` and `LAST_DATE`: the range a ledger entry may charge.
pub fn fiscal_years() -> (i16, i16) {
    (
        FiscalYear::of(FIRST_DATE).year(),
        FiscalYear::of(LAST_DATE).year(),
    )
}

/// Why a date string is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    /// Not written `YYYY-MM-DD` (a time of day, a time zone, single digits, ...).
    Form(String),
    /// Written right, but no such day (`2027-02-30`): the calendar's message.
    Invalid(String),
    /// A real day outside `FIRST_DATE..=LAST_DATE`.
    Range(Date),
}

impl DateError {
    /// The error's code and message, for a value named `what` (`` `start` ``, `` fact `x` ``).
    pub fn describe(&self, what: &str, value: &str) -> (&'static str, String) {
        let value = crate::diagnostic::quote(value);
        match self {
            DateError::Form(why) => ("E0213", format!("{what} \"{value}\" {why}")),
            DateError::Invalid(why) => ("E0201", why.clone()),
            DateError::Range(d) => (
                "E0211",
                format!(
                    "{what} {d} is outside the dates authsel accepts ({FIRST_DATE} to {LAST_DATE})"
                ),
            ),
        }
    }
}

/// A calendar date written exactly `YYYY-MM-DD`, between `FIRST_DATE` and `LAST_DATE`. A time of
/// day is refused, not dropped: "2027-03-01T23:00" might mean another day somewhere else.
pub fn parse_date(s: &str) -> Result<Date, DateError> {
    let shaped = |t: &str| {
        t.len() == 10
            && t.bytes().enumerate().all(|(i, c)| match i {
                4 | 7 => c == b'-',
                _ => c.is_ascii_digit(),
            })
    };
    if !shaped(s) {
        let dated = s.get(..10).is_some_and(shaped);
        let why = if dated && s.len() > 10 {
            "has a time of day (or more) after the date: write the date alone, as YYYY-MM-DD"
        } else {
            "is not a date written YYYY-MM-DD (for example \"2027-03-01\")"
        };
        return Err(DateError::Form(why.to_string()));
    }
    let d: Date = s
        .parse()
        .map_err(|e: jiff::Error| DateError::Invalid(e.to_string()))?;
    if d < FIRST_DATE || d > LAST_DATE {
        return Err(DateError::Range(d));
    }
    Ok(d)
}

/// The dollar limit in words, for messages.
pub fn max_usd_words() -> String {
    format!(
        "{} ($10 trillion, above any U.S. federal budget)",
        Usd(MAX_USD)
    )
}

/// The text as the parser reads it: a leading UTF-8 byte-order mark removed (editors on Windows
/// write one; it is not part of the text), and a lone carriage return (an old Mac line ending)
/// made a line feed, so that a `//` comment ends at the end of its line as the writer sees it.
/// Positions are those of the returned text: the same lines and columns an editor shows.
pub fn normalize(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bytes = text.as_bytes();
    let lone_cr = |i: usize| bytes.get(i) == Some(&b'\r') && bytes.get(i + 1) != Some(&b'\n');
    // `contains` finds a byte with memchr: most texts have no `\r` at all.
    if !text.contains('\r') || !(0..bytes.len()).any(lone_cr) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('\r') {
        let (head, tail) = rest.split_at(i);
        out.push_str(head);
        let tail = tail.get(1..).unwrap_or("");
        out.push(if tail.starts_with('\n') { '\r' } else { '\n' });
        rest = tail;
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_yyyy_mm_dd_in_range() {
        assert_eq!(parse_date("2027-03-01"), Ok(jiff::civil::date(2027, 3, 1)));
        assert_eq!(parse_date("1945-01-01"), Ok(FIRST_DATE));
        assert_eq!(parse_date("2200-12-31"), Ok(LAST_DATE));
        for time in [
            "2027-03-01T00:00",
            "2027-03-01 10:00",
            "2027-03-01T00:00:00Z",
        ] {
            match parse_date(time) {
                Err(DateError::Form(why)) => assert!(why.contains("time of day"), "{why}"),
                other => panic!("{time}: {other:?}"),
            }
        }
        assert!(matches!(parse_date("2027-3-1"), Err(DateError::Form(_))));
        assert!(matches!(
            parse_date("+002027-03-01"),
            Err(DateError::Form(_))
        ));
        assert!(matches!(
            parse_date("2027-02-30"),
            Err(DateError::Invalid(_))
        ));
        assert!(matches!(parse_date("1944-12-31"), Err(DateError::Range(_))));
        assert!(matches!(parse_date("2201-01-01"), Err(DateError::Range(_))));
        assert_eq!(fiscal_years(), (1945, 2201));
    }

    #[test]
    fn normalize_strips_the_bom_and_ends_lone_cr_lines() {
        assert_eq!(normalize("\u{feff}(a: 1)"), "(a: 1)");
        assert_eq!(normalize("a\rb\r\nc\r"), "a\nb\r\nc\n");
        assert!(matches!(normalize("a\r\nb\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn the_latest_start_and_longest_duration_still_end_on_a_real_day() {
        let months = i64::try_from(MAX_MONTHS).expect("small");
        let end = LAST_DATE.checked_add(jiff::Span::new().months(months));
        assert!(end.is_ok());
    }
}
