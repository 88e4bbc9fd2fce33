//! What a user hands authsel besides the rules: proposals, ledgers, and the files they sit in.

pub(crate) mod check;
pub mod digest;
pub mod files;
pub mod limits;
pub(crate) mod outline;
mod plain;
pub(crate) mod problem;
pub mod proposal;
pub(crate) mod serves;
