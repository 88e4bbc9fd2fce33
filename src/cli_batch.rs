//! `authsel check` and `authsel gen`: the binary side of `authsel::batch` and `authsel::gen`.

use anyhow::{Context as _, Result};
use authsel::batch::{render, Batch, Report};
use authsel::{Ledger, RuleBase};
use clap::ValueEnum;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

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
        let mut stream = render::JsonStream::begin(&mut *out)?;
        let mut failed: Option<std::io::Error> = None;
        let report = batch.run(
            paths,
            |d| authsel::report::json_line(d.explain()),
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
            CheckFormat::Human => render::human(&report),
            CheckFormat::Junit => render::junit(&report),
            _ => render::markdown(&report),
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

pub fn check(
    rules: &RuleBase,
    ledger: Option<&Ledger>,
    format: CheckFormat,
    report_file: Option<&Path>,
    jobs: Option<usize>,
    paths: &[PathBuf],
) -> Result<u8> {
    let batch = Batch {
        rules,
        ledger,
        jobs,
    };
    let report = match report_file {
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
                    return Ok(0)
                }
                Err(e) => return Err(e),
            }
        }
    };
    Ok(report.exit_code())
}

pub fn gen(rules: &RuleBase, count: usize, seed: u64, malformed: f64, dir: &Path) -> Result<u8> {
    let opts = authsel::gen::GenOptions {
        count,
        seed,
        malformed,
    };
    let r = authsel::gen::write(rules, &opts, dir)?;
    println!(
        "wrote {} proposals to {} (seed {seed})",
        r.written,
        dir.display()
    );
    Ok(0)
}
