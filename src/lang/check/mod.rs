//! Syntax tree to model: name resolution, types, duplicates, missing citations, cycles. The only
//! bridge between rule text and meaning; everything after it works on resolved, typed data.
//!
//! `build` runs five passes, one file each, in this order (so diagnostics come in this order):
//!
//! 1. `declare`: every declaration is registered, so later references resolve whatever the order;
//! 2. `purposes`: the `is` hierarchy (parents exist, no cycles, lineages bounded);
//! 3. `partners`: groups (inclusions exist, no cycles) and partners (names, memberships), then each
//!    partner's memberships flattened through the inclusions;
//! 4. `blocks`: restrictions, then authorities (members, rules and their conditions in `rules`,
//!    applied restrictions);
//! 5. `supersedes`: reverse `supersedes` links, no cycles.
//!
//! Every walk of a graph (the `is` hierarchy, group inclusions, `supersedes`) visits each node and
//! link a bounded number of times, so checking takes time linear in the rule text; `Work` counts
//! the steps so tests can hold it to that.

mod blocks;
mod cycles;
mod declare;
mod partners;
mod purposes;
mod rules;
mod supersedes;
#[cfg(test)]
mod tests;

use crate::diagnostic::{did_you_mean, Diagnostic, Severity, Span};
use crate::lang::ast::{self, Ident, Item};
use crate::lang::syntax;
use crate::model::graph::AuthorityGraph;
use crate::model::*;
use crate::rulebase::{RuleBase, SourceFile};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The steps a check took: declarations registered, nodes and links of every graph walk visited,
/// condition nodes type-checked or copied, memberships flattened. Linear in the size of the rule
/// text, whatever its shape; the tests hold it to that.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Work {
    pub steps: u64,
}

impl Work {
    fn add(&mut self, n: usize) {
        self.steps = self
            .steps
            .saturating_add(u64::try_from(n).unwrap_or(u64::MAX));
    }
}

/// Parses and checks a set of rule files into a rule base, or returns every error found. Files are
/// taken in the order given (callers sort them), so the result is deterministic.
pub fn check(files: &[SourceFile]) -> Result<RuleBase, Vec<Diagnostic>> {
    check_counted(files).0
}

/// `check`, with the work it took.
pub fn check_counted(files: &[SourceFile]) -> (Result<RuleBase, Vec<Diagnostic>>, Work) {
    let mut cx = Checker {
        files,
        diags: Vec::new(),
        work: Work::default(),
    };
    let mut parsed: Vec<(usize, Item)> = Vec::new();
    for (i, f) in files.iter().enumerate() {
        let (items, diags) = syntax::parse_file(&f.name, &f.text);
        cx.diags.extend(diags);
        parsed.extend(items.into_iter().map(|it| (i, it)));
    }
    let rb = cx.build(parsed);
    let errors: Vec<Diagnostic> = cx.diags.into_iter().filter(Diagnostic::is_error).collect();
    let result = if errors.is_empty() {
        Ok(rb)
    } else {
        Err(errors)
    };
    (result, cx.work)
}

struct Checker<'a> {
    files: &'a [SourceFile],
    diags: Vec<Diagnostic>,
    work: Work,
}

/// Names visible to conditions, for resolution and "did you mean".
struct Scope<'s> {
    purposes: &'s BTreeMap<String, Purpose>,
    activities: &'s BTreeMap<String, Activity>,
    facts: &'s BTreeMap<String, FactDecl>,
    groups: &'s BTreeMap<String, Group>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, file: usize, span: Span, code: &'static str, msg: String) -> &mut Diagnostic {
        let (name, text) = self
            .files
            .get(file)
            .map_or(("<rules>", ""), |f| (f.name.as_str(), f.text.as_str()));
        let d = Diagnostic::at(name, text, span, Severity::Error, code, msg);
        self.diags.push(d);
        match self.diags.last_mut() {
            Some(d) => d,
            None => unreachable!("a diagnostic was just pushed"),
        }
    }

    fn unknown<'n>(
        &mut self,
        file: usize,
        id: &Ident,
        what: &str,
        known: impl IntoIterator<Item = &'n str>,
    ) {
        let hint = did_you_mean(&id.name, known).map(|s| format!("did you mean `{s}`?"));
        let d = self.err(
            file,
            id.span,
            "E0102",
            format!("unknown {what} `{}`", id.name),
        );
        if let Some(h) = hint {
            d.help = Some(h);
        }
    }

    fn citation(&mut self, file: usize, cite: &ast::Str) {
        if cite.value.trim().is_empty() {
            self.err(
                file,
                cite.span,
                "E0104",
                "empty citation: every rule must cite its source".to_string(),
            );
        }
    }

    /// The five passes, then the graph and the digest.
    fn build(&mut self, parsed: Vec<(usize, Item)>) -> RuleBase {
        let d = self.declare(parsed);
        let purposes = self.purposes(d.purposes);
        let registry = self.partners(d.groups, d.partners);
        let scope = Scope {
            purposes: &purposes,
            activities: &d.activities,
            facts: &d.facts,
            groups: &registry.groups,
        };
        let (restrictions, mut authorities) = self.blocks(&d.blocks, &scope);
        self.supersedes(&d.blocks, &mut authorities);
        let digest = self.digest();
        let graph = AuthorityGraph::build(&purposes, &d.activities, &authorities);
        RuleBase::assemble(
            purposes,
            d.activities,
            d.facts,
            registry,
            authorities,
            restrictions,
            graph,
            digest,
        )
    }

    /// SHA-256 of the rule files' names and texts, for decision records.
    fn digest(&self) -> String {
        let mut h = Sha256::new();
        for f in self.files {
            h.update(f.name.as_bytes());
            h.update([0]);
            h.update(f.text.as_bytes());
            h.update([0]);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}
