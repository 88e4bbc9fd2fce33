//! `authsel check` and `authsel gen`: the binary side of `authsel::batch` and `authsel::tools::gen`.

use super::io::{self, errln, load_rules, load_rules_and_ledger, outln, Escaped, Style};
use super::{format, Exit};
use anyhow::{Context as _, Result};
use authsel::batch::{Batch, Event, Report, Row, MAX_JOBS};
use authsel::explain::Detail;
use authsel::input::files::collect;
use authsel::render::Format;
use authsel::render::{human, json, junit, markdown};
use authsel::tools::gen::MAX_COUNT;
use clap::{Args, ValueEnum};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// `--detail`: how much of each decision a JSON report holds (docs/json.md).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum DetailArg {
    /// Verdict, recommendation and citation, duties, open questions; the closest fix.
    Brief,
    /// Brief plus every candidate's failed and unknown findings.
    Reasons,
    /// The whole `eval --format json` object.
    Full,
}

impl DetailArg {
    pub fn detail(self) -> Detail {
        match self {
            DetailArg::Brief => Detail::Brief,
            DetailArg::Reasons => Detail::Reasons,
            DetailArg::Full => Detail::Full,
        }
    }
}

/// A progress bar on stderr, only when stderr is a terminal (never in pipes, logs or CI).
fn progress_bar() -> Option<indicatif::ProgressBar> {
    if super::paint::no_progress() {
        return None;
    }
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

/// How the report is written.
#[derive(Clone, Copy)]
struct Shape {
    format: Format,
    detail: Detail,
    /// A row per proposal in the human and Markdown reports.
    all: bool,
}

/// Runs the batch and writes the report to `out`; returns the report for the exit code.
fn run_into(batch: &Batch, paths: &[PathBuf], shape: Shape, out: &mut dyn Write) -> Result<Report> {
    let bar = progress_bar();
    let progress = |done: usize, total: usize| {
        if let Some(b) = &bar {
            b.set_length(total as u64);
            b.set_position(done as u64);
        }
    };
    let report = match shape.format {
        Format::Json | Format::Jsonl => stream(batch, paths, shape, out, progress)?,
        format => {
            let report = batch.run(paths, |_| (), |()| {}, progress)?;
            let text = match format {
                Format::Human => human::check(&report, shape.all),
                Format::Junit => junit::check(&report),
                _ => markdown::check(&report, shape.all),
            };
            out.write_all(text.as_bytes())?;
            report
        }
    };
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    out.flush()?;
    Ok(report)
}

/// A decision as its report line: serialized at `detail` in the worker, `file` and `kind` added
/// where the format has them (`--format json --detail full` is the contract's object, with `plan`
/// first when `--plan` asked for it).
fn decision_line(shape: Shape, row: &Row, d: &authsel::Decision) -> String {
    let mut object = match shape.detail {
        Detail::Full => json::decision(&d.explain()),
        detail => json::brief(&d.brief(detail)),
    };
    // `--plan`: the best plan's authorities, a field added only when asked for.
    if let Some(plan) = &row.plan {
        let name = serde_json::to_string(plan).unwrap_or_default();
        object = format!(
            "{{\"plan\":{name},{}",
            object.strip_prefix('{').unwrap_or(&object)
        );
    }
    match (shape.format, shape.detail) {
        (Format::Jsonl, _) => json::tagged(Some("decision"), Some(&row.file), &object),
        (_, Detail::Full) => object,
        _ => json::tagged(None, Some(&row.file), &object),
    }
}

/// The JSON and JSON Lines reports: decisions serialized in the workers and streamed, so memory
/// stays flat. Once the output is gone (a closed pipe, a failed write) they are no longer
/// serialized, but every file is still evaluated: the exit code tells what the whole batch found.
fn stream(
    batch: &Batch,
    paths: &[PathBuf],
    shape: Shape,
    out: &mut dyn Write,
    progress: impl FnMut(usize, usize),
) -> Result<Report> {
    let lines = shape.format == Format::Jsonl;
    let (mut json, mut jsonl) = (None, None);
    if lines {
        jsonl = Some(json::JsonlStream::begin(
            &mut *out,
            &header(batch, paths, shape),
        )?);
    } else {
        json = Some(json::JsonStream::begin(&mut *out)?);
    }
    let mut failed: Option<std::io::Error> = None;
    let live = AtomicBool::new(true);
    let report = batch.run_events(
        paths,
        |row, d| {
            live.load(Ordering::Relaxed)
                .then(|| decision_line(shape, row, &d))
        },
        |event| {
            let written = match (event, &mut json, &mut jsonl) {
                _ if failed.is_some() => Ok(()),
                (Event::Decision(Some(line)), Some(s), _) => s.decision(&line),
                (Event::Decision(Some(line)), _, Some(s)) => s.decision(&line),
                (Event::Invalid(diags), _, Some(s)) => s.errors(diags),
                _ => Ok(()),
            };
            if let Err(e) = written {
                failed = Some(e);
            }
            if failed.is_some() || !io::stdout_open() {
                live.store(false, Ordering::Relaxed);
            }
        },
        progress,
    )?;
    if let Some(e) = failed {
        return Err(e.into());
    }
    match (json, jsonl) {
        (Some(s), _) => drop(s.finish(&report)?),
        (_, Some(s)) => drop(s.finish(&report)?),
        _ => {}
    }
    Ok(report)
}

/// The JSON Lines header: what made the report.
fn header(batch: &Batch, paths: &[PathBuf], shape: Shape) -> json::JsonlHeader {
    json::JsonlHeader {
        authsel_version: env!("CARGO_PKG_VERSION"),
        rules_digest: batch.rules.digest.clone(),
        as_of: batch.as_of,
        ledger_digest: batch.ledger.map(|l| l.digest().to_string()),
        ledger_entries: batch.ledger.map_or(0, |l| l.entries().len()),
        detail: shape.detail.as_str(),
        paths: paths.iter().map(|p| p.display().to_string()).collect(),
    }
}

#[derive(Args)]
pub struct CheckArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Amounts already committed against per-fiscal-year ceilings.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Judge every proposal by the law in force on this date (default: each by its own start
    /// date); ceilings still count against each proposal's own fiscal year.
    #[arg(long, value_name = "DATE", value_parser = super::io::date_arg)]
    as_of: Option<jiff::civil::Date>,
    #[arg(long, value_parser = format::CHECK, default_value = "human")]
    format: Format,
    /// How much of each decision the json and jsonl reports hold (default: full for json, brief
    /// for jsonl); the other formats have their own shape.
    #[arg(long, value_enum)]
    detail: Option<DetailArg>,
    /// A row per proposal in the human and Markdown reports (default: a summary, grouped).
    #[arg(long)]
    all: bool,
    /// Write the report to FILE (atomically) instead of stdout; FILE may not be an input file,
    /// the ledger or a rule file.
    #[arg(long, value_name = "FILE")]
    report: Option<PathBuf>,
    /// Worker threads, 1 to 256 (default: one per core).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u16).range(1..=MAX_JOBS as i64))]
    jobs: Option<u16>,
    /// For each proposal no single authority fits, add the best plan (docs/plans.md), its parts
    /// charged to their authorities' ceilings.
    #[arg(long)]
    plan: bool,
    #[arg(required = true)]
    paths: Vec<PathBuf>,
}

#[derive(Args)]
pub struct GenArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// How many proposals, at most 1,000,000.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(..=MAX_COUNT as u64))]
    count: u64,
    #[arg(long, value_name = "S", default_value_t = 1)]
    seed: u64,
    /// Fraction of files (0 to 1) given a realistic defect.
    #[arg(long, value_name = "FRACTION", default_value_t = 0.0)]
    malformed: f64,
    dir: PathBuf,
}

pub fn check(args: CheckArgs) -> Result<Exit> {
    let (rules, ledger) = match load_rules_and_ledger(args.rules.as_deref(), args.ledger.as_deref())
    {
        Ok(loaded) => loaded,
        Err(e) => return Ok(e),
    };
    let batch = Batch {
        rules: &rules,
        ledger: ledger.as_ref(),
        jobs: args.jobs.map(usize::from),
        as_of: args.as_of,
        plan: args.plan,
        memory: None,
    };
    let (format, paths) = (args.format, &args.paths[..]);
    let shape = match shape(format, args.detail, args.all) {
        Ok(s) => s,
        Err(e) => return Ok(e),
    };
    // JSON escapes control characters in its strings as JSON does; the other formats as `\u{1b}`.
    let style = if matches!(format, Format::Json | Format::Jsonl) {
        Style::Json
    } else {
        Style::Text
    };
    let report = match args.report.as_deref() {
        Some(path) => {
            if let Some(clash) = clash(path, paths, args.ledger.as_deref(), args.rules.as_deref()) {
                errln!(
                    "authsel: --report `{}` is {clash}: the report would replace it; choose another file",
                    path.display()
                );
                return Ok(Exit::Invalid);
            }
            remove_temp_files_on_signal();
            let mut result = None;
            authsel::batch::write_atomically(path, |w| {
                let mut w = Escaped::new(w, style);
                let r = run_into(&batch, paths, shape, &mut w).map_err(std::io::Error::other)?;
                result = Some(r);
                w.flush()
            })
            .with_context(|| format!("cannot write the report to `{}`", path.display()))?;
            let report = result.context("the report was not written")?;
            // The report went to a file: say on stderr what it found, briefly.
            let s = &report.summary;
            errln!(
                "authsel: {} proposals ({} eligible, {} conditional, {} with no authority), {} errors, {} ceilings exceeded; report in {}",
                s.proposals, s.eligible, s.conditional, s.no_authority, s.errors, s.ceilings_over,
                path.display()
            );
            report
        }
        None => {
            // `io::Stdout` takes a closed pipe (`authsel check ... | head`) quietly, and the batch
            // still runs to the end for its exit code; another write error is reported there.
            let mut out = Escaped::new(
                std::io::BufWriter::with_capacity(1 << 16, io::Stdout),
                style,
            );
            match run_into(&batch, paths, shape, &mut out) {
                Ok(r) => r,
                Err(_) if io::stdout_failed() => return Ok(Exit::Invalid),
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

/// `--detail` and `--all` against the format: each is refused, with the reason, where it means
/// nothing.
fn shape(format: Format, detail: Option<DetailArg>, all: bool) -> Result<Shape, Exit> {
    let json = matches!(format, Format::Json | Format::Jsonl);
    if detail.is_some() && !json {
        errln!("authsel: --detail applies to --format json and jsonl; the human, markdown and junit reports hold no decision objects (use --all for a row per proposal)");
        return Err(Exit::Invalid);
    }
    if all && !matches!(format, Format::Human | Format::Markdown) {
        errln!("authsel: --all applies to --format human and markdown; json, jsonl and junit always hold every proposal");
        return Err(Exit::Invalid);
    }
    let detail = match (detail, format) {
        (Some(d), _) => d.detail(),
        (None, Format::Jsonl) => Detail::Brief,
        (None, _) => Detail::Full,
    };
    Ok(Shape {
        format,
        detail,
        all,
    })
}

pub fn gen(args: GenArgs) -> Result<Exit> {
    let rules = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let opts = authsel::tools::gen::GenOptions {
        count: usize::try_from(args.count).unwrap_or(usize::MAX),
        seed: args.seed,
        malformed: args.malformed,
    };
    let r = authsel::tools::gen::write(&rules, &opts, &args.dir)?;
    outln!(
        "wrote {} proposals to {} (seed {})",
        r.written,
        args.dir.display(),
        args.seed
    );
    Ok(Exit::Done)
}

/// What `--report PATH` would replace that it must not: an input file, the ledger or a rule file
/// (canonical paths compared, so `./x.ron`, `dir/../x.ron` and a symbolic link to it are the same
/// file). `None` when PATH is free to write.
fn clash(
    report: &Path,
    inputs: &[PathBuf],
    ledger: Option<&Path>,
    rules: Option<&Path>,
) -> Option<String> {
    // Nothing there yet: the report replaces nothing.
    let target = std::fs::canonicalize(report).ok()?;
    let same = |p: &Path| std::fs::canonicalize(p).is_ok_and(|c| c == target);
    if ledger.is_some_and(same) {
        return Some("the ledger".to_string());
    }
    if let Some(dir) = rules {
        let rule_files = std::fs::read_dir(dir).into_iter().flatten().flatten();
        if let Some(f) = rule_files
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "auth"))
            .find(|p| same(p))
        {
            return Some(format!("the rule file `{}`", f.display()));
        }
    }
    let (files, _) = collect(inputs);
    files
        .iter()
        .find(|f| same(f))
        .map(|f| format!("the input file `{}`", f.display()))
}

/// On SIGINT, SIGTERM or SIGHUP, removes the report's temporary file before the process ends by
/// that signal, so an interrupted `check --report` leaves nothing behind. Installed once, only
/// when a report file is written.
#[cfg(unix)]
fn remove_temp_files_on_signal() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) {
            Ok(s) => s,
            Err(e) => {
                errln!("authsel: warning: cannot catch signals ({e}); an interrupted run may leave its temporary report file");
                return;
            }
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                authsel::batch::remove_temp_files();
                // Ends the process by the same signal, as if it had not been caught.
                let _ = signal_hook::low_level::emulate_default_handler(signal);
                std::process::exit(128 + signal);
            }
        });
    });
}

#[cfg(not(unix))]
fn remove_temp_files_on_signal() {}
