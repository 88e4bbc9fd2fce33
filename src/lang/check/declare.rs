//! Pass 1: declarations.

use super::Checker;
use crate::lang::ast::{self, Ident, Item, Membership};
use crate::model::{Activity, FactDecl, Purpose, Type};
use std::collections::{BTreeMap, HashSet};

/// A purpose as declared: its file, its `is PARENT` as written, and the model's purpose.
pub(super) struct PurposeDecl {
    pub file: usize,
    pub parent: Option<Ident>,
    pub purpose: Purpose,
}

/// A group as declared, in declaration order.
pub(super) struct GroupDecl {
    pub file: usize,
    pub id: Ident,
    pub meaning: ast::Str,
    pub includes: Vec<Ident>,
    pub cite: ast::Str,
}

/// A partner as declared, in declaration order.
pub(super) struct PartnerDecl {
    pub file: usize,
    pub name: ast::Str,
    pub aka: Vec<ast::Str>,
    pub members: Vec<Membership>,
}

/// Everything declared, each name once.
pub(super) struct Declared {
    pub purposes: BTreeMap<String, PurposeDecl>,
    pub activities: BTreeMap<String, Activity>,
    pub facts: BTreeMap<String, FactDecl>,
    pub groups: Vec<GroupDecl>,
    pub partners: Vec<PartnerDecl>,
    /// `value` declarations (histories), in declaration order, each id once.
    pub values: Vec<(usize, ast::ValueDecl)>,
    /// Authorities and restrictions, in declaration order over the sorted files.
    pub blocks: Vec<(usize, ast::Block)>,
    /// The `aka`s of purposes and activities, with the id each names, for the names pass.
    pub vocabulary_akas: Vec<(usize, Vocab, String, ast::Str)>,
}

/// The two vocabularies a proposal names words from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Vocab {
    Purpose,
    Activity,
}

impl Checker<'_> {
    /// Registers every declaration, so later references resolve whatever the order.
    ///
    /// Invariant: each purpose, activity, fact, group and authority-or-restriction id is declared
    /// once (a repeat is E0101 and dropped, the first one stands); a fact's type and default are
    /// checked (E0109, E0106); a group's citation is not empty (E0104). Errors come in declaration
    /// order. One step per item.
    pub(super) fn declare(&mut self, parsed: Vec<(usize, Item)>) -> Declared {
        let mut d = Declared {
            purposes: BTreeMap::new(),
            activities: BTreeMap::new(),
            facts: BTreeMap::new(),
            groups: Vec::new(),
            partners: Vec::new(),
            values: Vec::new(),
            blocks: Vec::new(),
            vocabulary_akas: Vec::new(),
        };
        let mut seen: HashSet<(&'static str, String)> = HashSet::new();
        for (file, item) in parsed {
            self.work.add(1);
            self.declare_item(&mut d, &mut seen, file, item);
        }
        d
    }

    /// One declaration into `d`, unless its id is taken in its namespace (`seen`).
    fn declare_item(
        &mut self,
        d: &mut Declared,
        seen: &mut HashSet<(&'static str, String)>,
        file: usize,
        item: Item,
    ) {
        match item {
            Item::Purpose { .. } | Item::Activity { .. } | Item::Fact { .. } => {
                self.declare_vocabulary(d, seen, file, item)
            }
            Item::Group {
                id,
                meaning,
                includes,
                cite,
            } => {
                if self.fresh(seen, file, "group", &id) {
                    self.citation(file, &cite);
                    d.groups.push(GroupDecl {
                        file,
                        id,
                        meaning,
                        includes,
                        cite,
                    });
                }
            }
            Item::Partner { name, aka, members } => d.partners.push(PartnerDecl {
                file,
                name,
                aka,
                members,
            }),
            Item::Value(v) => {
                if self.fresh(seen, file, "value", &v.id) {
                    d.values.push((file, v));
                }
            }
            // Authorities, restrictions and programs share one namespace: `apply` and `show`
            // must be unambiguous.
            Item::Block(b) => {
                if self.fresh(seen, file, "authority, restriction or program", &b.id) {
                    d.blocks.push((file, b));
                }
            }
        }
    }

    /// A purpose, activity or fact into `d`, unless its id is taken.
    fn declare_vocabulary(
        &mut self,
        d: &mut Declared,
        seen: &mut HashSet<(&'static str, String)>,
        file: usize,
        item: Item,
    ) {
        let (ns, id) = match &item {
            Item::Purpose { id, .. } => ("purpose", id),
            Item::Activity { id, .. } => ("activity", id),
            Item::Fact { id, .. } => ("fact", id),
            _ => return,
        };
        if !self.fresh(seen, file, ns, id) {
            return;
        }
        match item {
            Item::Purpose {
                id,
                meaning,
                parent,
                aka,
            } => {
                let purpose = Purpose {
                    id: id.name.clone(),
                    meaning: meaning.value,
                    parent: parent.as_ref().map(|p| p.name.clone()),
                    aka: aka.iter().map(|s| s.value.clone()).collect(),
                };
                let named = aka
                    .into_iter()
                    .map(|s| (file, Vocab::Purpose, id.name.clone(), s));
                d.vocabulary_akas.extend(named);
                let decl = PurposeDecl {
                    file,
                    parent,
                    purpose,
                };
                d.purposes.insert(id.name, decl);
            }
            Item::Activity { id, meaning, aka } => {
                let a = Activity {
                    id: id.name.clone(),
                    meaning: meaning.value,
                    aka: aka.iter().map(|s| s.value.clone()).collect(),
                };
                let named = aka
                    .into_iter()
                    .map(|s| (file, Vocab::Activity, id.name.clone(), s));
                d.vocabulary_akas.extend(named);
                d.activities.insert(id.name, a);
            }
            Item::Fact {
                id,
                ty,
                default,
                meaning,
            } => {
                if let Some(f) = self.fact(file, id, &ty, default, meaning) {
                    d.facts.insert(f.id.clone(), f);
                }
            }
            _ => {}
        }
    }

    /// Whether `id` is new in namespace `ns`; a repeat is E0101.
    fn fresh(
        &mut self,
        seen: &mut HashSet<(&'static str, String)>,
        file: usize,
        ns: &'static str,
        id: &Ident,
    ) -> bool {
        let fresh = seen.insert((ns, id.name.clone()));
        if !fresh {
            let msg = format!("{ns} `{}` is defined twice", id.name);
            self.err(file, id.span, "E0101", msg);
        }
        fresh
    }

    /// A fact declaration with its type and default checked.
    fn fact(
        &mut self,
        file: usize,
        id: Ident,
        ty: &Ident,
        default: Option<ast::Literal>,
        meaning: ast::Str,
    ) -> Option<FactDecl> {
        let Some(t) = fact_type(&ty.name) else {
            let msg = format!("unknown fact type `{}`", ty.name);
            self.err(file, ty.span, "E0109", msg);
            return None;
        };
        let default = default.and_then(|lit| self.literal(file, &lit, t, None));
        Some(FactDecl {
            id: id.name,
            ty: t,
            meaning: meaning.value,
            default,
        })
    }
}

fn fact_type(name: &str) -> Option<Type> {
    Some(match name {
        "bool" => Type::Bool,
        "usd" => Type::Usd,
        "int" => Type::Int,
        "months" => Type::Months,
        "date" => Type::Date,
        "string" => Type::Str,
        _ => return None,
    })
}
