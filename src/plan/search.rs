//! The plan search. Candidates are the authorities the graph links to the proposal that serve at
//! least one of its purposes and provide at least one of its activities. Each group of activities
//! a candidate provides is a possible part, judged by the engine once per distinct part proposal
//! (memoized by its activities and purposes: one evaluation judges every candidate at once). The
//! activities are then partitioned (every set partition into at most `MAX_PARTS` blocks), each block
//! given one of its `PER_PART_CHOICES` best-fitting authorities, no authority twice, and every
//! complete plan compared by the ranking key. Bounds: at most `MAX_ACTIVITIES` activities (203
//! partitions of six) and `MAX_EVALUATIONS` distinct parts evaluated; beyond them the search stops
//! with a `PlanError`, never a guess.

use super::timeline::{self, Paperwork};
use super::{Crossing, Part, Plan, PlanError, PlanOption, SearchStats};
use crate::engine::assess::{Context, Obligation, Outcome, RuleRef, Verdict};
use crate::engine::decision::Decision;
use crate::input::proposal::Proposal;
use crate::model::{Funding, RuleBase, Usd};
use jiff::civil::Date;
use std::collections::HashMap;

/// The most activities a proposal may have for a plan to be searched.
pub const MAX_ACTIVITIES: usize = 6;
/// The most parts (authorities) in one plan.
pub const MAX_PARTS: usize = 4;
/// The most distinct part proposals the search evaluates.
pub const MAX_EVALUATIONS: usize = 512;
/// For each group of activities, how many of the best-fitting authorities are tried.
pub const PER_PART_CHOICES: usize = 4;
/// The best plan and up to two alternatives.
const OPTIONS: usize = 3;

/// An authority that may take a part.
struct Candidate {
    /// Position in the rule base's `authorities` (catalogue order).
    index: usize,
    id: String,
    /// The proposal's purposes it serves, in the proposal's order.
    purposes: Vec<String>,
    /// Bit i: it provides the proposal's activity i.
    provides: u32,
}

/// How one candidate fits one group of activities.
#[derive(Clone)]
struct Fit {
    verdict: Verdict,
    open: usize,
    obligations: Vec<Obligation>,
    /// Its rules with a `when` guard that holds for the part: the special conditions the part's
    /// activities, purposes or share engage (`Key::limits`).
    limits: usize,
    /// Where the engine ranks it (1 = first) for these activities and all the proposal's purposes.
    rank: usize,
}

/// The rank of an authority the engine does not list.
const UNRANKED: usize = 1000;

/// One complete plan during the search: (activity mask, candidate) per part, and its key.
#[derive(Clone)]
struct Draft {
    parts: Vec<(u32, usize)>,
    key: Key,
}

/// The ranking key: fewest authorities, fewest open findings, least paperwork, earliest start,
/// then catalogue order.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    parts: usize,
    open: usize,
    paperwork: usize,
    start: Date,
    /// Rules with a `when` guard that holds, across the parts: specific over general, an activity
    /// goes where the law grants it without a special condition (§ 333 builds only small-scale
    /// construction; § 2561 builds without that limit).
    limits: usize,
    /// Without `serves`: for each activity, the position (in `purposes`) of the first purpose its
    /// part's authority serves, summed: the first-named purpose is the main one, and its authority
    /// keeps every activity it can lawfully take. 0 when `serves` says which purpose each serves.
    main: usize,
    /// The engine's ranks of the parts' authorities for their activities, summed.
    ranks: usize,
    order: Vec<usize>,
}

struct Search<'a> {
    rb: &'a RuleBase,
    proposal: &'a Proposal,
    ctx: &'a Context<'a>,
    today: Option<Date>,
    candidates: Vec<Candidate>,
    /// Decisions by (activity mask, purposes).
    decisions: HashMap<(u32, Vec<String>), Decision>,
    /// Fits by (activity mask, candidate).
    fits: HashMap<(u32, usize), Fit>,
}

pub(super) fn plan(
    rb: &RuleBase,
    proposal: &Proposal,
    ctx: &Context,
    today: Option<Date>,
) -> Result<Plan, PlanError> {
    let n = proposal.activities.len();
    if n > MAX_ACTIVITIES {
        return Err(PlanError::TooManyActivities {
            count: n,
            max: MAX_ACTIVITIES,
        });
    }
    let whole = rb.evaluate_with(proposal, ctx);
    let mut s = Search {
        rb,
        proposal,
        ctx,
        today,
        candidates: candidates(rb, proposal),
        decisions: HashMap::new(),
        fits: HashMap::new(),
    };
    s.judge_all()?;
    let drafts = s.drafts();
    let plans_compared = drafts.len();
    let options = verified(&s, &drafts, proposal.start)?;
    let why_none = if options.is_empty() {
        s.why_none()
    } else {
        Vec::new()
    };
    let tied = options
        .first()
        .is_some_and(|(k, _)| tied_assignment(&drafts, k));
    let (mut choice, options) = ranked(options);
    if tied {
        choice = choice.map(|c| {
            format!(
                "{c}; the same authorities could take the activities another way at the same cost (which activity serves which purpose is the planner's call)"
            )
        });
    }
    Ok(Plan {
        proposal: proposal.id.clone(),
        title: proposal.title.clone(),
        amount_usd: proposal.amount_usd,
        today,
        single: whole.recommended().map(str::to_string),
        single_verdict: whole.verdict().to_string(),
        single_is_best: options.first().is_some_and(|o| {
            o.parts.len() == 1 && o.authorities.first().map(String::as_str) == whole.recommended()
        }),
        assumed: options.first().and_then(|o| assumed(proposal, o)),
        options,
        choice,
        why_none,
        search: SearchStats {
            activities: n,
            evaluations: s.decisions.len(),
            plans_compared,
        },
    })
}

/// The best drafts, one per set of authorities, offered (each part re-evaluated alone) and ranked
/// again with what only the verified parts tell; at most `OPTIONS`.
fn verified(
    s: &Search,
    drafts: &[Draft],
    start: Date,
) -> Result<Vec<(Key, PlanOption)>, PlanError> {
    // Twice as many as shown are verified, then ranked again with what only the verified parts
    // tell: the duties kept because the parts together cross a threshold.
    // One assignment per set of authorities: the alternatives are other authorities, not the same
    // ones with the activities dealt differently.
    let mut options = Vec::new();
    let mut sets: Vec<&Vec<usize>> = Vec::new();
    for d in drafts {
        if options.len() == 2 * OPTIONS {
            break;
        }
        if sets.contains(&&d.key.order) {
            continue;
        }
        sets.push(&d.key.order);
        if let Some(o) = s.offer(d)? {
            options.push((final_key(&d.key, &o, start), o));
        }
    }
    options.sort_by(|a, b| a.0.cmp(&b.0));
    options.truncate(OPTIONS);
    Ok(options)
}

/// The authorities that may take a part, in catalogue order.
fn candidates(rb: &RuleBase, p: &Proposal) -> Vec<Candidate> {
    let links = rb.graph.candidates(&p.purposes, &p.activities);
    let mut out: Vec<Candidate> = links
        .iter()
        .filter(|(_, l)| l.serves_any() && !l.activities.is_empty())
        .filter_map(|(id, l)| {
            let index = rb.authorities.iter().position(|a| a.id == id.as_str())?;
            let purposes = p
                .purposes
                .iter()
                .filter(|x| {
                    l.direct.iter().any(|d| d == *x) || l.inherited.iter().any(|(q, _)| q == *x)
                })
                .cloned()
                .collect();
            let provides = mask_of(p, |act| l.activities.iter().any(|x| x == act));
            Some(Candidate {
                index,
                id: id.clone(),
                purposes,
                provides,
            })
        })
        .collect();
    out.sort_by_key(|c| c.index);
    out
}

/// The bits of the proposal's activities that satisfy `keep`.
fn mask_of(p: &Proposal, keep: impl Fn(&str) -> bool) -> u32 {
    p.activities
        .iter()
        .enumerate()
        .filter(|(_, a)| keep(a))
        .fold(0, |m, (i, _)| m | (1 << i))
}

/// The activities of `mask`, in the proposal's order.
fn activities_of(p: &Proposal, mask: u32) -> Vec<String> {
    p.activities
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, a)| a.clone())
        .collect()
}

fn full_mask(p: &Proposal) -> u32 {
    (1u32 << p.activities.len()) - 1
}

/// The purposes the activities of `mask` serve by `serves`, in the proposal's order.
fn served_by(p: &Proposal, mask: u32) -> Vec<String> {
    let acts = activities_of(p, mask);
    p.purposes
        .iter()
        .filter(|q| {
            acts.iter()
                .any(|a| p.serves.get(a).is_some_and(|v| v.contains(q)))
        })
        .cloned()
        .collect()
}

/// The purposes of the part of `mask` under candidate `c`: with `serves`, exactly those its
/// activities serve (`None` if `c` does not serve them all); without, those of the proposal `c`
/// serves.
fn part_purposes(p: &Proposal, mask: u32, c: &Candidate) -> Option<Vec<String>> {
    if p.serves.is_empty() {
        return Some(c.purposes.clone());
    }
    let need = served_by(p, mask);
    need.iter().all(|q| c.purposes.contains(q)).then_some(need)
}

/// Who pays for the part of `mask`: the one source of its activities (`activity_funding`, else
/// the proposal's `funding`); `None` if they are paid from different sources, since one part is
/// paid from one source and a plan never changes the money.
pub(super) fn part_funding(p: &Proposal, mask: u32) -> Option<Option<Funding>> {
    let mut sources = activities_of(p, mask)
        .into_iter()
        .map(|a| p.activity_funding.get(&a).copied().or(p.funding));
    let first = sources.next()?;
    sources.all(|f| f == first).then_some(first)
}

/// The share of `amount_usd` of the activities in `mask`: the sum of their `amounts`, the whole
/// amount for all of them, else unknown.
fn share(p: &Proposal, mask: u32) -> Result<Option<u64>, PlanError> {
    if mask == full_mask(p) {
        return Ok(Some(p.amount_usd));
    }
    let acts = activities_of(p, mask);
    let mut sum: u64 = 0;
    for a in &acts {
        let Some(v) = p.amounts.get(a) else {
            return Ok(None);
        };
        sum = sum.checked_add(*v).ok_or(PlanError::AmountOverflow)?;
    }
    Ok(Some(sum))
}

/// The part proposal: the activities of `mask`, the purposes given, `amount` (its share, or the
/// whole amount when the share is unknown); everything else as the proposal says. The major defense
/// equipment stays when it fits in the amount, else it is unknown.
fn part_proposal(
    p: &Proposal,
    id: String,
    mask: u32,
    purposes: &[String],
    amount: u64,
) -> Proposal {
    let activities = activities_of(p, mask);
    let mut part = p.clone();
    part.id = id;
    part.title = format!("{}: {}", p.title, activities.join(", "));
    part.amounts = activities
        .iter()
        .filter_map(|a| p.amounts.get(a).map(|v| (a.clone(), *v)))
        .collect();
    let sum = part
        .amounts
        .values()
        .try_fold(0u64, |s, v| s.checked_add(*v));
    if part.amounts.len() != activities.len() || sum != Some(amount) {
        part.amounts.clear();
    }
    part.serves = activities
        .iter()
        .filter_map(|a| p.serves.get(a).map(|v| (a.clone(), v.clone())))
        .collect();
    part.activity_funding = activities
        .iter()
        .filter_map(|a| p.activity_funding.get(a).map(|f| (a.clone(), *f)))
        .collect();
    part.funding = part_funding(p, mask).unwrap_or(p.funding);
    part.activities = activities;
    part.purposes = purposes.to_vec();
    part.amount_usd = amount;
    part.major_defense_equipment_usd = p.major_defense_equipment_usd.filter(|m| *m <= amount);
    part
}

/// Every non-empty subset of `mask`.
fn subsets(mask: u32) -> impl Iterator<Item = u32> {
    let mut next = Some(mask);
    std::iter::from_fn(move || {
        let cur = next.filter(|m| *m != 0)?;
        next = Some((cur - 1) & mask);
        Some(cur)
    })
}

impl Search<'_> {
    /// Judges every candidate on every group of activities it provides.
    fn judge_all(&mut self) -> Result<(), PlanError> {
        for ci in 0..self.candidates.len() {
            let Some(provides) = self.candidates.get(ci).map(|c| c.provides) else {
                continue;
            };
            for mask in subsets(provides) {
                let fit = self.judge(mask, ci)?;
                self.fits.insert((mask, ci), fit);
            }
        }
        Ok(())
    }

    /// How candidate `ci` fits the part of `mask`, from the (memoized) decision on that part; with
    /// where the engine ranks it for those activities and all the proposal's purposes.
    fn judge(&mut self, mask: u32, ci: usize) -> Result<Fit, PlanError> {
        let Some(c) = self.candidates.get(ci) else {
            return Ok(ineligible());
        };
        let id = c.id.clone();
        let Some(purposes) = part_purposes(self.proposal, mask, c) else {
            return Ok(ineligible());
        };
        if part_funding(self.proposal, mask).is_none() {
            return Ok(ineligible());
        }
        let mut fit = fit_of(self.decision(mask, purposes)?, &id);
        let all = if self.proposal.serves.is_empty() {
            self.proposal.purposes.clone()
        } else {
            served_by(self.proposal, mask)
        };
        fit.rank = self
            .decision(mask, all)?
            .ranked()
            .position(|(a, _)| a.id == id.as_str())
            .map_or(UNRANKED, |i| i + 1);
        Ok(fit)
    }

    /// The engine's decision on the part of `mask` with `purposes`, evaluated once.
    fn decision(&mut self, mask: u32, purposes: Vec<String>) -> Result<&Decision, PlanError> {
        let key = (mask, purposes);
        if !self.decisions.contains_key(&key) {
            if self.decisions.len() >= MAX_EVALUATIONS {
                return Err(PlanError::TooManyEvaluations {
                    max: MAX_EVALUATIONS,
                });
            }
            let amount = share(self.proposal, mask)?.unwrap_or(self.proposal.amount_usd);
            let id = search_id(self.proposal, mask);
            let part = part_proposal(self.proposal, id, mask, &key.1, amount);
            let d = self.rb.evaluate_with(&part, self.ctx);
            self.decisions.insert(key.clone(), d);
        }
        self.decisions
            .get(&key)
            .ok_or(PlanError::TooManyEvaluations {
                max: MAX_EVALUATIONS,
            })
    }

    /// Every complete plan, best first.
    fn drafts(&self) -> Vec<Draft> {
        let n = self.proposal.activities.len();
        let mut out = Vec::new();
        for blocks in partitions(n, MAX_PARTS) {
            let choices: Vec<Vec<usize>> = blocks.iter().map(|b| self.choices(*b)).collect();
            let mut chosen = Vec::with_capacity(blocks.len());
            self.assign(&blocks, &choices, &mut chosen, &mut out);
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        out
    }

    /// The best-fitting candidates for a block (not ineligible), at most `PER_PART_CHOICES`.
    fn choices(&self, block: u32) -> Vec<usize> {
        let mut v: Vec<(usize, usize, usize)> = (0..self.candidates.len())
            .filter_map(|ci| {
                let f = self.fits.get(&(block, ci))?;
                (f.verdict != Verdict::Ineligible)
                    .then(|| (f.open, Paperwork::of(&f.obligations).total(), ci))
            })
            .collect();
        v.sort_unstable();
        v.into_iter()
            .take(PER_PART_CHOICES)
            .map(|(_, _, ci)| ci)
            .collect()
    }

    /// Assigns a candidate to each remaining block, no candidate twice; keeps the plans whose
    /// parts serve every purpose.
    fn assign(
        &self,
        blocks: &[u32],
        choices: &[Vec<usize>],
        chosen: &mut Vec<usize>,
        out: &mut Vec<Draft>,
    ) {
        let i = chosen.len();
        let Some(options) = choices.get(i) else {
            if let Some(d) = self.draft(blocks, chosen) {
                out.push(d);
            }
            return;
        };
        for ci in options {
            if chosen.contains(ci) {
                continue;
            }
            chosen.push(*ci);
            self.assign(blocks, choices, chosen, out);
            chosen.pop();
        }
    }

    /// The draft of a complete assignment, if its parts serve every purpose.
    fn draft(&self, blocks: &[u32], chosen: &[usize]) -> Option<Draft> {
        let served = |p: &String| {
            chosen
                .iter()
                .filter_map(|ci| self.candidates.get(*ci))
                .any(|c| c.purposes.contains(p))
        };
        if !self.proposal.purposes.iter().all(served) {
            return None;
        }
        let parts: Vec<(u32, usize)> = blocks.iter().copied().zip(chosen.iter().copied()).collect();
        let fits: Vec<&Fit> = parts.iter().filter_map(|k| self.fits.get(k)).collect();
        let obligations: Vec<&Obligation> = fits.iter().flat_map(|f| &f.obligations).collect();
        let mut order: Vec<usize> = chosen
            .iter()
            .filter_map(|ci| self.candidates.get(*ci).map(|c| c.index))
            .collect();
        order.sort_unstable();
        Some(Draft {
            key: Key {
                parts: parts.len(),
                open: fits.iter().map(|f| f.open).sum(),
                paperwork: Paperwork::of(obligations.iter().copied()).total(),
                start: timeline::earliest_start(
                    self.proposal.start,
                    self.today,
                    obligations.iter().copied(),
                )
                .unwrap_or(self.proposal.start),
                limits: fits.iter().map(|f| f.limits).sum(),
                main: self.main(&parts),
                ranks: fits.iter().map(|f| f.rank).sum(),
                order,
            },
            parts,
        })
    }

    /// Without `serves`, the positions of the first purpose each activity's authority serves,
    /// summed (`Key::main`); 0 with `serves`.
    fn main(&self, parts: &[(u32, usize)]) -> usize {
        let p = self.proposal;
        if !p.serves.is_empty() {
            return 0;
        }
        parts
            .iter()
            .filter_map(|(mask, ci)| {
                let c = self.candidates.get(*ci)?;
                let first = p.purposes.iter().position(|q| c.purposes.contains(q))?;
                Some(first * mask.count_ones() as usize)
            })
            .sum()
    }

    /// The offered option of a draft: every part re-evaluated alone, in words, on one timeline;
    /// `None` if a part does not verify (its verdict alone differs from the search's, or is
    /// ineligible).
    fn offer(&self, d: &Draft) -> Result<Option<PlanOption>, PlanError> {
        let p = self.proposal;
        let mut blocks = d.parts.clone();
        blocks.sort_by_key(|(mask, _)| mask.trailing_zeros());
        let several = blocks.len() > 1;
        let mut parts = Vec::with_capacity(blocks.len());
        let mut crossings = Vec::new();
        let mut questions: Vec<String> = Vec::new();
        for (i, (mask, ci)) in blocks.iter().enumerate() {
            match self.part(i + 1, *mask, *ci, several, &mut questions)? {
                Some((part, crossed)) => {
                    parts.push(part);
                    crossings.extend(crossed);
                }
                None => return Ok(None),
            }
        }
        let all: Vec<&Obligation> = parts
            .iter()
            .flat_map(|x| x.obligations.iter().chain(&x.kept))
            .collect();
        Ok(Some(PlanOption {
            rank: 0,
            authorities: parts.iter().map(|x| x.authority.clone()).collect(),
            open_findings: d.key.open,
            paperwork: Paperwork::of(all.iter().copied()),
            timeline: timeline::Timeline::of(&parts, self.today),
            earliest_start: self
                .today
                .and_then(|_| timeline::earliest_start(p.start, self.today, all.iter().copied())),
            parts,
            crossings,
            questions,
            ranking: String::new(),
        }))
    }

    /// Part `number` (activities `mask` under candidate `ci`), re-evaluated alone; `None` if it
    /// does not verify. Its questions go to `questions`; with it, the thresholds it crosses only
    /// together with the other parts.
    fn part(
        &self,
        number: usize,
        mask: u32,
        ci: usize,
        several: bool,
        questions: &mut Vec<String>,
    ) -> Result<Option<(Part, Vec<Crossing>)>, PlanError> {
        let p = self.proposal;
        let mut crossed = Vec::new();
        let (Some(c), Some(fit)) = (self.candidates.get(ci), self.fits.get(&(mask, ci))) else {
            return Ok(None);
        };
        let amount = share(p, mask)?;
        let Some(purposes) = part_purposes(p, mask, c) else {
            return Ok(None);
        };
        let proposal = part_proposal(
            p,
            format!("{}/{number}", p.id),
            mask,
            &purposes,
            amount.unwrap_or(p.amount_usd),
        );
        let alone = self.rb.evaluate_with(&proposal, self.ctx);
        let words = alone.explain();
        let Some(cand) = words.candidate(&c.id) else {
            return Ok(None);
        };
        if cand.verdict != fit.verdict || cand.verdict == Verdict::Ineligible {
            return Ok(None);
        }
        for m in words
            .missing_facts
            .iter()
            .filter(|m| m.candidates.contains(&c.id))
        {
            push_once(
                questions,
                format!("part {number} ({}): {}", c.id, m.question),
            );
        }
        if amount.is_none() {
            push_once(questions, format!(
                "part {number} ({}): how much of the {} goes to {}? Add `amounts` to the proposal; until then the part is judged at the whole amount",
                c.id, Usd(p.amount_usd), proposal.activities.join(", ")
            ));
        }
        let kept = match amount {
            Some(s) if several && s < p.amount_usd => {
                self.kept(&proposal, &c.id, cand.obligations.as_slice())
            }
            _ => Vec::new(),
        };
        for k in &kept {
            crossed.push(crossing(
                number,
                &c.id,
                k,
                amount.unwrap_or(0),
                p.amount_usd,
            ));
        }
        let part = Part {
            number,
            authority: c.id.clone(),
            citation: cand.citation.to_string(),
            name: cand.name.to_string(),
            activities: proposal.activities.clone(),
            purposes: proposal.purposes.clone(),
            amount_usd: amount,
            funding: proposal.funding,
            verdict: cand.verdict,
            reasons: cand.reasons.clone(),
            obligations: cand.obligations.clone(),
            kept,
            proposal,
        };
        Ok(Some((part, crossed)))
    }

    /// The duties the part would carry at the whole amount that its share alone does not: a plan
    /// never splits one purchase under a threshold, so they are kept.
    fn kept(&self, part: &Proposal, authority: &str, has: &[Obligation]) -> Vec<Obligation> {
        let mut whole = part.clone();
        whole.amount_usd = self.proposal.amount_usd;
        whole.amounts.clear();
        whole.major_defense_equipment_usd = self.proposal.major_defense_equipment_usd;
        let words = self.rb.evaluate_with(&whole, self.ctx).explain();
        let Some(c) = words.candidate(authority) else {
            return Vec::new();
        };
        c.obligations
            .iter()
            .filter(|o| {
                !has.iter()
                    .any(|h| h.kind == o.kind && h.to == o.to && h.citation == o.citation)
            })
            .cloned()
            .collect()
    }

    /// An activity that fits no authority with the money the proposal states: the authority it
    /// would fit if paid from another source, as an open question. The plan never changes the
    /// money itself; the planner states another source with `activity_funding`.
    fn other_money(&self, bit: u32, act: &str) -> Option<String> {
        let p = self.proposal;
        let stated = p.activity_funding.get(act).copied().or(p.funding)?;
        let purposes = if p.serves.is_empty() {
            p.purposes.clone()
        } else {
            served_by(p, bit)
        };
        let amount = share(p, bit).ok().flatten().unwrap_or(p.amount_usd);
        let mut part = part_proposal(p, search_id(p, bit), bit, &purposes, amount);
        part.funding = None;
        part.activity_funding.clear();
        let d = self.rb.evaluate_with(&part, self.ctx);
        let (a, _) = d.fitting().next()?;
        let sources: Vec<String> = a
            .funding
            .as_ref()
            .map(|f| f.items.iter().map(|x| format!("{x:?}")).collect())
            .unwrap_or_default();
        let first = sources.first().map_or("DoS", String::as_str);
        Some(format!(
            "open question: `{act}` would fit {} ({}) if paid from another source ({}) instead of {stated:?}; a plan never changes the money, so if `{act}` can be paid that way, state it (`activity_funding: {{\"{act}\": {first}}}`) and plan again",
            a.id,
            a.citation,
            if sources.is_empty() { "any".to_string() } else { sources.join(" or ") },
        ))
    }

    /// Why no plan exists, one line per reason.
    fn why_none(&self) -> Vec<String> {
        let p = self.proposal;
        let mut out = Vec::new();
        for (i, act) in p.activities.iter().enumerate() {
            let bit = 1u32 << i;
            let providers: Vec<usize> = (0..self.candidates.len())
                .filter(|ci| {
                    self.candidates
                        .get(*ci)
                        .is_some_and(|c| c.provides & bit != 0)
                })
                .collect();
            if providers.is_empty() {
                out.push(format!(
                    "no authority that serves {} provides `{act}`",
                    p.purposes.join(", ")
                ));
                continue;
            }
            let fits_somewhere = self
                .fits
                .iter()
                .any(|((mask, _), f)| mask & bit != 0 && f.verdict != Verdict::Ineligible);
            if !fits_somewhere {
                let closest = providers
                    .first()
                    .and_then(|ci| self.candidates.get(*ci))
                    .and_then(|c| self.decisions.get(&(bit, c.purposes.clone())))
                    .and_then(Decision::why_none);
                out.push(match closest {
                    Some(w) => format!("`{act}` fits no authority, alone or with the others: {w}"),
                    None => format!("`{act}` fits no authority, alone or with the others"),
                });
                out.extend(self.other_money(bit, act));
            }
        }
        for purpose in &p.purposes {
            if !self.candidates.iter().any(|c| c.purposes.contains(purpose)) {
                out.push(format!(
                    "no authority that provides these activities serves `{purpose}`"
                ));
            }
        }
        if out.is_empty() {
            out.push(format!(
                "each activity fits some authority, but no combination of at most {MAX_PARTS} authorities, each taking whole activities, fits all of them and serves every purpose"
            ));
        }
        out
    }
}

fn ineligible() -> Fit {
    Fit {
        verdict: Verdict::Ineligible,
        open: 0,
        obligations: Vec::new(),
        limits: 0,
        rank: UNRANKED,
    }
}

/// How `authority` fits in a decision.
fn fit_of(d: &Decision, authority: &str) -> Fit {
    d.ranked()
        .find(|(a, _)| a.id == authority)
        .map_or_else(ineligible, |(a, c)| Fit {
            verdict: c.verdict,
            open: d.store(c).count(c.findings, Outcome::Fail)
                + d.store(c).count(c.findings, Outcome::Unknown),
            obligations: c.obligations.clone(),
            limits: d
                .store(c)
                .of(c.findings)
                .iter()
                .filter(|f| f.applies)
                .filter(|f| match f.rule {
                    RuleRef::Own(i) => a.rules.get(i).is_some_and(|r| r.guard.is_some()),
                    _ => false,
                })
                .count(),
            rank: UNRANKED,
        })
}

/// Whether two drafts give the same authorities as `best` the activities differently at the same
/// cost (open findings, paperwork, start, engine ranks): a tie the ranking cannot break.
fn tied_assignment(drafts: &[Draft], best: &Key) -> bool {
    let cost = |k: &Key| (k.open, k.paperwork, k.start, k.limits, k.main, k.ranks);
    let mut same = drafts.iter().filter(|d| d.key.order == best.order);
    match (same.next(), same.next()) {
        (Some(a), Some(b)) => cost(&a.key) == cost(&b.key),
        _ => false,
    }
}

/// The ranking key of a verified option: its own open findings, paperwork (kept duties included)
/// and earliest start; the search's engine ranks and catalogue order.
fn final_key(draft: &Key, o: &PlanOption, start: Date) -> Key {
    Key {
        parts: o.parts.len(),
        open: o.open_findings,
        paperwork: o.paperwork.total(),
        start: o.earliest_start.unwrap_or(start),
        limits: draft.limits,
        main: draft.main,
        ranks: draft.ranks,
        order: draft.order.clone(),
    }
}

/// Without `serves`, for a best plan of several parts and a proposal of several purposes: the
/// assumed purpose of each activity (its part's), and the `serves` line that would state it.
fn assumed(p: &Proposal, best: &PlanOption) -> Option<String> {
    if !p.serves.is_empty() || p.purposes.len() < 2 || best.parts.len() < 2 {
        return None;
    }
    let said: Vec<String> = best
        .parts
        .iter()
        .map(|x| {
            format!(
                "{} for {} ({})",
                x.activities.join(", "),
                x.purposes.join(", "),
                x.authority
            )
        })
        .collect();
    let line: Vec<String> = p
        .activities
        .iter()
        .filter_map(|a| {
            let x = best.parts.iter().find(|x| x.activities.contains(a))?;
            let qs: Vec<String> = x.purposes.iter().map(|q| format!("\"{q}\"")).collect();
            Some(format!("\"{a}\": [{}]", qs.join(", ")))
        })
        .collect();
    Some(format!(
        "the proposal does not say which purpose each activity serves, so the plan assumed it: {}; specific over general (an activity goes where the law grants it with the fewest special conditions), then the first-named purpose as the main one. If that is not the intent, state it in the proposal: serves: {{{}}}",
        said.join("; "),
        line.join(", ")
    ))
}

/// The id of a part proposal during the search (the activities name it; the id decides nothing).
fn search_id(p: &Proposal, mask: u32) -> String {
    format!("{}/{}", p.id, activities_of(p, mask).join("+"))
}

fn push_once(v: &mut Vec<String>, s: String) {
    if !v.contains(&s) {
        v.push(s);
    }
}

fn crossing(
    part: usize,
    authority: &str,
    o: &Obligation,
    share_usd: u64,
    total_usd: u64,
) -> Crossing {
    Crossing {
        part,
        authority: authority.to_string(),
        kind: o.kind.to_string(),
        citation: o.citation.to_string(),
        share_usd,
        total_usd,
        message: format!(
            "the parts together ({}) cross the threshold of {} [{}] that part {part}'s share alone ({}) would not: the plan keeps the {}, because splitting one purchase to stay under a threshold is improper",
            Usd(total_usd),
            o.kind.replace('_', " "),
            o.citation,
            Usd(share_usd),
            o.kind.replace('_', " ")
        ),
    }
}

/// Every set partition of `n` items into at most `max` blocks, as bit masks (restricted growth
/// strings, iteratively: at most 203 for six items).
fn partitions(n: usize, max: usize) -> Vec<Vec<u32>> {
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    // a[i] = block of item i; a[0] = 0; a[i] <= 1 + max(a[..i]).
    let mut a = vec![0usize; n];
    loop {
        let blocks = 1 + a.iter().copied().max().unwrap_or(0);
        if blocks <= max {
            let mut masks = vec![0u32; blocks];
            for (i, b) in a.iter().enumerate() {
                if let Some(m) = masks.get_mut(*b) {
                    *m |= 1 << i;
                }
            }
            out.push(masks);
        }
        // The next restricted growth string, or done.
        let mut i = n - 1;
        loop {
            if i == 0 {
                return out;
            }
            let prefix_max = a
                .get(..i)
                .and_then(|s| s.iter().copied().max())
                .unwrap_or(0);
            if a.get(i).is_some_and(|v| *v <= prefix_max) {
                if let Some(v) = a.get_mut(i) {
                    *v += 1;
                }
                for x in a.iter_mut().skip(i + 1) {
                    *x = 0;
                }
                break;
            }
            i -= 1;
        }
    }
}

/// Ranks the verified options and writes why each stands where it does.
fn ranked(options: Vec<(Key, PlanOption)>) -> (Option<String>, Vec<PlanOption>) {
    let keys: Vec<Key> = options.iter().map(|(k, _)| k.clone()).collect();
    let choice = match (keys.first(), keys.get(1)) {
        (Some(a), Some(b)) => Some(format!("chosen over the next plan: {}", why_before(a, b))),
        (Some(_), None) => Some("the only plan found".to_string()),
        _ => None,
    };
    let out = options
        .into_iter()
        .enumerate()
        .map(|(i, (k, mut o))| {
            o.rank = i + 1;
            o.ranking = match (i, keys.first(), keys.get(1)) {
                (0, _, Some(next)) => format!("best: {}", why_before(&k, next)),
                (0, _, None) => "best: the only plan found".to_string(),
                (_, Some(best), _) => format!("below the best: {}", why_before(best, &k)),
                _ => String::new(),
            };
            o
        })
        .collect();
    (choice, out)
}

/// The first criterion that puts `a` before `b`, in words.
fn why_before(a: &Key, b: &Key) -> String {
    let n = |k: usize, one: &str, many: &str| format!("{k} {}", if k == 1 { one } else { many });
    if a.parts != b.parts {
        return format!("fewer authorities ({} instead of {})", a.parts, b.parts);
    }
    if a.open != b.open {
        return format!(
            "fewer failed or unknown findings ({} instead of {})",
            a.open, b.open
        );
    }
    if a.paperwork != b.paperwork {
        return format!(
            "less paperwork ({} instead of {}: notices, certifications, concurrences, vettings)",
            n(a.paperwork, "item", "items"),
            b.paperwork
        );
    }
    if a.start != b.start {
        return format!(
            "an earlier feasible start ({} instead of {})",
            a.start, b.start
        );
    }
    if a.limits != b.limits {
        return format!(
            "its activities sit where the law grants them with fewer special conditions ({} instead of {} conditional rules engaged: specific over general)",
            a.limits, b.limits
        );
    }
    if a.main != b.main {
        return "the authority of the first-named (main) purpose keeps more of the activities (assumed: the proposal does not say which purpose each activity serves)".to_string();
    }
    if a.ranks != b.ranks {
        return format!(
            "each part's authority stands higher in the engine's ranking for its activities (ranks summing to {} instead of {})",
            a.ranks, b.ranks
        );
    }
    "tied on every criterion, so catalogue order decides (which activity goes with which purpose is the planner's call)".to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_the_bell_numbers_within_the_block_bound() {
        let count = |n, max| partitions(n, max).len();
        assert_eq!(
            [count(1, 4), count(2, 4), count(3, 4), count(4, 4)],
            [1, 2, 5, 15]
        );
        // Partitions of six into at most four blocks: 1 + 31 + 90 + 65.
        assert_eq!(count(6, 4), 187);
        assert_eq!(count(6, 6), 203);
        for p in partitions(5, 3) {
            assert!(p.len() <= 3);
            assert_eq!(p.iter().fold(0, |m, b| m | b), 0b11111);
            assert_eq!(p.iter().map(|b| b.count_ones()).sum::<u32>(), 5);
        }
    }

    #[test]
    fn subsets_lists_every_non_empty_subset_once() {
        let mut v: Vec<u32> = subsets(0b1011).collect();
        v.sort_unstable();
        assert_eq!(v, [1, 2, 3, 8, 9, 10, 11]);
        assert_eq!(subsets(0).count(), 0);
    }
}
