//! `authsel diff`: which decisions change between two rule directories.

use super::io::{each_input, emit, emit_json, errln, load_ledger, load_rules, print_diags};
use super::{format, Exit};
use anyhow::Result;
use authsel::render::Format;
use authsel::render::{human, json};
use authsel::tools::diff::Diff;
use authsel::Context;
use clap::Args;
use std::path::PathBuf;

/// The most proposals `--generate` makes: `tools::diff::generate` builds them all before comparing,
/// two evaluations each (10,000 take 9 s and 20 MB in release; 100,000 about a minute and a half),
/// so this bounds time and memory (docs/limits.md).
const MAX_GENERATE: u64 = 100_000;

#[derive(Args)]
pub struct DiffArgs {
    old_rules: PathBuf,
    new_rules: PathBuf,
    paths: Vec<PathBuf>,
    /// Also compare N generated proposals (at most 100,000: they are all kept in memory).
    #[arg(long, value_name = "N", default_value_t = 0,
          value_parser = clap::value_parser!(u64).range(..=MAX_GENERATE))]
    generate: u64,
    /// Seed of the generator.
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    #[arg(long)]
    ledger: Option<PathBuf>,
    #[arg(long, value_name = "DATE", value_parser = super::io::date_arg)]
    as_of: Option<jiff::civil::Date>,
    #[arg(long, value_parser = format::LIST, default_value = "human")]
    format: Format,
}

pub fn run(args: DiffArgs) -> Result<Exit> {
    let (old, new) = match (
        load_rules(Some(&args.old_rules)),
        load_rules(Some(&args.new_rules)),
    ) {
        (Ok(o), Ok(n)) => (o, n),
        _ => return Ok(Exit::Invalid),
    };
    if args.paths.is_empty() && args.generate == 0 {
        errln!("authsel: diff needs proposal paths or --generate N");
        return Ok(Exit::Invalid);
    }
    let ledger = match load_ledger(&old, args.ledger.as_deref()) {
        Ok(l) => l,
        Err(e) => return Ok(e),
    };
    let ctx = Context {
        as_of: args.as_of,
        ledger: ledger.as_ref(),
    };
    let mut diff = Diff::new(&old, &new, ctx);
    let bad = !args.paths.is_empty()
        && each_input(&args.paths, |name, text| match diff.file(name, text) {
            Ok(()) => false,
            Err(d) => {
                print_diags(&d);
                true
            }
        });
    diff.generated(
        usize::try_from(args.generate).unwrap_or(usize::MAX),
        args.seed,
    );
    let r = diff.finish();
    match args.format {
        Format::Json => emit_json(&format!("{}\n", json::diff(&r))),
        _ => emit(&human::diff(&r)),
    }
    Ok(Exit::of(bad, r.summary.changed > 0))
}
