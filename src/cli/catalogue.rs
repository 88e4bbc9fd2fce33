//! The read-only views of the rule base: `authorities`, `show`, `docs`, `graph`.

use super::io::{emit, emit_json, errln, load_rules, outln};
use super::{format, Exit};
use anyhow::Result;
use authsel::model::names::Named;
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
    /// Also say whether it was in force on this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    as_of: Option<jiff::civil::Date>,
    /// An authority, program or restriction: its id or a name planners use ("GPOI", "1206",
    /// "Denton").
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
    let name = &args.authority;
    let Some(named) = rb.resolve(name) else {
        errln!(
            "authsel: unknown authority or program `{name}`{}",
            hint(&rb, name)
        );
        return Ok(Exit::Invalid);
    };
    let json = args.format == Format::Json;
    let pretty = |v: &dyn erased::Show| -> Result<String> { Ok(format!("{}\n", v.pretty()?)) };
    let (text, dates) = match named {
        Named::Restriction(id) => {
            let Some(r) = rb.restrictions.get(id) else {
                return Ok(Exit::Invalid);
            };
            let text = if json {
                pretty(r)?
            } else {
                human::restriction(&rb, r)
            };
            (text, None)
        }
        Named::Program(id) => {
            let Some(p) = rb.program(id) else {
                return Ok(Exit::Invalid);
            };
            let text = if json {
                pretty(p)?
            } else {
                human::program(&rb, p)
            };
            (text, Some(human::InForce::of_program(p)))
        }
        Named::Authority(id) => {
            let Some(a) = rb.authority(id) else {
                return Ok(Exit::Invalid);
            };
            let text = if json {
                pretty(a)?
            } else {
                human::authority(&rb, a)
            };
            (text, Some(human::InForce::of_authority(a)))
        }
    };
    if json {
        emit_json(&text);
        return Ok(Exit::Done);
    }
    if !named.id().eq_ignore_ascii_case(name) {
        outln!("\"{name}\" is a name for `{}`.\n", named.id());
    }
    emit(&text);
    if let (Some(date), Some(status)) = (args.as_of, dates) {
        outln!("  on {date}: {}", status.on(date));
    }
    Ok(Exit::Done)
}

/// Pretty JSON of any of the three kinds of entry `show` prints.
mod erased {
    pub(super) trait Show {
        fn pretty(&self) -> serde_json::Result<String>;
    }
    impl<T: serde::Serialize> Show for T {
        fn pretty(&self) -> serde_json::Result<String> {
            serde_json::to_string_pretty(self)
        }
    }
}

pub fn programs(args: AuthoritiesArgs) -> Result<Exit> {
    let rb = match load_rules(args.rules.as_deref()) {
        Ok(rb) => rb,
        Err(e) => return Ok(e),
    };
    match args.format {
        Format::Json => emit_json(&format!("{}\n", json::programs(&rb))),
        _ => emit(&human::programs(&rb)),
    }
    Ok(Exit::Done)
}

/// ` (did you mean `x`?)` over every id and name, or nothing.
fn hint(rb: &RuleBase, name: &str) -> String {
    rb.closest_name(name)
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
