//! Colour on a terminal: `--color auto|always|never`, `NO_COLOR` honoured. The renderers write
//! plain text; this paints a finished text's headline, section titles and diagnostic levels, so
//! a pipe, a file or a test never sees an escape code unless asked (`--color always`).

use clap::ValueEnum;
use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is not set.
    #[default]
    Auto,
    Always,
    Never,
}

static STDOUT: AtomicBool = AtomicBool::new(false);
static STDERR: AtomicBool = AtomicBool::new(false);
static QUIET: AtomicBool = AtomicBool::new(false);
static NO_PROGRESS: AtomicBool = AtomicBool::new(false);

/// Decides once, at start-up, whether each stream is painted and whether notes are shown.
pub fn init(choice: ColorChoice, quiet: bool, no_progress: bool) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let dumb = std::env::var_os("TERM").is_some_and(|t| t == "dumb");
    let on = |terminal: bool| match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => terminal && !no_color && !dumb,
    };
    STDOUT.store(on(std::io::stdout().is_terminal()), Ordering::Relaxed);
    STDERR.store(on(std::io::stderr().is_terminal()), Ordering::Relaxed);
    QUIET.store(quiet, Ordering::Relaxed);
    NO_PROGRESS.store(quiet || no_progress, Ordering::Relaxed);
}

/// `--no-progress` or `-q`: no progress bar.
pub fn no_progress() -> bool {
    NO_PROGRESS.load(Ordering::Relaxed)
}

/// `-q`: notes (a planner's word read as an id) and progress are not shown.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

const BOLD: &str = "\x1b[1m";
const RED: &str = "\x1b[1;31m";
const GREEN: &str = "\x1b[1;32m";
const YELLOW: &str = "\x1b[1;33m";
const CYAN: &str = "\x1b[36m";
const RESET: &str = "\x1b[0m";

/// The brief decision view, painted for stdout: the verdict line in its colour (green eligible,
/// yellow conditional, red when nothing fits), section titles bold.
pub fn decision(text: &str) -> String {
    if !STDOUT.load(Ordering::Relaxed) {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len() + 64);
    for line in text.split_inclusive('\n') {
        let (body, end) = line.split_at(line.trim_end_matches('\n').len());
        let colour = if body.starts_with("Use ") && body.ends_with(": eligible.") {
            Some(GREEN)
        } else if body.starts_with("Use ") && body.ends_with(": conditional.") {
            Some(YELLOW)
        } else if body == "No authority fits as proposed." {
            Some(RED)
        } else if !body.starts_with(' ') && body.ends_with(':') {
            Some(BOLD)
        } else {
            None
        };
        match colour {
            Some(c) => out.push_str(&format!("{c}{body}{RESET}{end}")),
            None => out.push_str(line),
        }
    }
    out
}

/// A diagnostic's first line, its level painted for stderr (`error` red, `warning` yellow, `info`
/// cyan).
pub fn diagnostic(text: &str) -> String {
    if !STDERR.load(Ordering::Relaxed) {
        return text.to_string();
    }
    for (level, c) in [("error[", RED), ("warning[", YELLOW), ("info[", CYAN)] {
        if let Some(at) = text.find(&format!(": {level}")) {
            let start = at + 2;
            let end = start + level.len() - 1;
            return format!(
                "{}{c}{}{RESET}{}",
                &text[..start],
                &text[start..end],
                &text[end..]
            );
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_only_when_asked_and_keeps_the_text() {
        let text = "P: t\nUse X (n, id): eligible.\n\nDuties, soonest first:\n  - a: b\n";
        init(ColorChoice::Never, false, false);
        assert_eq!(decision(text), text);
        init(ColorChoice::Always, true, false);
        let painted = decision(text);
        assert!(painted.contains("\x1b[1;32mUse X (n, id): eligible.\x1b[0m\n"));
        assert!(painted.contains("\x1b[1mDuties, soonest first:\x1b[0m\n"));
        assert!(quiet() && no_progress());
        // Without its escape codes, the painted text is the text.
        let plain = painted
            .replace(BOLD, "")
            .replace(GREEN, "")
            .replace(RESET, "");
        assert_eq!(plain, text);
        let d = diagnostic("p.ron:1:2: error[E0202]: unknown purpose `x`");
        assert_eq!(
            d,
            "p.ron:1:2: \x1b[1;31merror\x1b[0m[E0202]: unknown purpose `x`"
        );
        init(ColorChoice::Never, false, false);
    }
}
