//! Helpers shared by the modules that drive the binary.

use std::process::{Command, Output};

/// Runs the built `authsel` binary from the project root.
pub fn authsel(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_authsel"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("run authsel")
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}
