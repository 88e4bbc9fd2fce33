//! Cycles in a directed graph given as successor lists (`is`, `includes`, `supersedes`), found in
//! time linear in its nodes and links, without recursion (a chain of any length cannot exhaust the
//! stack).

use super::Work;

/// For each node that lies on a cycle, the first of its links that stays on one (every link
/// between two nodes of one strongly connected component lies on a cycle); `None` for the others.
///
/// Tarjan's algorithm with an explicit stack: each node is entered once and each link followed
/// once, and `work` counts both.
pub(super) fn cycle_links(succ: &[Vec<usize>], work: &mut Work) -> Vec<Option<usize>> {
    let comp = components(succ, work);
    let mut size = vec![0usize; succ.len()];
    for &c in &comp {
        if let Some(s) = size.get_mut(c) {
            *s += 1;
        }
    }
    succ.iter()
        .enumerate()
        .map(|(v, next)| {
            let c = comp.get(v).copied();
            let big = c.and_then(|c| size.get(c)).is_some_and(|&s| s > 1);
            work.add(next.len() + 1);
            next.iter()
                .position(|&w| w == v || (big && comp.get(w).copied() == c))
        })
        .collect()
}

const UNSEEN: usize = usize::MAX;

/// Tarjan's state; `path` is the depth-first path: a node and how many of its links were followed.
struct Tarjan {
    index: Vec<usize>,
    low: Vec<usize>,
    comp: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    path: Vec<(usize, usize)>,
    next_index: usize,
    next_comp: usize,
}

impl Tarjan {
    fn enter(&mut self, v: usize) {
        set(&mut self.index, v, self.next_index);
        set(&mut self.low, v, self.next_index);
        set(&mut self.on_stack, v, true);
        self.next_index += 1;
        self.stack.push(v);
        self.path.push((v, 0));
    }

    /// `v`'s links are all followed: pass its low link up, and close its component if it is a root.
    fn leave(&mut self, v: usize) {
        let lv = self.low.get(v).copied().unwrap_or(0);
        if let Some(&(u, _)) = self.path.last() {
            lower(&mut self.low, u, lv);
        }
        if Some(&lv) == self.index.get(v) {
            while let Some(w) = self.stack.pop() {
                set(&mut self.on_stack, w, false);
                set(&mut self.comp, w, self.next_comp);
                if w == v {
                    break;
                }
            }
            self.next_comp += 1;
        }
    }
}

/// The strongly connected component of every node (numbered in the order they complete).
fn components(succ: &[Vec<usize>], work: &mut Work) -> Vec<usize> {
    let n = succ.len();
    let mut t = Tarjan {
        index: vec![UNSEEN; n],
        low: vec![0; n],
        comp: vec![UNSEEN; n],
        on_stack: vec![false; n],
        stack: Vec::new(),
        path: Vec::new(),
        next_index: 0,
        next_comp: 0,
    };
    for root in 0..n {
        if t.index.get(root) != Some(&UNSEEN) {
            continue;
        }
        t.enter(root);
        while let Some((v, followed)) = t.path.last_mut() {
            let v = *v;
            work.add(1);
            let Some(w) = succ.get(v).and_then(|s| s.get(*followed)).copied() else {
                t.path.pop();
                t.leave(v);
                continue;
            };
            *followed += 1;
            if t.index.get(w) == Some(&UNSEEN) {
                t.enter(w);
            } else if t.on_stack.get(w) == Some(&true) {
                let iw = t.index.get(w).copied().unwrap_or(0);
                lower(&mut t.low, v, iw);
            }
        }
    }
    t.comp
}

fn set<T>(v: &mut [T], i: usize, x: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = x;
    }
}

fn lower(low: &mut [usize], v: usize, to: usize) {
    if let Some(l) = low.get_mut(v) {
        *l = (*l).min(to);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links(succ: &[Vec<usize>]) -> (Vec<Option<usize>>, u64) {
        let mut work = Work::default();
        let l = cycle_links(succ, &mut work);
        (l, work.steps)
    }

    #[test]
    fn finds_the_nodes_on_cycles_and_a_link_that_stays_on_one() {
        // 0 -> 1 -> 2 -> 0, 2 -> 3, 3 -> 3, 4 -> 0
        let succ = vec![vec![1], vec![2], vec![3, 0], vec![3], vec![0]];
        let (l, _) = links(&succ);
        assert_eq!(l, [Some(0), Some(0), Some(1), Some(0), None]);
        let (l, _) = links(&[vec![1, 2], vec![2], vec![]]);
        assert_eq!(l, [None, None, None]);
        // Links out of range are ignored.
        let (l, _) = links(&[vec![7]]);
        assert_eq!(l, [None]);
    }

    #[test]
    fn dense_and_long_graphs_take_linear_work_and_no_recursion() {
        // Every node links to every later one: n^2/2 links, 2^n paths.
        let n = 300;
        let dense: Vec<Vec<usize>> = (0..n).map(|i| (i + 1..n).collect()).collect();
        let links_count: usize = dense.iter().map(Vec::len).sum();
        let (l, steps) = links(&dense);
        assert!(l.iter().all(Option::is_none));
        assert!(steps <= 3 * (n + links_count) as u64, "{steps}");
        // A chain of a million on a small stack, closed into one cycle.
        std::thread::Builder::new()
            .stack_size(64 * 1024)
            .spawn(|| {
                let n = 1_000_000;
                let mut chain: Vec<Vec<usize>> = (0..n).map(|i| vec![i + 1]).collect();
                chain[n - 1] = vec![0];
                let (l, steps) = links(&chain);
                assert!(l.iter().all(|x| *x == Some(0)));
                assert!(steps <= 6 * n as u64, "{steps}");
            })
            .unwrap()
            .join()
            .unwrap();
    }
}
