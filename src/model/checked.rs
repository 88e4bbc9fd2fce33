//! The checked rule base: every declaration resolved and typed, the authority graph, and an index by
//! id. Built only by `lang::check`; read by everything after it. The API that loads and evaluates
//! (`RuleBase::load`, `evaluate`, `read_proposal`, ...) is in `src/rulebase.rs`.

use crate::model::graph::AuthorityGraph;
use crate::model::names::{Named, Names, Program};
use crate::model::*;
use foldhash::HashMap;
use std::collections::BTreeMap;
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
    /// Named programs and funding lines, in declaration order.
    pub programs: Vec<Program>,
    /// Every id and `aka`, for `resolve`.
    pub names: Names,
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
        (programs, names): (Vec<Program>, Names),
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
            programs,
            names,
            graph,
            digest,
            index,
        }))
    }

    pub fn authority(&self, id: &str) -> Option<&Authority> {
        self.index.get(id).and_then(|i| self.authorities.get(*i))
    }

    pub fn program(&self, id: &str) -> Option<&Program> {
        self.programs.iter().find(|p| p.id.as_str() == id)
    }

    /// The entry a planner's name for it names: an id or an `aka` ("GPOI", "Section 1206",
    /// "denton"), in any case and spacing.
    pub fn resolve(&self, name: &str) -> Option<&Named> {
        self.names.resolve(name)
    }

    /// The one authority a name means: an authority's id or `aka`, or a program that runs under
    /// exactly one authority. `None` for a restriction, an unknown name, or a program under several
    /// authorities (the caller names them: `resolve`).
    pub fn authority_named(&self, name: &str) -> Option<&Authority> {
        match self.resolve(name)? {
            Named::Authority(id) => self.authority(id),
            Named::Program(id) => match self.program(id)?.under.as_slice() {
                [one] => self.authority(one),
                _ => None,
            },
            Named::Restriction(_) => None,
        }
    }

    /// The purpose whose `aka` `word` is (compared by `names::key`), if it is one.
    pub fn purpose_aka(&self, word: &str) -> Option<&Purpose> {
        let k = crate::model::names::key(word);
        let named = |aka: &[String]| aka.iter().any(|a| crate::model::names::key(a) == k);
        self.purposes.values().find(|p| named(&p.aka))
    }

    /// The activity whose `aka` `word` is (compared by `names::key`), if it is one.
    pub fn activity_aka(&self, word: &str) -> Option<&Activity> {
        let k = crate::model::names::key(word);
        let named = |aka: &[String]| aka.iter().any(|a| crate::model::names::key(a) == k);
        self.activities.values().find(|a| named(&a.aka))
    }

    /// "did you mean": the closest id (`faa-506` is `faa-506a1`), else the closest of every name
    /// and `aka` (`GPIO` is `GPOI`).
    pub fn closest_name(&self, name: &str) -> Option<&str> {
        let ids = self
            .authorities
            .iter()
            .map(|a| a.id.as_str())
            .chain(self.programs.iter().map(|p| p.id.as_str()))
            .chain(self.restrictions.keys().map(String::as_str));
        crate::diagnostic::did_you_mean(name, ids)
            .or_else(|| crate::diagnostic::did_you_mean(name, self.names.written()))
    }
}
