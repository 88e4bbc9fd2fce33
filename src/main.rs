//! The `authsel` command line. The only place `anyhow` lives; everything else is the library.

use anyhow::Result;
use authsel::diagnostic::Severity;
use authsel::report::{self, Detail};
use authsel::{Context, Diagnostic, Ledger, LoadError, RuleBase};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `println!` through `emit`.
macro_rules! outln {
    ($($t:tt)*) => { emit(&format!("{}\n", format_args!($($t)*))) };
}
use std::process::ExitCode;

mod cli_batch;

// A decision is hundreds of small strings; mimalloc makes `eval` and `check` about 3x faster than
// the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "authsel",
    version,
    about = "Which U.S. security-cooperation authority fits a proposed activity, and why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum EvalFormat {
    Human,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ListFormat {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum GraphFormat {
    Dot,
    Mermaid,
    Json,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Deny {
    Warnings,
}

#[derive(Subcommand)]
enum Command {
    /// Recommend the authority that fits each proposal and explain why.
    Eval {
        /// Rule directory (default: the built-in rule base).
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Amounts already committed against per-fiscal-year ceilings.
        #[arg(long)]
        ledger: Option<PathBuf>,
        /// Judge by the law in force on this date (default: each proposal's start date).
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, value_enum, default_value = "human")]
        format: EvalFormat,
        /// Show every rule of one authority with its citation and outcome.
        #[arg(long, value_name = "AUTHORITY")]
        explain: Option<String>,
        /// Show every rule of every candidate.
        #[arg(long)]
        full: bool,
        #[arg(required = true)]
        proposals: Vec<PathBuf>,
    },
    /// List the authority catalogue.
    Authorities {
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Show one authority (purposes, activities, rules, limits, duties, citations, caveats) or one
    /// shared restriction.
    Show {
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
        authority: String,
    },
    /// Run the rule regression cases (proposal files with `//! expect` headers).
    Test {
        #[arg(long)]
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
    },
    /// Print the authority handbook (Markdown) generated from the rule base.
    Docs {
        #[arg(long)]
        rules: Option<PathBuf>,
    },
    /// Batch-validate proposal files and directories, with fiscal-year ceilings across the batch.
    Check {
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Amounts already committed against per-fiscal-year ceilings.
        #[arg(long)]
        ledger: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "human")]
        format: cli_batch::CheckFormat,
        /// Write the report to FILE (atomically) instead of stdout.
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Worker threads (default: one per core).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
        jobs: Option<u16>,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Write realistic random proposals (for load tests, demos and benchmarks).
    Gen {
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
    },
    /// Static checks of a rule base: contradictions, shadowed rules, unreachable authorities,
    /// unread facts, and a summary of unconfirmed values (docs/diagnostics.md).
    Lint {
        #[arg(long)]
        rules: Option<PathBuf>,
        /// `--deny warnings`: warnings fail too (exit 1).
        #[arg(long, value_enum)]
        deny: Option<Deny>,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Which decisions change between two rule directories, over proposals (files or directories,
    /// recursively `*.ron`) and optionally N generated ones.
    Diff {
        old_rules: PathBuf,
        new_rules: PathBuf,
        paths: Vec<PathBuf>,
        /// Also compare N generated proposals.
        #[arg(long, value_name = "N", default_value_t = 0)]
        generate: usize,
        /// Seed of the generator.
        #[arg(long, value_name = "S", default_value_t = 1)]
        seed: u64,
        #[arg(long)]
        ledger: Option<PathBuf>,
        #[arg(long, value_name = "DATE")]
        as_of: Option<jiff::civil::Date>,
        #[arg(long, value_enum, default_value = "human")]
        format: ListFormat,
    },
    /// Format rule files in the canonical layout, keeping comments (docs/dsl.md, src/format.rs).
    Fmt {
        /// Do not write; list the files that are not formatted and exit 1 if any.
        #[arg(long)]
        check: bool,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// The authority/purpose/activity graph.
    Graph {
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "dot")]
        format: GraphFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // Belt and braces: the library does not panic on any input, but a bug must still not exit 101.
    match std::panic::catch_unwind(|| run(cli)) {
        Ok(Ok(code)) => ExitCode::from(code),
        Ok(Err(e)) => {
            eprintln!("authsel: {e:#}");
            ExitCode::from(2)
        }
        Err(_) => {
            eprintln!("authsel: internal error (this is a bug; please report it with the input)");
            ExitCode::from(2)
        }
    }
}

fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        eprint!("{d}");
    }
}

/// Loads the rule base, printing diagnostics; `None` means exit 2.
fn rules(dir: Option<&Path>) -> Option<RuleBase> {
    let r = match dir {
        Some(d) => RuleBase::load(d),
        None => RuleBase::try_builtin(),
    };
    match r {
        Ok(r) => Some(r),
        Err(LoadError::Invalid(diags)) => {
            print_diags(&diags);
            eprintln!(
                "authsel: {} error(s) in the rule files",
                diags.iter().filter(|d| d.is_error()).count()
            );
            None
        }
        Err(e) => {
            eprintln!("authsel: {e}");
            None
        }
    }
}

use authsel::files::read_text;

fn run(cli: Cli) -> Result<u8> {
    match cli.command {
        Command::Eval {
            rules: dir,
            ledger,
            as_of,
            format,
            explain,
            full,
            proposals,
        } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            let ledger = match ledger.map(|p| read_ledger(&rb, &p)) {
                None => None,
                Some(Ok(l)) => Some(l),
                Some(Err(())) => return Ok(2),
            };
            if let Some(id) = &explain {
                if rb.authority(id).is_none() {
                    eprintln!("authsel: unknown authority `{id}` (see `authsel authorities`)");
                    return Ok(2);
                }
            }
            eval(
                &rb,
                ledger.as_ref(),
                as_of,
                format,
                explain.as_deref(),
                full,
                &proposals,
            )
        }
        Command::Authorities { rules: dir, format } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            authorities(&rb, format);
            Ok(0)
        }
        Command::Show {
            rules: dir,
            format,
            authority,
        } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            if let Some(r) = rb.restrictions.get(&authority) {
                match format {
                    ListFormat::Json => outln!("{}", serde_json::to_string_pretty(r)?),
                    ListFormat::Human => emit(&authsel::report::show_restriction(&rb, r)),
                }
                return Ok(0);
            }
            let Some(a) = rb.authority(&authority) else {
                let hint = authsel::diagnostic::did_you_mean(
                    &authority,
                    rb.authorities
                        .iter()
                        .map(|a| a.id.as_str())
                        .chain(rb.restrictions.keys().map(String::as_str)),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                eprintln!("authsel: unknown authority `{authority}`{hint}");
                return Ok(2);
            };
            match format {
                ListFormat::Json => outln!("{}", serde_json::to_string_pretty(a)?),
                ListFormat::Human => emit(&authsel::report::show(a)),
            }
            Ok(0)
        }
        Command::Test {
            rules: dir,
            verbose,
            coverage,
            threshold,
            paths,
        } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            let cov = (coverage || threshold.is_some()).then_some(threshold);
            Ok(test_cases(&rb, dir.as_deref(), &paths, verbose, cov))
        }
        Command::Fmt { check, files } => Ok(fmt_files(&files, check)),
        Command::Diff {
            old_rules,
            new_rules,
            paths,
            generate,
            seed,
            ledger,
            as_of,
            format,
        } => {
            let (Some(old), Some(new)) = (rules(Some(&old_rules)), rules(Some(&new_rules))) else {
                return Ok(2);
            };
            if paths.is_empty() && generate == 0 {
                eprintln!("authsel: diff needs proposal paths or --generate N");
                return Ok(2);
            }
            let ledger = match ledger.map(|p| read_ledger(&old, &p)) {
                None => None,
                Some(Ok(l)) => Some(l),
                Some(Err(())) => return Ok(2),
            };
            diff(
                &old,
                &new,
                &paths,
                generate,
                seed,
                ledger.as_ref(),
                as_of,
                format,
            )
        }
        Command::Lint {
            rules: dir,
            deny,
            format,
        } => {
            let files = match dir {
                Some(d) => match RuleBase::load_files(&d) {
                    Ok(f) => f,
                    Err(e) => {
                        eprintln!("authsel: {e}");
                        return Ok(2);
                    }
                },
                None => RuleBase::builtin_files(),
            };
            let report = authsel::lint::lint(&files);
            lint_output(&report, format)?;
            let errors = report.count(Severity::Error);
            let warnings = report.count(Severity::Warning);
            Ok(u8::from(errors > 0 || (deny.is_some() && warnings > 0)))
        }
        Command::Docs { rules: dir } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            emit(&authsel::handbook::render(&rb));
            Ok(0)
        }
        Command::Check {
            rules: dir,
            ledger,
            format,
            report,
            jobs,
            paths,
        } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            let ledger = match ledger.map(|p| read_ledger(&rb, &p)) {
                None => None,
                Some(Ok(l)) => Some(l),
                Some(Err(())) => return Ok(2),
            };
            cli_batch::check(
                &rb,
                ledger.as_ref(),
                format,
                report.as_deref(),
                jobs.map(usize::from),
                &paths,
            )
        }
        Command::Gen {
            rules: dir,
            count,
            seed,
            malformed,
            dir: out,
        } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            cli_batch::gen(&rb, count, seed, malformed, &out)
        }
        Command::Graph { rules: dir, format } => {
            let Some(rb) = rules(dir.as_deref()) else {
                return Ok(2);
            };
            match format {
                GraphFormat::Dot => emit(&rb.graph.to_dot()),
                GraphFormat::Mermaid => emit(&rb.graph.to_mermaid()),
                GraphFormat::Json => {
                    outln!("{}", serde_json::to_string_pretty(&rb.graph.to_json())?)
                }
            }
            Ok(0)
        }
    }
}

/// Reads and checks a ledger, printing its diagnostics on failure.
fn read_ledger(rb: &RuleBase, path: &Path) -> Result<Ledger, ()> {
    let name = path.display().to_string();
    read_text(path)
        .map_err(|d| vec![d])
        .and_then(|t| rb.read_ledger(&name, &t))
        .map_err(|d| print_diags(&d))
}

fn eval(
    rb: &RuleBase,
    ledger: Option<&Ledger>,
    as_of: Option<jiff::civil::Date>,
    format: EvalFormat,
    explain: Option<&str>,
    full: bool,
    paths: &[PathBuf],
) -> Result<u8> {
    let ctx = Context { as_of, ledger };
    let mut none_fits = false;
    // Directories are walked for `*.ron`, like `check`; a missing path is reported, not fatal.
    let (paths, diags) = authsel::files::collect(paths);
    print_diags(&diags);
    let mut bad_input = !diags.is_empty();
    for path in &paths {
        let name = path.display().to_string();
        let proposal = match read_text(path)
            .map_err(|d| vec![d])
            .and_then(|t| rb.read_proposal(&name, &t))
        {
            Ok(p) => p,
            Err(d) => {
                print_diags(&d);
                bad_input = true;
                continue; // one bad file never hides the others
            }
        };
        let d = rb.evaluate_with(&proposal, &ctx).into_explanation();
        none_fits |= d.recommended.is_none();
        match (format, explain) {
            (EvalFormat::Json, _) => outln!("{}", report::json_line(&d)),
            (EvalFormat::Markdown, _) => emit(&report::markdown(&d)),
            (EvalFormat::Human, Some(id)) => match report::explain_one(&d, id) {
                Some(s) => emit(&s),
                None => outln!(
                    "{id} is not a candidate for {}: it serves none of its purposes and provides none of its activities",
                    d.proposal
                ),
            },
            (EvalFormat::Human, None) => {
                emit(&report::human(&d, if full { Detail::Full } else { Detail::Planner }));
                emit("\n");
            }
        }
    }
    Ok(if bad_input {
        2
    } else if none_fits {
        1
    } else {
        0
    })
}

fn authorities(rb: &RuleBase, format: ListFormat) {
    match format {
        ListFormat::Json => {
            let list: Vec<serde_json::Value> = rb
                .authorities
                .iter()
                .map(|a| {
                    serde_json::json!({
                        "id": a.id, "citation": a.citation, "name": a.name, "title": a.title,
                        "department": a.administered_by, "executed_by": a.executed_by,
                        "effective": a.effective.as_ref().map(|d| d.date),
                        "expires": a.expires.as_ref().map(|d| d.date),
                        "repealed": a.repealed.as_ref().map(|d| d.date),
                        "superseded_by": a.superseded_by,
                    })
                })
                .collect();
            outln!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
        }
        ListFormat::Human => {
            for a in &rb.authorities {
                let title = a.title.map_or_else(|| "-".to_string(), |t| t.to_string());
                let dept = a.administered_by.as_deref().unwrap_or("-");
                outln!(
                    "{:<22} {:<28} T{:<3} {:<6} {}",
                    a.id,
                    a.citation,
                    title,
                    dept,
                    a.name
                );
            }
        }
    }
}

/// `coverage`: `None` for no coverage report, `Some(threshold)` for one.
fn test_cases(
    rb: &RuleBase,
    dir: Option<&Path>,
    paths: &[PathBuf],
    verbose: bool,
    coverage: Option<Option<f64>>,
) -> u8 {
    let mut inputs: Vec<(String, String)> = Vec::new();
    let mut bad = false;
    let paths: Vec<PathBuf> = match (paths.is_empty(), dir) {
        (false, _) => paths.to_vec(),
        (true, Some(d)) => vec![d.join("cases")],
        (true, None) => Vec::new(),
    };
    if paths.is_empty() {
        inputs = RuleBase::builtin_cases()
            .into_iter()
            .map(|f| (f.name, f.text))
            .collect();
    } else {
        let (files, diags) = authsel::files::collect(&paths);
        print_diags(&diags);
        bad |= !diags.is_empty();
        for f in files {
            match read_text(&f) {
                Ok(t) => inputs.push((f.display().to_string(), t)),
                Err(d) => {
                    print_diags(&[d]);
                    bad = true;
                }
            }
        }
    }
    let (mut passed, mut failed) = (0, 0);
    let mut results = Vec::new();
    for (name, text) in &inputs {
        let r = authsel::cases::run_case(rb, name, text);
        if r.passed() {
            passed += 1;
            if verbose {
                outln!("ok   {name}");
            }
        } else {
            failed += 1;
            outln!("FAIL {name}");
            for f in &r.failures {
                outln!("    {}", f.trim_end().replace('\n', "\n    "));
            }
        }
        results.push(r);
    }
    let mut below = false;
    if let Some(threshold) = coverage {
        let cov = authsel::coverage::coverage(rb, &results);
        emit(&cov.render());
        if let Some(t) = threshold {
            below = cov.percent() < t;
            if below {
                outln!("coverage {:.1}% is below the threshold {t}%", cov.percent());
            }
        }
    }
    outln!("cases: {passed} passed, {failed} failed");
    if bad {
        2
    } else if failed > 0 || below {
        1
    } else {
        0
    }
}

#[allow(clippy::too_many_arguments)]
fn diff(
    old: &RuleBase,
    new: &RuleBase,
    paths: &[PathBuf],
    generate: usize,
    seed: u64,
    ledger: Option<&Ledger>,
    as_of: Option<jiff::civil::Date>,
    format: ListFormat,
) -> Result<u8> {
    use authsel::diff;
    let ctx = Context { as_of, ledger };
    let mut bad = false;
    let mut changes = Vec::new();
    let mut read_errors: Vec<String> = Vec::new();
    let mut total = 0;
    let (files, diags) = if paths.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        authsel::files::collect(paths)
    };
    print_diags(&diags);
    bad |= !diags.is_empty();
    for f in &files {
        let name = f.display().to_string();
        let text = match read_text(f) {
            Ok(t) => t,
            Err(d) => {
                print_diags(&[d]);
                bad = true;
                continue;
            }
        };
        total += 1;
        match (
            old.read_proposal(&name, &text),
            new.read_proposal(&name, &text),
        ) {
            (Ok(p), Ok(_)) => changes.extend(diff::compare(old, new, &name, &p, &ctx)),
            (Err(d), Err(_)) => {
                print_diags(&d);
                bad = true;
            }
            // Readable under one base only (an id was added or removed): that is a change.
            (Ok(_), Err(d)) | (Err(d), Ok(_)) => {
                let which = if old.read_proposal(&name, &text).is_ok() {
                    "the new rules reject it"
                } else {
                    "the old rules rejected it"
                };
                let first = d.first().map(|d| d.message.clone()).unwrap_or_default();
                read_errors.push(format!("{name}: {which}: {first}"));
            }
        }
    }
    for (i, p) in diff::generate(old, new, generate, seed).iter().enumerate() {
        total += 1;
        changes.extend(diff::compare(old, new, &format!("generated #{i}"), p, &ctx));
    }
    let changed_rules = diff::changed_rules(old, new);
    let flipped = changes.len() + read_errors.len();
    match format {
        ListFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "changed_rules": changed_rules.iter().map(|(a, r, o, n)| serde_json::json!({
                    "authority": a, "rule": r, "old": o, "new": n,
                })).collect::<Vec<_>>(),
                "changes": changes,
                "unreadable": read_errors,
                "summary": {"proposals": total, "changed": flipped},
            }))?
        ),
        ListFormat::Human => {
            for (a, r, o, n) in &changed_rules {
                outln!("rule {a}.{r} changed");
                outln!("    was: {}", o.as_deref().unwrap_or("(absent)"));
                outln!("    now: {}", n.as_deref().unwrap_or("(absent)"));
            }
            emit(&diff::render(&changes));
            for e in &read_errors {
                outln!("{e}");
            }
            outln!("diff: {flipped} of {total} decisions change");
        }
    }
    Ok(if bad { 2 } else { u8::from(flipped > 0) })
}

fn lint_output(report: &authsel::lint::LintReport, format: ListFormat) -> Result<()> {
    let (e, w, i) = (
        report.count(Severity::Error),
        report.count(Severity::Warning),
        report.count(Severity::Info),
    );
    match format {
        ListFormat::Json => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "diagnostics": report.diagnostics,
                "summary": {"errors": e, "warnings": w, "notes": i},
            }))?
        ),
        ListFormat::Human => {
            for d in &report.diagnostics {
                if d.severity == Severity::Info {
                    outln!(
                        "{}:{}:{}: info[{}]: {}",
                        d.file,
                        d.line,
                        d.column,
                        d.code,
                        d.message
                    );
                } else {
                    emit(&d.to_string());
                }
            }
            outln!("lint: {e} error(s), {w} warning(s), {i} note(s)");
        }
    }
    Ok(())
}

fn fmt_files(files: &[PathBuf], check: bool) -> u8 {
    let (mut bad, mut unformatted) = (false, 0);
    for path in files {
        let name = path.display().to_string();
        let text = match read_text(path) {
            Ok(t) => t,
            Err(d) => {
                print_diags(&[d]);
                bad = true;
                continue;
            }
        };
        let out = match authsel::format::format_source(&name, &text) {
            Ok(o) => o,
            Err(d) => {
                print_diags(&d);
                bad = true;
                continue;
            }
        };
        if out == text {
            continue;
        }
        if check {
            unformatted += 1;
            eprint!("{}", authsel::format::unformatted(&name, &text, &out));
            outln!("{name}");
        } else if let Err(e) = std::fs::write(path, &out) {
            eprintln!("authsel: cannot write {name}: {e}");
            bad = true;
        } else {
            outln!("formatted {name}");
        }
    }
    if bad {
        2
    } else if unformatted > 0 {
        1
    } else {
        0
    }
}

/// Writes to stdout; a closed pipe (`authsel ... | head`) ends output quietly instead of panicking.
fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}
