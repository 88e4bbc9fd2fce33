//! The authority graph (petgraph): authorities, purposes and activities as nodes; `serves`,
//! `provides`, `is_a` and `supersedes` as edges. Candidates for a proposal are the authorities that
//! reach one of its purposes (directly or through `is_a`) or one of its activities.

use crate::model::text::Text;
use crate::model::{Activity, Authority, Purpose};
use foldhash::HashMap;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;
use petgraph::Direction;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Node {
    Authority(String),
    Purpose(String),
    Activity(String),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Authority(s) | Node::Purpose(s) | Node::Activity(s) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// authority -> purpose
    Serves,
    /// authority -> activity
    Provides,
    /// purpose -> parent purpose
    IsA,
    /// newer authority -> older authority
    Supersedes,
}

impl Edge {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Edge::Serves => "serves",
            Edge::Provides => "provides",
            Edge::IsA => "is_a",
            Edge::Supersedes => "supersedes",
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct AuthorityGraph {
    pub graph: DiGraph<Node, Edge>,
    index: HashMap<Node, NodeIndex>,
    /// Precomputed at build time, because every evaluation walks them: each purpose's lineage
    /// (itself, then ancestors) ...
    lineages: HashMap<String, Vec<String>>,
    /// ... the authorities serving each purpose by name, sorted ...
    served_by: HashMap<String, Vec<String>>,
    /// ... and the authorities providing each activity, sorted.
    provided_by: HashMap<String, Vec<String>>,
    /// For `reach`, as positions in the rule base's `authorities`: each purpose's authorities
    /// (serving it or an ancestor, with the steps up to the purpose they serve: 0 by name; nearest
    /// first, each once) ...
    reach_of_purpose: HashMap<String, Vec<(usize, usize)>>,
    /// ... and each activity's.
    provided_by_index: HashMap<String, Vec<usize>>,
    /// For `links`, made once so an explanation copies no id and joins no path: each purpose's
    /// serving edges in the order `links` meets them (lineage nearest first, authorities sorted) ...
    purpose_edges: HashMap<String, (Text, Vec<ServingEdge>)>,
    /// ... and each activity's providing edges (authorities sorted, as positions), with their
    /// paths' words ...
    activity_edges: HashMap<String, (Text, Vec<(usize, Text)>)>,
    /// ... and the authorities' ids, by position.
    authority_ids: Vec<String>,
}

/// An authority serving a purpose, `depth` steps up its lineage (0: by name), with the ancestor it
/// serves and the path's words.
#[derive(Debug, Clone)]
struct ServingEdge {
    /// Position in the rule base's `authorities`.
    authority: usize,
    depth: usize,
    ancestor: Text,
    path: Text,
}

/// How far an authority reaches a proposal, in counts: what the verdict and the ranking need, without
/// the names and paths of a `Link` (which the explanation renders later).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    /// Position in the rule base's `authorities`.
    pub authority: usize,
    /// Distinct proposal purposes it serves by name ...
    pub direct: usize,
    /// ... and only through an ancestor ...
    pub inherited: usize,
    /// ... and how far up: the steps from each of those purposes to the broader one it serves,
    /// summed. Fewer is the closer fit (`counterterrorism` served as `security_capacity` is one
    /// step, as `military_capability` two).
    pub steps: usize,
}

impl Reach {
    pub fn serves_any(&self) -> bool {
        self.direct + self.inherited > 0
    }
}

/// How an authority is linked to a proposal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Link {
    /// Proposal purposes the authority serves by name.
    pub direct: Vec<Text>,
    /// Proposal purposes it serves through an ancestor: `(purpose, ancestor)`.
    pub inherited: Vec<(Text, Text)>,
    /// The steps up from each `inherited` purpose to its ancestor, summed (`Reach::steps`).
    #[serde(skip)]
    pub steps: usize,
    /// Proposal activities it provides.
    pub activities: Vec<Text>,
    /// Readable graph paths, e.g. `fms -serves-> security_capacity <-is_a- counterterrorism`.
    pub paths: Vec<Text>,
}

impl Link {
    pub fn serves_any(&self) -> bool {
        !self.direct.is_empty() || !self.inherited.is_empty()
    }
}

impl AuthorityGraph {
    pub fn build(
        purposes: &BTreeMap<String, Purpose>,
        activities: &BTreeMap<String, Activity>,
        authorities: &[Authority],
    ) -> AuthorityGraph {
        let mut g = AuthorityGraph::default();
        for p in purposes.keys() {
            g.node(Node::Purpose(p.clone()));
        }
        for a in activities.keys() {
            g.node(Node::Activity(a.clone()));
        }
        for a in authorities {
            g.node(Node::Authority(a.id.to_string()));
        }
        for p in purposes.values() {
            if let Some(parent) = &p.parent {
                g.edge(
                    Node::Purpose(p.id.clone()),
                    Node::Purpose(parent.clone()),
                    Edge::IsA,
                );
            }
        }
        for a in authorities {
            let me = Node::Authority(a.id.to_string());
            for p in &a.serves.items {
                g.edge(me.clone(), Node::Purpose(p.clone()), Edge::Serves);
            }
            for act in &a.provides.items {
                g.edge(me.clone(), Node::Activity(act.clone()), Edge::Provides);
            }
            for old in &a.supersedes {
                g.edge(me.clone(), Node::Authority(old.clone()), Edge::Supersedes);
            }
        }
        let position: HashMap<&str, usize> = authorities
            .iter()
            .enumerate()
            .map(|(i, a)| (a.id.as_str(), i))
            .collect();
        for p in purposes.keys() {
            let lineage = g.walk_lineage(p);
            g.lineages.insert(p.clone(), lineage);
            let by = g.incoming(&Node::Purpose(p.clone()), Edge::Serves);
            g.served_by.insert(p.clone(), by);
        }
        for a in activities.keys() {
            let by = g.incoming(&Node::Activity(a.clone()), Edge::Provides);
            g.provided_by.insert(a.clone(), by);
        }
        g.authority_ids = authorities.iter().map(|a| a.id.to_string()).collect();
        g.edges_for_links(&position);
        g.reach_from_edges();
        g
    }

    /// `reach_of_purpose` and `provided_by_index`, read off the edges: each authority once, at the
    /// nearest step it serves the purpose from (the edges are nearest first).
    fn reach_from_edges(&mut self) {
        for (p, (_, edges)) in &self.purpose_edges {
            let mut reach: Vec<(usize, usize)> = Vec::new();
            for e in edges {
                if !reach.iter().any(|(x, _)| *x == e.authority) {
                    reach.push((e.authority, e.depth));
                }
            }
            self.reach_of_purpose.insert(p.clone(), reach);
        }
        for (act, (_, edges)) in &self.activity_edges {
            let by = edges.iter().map(|(a, _)| *a).collect();
            self.provided_by_index.insert(act.clone(), by);
        }
    }

    /// `purpose_edges` and `activity_edges`, from the lineages and the sorted serving and
    /// providing lists.
    fn edges_for_links(&mut self, position: &HashMap<&str, usize>) {
        let none: &[String] = &[];
        for p in self.lineages.keys() {
            let mut edges = Vec::new();
            for (depth, ancestor) in self.lineage_of(p).iter().enumerate() {
                let ancestor_text = Text::from(ancestor);
                for a in self.served_by.get(ancestor).map_or(none, Vec::as_slice) {
                    let Some(&authority) = position.get(a.as_str()) else {
                        continue;
                    };
                    let path = if depth == 0 {
                        path(&[a, " -serves-> ", p])
                    } else {
                        path(&[a, " -serves-> ", ancestor, " <-is_a- ", p])
                    };
                    edges.push(ServingEdge {
                        authority,
                        depth,
                        ancestor: ancestor_text.clone(),
                        path: Text::from(path),
                    });
                }
            }
            self.purpose_edges.insert(p.clone(), (Text::from(p), edges));
        }
        for (act, by) in &self.provided_by {
            let edges = by
                .iter()
                .filter_map(|a| {
                    let path = Text::from(path(&[a, " -provides-> ", act]));
                    Some((*position.get(a.as_str())?, path))
                })
                .collect();
            self.activity_edges
                .insert(act.clone(), (Text::from(act), edges));
        }
    }

    /// The candidates of `candidates`, as counts and positions (sorted by position): no strings are
    /// built, so evaluation can find its candidates in a few hundred nanoseconds. `authorities` is
    /// the number of authorities in the rule base. A test keeps the two in step.
    pub fn reach(
        &self,
        purposes: &[String],
        activities: &[String],
        authorities: usize,
    ) -> Vec<Reach> {
        // One entry per authority, in catalogue order, kept if reached: no sort. `authority` is
        // written when an entry is reached; `usize::MAX` marks one never reached.
        let mut all = vec![
            Reach {
                authority: usize::MAX,
                ..Reach::default()
            };
            authorities
        ];
        for (i, p) in purposes.iter().enumerate() {
            if purposes.get(..i).is_some_and(|before| before.contains(p)) {
                continue; // a purpose named twice counts once, as in `Link`
            }
            for &(a, steps) in self.reach_of_purpose.get(p).map_or(&[][..], Vec::as_slice) {
                let Some(r) = all.get_mut(a) else {
                    continue;
                };
                r.authority = a;
                if steps == 0 {
                    r.direct += 1;
                } else {
                    r.inherited += 1;
                    r.steps += steps;
                }
            }
        }
        for act in activities {
            for &a in self
                .provided_by_index
                .get(act)
                .map_or(&[][..], Vec::as_slice)
            {
                if let Some(r) = all.get_mut(a) {
                    r.authority = a;
                }
            }
        }
        all.retain(|r| r.authority != usize::MAX);
        all
    }

    fn node(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.index.insert(n, i);
        i
    }

    fn edge(&mut self, from: Node, to: Node, e: Edge) {
        let a = self.node(from);
        let b = self.node(to);
        self.graph.add_edge(a, b, e);
    }

    /// `purpose` and its ancestors, nearest first.
    pub fn lineage(&self, purpose: &str) -> Vec<String> {
        self.lineage_of(purpose).to_vec()
    }

    /// `lineage` without copying (empty for an unknown purpose).
    pub fn lineage_of(&self, purpose: &str) -> &[String] {
        self.lineages.get(purpose).map_or(&[], Vec::as_slice)
    }

    fn walk_lineage(&self, purpose: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut cur = self.index.get(&Node::Purpose(purpose.to_string())).copied();
        while let Some(i) = cur {
            if out.len() > self.graph.node_count() {
                break; // a cycle; check rejects these, this only keeps the walk finite
            }
            out.push(self.graph[i].id().to_string());
            cur = self
                .graph
                .edges_directed(i, Direction::Outgoing)
                .find(|e| *e.weight() == Edge::IsA)
                .map(|e| e.target());
        }
        out
    }

    fn incoming(&self, node: &Node, kind: Edge) -> Vec<String> {
        let Some(i) = self.index.get(node) else {
            return Vec::new();
        };
        let mut v: Vec<String> = self
            .graph
            .edges_directed(*i, Direction::Incoming)
            .filter(|e| *e.weight() == kind)
            .map(|e| self.graph[e.source()].id().to_string())
            .collect();
        v.sort();
        v
    }

    /// Every authority linked to at least one of the purposes or activities, with how, by id.
    pub fn candidates(&self, purposes: &[String], activities: &[String]) -> BTreeMap<String, Link> {
        // Sorted into the map once at the end: a map filled edge by edge moved its large entries
        // at every insertion.
        self.links(purposes, activities).into_ids().collect()
    }

    /// The same links as [`AuthorityGraph::candidates`], gathered by authority position in the
    /// order met and taken out one by one: for a caller that visits them in its own order (the
    /// explanation visits them ranked), with no map of owned ids built only to be emptied again.
    pub fn links(&self, purposes: &[String], activities: &[String]) -> Links<'_> {
        let mut found = Links {
            slot: vec![None; self.authority_ids.len()],
            links: Vec::new(),
            ids: &self.authority_ids,
        };
        for p in purposes {
            let Some((purpose, edges)) = self.purpose_edges.get(p) else {
                continue;
            };
            for e in edges {
                let Some(link) = found.link(e.authority) else {
                    continue;
                };
                let named = |q: &Text| q.as_str() == p.as_str();
                if link.direct.iter().any(named) {
                    continue;
                }
                if e.depth == 0 {
                    link.direct.push(purpose.clone());
                } else if !link.inherited.iter().any(|(q, _)| named(q)) {
                    link.inherited.push((purpose.clone(), e.ancestor.clone()));
                    link.steps += e.depth;
                } else {
                    continue;
                }
                link.paths.push(e.path.clone());
            }
        }
        for act in activities {
            let Some((activity, edges)) = self.activity_edges.get(act) else {
                continue;
            };
            for &(a, ref path) in edges {
                let Some(link) = found.link(a) else { continue };
                if !link.activities.iter().any(|x| x.as_str() == act.as_str()) {
                    link.activities.push(activity.clone());
                    link.paths.push(path.clone());
                }
            }
        }
        found
    }

    /// Nodes in a stable order: authorities, purposes, activities, each by id.
    pub(crate) fn sorted_nodes(&self) -> Vec<&Node> {
        let mut v: Vec<&Node> = self.graph.node_weights().collect();
        v.sort_by_key(|n| (kind_rank(n), n.id().to_string()));
        v
    }

    /// Edges in a stable order.
    pub(crate) fn sorted_edges_nodes(&self) -> Vec<(Node, Node, Edge)> {
        let mut v: Vec<(Node, Node, Edge)> = self
            .graph
            .edge_references()
            .map(|e| {
                (
                    self.graph[e.source()].clone(),
                    self.graph[e.target()].clone(),
                    *e.weight(),
                )
            })
            .collect();
        v.sort_by(|x, y| {
            (kind_rank(&x.0), x.0.id(), x.1.id(), x.2.label()).cmp(&(
                kind_rank(&y.0),
                y.0.id(),
                y.1.id(),
                y.2.label(),
            ))
        });
        v
    }

    pub(crate) fn sorted_edges(&self) -> Vec<(String, String, Edge)> {
        self.sorted_edges_nodes()
            .into_iter()
            .map(|(a, b, e)| (a.id().to_string(), b.id().to_string(), e))
            .collect()
    }

    /// Authorities that supersede `id`, directly.
    pub fn successors_of(&self, id: &str) -> BTreeSet<String> {
        self.incoming(&Node::Authority(id.to_string()), Edge::Supersedes)
            .into_iter()
            .collect()
    }
}

fn kind_rank(n: &Node) -> u8 {
    match n {
        Node::Authority(_) => 0,
        Node::Purpose(_) => 1,
        Node::Activity(_) => 2,
    }
}

/// The authorities linked to a proposal, each once, with its link, in the order the graph met them.
pub struct Links<'g> {
    /// For each authority position, where its link is in `links`.
    slot: Vec<Option<usize>>,
    /// Positions and links.
    links: Vec<(usize, Link)>,
    ids: &'g [String],
}

impl<'g> Links<'g> {
    /// The link of the authority at `position` (`Authority::order`), taken out (a second call
    /// gets an empty link); empty when the graph does not link it.
    pub fn take(&mut self, position: usize) -> Link {
        let i = self.slot.get(position).copied().flatten();
        i.and_then(|i| self.links.get_mut(i))
            .map(|(_, link)| std::mem::take(link))
            .unwrap_or_default()
    }

    /// The link of the authority at `position`, new if it was not met before.
    fn link(&mut self, position: usize) -> Option<&mut Link> {
        let slot = self.slot.get_mut(position)?;
        let i = match *slot {
            Some(i) => i,
            None => {
                self.links.push((position, Link::default()));
                *slot = Some(self.links.len() - 1);
                self.links.len() - 1
            }
        };
        self.links.get_mut(i).map(|(_, link)| link)
    }

    /// The links by authority id.
    fn into_ids(self) -> impl Iterator<Item = (String, Link)> + 'g {
        let ids = self.ids;
        self.links
            .into_iter()
            .filter_map(move |(a, link)| Some((ids.get(a)?.clone(), link)))
    }
}

/// A path's words, its pieces joined in one allocation (no `format!` per edge).
fn path(pieces: &[&str]) -> String {
    let mut out = String::with_capacity(pieces.iter().map(|p| p.len()).sum());
    for p in pieces {
        out.push_str(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::model::RuleBase;
    use crate::tools::gen::Generator;

    /// `reach` (counts, for the decision) and `candidates` (paths, for the explanation) find the
    /// same authorities with the same numbers of purposes served by name and through `is_a`.
    #[test]
    fn reach_and_candidates_agree() {
        let rb = RuleBase::builtin();
        let g = Generator::new(&rb).expect("generator");
        let cases = RuleBase::builtin_cases();
        let texts = cases
            .iter()
            .map(|c| c.text.clone())
            .chain((0..300).map(|i| g.proposal(9, i)));
        let mut compared = 0;
        for text in texts {
            let Ok(p) = rb.read_proposal("t.ron", &text) else {
                continue;
            };
            // A purpose named twice counts once in both.
            let mut purposes = p.purposes.clone();
            purposes.extend(p.purposes.first().cloned());
            let want: Vec<(usize, usize, usize, usize)> = rb
                .graph
                .candidates(&purposes, &p.activities)
                .iter()
                .map(|(id, l)| {
                    let a = rb.authority(id).expect("candidate is an authority");
                    (a.order, l.direct.len(), l.inherited.len(), l.steps)
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let got: Vec<(usize, usize, usize, usize)> = rb
                .graph
                .reach(&purposes, &p.activities, rb.authorities.len())
                .into_iter()
                .map(|r| (r.authority, r.direct, r.inherited, r.steps))
                .collect();
            assert_eq!(got, want, "{}", p.id);
            compared += 1;
        }
        assert!(compared > 600, "{compared}");
    }
}
