//! Proposal + rule base -> Decision: candidates assessed (three-valued findings), cures planned and
//! verified, candidates ranked. Pure: no I/O, no clock.

pub mod assess;
pub mod cure;
pub(crate) mod decision;
