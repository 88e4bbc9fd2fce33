//! `authsel eval`: recommend the authority that fits each proposal and explain why.

use super::check::DetailArg;
use super::io::{
    each_input, emit, emit_json, errln, load_rules_and_ledger, outln, print_diags, print_notes,
    stdout_open,
};
use super::{format, Exit};
use anyhow::Result;
use authsel::explain::Detail as JsonDetail;
use authsel::render::human::{self, Detail};
use authsel::render::Format;
use authsel::render::{json, markdown};
use authsel::{Context, Explanation};
use clap::Args;
use std::path::PathBuf;

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
    /// How much to show. Human: `brief` (default: the answer, duties, questions, three
    /// runners-up), `reasons` (every candidate with the rules that failed), `full` (every rule of
    /// every candidate). JSON: `full` (default, the contract's object), `brief` or `reasons`
    /// (docs/json.md).
    #[arg(long, value_enum)]
    detail: Option<DetailArg>,
    /// Show every rule of every candidate (the same as `--detail full`).
    #[arg(long)]
    full: bool,
    #[arg(required = true)]
    proposals: Vec<PathBuf>,
}

pub fn run(args: EvalArgs) -> Result<Exit> {
    let (rb, ledger) = match load_rules_and_ledger(args.rules.as_deref(), args.ledger.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(e),
    };
    // A planner's name ("1206", "Denton", a program under one authority) is read as its id.
    let explain = match args.explain.as_deref().map(|n| (n, rb.authority_named(n))) {
        None => None,
        Some((_, Some(a))) => Some(a.id.to_string()),
        Some((name, None)) => {
            errln!("authsel: {}", unknown_authority(&rb, name));
            return Ok(Exit::Invalid);
        }
    };
    if args.detail.is_some() && matches!(args.format, Format::Markdown | Format::Html) {
        errln!(
            "authsel: --detail applies to --format human and --format json; the memo has its own shape"
        );
        return Ok(Exit::Invalid);
    }
    let brief = args
        .detail
        .map(DetailArg::detail)
        .filter(|d| *d != JsonDetail::Full && args.format == Format::Json);
    let ctx = Context {
        as_of: args.as_of,
        ledger: ledger.as_ref(),
    };
    let mut none_fits = false;
    let bad_input = each_input(&args.proposals, |name, text| {
        match rb.read_proposal_noted(name, text) {
            Ok((p, notes)) => {
                print_notes(&notes);
                let d = rb.evaluate_with(&p, &ctx);
                none_fits |= d.recommended().is_none();
                // After a closed pipe (`authsel eval ... | head`) the rest is still evaluated,
                // unprinted, so the exit code tells what every proposal found.
                match brief {
                    _ if !stdout_open() => {}
                    Some(detail) => {
                        let object = json::brief(&d.brief(detail));
                        emit_json(&format!("{}\n", json::tagged(None, Some(name), &object)));
                    }
                    None => print(&d.into_explanation(), &p, &args, explain.as_deref()),
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

/// Why `name` names no one authority: a program under several, or nothing (with a hint).
fn unknown_authority(rb: &authsel::RuleBase, name: &str) -> String {
    use authsel::model::names::Named;
    if let Some(Named::Program(id)) = rb.resolve(name) {
        let under = rb
            .program(id)
            .map(|p| p.under.join(", "))
            .unwrap_or_default();
        return format!("`{name}` is a program under several authorities ({under}): name one");
    }
    let hint = rb
        .closest_name(name)
        .map_or(String::new(), |s| format!(" (did you mean `{s}`?)"));
    format!("unknown authority `{name}`{hint} (see `authsel authorities` and `authsel programs`)")
}

fn print(d: &Explanation, p: &authsel::Proposal, args: &EvalArgs, explain: Option<&str>) {
    match (args.format, explain) {
        (Format::Json, _) => emit_json(&format!("{}\n", json::decision(d))),
        (Format::Markdown, _) => emit(&markdown::memo_of(d, Some(p))),
        (Format::Html, _) => emit(&authsel::render::html::memo(d, Some(p))),
        (_, Some(id)) => match human::explain_one(d, id) {
            Some(s) => emit(&s),
            None => outln!(
                "{id} is not a candidate for {}: it serves none of its purposes and provides none of its activities",
                d.proposal
            ),
        },
        (_, None) => {
            match (args.full, args.detail) {
                (true, _) | (_, Some(DetailArg::Full)) => emit(&human::decision(d, Detail::Full)),
                (_, Some(DetailArg::Reasons)) => emit(&human::decision(d, Detail::Planner)),
                (_, None | Some(DetailArg::Brief)) => {
                    super::io::emit_decision(&human::brief(d, super::io::width()))
                }
            }
            emit("\n");
        }
    }
}
