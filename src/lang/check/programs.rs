//! Pass 6: programs, and the names of every entry.
//!
//! Invariant: a program names at least one known authority (`under`, E0103/E0102) and holds no
//! rule (E0108): what it may do is what its authorities allow. Every id and `aka` of an authority,
//! program or restriction names one entry only (E0120), compared by `names::key`.

use super::declare::Vocab;
use super::Checker;
use crate::lang::ast::{self, BlockKind, Member as AstMember};
use crate::model::names::{key, Named, Names, Program};
use crate::model::text::Text;
use crate::model::{Activity, Authority, Dated, Purpose, Restriction};
use std::collections::BTreeMap;

impl Checker<'_> {
    /// Checks every `program` block against the authorities, in declaration order.
    pub(super) fn programs(
        &mut self,
        blocks: &[(usize, ast::Block)],
        authorities: &[Authority],
    ) -> Vec<Program> {
        let ids: Vec<&str> = authorities.iter().map(|a| a.id.as_str()).collect();
        blocks
            .iter()
            .filter(|(_, b)| b.kind == BlockKind::Program)
            .map(|(file, b)| self.program(*file, b, &ids))
            .collect()
    }

    fn program(&mut self, file: usize, b: &ast::Block, authorities: &[&str]) -> Program {
        let dated = |d: &ast::DateAttr| Dated {
            date: d.date.date,
            citation: d.cite.as_ref().map(|c| Text::from(&c.value)),
            unconfirmed: d.unconfirmed.as_ref().map(|u| Text::from(&u.value)),
        };
        let mut p = Program {
            id: Text::from(&b.id.name),
            name: Text::default(),
            citation: Text::default(),
            under: Vec::new(),
            aka: Vec::new(),
            scope: None,
            effective: None,
            expires: None,
            repealed: None,
            caveats: Vec::new(),
        };
        for m in &b.members {
            match m {
                AstMember::Name(s) => p.name = Text::from(&s.value),
                AstMember::Citation(s) => {
                    self.citation(file, s);
                    p.citation = Text::from(&s.value)
                }
                AstMember::Aka(names) => p.aka.extend(names.iter().map(|s| Text::from(&s.value))),
                AstMember::Under(ids) => {
                    let ok = |n: &str| authorities.contains(&n);
                    let known = authorities.iter().copied();
                    p.under
                        .extend(self.resolve(file, ids, "authority", ok, known));
                }
                AstMember::Scope(s) => p.scope = Some(Text::from(&s.value)),
                AstMember::Effective(d) => p.effective = Some(dated(d)),
                AstMember::Expires(d) => p.expires = Some(dated(d)),
                AstMember::Repealed(d) => p.repealed = Some(dated(d)),
                AstMember::Caveat(s) => p.caveats.push(Text::from(&s.value)),
                other => {
                    let msg = "a program takes only name, citation, aka, under, scope, effective, \
                               expires, repealed and caveat: its authorities' rules decide";
                    let span = super::blocks::member_span(other, b.span);
                    self.err(file, span, "E0108", msg.to_string());
                }
            }
        }
        self.required(file, b, &p.name, &p.citation);
        if !b.members.iter().any(|m| matches!(m, AstMember::Under(_))) {
            let msg = format!(
                "program `{}` has no `under`: name its authorities",
                b.id.name
            );
            self.err(file, b.id.span, "E0103", msg);
        }
        p
    }

    /// The `aka`s of purposes and activities: each names one id of its vocabulary and is no other
    /// id (E0120), compared by `names::key`.
    pub(super) fn vocabulary_names(
        &mut self,
        akas: &[(usize, Vocab, String, ast::Str)],
        purposes: &BTreeMap<String, Purpose>,
        activities: &BTreeMap<String, Activity>,
    ) {
        let mut held: BTreeMap<(Vocab, String), String> = BTreeMap::new();
        let ids = purposes
            .keys()
            .map(|id| (Vocab::Purpose, id))
            .chain(activities.keys().map(|id| (Vocab::Activity, id)));
        for (vocab, id) in ids {
            held.insert((vocab, key(id)), id.clone());
        }
        for (file, vocab, id, s) in akas {
            self.work.add(1);
            match held.get(&(*vocab, key(&s.value))) {
                Some(other) if other != id => {
                    let msg = format!(
                        "`{}` already names `{other}`: a word must lead to one id",
                        s.value
                    );
                    self.err(*file, s.span, "E0120", msg);
                }
                Some(_) => {}
                None => {
                    held.insert((*vocab, key(&s.value)), id.clone());
                }
            }
        }
    }

    /// Every id and `aka`, each naming one entry (E0120 on a clash, at the later name).
    pub(super) fn names(
        &mut self,
        blocks: &[(usize, ast::Block)],
        authorities: &[Authority],
        restrictions: &BTreeMap<String, Restriction>,
        programs: &[Program],
    ) -> Names {
        let mut names = Names::default();
        // Ids first, so an `aka` that is another entry's id is the clash, not the id.
        for a in authorities {
            let _ = names.insert(&a.id, Named::Authority(a.id.to_string()));
        }
        // Then full names: a planner may type "Peacekeeping Operations". A name that is another
        // entry's is left to that entry (names are not checked for clashes; `aka`s are).
        for a in authorities {
            let _ = names.insert(&a.name, Named::Authority(a.id.to_string()));
            // "Peacekeeping Operations (GPOI and others)" is also "Peacekeeping Operations".
            if let Some((short, _)) = a.name.split_once(" (") {
                let _ = names.insert(short, Named::Authority(a.id.to_string()));
            }
        }
        for id in restrictions.keys() {
            let _ = names.insert(id, Named::Restriction(id.clone()));
        }
        for p in programs {
            let _ = names.insert(&p.id, Named::Program(p.id.to_string()));
        }
        for p in programs {
            let _ = names.insert(&p.name, Named::Program(p.id.to_string()));
        }
        for (file, b) in blocks {
            let target = match b.kind {
                BlockKind::Authority => Named::Authority(b.id.name.clone()),
                BlockKind::Program => Named::Program(b.id.name.clone()),
                BlockKind::Restriction => continue,
            };
            let akas = b.members.iter().filter_map(|m| match m {
                AstMember::Aka(names) => Some(names),
                _ => None,
            });
            for s in akas.flatten() {
                if let Err(held) = names.insert(&s.value, target.clone()) {
                    let msg = format!(
                        "`{}` already names `{}`: a name must lead to one entry",
                        s.value,
                        held.id()
                    );
                    self.err(*file, s.span, "E0120", msg);
                }
            }
        }
        names
    }
}
