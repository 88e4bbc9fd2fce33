//! A driver for instruction counts: loads the built-in rule base, reads the proposals named on the
//! command line and evaluates each of them N times (`count N FILE...`). Run it under
//! `valgrind --tool=callgrind` with two values of N; the difference, divided by the extra
//! evaluations, is the cost of one decision without loading (`scripts/count-instructions`).
//! `count --words N FILE...` also puts each decision in words and serializes it to its JSON line
//! (what `eval --format json` and `check --format json` pay per proposal).
//! `count --ranked N FILE...` ranks every candidate instead (assessed, cured and ordered, no
//! words): the engine's share of a full explanation.

use std::hint::black_box;

// The allocator of the `authsel` binary, so the counts are the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let words = args.first().is_some_and(|a| a == "--words");
    let ranked = args.first().is_some_and(|a| a == "--ranked");
    if words || ranked {
        args.remove(0);
    }
    let Some(n) = args.first().and_then(|n| n.parse::<usize>().ok()) else {
        eprintln!("usage: count [--words | --ranked] N FILE...");
        std::process::exit(2);
    };
    let rules = authsel::RuleBase::builtin();
    let mut proposals = Vec::new();
    for f in &args[1..] {
        let text = std::fs::read_to_string(f).unwrap_or_default();
        if let Ok(p) = rules.read_proposal(f, &text) {
            proposals.push(p);
        }
    }
    for _ in 0..n {
        for p in &proposals {
            let d = rules.evaluate(black_box(p));
            if words {
                black_box(authsel::render::json::decision(&d.explain()));
            }
            if ranked {
                black_box(d.ranked().count());
            }
            black_box(d);
        }
    }
    println!("{} proposals x {n}", proposals.len());
}
