//! `authsel check` and `authsel gen`: the binary side of `authsel::batch` and `authsel::tools::gen`.

use super::io::{load_ledger, load_rules};
use super::Exit;
use anyhow::{Context as _, Result};
use authsel::batch::{Batch, Report};
use authsel::render::{human, json, junit, markdown};
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum CheckFormat {
    Human,
    Json,
    Junit,
    Markdown,
}

/// A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or CI).
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{spinner} checking {pos}/{len} files [{bar:40}] {elapsed_precise}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Runs the batch and writes the report to `out`; returns the report for the exit code.
fn run_into(
    batch: &Batch,
    paths: &[PathBuf],
    format: CheckFormat,
    out: &mut dyn Write,
) -> Result<Report> {
    let bar = progress_bar();
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let report = if format == CheckFormat::Json {
        // Decisions are serialized in the workers and streamed: memory stays flat.
        let mut stream = json::JsonStream::begin(&mut *out)?;
        let mut failed: Option<std::io::Error> = None;
        let report = batch.run(
            paths,
            |d| json::decision(&d.explain()),
            |json| {
                if failed.is_none() {
                    if let Err(e) = stream.decision(&json) {
                        failed = Some(e);
                    }
                }
            },
            progress,
        )?;
        if let Some(e) = failed {
            return Err(e.into());
        }
        stream.finish(&report)?;
        report
    } else {
        let report = batch.run(paths, |_| (), |()| {}, progress)?;
        let text = match format {
            CheckFormat::Human => human::check(&report),
            CheckFormat::Junit => junit::check(&report),
            _ => markdown::check(&report),
        };
        out.write_all(text.as_bytes())?;
        report
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out.flush()?;
    Ok(report)
}

#[derive(Args)]
pub struct CheckArgs {
    #[arg(long)]
    rules: Option<PathBuf>,
    /// Amounts already committed against per-fiscal-year ceilings.
    #[arg(long)]
    ledger: Option<PathBuf>,
    #[arg(long, value_enum, default_value = "human")]
    format: CheckFormat,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Args)]
pub struct GenArgs {
    #[arg(long)]
    rules: Option<PathBuf>,
    #[arg(long, value_name = "N")]
    count: usize,
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Fraction of files (0 to 1) given a realistic defect.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    malformed: f64,
    dir: PathBuf,
}

pub fn check(args: CheckArgs) -> Result<Exit> {
    let rules = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let ledger = match load_ledger(&rules, args.ledger.as_deref()) {
        Ok(l) => l,
        Err(e) => return Ok(e),
    };
    let batch = Batch {
        rules: &rules,
        ledger: ledger.as_ref(),
        jobs: args.jobs.map(usize::from),
    };
    let (format, paths) = (args.format, &args.paths[..]);
    let report = match args.report.as_deref() {
        Some(path) => {
            let mut result = None;
            authsel::batch::write_atomically(path, |w| {
                result = Some(run_into(&batch, paths, format, w).map_err(std::io::Error::other)?);
                Ok(())
            })
            .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            let report = result.context("the report was not written")?;
            // The report went to a file: say on stderr what it found, briefly.
            let s = &report.summary;
            eprintln!(
                "authsel: {} proposals ({} eligible, {} conditional, {} with no authority), {} errors, {} ceilings exceeded; report in {}",
                s.proposals, s.eligible, s.conditional, s.no_authority, s.errors, s.ceilings_over,
                path.display()
            );
            report
        }
        None => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            match run_into(&batch, paths, format, &mut out) {
                Ok(r) => r,
                // `authsel check ... | head`: a closed pipe ends output quietly.
                Err(e)
                    if e.downcast_ref::<std::io::Error>()
                        .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe) =>
                {
                    return Ok(Exit::Done)
                }
                Err(e) => return Err(e),
            }
        }
    };
    let s = &report.summary;
    Ok(Exit::of(
        s.errors > 0,
        s.ceilings_over > 0 || s.no_authority > 0,
    ))
}

pub fn gen(args: GenArgs) -> Result<Exit> {
    let rules = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let opts = authsel::tools::gen::GenOptions {
        count: args.count,
        seed: args.seed,
        malformed: args.malformed,
    };
    let r = authsel::tools::gen::write(&rules, &opts, &args.dir)?;
    println!(
        "wrote {} proposals to {} (seed {})",
        r.written,
        args.dir.display(),
        args.seed
    );
    Ok(Exit::Done)
}
