//! The `authsel` binary: parses the command line and runs it (`cli`). Everything else is the library.

use std::process::ExitCode;

mod cli;

// A decision is hundreds of small strings; mimalloc makes `eval` and `check` about 3x faster than
// the system allocator (docs/performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match cli::parse() {
        Ok(args) => args,
        Err(e) => return cli::usage(&e).into(),
    };
    // Belt and braces: the library does not panic on any input, but a bug must still not exit 101.
    let exit = match std::panic::catch_unwind(|| cli::run(args)) {
        Ok(Ok(exit)) => exit,
        Ok(Err(e)) => {
            cli::io::eprint(&format!("authsel: {e:#}\n"));
            cli::Exit::Invalid
        }
        Err(_) => {
            cli::io::eprint(
                "authsel: internal error (this is a bug; please report it with the input)\n",
            );
            cli::Exit::Invalid
        }
    };
    exit.into()
}
