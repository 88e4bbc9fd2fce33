//! The words a proposal may use, listed for planners (`authsel vocab`): each purpose, activity,
//! fact, partner, recipient kind and funding source with its meaning, its place in the `is`
//! hierarchy and the authorities that serve, provide or accept it. Read from the rule base only.

use crate::model::{Funding, RecipientKind, RuleBase};
use serde::Serialize;

/// A section of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Purposes,
    Activities,
    Facts,
    Partners,
    Recipients,
    Funding,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Purposes,
        Section::Activities,
        Section::Facts,
        Section::Partners,
        Section::Recipients,
        Section::Funding,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Section::Purposes => "purposes",
            Section::Activities => "activities",
            Section::Facts => "facts",
            Section::Partners => "partners",
            Section::Recipients => "recipients",
            Section::Funding => "funding",
        }
    }
}

/// One word a proposal may use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub meaning: String,
    /// For a purpose: its ancestors, nearest first (an authority serving one serves this purpose).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub is_a: Vec<String>,
    /// Other names accepted for it (purposes', activities' and partners' `aka`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// For a fact: its type and default; for a partner: its groups.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The authorities that serve, provide or accept it, in catalogue order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub authorities: Vec<String>,
}

/// The entries of one section, sorted by id (partners by name).
pub fn entries(rb: &RuleBase, section: Section) -> Vec<Entry> {
    match section {
        Section::Purposes => purposes(rb),
        Section::Activities => activities(rb),
        Section::Facts => facts(rb),
        Section::Partners => partners(rb),
        Section::Recipients => recipients(rb),
        Section::Funding => funding(rb),
    }
}

fn entry(id: &str, meaning: &str) -> Entry {
    Entry {
        id: id.to_string(),
        meaning: meaning.to_string(),
        is_a: Vec::new(),
        aliases: Vec::new(),
        detail: None,
        authorities: Vec::new(),
    }
}

fn ids_where(rb: &RuleBase, keep: impl Fn(&crate::model::Authority) -> bool) -> Vec<String> {
    rb.authorities
        .iter()
        .filter(|a| keep(a))
        .map(|a| a.id.to_string())
        .collect()
}

fn purposes(rb: &RuleBase) -> Vec<Entry> {
    rb.purposes
        .values()
        .map(|p| {
            let lineage = rb.graph.lineage_of(&p.id);
            let mut e = entry(&p.id, &p.meaning);
            e.is_a = lineage.iter().skip(1).cloned().collect();
            e.aliases.clone_from(&p.aka);
            e.authorities = ids_where(rb, |a| lineage.iter().any(|l| a.serves.items.contains(l)));
            e
        })
        .collect()
}

fn activities(rb: &RuleBase) -> Vec<Entry> {
    rb.activities
        .values()
        .map(|x| {
            let mut e = entry(&x.id, &x.meaning);
            e.aliases.clone_from(&x.aka);
            e.authorities = ids_where(rb, |a| a.provides.items.contains(&x.id));
            e
        })
        .collect()
}

fn facts(rb: &RuleBase) -> Vec<Entry> {
    rb.facts
        .values()
        .map(|f| {
            let mut e = entry(&f.id, &f.meaning);
            let default = f
                .default
                .as_ref()
                .map_or(String::new(), |d| format!(", default {d}"));
            e.detail = Some(format!("{}{default}", f.ty));
            e
        })
        .collect()
}

fn partners(rb: &RuleBase) -> Vec<Entry> {
    let mut out: Vec<Entry> = rb
        .registry
        .partners
        .iter()
        .map(|p| {
            let mut e = entry(&p.name, "");
            e.aliases.clone_from(&p.aka);
            let mut groups: Vec<&str> = p.members.iter().map(|m| m.group.as_str()).collect();
            groups.dedup();
            if !groups.is_empty() {
                e.detail = Some(format!("member of {}", groups.join(", ")));
            }
            e
        })
        .collect();
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Plain meanings of the recipient kinds (docs/proposal.md says the same).
fn recipient_meaning(k: RecipientKind) -> &'static str {
    match k {
        RecipientKind::NationalMilitary => "the partner's national military forces",
        RecipientKind::OtherSecurityForces => {
            "other national-level security forces (border, coast guard, police with a security role)"
        }
        RecipientKind::CivilianGovernment => "a civilian ministry or agency of the partner government",
        RecipientKind::InternationalOrganization => "an international or regional organization",
        RecipientKind::NonGovernmental => "a non-governmental organization or private body",
    }
}

fn recipients(rb: &RuleBase) -> Vec<Entry> {
    RecipientKind::ALL
        .into_iter()
        .map(|k| {
            let mut e = entry(&k.to_string(), recipient_meaning(k));
            e.authorities = ids_where(rb, |a| {
                a.recipients.as_ref().is_some_and(|r| r.items.contains(&k))
            });
            e
        })
        .collect()
}

fn funding_meaning(f: Funding) -> &'static str {
    match f {
        Funding::PartnerNational => "the partner's own funds (a sale)",
        Funding::DoD => "Department of Defense appropriations",
        Funding::DoS => "Department of State (foreign-assistance) appropriations",
        Funding::USAID => "USAID appropriations",
        Funding::DHS => "Department of Homeland Security appropriations",
        Funding::UsgStocks => "existing U.S. Government stocks (a drawdown)",
    }
}

fn funding(rb: &RuleBase) -> Vec<Entry> {
    Funding::ALL
        .into_iter()
        .map(|f| {
            let mut e = entry(&f.to_string(), funding_meaning(f));
            e.authorities = ids_where(rb, |a| {
                a.funding.as_ref().is_some_and(|x| x.items.contains(&f))
            });
            e
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_lists_the_rule_base_words() {
        let rb = RuleBase::builtin();
        let purposes = entries(&rb, Section::Purposes);
        assert_eq!(purposes.len(), rb.purposes.len());
        let ct = purposes
            .iter()
            .find(|e| e.id == "counterterrorism")
            .expect("ct");
        assert!(ct.authorities.contains(&"usc10-333".to_string()), "{ct:?}");
        assert!(!ct.is_a.is_empty(), "counterterrorism has a parent: {ct:?}");
        let training = entries(&rb, Section::Activities);
        assert!(training
            .iter()
            .any(|e| e.id == "training" && e.authorities.contains(&"imet".to_string())));
        assert_eq!(
            entries(&rb, Section::Recipients).len(),
            RecipientKind::ALL.len()
        );
        assert_eq!(entries(&rb, Section::Funding).len(), Funding::ALL.len());
        assert!(entries(&rb, Section::Partners)
            .iter()
            .any(|e| e.id == "Kenya"));
        let facts = entries(&rb, Section::Facts);
        assert!(facts.iter().all(|e| e.detail.is_some()));
    }
}
