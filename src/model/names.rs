//! Programs and the names planners use: every authority, program and restriction id, and every
//! `aka`, resolved to the one entry it names.
//!
//! Invariant: a name (compared without case, spacing or punctuation differences, see `key`) names
//! exactly one entry; `check` refuses a rule base where two entries claim it (E0120).

use crate::model::text::Text;
use crate::model::Dated;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeMap;

/// A named program or funding line run under one or more authorities (GPOI under `pko`, OHDACA
/// funding `usc10-2561` and others). It decides nothing itself: its authorities' rules do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Program {
    pub id: Text,
    pub name: Text,
    pub citation: Text,
    /// The authorities it runs under, first the one a planner's bare name should lead to.
    pub under: Vec<String>,
    pub aka: Vec<Text>,
    /// What it is limited to (partners, purposes, funds), in the words of its sources.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective: Option<Dated>,
    /// Last day in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<Dated>,
    /// First day no longer in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repealed: Option<Dated>,
    pub caveats: Vec<Text>,
}

impl Program {
    /// Did the program run on `date`?
    pub fn in_force(&self, date: Date) -> bool {
        crate::model::in_force(&self.effective, &self.expires, &self.repealed, date)
    }
}

/// What a name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Named {
    Authority(String),
    Program(String),
    Restriction(String),
}

impl Named {
    pub fn id(&self) -> &str {
        match self {
            Named::Authority(id) | Named::Program(id) | Named::Restriction(id) => id,
        }
    }
}

/// Every name of the rule base (ids, names and `aka`s) by its `key`, and every spelling given.
#[derive(Debug, Clone, Default)]
pub struct Names {
    by_key: BTreeMap<String, Named>,
    spellings: Vec<String>,
}

impl Names {
    /// Adds `name` for `target`; on a clash, returns what already holds the name.
    pub fn insert(&mut self, name: &str, target: Named) -> Result<(), Named> {
        match self.by_key.entry(key(name)) {
            std::collections::btree_map::Entry::Occupied(held) if *held.get() != target => {
                return Err(held.get().clone())
            }
            std::collections::btree_map::Entry::Occupied(_) => {}
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(target);
            }
        }
        self.spellings.push(name.to_string());
        Ok(())
    }

    /// The entry `name` names: an id, a name or an `aka`, in any case and spacing.
    pub fn resolve(&self, name: &str) -> Option<&Named> {
        self.by_key.get(&key(name))
    }

    /// Every spelling given (ids, names and `aka`s), for "did you mean".
    pub fn written(&self) -> impl Iterator<Item = &str> {
        self.spellings.iter().map(String::as_str)
    }
}

/// A name reduced to what a planner means by it: lower case, letters and digits only, a leading
/// "section" or "§" dropped (`Section 1206`, `§ 1206` and `1206` are one name; `E-IMET` is
/// `EIMET`), so spelling differences never make two entries or miss one.
pub fn key(name: &str) -> String {
    let lower = name.trim().to_lowercase();
    let rest = lower
        .strip_prefix("section")
        .or_else(|| lower.strip_prefix("sec."))
        .or_else(|| lower.strip_prefix('§'))
        .filter(|r| r.starts_with([' ', '§']) || r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(&lower);
    rest.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_does_not_matter() {
        assert_eq!(key("Section 1206"), "1206");
        assert_eq!(key("§ 1206"), "1206");
        assert_eq!(key("E-IMET"), "eimet");
        assert_eq!(
            key("  Global Peace Operations Initiative "),
            "globalpeaceoperationsinitiative"
        );
        // A word that merely starts with "section" keeps it.
        assert_eq!(key("sectional"), "sectional");
    }

    #[test]
    fn a_name_names_one_entry() {
        let mut n = Names::default();
        n.insert("pko", Named::Authority("pko".into())).unwrap();
        n.insert("GPOI", Named::Program("gpoi".into())).unwrap();
        // The same name for the same entry is no clash.
        n.insert("gpoi", Named::Program("gpoi".into())).unwrap();
        assert_eq!(
            n.insert("G.P.O.I.", Named::Authority("fmf".into())),
            Err(Named::Program("gpoi".into()))
        );
        assert_eq!(n.resolve("Gpoi"), Some(&Named::Program("gpoi".into())));
        assert_eq!(n.resolve("nothing"), None);
    }
}
