//! `authsel new --ask`: the proposal asked field by field, each answer checked as it is given
//! (the allowed choices shown, a planner's word read as its id, a did-you-mean for a near miss),
//! then written as a RON proposal that `read_proposal` accepts.
//!
//! Invariant: the text returned reads back as a valid proposal (it is checked before it is
//! returned); a field is asked at most `MAX_TRIES` times, then the interview stops with an error.

use crate::diagnostic::did_you_mean;
use crate::model::RuleBase;
use jiff::civil::Date;
use std::fmt;

/// How many times one field is asked before the interview gives up.
pub const MAX_TRIES: usize = 5;

/// One question: the field, the question, the choices (if a fixed list) and whether it may be left
/// blank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prompt {
    pub field: &'static str,
    pub question: String,
    pub choices: Vec<String>,
    pub optional: bool,
    /// Why the last answer was refused, when it was.
    pub refused: Option<String>,
}

/// Why the interview stopped without a proposal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InterviewError {
    /// No more answers (end of input) at this field.
    NoAnswer(&'static str),
    /// `MAX_TRIES` refused answers for this field.
    TooManyTries(&'static str),
    /// The assembled proposal did not read back (a bug; the message says why).
    Invalid(String),
}

impl fmt::Display for InterviewError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterviewError::NoAnswer(field) => {
                write!(f, "no answer for `{field}`: nothing written")
            }
            InterviewError::TooManyTries(field) => write!(
                f,
                "{MAX_TRIES} answers for `{field}` were refused: nothing written"
            ),
            InterviewError::Invalid(m) => {
                write!(f, "the answers do not make a valid proposal: {m}")
            }
        }
    }
}

impl std::error::Error for InterviewError {}

const RECIPIENTS: [&str; 5] = [
    "NationalMilitary",
    "OtherSecurityForces",
    "CivilianGovernment",
    "InternationalOrganization",
    "NonGovernmental",
];
const FUNDING: [&str; 6] = ["PartnerNational", "DoD", "DoS", "USAID", "DHS", "UsgStocks"];
const LEAHY: [&str; 4] = ["NotStarted", "Pending", "Passed", "Failed"];

/// Asks every field through `ask` (which shows the prompt and returns the answer, `None` at the
/// end of input) and returns the proposal as RON text.
pub fn interview(
    rb: &RuleBase,
    ask: &mut dyn FnMut(&Prompt) -> Option<String>,
) -> Result<String, InterviewError> {
    let mut lines = vec!["Proposal(".to_string()];
    let mut put = |field: &str, value: String| lines.push(format!("    {field}: {value},"));
    let text = |a: &str| {
        (!a.is_empty())
            .then(|| ron_string(a))
            .ok_or("required".to_string())
    };
    put(
        "id",
        field(
            ask,
            prompt("id", "Your reference for it (unique within a batch)?"),
            text,
        )?,
    );
    put(
        "title",
        field(ask, prompt("title", "The activity in a line?"), text)?,
    );
    let partner = |a: &str| partner(rb, a);
    put(
        "partner",
        field(
            ask,
            prompt("partner", "The partner country or organization?"),
            partner,
        )?,
    );
    let recipient = |a: &str| choice(a, &RECIPIENTS);
    let p = choices("recipient", "Who receives it?", &RECIPIENTS, false);
    put("recipient", field(ask, p, recipient)?);
    let purposes = rb.purposes.keys().map(String::as_str).collect::<Vec<_>>();
    let q = "Why (one or more purposes, comma-separated; `authsel vocab purposes` explains them)?";
    let p = choices("purposes", q, &purposes, false);
    put("purposes", field(ask, p, |a| words(rb, a, true))?);
    let activities = rb.activities.keys().map(String::as_str).collect::<Vec<_>>();
    let q = "What is delivered (one or more activities, comma-separated)?";
    let p = choices("activities", q, &activities, false);
    put("activities", field(ask, p, |a| words(rb, a, false))?);
    let q = "The amount in U.S. dollars (whole dollars)?";
    put("amount_usd", field(ask, prompt("amount_usd", q), dollars)?);
    put(
        "start",
        field(ask, prompt("start", "The start date (YYYY-MM-DD)?"), date)?,
    );
    let q = "How many months will it run (blank if not known)?";
    if let Some(v) = optional(ask, prompt("duration_months", q), months)? {
        put("duration_months", v);
    }
    let p = choices(
        "funding",
        "Whose money pays (blank if not known)?",
        &FUNDING,
        true,
    );
    if let Some(v) = optional(ask, p, |a| choice(a, &FUNDING))? {
        put("funding", v);
    }
    let q = "Leahy vetting of the recipient units (blank if not known)?";
    let p = choices("leahy", q, &LEAHY, true);
    if let Some(v) = optional(ask, p, |a| choice(a, &LEAHY))? {
        put("leahy", v);
    }
    lines.push(")".to_string());
    let ron = lines.join("\n") + "\n";
    rb.read_proposal("new --ask", &ron).map_err(|d| {
        InterviewError::Invalid(d.first().map_or_else(String::new, |d| d.message.clone()))
    })?;
    Ok(ron)
}

fn prompt(field: &'static str, question: &str) -> Prompt {
    Prompt {
        field,
        question: question.to_string(),
        choices: Vec::new(),
        optional: false,
        refused: None,
    }
}

fn choices(field: &'static str, question: &str, choices: &[&str], optional: bool) -> Prompt {
    Prompt {
        choices: choices.iter().map(ToString::to_string).collect(),
        optional,
        ..prompt(field, question)
    }
}

/// Asks until an answer is accepted, at most `MAX_TRIES` times.
fn field<T>(
    ask: &mut dyn FnMut(&Prompt) -> Option<String>,
    mut p: Prompt,
    check: impl Fn(&str) -> Result<T, String>,
) -> Result<T, InterviewError> {
    for _ in 0..MAX_TRIES {
        let answer = ask(&p).ok_or(InterviewError::NoAnswer(p.field))?;
        match check(answer.trim()) {
            Ok(v) => return Ok(v),
            Err(why) => p.refused = Some(why),
        }
    }
    Err(InterviewError::TooManyTries(p.field))
}

/// `field` for a field that may be left blank (`None`).
fn optional(
    ask: &mut dyn FnMut(&Prompt) -> Option<String>,
    mut p: Prompt,
    check: impl Fn(&str) -> Result<String, String>,
) -> Result<Option<String>, InterviewError> {
    p.optional = true;
    field(ask, p, |a| {
        if a.is_empty() {
            Ok(None)
        } else {
            check(a).map(Some)
        }
    })
}

/// A RON string literal.
fn ron_string(s: &str) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| match c {
            '"' => vec!['\\', '"'],
            '\\' => vec!['\\', '\\'],
            c if c.is_control() => vec![' '],
            c => vec![c],
        })
        .collect();
    format!("\"{escaped}\"")
}

fn choice(a: &str, allowed: &[&str]) -> Result<String, String> {
    let bare = |s: &str| s.to_lowercase().replace([' ', '_', '-'], "");
    if let Some(c) = allowed.iter().find(|c| bare(c) == bare(a)) {
        return Ok((*c).to_string());
    }
    Err(match did_you_mean(a, allowed.iter().copied()) {
        Some(c) => format!("`{a}` is not one of the choices; did you mean `{c}`?"),
        None => format!("`{a}` is not one of the choices"),
    })
}

fn partner(rb: &RuleBase, a: &str) -> Result<String, String> {
    if a.is_empty() {
        return Err("required".to_string());
    }
    if rb.registry.partners.is_empty() || rb.registry.partner(a).is_some() {
        return Ok(ron_string(a));
    }
    let names = rb.registry.partners.iter().map(|p| p.name.as_str());
    Err(match did_you_mean(a, names) {
        Some(n) => format!("`{a}` is not in the partner registry; did you mean `{n}`?"),
        None => format!("`{a}` is not in the partner registry (`authsel vocab partners`)"),
    })
}

/// Purposes or activities, comma-separated: ids or the words planners use for them.
fn words(rb: &RuleBase, a: &str, purposes: bool) -> Result<String, String> {
    let mut ids = Vec::new();
    for w in a.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let found = if purposes {
            let p = rb.purposes.get(w).or_else(|| rb.purpose_aka(w));
            p.map(|p| p.id.clone())
        } else {
            let a = rb.activities.get(w).or_else(|| rb.activity_aka(w));
            a.map(|a| a.id.clone())
        };
        match found {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => {
                let known: Vec<&str> = if purposes {
                    rb.purposes.keys().map(String::as_str).collect()
                } else {
                    rb.activities.keys().map(String::as_str).collect()
                };
                return Err(match did_you_mean(w, known) {
                    Some(c) => format!("`{w}` is unknown; did you mean `{c}`?"),
                    None => format!("`{w}` is unknown"),
                });
            }
        }
    }
    if ids.is_empty() {
        return Err("give at least one".to_string());
    }
    let quoted: Vec<String> = ids.iter().map(|i| ron_string(i)).collect();
    Ok(format!("[{}]", quoted.join(", ")))
}

/// Whole dollars; `$`, commas, spaces and underscores between digits are allowed in an answer.
fn dollars(a: &str) -> Result<String, String> {
    let digits: String = a
        .chars()
        .filter(|c| !matches!(c, '$' | ',' | '_' | ' '))
        .collect();
    match digits.parse::<u64>() {
        Ok(v) => Ok(v.to_string()),
        Err(_) => Err(format!(
            "`{a}` is not a whole number of dollars (like 2500000)"
        )),
    }
}

fn date(a: &str) -> Result<String, String> {
    match a.parse::<Date>() {
        Ok(d) if a.len() == 10 => Ok(ron_string(&d.to_string())),
        _ => Err(format!("`{a}` is not a date written YYYY-MM-DD")),
    }
}

fn months(a: &str) -> Result<String, String> {
    match a.parse::<u32>() {
        Ok(m) if (1..=1200).contains(&m) => Ok(m.to_string()),
        _ => Err(format!("`{a}` is not a number of months from 1 to 1200")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(list: &[&str]) -> impl FnMut(&Prompt) -> Option<String> {
        let mut it: Vec<String> = list.iter().rev().map(ToString::to_string).collect();
        move |_p: &Prompt| it.pop()
    }

    #[test]
    fn answers_become_a_valid_proposal_with_near_misses_asked_again() {
        let rb = RuleBase::builtin();
        let mut refusals = Vec::new();
        let mut next = answers(&[
            "K-1",
            "Loan of goggles \"NVG\"",
            "Kenia",
            "Kenya",
            "military",
            "NationalMilitary",
            "CT",
            "loan",
            "$3,000,000",
            "2027-02-30",
            "2027-03-01",
            "24",
            "partner national",
            "",
        ]);
        let mut ask = |p: &Prompt| {
            if let Some(r) = &p.refused {
                refusals.push(format!("{}: {r}", p.field));
            }
            next(p)
        };
        let ron = interview(&rb, &mut ask).expect("a proposal");
        let p = rb.read_proposal("asked.ron", &ron).expect("it reads back");
        assert_eq!(p.title, "Loan of goggles \"NVG\"");
        assert_eq!(p.purposes, ["counterterrorism"]);
        assert_eq!(p.activities, ["lease"]);
        assert_eq!(p.amount_usd, 3_000_000);
        assert_eq!(p.duration_months, Some(24));
        assert_eq!(p.leahy, None);
        assert_eq!(refusals.len(), 3, "{refusals:#?}");
        assert!(
            refusals[0].contains("did you mean `Kenya`?"),
            "{refusals:#?}"
        );
        assert!(refusals[1].starts_with("recipient:"), "{refusals:#?}");
        assert!(refusals[2].contains("not a date"), "{refusals:#?}");
    }

    #[test]
    fn the_interview_stops_at_the_end_of_input_or_after_too_many_refusals() {
        let rb = RuleBase::builtin();
        let mut ask = answers(&["K-1", "t"]);
        assert_eq!(
            interview(&rb, &mut ask),
            Err(InterviewError::NoAnswer("partner"))
        );
        let mut ask = answers(&["K-1", "t", "x", "x", "x", "x", "x", "x"]);
        assert_eq!(
            interview(&rb, &mut ask),
            Err(InterviewError::TooManyTries("partner"))
        );
    }
}
