//! `authsel fmt`: rule files in the canonical layout, comments kept.

use super::io::{eprint, errln, outln, print_diags};
use super::Exit;
use authsel::input::files::read_text;
use authsel::lang::fmt::{format_source, unformatted};
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct FmtArgs {
    /// Do not write; list the files that are not formatted and exit 1 if any.
    #[arg(long)]
    check: bool,
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

/// What became of one file.
enum Outcome {
    Formatted,
    Unformatted,
    Invalid,
}

pub fn run(args: FmtArgs) -> Exit {
    let (mut bad, mut unformatted) = (false, false);
    for path in &args.files {
        match one(path, args.check) {
            Outcome::Formatted => {}
            Outcome::Unformatted => unformatted = true,
            Outcome::Invalid => bad = true,
        }
    }
    Exit::of(bad, unformatted)
}

fn one(path: &Path, check: bool) -> Outcome {
    let name = path.display().to_string();
    let text = match read_text(path) {
        Ok(t) => t,
        Err(d) => {
            print_diags(&[d]);
            return Outcome::Invalid;
        }
    };
    let out = match format_source(&name, &text) {
        Ok(o) => o,
        Err(d) => {
            print_diags(&d);
            return Outcome::Invalid;
        }
    };
    if out == text {
        return Outcome::Formatted;
    }
    if check {
        eprint(&unformatted(&name, &text, &out).to_string());
        outln!("{name}");
        return Outcome::Unformatted;
    }
    if let Err(e) = std::fs::write(path, &out) {
        errln!("authsel: cannot write {name}: {e}");
        return Outcome::Invalid;
    }
    outln!("formatted {name}");
    Outcome::Formatted
}
