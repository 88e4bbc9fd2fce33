//! The rule base: the checked model plus its graph, loaded from `rules/` (built in) or a directory.

use crate::diagnostic::Diagnostic;
use crate::engine::assess::Context;
use crate::engine::decision::Decision;
use crate::input::proposal::{Ledger, Proposal};
use crate::lang::check;
pub use crate::lang::source::SourceFile;
pub use crate::model::{CheckedRules, RuleBase};
use std::path::Path;

/// Why a rule base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read rule directory `{path}`: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("no `*.auth` rule files in `{0}`")]
    Empty(String),
    #[error("{} error(s) in the rule files", .0.len())]
    Invalid(Vec<Diagnostic>),
}

mod builtin_files {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl RuleBase {
    /// The rule files compiled into the binary from `rules/`.
    pub fn builtin_files() -> Vec<SourceFile> {
        builtin_files::FILES
            .iter()
            .map(|(name, text)| SourceFile {
                name: format!("rules/{name}"),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// The regression cases compiled into the binary from `rules/cases/`: (path, text).
    pub fn builtin_cases() -> Vec<SourceFile> {
        builtin_files::CASES
            .iter()
            .map(|(name, text)| SourceFile {
                name: (*name).to_string(),
                text: (*text).to_string(),
            })
            .collect()
    }

    /// The built-in rule base. It is checked by the test suite, so a failure here is a build defect;
    /// the error still comes back as data rather than a panic.
    pub fn try_builtin() -> Result<RuleBase, LoadError> {
        RuleBase::from_files(&RuleBase::builtin_files())
    }

    /// The built-in rule base (`rules/*.auth`, compiled in).
    ///
    /// # Panics
    /// Only if the shipped rule files do not check, which `cargo test` rules out.
    #[allow(clippy::expect_used)]
    pub fn builtin() -> RuleBase {
        RuleBase::try_builtin().expect("the built-in rule base checks (tested by cargo test)")
    }

    /// Checks a set of rule files (sorted by name first, so the order given does not matter).
    pub fn from_files(files: &[SourceFile]) -> Result<RuleBase, LoadError> {
        let mut files = files.to_vec();
        files.sort_by(|a, b| a.name.cmp(&b.name));
        check::check(&files).map_err(LoadError::Invalid)
    }

    /// Reads every `*.auth` file in `dir` (not recursive). A file that cannot be read as rule text
    /// (a symbolic link leading outside `dir`, not a regular file, too large, not UTF-8) is a
    /// diagnostic (`lang::source`); all of them come back together, sorted by file.
    pub fn load_files(dir: &Path) -> Result<Vec<SourceFile>, LoadError> {
        let io = |e: std::io::Error| LoadError::Io {
            path: dir.display().to_string(),
            source: e,
        };
        let root = std::fs::canonicalize(dir).map_err(io)?;
        let mut files = Vec::new();
        let mut refused = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(io)? {
            let path = entry.map_err(io)?.path();
            if path.extension().is_some_and(|e| e == "auth") {
                match crate::lang::source::read_rule_file(&path, &root) {
                    Ok(text) => files.push(SourceFile {
                        name: path.display().to_string(),
                        text,
                    }),
                    Err(d) => refused.push(d),
                }
            }
        }
        if !refused.is_empty() {
            refused.sort_by(|a, b| a.file.cmp(&b.file));
            return Err(LoadError::Invalid(refused));
        }
        if files.is_empty() {
            return Err(LoadError::Empty(dir.display().to_string()));
        }
        Ok(files)
    }

    /// Loads and checks a rule directory.
    pub fn load(dir: impl AsRef<Path>) -> Result<RuleBase, LoadError> {
        RuleBase::from_files(&RuleBase::load_files(dir.as_ref())?)
    }

    /// Evaluates a proposal by the law in force on its start date, with no ledger.
    pub fn evaluate(&self, proposal: &Proposal) -> Decision {
        self.evaluate_with(proposal, &Context::default())
    }

    pub fn evaluate_with(&self, proposal: &Proposal, ctx: &Context) -> Decision {
        crate::engine::decision::decide(self, proposal, ctx)
    }

    /// Parses a proposal and checks it against this rule base: its purposes, activities and
    /// facts are defined here, its partner is in the registry (or the proposal says
    /// `partner_outside_registry: true`), and every value is within the limits. Every problem is
    /// a diagnostic with the file's position (at most `diagnostic::MAX_PER_FILE`, then a count).
    pub fn read_proposal(&self, file: &str, text: &str) -> Result<Proposal, Vec<Diagnostic>> {
        self.read_proposal_noted(file, text).map(|(p, _)| p)
    }

    /// `read_proposal`, with the notes about it: each planner's word read as a purpose or
    /// activity id (`I0201`, "`sustainment` read as the activity `services`").
    pub fn read_proposal_noted(
        &self,
        file: &str,
        text: &str,
    ) -> Result<(Proposal, Vec<Diagnostic>), Vec<Diagnostic>> {
        crate::input::check::proposal(self, file, text)
    }

    /// Parses a ledger and checks that each entry names a known authority and, if it names a
    /// ceiling, one of that authority's ceilings; every value is within the limits.
    pub fn read_ledger(&self, file: &str, text: &str) -> Result<Ledger, Vec<Diagnostic>> {
        self.read_ledger_noted(file, text).map(|(l, _)| l)
    }

    /// `read_ledger`, with the notes about it: each name read as an authority's id (`I0201`,
    /// "`Section 1206` read as the authority `ndaa06-1206`").
    pub fn read_ledger_noted(
        &self,
        file: &str,
        text: &str,
    ) -> Result<(Ledger, Vec<Diagnostic>), Vec<Diagnostic>> {
        crate::input::check::ledger(self, file, text)
    }
}
