//! Pictures drawn by the server as SVG text: the authority graph and the fiscal-year ceilings of a
//! batch. Invariant: drawing only. Every number and id comes from the rule base's graph or the
//! batch report, every label goes through `html::escape`, and the page loads no script or font to
//! draw them.

use super::html::escape;
use crate::batch::CeilingUse;
use crate::model::graph::{AuthorityGraph, Edge, Node};
use crate::model::Usd;
use std::collections::HashMap;
use std::fmt::Write;

const ROW: usize = 22;
const COL: [usize; 3] = [10, 330, 650];
const BOX: usize = 250;

/// The authority graph in three columns (purposes, authorities, activities); an authority's
/// `serves` and `provides` edges are lines to its purposes and activities, `is_a` and
/// `supersedes` are dashed arcs within a column. Each authority links to its handbook page.
pub fn graph(g: &AuthorityGraph) -> String {
    let mut cols: [Vec<&Node>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for n in g.graph.node_weights() {
        if let Some(c) = cols.get_mut(column(n)) {
            c.push(n);
        }
    }
    for c in &mut cols {
        c.sort_by(|a, b| a.id().cmp(b.id()));
    }
    let mut at: HashMap<&Node, (usize, usize)> = HashMap::new();
    for (x, c) in COL.iter().zip(&cols) {
        for (j, n) in c.iter().enumerate() {
            at.insert(n, (*x, 40 + j * ROW));
        }
    }
    let rows = cols.iter().map(Vec::len).max().unwrap_or(0);
    let (w, h) = (COL[2] + BOX + 10, 50 + rows * ROW);
    let mut s = String::with_capacity(64 * 1024);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"graph-title\">\
         <title id=\"graph-title\">Authority graph: purposes served, authorities, activities provided</title>\
         <text x=\"{}\" y=\"20\" class=\"head\">purposes</text><text x=\"{}\" y=\"20\" class=\"head\">authorities</text><text x=\"{}\" y=\"20\" class=\"head\">activities</text>",
        COL[0], COL[1], COL[2]
    );
    edges(&mut s, g, &at);
    for (n, (x, y)) in &at {
        let id = escape(n.id());
        match n {
            Node::Authority(_) => {
                let _ = write!(
                    s,
                    "<a href=\"/authorities/{id}\"><text x=\"{}\" y=\"{}\" class=\"n-authority\">{id}</text></a>",
                    x + 6,
                    y + 9
                );
            }
            _ => {
                let _ = write!(
                    s,
                    "<text x=\"{}\" y=\"{}\" class=\"n-{}\">{id}</text>",
                    x + 6,
                    y + 9,
                    kind_name(n)
                );
            }
        }
    }
    s.push_str("</svg>");
    s
}

/// The edges, drawn under the labels.
fn edges(s: &mut String, g: &AuthorityGraph, at: &HashMap<&Node, (usize, usize)>) {
    for e in g.graph.edge_indices() {
        let (Some((a, b)), Some(kind)) = (g.graph.edge_endpoints(e), g.graph.edge_weight(e)) else {
            continue;
        };
        let (Some(&(ax, ay)), Some(&(bx, by))) = (
            g.graph.node_weight(a).and_then(|n| at.get(n)),
            g.graph.node_weight(b).and_then(|n| at.get(n)),
        ) else {
            continue;
        };
        let (ay, by) = (ay + 5, by + 5);
        match kind {
            Edge::Serves => {
                let _ = write!(
                    s,
                    "<line class=\"e-serves\" x1=\"{ax}\" y1=\"{ay}\" x2=\"{}\" y2=\"{by}\"/>",
                    bx + BOX
                );
            }
            Edge::Provides => {
                let _ = write!(
                    s,
                    "<line class=\"e-provides\" x1=\"{}\" y1=\"{ay}\" x2=\"{bx}\" y2=\"{by}\"/>",
                    ax + BOX
                );
            }
            Edge::IsA | Edge::Supersedes => {
                let bend = ax.saturating_sub(8 + ay.abs_diff(by) / 6);
                let _ =
                    write!(
                    s,
                    "<path class=\"e-{}\" d=\"M{ax} {ay} C{bend} {ay} {bend} {by} {bx} {by}\"/>",
                    if *kind == Edge::IsA { "isa" } else { "supersedes" }
                );
            }
        }
    }
}

fn column(n: &Node) -> usize {
    match n {
        Node::Purpose(_) => 0,
        Node::Authority(_) => 1,
        Node::Activity(_) => 2,
    }
}

fn kind_name(n: &Node) -> &'static str {
    match n {
        Node::Purpose(_) => "purpose",
        Node::Authority(_) => "authority",
        Node::Activity(_) => "activity",
    }
}

const BAR: usize = 420;
const LABEL: usize = 300;

/// One horizontal bar per ceiling: the ledger's committed amount, then the batch's proposals, on a
/// scale where the limit is a vertical mark; a ceiling over its limit is drawn in the over colour
/// with the proposal that crossed it named.
pub fn ceilings(uses: &[CeilingUse]) -> String {
    let h = 30 + uses.len() * 44;
    let w = LABEL + BAR + 280;
    let mut s = String::with_capacity(1024 + uses.len() * 600);
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-labelledby=\"chart-title\">\
         <title id=\"chart-title\">Fiscal-year ceilings: committed and proposed against each limit</title>\
         <text x=\"0\" y=\"16\" class=\"head\">ceiling</text><text x=\"{LABEL}\" y=\"16\" class=\"head\">ledger (dark), this batch (light), limit (mark)</text>"
    );
    for (i, c) in uses.iter().enumerate() {
        let y = 30 + i * 44;
        let total = c.total_usd.unwrap_or(u64::MAX);
        let scale = total.max(c.limit_usd).max(1);
        let px = |v: u64| -> usize {
            let v = u128::from(v.min(scale)) * BAR as u128 / u128::from(scale);
            usize::try_from(v).unwrap_or(BAR)
        };
        let committed = c.committed_usd.unwrap_or(u64::MAX);
        let (cw, tw, lx) = (px(committed), px(total), LABEL + px(c.limit_usd));
        let state = if c.over { "over" } else { "ok" };
        let _ = write!(
            s,
            "<g class=\"ceiling {state}\"><text x=\"0\" y=\"{}\">{} {} {}</text>\
             <rect class=\"committed\" x=\"{LABEL}\" y=\"{y}\" width=\"{cw}\" height=\"18\"/>\
             <rect class=\"proposed\" x=\"{}\" y=\"{y}\" width=\"{}\" height=\"18\"/>\
             <line class=\"limit\" x1=\"{lx}\" y1=\"{}\" x2=\"{lx}\" y2=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{} of {}{}</text>",
            y + 13,
            escape(&c.authority),
            c.fiscal_year,
            escape(&c.ceiling),
            LABEL + cw,
            tw.saturating_sub(cw),
            y.saturating_sub(3),
            y + 21,
            LABEL + BAR + 8,
            y + 13,
            c.total_usd
                .map_or_else(|| "overflow".to_string(), |t| Usd(t).to_string()),
            Usd(c.limit_usd),
            if c.over { " OVER" } else { "" },
        );
        if let Some(x) = &c.crossed_by {
            let _ = write!(
                s,
                "<text class=\"crossed\" x=\"{LABEL}\" y=\"{}\">crossed by {}</text>",
                y + 34,
                escape(&x.proposal)
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuleBase;

    #[test]
    fn the_graph_has_every_authority_as_a_link() {
        let rb = RuleBase::builtin();
        let svg = graph(&rb.graph);
        for a in &rb.authorities {
            assert!(svg.contains(&format!("href=\"/authorities/{}\"", a.id)));
        }
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
