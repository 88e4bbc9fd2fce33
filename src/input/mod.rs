//! What a user hands authsel besides the rules: proposals, ledgers, and the files they sit in.

pub mod files;
pub mod proposal;
