//! Assessments to a `Decision`: the candidates ranked, each with its findings, duties and verified
//! cure. `Decision::explain` renders it as an `Explanation`: the ranking and why, each candidate's
//! reasons in words, the facts still needed, and a record that lets anyone reproduce the decision.

use crate::engine::assess::{
    assess_all, reason, render, Assessment, Context, Env, Finding, Findings, Judgement, Obligation,
    Outcome, Reason, Span, Verdict,
};
use crate::engine::cure::{self, Cure, Fix};
use crate::input::proposal::Proposal;
use crate::model::graph::{Link, Reach};
use crate::model::text::{Message, Text};
use crate::rulebase::RuleBase;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

/// The decision for one proposal: every candidate authority ranked, best first, with the findings
/// behind its verdict, the duties that follow and, for an ineligible one, the verified change that
/// would cure it. Built without any explanation text; `explain` renders that on first use, and
/// serializing a decision writes its explanation (the JSON of `../shared/spec/cli.md`).
#[derive(Clone)]
pub struct Decision {
    rules: RuleBase,
    proposal: Proposal,
    as_of: Option<Date>,
    ledger_entries: usize,
    /// SHA-256 of the ledger, for the record.
    ledger_digest: Option<String>,
    ranked: Vec<Considered>,
    /// Every candidate's findings, in one store (`Considered::findings` says where).
    findings: Findings,
    explained: OnceLock<Explanation>,
}

/// One candidate of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Considered {
    pub reach: Reach,
    pub verdict: Verdict,
    /// Where its findings are: `Decision::findings` reads them.
    pub findings: Span,
    pub obligations: Vec<Obligation>,
    /// For an ineligible candidate: the verified change that would make it fit, if any.
    pub cure: Option<Cure>,
}

impl fmt::Debug for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decision")
            .field("proposal", &self.proposal.id)
            .field("recommended", &self.recommended())
            .field("ranked", &self.ranked)
            .finish_non_exhaustive()
    }
}

impl PartialEq for Decision {
    /// Two decisions are equal when they say the same: same rule base, proposal, law date and
    /// ranked candidates.
    fn eq(&self, other: &Decision) -> bool {
        self.rules.digest == other.rules.digest
            && self.proposal == other.proposal
            && self.as_of == other.as_of
            && self.ledger_entries == other.ledger_entries
            && self.ledger_digest == other.ledger_digest
            && self.ranked == other.ranked
            && self.findings == other.findings
    }
}

impl Eq for Decision {}

impl Serialize for Decision {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.explain().serialize(s)
    }
}

impl Decision {
    /// The best candidate that is eligible or conditional.
    pub fn recommended(&self) -> Option<&str> {
        self.best().map(|(a, _)| a.id.as_str())
    }

    /// `eligible`, `conditional` or `none`.
    pub fn verdict(&self) -> &'static str {
        self.best().map_or("none", |(_, c)| c.verdict.as_str())
    }

    fn best(&self) -> Option<(&crate::model::Authority, &Considered)> {
        self.ranked()
            .find(|(_, c)| c.verdict != Verdict::Ineligible)
    }

    /// The candidates, best first, with their authorities.
    pub fn ranked(&self) -> impl Iterator<Item = (&crate::model::Authority, &Considered)> {
        self.ranked.iter().filter_map(|c| {
            self.rules
                .authorities
                .get(c.reach.authority)
                .map(|a| (a, c))
        })
    }

    pub fn proposal(&self) -> &Proposal {
        &self.proposal
    }

    /// A candidate's findings: every rule's outcome, the built-in checks first.
    pub fn findings(&self, c: &Considered) -> &[Finding] {
        self.findings.of(c.findings)
    }

    /// The facts whose absence left a finding unknown, sorted.
    pub fn missing(&self, f: &Finding) -> &[Text] {
        self.findings.missing(f)
    }

    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub fn law_date(&self) -> Date {
        self.as_of.unwrap_or(self.proposal.start)
    }

    /// When nothing fits: why the best-ranked candidate does not, in one line (its first failed
    /// rule with the citation), the line its explanation's ranking gives, without rendering the
    /// rest of the explanation. `None` when an authority fits or no authority is linked.
    pub fn why_none(&self) -> Option<String> {
        if self.recommended().is_some() {
            return None;
        }
        let (a, c) = self.ranked().next()?;
        let ctx = Context {
            as_of: self.as_of,
            ledger: None,
        };
        let env = Env::new(&self.rules, &self.proposal, &ctx);
        // A failed `purpose` finding reads no link: the authority serves none of the purposes.
        let failure = self
            .findings(c)
            .iter()
            .find(|f| f.outcome == Outcome::Fail)
            .map(|f| reason(&env, a, &Link::default(), f, self.missing(f)))
            .map(|r| Box::new((r.message, r.citation)));
        Some(
            Message::Ineligible {
                authority: a.id.clone(),
                failure,
            }
            .to_string(),
        )
    }

    /// The decision in words, rendered on first use and kept.
    pub fn explain(&self) -> &Explanation {
        self.explained.get_or_init(|| explain(self))
    }

    /// The explanation, rendered if it was not yet.
    pub fn into_explanation(self) -> Explanation {
        match self.explained.into_inner() {
            Some(e) => e,
            None => explain(&Decision {
                explained: OnceLock::new(),
                ..self
            }),
        }
    }
}

/// A decision in words; serializes to the JSON of `../shared/spec/cli.md` (plus extras).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Explanation {
    pub proposal: String,
    pub title: String,
    pub partner: String,
    pub fiscal_year: i16,
    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub as_of: Date,
    pub recommended: Option<String>,
    /// `eligible`, `conditional` or `none`.
    pub verdict: String,
    /// One plain-language paragraph for a staff memo.
    pub summary: String,
    pub candidates: Vec<Candidate>,
    pub missing_facts: Vec<MissingFact>,
    pub record: Record,
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
    pub paths: Vec<String>,
    /// Why not: each failed rule (ineligible) or open question (conditional), with its citation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why_not: Vec<Message>,
    /// For an ineligible candidate: the smallest verified change that would make it fit, and the
    /// legal remedies where no change to the proposal can.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub caveats: Vec<Text>,
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

/// Enough to reproduce a decision later: a digest of every input that decided it. Two decisions
/// with the same `digest` were made by the same program from the same rule base, proposal, ledger
/// and law date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub authsel_version: String,
    /// SHA-256 of the rule files.
    pub rules_digest: String,
    /// SHA-256 of the proposal (its JSON).
    pub input_digest: String,
    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub as_of: Date,
    pub ledger_entries: usize,
    /// SHA-256 of the ledger (its JSON), `null` when no ledger was given.
    #[serde(default)]
    pub ledger_digest: Option<String>,
    /// SHA-256 of all of the above: version, rule base, proposal, ledger and law date.
    #[serde(default)]
    pub digest: String,
}

impl Explanation {
    pub fn recommended(&self) -> Option<&str> {
        self.recommended.as_deref()
    }

    pub fn candidate(&self, id: &str) -> Option<&Candidate> {
        self.candidates.iter().find(|c| c.authority == id)
    }
}

/// The ordering key: verdict; among ineligible candidates, one a verified change would cure before
/// one nothing cures, and the cheaper change first; then failed rules (fewer = closer to fitting),
/// purposes served by name, purposes served at all, open questions, specificity (lex specialis: the
/// narrower authority governs), catalogue order (which makes the order total).
type RankKey = (
    Verdict,
    bool,
    usize,
    usize,
    Reverse<usize>,
    Reverse<usize>,
    usize,
    usize,
    usize,
);

/// `RankKey` as one integer with the same order, if every count fits in 16 bits.
fn pack(k: &RankKey) -> Option<u128> {
    let (verdict, uncured, cost, fails, Reverse(direct), Reverse(served), unknown, breadth, order) =
        *k;
    let field = |v: usize| u16::try_from(v).ok().map(u128::from);
    // Reverse(x) sorts descending: store u16::MAX - x.
    let rev = |v: usize| field(v).map(|x| u128::from(u16::MAX) - x);
    // 2 + 1 + 7 × 16 = 115 bits.
    let head = (verdict as u128) << 1 | u128::from(uncured);
    let parts = [
        field(cost),
        field(fails),
        rev(direct),
        rev(served),
        field(unknown),
        field(breadth),
        field(order),
    ];
    parts
        .into_iter()
        .try_fold(head, |acc, p| p.map(|p| (acc << 16) | p))
}

fn rank_key(a: &Assessment, cure: Option<&Cure>) -> RankKey {
    (
        a.verdict,
        cure.is_none(),
        cure.map_or(0, Cure::cost),
        a.fails,
        Reverse(a.reach.direct),
        Reverse(a.reach.direct + a.reach.inherited),
        a.unknowns,
        a.authority.breadth(),
        a.authority.order,
    )
}

/// The failed rules (ineligible) or open questions (conditional), one line each with the citation.
fn why_not(j: &Judgement) -> Vec<Message> {
    let want = match j.verdict {
        Verdict::Eligible => return Vec::new(),
        Verdict::Conditional => Outcome::Unknown,
        Verdict::Ineligible => Outcome::Fail,
    };
    j.reasons
        .iter()
        .filter(|r| r.outcome == want)
        .map(|r| Message::WhyNot {
            rule: r.rule.clone(),
            message: Box::new(r.message.clone()),
            citation: r.citation.clone(),
        })
        .collect()
}

fn first_failure(j: &Judgement) -> Message {
    Message::Ineligible {
        authority: j.authority.id.clone(),
        failure: j
            .reasons
            .iter()
            .find(|r| r.outcome == Outcome::Fail)
            .map(|r| Box::new((r.message.clone(), r.citation.clone()))),
    }
}

/// One sentence: why `lower` ranks below `upper`.
fn why_below(upper: &Judgement, lower: &Judgement) -> Message {
    Message::Over {
        upper: upper.authority.id.clone(),
        lower: lower.authority.id.clone(),
        why: Box::new(contrast(upper, lower)),
    }
}

/// The first ranking criterion that separates the two, in words.
fn contrast(upper: &Judgement, lower: &Judgement) -> Message {
    let (u, l) = (&upper.authority.id, &lower.authority.id);
    if lower.verdict == Verdict::Ineligible {
        return first_failure(lower);
    }
    Message::Owned(contrast_text(upper, lower, u, l))
}

fn contrast_text(upper: &Judgement, lower: &Judgement, u: &Text, l: &Text) -> String {
    if lower.verdict != upper.verdict {
        return match lower.verdict {
            Verdict::Ineligible => first_failure(lower).to_string(),
            _ => {
                let needs: Vec<String> = lower
                    .reasons
                    .iter()
                    .flat_map(|r| r.missing.iter().cloned())
                    .collect();
                format!(
                    "{u} is {} now; {l} is conditional until {} is known",
                    upper.verdict.as_str(),
                    dedup(needs).join(", ")
                )
            }
        };
    }
    if lower.link.direct.len() != upper.link.direct.len() {
        return format!(
            "{u} serves {} by name; {l} serves {}",
            upper.link.direct.join(", "),
            if lower.link.direct.is_empty() {
                "them only through a broader purpose".to_string()
            } else {
                lower.link.direct.join(", ")
            }
        );
    }
    let (ua, la) = (
        upper.link.direct.len() + upper.link.inherited.len(),
        lower.link.direct.len() + lower.link.inherited.len(),
    );
    if ua != la {
        return format!("{u} serves {ua} of the proposal's purposes, {l} {la}");
    }
    let (uu, lu) = (upper.count(Outcome::Unknown), lower.count(Outcome::Unknown));
    if uu != lu {
        return format!("{u} leaves {uu} question(s) open, {l} {lu}");
    }
    let (ub, lb) = (upper.authority.breadth(), lower.authority.breadth());
    if ub != lb {
        return format!(
            "{u} is the more specific authority ({ub} purposes and activities against {l}'s {lb}); the specific authority governs the general"
        );
    }
    format!("{u} and {l} tie on every criterion; {u} comes first in the catalogue")
}

fn dedup(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v.dedup();
    v
}

/// Decides: assesses every candidate, plans and verifies a cure for each ineligible one, and ranks
/// them. No explanation text is built here.
pub fn decide(rules: &RuleBase, p: &Proposal, ctx: &Context) -> Decision {
    let env = Env::new(rules, p, ctx);
    let mut scratch = None;
    let (assessed, findings) = assess_all(&env, ctx);
    // Keys and candidates side by side, in catalogue order: the keys are sorted, each candidate
    // is moved once, into its place.
    let mut keys: Vec<RankKey> = Vec::with_capacity(assessed.len());
    let mut slots: Vec<Option<Considered>> = Vec::with_capacity(assessed.len());
    for a in assessed {
        // Verified cures first: among ineligible candidates, one that a change to the proposal
        // would make fit is closer than one that nothing cures, so the cure takes part in the
        // ranking. No edit makes an authority serve a purpose it does not serve: nothing to plan.
        let cure = if a.verdict == Verdict::Ineligible && a.reach.serves_any() {
            cure::cure(
                &env,
                ctx,
                a.authority,
                findings.of(a.findings),
                &mut scratch,
            )
        } else {
            None
        };
        // The position in catalogue order stands in for the catalogue order: within one decision
        // they order the same, and the position says which candidate a sorted key is.
        let (v, u, c, f, d, s, q, b, _) = rank_key(&a, cure.as_ref());
        keys.push((v, u, c, f, d, s, q, b, slots.len()));
        slots.push(Some(Considered {
            reach: a.reach,
            verdict: a.verdict,
            findings: a.findings,
            obligations: a.obligations,
            cure,
        }));
    }
    // Packed into one integer when every count fits in 16 bits (always, for any real rule base):
    // the position in the low bits makes each key unique and says which candidate it is. The
    // tuples otherwise.
    let packed: Option<Vec<u128>> = keys.iter().map(pack).collect();
    let order: Vec<usize> = match packed {
        Some(mut keys) => {
            keys.sort_unstable();
            keys.into_iter().map(|k| usize::from(k as u16)).collect()
        }
        None => {
            keys.sort_unstable();
            keys.into_iter().map(|k| k.8).collect()
        }
    };
    let mut ranked: Vec<Considered> = Vec::with_capacity(order.len());
    ranked.extend(
        order
            .iter()
            .filter_map(|i| slots.get_mut(*i).and_then(Option::take)),
    );
    Decision {
        rules: rules.clone(),
        proposal: p.clone(),
        as_of: ctx.as_of,
        ledger_entries: ctx.ledger.map_or(0, |l| l.entries.len()),
        ledger_digest: ctx.ledger.map(sha256_json),
        ranked,
        findings,
        explained: OnceLock::new(),
    }
}

/// Renders a decision in words.
fn explain(d: &Decision) -> Explanation {
    let rules = &d.rules;
    let p = &d.proposal;
    let ctx = Context {
        as_of: d.as_of,
        ledger: None,
    };
    let env = Env::new(rules, p, &ctx);
    let mut links = rules.graph.candidates(&p.purposes, &p.activities);
    let judged: Vec<(Judgement, Option<Fix>)> = d
        .ranked()
        .map(|(a, c)| {
            let fix = (c.verdict == Verdict::Ineligible)
                .then(|| cure::fix(&env, d.as_of, a, d.findings(c), c.cure.as_ref()))
                .filter(|f| !f.is_empty());
            let assessed = Assessment {
                authority: a,
                reach: c.reach,
                verdict: c.verdict,
                findings: c.findings,
                fails: d.findings.count(c.findings, Outcome::Fail),
                unknowns: d.findings.count(c.findings, Outcome::Unknown),
                obligations: c.obligations.clone(),
            };
            let link = links.remove(a.id.as_str()).unwrap_or_default();
            (render(&env, &d.findings, assessed, link), fix)
        })
        .collect();
    let (judged, fixes): (Vec<Judgement>, Vec<Option<Fix>>) = judged.into_iter().unzip();
    let best = judged.iter().find(|j| j.verdict != Verdict::Ineligible);
    let recommended = best.map(|j| j.authority.id.to_string());
    let verdict = best.map_or("none", |j| j.verdict.as_str()).to_string();
    let top = best.or(judged.first());

    // The rankings need every judgement; computed first, the reasons can then be moved, not copied.
    let rankings: Vec<Message> = judged
        .iter()
        .map(|j| match top {
            Some(t) if t.authority.id == j.authority.id => {
                if recommended.is_some() {
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
    let candidates: Vec<Candidate> = judged
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
        .collect();

    let missing_facts = missing_facts(rules, p, &candidates);
    let law_date = d.law_date();
    let summary = summary(p, &candidates, recommended.as_deref(), &missing_facts);
    let input_digest = input_digest(p);
    let rules_digest = rules.digest.clone();
    let authsel_version = env!("CARGO_PKG_VERSION").to_string();
    let digest = sha256_json(&(
        &authsel_version,
        &rules_digest,
        &input_digest,
        &d.ledger_digest,
        law_date,
    ));
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
        record: Record {
            authsel_version,
            rules_digest,
            input_digest,
            as_of: law_date,
            ledger_entries: d.ledger_entries,
            ledger_digest: d.ledger_digest.clone(),
            digest,
        },
    }
}

/// SHA-256 of the proposal's JSON, in hex.
fn input_digest(p: &Proposal) -> String {
    sha256_json(p)
}

/// SHA-256 of a value's JSON, in hex. The JSON is hashed as it is written, not built first.
fn sha256_json<T: Serialize + ?Sized>(value: &T) -> String {
    struct Hasher(Sha256);
    impl std::io::Write for Hasher {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hasher(Sha256::new());
    // Serializing plain data cannot fail; if it ever did, the digest would be of the empty string,
    // as before.
    if serde_json::to_writer(&mut h, value).is_err() {
        h = Hasher(Sha256::new());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.0.finalize() {
        for nibble in [b >> 4, b & 0xf] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}

fn missing_facts(rules: &RuleBase, p: &Proposal, candidates: &[Candidate]) -> Vec<MissingFact> {
    let mut by_fact: BTreeMap<String, (usize, Vec<String>)> = BTreeMap::new();
    for c in candidates
        .iter()
        .filter(|c| c.verdict == Verdict::Conditional)
    {
        let mut open: Vec<&String> = c.unknown().flat_map(|r| r.missing.iter()).collect();
        open.sort();
        open.dedup();
        for m in &open {
            let e = by_fact.entry((*m).clone()).or_default();
            e.1.push(c.authority.to_string());
            if open.len() == 1 {
                e.0 += 1;
            }
        }
    }
    let mut out: Vec<MissingFact> = by_fact
        .into_iter()
        .map(|(fact, (settles, cands))| MissingFact {
            question: question(rules, p, &fact),
            settles,
            candidates: cands,
            fact,
        })
        .collect();
    out.sort_by(|a, b| {
        b.settles
            .cmp(&a.settles)
            .then(b.candidates.len().cmp(&a.candidates.len()))
            .then(a.fact.cmp(&b.fact))
    });
    out
}

/// The planner-facing question for a missing fact.
pub fn question(rules: &RuleBase, p: &Proposal, fact: &str) -> String {
    match fact {
        "leahy" => match p.leahy {
            Some(s) => format!("Leahy vetting of the recipient units is {s}: has it passed?"),
            None => "Has every recipient unit passed Leahy human-rights vetting? (set `leahy`)"
                .to_string(),
        },
        "emergency" => {
            "Has the President determined that an emergency exists? (set `emergency`)".to_string()
        }
        "duration_months" => {
            "How many months will the activity or lease run? (set `duration_months`)".to_string()
        }
        "funding" => "Whose money pays for it? (set `funding`)".to_string(),
        "major_defense_equipment_usd" => {
            "What value of major defense equipment is included? (set `major_defense_equipment_usd`)"
                .to_string()
        }
        f => {
            if let Some(name) = f.strip_prefix("fact.") {
                let meaning = rules
                    .facts
                    .get(name)
                    .map_or(String::new(), |d| format!(": {}", d.meaning));
                format!("What is `{name}`{meaning}? (add it to `facts`)")
            } else if let Some(g) = f.strip_prefix("partner.") {
                let meaning = rules
                    .registry
                    .groups
                    .get(g)
                    .map_or(String::new(), |d| format!(" ({})", d.meaning));
                format!(
                    "Is {} in the group `{g}`{meaning}? The partner registry does not know it (add `\"{g}\"` to `facts`)",
                    p.partner
                )
            } else {
                format!("What is `{f}`?")
            }
        }
    }
}

fn summary(
    p: &Proposal,
    cands: &[Candidate],
    rec: Option<&str>,
    missing: &[MissingFact],
) -> String {
    let head = format!(
        "{} ({}, {}, ${} starting {})",
        p.title,
        p.id,
        p.partner,
        group_digits(p.amount_usd),
        p.start
    );
    match rec.and_then(|r| cands.iter().find(|c| c.authority == r)) {
        Some(c) => {
            let duties: Vec<String> = c
                .obligations
                .iter()
                .filter(|o| o.status == "required")
                .map(|o| match o.deadline {
                    Some(d) => format!("{} by {d}", o.kind.replace('_', " ")),
                    None => o.kind.replace('_', " "),
                })
                .collect();
            let mut s = format!(
                "{head}: use {} ({}, {}); it is {}.",
                c.authority,
                c.name,
                c.citation,
                c.verdict.as_str()
            );
            if c.verdict == Verdict::Conditional {
                let qs: Vec<&str> = missing
                    .iter()
                    .filter(|m| m.candidates.iter().any(|x| x == r_id(c)))
                    .map(|m| m.fact.as_str())
                    .collect();
                s.push_str(&format!(" Still needed: {}.", qs.join(", ")));
            }
            if !duties.is_empty() {
                s.push_str(&format!(" Duties: {}.", duties.join("; ")));
            }
            let others = cands.iter().filter(|x| x.authority != c.authority).count();
            if others > 0 {
                s.push_str(&format!(
                    " {others} other candidate(s) considered; see why not below."
                ));
            }
            s
        }
        None => {
            let mut s = format!(
                "{head}: no authority fits. {} candidate(s) considered, all ineligible; see the failed rules below.",
                cands.len()
            );
            // Name the closest authority when a verified change would make it fit.
            if let Some((c, f)) = cands.first().and_then(|c| {
                c.fix
                    .as_ref()
                    .filter(|f| !f.changes.is_empty())
                    .map(|f| (c, f))
            }) {
                s.push_str(&format!(
                    " Closest: {} ({}), which would fit if you: {}.",
                    c.authority,
                    c.citation,
                    f.steps.join("; and ")
                ));
            }
            s
        }
    }
}

fn r_id(c: &Candidate) -> &str {
    &c.authority
}

fn group_digits(v: u64) -> String {
    crate::model::Usd(v)
        .to_string()
        .trim_start_matches('$')
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> impl Strategy<Value = RankKey> {
        let verdict = prop_oneof![
            Just(Verdict::Eligible),
            Just(Verdict::Conditional),
            Just(Verdict::Ineligible)
        ];
        let n = || 0usize..70_000;
        (verdict, any::<bool>(), (n(), n(), n(), n(), n(), n(), n()))
            .prop_map(|(v, u, (c, f, d, s, q, b, o))| (v, u, c, f, Reverse(d), Reverse(s), q, b, o))
    }

    /// `why_none` renders, alone, the line the full explanation gives the best-ranked candidate
    /// when nothing fits.
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

    proptest! {
        /// The packed key orders as the tuple does, and packs exactly when every count fits.
        #[test]
        fn packed_rank_keys_order_as_the_tuples(a in key(), other in key(), field in 0usize..10) {
            // Mostly keys that differ in one field only, so every field's place is tested.
            let mut b = a;
            match field {
                0 => b.0 = other.0,
                1 => b.1 = other.1,
                2 => b.2 = other.2,
                3 => b.3 = other.3,
                4 => b.4 = other.4,
                5 => b.5 = other.5,
                6 => b.6 = other.6,
                7 => b.7 = other.7,
                8 => b.8 = other.8,
                _ => b = other,
            }
            let fits = |k: &RankKey| [k.2, k.3, k.4.0, k.5.0, k.6, k.7, k.8].iter().all(|x| *x <= 65_535);
            match (pack(&a), pack(&b)) {
                (Some(pa), Some(pb)) => prop_assert_eq!(pa.cmp(&pb), a.cmp(&b)),
                (pa, pb) => {
                    prop_assert_eq!(pa.is_some(), fits(&a));
                    prop_assert_eq!(pb.is_some(), fits(&b));
                }
            }
        }
    }
}
