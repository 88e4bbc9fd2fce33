//! `authsel test`: the rule regression cases, and which rules they exercise.

use super::io::{each_input, emit, eprint, load_rules, outln};
use super::Exit;
use anyhow::Result;
use authsel::render::human;
use authsel::tools::{cases, coverage};
use authsel::RuleBase;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct TestArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Show every case, not only failures.
    #[arg(long, short)]
    verbose: bool,
    /// Report which rules, and which outcomes of each, the cases exercise.
    #[arg(long)]
    coverage: bool,
    /// Fail (exit 1) when fewer than N percent of the rules are exercised (implies --coverage).
    #[arg(long, value_name = "N")]
    threshold: Option<f64>,
    /// Case files or directories (default: the built-in cases, or DIR/cases with --rules).
    paths: Vec<PathBuf>,
}

pub fn run(args: TestArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let paths: Vec<PathBuf> = match (args.paths.is_empty(), &args.rules) {
        (false, _) => args.paths.clone(),
        (true, Some(d)) => vec![d.join("cases")],
        (true, None) => Vec::new(),
    };
    let mut results = Vec::new();
    // Whether the case file is invalid input (exit 2): its diagnostics go to stderr, as every
    // command's do; a case that ran and failed is a finding (exit 1), reported on stdout.
    let mut run = |name: &str, text: &str| {
        let r = cases::run_case(&rb, name, text);
        let invalid = r.invalid;
        if invalid {
            for f in &r.failures {
                eprint(&format!("{}\n", f.trim_end()));
            }
        } else {
            emit(&human::case_result(&r, args.verbose));
        }
        results.push(r);
        invalid
    };
    let bad = if paths.is_empty() {
        let mut bad = false;
        for f in RuleBase::builtin_cases() {
            if super::io::stdout_failed() {
                break;
            }
            bad |= run(&f.name, &f.text);
        }
        bad
    } else {
        each_input(&paths, run)
    };
    let below = (args.coverage || args.threshold.is_some())
        && below_threshold(&rb, &results, args.threshold);
    let failed = results.iter().filter(|r| r.failed()).count();
    let invalid = results.iter().filter(|r| r.invalid).count();
    let passed = results.len() - failed - invalid;
    if invalid == 0 {
        outln!("cases: {passed} passed, {failed} failed");
    } else {
        outln!("cases: {passed} passed, {failed} failed, {invalid} invalid");
    }
    Ok(Exit::of(bad, failed > 0 || below))
}

/// Prints the coverage report; whether it is below `threshold`.
fn below_threshold(rb: &RuleBase, results: &[cases::CaseResult], threshold: Option<f64>) -> bool {
    let cov = coverage::coverage(rb, results);
    emit(&cov.render());
    let Some(t) = threshold else { return false };
    let below = cov.percent() < t;
    if below {
        outln!("coverage {:.1}% is below the threshold {t}%", cov.percent());
    }
    below
}
