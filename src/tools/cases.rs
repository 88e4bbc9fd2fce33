//! Regression cases: a proposal file whose `//!` header states the expected outcome. One harness
//! runs them all (`authsel test`, and `cargo test`), so a new case is one new file, no Rust.
//!
//! Header lines (any order, before or inside the RON; see `docs/dsl.md`):
//!
//! ```text
//! //! as_of: 2027-01-01
//! //! ledger: faa-506a1 2027 80000000 [SUBCAP]
//! //! expect recommended: usc10-333            (or `none`)
//! //! expect verdict: eligible                 (eligible | conditional | none)
//! //! expect usc10-333: eligible
//! //! expect faa-506a1: ineligible by fy "FAA § 506(a)(1)"
//! //! expect duty usc10-333: congressional_notification 2027-02-14   (or `null`)
//! //! expect duty dcs: congressional_notification 2027-04-01 to "HFAC"  (the addressees include HFAC)
//! //! expect no-duty fms: congressional_notification  (the candidate has no duty of that kind)
//! //! expect missing: leahy
//! //! expect not-missing: fact.excess_articles     (not asked: it cannot change the answer)
//! //! expect not-candidate: fms
//! //! expect plan: usc10-333 + fmcs                  (the best plan's authorities, or `none`)
//! //! expect plan part fmcs: construction           (the activities of that authority's part)
//! //! expect plan kept fms: congressional_notification (a duty kept because the parts together cross its threshold)
//! //! expect plan why-none: provides `retransfer`   (words in the reasons there is no plan)
//! //! expect plan purposes fmcs: humanitarian      (the purposes of that authority's part)
//! //! expect plan funding fmcs: PartnerNational    (who pays for that part; `any` for none)
//! //! expect plan assumed: serves: {"training"     (words in the assumption of which purpose
//! //!                                                each activity serves; `none`: no assumption)
//! ```

use crate::engine::assess::{Context, Outcome, Verdict};
use crate::explain::Explanation;
use crate::input::proposal::{Ledger, LedgerEntry};
use crate::model::FiscalYear;
use crate::model::RuleBase;
use crate::plan::Plan;
use jiff::civil::Date;
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expect {
    Recommended(Option<String>),
    Verdict(String),
    Candidate {
        authority: String,
        verdict: Verdict,
        by: Option<(String, Option<String>)>,
    },
    Duty {
        authority: String,
        kind: String,
        deadline: Option<Date>,
        /// Words the duty's addressees must include.
        to: Option<String>,
    },
    NoDuty {
        authority: String,
        kind: String,
    },
    Missing(String),
    /// The fact is not asked: answering it could not change the recommendation.
    NotMissing(String),
    NotCandidate(String),
    /// The best plan's authorities (as a set), or `None` for no plan.
    Plan(Option<Vec<String>>),
    PlanPart {
        authority: String,
        activities: Vec<String>,
    },
    PlanKept {
        authority: String,
        kind: String,
    },
    PlanWhyNone(String),
    PlanPurposes {
        authority: String,
        purposes: Vec<String>,
    },
    PlanFunding {
        authority: String,
        funding: String,
    },
    /// Words in the plan's assumption of which purpose each activity serves; `None`: none made.
    PlanAssumed(Option<String>),
}

impl Expect {
    fn is_plan(&self) -> bool {
        matches!(
            self,
            Expect::Plan(_)
                | Expect::PlanPart { .. }
                | Expect::PlanKept { .. }
                | Expect::PlanWhyNone(_)
                | Expect::PlanPurposes { .. }
                | Expect::PlanFunding { .. }
                | Expect::PlanAssumed(_)
        )
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Case {
    pub name: String,
    pub as_of: Option<Date>,
    pub ledger: Ledger,
    pub expects: Vec<Expect>,
}

/// The result of running one case: empty `failures` means it passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    /// The case file itself is invalid input (its `//!` header is malformed or its proposal does not
    /// read): it was not run, and `failures` holds why. Invalid input, not a failed expectation
    /// (`authsel test` exits 2, not 1).
    pub invalid: bool,
    pub failures: Vec<String>,
    /// Rule outcomes seen, for coverage: (authority, rule, outcome).
    pub seen: Vec<(String, String, Outcome)>,
}

impl CaseResult {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && !self.invalid
    }

    /// Ran, and an expectation did not hold.
    pub fn failed(&self) -> bool {
        !self.invalid && !self.failures.is_empty()
    }
}

/// Parses the `//!` header of a case file. Errors carry the 1-based line.
pub fn parse_header(name: &str, text: &str) -> Result<Case, (usize, String)> {
    let case = parse_directives(name, text)?;
    if case.expects.is_empty() {
        return Err((1, "a case needs at least one `//! expect` line".to_string()));
    }
    Ok(case)
}

/// The `//!` directives of a file (`as_of`, `ledger`, `expect`), which may all be absent.
pub fn parse_directives(name: &str, text: &str) -> Result<Case, (usize, String)> {
    let mut case = Case {
        name: name.to_string(),
        ..Case::default()
    };
    for (i, line) in text.lines().enumerate() {
        let Some(body) = line.trim_start().strip_prefix("//!") else {
            continue;
        };
        let body = body.trim();
        let err = |m: &str| (i + 1, format!("{m}: `{body}`"));
        let date = |s: &str| s.trim().parse::<Date>().map_err(|_| err("not a date"));
        if let Some(v) = body.strip_prefix("as_of:") {
            case.as_of = Some(date(v)?);
        } else if let Some(v) = body.strip_prefix("ledger:") {
            let parts: Vec<&str> = v.split_whitespace().collect();
            let [authority, fy, amount, rest @ ..] = parts.as_slice() else {
                return Err(err("ledger: AUTHORITY FY AMOUNT [SUBCAP]"));
            };
            case.ledger.entries_mut().push(LedgerEntry {
                authority: (*authority).to_string(),
                fiscal_year: FiscalYear::new(fy.parse().map_err(|_| err("bad fiscal year"))?),
                amount_usd: amount
                    .replace('_', "")
                    .parse()
                    .map_err(|_| err("bad amount"))?,
                reference: format!("case line {}", i + 1),
                ceiling: rest.first().map(|s| (*s).to_string()),
            });
        } else if let Some(v) = body.strip_prefix("expect") {
            case.expects
                .push(parse_expect(v.trim()).ok_or_else(|| err("cannot read expectation"))?);
        } else if !body.is_empty() && !body.starts_with('#') {
            return Err(err("unknown header line (as_of:, ledger:, expect ...)"));
        }
    }
    Ok(case)
}

fn verdict(s: &str) -> Option<Verdict> {
    match s {
        "eligible" => Some(Verdict::Eligible),
        "conditional" => Some(Verdict::Conditional),
        "ineligible" => Some(Verdict::Ineligible),
        _ => None,
    }
}

fn parse_expect(v: &str) -> Option<Expect> {
    let (key, rest) = v.split_once(':')?;
    let key = key.trim();
    let rest = rest.trim();
    Some(match key {
        "recommended" => Expect::Recommended((rest != "none").then(|| rest.to_string())),
        "verdict" => Expect::Verdict(rest.to_string()),
        "missing" => Expect::Missing(rest.to_string()),
        "not-missing" => Expect::NotMissing(rest.to_string()),
        "not-candidate" => Expect::NotCandidate(rest.to_string()),
        "plan" => Expect::Plan((rest != "none").then(|| list(rest, '+'))),
        "plan why-none" => Expect::PlanWhyNone(rest.to_string()),
        k if k.starts_with("plan part ") => Expect::PlanPart {
            authority: k.strip_prefix("plan part ")?.trim().to_string(),
            activities: list(rest, ','),
        },
        "plan assumed" => Expect::PlanAssumed((rest != "none").then(|| rest.to_string())),
        k if k.starts_with("plan purposes ") => Expect::PlanPurposes {
            authority: k.strip_prefix("plan purposes ")?.trim().to_string(),
            purposes: list(rest, ','),
        },
        k if k.starts_with("plan funding ") => Expect::PlanFunding {
            authority: k.strip_prefix("plan funding ")?.trim().to_string(),
            funding: rest.to_string(),
        },
        k if k.starts_with("plan kept ") => Expect::PlanKept {
            authority: k.strip_prefix("plan kept ")?.trim().to_string(),
            kind: rest.to_string(),
        },
        k if k.starts_with("no-duty ") => Expect::NoDuty {
            authority: k.strip_prefix("no-duty ")?.trim().to_string(),
            kind: rest.to_string(),
        },
        k if k.starts_with("duty ") => {
            let authority = k.strip_prefix("duty ")?.trim().to_string();
            let (head, to) = match rest.split_once(" to ") {
                Some((h, t)) => (h, Some(t.trim().strip_prefix('"')?.strip_suffix('"')?)),
                None => (rest, None),
            };
            let mut it = head.split_whitespace();
            let kind = it.next()?.to_string();
            let deadline = match it.next()? {
                "null" => None,
                d => Some(d.parse().ok()?),
            };
            if it.next().is_some() {
                return None;
            }
            Expect::Duty {
                authority,
                kind,
                deadline,
                to: to.map(str::to_string),
            }
        }
        authority => {
            let (v, by) = match rest.split_once(" by ") {
                Some((v, by)) => {
                    let by = by.trim();
                    let (rule, cite) = match by.split_once(' ') {
                        Some((r, c)) => {
                            (r.to_string(), Some(c.trim().trim_matches('"').to_string()))
                        }
                        None => (by.to_string(), None),
                    };
                    (v.trim(), Some((rule, cite)))
                }
                None => (rest, None),
            };
            Expect::Candidate {
                authority: authority.to_string(),
                verdict: verdict(v)?,
                by,
            }
        }
    })
}

/// `a + b` or `a, b` as sorted items.
fn list(s: &str, sep: char) -> Vec<String> {
    let mut v: Vec<String> = s
        .split(sep)
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect();
    v.sort();
    v
}

/// Runs one case file against a rule base.
pub fn run_case(rules: &RuleBase, name: &str, text: &str) -> CaseResult {
    let invalid = |m: String| CaseResult {
        name: name.to_string(),
        invalid: true,
        failures: vec![m],
        seen: Vec::new(),
    };
    let case = match parse_header(name, text) {
        Ok(c) => c,
        Err((line, m)) => return invalid(format!("{name}:{line}: {m}")),
    };
    let proposal = match rules.read_proposal(name, text) {
        Ok(p) => p,
        Err(d) => return invalid(d.iter().map(ToString::to_string).collect::<String>()),
    };
    let ctx = Context {
        as_of: case.as_of,
        ledger: Some(&case.ledger),
    };
    let d = rules.evaluate_with(&proposal, &ctx).into_explanation();
    let mut failures: Vec<String> = case
        .expects
        .iter()
        .filter(|e| !e.is_plan())
        .filter_map(|e| check_expect(&d, e))
        .collect();
    if case.expects.iter().any(Expect::is_plan) {
        match rules.plan_with(&proposal, &ctx, None) {
            Ok(plan) => failures.extend(case.expects.iter().filter_map(|e| check_plan(&plan, e))),
            Err(e) => failures.push(format!("plan: {e}")),
        }
    }
    let seen = d
        .candidates
        .iter()
        .flat_map(|c| {
            c.reasons
                .iter()
                .filter(|r| r.applies)
                .map(|r| (c.authority.to_string(), r.rule.to_string(), r.outcome))
        })
        .collect();
    CaseResult {
        name: name.to_string(),
        invalid: false,
        failures,
        seen,
    }
}

fn check_expect(d: &Explanation, e: &Expect) -> Option<String> {
    match e {
        Expect::Recommended(want) => (d.recommended.as_ref() != want.as_ref()).then(|| {
            format!(
                "recommended: expected {}, got {}",
                want.as_deref().unwrap_or("none"),
                d.recommended.as_deref().unwrap_or("none")
            )
        }),
        Expect::Verdict(want) => {
            (d.verdict != *want).then(|| format!("verdict: expected {want}, got {}", d.verdict))
        }
        Expect::NotMissing(f) => d
            .missing_facts
            .iter()
            .any(|m| m.fact == *f)
            .then(|| format!("not-missing: `{f}` is asked, and was expected not to be")),
        Expect::Missing(f) => (!d.missing_facts.iter().any(|m| m.fact == *f)).then(|| {
            let got: Vec<&str> = d.missing_facts.iter().map(|m| m.fact.as_str()).collect();
            format!(
                "missing: expected `{f}` among the missing facts, got [{}]",
                got.join(", ")
            )
        }),
        Expect::NotCandidate(a) => d
            .candidate(a)
            .map(|c| format!("{a}: expected not a candidate, got {}", c.verdict.as_str())),
        Expect::Candidate {
            authority,
            verdict,
            by,
        } => check_candidate(d, authority, *verdict, by.as_ref()),
        Expect::Duty {
            authority,
            kind,
            deadline,
            to,
        } => check_duty(d, authority, kind, *deadline, to.as_deref()),
        Expect::NoDuty { authority, kind } => check_no_duty(d, authority, kind),
        _ => None,
    }
}

/// A plan expectation against the plan.
fn check_plan(plan: &Plan, e: &Expect) -> Option<String> {
    let best = plan.best();
    let names = |o: &crate::plan::PlanOption| list(&o.authorities.join(","), ',');
    let got = best.map_or_else(|| "none".to_string(), |o| names(o).join(" + "));
    match e {
        Expect::Plan(want) => {
            let want_s = want
                .as_ref()
                .map_or_else(|| "none".to_string(), |w| w.join(" + "));
            (want_s != got).then(|| {
                let why = if best.is_none() {
                    format!(" ({})", plan.why_none.join("; "))
                } else {
                    String::new()
                };
                format!("plan: expected {want_s}, got {got}{why}")
            })
        }
        Expect::PlanPart {
            authority,
            activities,
        } => {
            let part = best.and_then(|o| o.parts.iter().find(|x| x.authority == *authority));
            let acts = part.map(|x| list(&x.activities.join(","), ','));
            (acts.as_ref() != Some(activities)).then(|| {
                format!(
                    "plan part {authority}: expected {}, got {} (plan {got})",
                    activities.join(", "),
                    acts.map_or_else(|| "no such part".to_string(), |a| a.join(", "))
                )
            })
        }
        Expect::PlanKept { authority, kind } => {
            let kept = best.is_some_and(|o| {
                o.crossings
                    .iter()
                    .any(|c| c.authority == *authority && c.kind == *kind)
            });
            (!kept).then(|| {
                format!("plan kept {authority}: expected a kept {kind}, none (plan {got})")
            })
        }
        Expect::PlanPurposes { .. } | Expect::PlanFunding { .. } | Expect::PlanAssumed(_) => {
            check_plan_serves(plan, e, &got)
        }
        Expect::PlanWhyNone(words) => (!plan.why_none.iter().any(|w| w.contains(words.as_str())))
            .then(|| {
                format!(
                    "plan why-none: expected `{words}` in [{}] (plan {got})",
                    plan.why_none.join("; ")
                )
            }),
        _ => None,
    }
}

/// The purposes and funding of a part, and the plan's assumption of which purpose each activity
/// serves, against the expectation.
fn check_plan_serves(plan: &Plan, e: &Expect, got: &str) -> Option<String> {
    let part = |a: &str| {
        plan.best()
            .and_then(|o| o.parts.iter().find(|x| x.authority == a))
    };
    match e {
        Expect::PlanPurposes {
            authority,
            purposes,
        } => {
            let have = part(authority).map(|x| list(&x.purposes.join(","), ','));
            (have.as_ref() != Some(purposes)).then(|| {
                format!(
                    "plan purposes {authority}: expected {}, got {} (plan {got})",
                    purposes.join(", "),
                    have.map_or_else(|| "no such part".to_string(), |a| a.join(", "))
                )
            })
        }
        Expect::PlanFunding { authority, funding } => {
            let have =
                part(authority).map(|x| x.funding.map_or("any".to_string(), |f| format!("{f:?}")));
            (have.as_deref() != Some(funding.as_str())).then(|| {
                format!(
                    "plan funding {authority}: expected {funding}, got {} (plan {got})",
                    have.unwrap_or_else(|| "no such part".to_string())
                )
            })
        }
        Expect::PlanAssumed(want) => {
            let ok = match (want, &plan.assumed) {
                (None, None) => true,
                (Some(w), Some(a)) => a.contains(w.as_str()),
                _ => false,
            };
            (!ok).then(|| {
                format!(
                    "plan assumed: expected {}, got {} (plan {got})",
                    want.as_deref().unwrap_or("none"),
                    plan.assumed.as_deref().unwrap_or("none")
                )
            })
        }
        _ => None,
    }
}

/// A candidate's verdict and, with `by`, the rule (and citation) that decides it.
fn check_candidate(
    d: &Explanation,
    authority: &str,
    verdict: Verdict,
    by: Option<&(String, Option<String>)>,
) -> Option<String> {
    let Some(c) = d.candidate(authority) else {
        return Some(format!(
            "{authority}: expected {}, but it is not a candidate",
            verdict.as_str()
        ));
    };
    let mut msg = String::new();
    if c.verdict != verdict {
        let _ = write!(
            msg,
            "{authority}: expected {}, got {}",
            verdict.as_str(),
            c.verdict.as_str()
        );
        for r in c.reasons.iter().filter(|r| r.outcome != Outcome::Pass) {
            let _ = write!(
                msg,
                "\n      {} {:?}: {} [{}]",
                r.rule, r.outcome, r.message, r.citation
            );
        }
        return Some(msg);
    }
    let (rule, cite) = by?;
    let want_outcome = match verdict {
        Verdict::Eligible => Outcome::Pass,
        Verdict::Conditional => Outcome::Unknown,
        Verdict::Ineligible => Outcome::Fail,
    };
    match c.reasons.iter().find(|r| r.rule == *rule) {
        None => Some(format!(
            "{authority}: expected a rule `{rule}`, it has none"
        )),
        Some(r) if r.outcome != want_outcome => Some(format!(
            "{authority}: expected rule `{rule}` to be {want_outcome:?}, got {:?}: {}",
            r.outcome, r.message
        )),
        Some(r) => cite.as_ref().filter(|c| **c != r.citation).map(|c| {
            format!(
                "{authority}: rule `{rule}` cites \"{}\", expected \"{c}\"",
                r.citation
            )
        }),
    }
}

/// A duty of a candidate, with its deadline (and, if given, words among its addressees).
fn check_duty(
    d: &Explanation,
    authority: &str,
    kind: &str,
    deadline: Option<Date>,
    to: Option<&str>,
) -> Option<String> {
    let Some(c) = d.candidate(authority) else {
        return Some(format!("duty {authority}: not a candidate"));
    };
    let addressed = |o: &crate::engine::assess::Obligation| {
        to.is_none_or(|t| o.to.as_deref().is_some_and(|x| x.contains(t)))
    };
    if c.obligations
        .iter()
        .any(|o| o.kind == kind && o.deadline == deadline && addressed(o))
    {
        return None;
    }
    let wanted = to.map_or(String::new(), |t| format!(" to \"{t}\""));
    Some(format!(
        "duty {authority}: expected {kind} {}{wanted}, got [{}]",
        deadline.map_or("null".to_string(), |d| d.to_string()),
        duties_of(c)
    ))
}

/// No duty of that kind for a candidate (which must be one).
fn check_no_duty(d: &Explanation, authority: &str, kind: &str) -> Option<String> {
    let Some(c) = d.candidate(authority) else {
        return Some(format!("no-duty {authority}: not a candidate"));
    };
    c.obligations.iter().any(|o| o.kind == kind).then(|| {
        format!(
            "no-duty {authority}: expected no {kind}, got [{}]",
            duties_of(c)
        )
    })
}

/// A candidate's duties in one line: kind, deadline and addressees.
fn duties_of(c: &crate::explain::Candidate) -> String {
    let got: Vec<String> = c
        .obligations
        .iter()
        .map(|o| {
            let to =
                o.to.as_deref()
                    .map_or(String::new(), |t| format!(" to {t}"));
            let due = o.deadline.map_or("null".to_string(), |d| d.to_string());
            format!("{} {due}{to}", o.kind)
        })
        .collect();
    got.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CASE: &str = "//! expect recommended: usc10-333\n";
    const GOOD: &str = include_str!("../../examples/01-ct-train-equip-333.ron");

    #[test]
    fn an_invalid_case_file_is_invalid_not_failed() {
        let rb = RuleBase::builtin();
        let passed = run_case(&rb, "ok.ron", &format!("{CASE}{GOOD}"));
        assert!(
            passed.passed() && !passed.failed() && !passed.invalid,
            "{passed:?}"
        );
        let failed = run_case(
            &rb,
            "f.ron",
            &format!("//! expect recommended: none\n{GOOD}"),
        );
        assert!(
            failed.failed() && !failed.passed() && !failed.invalid,
            "{failed:?}"
        );
        for (name, text) in [
            ("no-expect.ron", GOOD.to_string()),
            ("bad-header.ron", format!("//! expect nonsense\n{GOOD}")),
            ("bad-ron.ron", format!("{CASE}Proposal(id: \"X\"")),
            (
                "unknown-purpose.ron",
                format!(
                    "{CASE}{}",
                    GOOD.replace("\"counterterrorism\"", "\"counterterorism\"")
                ),
            ),
        ] {
            let r = run_case(&rb, name, &text);
            assert!(r.invalid && !r.failed() && !r.passed(), "{name}: {r:?}");
            assert!(r.failures.concat().contains(name), "{name}: {r:?}");
        }
    }

    #[test]
    fn duty_addressees_and_absent_duties_are_checked() {
        let rb = RuleBase::builtin();
        let run = |header: &str| run_case(&rb, "d.ron", &format!("{header}\n{GOOD}"));
        let notice = "//! expect duty usc10-333: congressional_notification 2027-02-14";
        assert!(run(notice).passed());
        assert!(run(&format!("{notice} to \"HFAC\"")).passed());
        let wrong = run(&format!("{notice} to \"Speaker\""));
        assert!(wrong.failed(), "{wrong:?}");
        assert!(
            wrong.failures.concat().contains("to SASC, SFRC"),
            "{wrong:?}"
        );
        assert!(run("//! expect no-duty usc10-333: report").passed());
        let present = run("//! expect no-duty usc10-333: state_concurrence");
        assert!(present.failed(), "{present:?}");
        let unquoted = run(&format!("{notice} to HFAC"));
        assert!(unquoted.invalid, "{unquoted:?}");
    }
}
