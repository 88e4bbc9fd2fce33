//! Batch validation (`authsel check`): many proposal files read, checked and evaluated in parallel,
//! then per-fiscal-year ceilings accumulated across the whole batch (plus a ledger).
//!
//! Files are processed in chunks: each chunk is evaluated in parallel, then consumed in sorted path
//! order, so the output never depends on the number of threads, and only one chunk's texts and
//! decisions are alive at a time. What is kept per proposal is a compact [`Row`]; full decisions go
//! to a caller-supplied sink (rendered to JSON in the workers, for example).

use crate::diagnostic::{source_line, Diagnostic};
use crate::engine::assess::{Context, Env, Tri};
use crate::engine::decision::Decision;
use crate::input::proposal::{locate, Ledger, Proposal};
use crate::model::RuleBase;
use crate::model::{Authority, RuleKind};
use jiff::civil::Date;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files evaluated per parallel step: large enough to keep every worker busy, small enough that
/// the three steps in memory at once stay small (512 full JSON decisions are about 45 MB).
const CHUNK: usize = 512;

/// The most worker threads a batch starts. Evaluation is CPU-bound, so threads beyond the cores
/// only cost memory (a stack each) and start-up time: 10,000 took two minutes and a gigabyte for
/// four files. A fixed bound, not a multiple of the cores, so a command line valid on one machine
/// is valid on every one (docs/limits.md).
pub const MAX_JOBS: usize = 256;

/// Why a batch could not run at all (bad input files never stop it: they are [`Report::errors`]).
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    #[error("{0} worker threads asked for: at most {MAX_JOBS}")]
    Jobs(usize),
    #[error("cannot start {jobs} worker thread(s): {source}")]
    Pool {
        jobs: usize,
        source: rayon::ThreadPoolBuildError,
    },
}

/// Counts for the whole batch. The first five are the contract's; the rest are extras.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Valid proposals evaluated.
    pub proposals: usize,
    pub eligible: usize,
    pub conditional: usize,
    pub no_authority: usize,
    /// Error diagnostics (a file may have more than one).
    pub errors: usize,
    /// `*.ron` files found.
    pub files: usize,
    /// Files with at least one error, plus paths that could not be walked.
    pub invalid_files: usize,
    /// Ceilings exceeded across the batch.
    pub ceilings_over: usize,
}

/// One evaluated proposal, compact: enough for the summary, JUnit and Markdown reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub proposal: String,
    pub file: String,
    pub fiscal_year: crate::model::FiscalYear,
    pub start: Date,
    pub amount_usd: u64,
    pub recommended: Option<String>,
    /// `eligible`, `conditional` or `none`.
    pub verdict: String,
    /// When nothing fits: the best-ranked candidate's deciding failure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub why_none: Option<String>,
    /// What reports group `why_none` by: `AUTHORITY RULE` of that failure.
    #[serde(skip)]
    pub why_none_rule: Option<String>,
    /// Ceilings this proposal is over (it crosses them or comes after the one that did), as
    /// `authority ceiling FYyyyy`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub over_ceilings: Vec<String>,
    /// With `check --plan`, when no single authority fits: the best plan's authorities
    /// (`fms + lease`), whose parts are charged to their own ceilings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Reading, checking and evaluating the file took this long (JUnit's `time`).
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Row {
    /// Did this proposal fail the batch (no authority, or over a ceiling)?
    pub fn failed(&self) -> bool {
        self.recommended.is_none() || !self.over_ceilings.is_empty()
    }
}

/// The proposal that takes a ceiling over its limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Crossing {
    pub proposal: String,
    pub file: String,
    /// Running total once this proposal is added; `None` if the sum overflows.
    pub total_usd: Option<u64>,
    /// How far over the limit that running total is.
    pub over_by_usd: Option<u64>,
}

/// One per-fiscal-year ceiling as used by the batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CeilingUse {
    pub authority: String,
    pub fiscal_year: crate::model::FiscalYear,
    /// The ceiling rule's name (`aggregate`, `counternarcotics`, ...).
    pub ceiling: String,
    /// The ceiling this one is a sub-cap of.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    pub citation: String,
    pub limit_usd: u64,
    /// Already committed per the ledger (0 without one); `None` if the ledger's sum overflows.
    pub committed_usd: Option<u64>,
    /// Committed plus every counted proposal; `None` if the sum overflows.
    pub total_usd: Option<u64>,
    pub over: bool,
    /// `total_usd - limit_usd` when over.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub over_by_usd: Option<u64>,
    /// Counted proposals, in the order they are charged: start date, then id.
    pub proposals: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crossed_by: Option<Crossing>,
    /// Proposals whose `when` guard depends on a missing fact: not counted, listed so a planner
    /// can settle them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_guard: Vec<String>,
}

impl CeilingUse {
    pub fn label(&self) -> String {
        format!("{} {} {}", self.authority, self.ceiling, self.fiscal_year)
    }
}

/// Everything `check` found, without the full decisions (those went to the sink).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub summary: Summary,
    /// Valid proposals in sorted path order.
    pub rows: Vec<Row>,
    /// Path problems first (unreadable, empty directory, symlink loop), then file errors in
    /// sorted path order.
    pub errors: Vec<Diagnostic>,
    /// Sorted by authority, fiscal year, ceiling.
    pub ceilings: Vec<CeilingUse>,
    /// The batch's wall time (JUnit's `time`).
    #[serde(skip)]
    pub elapsed: Duration,
}

impl Report {
    /// Exit code per the contract: 2 invalid input, 1 a ceiling exceeded or a proposal with no
    /// fitting authority, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.summary.errors > 0 {
            2
        } else if self.summary.ceilings_over > 0 || self.summary.no_authority > 0 {
            1
        } else {
            0
        }
    }
}

/// What a batch hands its sink, in sorted path order as it goes.
#[derive(Debug)]
pub enum Event<'e, T> {
    /// An evaluated proposal (not a duplicate id), as the caller's `render` made it.
    Decision(T),
    /// The diagnostics of an invalid file, a duplicate id or a path that could not be walked
    /// (those come first, before any file).
    Invalid(&'e [Diagnostic]),
}

/// A batch run's settings.
#[derive(Debug, Clone, Copy)]
pub struct Batch<'a> {
    pub rules: &'a RuleBase,
    pub ledger: Option<&'a Ledger>,
    /// Worker threads, at most [`MAX_JOBS`]; `None` uses one per core (at most [`MAX_JOBS`]).
    pub jobs: Option<usize>,
    /// Judge every proposal by the law in force on this date (`None`: each by its own start).
    pub as_of: Option<jiff::civil::Date>,
    /// `check --plan`: for a proposal no single authority fits, the best plan (`plan/`), each
    /// part charged to its authority's ceilings with its share.
    pub plan: bool,
    /// Files held in memory (an upload to the workbench), read instead of the disk: each path is
    /// only a label, its text or the diagnostic of why it could not be read. With it, `paths` is
    /// not walked.
    pub memory: Option<&'a Memory>,
}

/// Files in memory by label, for [`Batch::memory`]; sorted, as a walked folder is.
pub type Memory = std::collections::BTreeMap<PathBuf, Result<String, Diagnostic>>;

/// A ceiling rule of a proposal's recommended authority, and whether its guard holds.
struct Hit<'r> {
    authority: &'r Authority,
    rule: usize,
    /// `Some(true)` counts, `Some(false)` does not apply, `None` unknown.
    holds: Option<bool>,
    /// What is charged: the proposal's amount, or a plan part's share (the whole amount when the
    /// proposal does not divide it: the most the share can be).
    amount: u64,
}

/// What a worker makes of one file. Most files are valid, so the larger variant is the usual one:
/// boxing it would add an allocation per file to save bytes in one chunk's vector.
#[allow(clippy::large_enum_variant)]
enum FileResult<'r, T> {
    Invalid(Vec<Diagnostic>),
    Evaluated {
        row: Row,
        hits: Vec<Hit<'r>>,
        out: T,
    },
}

/// A counted (or unknown-guard) charge against one ceiling.
struct Charge<'r> {
    key: (&'r str, crate::model::FiscalYear, &'r str),
    authority: &'r Authority,
    rule: usize,
    row: usize,
    /// False when the guard is unknown: listed, not counted.
    counted: bool,
    amount: u64,
}

impl<'a> Batch<'a> {
    pub fn new(rules: &'a RuleBase) -> Batch<'a> {
        Batch {
            rules,
            ledger: None,
            jobs: None,
            as_of: None,
            plan: false,
            memory: None,
        }
    }

    /// Checks every `*.ron` file under `paths` and keeps every decision: for libraries and tests
    /// with modest batches (`run` streams them instead).
    pub fn check(&self, paths: &[PathBuf]) -> Result<(Report, Vec<Decision>), BatchError> {
        let mut decisions = Vec::new();
        let report = self.run(paths, |d| d, |d| decisions.push(d), |_, _| {})?;
        Ok((report, decisions))
    }

    /// Checks every `*.ron` file under `paths`. `render` turns each decision into what the caller
    /// keeps (it runs in the workers, in parallel); `sink` receives those in sorted path order
    /// (duplicates and invalid files excluded); `progress(done, total)` follows each step.
    pub fn run<T: Send>(
        &self,
        paths: &[PathBuf],
        render: impl Fn(Decision) -> T + Sync,
        mut sink: impl FnMut(T),
        progress: impl FnMut(usize, usize),
    ) -> Result<Report, BatchError> {
        let sink = |e: Event<T>| {
            if let Event::Decision(t) = e {
                sink(t);
            }
        };
        self.run_events(paths, |_, d| render(d), sink, progress)
    }

    /// [`Batch::run`], with the file's row (its path, id, fiscal year, verdict) given to `render`
    /// beside the decision, and every invalid file's diagnostics handed to `sink` too, in
    /// sorted path order among the decisions (a streamed report interleaves them).
    pub fn run_events<T: Send>(
        &self,
        paths: &[PathBuf],
        render: impl Fn(&Row, Decision) -> T + Sync,
        mut sink: impl FnMut(Event<T>),
        mut progress: impl FnMut(usize, usize),
    ) -> Result<Report, BatchError> {
        let started = Instant::now();
        let pool = self.pool()?;
        let (files, path_errors) = match self.memory {
            Some(m) => (m.keys().cloned().collect(), Vec::new()),
            None => crate::input::files::collect(paths),
        };
        if !path_errors.is_empty() {
            sink(Event::Invalid(&path_errors));
        }
        let mut report = Report {
            summary: Summary {
                files: files.len(),
                invalid_files: path_errors.len(),
                ..Summary::default()
            },
            errors: path_errors,
            ..Report::default()
        };
        let ctx = Context {
            as_of: self.as_of,
            ledger: self.ledger,
        };
        let mut by_id: HashMap<String, usize> = HashMap::new();
        let mut charges: Vec<Charge> = Vec::new();
        progress(0, files.len());
        // The workers evaluate the next step while this thread hands the last one to `sink` (a
        // large report's writing overlaps its evaluation); the channel holds one step, so at most
        // three are in memory.
        let (done, steps) = std::sync::mpsc::sync_channel::<Vec<FileResult<T>>>(1);
        std::thread::scope(|scope| {
            let (pool, ctx, render, files) = (&pool, &ctx, &render, &files);
            scope.spawn(move || {
                for chunk in files.chunks(CHUNK) {
                    let results = pool.install(|| {
                        chunk
                            .par_iter()
                            .map(|path| self.one(path, ctx, render))
                            .collect()
                    });
                    if done.send(results).is_err() {
                        break;
                    }
                }
            });
            for (n, (chunk, results)) in files.chunks(CHUNK).zip(steps).enumerate() {
                for (path, result) in chunk.iter().zip(results) {
                    let before = report.errors.len();
                    match result {
                        FileResult::Invalid(diags) => {
                            report.summary.invalid_files += 1;
                            report.errors.extend(diags);
                        }
                        FileResult::Evaluated { row, hits, out } => {
                            let id_at = |id: &str| self.id_location(path, id);
                            let file = (path.as_path(), row, id_at);
                            if add_row(&mut report, &mut by_id, &mut charges, file, hits) {
                                sink(Event::Decision(out));
                            }
                        }
                    }
                    if let Some(new) = report.errors.get(before..).filter(|e| !e.is_empty()) {
                        sink(Event::Invalid(new));
                    }
                }
                progress((n * CHUNK + chunk.len()).min(files.len()), files.len());
            }
        });
        report.ceilings = self.ceilings(charges, &mut report.rows);
        tally(&mut report);
        report.elapsed = started.elapsed();
        Ok(report)
    }

    /// A pool of `--jobs` threads (default: one per core), at most `MAX_JOBS`.
    fn pool(&self) -> Result<rayon::ThreadPool, BatchError> {
        let jobs = match self.jobs {
            Some(n) if n > MAX_JOBS => return Err(BatchError::Jobs(n)),
            Some(n) => n,
            None => std::thread::available_parallelism().map_or(1, |n| n.get().min(MAX_JOBS)),
        };
        rayon::ThreadPoolBuilder::new()
            .num_threads(jobs)
            .build()
            .map_err(|source| BatchError::Pool { jobs, source })
    }

    /// Reads, checks and evaluates one file; its text is dropped before this returns.
    fn one<T>(
        &self,
        path: &Path,
        ctx: &Context,
        render: &(impl Fn(&Row, Decision) -> T + Sync),
    ) -> FileResult<'a, T> {
        let started = Instant::now();
        let name = path.display().to_string();
        let text = match self.read(path) {
            Ok(t) => t,
            Err(d) => return FileResult::Invalid(vec![d]),
        };
        let p = match self.rules.read_proposal(&name, &text) {
            Ok(p) => p,
            Err(diags) => return FileResult::Invalid(diags),
        };
        drop(text);
        let d = self.rules.evaluate_with(&p, ctx);
        let mut hits = Vec::new();
        let mut plan = None;
        if let Some(a) = d.recommended().and_then(|id| self.rules.authority(id)) {
            hits = self.ceiling_hits(a, &p, ctx, p.amount_usd);
        } else if self.plan {
            let best = self.rules.plan_with(&p, ctx, None).ok();
            if let Some(o) = best.as_ref().and_then(crate::plan::Plan::best) {
                plan = Some(o.authorities.join(" + "));
                for part in &o.parts {
                    if let Some(a) = self.rules.authority(&part.authority) {
                        let share = part.amount_usd.unwrap_or(p.amount_usd);
                        hits.extend(self.ceiling_hits(a, &part.proposal, ctx, share));
                    }
                }
            }
        }
        let (why_none, why_none_rule) = d.why_none_with_rule().unzip();
        let mut row = Row {
            proposal: p.id.clone(),
            file: name,
            fiscal_year: p.fiscal_year(),
            start: p.start,
            amount_usd: p.amount_usd,
            recommended: d.recommended().map(String::from),
            verdict: d.verdict().to_string(),
            why_none,
            why_none_rule,
            over_ceilings: Vec::new(),
            plan,
            elapsed: Duration::ZERO,
        };
        let out = render(&row, d);
        row.elapsed = started.elapsed();
        FileResult::Evaluated { row, hits, out }
    }

    /// The text of the file at `path`: held in memory (an uploaded archive) or read from disk.
    fn read(&self, path: &Path) -> Result<String, Diagnostic> {
        match self.memory.and_then(|m| m.get(path)) {
            Some(held) => held.clone(),
            None => crate::input::files::read_text(path),
        }
    }

    /// Where `id:` is written in the file at `path` (line, column, source line), for a duplicate-id
    /// error. The file is read again: duplicates are rare, and locating every file's id as it is
    /// evaluated cost a second parse of each (a quarter of a batch's reading). A file that can no
    /// longer be read is pointed at as a whole.
    fn id_location(&self, path: &Path, id: &str) -> (usize, usize, String) {
        match self.read(path) {
            Ok(text) => {
                let at = locate(&text, "id", Some(id));
                (at.line, at.column, source_line(&text, at.line))
            }
            Err(_) => (1, 1, String::new()),
        }
    }

    /// The ceiling rules of `a` for proposal `p`, each with whether its guard holds, charging `amount`.
    fn ceiling_hits(
        &self,
        a: &'a Authority,
        p: &Proposal,
        ctx: &Context,
        amount: u64,
    ) -> Vec<Hit<'a>> {
        let env = Env::new(self.rules, p, ctx);
        let mut hits = Vec::new();
        for (i, rule) in a.rules.iter().enumerate() {
            if let RuleKind::Ceiling { .. } = rule.kind {
                let holds = match rule.guard.as_ref().map_or(Tri::True, |g| env.eval(g)) {
                    Tri::True => Some(true),
                    Tri::False => Some(false),
                    Tri::Unknown(_) => None,
                };
                hits.push(Hit {
                    authority: a,
                    rule: i,
                    holds,
                    amount,
                });
            }
        }
        hits
    }

    /// Charges each ceiling in start-date order (ties: proposal id), from the ledger's committed
    /// amount, with checked sums; marks the rows that are over.
    fn ceilings(&self, mut charges: Vec<Charge>, rows: &mut [Row]) -> Vec<CeilingUse> {
        let order = |c: &Charge| rows.get(c.row).map(|r| (r.start, r.proposal.clone()));
        charges.sort_by_cached_key(|c| (c.key, order(c)));
        let mut groups: BTreeMap<(&str, crate::model::FiscalYear, &str), Vec<&Charge>> =
            BTreeMap::new();
        for c in &charges {
            groups.entry(c.key).or_default().push(c);
        }
        let mut out = Vec::new();
        for ((authority, fy, name), group) in groups {
            let Some(first) = group.first() else { continue };
            let Some(rule) = first.authority.rules.get(first.rule) else {
                continue;
            };
            let RuleKind::Ceiling { limit, within } = &rule.kind else {
                continue;
            };
            // A limit with a history: the amount in force for this fiscal year (or, for a
            // date-keyed history, on the first charged proposal's start); none recorded: not charged.
            let law_date = rows.get(first.row).map(|r| r.start);
            let Some(limit) = law_date.and_then(|d| limit.at(d, fy)) else {
                continue;
            };
            let committed = self.ledger.map_or(Some(0), |l| {
                l.committed_against(first.authority, fy, name).map(|u| u.0)
            });
            let mut use_ = CeilingUse {
                authority: authority.to_string(),
                fiscal_year: fy,
                ceiling: name.to_string(),
                within: within.clone(),
                citation: rule.citation.to_string(),
                limit_usd: limit.0,
                committed_usd: committed,
                total_usd: committed,
                over: false,
                over_by_usd: None,
                proposals: Vec::new(),
                crossed_by: None,
                unknown_guard: Vec::new(),
            };
            if committed.is_none() {
                use_.over = true; // an overflowing ledger cannot be within any limit
            }
            let mut over_rows = Vec::new();
            for c in group {
                let Some(row) = rows.get(c.row) else { continue };
                if !c.counted {
                    use_.unknown_guard.push(row.proposal.clone());
                    continue;
                }
                use_.proposals.push(row.proposal.clone());
                let was_over = use_.over;
                use_.total_usd = use_.total_usd.and_then(|t| t.checked_add(c.amount));
                use_.over = use_.total_usd.is_none_or(|t| t > limit.0);
                if use_.over && !was_over {
                    use_.crossed_by = Some(Crossing {
                        proposal: row.proposal.clone(),
                        file: row.file.clone(),
                        total_usd: use_.total_usd,
                        over_by_usd: use_.total_usd.and_then(|t| t.checked_sub(limit.0)),
                    });
                }
                if use_.over {
                    over_rows.push(c.row);
                }
            }
            if use_.over {
                use_.over_by_usd = use_.total_usd.and_then(|t| t.checked_sub(limit.0));
                let label = use_.label();
                for i in over_rows {
                    if let Some(r) = rows.get_mut(i) {
                        r.over_ceilings.push(label.clone());
                    }
                }
            }
            out.push(use_);
        }
        out
    }
}

/// The later of two files with the same proposal id is the error; it names the earlier one.
/// Adds one evaluated file's row and its ceiling charges, or, when its id was seen before, the
/// duplicate-id error; whether the row was added.
fn add_row<'r>(
    report: &mut Report,
    by_id: &mut HashMap<String, usize>,
    charges: &mut Vec<Charge<'r>>,
    (path, row, id_at): (&Path, Row, impl FnOnce(&str) -> (usize, usize, String)),
    hits: Vec<Hit<'r>>,
) -> bool {
    if let Some(first) = by_id.get(&row.proposal).and_then(|i| report.rows.get(*i)) {
        report.summary.invalid_files += 1;
        let d = duplicate(path, &row.proposal, &first.file, id_at(&row.proposal));
        report.errors.push(d);
        return false;
    }
    let index = report.rows.len();
    by_id.insert(row.proposal.clone(), index);
    for h in hits {
        let Some(rule) = h.authority.rules.get(h.rule) else {
            continue;
        };
        // A guard that is false switches the ceiling off for this proposal.
        if h.holds == Some(false) {
            continue;
        }
        charges.push(Charge {
            key: (h.authority.id.as_str(), row.fiscal_year, rule.name.as_str()),
            authority: h.authority,
            rule: h.rule,
            row: index,
            counted: h.holds == Some(true),
            amount: h.amount,
        });
    }
    report.rows.push(row);
    true
}

/// The summary's counts from the rows, errors and ceilings.
fn tally(report: &mut Report) {
    let s = &mut report.summary;
    s.proposals = report.rows.len();
    for r in &report.rows {
        match r.verdict.as_str() {
            "eligible" => s.eligible += 1,
            "conditional" => s.conditional += 1,
            _ => s.no_authority += 1,
        }
    }
    s.errors = report.errors.iter().filter(|d| d.is_error()).count();
    s.ceilings_over = report.ceilings.iter().filter(|c| c.over).count();
}

fn duplicate(path: &Path, id: &str, first: &str, at: (usize, usize, String)) -> Diagnostic {
    let (line, column, text) = at;
    let mut d = Diagnostic::whole_file(
        &path.display().to_string(),
        "E0206",
        format!("duplicate proposal id `{id}`: also in {first}"),
    );
    d.line = line;
    d.column = column;
    d.source_line = text;
    d.with_help("proposal ids must be unique within a batch; this file was not evaluated")
}

/// The temporary files of unfinished [`write_atomically`] calls, for [`remove_temp_files`].
static PENDING: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn pending() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    PENDING
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Removes the temporary files of unfinished [`write_atomically`] calls. For a binary's signal
/// handler (`authsel check --report` on SIGINT or SIGTERM), just before the process ends; it must
/// run in an ordinary thread, not inside the signal context.
pub fn remove_temp_files() {
    for tmp in pending().iter() {
        let _ = std::fs::remove_file(tmp);
    }
}

/// A temporary file being written: registered for [`remove_temp_files`] before it exists, and
/// removed when dropped unless it was renamed into place, so an error or a panic leaves nothing.
struct TempFile {
    path: PathBuf,
    renamed: bool,
}

impl TempFile {
    fn register(path: PathBuf) -> TempFile {
        pending().push(path.clone());
        TempFile {
            path,
            renamed: false,
        }
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
        let mut pending = pending();
        if let Some(i) = pending.iter().position(|p| *p == self.path) {
            pending.swap_remove(i);
        }
    }
}

/// Creates `path` for writing, never through what is already there: a stale file of an earlier run
/// with the same process id, or a symbolic link planted at this predictable name, is removed and
/// the file created anew (`create_new` does not follow links).
fn create_fresh(path: &Path) -> std::io::Result<std::fs::File> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    match create() {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path)?;
            create()
        }
        r => r,
    }
}

/// Writes a file atomically: a temporary file in the same directory, flushed and synced, then
/// renamed over `path`, so a reader never sees a half-written report. The temporary file
/// (`.NAME.PID.tmp`) is removed on an error, on a panic in `write`, and by [`remove_temp_files`].
pub fn write_atomically(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let file_name = path.file_name().map_or_else(
        || "report".to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut tmp = TempFile::register(dir.join(format!(".{file_name}.{}.tmp", std::process::id())));
    let file = create_fresh(&tmp.path)?;
    let mut w = std::io::BufWriter::new(file);
    write(&mut w)?;
    let file = w.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    drop(file);
    std::fs::rename(&tmp.path, path)?;
    tmp.renamed = true;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `remove_temp_files` removes every pending file of the process: these tests take turns.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("authsel-atomic-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("scratch dir");
        d
    }

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .expect("read dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn an_error_or_a_panic_while_writing_leaves_no_temporary_file() {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = scratch("stopped");
        let report = dir.join("report.txt");
        let r = write_atomically(&report, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stopped"))
        });
        assert!(r.is_err());
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
        let panicked = std::panic::catch_unwind(|| {
            let _ = write_atomically(&report, |w| {
                w.write_all(b"half")?;
                panic!("a bug in the renderer");
            });
        });
        assert!(panicked.is_err());
        assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
        assert!(pending().is_empty());
        write_atomically(&report, |w| w.write_all(b"whole")).expect("written");
        assert_eq!(entries(&dir), ["report.txt"]);
        assert_eq!(std::fs::read_to_string(&report).expect("read"), "whole");
    }

    #[test]
    fn remove_temp_files_removes_the_file_being_written() {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = scratch("signal");
        let report = dir.join("report.txt");
        let r = write_atomically(&report, |w| {
            w.write_all(b"half")?;
            w.flush()?;
            assert_eq!(entries(&dir).len(), 1, "the temporary file is there");
            remove_temp_files();
            assert!(entries(&dir).is_empty(), "{:?}", entries(&dir));
            Ok(())
        });
        assert!(r.is_err(), "nothing left to rename");
        assert!(entries(&dir).is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn a_link_at_the_temporary_name_is_replaced_not_followed() {
        let _turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let dir = scratch("link");
        let victim = dir.join("victim.txt");
        std::fs::write(&victim, "keep").expect("victim");
        let tmp = dir.join(format!(".report.txt.{}.tmp", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).expect("link");
        write_atomically(&dir.join("report.txt"), |w| w.write_all(b"report")).expect("written");
        assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep");
        assert_eq!(entries(&dir), ["report.txt", "victim.txt"]);
    }
}
