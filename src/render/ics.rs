//! iCalendar (RFC 5545): a plan's timeline as a calendar Outlook and Google Calendar open. One
//! all-day event per duty of the best plan (`DTSTART;VALUE=DATE`), the citation in its
//! `DESCRIPTION`. Lines end in CRLF and are folded at 75 octets (never inside a UTF-8 character);
//! text values escape `\`, `;`, `,` and line breaks; every event has a stable `UID` (a digest of the
//! proposal, part, duty and position, so a re-import updates rather than duplicates) and the
//! `DTSTAMP` the caller gives (the command passes `--today` or the clock: rendering reads no clock).
//! Rendering only: nothing is decided here.

use crate::input::digest::sha256_json;
use crate::plan::{Plan, TimelineEntry};
use jiff::civil::Date;
use jiff::Timestamp;

/// The calendar of the best plan's timeline; a calendar with no events when there is no plan.
pub fn plan(p: &Plan, dtstamp: Timestamp) -> String {
    let mut out = String::new();
    let stamp = dtstamp.strftime("%Y%m%dT%H%M%SZ").to_string();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//authsel//program plan//EN");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(
        &mut out,
        &format!(
            "X-WR-CALNAME:{}",
            text(&format!("{}: {}", p.proposal, p.title))
        ),
    );
    if let Some(best) = p.best() {
        let start = best
            .parts
            .first()
            .map_or(p.today.unwrap_or(Date::MIN), |x| x.proposal.start);
        for (i, e) in best.timeline.entries.iter().enumerate() {
            event(&mut out, p, i, e, &stamp, start);
        }
    }
    line(&mut out, "END:VCALENDAR");
    out
}

fn event(out: &mut String, p: &Plan, i: usize, e: &TimelineEntry, stamp: &str, start: Date) {
    let uid = sha256_json(&(&p.proposal, e.part, &e.authority, &e.kind, i));
    let day = e.due.unwrap_or(start);
    let next = day.tomorrow().unwrap_or(day);
    let mut summary = format!(
        "{}: {} (part {}, {})",
        p.proposal,
        e.kind.replace('_', " "),
        e.part,
        e.authority
    );
    if e.overdue {
        summary.insert_str(0, "OVERDUE ");
    }
    let mut description = format!("{}\nCitation: {}", e.message, e.citation);
    if let Some(to) = &e.to {
        description.push_str(&format!("\nTo: {to}"));
    }
    if e.due.is_none() {
        description
            .push_str("\nNo deadline can be computed from the calendar: shown on the start date.");
    }
    if let (Some(_), Some(own), Some(due)) = (&e.before, e.deadline, e.due) {
        if own != due {
            description.push_str(&format!(
                "\nDue before the congressional notice that relies on it (its own deadline: {own})."
            ));
        }
    }
    if e.kept {
        description.push_str("\nKept: the parts of the plan together cross its threshold.");
    }
    if e.status != "required" {
        description.push_str(&format!("\nStatus: {}", e.status));
    }
    line(out, "BEGIN:VEVENT");
    line(
        out,
        &format!("UID:{}@authsel", uid.get(..32).unwrap_or(&uid)),
    );
    line(out, &format!("DTSTAMP:{stamp}"));
    line(
        out,
        &format!("DTSTART;VALUE=DATE:{}", day.strftime("%Y%m%d")),
    );
    line(
        out,
        &format!("DTEND;VALUE=DATE:{}", next.strftime("%Y%m%d")),
    );
    line(out, &format!("SUMMARY:{}", text(&summary)));
    line(out, &format!("DESCRIPTION:{}", text(&description)));
    line(out, "TRANSP:TRANSPARENT");
    line(out, "END:VEVENT");
}

/// A TEXT value (RFC 5545 § 3.3.11): `\`, `;`, `,` escaped, a line break as `\n`, other control
/// characters dropped.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// One content line, folded (RFC 5545 § 3.1): at most 75 octets a line, a continuation starting with
/// one space, never splitting a UTF-8 character; CRLF after each.
fn line(out: &mut String, content: &str) {
    let mut used = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if used + len > 75 {
            out.push_str("\r\n ");
            used = 1;
        }
        out.push(c);
        used += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(text("a,b;c\\d\ne\u{1b}"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn lines_fold_at_75_octets_without_splitting_a_character() {
        let mut out = String::new();
        let long = "é".repeat(100);
        line(&mut out, &format!("DESCRIPTION:{long}"));
        for l in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(l.len() <= 75, "{} octets: {l}", l.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded, format!("DESCRIPTION:{long}\r\n"));
        let mut short = String::new();
        line(&mut short, "VERSION:2.0");
        assert_eq!(short, "VERSION:2.0\r\n");
    }
}
