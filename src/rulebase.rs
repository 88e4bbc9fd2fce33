//! The rule base: the checked model plus its graph, loaded from `rules/` (built in) or a directory.

use crate::diagnostic::Diagnostic;
use crate::engine::assess::Context;
use crate::engine::decision::Decision;
use crate::input::proposal::{Ledger, Proposal};
use crate::lang::check;
use crate::model::graph::AuthorityGraph;
use crate::model::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

/// One rule file's name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

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

/// A checked rule base. Cheap to clone: the rules are shared (`Arc`), so a `Decision` can keep the
/// rule base it was made with and render its explanation later.
#[derive(Debug, Clone)]
pub struct RuleBase(Arc<CheckedRules>);

impl std::ops::Deref for RuleBase {
    type Target = CheckedRules;
    fn deref(&self) -> &CheckedRules {
        &self.0
    }
}

/// The content of a `RuleBase`: the checked model, its graph and lookup tables.
#[derive(Debug)]
pub struct CheckedRules {
    pub purposes: BTreeMap<String, Purpose>,
    pub activities: BTreeMap<String, Activity>,
    pub facts: BTreeMap<String, FactDecl>,
    pub registry: Registry,
    /// In declaration order over the sorted rule files.
    pub authorities: Vec<Authority>,
    pub restrictions: BTreeMap<String, Restriction>,
    pub graph: AuthorityGraph,
    /// SHA-256 of the rule files, for decision records.
    pub digest: String,
    index: HashMap<String, usize>,
}

mod builtin_files {
    include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));
}

impl RuleBase {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn assemble(
        purposes: BTreeMap<String, Purpose>,
        activities: BTreeMap<String, Activity>,
        facts: BTreeMap<String, FactDecl>,
        registry: Registry,
        authorities: Vec<Authority>,
        restrictions: BTreeMap<String, Restriction>,
        graph: AuthorityGraph,
        digest: String,
    ) -> RuleBase {
        let index = authorities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.to_string(), i))
            .collect();
        RuleBase(Arc::new(CheckedRules {
            purposes,
            activities,
            facts,
            registry,
            authorities,
            restrictions,
            graph,
            digest,
            index,
        }))
    }

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

    pub fn authority(&self, id: &str) -> Option<&Authority> {
        self.index.get(id).and_then(|i| self.authorities.get(*i))
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
        crate::input::check::proposal(self, file, text)
    }

    /// Parses a ledger and checks that each entry names a known authority and, if it names a
    /// ceiling, one of that authority's ceilings; every value is within the limits.
    pub fn read_ledger(&self, file: &str, text: &str) -> Result<Ledger, Vec<Diagnostic>> {
        crate::input::check::ledger(self, file, text)
    }
}
