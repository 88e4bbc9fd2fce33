//! Rule coverage of the regression cases (`authsel test --coverage`): for every authority, which of
//! its rules (its own and those its restrictions bring in) the cases exercise, and with which
//! outcomes. A rule is exercised when some case judges it (its `when` guard did not switch it off).

use crate::engine::assess::Outcome;
use crate::model::RuleBase;
use crate::tools::cases::CaseResult;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Coverage {
    pub authorities: Vec<AuthorityCoverage>,
    pub rules: usize,
    pub exercised: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuthorityCoverage {
    pub authority: String,
    pub rules: Vec<RuleCoverage>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleCoverage {
    pub rule: String,
    /// Outcomes some case produced, in the order pass, fail, unknown.
    pub outcomes: Vec<Outcome>,
}

impl Coverage {
    /// Rules with at least one exercised outcome, in percent (100 when there are no rules).
    pub fn percent(&self) -> f64 {
        if self.rules == 0 {
            100.0
        } else {
            // Counts are small; the conversion is exact.
            self.exercised as f64 * 100.0 / self.rules as f64
        }
    }

    /// The per-authority table, then the total.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for a in &self.authorities {
            let done = a.rules.iter().filter(|r| !r.outcomes.is_empty()).count();
            let _ = writeln!(s, "{} {done}/{}", a.authority, a.rules.len());
            for r in &a.rules {
                let o: Vec<&str> = r.outcomes.iter().map(|o| name(*o)).collect();
                let shown = if o.is_empty() {
                    "-  (not exercised)".to_string()
                } else {
                    o.join(" ")
                };
                let _ = writeln!(s, "    {:<40} {shown}", r.rule);
            }
        }
        let _ = writeln!(
            s,
            "coverage: {}/{} rules exercised ({:.1}%)",
            self.exercised,
            self.rules,
            self.percent()
        );
        s
    }
}

fn name(o: Outcome) -> &'static str {
    match o {
        Outcome::Pass => "pass",
        Outcome::Fail => "fail",
        Outcome::Unknown => "unknown",
    }
}

/// Coverage of `rules` by the case results.
pub fn coverage(rules: &RuleBase, results: &[CaseResult]) -> Coverage {
    let mut seen: BTreeMap<(&str, &str), BTreeSet<Outcome>> = BTreeMap::new();
    for r in results {
        for (a, rule, o) in &r.seen {
            seen.entry((a.as_str(), rule.as_str()))
                .or_default()
                .insert(*o);
        }
    }
    let mut out = Coverage {
        authorities: Vec::new(),
        rules: 0,
        exercised: 0,
    };
    for a in &rules.authorities {
        let mut ac = AuthorityCoverage {
            authority: a.id.to_string(),
            rules: Vec::new(),
        };
        for rule in &a.rules {
            let outcomes: Vec<Outcome> = seen
                .get(&(a.id.as_str(), rule.name.as_str()))
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default();
            out.rules += 1;
            out.exercised += usize::from(!outcomes.is_empty());
            ac.rules.push(RuleCoverage {
                rule: rule.name.to_string(),
                outcomes,
            });
        }
        out.authorities.push(ac);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tools::cases::run_case;

    #[test]
    fn builtin_cases_exercise_the_506a1_ceiling_both_ways() {
        let rb = RuleBase::builtin();
        let results: Vec<CaseResult> = RuleBase::builtin_cases()
            .iter()
            .map(|c| run_case(&rb, &c.name, &c.text))
            .collect();
        let cov = coverage(&rb, &results);
        let a = cov
            .authorities
            .iter()
            .find(|a| a.authority == "faa-506a1")
            .expect("faa-506a1");
        let agg = a
            .rules
            .iter()
            .find(|r| r.rule == "aggregate")
            .expect("rule");
        assert!(agg.outcomes.contains(&Outcome::Fail), "{agg:?}");
        assert!(cov.exercised > 0 && cov.exercised <= cov.rules);
        assert!(cov.render().contains("faa-506a1 "));
        // No cases: nothing is exercised.
        let none = coverage(&rb, &[]);
        assert_eq!(none.exercised, 0);
        assert!(none.percent() < 0.1);
    }
}
