//! Rule text to checked model. Never panics on any input: syntax (spans, recovery), the syntax
//! tree, the checker (names, types, cycles), the formatter and the linter.

pub mod ast;
pub mod check;
pub mod fmt;
pub mod limits;
pub mod lint;
pub mod locate;
pub mod source;
pub mod syntax;
