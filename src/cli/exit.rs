//! Exit codes, one enum: 0 done, 1 ran and found something, 2 bad usage or invalid input.

use std::process::ExitCode;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exit {
    /// Ran; nothing to report.
    Done,
    /// Ran and found something: no fitting authority, a failed case, a lint error, a change.
    Found,
    /// Bad usage or invalid input (it wins over `Found`: the answer is incomplete).
    Invalid,
}

impl Exit {
    /// The exit for a run that saw `invalid` input and `found` something.
    pub fn of(invalid: bool, found: bool) -> Exit {
        if invalid {
            Exit::Invalid
        } else if found {
            Exit::Found
        } else {
            Exit::Done
        }
    }

    pub fn code(self) -> u8 {
        match self {
            Exit::Done => 0,
            Exit::Found => 1,
            Exit::Invalid => 2,
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(e: Exit) -> ExitCode {
        ExitCode::from(e.code())
    }
}
