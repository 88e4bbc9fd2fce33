//! One timeline for a plan: every duty of every part merged and sorted by when it is due, with the
//! part and authority it comes from, the addressee and the citation. A concurrence, certification,
//! approval, consultation or determination is due no later than the congressional notice of the
//! same part that relies on it; with `--today`, a duty due before it is overdue, and the earliest
//! feasible start is the proposal's start moved later by the longest overdue lead.

use super::Part;
use crate::engine::assess::Obligation;
use crate::model::ObligationKind;
use jiff::civil::Date;
use jiff::ToSpan;
use serde::Serialize;

/// The duties of a plan, soonest first (undated ones last).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub entries: Vec<TimelineEntry>,
}

/// One duty on the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// The part it comes from (1-based) and that part's authority.
    pub part: usize,
    pub authority: String,
    pub kind: String,
    /// When it is due: its own deadline, or earlier when a notice of the same part relies on it.
    pub due: Option<Date>,
    /// Its own deadline, as the engine computed it.
    pub deadline: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub citation: String,
    pub message: String,
    /// `required`, or `possible` when it depends on a missing fact.
    pub status: String,
    /// The notice it must precede (`congressional_notification`), when that moved it earlier or
    /// ties with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
    /// Kept because the parts together cross the threshold that triggers it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
    /// With `--today`: due before today.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub overdue: bool,
}

/// The paperwork a plan costs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Paperwork {
    pub notices: usize,
    pub certifications: usize,
    pub concurrences: usize,
    pub vettings: usize,
    /// Determinations, approvals, consultations, reports.
    pub other: usize,
    /// The distinct committees (and other addressees) notified.
    pub committees: Vec<String>,
}

const NOTICE: &str = "congressional_notification";

/// The kinds that must come before a notice of the same part.
fn precedes_notice(kind: &str) -> bool {
    [
        ObligationKind::StateConcurrence,
        ObligationKind::Certification,
        ObligationKind::Approval,
        ObligationKind::Consultation,
        ObligationKind::PresidentialDetermination,
    ]
    .iter()
    .any(|k| k.name() == kind)
}

impl Paperwork {
    pub fn of<'o>(obligations: impl IntoIterator<Item = &'o Obligation>) -> Paperwork {
        let mut p = Paperwork::default();
        for o in obligations {
            match &*o.kind {
                NOTICE => {
                    p.notices += 1;
                    for c in o.to.iter().flat_map(|t| t.split(',')) {
                        let c = c.trim().to_string();
                        if !c.is_empty() && !p.committees.contains(&c) {
                            p.committees.push(c);
                        }
                    }
                }
                "certification" => p.certifications += 1,
                "state_concurrence" => p.concurrences += 1,
                "leahy_vetting" => p.vettings += 1,
                _ => p.other += 1,
            }
        }
        p.committees.sort();
        p
    }

    /// What the ranking counts: notices, certifications, concurrences and vettings.
    pub fn total(&self) -> usize {
        self.notices + self.certifications + self.concurrences + self.vettings
    }
}

impl Timeline {
    pub fn of(parts: &[Part], today: Option<Date>) -> Timeline {
        let mut entries = Vec::new();
        for part in parts {
            let notice = part
                .obligations
                .iter()
                .chain(&part.kept)
                .filter(|o| &*o.kind == NOTICE)
                .filter_map(|o| o.deadline)
                .min();
            let all = part.obligations.iter().map(|o| (o, false));
            for (o, kept) in all.chain(part.kept.iter().map(|o| (o, true))) {
                let relies = precedes_notice(&o.kind) && notice.is_some();
                let due = match (o.deadline, notice) {
                    (Some(d), Some(n)) if relies => Some(d.min(n)),
                    (None, Some(n)) if relies => Some(n),
                    (d, _) => d,
                };
                entries.push(TimelineEntry {
                    part: part.number,
                    authority: part.authority.clone(),
                    kind: o.kind.to_string(),
                    due,
                    deadline: o.deadline,
                    to: o.to.as_ref().map(ToString::to_string),
                    citation: o.citation.to_string(),
                    message: o.message.to_string(),
                    status: o.status.to_string(),
                    before: relies.then(|| NOTICE.to_string()),
                    kept,
                    overdue: matches!((due, today), (Some(d), Some(t)) if d < t),
                });
            }
        }
        // Soonest first, undated last; on one day a duty before the notice that relies on it.
        entries.sort_by(|a, b| {
            (a.due.is_none(), a.due, a.before.is_none(), a.part, &a.kind).cmp(&(
                b.due.is_none(),
                b.due,
                b.before.is_none(),
                b.part,
                &b.kind,
            ))
        });
        Timeline { entries }
    }
}

/// With `today`: the first start date on which no dated duty is overdue. Duties are due relative to
/// the start, so moving the start by the longest overdue lead makes every one of them feasible.
/// `None` without `today`.
pub(super) fn earliest_start<'o>(
    start: Date,
    today: Option<Date>,
    obligations: impl IntoIterator<Item = &'o Obligation>,
) -> Option<Date> {
    let today = today?;
    let first = obligations.into_iter().filter_map(|o| o.deadline).min();
    let late = match first {
        Some(d) if d < today => today.since(d).ok()?.get_days(),
        _ => 0,
    };
    let late = late.max(0);
    let shifted = start.checked_add(late.days()).ok()?;
    // A start in the past is not feasible either.
    Some(if shifted < today { today } else { shifted })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::text::{Message, Text};
    use jiff::civil::date;

    fn duty(kind: &'static str, deadline: Option<Date>, to: Option<&'static str>) -> Obligation {
        Obligation {
            kind: Text::from(kind),
            deadline,
            citation: Text::from("cite"),
            message: Message::default(),
            to: to.map(Text::from),
            status: Text::from("required"),
            note: None,
            duty: 0,
            depends_on: Vec::new(),
            moved_by: None,
        }
    }

    #[test]
    fn paperwork_counts_each_kind_and_each_committee_once() {
        let d = [
            duty(NOTICE, None, Some("SASC, HASC")),
            duty(NOTICE, None, Some("HASC, SFRC")),
            duty("certification", None, None),
            duty("state_concurrence", None, None),
            duty("leahy_vetting", None, None),
            duty("report", None, None),
        ];
        let p = Paperwork::of(&d);
        assert_eq!(
            (
                p.notices,
                p.certifications,
                p.concurrences,
                p.vettings,
                p.other
            ),
            (2, 1, 1, 1, 1)
        );
        assert_eq!(p.committees, ["HASC", "SASC", "SFRC"]);
        assert_eq!(p.total(), 5);
    }

    #[test]
    fn the_start_moves_by_the_longest_overdue_lead() {
        let start = date(2027, 3, 1);
        let d = [
            duty(NOTICE, Some(date(2027, 2, 14)), None),
            duty("state_concurrence", Some(start), None),
        ];
        assert_eq!(earliest_start(start, None, &d), None);
        assert_eq!(
            earliest_start(start, Some(date(2027, 1, 1)), &d),
            Some(start)
        );
        // 14 February is 6 days overdue on 20 February: the start moves 6 days.
        assert_eq!(
            earliest_start(start, Some(date(2027, 2, 20)), &d),
            Some(date(2027, 3, 7))
        );
        assert_eq!(
            earliest_start(start, Some(date(2027, 6, 1)), &[]),
            Some(date(2027, 6, 1))
        );
    }
}
