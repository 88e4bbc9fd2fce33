//! The checked rule base: every declaration resolved and typed, the authority graph, and an index by
//! id. Built only by `lang::check`; read by everything after it. The API that loads and evaluates
//! (`RuleBase::load`, `evaluate`, `read_proposal`, ...) is in `src/rulebase.rs`.

use crate::model::graph::AuthorityGraph;
use crate::model::*;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

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

    pub fn authority(&self, id: &str) -> Option<&Authority> {
        self.index.get(id).and_then(|i| self.authorities.get(*i))
    }
}
