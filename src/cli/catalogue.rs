//! The read-only views of the rule base: `authorities`, `show`, `docs`, `graph`.

use super::io::{emit, emit_json, errln, load_rules};
use super::{format, Exit};
use anyhow::Result;
use authsel::render::{graph, handbook, human, json, Format};
use authsel::tools::vocab::Section;
use authsel::RuleBase;
use clap::builder::PossibleValuesParser;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct AuthoritiesArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_parser = format::LIST, default_value = "human")]
    format: Format,
}

#[derive(Args)]
pub struct ShowArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_parser = format::LIST, default_value = "human")]
    format: Format,
    authority: String,
}

#[derive(Args)]
pub struct VocabArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_parser = format::LIST, default_value = "human")]
    format: Format,
    /// One section (default: all of them).
    #[arg(value_parser = PossibleValuesParser::new(Section::ALL.map(Section::name)))]
    section: Option<String>,
}

#[derive(Args)]
pub struct DocsArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Args)]
pub struct GraphArgs {
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_parser = format::GRAPH, default_value = "dot")]
    format: Format,
}

pub fn authorities(args: AuthoritiesArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    match args.format {
        Format::Json => emit_json(&format!("{}\n", json::authorities(&rb))),
        _ => emit(&human::authorities(&rb)),
    }
    Ok(Exit::Done)
}

pub fn show(args: ShowArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let id = &args.authority;
    if let Some(r) = rb.restrictions.get(id) {
        match args.format {
            Format::Json => emit_json(&format!("{}\n", serde_json::to_string_pretty(r)?)),
            _ => emit(&human::restriction(&rb, r)),
        }
        return Ok(Exit::Done);
    }
    let Some(a) = rb.authority(id) else {
        errln!("authsel: unknown authority `{id}`{}", hint(&rb, id));
        return Ok(Exit::Invalid);
    };
    match args.format {
        Format::Json => emit_json(&format!("{}\n", serde_json::to_string_pretty(a)?)),
        _ => emit(&human::authority(a)),
    }
    Ok(Exit::Done)
}

/// ` (did you mean `x`?)` over authority and restriction ids, or nothing.
fn hint(rb: &RuleBase, id: &str) -> String {
    let ids = rb
        .authorities
        .iter()
        .map(|a| a.id.as_str())
        .chain(rb.restrictions.keys().map(String::as_str));
    authsel::diagnostic::did_you_mean(id, ids)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default()
}

pub fn docs(args: DocsArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    emit(&handbook::render(&rb));
    Ok(Exit::Done)
}

pub fn graph(args: GraphArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    match args.format {
        Format::Mermaid => emit(&graph::mermaid(&rb.graph)),
        Format::Json => emit_json(&format!("{}\n", graph::json(&rb.graph))),
        _ => emit(&graph::dot(&rb.graph)),
    }
    Ok(Exit::Done)
}

pub fn vocab(args: VocabArgs) -> Result<Exit> {
    use authsel::tools::vocab::entries;
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    let chosen = Section::ALL
        .into_iter()
        .filter(|s| args.section.as_deref().is_none_or(|n| n == s.name()));
    let listed: Vec<_> = chosen.map(|s| (s, entries(&rb, s))).collect();
    match args.format {
        Format::Json => emit_json(&format!("{}\n", json::vocab(&listed))),
        _ => emit(&human::vocab(&listed, super::io::width())),
    }
    Ok(Exit::Done)
}
