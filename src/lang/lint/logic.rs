//! The logic behind the contradiction and shadowing lints: conditions as formulas in negation
//! normal form over atoms, what a branch's atoms allow, and a bounded search.

use crate::lang::ast::{CmpOp, LitKind};
use std::collections::{BTreeMap, BTreeSet};

/// A literal of a discrete type as a set element.
pub(super) fn disc(k: &LitKind) -> String {
    match k {
        LitKind::Bool(b) => format!("b:{b}"),
        LitKind::Str(s) => format!("s:{s}"),
        LitKind::Word(w) => format!("w:{w}"),
        other => match number(other) {
            Some((n, _)) => format!("n:{n}"),
            None => String::new(),
        },
    }
}

/// An ordered literal as an integer, with the least value of its type. Every ordered type is
/// discrete (whole dollars, months, days, calendar days, integers).
pub(super) fn number(k: &LitKind) -> Option<(i128, i128)> {
    Some(match k {
        LitKind::Usd(v) => (i128::from(*v), 0),
        LitKind::Months(v) | LitKind::Days(v) => (i128::from(*v), 0),
        LitKind::Int(v) => (i128::from(*v), i128::MIN / 2),
        LitKind::Date(d) => (
            days_from_civil(
                i64::from(d.year()),
                i64::from(d.month()),
                i64::from(d.day()),
            ),
            i128::MIN / 2,
        ),
        _ => return None,
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i128 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    i128::from(era * 146_097 + doe - 719_468)
}

pub(super) fn mirror(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Gt,
        CmpOp::Le => CmpOp::Ge,
        CmpOp::Gt => CmpOp::Lt,
        CmpOp::Ge => CmpOp::Le,
        o => o,
    }
}

pub(super) fn negate(op: CmpOp) -> CmpOp {
    match op {
        CmpOp::Lt => CmpOp::Ge,
        CmpOp::Le => CmpOp::Gt,
        CmpOp::Gt => CmpOp::Le,
        CmpOp::Ge => CmpOp::Lt,
        CmpOp::Eq => CmpOp::Ne,
        CmpOp::Ne => CmpOp::Eq,
    }
}

/// A condition in negation normal form.
#[derive(Debug, Clone)]
pub(super) enum F {
    And(Vec<F>),
    Or(Vec<F>),
    Atom(Atom),
    Const(bool),
}

#[derive(Debug, Clone)]
pub(super) struct Atom {
    pub(super) key: String,
    pub(super) c: Constraint,
    /// The source text, for messages.
    pub(super) text: String,
}

#[derive(Debug, Clone)]
pub(super) enum Constraint {
    /// The operand lies in `[lo, hi]`.
    Range(i128, i128),
    /// The operand is not this value (the second number is the type's least value).
    NotPoint(i128, i128),
    /// The operand is in the set (or, with `true`, not in it).
    Set(BTreeSet<String>, bool),
}

impl Atom {
    pub(super) fn set(key: String, set: BTreeSet<String>, negated: bool, text: String) -> Atom {
        Atom {
            key: format!("d:{key}"),
            c: Constraint::Set(set, negated),
            text,
        }
    }
    /// An opaque proposition, true or false.
    pub(super) fn flag(key: String, value: bool, text: String) -> Atom {
        Atom::set(
            format!("?{key}"),
            ["b:true".to_string()].into(),
            !value,
            text,
        )
    }
}

/// What the atoms of one branch say about each operand.
#[derive(Debug, Clone, Default)]
pub(super) struct Store {
    num: BTreeMap<String, (i128, i128, BTreeSet<i128>)>,
    disc: BTreeMap<String, (Option<BTreeSet<String>>, BTreeSet<String>)>,
    /// About what copying it costs: one per atom added, plus its set's size.
    weight: u64,
}

impl Store {
    /// Adds an atom; false when the operand has no value left.
    pub(super) fn add(&mut self, a: &Atom) -> bool {
        self.weight += 1 + match &a.c {
            Constraint::Set(s, _) => s.len() as u64,
            _ => 0,
        };
        match &a.c {
            Constraint::Range(lo, hi) => {
                let e = self.num.entry(a.key.clone()).or_insert((
                    i128::MIN,
                    i128::MAX,
                    BTreeSet::new(),
                ));
                e.0 = e.0.max(*lo);
                e.1 = e.1.min(*hi);
                num_ok(e)
            }
            Constraint::NotPoint(p, floor) => {
                let e = self.num.entry(a.key.clone()).or_insert((
                    i128::MIN,
                    i128::MAX,
                    BTreeSet::new(),
                ));
                e.0 = e.0.max(*floor);
                e.2.insert(*p);
                num_ok(e)
            }
            Constraint::Set(s, negated) => {
                let e = self.disc.entry(a.key.clone()).or_default();
                if *negated {
                    e.1.extend(s.iter().cloned());
                } else {
                    e.0 = Some(match e.0.take() {
                        Some(cur) => cur.intersection(s).cloned().collect(),
                        None => s.clone(),
                    });
                }
                // A bool has two values: excluding both leaves none.
                let bool_gone = e.1.contains("b:true") && e.1.contains("b:false");
                !bool_gone
                    && e.0
                        .as_ref()
                        .is_none_or(|al| al.iter().any(|v| !e.1.contains(v)))
            }
        }
    }
}

fn num_ok(e: &(i128, i128, BTreeSet<i128>)) -> bool {
    let (lo, hi, out) = e;
    if lo > hi {
        return false;
    }
    let excluded = out.iter().filter(|p| *p >= lo && *p <= hi).count();
    // Only a small interval can be used up by excluded points.
    hi.saturating_sub(*lo) >= i128::try_from(excluded).unwrap_or(i128::MAX)
}

/// Can the conjunction of `fs` hold? Decides exactly within a search of 10,000 branches, and
/// within what is left of the run's `budget` (each branch costs what it copies); "yes" beyond.
pub(super) fn satisfiable(fs: &[&F], budget: &mut u64) -> bool {
    let mut branches = 10_000usize;
    search(fs.to_vec(), &mut branches, budget)
}

/// What a branch reached: it holds, it fails, or it must choose among the disjuncts of an `or`.
enum Step<'f> {
    Holds,
    Fails,
    Choose(Vec<&'f F>, Store, &'f [F]),
}

/// Follows one branch (a stack of formulas to satisfy, what its atoms allow so far) until it holds,
/// fails, or meets an `or`.
fn follow<'f>(mut stack: Vec<&'f F>, mut store: Store) -> Step<'f> {
    while let Some(f) = stack.pop() {
        match f {
            F::Const(true) => {}
            F::Const(false) => return Step::Fails,
            F::Atom(a) => {
                if !store.add(a) {
                    return Step::Fails;
                }
            }
            F::And(xs) => stack.extend(xs.iter()),
            F::Or(xs) => return Step::Choose(stack, store, xs),
        }
    }
    Step::Holds
}

/// Depth-first over the choices, first disjunct first, with an explicit stack (no recursion): one
/// branch counts against `branches` each time it is entered, as before, and against `budget` by
/// the formulas and atoms it copies.
fn search(start: Vec<&F>, branches: &mut usize, budget: &mut u64) -> bool {
    // Open choices: the branch's stack and store, its disjuncts, and the next one to try.
    let mut open: Vec<(Vec<&F>, Store, &[F], usize)> = Vec::new();
    let mut next: Option<(Vec<&F>, Store)> = Some((start, Store::default()));
    loop {
        if let Some((stack, store)) = next.take() {
            let cost = 1 + stack.len() as u64 + store.weight;
            if *branches == 0 || *budget < cost {
                return true;
            }
            *branches -= 1;
            *budget -= cost;
            match follow(stack, store) {
                Step::Holds => return true,
                Step::Fails => {}
                Step::Choose(stack, store, xs) => open.push((stack, store, xs, 0)),
            }
        }
        let Some((stack, store, xs, tried)) = open.last_mut() else {
            return false;
        };
        match xs.get(*tried) {
            Some(x) => {
                *tried += 1;
                let mut s = stack.clone();
                s.push(x);
                next = Some((s, store.clone()));
            }
            None => {
                open.pop();
            }
        }
    }
}
