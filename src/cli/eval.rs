//! `authsel eval`: recommend the authority that fits each proposal and explain why.

use super::io::{
    each_input, emit, emit_json, errln, load_ledger, load_rules, outln, print_diags, stdout_open,
};
use super::{format, Exit};
use anyhow::Result;
use authsel::render::human::{self, Detail};
use authsel::render::Format;
use authsel::render::{json, markdown};
use authsel::{Context, Explanation};
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DetailArg {
    Brief,
    Reasons,
    Full,
}

#[derive(Args)]
pub struct EvalArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Amounts already committed against per-fiscal-year ceilings.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Judge by the law in force on this date (default: each proposal's start date).
    #[arg(long, value_name = "DATE", value_parser = super::io::date_arg)]
    as_of: Option<jiff::civil::Date>,
    #[arg(long, value_parser = format::EVAL, default_value = "human")]
    format: Format,
    /// Show every rule of one authority with its citation and outcome.
    #[arg(long, value_name = "AUTHORITY")]
    explain: Option<String>,
    /// How much to show: `brief` (the answer, duties, questions, three runners-up), `reasons`
    /// (every candidate with the rules that failed), `full` (every rule of every candidate).
    #[arg(long, value_enum, default_value = "brief")]
    detail: DetailArg,
    /// Show every rule of every candidate (the same as `--detail full`).
    #[arg(long)]
    full: bool,
    #[arg(required = true)]
    proposals: Vec<PathBuf>,
}

pub fn run(args: EvalArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let ledger = match load_ledger(&rb, args.ledger.as_deref()) {
        Ok(l) => l,
        Err(e) => return Ok(e),
    };
    if let Some(id) = &args.explain {
        if rb.authority(id).is_none() {
            errln!("authsel: unknown authority `{id}` (see `authsel authorities`)");
            return Ok(Exit::Invalid);
        }
    }
    let ctx = Context {
        as_of: args.as_of,
        ledger: ledger.as_ref(),
    };
    let mut none_fits = false;
    let bad_input = each_input(&args.proposals, |name, text| {
        match rb.read_proposal(name, text) {
            Ok(p) => {
                let d = rb.evaluate_with(&p, &ctx);
                none_fits |= d.recommended().is_none();
                // After a closed pipe (`authsel eval ... | head`) the rest is still evaluated,
                // unprinted, so the exit code tells what every proposal found.
                if stdout_open() {
                    print(&d.into_explanation(), &args);
                }
                false
            }
            // One bad file never hides the others.
            Err(d) => {
                print_diags(&d);
                true
            }
        }
    });
    Ok(Exit::of(bad_input, none_fits))
}

fn print(d: &Explanation, args: &EvalArgs) {
    match (args.format, args.explain.as_deref()) {
        (Format::Json, _) => emit_json(&format!("{}\n", json::decision(d))),
        (Format::Markdown, _) => emit(&markdown::memo(d)),
        (_, Some(id)) => match human::explain_one(d, id) {
            Some(s) => emit(&s),
            None => outln!(
                "{id} is not a candidate for {}: it serves none of its purposes and provides none of its activities",
                d.proposal
            ),
        },
        (_, None) => {
            match (args.full, args.detail) {
                (true, _) | (_, DetailArg::Full) => emit(&human::decision(d, Detail::Full)),
                (_, DetailArg::Reasons) => emit(&human::decision(d, Detail::Planner)),
                (_, DetailArg::Brief) => emit(&human::brief(d, super::io::width())),
            }
            emit("\n");
        }
    }
}
