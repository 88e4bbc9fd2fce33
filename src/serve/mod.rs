//! `authsel serve`: the planner's workbench in the browser, an output surface like the CLI. One
//! module per job: `routes` (the URL map, security headers, the request log), `limits` (body caps
//! and refusals), `api` (the JSON API: eval, export, import, what-if), `form` (the form as data
//! and as RON), `pages` and `panel` (server-rendered HTML), `html` (the one escaper and the page
//! frame), `svg` (the graph and the ceilings chart), `upload` (a batch checked as `check` does),
//! `assets` (the compiled-in script and stylesheet).
//!
//! Invariant: the server decides nothing. It reads proposals with `RuleBase::read_proposal`,
//! judges them with `RuleBase::evaluate_with` and checks batches with `batch::Batch`, exactly as
//! the CLI does, and renders finished results.

pub mod api;
pub mod assets;
pub mod form;
pub mod html;
pub mod limits;
pub mod pages;
pub mod panel;
pub mod routes;
pub mod svg;
pub mod upload;

use crate::input::proposal::Ledger;
use crate::model::RuleBase;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Where the request log goes.
type Log = Box<dyn Fn(&str) + Send + Sync>;

/// What the server serves from: the rule base, the ledger, and what is made once from them.
pub struct Workbench {
    pub rules: RuleBase,
    pub ledger: Option<Ledger>,
    /// Partner names and aliases in the registry (an imported proposal's partner outside it
    /// ticks "outside the registry").
    partners: BTreeSet<String>,
    /// The form page, rendered once: it depends only on the rule base.
    form_page: String,
    log: Option<Log>,
}

impl Workbench {
    pub fn new(rules: RuleBase, ledger: Option<Ledger>) -> Workbench {
        let partners = crate::tools::vocab::entries(&rules, crate::tools::vocab::Section::Partners)
            .into_iter()
            .flat_map(|e| std::iter::once(e.id).chain(e.aliases))
            .collect();
        let form_page = pages::workbench(&rules);
        Workbench {
            rules,
            ledger,
            partners,
            form_page,
            log: None,
        }
    }

    /// Sends one line per request (method, path, status, time) to `log`.
    pub fn with_log(mut self, log: impl Fn(&str) + Send + Sync + 'static) -> Workbench {
        self.log = Some(Box::new(log));
        self
    }

    fn log(&self, line: &str) {
        if let Some(log) = &self.log {
            log(line);
        }
    }
}

/// Why the server could not run.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot serve: {0}")]
    Io(#[from] std::io::Error),
}

/// Serves the workbench on `listener` until the process ends, on `threads` worker threads.
pub fn run(
    listener: std::net::TcpListener,
    wb: Workbench,
    threads: usize,
) -> Result<(), ServeError> {
    listener.set_nonblocking(true)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(threads.max(1))
        .enable_io()
        .build()?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        axum::serve(listener, routes::router(Arc::new(wb))).await
    })?;
    Ok(())
}
