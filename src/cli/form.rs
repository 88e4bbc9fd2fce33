//! `authsel new` (a proposal template) and `authsel schema` (its JSON Schema).

use super::io::{emit, emit_json, errln, load_rules};
use super::Exit;
use anyhow::Result;
use authsel::tools::form;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct NewArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Write the template to FILE (never over an existing file) instead of standard output.
    file: Option<PathBuf>,
}

#[derive(Args)]
pub struct SchemaArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
}

pub fn new(args: NewArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let text = form::template(&rb);
    let Some(path) = args.file else {
        emit(&text);
        return Ok(Exit::Done);
    };
    if path.exists() {
        errln!(
            "authsel: `{}` already exists; authsel new never replaces a file: choose another name",
            path.display()
        );
        return Ok(Exit::Invalid);
    }
    if let Err(e) = authsel::batch::write_atomically(&path, |w| w.write_all(text.as_bytes())) {
        errln!("authsel: cannot write `{}`: {e}", path.display());
        return Ok(Exit::Invalid);
    }
    errln!(
        "authsel: wrote {}; edit it, then `authsel eval {}`",
        path.display(),
        path.display()
    );
    Ok(Exit::Done)
}

pub fn schema(args: SchemaArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    emit_json(&format!("{:#}\n", form::schema(&rb)));
    Ok(Exit::Done)
}
