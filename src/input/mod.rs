//! What a user hands authsel besides the rules: proposals, ledgers, and the files they sit in.

pub mod check;
pub mod digest;
pub mod files;
pub mod limits;
pub mod outline;
pub mod problem;
pub mod proposal;
