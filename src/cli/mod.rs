//! The command line: clap and anyhow live only here. One file per subcommand (the read-only views
//! of the rule base share `catalogue`); `io` holds what they share (all output goes through it:
//! control characters escaped, write errors reported); `Exit` is the exit code. The limits of the
//! command line and what breaking one gets are in docs/limits.md.

mod catalogue;
mod check;
mod diff;
mod eval;
mod exit;
mod fmt;
mod form;
mod format;
pub mod io;
mod lint;
mod paint;
mod plan;
mod serve;
mod shell;
mod test;

pub use exit::Exit;

use anyhow::Result;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "authsel",
    version,
    about = "Which U.S. security-cooperation authority fits a proposed activity, and why"
)]
pub struct Cli {
    /// Colour on a terminal: auto (unless `NO_COLOR` is set or the output is not a terminal),
    /// always, never.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: paint::ColorChoice,
    /// No notes on standard error (a planner's word read as an id) and no progress bar.
    #[arg(short, long, global = true)]
    quiet: bool,
    /// No progress bar (`check` shows one on a terminal).
    #[arg(long, global = true)]
    no_progress: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Recommend the authority that fits each proposal and explain why.
    Eval(eval::EvalArgs),
    /// Knit authorities together when no single one covers a proposal: the parts, the paperwork
    /// and one timeline of duties (docs/plans.md).
    Plan(plan::PlanArgs),
    /// List the authority catalogue.
    Authorities(catalogue::AuthoritiesArgs),
    /// Show one authority (purposes, activities, rules, limits, duties, citations, caveats), one
    /// program (the authorities it runs under) or one shared restriction, by id or by a name
    /// planners use ("GPOI", "1206", "Denton").
    Show(catalogue::ShowArgs),
    /// List the named programs and funding lines, each with the authorities it runs under.
    Programs(catalogue::AuthoritiesArgs),
    /// Run the rule regression cases (proposal files with `//! expect` headers).
    Test(test::TestArgs),
    /// The words a proposal may use: purposes, activities, facts, partners, recipients, funding,
    /// each with its meaning, its place in the hierarchy and the authorities that use it.
    Vocab(catalogue::VocabArgs),
    /// Write a commented proposal template (to FILE, or standard output) that evaluates as written.
    New(form::NewArgs),
    /// Print a JSON Schema of the proposal format, with the rule base's ids, for editors.
    Schema(form::SchemaArgs),
    /// Print the authority handbook (Markdown) generated from the rule base.
    Docs(catalogue::DocsArgs),
    /// Batch-validate proposal files and directories, with fiscal-year ceilings across the batch.
    Check(check::CheckArgs),
    /// Write realistic random proposals (for load tests, demos and benchmarks).
    Gen(check::GenArgs),
    /// Static checks of a rule base: contradictions, shadowed rules, unreachable authorities,
    /// unread facts, and a summary of unconfirmed values (docs/diagnostics.md).
    Lint(lint::LintArgs),
    /// Which decisions change between two rule directories, over proposals (files or directories,
    /// recursively `*.ron`) and optionally N generated ones.
    Diff(diff::DiffArgs),
    /// Format rule files in the canonical layout, keeping comments (docs/dsl.md, src/lang/fmt.rs).
    Fmt(fmt::FmtArgs),
    /// The authority/purpose/activity graph.
    Graph(catalogue::GraphArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell).
    Completions(shell::CompletionsArgs),
    /// Print the manual page (roff).
    Man,
    /// The planner's workbench in the browser: the proposal form, live evaluation, the handbook,
    /// batch checks (docs/workbench.md).
    Serve(serve::ServeArgs),
}

/// Parses the command line. `--version` also names the built-in rule base by its digest, so a
/// decision record can be matched to the binary that made it.
pub fn parse() -> Result<Cli, clap::Error> {
    use clap::{CommandFactory, FromArgMatches};
    let mut cmd = Cli::command();
    // The rule base is checked for the digest only when the version is asked for.
    if std::env::args_os().any(|a| a == "--version" || a == "-V") {
        let digest = authsel::RuleBase::try_builtin()
            .map(|rb| rb.digest.get(..12).unwrap_or("").to_string())
            .unwrap_or_else(|_| "unavailable".to_string());
        let version = format!("{} (built-in rules {digest})", env!("CARGO_PKG_VERSION"));
        // Once per process: the one string is leaked rather than adding clap's `string` feature.
        cmd = cmd.version(&*Box::leak(version.into_boxed_str()));
    }
    let matches = cmd.try_get_matches()?;
    Cli::from_arg_matches(&matches)
}

/// Runs one command line to its exit code; a failed write to stdout makes it 2 (`io::finish`).
pub fn run(cli: Cli) -> Result<Exit> {
    paint::init(cli.color, cli.quiet, cli.no_progress);
    let exit = match cli.command {
        Command::Eval(a) => eval::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Authorities(a) => catalogue::authorities(a),
        Command::Programs(a) => catalogue::programs(a),
        Command::Show(a) => catalogue::show(a),
        Command::Test(a) => test::run(a),
        Command::Docs(a) => catalogue::docs(a),
        Command::Vocab(a) => catalogue::vocab(a),
        Command::New(a) => form::new(a),
        Command::Schema(a) => form::schema(a),
        Command::Check(a) => check::check(a),
        Command::Gen(a) => check::gen(a),
        Command::Lint(a) => lint::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Fmt(a) => Ok(fmt::run(a)),
        Command::Graph(a) => catalogue::graph(a),
        Command::Completions(a) => shell::completions(a),
        Command::Man => shell::man(),
        Command::Serve(a) => serve::run(a),
    }?;
    Ok(io::finish(exit))
}

/// A command line clap refused, or `--help` and `--version`: printed as clap would, but a failed
/// write to stdout is exit 2, and an error quoting an argument with control characters in it is
/// printed plain with them escaped.
pub fn usage(e: &clap::Error) -> Exit {
    if !e.use_stderr() {
        // `--help`, `--version`: no user text in them; clap's styling kept.
        if let Err(err) = e.print() {
            let _ = io::record_stdout_error(err);
        }
        return io::finish(Exit::Done);
    }
    let raw = std::env::args_os().any(|a| a.to_string_lossy().chars().any(char::is_control));
    if raw {
        io::eprint(&e.render().to_string());
    } else {
        let _ = e.print();
    }
    Exit::Invalid
}
