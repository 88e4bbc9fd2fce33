//! Decision -> Explanation: the decision in words. Each finding's reason with its rule and citation,
//! the ranking and why-not sentences, the fixes in words with the law's remedies, the missing facts
//! as questions, the plain-language summary and the decision record. Never decides: verdicts,
//! ranking and cures come from the `Decision`; an explanation only puts them in words.

pub mod brief;
pub(crate) mod fix;
mod questions;
pub(crate) mod ranking;
pub(crate) mod reasons;
mod record;
mod summary;

pub use brief::{Brief, Detail};
pub use fix::Fix;
pub use reasons::{judge, judge_all, Judgement, Reason};
pub use record::Record;

use crate::engine::assess::{Assessment, Context, Env, Obligation, Outcome, Verdict};
use crate::engine::decision::Decision;
use crate::model::graph::Link;
use crate::model::text::{Message, Text, TextList};
use jiff::civil::Date;
use questions::missing_facts;
use ranking::{first_failure, why_below, why_not};
use reasons::{reason, render};
use serde::{Deserialize, Serialize};
pub(crate) use summary::or_list;
use summary::summary;

/// A decision in words; serializes to the JSON of `../shared/spec/cli.md` (plus extras).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub proposal: String,
    pub title: String,
    pub partner: String,
    pub fiscal_year: crate::model::FiscalYear,
    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub as_of: Date,
    pub recommended: Option<String>,
    /// `eligible`, `conditional` or `none`.
    pub verdict: String,
    /// One plain-language paragraph for a staff memo.
    pub summary: String,
    pub candidates: Vec<Candidate>,
    pub missing_facts: Vec<MissingFact>,
    /// When nothing fits: the candidates that fail on the purpose alone, with the purposes they
    /// serve. A purpose is the intent of the activity, so it is asked, never offered as a fix.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub purpose_fits: Vec<PurposeFit>,
    pub record: Record,
}

/// An authority that would fit if the proposal's purpose were one it serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurposeFit {
    pub authority: Text,
    pub citation: Text,
    /// The purposes it serves (as declared; each covers the purposes that are a kind of it).
    pub purposes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub authority: Text,
    pub citation: Text,
    pub name: Text,
    pub verdict: Verdict,
    /// 1 = best.
    pub rank: usize,
    /// Why this candidate stands where it does, against the recommended one.
    pub ranking: Message,
    pub reasons: Vec<Reason>,
    pub obligations: Vec<Obligation>,
    /// How the graph links it to the proposal.
    pub paths: Vec<Text>,
    /// Why not: each failed rule (ineligible) or open question (conditional), with its citation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<Message>,
    /// For an ineligible candidate: the smallest verified change that would make it fit, and the
    /// legal remedies where no change to the proposal can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(default, skip_serializing_if = "is_empty")]
    pub caveats: TextList,
}

fn is_empty(list: &TextList) -> bool {
    list.is_empty()
}

impl Candidate {
    pub fn failed(&self) -> impl Iterator<Item = &Reason> {
        self.reasons.iter().filter(|r| r.outcome == Outcome::Fail)
    }
    pub fn unknown(&self) -> impl Iterator<Item = &Reason> {
        self.reasons
            .iter()
            .filter(|r| r.outcome == Outcome::Unknown)
    }
}

/// A fact the planner has not given, and how many candidates it would settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingFact {
    pub fact: String,
    pub question: String,
    /// Conditional candidates for which this is the only open fact: answering it decides them.
    pub settles: usize,
    /// Conditional candidates whose verdict depends on it at all.
    pub candidates: Vec<String>,
}

impl Explanation {
    pub fn recommended(&self) -> Option<&str> {
        self.recommended.as_deref()
    }

    pub fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.authority == id)
    }

    /// Every candidate but the recommended one, best first.
    pub fn runners_up(&self) -> impl Iterator<Item = &Candidate> {
        let rec = self.recommended();
        self.candidates
            .iter()
            .filter(move |c| Some(c.authority.as_str()) != rec)
    }
}

impl Serialize for Decision {
    /// A decision serializes as its explanation: the JSON of `docs/json.md`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.explain().serialize(s)
    }
}

impl Decision {
    /// When nothing fits: why the best-ranked candidate does not, in one line (its first failed
    /// rule with the citation), the line its explanation's ranking gives, without rendering the
    /// rest of the explanation. `None` when an authority fits or no authority is linked.
    pub fn why_none(&self) -> Option<String> {
        self.why_none_with_rule().map(|(line, _)| line)
    }

    /// [`Decision::why_none`] with what it groups by in a report: `AUTHORITY RULE` (the
    /// best-ranked candidate and the rule that failed first), or the authority alone.
    pub fn why_none_with_rule(&self) -> Option<(String, String)> {
        if self.recommended().is_some() {
            return None;
        }
        let (a, c) = self.ranked().next()?;
        let ctx = Context {
            as_of: self.as_of(),
            ledger: None,
        };
        let env = Env::new(self.rules(), self.proposal(), &ctx);
        // A failed `purpose` finding reads no link: the authority serves none of the purposes.
        let failure = self
            .findings(c)
            .iter()
            .find(|f| f.outcome == Outcome::Fail)
            .map(|f| reason(&env, a, &Link::default(), f, self.missing(c, f)));
        let group = match &failure {
            Some(r) => format!("{} {}", a.id, r.rule),
            None => a.id.to_string(),
        };
        let failure = failure.map(|r| Box::new((r.message, r.citation)));
        let line = Message::Ineligible {
            authority: a.id.clone(),
            failure,
        }
        .to_string();
        Some((line, group))
    }

    /// The decision in words: reasons, ranking, why-not lines, fixes, questions, summary, record.
    pub fn explain(&self) -> Explanation {
        explain(self)
    }

    /// The decision in words (the same as `explain`, for call chains that end with the decision).
    pub fn into_explanation(self) -> Explanation {
        explain(&self)
    }
}

/// Renders a decision in words.
fn explain(d: &Decision) -> Explanation {
    let (rules, p) = (d.rules(), d.proposal());
    let (judged, fixes) = judge_ranked(d);
    let best = judged.iter().find(|j| j.verdict != Verdict::Ineligible);
    let recommended = best.map(|j| j.authority.id.to_string());
    let verdict = best.map_or("none", |j| j.verdict.as_str()).to_string();
    let candidates = candidates(judged, fixes, recommended.is_some());
    let contenders: Vec<&str> = d
        .ranked()
        .filter(|(_, c)| c.contends)
        .map(|(a, _)| a.id.as_str())
        .collect();
    let mut missing_facts = missing_facts(rules, p, &candidates, &contenders);
    missing_facts.extend(duty_questions(d, &missing_facts));
    missing_facts.extend(offer_question(d));
    let law_date = d.law_date();
    let purpose_fits = if recommended.is_none() {
        purpose_fits(rules, &candidates)
    } else {
        Vec::new()
    };
    let summary = summary(
        p,
        &candidates,
        recommended.as_deref(),
        &missing_facts,
        &purpose_fits,
    );
    Explanation {
        proposal: p.id.clone(),
        title: p.title.clone(),
        partner: p.partner.clone(),
        fiscal_year: p.fiscal_year(),
        as_of: law_date,
        recommended,
        verdict,
        summary,
        candidates,
        missing_facts,
        purpose_fits,
        record: Record::new(
            &rules.digest,
            p,
            law_date,
            d.ledger_entries(),
            d.ledger_digest(),
        ),
    }
}

/// The facts a duty of the recommended authority waits on (a notice "if it applies"): answering
/// them settles its duties, so they are still needed even when its verdict is not in doubt.
fn duty_questions(d: &Decision, asked: &[MissingFact]) -> Vec<MissingFact> {
    let Some((a, c)) = recommended_considered(d) else {
        return Vec::new();
    };
    let mut facts: Vec<&str> = c
        .obligations
        .iter()
        .flat_map(|o| o.depends_on.iter().map(Text::as_str))
        .filter(|f| !asked.iter().any(|m| m.fact == *f))
        .collect();
    facts.sort_unstable();
    facts.dedup();
    facts
        .into_iter()
        .map(|fact| MissingFact {
            question: questions::question(d.rules(), d.proposal(), fact),
            settles: 0,
            candidates: vec![a.id.to_string()],
            fact: fact.to_string(),
        })
        .collect()
}

/// When the recommended authority's reviews are dated from an assumed offer date (none given):
/// the question that dates them, since the answer moves its duties.
fn offer_question(d: &Decision) -> Option<MissingFact> {
    let (a, c) = recommended_considered(d)?;
    let from_offer = |o: &Obligation| a.duties.get(o.duty).is_some_and(|x| x.counts_from_offer());
    let assumed = d.proposal().offer_date.is_none() && c.obligations.iter().any(from_offer);
    assumed.then(|| MissingFact {
        fact: "offer_date".to_string(),
        question:
            "When is the letter of offer (or licence, lease, consent) issued? (set `offer_date`)"
                .to_string(),
        settles: 0,
        candidates: vec![a.id.to_string()],
    })
}

/// The recommended authority as the decision holds it (duties with their rule references), if
/// any candidate is not ineligible.
fn recommended_considered(
    d: &Decision,
) -> Option<(
    &crate::model::Authority,
    &crate::engine::decision::Considered,
)> {
    d.fitting().next()
}

/// The candidates (at most three, best first) whose one failed rule is the purpose.
fn purpose_fits(rules: &crate::model::RuleBase, candidates: &[Candidate]) -> Vec<PurposeFit> {
    let fails_only_on_purpose = |c: &&Candidate| {
        let mut failed = c.reasons.iter().filter(|r| r.outcome == Outcome::Fail);
        failed.next().is_some_and(|r| r.rule.as_str() == "purpose") && failed.next().is_none()
    };
    candidates
        .iter()
        .filter(fails_only_on_purpose)
        .filter_map(|c| {
            let a = rules.authority(&c.authority)?;
            Some(PurposeFit {
                authority: c.authority.clone(),
                citation: c.citation.clone(),
                purposes: a.serves.items.clone(),
            })
        })
        .take(3)
        .collect()
}

/// Every ranked candidate's findings in words, best first, with the fix in words of an ineligible
/// one (the decision's verified cure, planned again with words on).
fn judge_ranked(d: &Decision) -> (Vec<Judgement<'_>>, Vec<Option<Fix>>) {
    let (rules, p) = (d.rules(), d.proposal());
    let ctx = Context {
        as_of: d.as_of(),
        ledger: None,
    };
    let env = Env::new(rules, p, &ctx);
    let mut links = rules.graph.links(&p.purposes, &p.activities);
    d.ranked()
        .map(|(a, c)| {
            let fix = (c.verdict == Verdict::Ineligible)
                .then(|| fix::fix(&env, d.as_of(), a, d.findings(c), c.cure.as_ref()))
                .filter(|f| !f.is_empty());
            let assessed = Assessment {
                authority: a,
                reach: c.reach,
                verdict: c.verdict,
                findings: c.findings,
                fails: d.store(c).count(c.findings, Outcome::Fail),
                unknowns: d.store(c).count(c.findings, Outcome::Unknown),
                obligations: c.obligations.clone(),
            };
            let link = links.take(a.order);
            (render(&env, d.store(c), assessed, link), fix)
        })
        .unzip()
}

/// The candidates in words: each with its ranking sentence against the top one, its reasons,
/// why-not lines and fix.
fn candidates(judged: Vec<Judgement>, fixes: Vec<Option<Fix>>, fits: bool) -> Vec<Candidate> {
    let top = judged
        .iter()
        .find(|j| j.verdict != Verdict::Ineligible)
        .or(judged.first());
    // The rankings need every judgement; computed first, the reasons can then be moved, not copied.
    let rankings: Vec<Message> = judged
        .iter()
        .map(|j| match top {
            Some(t) if t.authority.id == j.authority.id => {
                if fits {
                    Message::Shared(Text::from_static("recommended"))
                } else {
                    // Nothing fits: the best-ranked one still says why not.
                    first_failure(j)
                }
            }
            Some(t) => why_below(t, j),
            None => Message::default(),
        })
        .collect();
    // Why-not lines also read the judgements before they are moved.
    let extras: Vec<(Vec<Message>, Option<Fix>)> = judged.iter().map(why_not).zip(fixes).collect();
    judged
        .into_iter()
        .zip(rankings)
        .zip(extras)
        .enumerate()
        .map(|(i, ((j, ranking), (why_not, fix)))| Candidate {
            authority: j.authority.id.clone(),
            citation: j.authority.citation.clone(),
            name: j.authority.name.clone(),
            verdict: j.verdict,
            rank: i + 1,
            ranking,
            reasons: j.reasons,
            obligations: j.obligations,
            paths: j.link.paths,
            why_not,
            fix,
            caveats: j.authority.caveats.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::RuleBase;

    #[test]
    fn why_none_is_the_explanations_first_ranking_line() {
        let rb = RuleBase::builtin();
        let mut none = 0;
        for file in RuleBase::builtin_cases() {
            let Ok(p) = rb.read_proposal(&file.name, &file.text) else {
                continue;
            };
            let d = rb.evaluate(&p);
            let e = d.explain();
            let want = match e.recommended {
                Some(_) => None,
                None => e.candidates.first().map(|c| c.ranking.to_string()),
            };
            none += usize::from(want.is_some());
            assert_eq!(d.why_none(), want, "{}", file.name);
        }
        assert!(none > 20, "{none}");
    }
}
