//! The two per-activity maps a plan reads: `serves` (which of the proposal's purposes each activity
//! serves) and `activity_funding` (who pays for an activity when it is not the proposal's
//! `funding`). Each key is one of the proposal's activities, given once; each purpose in `serves`
//! is one of the proposal's purposes, listed once per activity; when `serves` is given at all,
//! every activity has its entry and every purpose is served by some activity. Problems are located
//! at the key or the element, with "did you mean" among the proposal's own ids.

use crate::diagnostic::{did_you_mean, quote};
use crate::input::problem::Problem;
use crate::input::proposal::Spans;
use crate::model::Funding;
use std::collections::HashSet;

/// `serves` (E0220, E0210).
pub(crate) fn serves_problems(
    activities: &[String],
    purposes: &[String],
    entries: &[(String, Vec<String>)],
    at: &Spans,
    text: &str,
) -> Vec<Problem<'static>> {
    if entries.is_empty() {
        return Vec::new();
    }
    let mut problems = keys(activities, entries, "serves", "E0220", at, text);
    let n = entries.len();
    for (i, (act, list)) in entries.iter().enumerate() {
        if list.is_empty() {
            problems.push(
                Problem::new(
                    at.entry(text, "serves", i, n, false),
                    "E0220",
                    format!("`serves` gives the activity `{}` no purpose", quote(act)),
                )
                .help(format!(
                    "list the purposes it serves, among: {}",
                    purposes.join(", ")
                )),
            );
        }
        let mut seen = HashSet::with_capacity(list.len());
        for (j, q) in list.iter().enumerate() {
            let span = || at.entry_element(text, "serves", i, n, j);
            if !seen.insert(q.as_str()) {
                problems.push(
                    Problem::new(
                        span(),
                        "E0210",
                        format!(
                            "purpose `{}` is listed twice for `{}` in `serves`",
                            quote(q),
                            quote(act)
                        ),
                    )
                    .help("list each purpose once"),
                );
            } else if !purposes.contains(q) {
                problems.push(
                    Problem::new(
                        span(),
                        "E0220",
                        format!(
                            "`serves` says `{}` serves `{}`, which is not one of this proposal's purposes",
                            quote(act),
                            quote(q)
                        ),
                    )
                    .help(suggest(q, purposes, "purposes")),
                );
            }
        }
    }
    if problems.is_empty() {
        problems.extend(coverage(activities, purposes, entries, at, text));
    }
    problems
}

/// Every activity has its entry and every purpose is served by some activity.
fn coverage(
    activities: &[String],
    purposes: &[String],
    entries: &[(String, Vec<String>)],
    at: &Spans,
    text: &str,
) -> Vec<Problem<'static>> {
    let field = || at.field(text, "serves");
    let mut out = Vec::new();
    for act in activities {
        if !entries.iter().any(|(a, _)| a == act) {
            out.push(
                Problem::new(
                    field(),
                    "E0220",
                    format!(
                        "`serves` does not say which purpose the activity `{}` serves",
                        quote(act)
                    ),
                )
                .help("give every activity its purposes, or leave `serves` out"),
            );
        }
    }
    for q in purposes {
        if !entries.iter().any(|(_, list)| list.contains(q)) {
            out.push(
                Problem::new(
                    field(),
                    "E0220",
                    format!("`serves` gives the purpose `{}` no activity", quote(q)),
                )
                .help("every purpose of the proposal is served by at least one of its activities: add it to an activity's list, or remove it from `purposes`"),
            );
        }
    }
    out
}

/// `activity_funding` (E0221, E0210).
pub(crate) fn funding_problems(
    activities: &[String],
    entries: &[(String, Funding)],
    at: &Spans,
    text: &str,
) -> Vec<Problem<'static>> {
    keys(activities, entries, "activity_funding", "E0221", at, text)
}

/// The keys of a per-activity map: each one of the proposal's activities, given once.
fn keys<V>(
    activities: &[String],
    entries: &[(String, V)],
    field: &str,
    code: &'static str,
    at: &Spans,
    text: &str,
) -> Vec<Problem<'static>> {
    let n = entries.len();
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::new();
    for (i, (act, _)) in entries.iter().enumerate() {
        let span = || at.entry(text, field, i, n, true);
        if !seen.insert(act.as_str()) {
            out.push(
                Problem::new(
                    span(),
                    "E0210",
                    format!("activity `{}` is given twice in `{field}`", quote(act)),
                )
                .help("an activity has one entry: remove one of the two"),
            );
        } else if !activities.contains(act) {
            out.push(
                Problem::new(
                    span(),
                    code,
                    format!(
                        "`{field}` names `{}`, which is not one of this proposal's activities",
                        quote(act)
                    ),
                )
                .help(suggest(act, activities, "activities")),
            );
        }
    }
    out
}

/// "did you mean" among the proposal's own ids, else the list of them.
fn suggest(word: &str, among: &[String], what: &str) -> String {
    match did_you_mean(word, among.iter().map(String::as_str)) {
        Some(s) => format!(
            "did you mean `{s}`? The proposal's {what}: {}",
            among.join(", ")
        ),
        None => format!("the proposal's {what}: {}", among.join(", ")),
    }
}
