//! The authority graph as Graphviz dot, a Mermaid flowchart and JSON. Rendering only.

use crate::model::graph::{AuthorityGraph as Graph, Node};
use std::fmt::Write;

/// Graphviz dot.
pub fn dot(g: &Graph) -> String {
    let mut s = String::from("digraph authsel {\n  rankdir=LR;\n");
    for n in g.sorted_nodes() {
        let shape = match n {
            Node::Authority(_) => "box",
            Node::Purpose(_) => "ellipse",
            Node::Activity(_) => "diamond",
        };
        let _ = writeln!(s, "  \"{}\" [shape={shape}];", n.id());
    }
    for (a, b, e) in g.sorted_edges() {
        let _ = writeln!(s, "  \"{a}\" -> \"{b}\" [label=\"{}\"];", e.label());
    }
    s.push_str("}\n");
    s
}

/// Mermaid flowchart.
pub fn mermaid(g: &Graph) -> String {
    let id = |n: &str| n.replace(['-', '.'], "_");
    let mut s = String::from("flowchart LR\n");
    for n in g.sorted_nodes() {
        let (open, close) = match n {
            Node::Authority(_) => ("[", "]"),
            Node::Purpose(_) => ("([", "])"),
            Node::Activity(_) => ("{{", "}}"),
        };
        let prefix = match n {
            Node::Authority(_) => "a_",
            Node::Purpose(_) => "p_",
            Node::Activity(_) => "v_",
        };
        let _ = writeln!(s, "  {prefix}{}{open}\"{}\"{close}", id(n.id()), n.id());
    }
    for (a, b, e) in g.sorted_edges_nodes() {
        let pa = prefix(&a);
        let pb = prefix(&b);
        let _ = writeln!(
            s,
            "  {pa}{} -->|{}| {pb}{}",
            id(a.id()),
            e.label(),
            id(b.id())
        );
    }
    s
}

/// JSON: `{"nodes": [...], "edges": [...]}`.
pub fn json(g: &Graph) -> String {
    let nodes: Vec<&Node> = g.sorted_nodes();
    let edges: Vec<serde_json::Value> = g
        .sorted_edges()
        .into_iter()
        .map(|(a, b, e)| serde_json::json!({"from": a, "to": b, "kind": e}))
        .collect();
    let v = serde_json::json!({"nodes": nodes, "edges": edges});
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

fn prefix(n: &Node) -> &'static str {
    match n {
        Node::Authority(_) => "a_",
        Node::Purpose(_) => "p_",
        Node::Activity(_) => "v_",
    }
}
