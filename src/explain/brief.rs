//! Decision -> `Brief`: what a nightly job needs from a decision, put in words without explaining
//! the rest (`--detail brief` and `--detail reasons`, docs/json.md). The recommended authority with
//! its citation and duties, the questions that keep it conditional, and when nothing fits the
//! closest authority with its verified fix. Never decides: everything is read from the `Decision`;
//! the words are the ones the full explanation gives (a test holds them to it).

use super::questions::question;
use super::reasons::{reason, Reason};
use crate::engine::assess::{Context, Env, Outcome, Verdict};
use crate::engine::decision::{Considered, Decision};
use crate::explain::fix::{self, Fix};
use crate::model::graph::Link;
use crate::model::text::{Message, Text};
use crate::model::{Authority, FiscalYear};
use jiff::civil::Date;
use serde::Serialize;

/// How much of a decision a JSON report holds (`--detail`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// [`Brief`] without candidates.
    Brief,
    /// [`Brief`] with every candidate's failed and unknown findings.
    Reasons,
    /// The whole explanation (`eval --format json`'s object).
    Full,
}

impl Detail {
    pub fn as_str(self) -> &'static str {
        match self {
            Detail::Brief => "brief",
            Detail::Reasons => "reasons",
            Detail::Full => "full",
        }
    }
}

/// A decision, briefly. Every key is always present (`null` or `[]` when empty) except
/// `candidates`, which only `--detail reasons` adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Brief {
    pub proposal: String,
    pub fiscal_year: FiscalYear,
    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub as_of: Date,
    /// `eligible`, `conditional` or `none`.
    pub verdict: &'static str,
    pub recommended: Option<Text>,
    /// The recommended authority's citation.
    pub citation: Option<Text>,
    /// The recommended authority's duties, with their deadlines.
    pub duties: Vec<Duty>,
    /// What keeps the recommended authority conditional: each missing fact as a question.
    pub questions: Vec<Question>,
    /// When nothing fits: the best-ranked authority, why not, and its verified fix.
    pub closest: Option<Closest>,
    /// `--detail reasons`: every candidate, best first, with its failed and unknown findings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub candidates: Option<Vec<Findings>>,
}

/// A duty of the recommended authority.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub kind: Text,
    /// ISO date, or null when the period cannot be computed from the calendar.
    pub deadline: Option<Date>,
    /// `required`, or `possible` when it depends on a missing fact.
    pub status: Text,
    pub citation: Text,
}

/// A fact still missing, and the question that asks for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub fact: String,
    pub question: String,
}

/// The best-ranked authority when nothing fits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Closest {
    pub authority: Text,
    pub citation: Text,
    /// Its first failed rule, with the citation (the full explanation's ranking line).
    pub why_not: Message,
    /// The verified change that would make it fit, and the law's remedies; null when none.
    pub fix: Option<Fix>,
}

/// One candidate's findings that did not pass (`--detail reasons`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Findings {
    pub authority: Text,
    pub verdict: Verdict,
    /// Failed and unknown findings, in the full explanation's order.
    pub reasons: Vec<Reason>,
}

impl Decision {
    /// The decision, briefly (`Detail::Brief`), or with each candidate's failed and unknown
    /// findings (`Detail::Reasons`). `Detail::Full` is [`Decision::explain`]; given here, it
    /// is taken as `Reasons`.
    pub fn brief(&self, detail: Detail) -> Brief {
        let p = self.proposal();
        let ctx = Context {
            as_of: self.as_of(),
            ledger: None,
        };
        let env = Env::new(self.rules(), p, &ctx);
        let best = self.fitting().next();
        Brief {
            proposal: p.id.clone(),
            fiscal_year: p.fiscal_year(),
            as_of: self.law_date(),
            verdict: self.verdict(),
            recommended: best.map(|(a, _)| a.id.clone()),
            citation: best.map(|(a, _)| a.citation.clone()),
            duties: best.map_or_else(Vec::new, |(_, c)| duties(c)),
            questions: best.map_or_else(Vec::new, |(_, c)| self.questions(c)),
            closest: match best {
                Some(_) => None,
                None => self.closest(&env),
            },
            candidates: (detail != Detail::Brief).then(|| self.not_passed(&env)),
        }
    }

    /// The facts that leave `c` unknown, sorted, each with its question.
    fn questions(&self, c: &Considered) -> Vec<Question> {
        let mut facts: Vec<&Text> = self
            .findings(c)
            .iter()
            .filter(|f| f.outcome == Outcome::Unknown)
            .flat_map(|f| self.missing(c, f))
            .collect();
        facts.sort();
        facts.dedup();
        facts
            .into_iter()
            .map(|f| Question {
                fact: f.to_string(),
                question: question(self.rules(), self.proposal(), f),
            })
            .collect()
    }

    /// The best-ranked candidate when nothing fits, with its first failure and its fix in words.
    fn closest(&self, env: &Env) -> Option<Closest> {
        let (a, c) = self.ranked().next()?;
        let findings = self.findings(c);
        // A failed `purpose` finding reads no link: the authority serves none of the purposes.
        let failure = findings
            .iter()
            .find(|f| f.outcome == Outcome::Fail)
            .map(|f| reason(env, a, &Link::default(), f, self.missing(c, f)))
            .map(|r| Box::new((r.message, r.citation)));
        let fix = fix::fix(env, self.as_of(), a, findings, c.cure.as_ref());
        Some(Closest {
            authority: a.id.clone(),
            citation: a.citation.clone(),
            why_not: Message::Ineligible {
                authority: a.id.clone(),
                failure,
            },
            fix: (!fix.is_empty()).then_some(fix),
        })
    }

    /// Every candidate with its failed and unknown findings in words.
    fn not_passed(&self, env: &Env) -> Vec<Findings> {
        self.ranked()
            .map(|(a, c)| Findings {
                authority: a.id.clone(),
                verdict: c.verdict,
                reasons: self.open_reasons(env, a, c),
            })
            .collect()
    }

    fn open_reasons(&self, env: &Env, a: &Authority, c: &Considered) -> Vec<Reason> {
        // Failed and unknown findings read no graph link (only a passing `purpose` names one).
        self.findings(c)
            .iter()
            .filter(|f| f.outcome != Outcome::Pass)
            .map(|f| reason(env, a, &Link::default(), f, self.missing(c, f)))
            .collect()
    }
}

fn duties(c: &Considered) -> Vec<Duty> {
    c.obligations
        .iter()
        .map(|o| Duty {
            kind: o.kind.clone(),
            deadline: o.deadline,
            status: o.status.clone(),
            citation: o.citation.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::RuleBase;

    /// Every brief says what the full explanation says, for every regression case.
    #[test]
    fn a_brief_agrees_with_the_full_explanation() {
        let rb = RuleBase::builtin();
        let (mut closest, mut questions) = (0, 0);
        for file in RuleBase::builtin_cases() {
            let Ok(p) = rb.read_proposal(&file.name, &file.text) else {
                continue;
            };
            let d = rb.evaluate(&p);
            let (e, b) = (d.explain(), d.brief(Detail::Reasons));
            assert_eq!(b.verdict, e.verdict, "{}", file.name);
            assert_eq!(b.recommended.as_deref(), e.recommended(), "{}", file.name);
            let rec = e.recommended().and_then(|r| e.candidate(r));
            assert_eq!(b.citation, rec.map(|c| c.citation.clone()));
            let want: Vec<_> = rec.map_or(vec![], |c| {
                c.obligations
                    .iter()
                    .map(|o| (o.kind.clone(), o.deadline))
                    .collect()
            });
            let got: Vec<_> = b
                .duties
                .iter()
                .map(|o| (o.kind.clone(), o.deadline))
                .collect();
            assert_eq!(got, want, "{}", file.name);
            for q in &b.questions {
                let m = e.missing_facts.iter().find(|m| m.fact == q.fact);
                assert_eq!(m.map(|m| &m.question), Some(&q.question), "{}", file.name);
            }
            questions += b.questions.len();
            match (&b.closest, e.recommended()) {
                (Some(c), None) => {
                    let top = &e.candidates[0];
                    assert_eq!(c.authority, top.authority);
                    assert_eq!(c.why_not.to_string(), top.ranking.to_string());
                    assert_eq!(c.fix, top.fix, "{}", file.name);
                    closest += 1;
                }
                (None, Some(_)) => {}
                (c, r) => assert!(c.is_none() && e.candidates.is_empty(), "{r:?}"),
            }
            let cands = b.candidates.expect("reasons");
            assert_eq!(cands.len(), e.candidates.len());
            for (got, want) in cands.iter().zip(&e.candidates) {
                assert_eq!(got.authority, want.authority);
                let open: Vec<&Reason> = want.failed().chain(want.unknown()).collect();
                let mut open_in_order: Vec<&Reason> = want
                    .reasons
                    .iter()
                    .filter(|r| r.outcome != Outcome::Pass)
                    .collect();
                assert_eq!(open.len(), open_in_order.len());
                open_in_order.retain(|r| got.reasons.contains(r));
                assert_eq!(got.reasons.len(), open_in_order.len(), "{}", file.name);
            }
        }
        assert!(closest > 20 && questions > 5, "{closest} {questions}");
    }
}
