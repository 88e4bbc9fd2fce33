//! Speed of the rules engine: loading the built-in rule base, evaluating one proposal (the decision
//! built, not rendered), a batch of generated proposals, and a hand-written native Rust baseline
//! of three authorities' rules against the interpreter judging the same three.
//!
//! `cargo bench --bench authsel` measures; `cargo test --benches` runs each once as a smoke test.
//! Figures and how to reproduce them: `docs/performance.md`.

use authsel::engine::assess::{Context, Env, Verdict};
use authsel::explain::judge;
use authsel::model::{Funding, LeahyStatus, RecipientKind};
use authsel::tools::gen::Generator;
use authsel::{Proposal, RuleBase};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use rayon::prelude::*;
use std::hint::black_box;
use std::time::Duration;

// The same allocator as the `authsel` binary (see src/main.rs), so the figures are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: [(&str, &str); 4] = [
    (
        "333-train-equip",
        include_str!("../examples/01-ct-train-equip-333.ron"),
    ),
    ("fms-mde", include_str!("../examples/06-fms-mde-20m.ron")),
    (
        "pko-drawdown",
        include_str!("../examples/10-pko-emergency-drawdown.ron"),
    ),
    (
        "lease-5y",
        include_str!("../examples/04-helicopter-lease-5y.ron"),
    ),
];

fn proposal(rules: &RuleBase, text: &str) -> Proposal {
    rules
        .read_proposal("bench.ron", text)
        .expect("example is valid")
}

fn load(c: &mut Criterion) {
    c.bench_function("load/builtin_rule_base", |b| {
        b.iter(|| black_box(RuleBase::try_builtin().expect("built-in rules check")))
    });
}

fn evaluate(c: &mut Criterion) {
    let rules = RuleBase::builtin();
    let mut g = c.benchmark_group("evaluate");
    for (name, text) in EXAMPLES {
        let p = proposal(&rules, text);
        g.bench_function(name, |b| {
            b.iter(|| black_box(rules.evaluate(black_box(&p))))
        });
    }
    // A typical proposal rather than a chosen one: 1,000 generated proposals (seed 42), one
    // evaluation per iteration, in turn; the figure is the mean over the corpus.
    let corpus = generated(&rules, 1000);
    g.bench_function("generated-1000-in-turn", |b| {
        let mut next = corpus.iter().cycle();
        b.iter(|| black_box(next.next().map(|p| rules.evaluate(black_box(p)))))
    });
    g.finish();
    if std::env::args().any(|a| a == "--bench") {
        per_proposal_medians(&rules, &corpus);
    }

    // What the explanation adds: the decision rendered in words (reasons, why-not lines, fix
    // steps, missing-fact questions, summary, record), not serialized.
    let mut g = c.benchmark_group("explain");
    for (name, text) in EXAMPLES.iter().take(1) {
        let p = proposal(&rules, text);
        g.bench_function(*name, |b| {
            b.iter(|| black_box(rules.evaluate(black_box(&p)).into_explanation()))
        });
        // The engine's share of a full explanation, without words: the decision with every
        // candidate assessed, cured and ranked (the list the explanation walks).
        g.bench_function(format!("{name}-ranked"), |b| {
            b.iter(|| {
                let d = rules.evaluate(black_box(&p));
                black_box(d.ranked().count());
                d
            })
        });
        // A floor, not a step of the program: the bytes of the JSON line copied into a new
        // buffer (what writing them costs if every piece were ready-made).
        let line = authsel::render::json::decision(&rules.evaluate(&p).into_explanation());
        g.bench_function(format!("{name}-bytes-floor"), |b| {
            b.iter(|| black_box(String::from(black_box(line.as_str()))))
        });
        // The JSON line of an explanation already built: the writer's share of issue 16's figure.
        let built = rules.evaluate(&p).into_explanation();
        g.bench_function(format!("{name}-json-only"), |b| {
            b.iter(|| black_box(authsel::render::json::decision(black_box(&built))))
        });
        // Issue 16's figure: the decision, its explanation and the JSON line (`eval --format
        // json`, `check --format json`).
        g.bench_function(format!("{name}-json"), |b| {
            b.iter(|| {
                let e = rules.evaluate(black_box(&p)).into_explanation();
                black_box(authsel::render::json::decision(&e))
            })
        });
    }
    g.finish();
}

fn generated(rules: &RuleBase, n: usize) -> Vec<Proposal> {
    let g = Generator::new(rules).expect("generator");
    (0..n)
        .filter_map(|i| rules.read_proposal("g.ron", &g.proposal(42, i)).ok())
        .collect()
}

/// The distribution over proposals of each proposal's median evaluation time (31 runs each),
/// with the decision dropped inside the timing ("build + drop") and outside it ("build"): printed,
/// not asserted, and only under `cargo bench`.
fn per_proposal_medians(rules: &RuleBase, corpus: &[Proposal]) {
    let mut with_drop: Vec<u128> = Vec::with_capacity(corpus.len());
    let mut build: Vec<u128> = Vec::with_capacity(corpus.len());
    for p in corpus {
        let mut a: Vec<u128> = Vec::with_capacity(31);
        let mut b: Vec<u128> = Vec::with_capacity(31);
        for _ in 0..31 {
            let t = std::time::Instant::now();
            black_box(rules.evaluate(black_box(p)));
            a.push(t.elapsed().as_nanos());
            let t = std::time::Instant::now();
            let d = rules.evaluate(black_box(p));
            b.push(t.elapsed().as_nanos());
            drop(black_box(d));
        }
        a.sort_unstable();
        b.sort_unstable();
        with_drop.push(a[a.len() / 2]);
        build.push(b[b.len() / 2]);
    }
    for (what, mut medians) in [("build", build), ("build + drop", with_drop)] {
        medians.sort_unstable();
        let at = |q: usize| medians[(medians.len() - 1) * q / 100] as f64 / 1000.0;
        println!(
            "evaluate/per-proposal medians ({what}) over {} generated proposals: median {:.1} µs, p90 {:.1} µs, max {:.1} µs",
            medians.len(),
            at(50),
            at(90),
            at(100)
        );
    }
}

// ---- the native baseline ----------------------------------------------------------------------

/// Three-valued truth, as the interpreter has it, without the missing-fact names.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum T3 {
    T,
    F,
    U,
}

fn verdict(outcomes: &[T3]) -> Verdict {
    if outcomes.contains(&T3::F) {
        Verdict::Ineligible
    } else if outcomes.contains(&T3::U) {
        Verdict::Conditional
    } else {
        Verdict::Eligible
    }
}

fn b(x: bool) -> T3 {
    if x {
        T3::T
    } else {
        T3::F
    }
}

/// `when G: C` as the interpreter reads it: the implication `not G or C`, except that an unknown
/// guard with a false condition stays unknown.
fn implies(g: T3, c: T3) -> T3 {
    match (g, c) {
        (_, T3::T) | (T3::F, _) => T3::T,
        (T3::T, c) => c,
        (T3::U, _) => T3::U,
    }
}

fn and(x: T3, y: T3) -> T3 {
    match (x, y) {
        (T3::F, _) | (_, T3::F) => T3::F,
        (T3::T, T3::T) => T3::T,
        _ => T3::U,
    }
}

fn or(x: T3, y: T3) -> T3 {
    match (x, y) {
        (T3::T, _) | (_, T3::T) => T3::T,
        (T3::F, T3::F) => T3::F,
        _ => T3::U,
    }
}

fn not(x: T3) -> T3 {
    match x {
        T3::T => T3::F,
        T3::F => T3::T,
        T3::U => T3::U,
    }
}

/// The `is_a` parents of the vocabulary, hard-coded.
fn parent(p: &str) -> Option<&'static str> {
    Some(match p {
        "self_defense" | "security_capacity" => "military_capability",
        "counterterrorism"
        | "counternarcotics"
        | "counter_wmd"
        | "counter_tco"
        | "maritime_security"
        | "border_security"
        | "military_intelligence"
        | "air_domain_awareness"
        | "cyber"
        | "nonproliferation" => "security_capacity",
        "coalition_operations" | "peacekeeping" | "interoperability" => "multinational_operations",
        "professionalization" | "institution_building" | "military_contacts" => "defense_relations",
        "disaster_relief" | "humanitarian" | "demining" => "humanitarian_response",
        "armaments_cooperation" => "interoperability",
        _ => return None,
    })
}

fn serves_any(p: &Proposal, served: &[&str]) -> bool {
    p.purposes.iter().any(|q| {
        let mut cur = Some(q.as_str());
        while let Some(x) = cur {
            if served.contains(&x) {
                return true;
            }
            cur = parent(x);
        }
        false
    })
}

fn provides_all(p: &Proposal, provided: &[&str]) -> bool {
    p.activities.iter().all(|a| provided.contains(&a.as_str()))
}

fn fact_bool(p: &Proposal, name: &str) -> Option<bool> {
    match p.facts.get(name) {
        Some(authsel::input::proposal::FactValue::Bool(b)) => Some(*b),
        _ => None,
    }
}

fn leahy_passed(p: &Proposal) -> T3 {
    match p.leahy {
        Some(LeahyStatus::Passed) => T3::T,
        Some(LeahyStatus::Failed) => T3::F,
        _ => T3::U,
    }
}

/// State sponsors of terrorism on the proposal's start date (registry dates hard-coded; every
/// other partner is assumed to be in the registry, as generated and example proposals are).
fn state_sponsor(p: &Proposal) -> bool {
    if let Some(b) = fact_bool(p, "state_sponsor_of_terrorism") {
        return b;
    }
    let d = p.start;
    let between = |from: (i16, i8, i8), to: Option<(i16, i8, i8)>| {
        d >= jiff::civil::date(from.0, from.1, from.2)
            && to.is_none_or(|t| d <= jiff::civil::date(t.0, t.1, t.2))
    };
    match p.partner.as_str() {
        "Iran" => between((1984, 1, 19), None),
        "Syria" => between((1979, 12, 29), None),
        "North Korea" => {
            between((1988, 1, 20), Some((2008, 10, 10))) || between((2017, 11, 20), None)
        }
        "Cuba" => between((1982, 3, 1), Some((2015, 5, 28))) || between((2021, 1, 12), None),
        "Sudan" => between((1993, 8, 12), Some((2020, 12, 13))),
        "Libya" => between((1979, 12, 29), Some((2006, 6, 29))),
        "Iraq" => between((1990, 9, 13), Some((2004, 10, 19))),
        _ => false,
    }
}

fn security_force(p: &Proposal) -> bool {
    matches!(
        p.recipient,
        RecipientKind::NationalMilitary | RecipientKind::OtherSecurityForces
    )
}

fn has_purpose(p: &Proposal, x: &str) -> bool {
    p.purposes.iter().any(|q| {
        let mut cur = Some(q.as_str());
        while let Some(y) = cur {
            if y == x {
                return true;
            }
            cur = parent(y);
        }
        false
    })
}

/// 10 U.S.C. § 333 with `leahy-dod` and `terrorism-dod`, in plain Rust.
fn native_333(p: &Proposal) -> Verdict {
    let fy = i32::from(p.fiscal_year().year());
    let program_length = match p.end() {
        Some(end) => b(i32::from(authsel::model::FiscalYear::of(end).year()) <= fy + 2),
        None => T3::U,
    };
    let national_level = implies(
        b(p.recipient == RecipientKind::OtherSecurityForces && !has_purpose(p, "counter_wmd")),
        fact_bool(p, "national_level").map_or(T3::U, b),
    );
    let construction = implies(
        b(p.activities.iter().any(|a| a == "construction")),
        match p.facts.get("construction_project_usd") {
            Some(authsel::input::proposal::FactValue::Int(v)) => b(*v <= 1_500_000),
            _ => T3::U,
        },
    );
    let emergency_humanitarian = and(
        b(has_purpose(p, "humanitarian")),
        p.emergency.map_or(T3::U, b),
    );
    let exempt = or(b(has_purpose(p, "disaster_relief")), emergency_humanitarian);
    let leahy = implies(and(b(security_force(p)), not(exempt)), leahy_passed(p));
    verdict(&[
        b(p.start >= jiff::civil::date(2016, 12, 23)),
        b(serves_any(
            p,
            &[
                "counterterrorism",
                "counter_wmd",
                "counternarcotics",
                "counter_tco",
                "maritime_security",
                "border_security",
                "military_intelligence",
                "air_domain_awareness",
                "cyber",
                "coalition_operations",
            ],
        )),
        b(provides_all(
            p,
            &["training", "equipment", "services", "construction"],
        )),
        b(security_force(p)),
        b(p.funding.is_none_or(|f| f == Funding::DoD)),
        program_length,
        national_level,
        construction,
        leahy,
        // 10 U.S.C. § 361 and AECA § 40: keyed on the country, whoever the recipient.
        b(!state_sponsor(p)),
    ])
}

/// Foreign Military Sales with `terrorism-aeca` and `human-rights-502b`.
fn native_fms(p: &Proposal) -> Verdict {
    verdict(&[
        T3::T,
        b(serves_any(
            p,
            &[
                "self_defense",
                "security_capacity",
                "coalition_operations",
                "peacekeeping",
                "interoperability",
            ],
        )),
        b(provides_all(
            p,
            &["equipment", "services", "training", "education"],
        )),
        b(p.recipient != RecipientKind::NonGovernmental),
        b(p.funding.is_none_or(|f| f == Funding::PartnerNational)),
        // 10 U.S.C. § 361 and AECA § 40: keyed on the country, whoever the recipient.
        b(!state_sponsor(p)),
        b(!fact_bool(p, "gross_violations_pattern").unwrap_or(false)),
    ])
}

/// FAA § 506(a)(1) with its $100M ceiling (no ledger) and the eight restrictions it applies.
fn native_506a1(p: &Proposal) -> Verdict {
    verdict(&[
        T3::T,
        b(serves_any(
            p,
            &["self_defense", "security_capacity", "coalition_operations"],
        )),
        b(provides_all(
            p,
            &["equipment", "services", "training", "education"],
        )),
        b(matches!(
            p.recipient,
            RecipientKind::NationalMilitary
                | RecipientKind::OtherSecurityForces
                | RecipientKind::InternationalOrganization
        )),
        b(p.funding.is_none_or(|f| f == Funding::UsgStocks)),
        p.emergency.map_or(T3::U, b),
        b(p.amount_usd <= 100_000_000),
        implies(b(security_force(p)), leahy_passed(p)),
        // FAA § 620A and AECA § 40: keyed on the country, whoever the recipient.
        b(!state_sponsor(p)),
        b(!state_sponsor(p)),
        implies(
            b(government(p)),
            b(!fact_bool(p, "in_arrears").unwrap_or(false)),
        ),
        b(!fact_bool(p, "gross_violations_pattern").unwrap_or(false)),
        implies(b(government(p)), b(p.partner != "Cuba")),
        b(!communist(p)),
        b(!fact_bool(p, "diplomatic_relations_severed").unwrap_or(false)),
    ])
}

fn government(p: &Proposal) -> bool {
    security_force(p) || p.recipient == RecipientKind::CivilianGovernment
}

/// FAA § 620(f)'s named countries as the registry has them (the fact overrides it).
fn communist(p: &Proposal) -> bool {
    fact_bool(p, "communist_country").unwrap_or_else(|| {
        matches!(p.partner.as_str(), "Cuba" | "North Korea" | "China")
            && p.start >= jiff::civil::date(2022, 12, 23)
    })
}

const THREE: [&str; 3] = ["usc10-333", "fms", "faa-506a1"];

/// The interpreter on the same three authorities: candidate links from the graph, then judged.
fn interpreted(rules: &RuleBase, p: &Proposal) -> [Verdict; 3] {
    let ctx = Context::default();
    let env = Env::new(rules, p, &ctx);
    let links = rules.graph.candidates(&p.purposes, &p.activities);
    THREE.map(|id| match (rules.authority(id), links.get(id)) {
        (Some(a), Some(l)) => judge(&env, &ctx, a, l.clone()).verdict,
        _ => Verdict::Ineligible,
    })
}

fn native(p: &Proposal) -> [Verdict; 3] {
    [native_333(p), native_fms(p), native_506a1(p)]
}

fn baseline(c: &mut Criterion) {
    let rules = RuleBase::builtin();
    let g = Generator::new(&rules).expect("generator");
    // The baseline must agree with the interpreter, or the comparison means nothing.
    let mut checked = 0;
    for (_, text) in EXAMPLES {
        let p = proposal(&rules, text);
        assert_eq!(native(&p), interpreted(&rules, &p), "{}", p.id);
    }
    for i in 0..500 {
        if let Ok(p) = rules.read_proposal("g.ron", &g.proposal(1, i)) {
            let links = rules.graph.candidates(&p.purposes, &p.activities);
            if THREE.iter().all(|id| links.contains_key(*id)) {
                assert_eq!(native(&p), interpreted(&rules, &p), "{}", p.id);
                checked += 1;
            }
        }
    }
    assert!(checked > 10, "too few generated proposals reach all three");
    let p = proposal(&rules, EXAMPLES[0].1);
    let mut grp = c.benchmark_group("baseline_333_fms_506a1");
    grp.bench_function("native", |b| b.iter(|| black_box(native(black_box(&p)))));
    grp.bench_function("interpreter", |b| {
        b.iter(|| black_box(interpreted(&rules, black_box(&p))))
    });
    grp.finish();
}

fn batch(c: &mut Criterion) {
    let rules = RuleBase::builtin();
    let g = Generator::new(&rules).expect("generator");
    let n = 2000;
    let texts: Vec<String> = (0..n).map(|i| g.proposal(42, i)).collect();
    let mut grp = c.benchmark_group("batch");
    grp.throughput(Throughput::Elements(n as u64));
    grp.sample_size(10);
    grp.bench_function("parse_and_evaluate_2000_parallel", |b| {
        b.iter_batched(
            || (),
            |()| {
                texts
                    .par_iter()
                    .filter_map(|t| rules.read_proposal("g.ron", t).ok())
                    .map(|p| usize::from(rules.evaluate(&p).recommended().is_some()))
                    .sum::<usize>()
            },
            BatchSize::SmallInput,
        )
    });
    grp.bench_function("parse_only_2000", |b| {
        b.iter(|| {
            texts
                .iter()
                .filter(|t| rules.read_proposal("g.ron", t).is_ok())
                .count()
        })
    });
    grp.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    targets = load, evaluate, baseline, batch
}
criterion_main!(benches);
