//! `authsel gen`: realistic random proposals for load tests, demos and benchmarks.
//!
//! Each proposal is built from one authority of the rule base (its purposes, activities,
//! recipients and funding, and the facts its rules read, set the way that satisfies them most of
//! the time), with a real partner from the registry, a plausible amount and a start in FY2026-2028,
//! so a good share are eligible and the rest are realistic near-misses. File `i` depends only on
//! the seed and `i`, so files can be written in parallel and a seed always gives the same files.
//! A fraction of files get one realistic defect; [`GenReport::malformed`] lists them.

use crate::model::RuleBase;
use crate::model::{
    Authority, Cond, Field, Funding, LeahyStatus, RecipientKind, RuleKind, Source, Val,
};
use crate::tools::rng::Rng;
use jiff::civil::Date;
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// A realistic defect planted in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Defect {
    /// A field name with a typo (`amout_usd`).
    MisspelledField,
    /// A value of the wrong type (`amount_usd: "12 million"`).
    WrongType,
    /// A purpose the vocabulary does not have.
    UnknownPurpose,
    /// The file ends early (an interrupted copy).
    Truncated,
    /// Latin-1 bytes in a UTF-8 file.
    NotUtf8,
}

impl Defect {
    pub const ALL: [Defect; 5] = [
        Defect::MisspelledField,
        Defect::WrongType,
        Defect::UnknownPurpose,
        Defect::Truncated,
        Defect::NotUtf8,
    ];
}

/// The most proposals one `write` makes: file `i` goes to `DDD/pNNNNNN.ron` (a thousand a
/// directory), so up to a million every name has the same width and sorted path order is
/// generation order; a million files take about 4 GB on disk (100,000 take 395 MB;
/// docs/limits.md).
pub const MAX_COUNT: usize = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenOptions {
    pub count: usize,
    pub seed: u64,
    /// Fraction of files (0 to 1) that get a defect; exactly `round(count * malformed)` do.
    pub malformed: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum GenError {
    #[error("--malformed must be a fraction between 0 and 1, not {0}")]
    Fraction(f64),
    #[error("--count must be at most {MAX_COUNT}, not {0}")]
    Count(usize),
    #[error("cannot write `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("the rule base has no authority in force in FY2026-2028 to build proposals from")]
    NoAuthorities,
}

/// What `write` produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GenReport {
    pub written: usize,
    /// The files given a defect, sorted by path.
    pub malformed: Vec<(PathBuf, Defect)>,
}

/// Values that make an authority's conditions hold, found by walking its rules.
#[derive(Debug, Clone, Default)]
struct Wants {
    facts: BTreeMap<String, Val>,
    emergency: Option<bool>,
    partners: Vec<String>,
}

/// A proposal shape derived from one authority.
struct Template<'r> {
    authority: &'r Authority,
    wants: Wants,
    /// A ceiling without a guard: amounts are drawn below it.
    ceiling: Option<u64>,
}

/// Builds proposals from a rule base.
pub struct Generator<'r> {
    rules: &'r RuleBase,
    templates: Vec<Template<'r>>,
    partners: Vec<&'r str>,
    purposes: Vec<&'r str>,
    activities: Vec<&'r str>,
}

fn first_day() -> Date {
    jiff::civil::date(2025, 10, 1)
}

impl<'r> Generator<'r> {
    pub fn new(rules: &'r RuleBase) -> Result<Generator<'r>, GenError> {
        let (from, to) = (first_day(), jiff::civil::date(2028, 9, 30));
        let templates: Vec<Template> = rules
            .authorities
            .iter()
            .filter(|a| a.in_force(from) || a.in_force(to))
            .map(|a| {
                let mut wants = Wants::default();
                for r in &a.rules {
                    if let RuleKind::Require { cond, .. } = &r.kind {
                        want(cond, true, &mut wants);
                    }
                }
                let ceiling = a
                    .rules
                    .iter()
                    .filter_map(|r| match &r.kind {
                        RuleKind::Ceiling {
                            limit,
                            within: None,
                        } if r.guard.is_none() => limit.amounts().into_iter().map(|u| u.0).min(),
                        _ => None,
                    })
                    .min();
                Template {
                    authority: a,
                    wants,
                    ceiling,
                }
            })
            .collect();
        if templates.is_empty() {
            return Err(GenError::NoAuthorities);
        }
        let today = first_day();
        let partners = rules
            .registry
            .partners
            .iter()
            .filter(|p| p.name != "United States")
            .filter(|p| {
                rules
                    .registry
                    .is_member(&p.name, "state_sponsor_of_terrorism", today)
                    != Some(true)
            })
            .map(|p| p.name.as_str())
            .collect();
        Ok(Generator {
            rules,
            templates,
            partners,
            purposes: rules.purposes.keys().map(String::as_str).collect(),
            activities: rules.activities.keys().map(String::as_str).collect(),
        })
    }

    /// A purpose a planner would name for `p`: one of its specific sub-purposes if it has any.
    fn concrete_purpose(&self, rng: &mut Rng, p: &'r str) -> &'r str {
        let children: Vec<&str> = self
            .rules
            .purposes
            .values()
            .filter(|x| x.parent.as_deref() == Some(p))
            .map(|x| x.id.as_str())
            .collect();
        match rng.pick(&children) {
            Some(c) if rng.chance(70) => c,
            _ => p,
        }
    }

    /// The text of valid proposal number `i` for `seed`.
    pub fn proposal(&self, seed: u64, i: usize) -> String {
        let mut rng = Rng::for_item(seed, i as u64);
        let t = match self
            .templates
            .get(rng.below(self.templates.len() as u64) as usize)
        {
            Some(t) => t,
            None => return String::new(),
        };
        let a = t.authority;
        // One in ten is an off-template idea (any purpose, any activity): some of these fit
        // nothing, as happens in real planning.
        let freeform = rng.chance(10);
        let (purposes, activities) = self.purposes_and_activities(&mut rng, a, freeform);
        let recipient = match &a.recipients {
            Some(r) if !rng.chance(5) => r
                .items
                .first()
                .copied()
                .map(|first| *rng.pick(&r.items).unwrap_or(&first)),
            _ => None,
        }
        .unwrap_or_else(|| {
            *rng.pick(&RecipientKind::ALL)
                .unwrap_or(&RecipientKind::NationalMilitary)
        });
        let funding: Option<Funding> = match &a.funding {
            Some(f) if rng.chance(92) => rng.pick(&f.items).copied(),
            _ if rng.chance(50) => rng.pick(&Funding::ALL).copied(),
            _ => None,
        };
        let partner: &str = match rng.pick(&t.wants.partners) {
            Some(p) if rng.chance(90) => p.as_str(),
            _ => rng.pick(&self.partners).copied().unwrap_or("Kenya"),
        };
        let amount = match t.ceiling {
            // Most drawdowns and capped programs use a fraction of the annual cap.
            Some(limit) => round_thousands(rng.range(limit / 200, limit / 4)),
            None => log_amount(&mut rng),
        };
        let start = first_day()
            .checked_add(jiff::Span::new().days(rng.below(1095) as i64))
            .unwrap_or_else(|_| first_day());
        let fy = crate::model::FiscalYear::of(start).year();
        let leahy = match rng.below(100) {
            0..=79 => Some(LeahyStatus::Passed),
            80..=87 => Some(LeahyStatus::Pending),
            88..=91 => Some(LeahyStatus::NotStarted),
            92..=93 => Some(LeahyStatus::Failed),
            _ => None,
        };
        let (id, title) = self.id_and_title(partner, fy, i, &purposes, &activities);

        let mut s = String::with_capacity(640);
        let _ = writeln!(
            s,
            "// Generated by authsel gen (seed {seed}, proposal {i}), modelled on {}.",
            a.id
        );
        let _ = writeln!(s, "Proposal(");
        let _ = writeln!(s, "    id: {},", quote(&id));
        let _ = writeln!(s, "    title: {},", quote(&title));
        let _ = writeln!(s, "    partner: {},", quote(partner));
        let _ = writeln!(s, "    recipient: {recipient},");
        let _ = writeln!(s, "    purposes: [{}],", list(&purposes));
        let _ = writeln!(s, "    activities: [{}],", list(&activities));
        let _ = writeln!(s, "    amount_usd: {amount},");
        let _ = writeln!(s, "    start: \"{start}\",");
        self.optional_fields(&mut s, &mut rng, t, &activities, funding, leahy, amount);
        s.push_str(")\n");
        s
    }

    /// The proposal's id (partner, fiscal year, number) and a title made of the activities'
    /// and the first purpose's meanings.
    fn id_and_title(
        &self,
        partner: &str,
        fy: i16,
        i: usize,
        purposes: &[&str],
        activities: &[&str],
    ) -> (String, String) {
        let abbr: String = partner
            .chars()
            .filter(char::is_ascii_alphabetic)
            .take(3)
            .collect::<String>()
            .to_uppercase();
        let id = format!("{abbr}-{:02}-{i:06}", fy.rem_euclid(100));
        let what: Vec<&str> = activities
            .iter()
            .map(|x| {
                self.rules
                    .activities
                    .get(*x)
                    .map_or(*x, |m| m.meaning.as_str())
            })
            .collect();
        let why = purposes
            .first()
            .and_then(|p| self.rules.purposes.get(*p))
            .map_or("", |p| p.meaning.as_str());
        let title = format!("{} for {partner}: {why}", capitalize(&what.join(" and ")));
        (id, title)
    }

    /// The proposal's purposes and activities: from its template authority, or (freeform) from
    /// the whole vocabulary.
    fn purposes_and_activities<'s>(
        &'s self,
        rng: &mut Rng,
        a: &'s Authority,
        freeform: bool,
    ) -> (Vec<&'s str>, Vec<&'s str>) {
        let mut purposes: Vec<&str> = Vec::new();
        let mut activities: Vec<&str> = Vec::new();
        let n_purposes = if rng.chance(20) { 2 } else { 1 };
        let n_activities = if rng.chance(35) { 2 } else { 1 };
        for _ in 0..n_purposes {
            let p = if freeform {
                rng.pick(&self.purposes).copied()
            } else {
                rng.pick(&a.serves.items).map(String::as_str)
            };
            if let Some(p) = p.map(|p| self.concrete_purpose(rng, p)) {
                if !purposes.contains(&p) {
                    purposes.push(p);
                }
            }
        }
        for _ in 0..n_activities {
            let x = if freeform {
                rng.pick(&self.activities).copied()
            } else {
                rng.pick(&a.provides.items).map(String::as_str)
            };
            if let Some(x) = x {
                if !activities.contains(&x) {
                    activities.push(x);
                }
            }
        }
        (purposes, activities)
    }

    /// The optional fields, each drawn as often as real proposals give it.
    #[allow(clippy::too_many_arguments)]
    fn optional_fields(
        &self,
        s: &mut String,
        rng: &mut Rng,
        t: &Template,
        activities: &[&str],
        funding: Option<Funding>,
        leahy: Option<LeahyStatus>,
        amount: u64,
    ) {
        if rng.chance(75) {
            let months = if activities.contains(&"lease") {
                rng.range(12, 60)
            } else {
                rng.range(3, 24)
            };
            let _ = writeln!(s, "    duration_months: {months},");
        }
        if let Some(f) = funding {
            let _ = writeln!(s, "    funding: {f},");
        }
        if let Some(l) = leahy {
            let _ = writeln!(s, "    leahy: {l},");
        }
        if funding == Some(Funding::PartnerNational) && rng.chance(60) {
            let mde = round_thousands(amount / rng.range(2, 10));
            let _ = writeln!(s, "    major_defense_equipment_usd: {mde},");
        }
        match t.wants.emergency {
            Some(e) if rng.chance(90) => {
                let _ = writeln!(s, "    emergency: {e},");
            }
            _ if rng.chance(10) => {
                let _ = writeln!(s, "    emergency: false,");
            }
            _ => {}
        }
        let facts: Vec<String> = t
            .wants
            .facts
            .iter()
            .filter(|_| rng.chance(80))
            .filter_map(|(name, v)| fact_literal(v).map(|v| format!("{}: {v}", quote(name))))
            .collect();
        if !facts.is_empty() {
            let _ = writeln!(s, "    facts: {{{}}},", facts.join(", "));
        }
    }

    /// Plants `defect` in a valid proposal's text.
    pub fn corrupt(&self, text: &str, defect: Defect, rng: &mut Rng) -> Vec<u8> {
        match defect {
            Defect::MisspelledField => {
                let typos = [
                    ("    amount_usd:", "    amout_usd:"),
                    ("    purposes:", "    purpose:"),
                    ("    recipient:", "    recipeint:"),
                    ("    activities:", "    activites:"),
                    ("    start:", "    start_date:"),
                ];
                let (from, to) = rng
                    .pick(&typos)
                    .copied()
                    .unwrap_or(("    amount_usd:", "    amout_usd:"));
                text.replacen(from, to, 1).into_bytes()
            }
            Defect::WrongType => {
                let mut out = String::with_capacity(text.len() + 8);
                for line in text.lines() {
                    match line.strip_prefix("    amount_usd: ") {
                        Some(v) => {
                            let millions =
                                v.trim_end_matches(',').parse::<u64>().unwrap_or(0) / 1_000_000;
                            let _ = writeln!(out, "    amount_usd: \"{millions} million\",");
                        }
                        None => {
                            out.push_str(line);
                            out.push('\n');
                        }
                    }
                }
                out.into_bytes()
            }
            Defect::UnknownPurpose => {
                let bogus = [
                    "counter_piracy",
                    "cyber_offense",
                    "counterterorism",
                    "space_security",
                ];
                let word = rng.pick(&bogus).copied().unwrap_or("counter_piracy");
                let mut out = String::with_capacity(text.len() + 16);
                for line in text.lines() {
                    if line.starts_with("    purposes: [") {
                        let _ = writeln!(out, "    purposes: [\"{word}\"],");
                    } else {
                        out.push_str(line);
                        out.push('\n');
                    }
                }
                out.into_bytes()
            }
            Defect::Truncated => {
                let len = text.len();
                let mut cut =
                    usize::try_from(rng.range(len as u64 / 5, len as u64 * 4 / 5)).unwrap_or(0);
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.get(..cut).unwrap_or("").as_bytes().to_vec()
            }
            Defect::NotUtf8 => {
                // A title pasted from a Latin-1 document: `é` as the single byte 0xE9.
                let mut out = Vec::with_capacity(text.len() + 8);
                for line in text.split_inclusive('\n') {
                    if let Some(rest) = line.strip_prefix("    title: \"") {
                        out.extend_from_slice(b"    title: \"R\xE9sum\xE9 of ");
                        out.extend_from_slice(rest.as_bytes());
                    } else {
                        out.extend_from_slice(line.as_bytes());
                    }
                }
                out
            }
        }
    }
}

/// Collects the values that satisfy `c` (or falsify it when `positive` is false).
fn want(c: &Cond, positive: bool, w: &mut Wants) {
    match c {
        Cond::Not(x) => want(x, !positive, w),
        // Both must hold: satisfy each; one may fail: satisfy the first.
        Cond::And(xs) if positive => xs.iter().for_each(|x| want(x, true, w)),
        Cond::Or(xs) if !positive => xs.iter().for_each(|x| want(x, false, w)),
        Cond::And(xs) | Cond::Or(xs) => {
            if let Some(x) = xs.first() {
                want(x, positive, w);
            }
        }
        Cond::Truthy(t) => match &t.source {
            Source::Fact(name, ..) => {
                w.facts.entry(name.clone()).or_insert(Val::Bool(positive));
            }
            Source::Field(Field::Emergency) => w.emergency = Some(positive),
            _ => {}
        },
        Cond::Cmp { lhs, op, rhs } if positive => match (&lhs.source, &rhs.source) {
            (Source::Field(Field::Partner), Source::Const(Val::Str(s)))
                if *op == crate::model::CmpOp::Eq =>
            {
                w.partners.push(s.clone());
            }
            (Source::Fact(name, ..), Source::Const(v)) => {
                use crate::model::CmpOp::*;
                let v = match (v, op) {
                    (Val::Usd(u), Le | Lt) => Some(Val::Usd(crate::model::Usd(u.0 / 2))),
                    (Val::Usd(u), Ge | Gt) => {
                        Some(Val::Usd(crate::model::Usd(u.0.saturating_mul(2))))
                    }
                    (Val::Int(i), Le | Lt) => Some(Val::Int(i / 2)),
                    (Val::Int(i), Ge | Gt) => Some(Val::Int(i.saturating_mul(2).max(1))),
                    (v, Eq) => Some(v.clone()),
                    _ => None,
                };
                if let Some(v) = v {
                    w.facts.entry(name.clone()).or_insert(v);
                }
            }
            _ => {}
        },
        Cond::In { term, negated, set } if positive != *negated => {
            if let Source::Field(Field::Partner) = term.source {
                for v in set {
                    if let Val::Str(s) = v {
                        w.partners.push(s.clone());
                    }
                }
            }
        }
        _ => {}
    }
}

fn fact_literal(v: &Val) -> Option<String> {
    match v {
        Val::Bool(b) => Some(b.to_string()),
        Val::Usd(u) => Some(u.0.to_string()),
        Val::Int(i) => Some(i.to_string()),
        Val::Months(m) | Val::Days(m) => Some(m.to_string()),
        Val::Date(d) => Some(format!("\"{d}\"")),
        Val::Str(s) => Some(quote(s)),
        _ => None,
    }
}

/// Amounts from $250K to about $250M, evenly spread over orders of magnitude, to the $1,000.
fn log_amount(rng: &mut Rng) -> u64 {
    let decade = rng.range(0, 2);
    let base = [250_000u64, 2_500_000, 25_000_000]
        .get(decade as usize)
        .copied()
        .unwrap_or(250_000);
    round_thousands(rng.range(base, base * 10))
}

fn round_thousands(v: u64) -> u64 {
    (v / 1000).max(1) * 1000
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn list(xs: &[&str]) -> String {
    xs.iter().map(|x| quote(x)).collect::<Vec<_>>().join(", ")
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Where file `i` goes: a thousand files per subdirectory, as a real archive would be split.
pub fn file_path(dir: &Path, i: usize) -> PathBuf {
    dir.join(format!("{:03}", i / 1000))
        .join(format!("p{i:06}.ron"))
}

/// Which files get a defect: exactly `round(count * fraction)`, chosen by the seed.
pub fn malformed_set(
    count: usize,
    seed: u64,
    fraction: f64,
) -> Result<Vec<(usize, Defect)>, GenError> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(GenError::Fraction(fraction));
    }
    if count > MAX_COUNT {
        return Err(GenError::Count(count));
    }
    // A fraction, not money: rounding a float here is exact enough and documented.
    let k = ((count as f64) * fraction).round() as usize;
    let mut rng = Rng::new(seed ^ 0x6D61_6C66_6F72_6D65);
    // A partial Fisher-Yates shuffle of 0..count, kept sparse: `moved` holds only the positions a
    // swap changed (position p holds p otherwise), so memory follows the defects chosen, not
    // `count`; the picks are those of the shuffle of a full vector.
    let mut moved: HashMap<usize, usize> = HashMap::new();
    let mut out = Vec::new();
    for j in 0..k.min(count) {
        let pick = j + rng.below((count - j) as u64) as usize;
        let at_pick = moved.get(&pick).copied().unwrap_or(pick);
        let at_j = moved.remove(&j).unwrap_or(j);
        if pick != j {
            moved.insert(pick, at_j);
        }
        let defect = Defect::ALL
            .get(rng.below(Defect::ALL.len() as u64) as usize)
            .copied()
            .unwrap_or(Defect::Truncated);
        out.push((at_pick, defect));
    }
    out.sort_unstable();
    Ok(out)
}

/// Writes `count` proposals under `dir` (created if needed), in parallel.
pub fn write(rules: &RuleBase, opts: &GenOptions, dir: &Path) -> Result<GenReport, GenError> {
    if opts.count > MAX_COUNT {
        return Err(GenError::Count(opts.count));
    }
    let g = Generator::new(rules)?;
    let bad: BTreeMap<usize, Defect> = malformed_set(opts.count, opts.seed, opts.malformed)?
        .into_iter()
        .collect();
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| GenError::Io { path, source }
    };
    for shard in 0..opts.count.div_ceil(1000) {
        let d = dir.join(format!("{shard:03}"));
        std::fs::create_dir_all(&d).map_err(io(&d))?;
    }
    (0..opts.count).into_par_iter().try_for_each(|i| {
        let path = file_path(dir, i);
        let text = g.proposal(opts.seed, i);
        let bytes = match bad.get(&i) {
            Some(defect) => {
                let mut rng = Rng::for_item(opts.seed ^ 0xDEFEC7, i as u64);
                g.corrupt(&text, *defect, &mut rng)
            }
            None => text.into_bytes(),
        };
        std::fs::write(&path, bytes).map_err(io(&path))
    })?;
    Ok(GenReport {
        written: opts.count,
        malformed: bad
            .into_iter()
            .map(|(i, d)| (file_path(dir, i), d))
            .collect(),
    })
}

/// Every built-in case's proposal text, then `n` generated proposals for `seed`, each with a file
/// name: the corpus the tests that hold two paths together run over.
#[cfg(test)]
pub(crate) fn cases_and_generated(rules: &RuleBase, seed: u64, n: usize) -> Vec<(String, String)> {
    let mut texts: Vec<(String, String)> = RuleBase::builtin_cases()
        .into_iter()
        .filter(|f| f.name.ends_with(".ron"))
        .map(|f| (f.name, f.text))
        .collect();
    if let Ok(g) = Generator::new(rules) {
        texts.extend((0..n).map(|i| (format!("gen{i}.ron"), g.proposal(seed, i))));
    }
    texts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_text_and_valid() {
        let rb = RuleBase::builtin();
        let g = Generator::new(&rb).expect("templates");
        for i in 0..300 {
            let a = g.proposal(7, i);
            assert_eq!(a, g.proposal(7, i));
            if let Err(d) = rb.read_proposal("g.ron", &a) {
                panic!(
                    "{a}\n{}",
                    d.iter().map(ToString::to_string).collect::<String>()
                );
            }
        }
        assert_ne!(g.proposal(7, 1), g.proposal(8, 1));
    }

    #[test]
    fn every_defect_is_an_error() {
        let rb = RuleBase::builtin();
        let g = Generator::new(&rb).expect("templates");
        for i in 0..100 {
            let text = g.proposal(3, i);
            for d in Defect::ALL {
                let bytes = g.corrupt(&text, d, &mut Rng::for_item(11, i as u64));
                let bad = match String::from_utf8(bytes) {
                    Err(_) => true,
                    Ok(t) => rb.read_proposal("g.ron", &t).is_err(),
                };
                assert!(bad, "{d:?} left #{i} valid:\n{text}");
            }
        }
    }

    #[test]
    fn malformed_set_is_exact_and_in_range() {
        let s = malformed_set(2000, 5, 0.01).expect("fraction");
        assert_eq!(s.len(), 20);
        assert!(s.iter().all(|(i, _)| *i < 2000));
        assert!(s.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(malformed_set(10, 5, 1.5).is_err());
        assert_eq!(malformed_set(10, 5, 1.0).expect("all").len(), 10);
    }

    /// The shuffle over a full vector of `0..count`, as `malformed_set` did before it went sparse.
    fn dense(count: usize, seed: u64, fraction: f64) -> Vec<(usize, Defect)> {
        let k = ((count as f64) * fraction).round() as usize;
        let mut rng = Rng::new(seed ^ 0x6D61_6C66_6F72_6D65);
        let mut idx: Vec<usize> = (0..count).collect();
        let mut out = Vec::new();
        for j in 0..k.min(count) {
            let pick = j + rng.below((count - j) as u64) as usize;
            idx.swap(j, pick);
            let defect = Defect::ALL[rng.below(Defect::ALL.len() as u64) as usize];
            out.push((idx[j], defect));
        }
        out.sort_unstable();
        out
    }

    #[test]
    fn the_sparse_shuffle_picks_what_the_full_one_did() {
        for (count, fraction) in [
            (0, 0.5),
            (1, 1.0),
            (7, 0.5),
            (100, 1.0),
            (2000, 0.01),
            (5000, 0.3),
        ] {
            for seed in [1, 5, 11, 42] {
                let got = malformed_set(count, seed, fraction).expect("fraction");
                assert_eq!(
                    got,
                    dense(count, seed, fraction),
                    "{count} {fraction} {seed}"
                );
            }
        }
    }

    #[test]
    fn count_is_bounded_before_anything_is_allocated_or_written() {
        let dir = std::env::temp_dir().join(format!("authsel-gen-max-{}", std::process::id()));
        for count in [MAX_COUNT + 1, usize::MAX] {
            assert!(matches!(malformed_set(count, 1, 0.5), Err(GenError::Count(c)) if c == count));
            let opts = GenOptions {
                count,
                seed: 1,
                malformed: 0.0,
            };
            let err = write(&RuleBase::builtin(), &opts, &dir).expect_err("refused");
            assert_eq!(
                err.to_string(),
                format!("--count must be at most 1000000, not {count}")
            );
            assert!(!dir.exists(), "nothing written");
        }
        // The bound itself is fine, and costs nothing up front.
        assert_eq!(
            malformed_set(MAX_COUNT, 1, 0.000_01)
                .expect("in range")
                .len(),
            10
        );
    }
}
