//! Rule maintainers' tools: regression cases, coverage, rule-base diffs, the proposal generator.

pub mod cases;
pub mod coverage;
pub mod diff;
pub mod form;
pub mod gen;
pub mod interview;
mod rng;
pub mod vocab;
