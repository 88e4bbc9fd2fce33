//! Rule text to checked model. Never panics on any input: syntax (spans, recovery), the syntax
//! tree, the checker (names, types, cycles), the formatter and the linter.

pub(crate) mod ast;
pub(crate) mod check;
pub mod fmt;
pub mod limits;
pub mod lint;
pub(crate) mod locate;
pub(crate) mod source;
pub(crate) mod syntax;

/// The syntax pass alone (the formatter's property tests compare trees) and the checker with the
/// work it took (the limit tests hold it linear).
pub use check::{check_counted, Work};
pub use syntax::parse_file;
