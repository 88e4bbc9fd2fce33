//! `authsel serve`: the planner's workbench in the browser (`authsel::serve`). This file only
//! loads the rule base and the ledger, binds the address, says where it listens and hands over.

use super::io::{errln, load_rules_and_ledger, outln};
use super::Exit;
use anyhow::{Context, Result};
use clap::Args;
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on; loopback unless you say otherwise (port 0: any free port).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Rule directory (default: the built-in rule base, or $AUTHSEL_RULES).
    #[arg(long, env = "AUTHSEL_RULES", value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Amounts already committed against per-fiscal-year ceilings.
    #[arg(long)]
    ledger: Option<PathBuf>,
    /// Worker threads (default: one per core).
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=256))]
    threads: Option<u16>,
}

pub fn run(args: ServeArgs) -> Result<Exit> {
    let (rb, ledger) = match load_rules_and_ledger(args.rules.as_deref(), args.ledger.as_deref()) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(e),
    };
    let listener = std::net::TcpListener::bind(args.addr)
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    let addr = listener.local_addr().context("the listening address")?;
    if !addr.ip().is_loopback() {
        errln!("authsel: serving on {addr}, which is not a loopback address: other machines can reach it");
    }
    outln!("authsel workbench on http://{addr}/");
    let threads = args.threads.map_or_else(
        || std::thread::available_parallelism().map_or(2, |n| n.get()),
        usize::from,
    );
    let wb = authsel::serve::Workbench::new(rb, ledger).with_log(|line| errln!("{line}"));
    authsel::serve::run(listener, wb, threads)?;
    Ok(Exit::Done)
}
