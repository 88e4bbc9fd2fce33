//! What every subcommand shares: stdout, diagnostics on stderr, loading the rules and the ledger,
//! reading the proposal files.

use super::Exit;
use authsel::input::files::{collect, read_text};
use authsel::{Diagnostic, Ledger, LoadError, RuleBase};
use std::io::Write;
use std::path::{Path, PathBuf};

/// `println!` through `emit`.
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::io::emit(&format!("{}\n", format_args!($($t)*))) };
}
pub(crate) use outln;

/// Writes to stdout; a closed pipe (`authsel ... | head`) ends output quietly instead of panicking.
pub fn emit(s: &str) {
    let mut out = std::io::stdout().lock();
    if out
        .write_all(s.as_bytes())
        .and_then(|()| out.flush())
        .is_err()
    {
        std::process::exit(0);
    }
}

pub fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        eprint!("{d}");
    }
}

/// Loads the rule base (`--rules DIR` or the built-in one), printing diagnostics; `Err` is exit 2.
pub fn load_rules(dir: Option<&Path>) -> Result<RuleBase, Exit> {
    let r = match dir {
        Some(d) => RuleBase::load(d),
        None => RuleBase::try_builtin(),
    };
    r.map_err(|e| {
        match e {
            LoadError::Invalid(diags) => {
                print_diags(&diags);
                eprintln!(
                    "authsel: {} error(s) in the rule files",
                    diags.iter().filter(|d| d.is_error()).count()
                );
            }
            e => eprintln!("authsel: {e}"),
        }
        Exit::Invalid
    })
}

/// Reads and checks `--ledger FILE` if given, printing its diagnostics on failure (exit 2).
pub fn load_ledger(rb: &RuleBase, path: Option<&Path>) -> Result<Option<Ledger>, Exit> {
    let Some(path) = path else { return Ok(None) };
    let name = path.display().to_string();
    read_text(path)
        .map_err(|d| vec![d])
        .and_then(|t| rb.read_ledger(&name, &t))
        .map(Some)
        .map_err(|d| {
            print_diags(&d);
            Exit::Invalid
        })
}

/// Calls `each` with the name and text of every file under `paths` (directories walked for
/// `*.ron`), in sorted order, one at a time; `each` says whether the file was invalid. Problems are
/// printed and never hide the other files; returns whether there were any.
pub fn each_input(paths: &[PathBuf], mut each: impl FnMut(&str, &str) -> bool) -> bool {
    let (files, diags) = collect(paths);
    print_diags(&diags);
    let mut bad = !diags.is_empty();
    for f in files {
        match read_text(&f) {
            Ok(t) => bad |= each(&f.display().to_string(), &t),
            Err(d) => {
                print_diags(&[d]);
                bad = true;
            }
        }
    }
    bad
}
