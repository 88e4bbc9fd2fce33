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
//! 5. `supersedes`: reverse `supersedes` links, no cycles;
//! 6. `programs`: programs under known authorities, then every id and `aka` naming one entry.
//!
//! Every walk of a graph (the `is` hierarchy, group inclusions, `supersedes`) visits each node and
//! link a bounded number of times, so checking takes time linear in the rule text; `Work` counts
//! the steps so tests can hold it to that.

mod blocks;
mod cycles;
mod declare;
mod partners;
mod programs;
mod purposes;
mod rules;
mod supersedes;
#[cfg(test)]
mod tests;
mod values;

use crate::diagnostic::{did_you_mean, Diagnostic, Severity, Span};
use crate::lang::ast::{self, Ident, Item};
use crate::lang::locate::Locator;
use crate::lang::syntax;
use crate::model::graph::AuthorityGraph;
use crate::model::*;
use crate::{lang::source::SourceFile, model::RuleBase};
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
pub(crate) fn check(files: &[SourceFile]) -> Result<RuleBase, Vec<Diagnostic>> {
    check_counted(files).0
}

/// `check`, with the work it took.
pub fn check_counted(files: &[SourceFile]) -> (Result<RuleBase, Vec<Diagnostic>>, Work) {
    let mut cx = Checker {
        files,
        locators: files.iter().map(|_| None).collect(),
        hints: Hints::default(),
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
    let result = match rb {
        Some(rb) if errors.is_empty() => Ok(rb),
        _ => Err(errors),
    };
    (result, cx.work)
}

struct Checker<'a> {
    files: &'a [SourceFile],
    /// One per file, made at its first diagnostic.
    locators: Vec<Option<Locator<'a>>>,
    hints: Hints,
    diags: Vec<Diagnostic>,
    work: Work,
}

/// What "did you mean" may still cost: it compares a name with every known one, so it is offered
/// for the first `MAX_HINTS` unknown names of at most 64 characters, within `MAX_HINT_CELLS` cells
/// of edit-distance tables in all (thousands of unknown names among thousands of known ones would
/// otherwise take quadratic time).
struct Hints {
    left: usize,
    cells: u64,
}

const MAX_HINTS: usize = 200;
const MAX_HINT_CELLS: u64 = 20_000_000;

impl Default for Hints {
    fn default() -> Hints {
        Hints {
            left: MAX_HINTS,
            cells: MAX_HINT_CELLS,
        }
    }
}

/// Names visible to conditions, for resolution and "did you mean".
struct Scope<'s> {
    purposes: &'s BTreeMap<String, Purpose>,
    activities: &'s BTreeMap<String, Activity>,
    facts: &'s BTreeMap<String, FactDecl>,
    groups: &'s BTreeMap<String, Group>,
    values: &'s BTreeMap<String, history::ValueRef>,
}

impl<'a> Checker<'a> {
    fn err(&mut self, file: usize, span: Span, code: &'static str, msg: String) -> &mut Diagnostic {
        let d = match (self.files.get(file), self.locators.get_mut(file)) {
            (Some(f), Some(slot)) => slot
                .get_or_insert_with(|| Locator::new(&f.name, &f.text))
                .at(span, Severity::Error, code, msg),
            _ => Diagnostic::at("<rules>", "", span, Severity::Error, code, msg),
        };
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
        let hint = self.hint(&id.name, known);
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

    /// "did you mean `x`?" for an unknown `word`, within the `Hints` budget.
    fn hint<'n>(&mut self, word: &str, known: impl IntoIterator<Item = &'n str>) -> Option<String> {
        let len = word.chars().count();
        if self.hints.left == 0 || len > 64 {
            return None;
        }
        self.hints.left -= 1;
        // A name whose length differs by more than `did_you_mean`'s limit is never close enough.
        let limit = (len / 3).max(2);
        let close: Vec<&str> = known
            .into_iter()
            .filter(|c| c.len() <= 4 * (len + limit) && c.chars().count().abs_diff(len) <= limit)
            .collect();
        let cells: u64 = close.iter().map(|c| (len * c.len()) as u64).sum();
        if cells > self.hints.cells {
            self.hints = Hints { left: 0, cells: 0 };
            return None;
        }
        self.hints.cells -= cells;
        did_you_mean(word, close).map(|s| format!("did you mean `{s}`?"))
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

    /// The six passes, then, if they found no error, the graph and the digest.
    fn build(&mut self, parsed: Vec<(usize, Item)>) -> Option<RuleBase> {
        let d = self.declare(parsed);
        let purposes = self.purposes(d.purposes);
        let registry = self.partners(d.groups, d.partners);
        let values = self.values(&d.values);
        let scope = Scope {
            purposes: &purposes,
            activities: &d.activities,
            facts: &d.facts,
            groups: &registry.groups,
            values: &values,
        };
        let (restrictions, mut authorities) = self.blocks(&d.blocks, &scope);
        self.supersedes(&d.blocks, &mut authorities);
        self.vocabulary_names(&d.vocabulary_akas, &purposes, &d.activities);
        let programs = self.programs(&d.blocks, &authorities);
        let names = self.names(&d.blocks, &authorities, &restrictions, &programs);
        if self.diags.iter().any(Diagnostic::is_error) {
            // A rule base with an error is never built (the graph assumes no cycles, say).
            return None;
        }
        let digest = self.digest();
        let graph = AuthorityGraph::build(&purposes, &d.activities, &authorities);
        Some(RuleBase::assemble(
            purposes,
            d.activities,
            d.facts,
            registry,
            authorities,
            restrictions,
            (programs, names),
            graph,
            digest,
        ))
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
