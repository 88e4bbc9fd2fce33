//! `authsel completions SHELL` and `authsel man`: both generated from the clap definition itself.

use super::io::emit;
use super::{Cli, Exit};
use anyhow::Result;
use clap::{Args, CommandFactory, ValueEnum};

#[derive(Clone, Copy, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete in; e.g. `authsel completions bash > ~/.local/share/bash-completion/completions/authsel`.
    shell: ShellArg,
}

pub fn completions(args: CompletionsArgs) -> Result<Exit> {
    use clap_complete::Shell;
    let shell = match args.shell {
        ShellArg::Bash => Shell::Bash,
        ShellArg::Zsh => Shell::Zsh,
        ShellArg::Fish => Shell::Fish,
        ShellArg::Powershell => Shell::PowerShell,
    };
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "authsel", &mut out);
    emit(&String::from_utf8_lossy(&out));
    Ok(Exit::Done)
}

/// The manual page (roff), e.g. `authsel man > authsel.1 && man ./authsel.1`.
pub fn man() -> Result<Exit> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out)?;
    emit(&String::from_utf8_lossy(&out));
    Ok(Exit::Done)
}
