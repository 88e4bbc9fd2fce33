//! `authsel lint`: static checks of a rule base (docs/diagnostics.md).

use super::io::{emit, emit_json, errln, print_diags};
use super::{format, Exit};
use anyhow::Result;
use authsel::diagnostic::Severity;
use authsel::render::Format;
use authsel::render::{human, json};
use authsel::RuleBase;
use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Deny {
    Warnings,
}

#[derive(Args)]
pub struct LintArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// `--deny warnings`: warnings fail too (exit 1).
    #[arg(long, value_enum)]
    deny: Option<Deny>,
    #[arg(long, value_parser = format::LIST, default_value = "human")]
    format: Format,
}

pub fn run(args: LintArgs) -> Result<Exit> {
    let files = match args.rules {
        Some(d) => match RuleBase::load_files(&d) {
            Ok(f) => f,
            Err(e) => {
                // Refused or unreadable rule files have positions: show them, not only a count.
                if let authsel::LoadError::Invalid(diags) = &e {
                    print_diags(diags);
                }
                errln!("authsel: {e}");
                return Ok(Exit::Invalid);
            }
        },
        None => RuleBase::builtin_files(),
    };
    let r = authsel::lang::lint::lint(&files);
    match args.format {
        Format::Json => emit_json(&format!("{}\n", json::lint(&r))),
        _ => emit(&human::lint(&r)),
    }
    let errors = r.count(Severity::Error);
    let warnings = r.count(Severity::Warning);
    let found = errors > 0 || (args.deny.is_some() && warnings > 0);
    Ok(Exit::of(false, found))
}
