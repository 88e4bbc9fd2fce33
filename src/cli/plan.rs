//! `authsel plan`: when no single authority covers a proposal, the smallest set that together
//! does, as parts on one timeline (`docs/plans.md`). Thin: the plan is `RuleBase::plan_with`, the
//! words are `render::*::plan`.

use super::io::{
    each_input, emit, emit_crlf, emit_json, errln, load_rules_and_ledger, print_diags, stdout_open,
};
use super::{format, Exit};
use anyhow::Result;
use authsel::render::Format;
use authsel::render::{human, ics, json, markdown};
use authsel::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct PlanArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Amounts already committed against per-fiscal-year ceilings.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Judge by the law in force on this date (default: each proposal's start date).
    #[arg(long, value_name = "DATE", value_parser = super::io::date_arg)]
    as_of: Option<jiff::civil::Date>,
    /// Flag overdue duties and compute the earliest feasible start as of this date; with
    /// `--format ics` it is also the calendar's DTSTAMP (default: the clock).
    #[arg(long, value_name = "DATE", value_parser = super::io::date_arg)]
    today: Option<jiff::civil::Date>,
    #[arg(long, value_parser = format::PLAN, default_value = "human")]
    format: Format,
    /// The proposal (`-` for standard input).
    #[arg(required = true)]
    proposals: Vec<PathBuf>,
}

pub fn run(args: PlanArgs) -> Result<Exit> {
    let (rb, ledger) = match load_rules_and_ledger(args.rules.as_deref(), args.ledger.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(e),
    };
    let ctx = Context {
        as_of: args.as_of,
        ledger: ledger.as_ref(),
    };
    let stamp = match args.today {
        Some(t) => t.to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp())?,
        None => jiff::Timestamp::now(),
    };
    let mut none = false;
    let bad = each_input(&args.proposals, |name, text| {
        let p = match rb.read_proposal(name, text) {
            Ok(p) => p,
            Err(d) => {
                print_diags(&d);
                return true;
            }
        };
        match rb.plan_with(&p, &ctx, args.today) {
            Ok(plan) => {
                none |= plan.options.is_empty();
                match args.format {
                    _ if !stdout_open() => {}
                    Format::Json => emit_json(&format!("{}\n", json::plan(&plan))),
                    Format::Markdown => emit(&markdown::plan(&plan)),
                    Format::Ics => emit_crlf(&ics::plan(&plan, stamp)),
                    _ => emit(&format!("{}\n", human::plan(&plan, super::io::width()))),
                }
                false
            }
            Err(e) => {
                errln!("{name}: error: {e}");
                true
            }
        }
    });
    Ok(Exit::of(bad, none))
}
