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
    /// Ask for each field in turn (choices shown, each answer checked) instead of writing the
    /// commented template; questions on standard error, answers from standard input.
    #[arg(long)]
    ask: bool,
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
    // Checked before the questions, so no answer is asked for nothing, and again before the write.
    if args.file.as_deref().is_some_and(taken) {
        return Ok(Exit::Invalid);
    }
    let text = if args.ask {
        match authsel::tools::interview::interview(&rb, &mut ask) {
            Ok(text) => text,
            Err(e) => {
                errln!("authsel: {e}");
                return Ok(Exit::Invalid);
            }
        }
    } else {
        form::template(&rb)
    };
    let Some(path) = args.file else {
        emit(&text);
        return Ok(Exit::Done);
    };
    if taken(&path) {
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

/// Whether `path` exists (said on standard error): `new` never replaces a file.
fn taken(path: &std::path::Path) -> bool {
    let exists = path.exists();
    if exists {
        errln!(
            "authsel: `{}` already exists; authsel new never replaces a file: choose another name",
            path.display()
        );
    }
    exists
}

/// One question on standard error, its answer from a line of standard input (`None` at its end).
fn ask(p: &authsel::tools::interview::Prompt) -> Option<String> {
    use std::io::BufRead;
    if let Some(why) = &p.refused {
        errln!("  {why}");
    }
    errln!("{}: {}", p.field, p.question);
    if !p.choices.is_empty() {
        errln!("  choices: {}", p.choices.join(", "));
    }
    super::io::eprint(if p.optional {
        "(blank to skip) > "
    } else {
        "> "
    });
    let mut line = String::new();
    match std::io::stdin().lock().read_line(&mut line) {
        Ok(0) | Err(_) => None,
        Ok(_) => Some(line.trim_end_matches(['\n', '\r']).to_string()),
    }
}

pub fn schema(args: SchemaArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    emit_json(&format!("{:#}\n", form::schema(&rb)));
    Ok(Exit::Done)
}
