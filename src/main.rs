//! The `authsel` binary: parses the command line and runs it (`cli`). Everything else is the library.

use clap::Parser;
use std::process::ExitCode;

mod cli;

// A decision is hundreds of small strings; mimalloc makes `eval` and `check` about 3x faster than
// the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = cli::Cli::parse();
    // Belt and braces: the library does not panic on any input, but a bug must still not exit 101.
    match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(exit)) => exit.into(),
        Ok(Err(e)) => {
            eprintln!("authsel: {e:#}");
            cli::Exit::Invalid.into()
        }
        Err(_) => {
            eprintln!("authsel: internal error (this is a bug; please report it with the input)");
            cli::Exit::Invalid.into()
        }
    }
}
