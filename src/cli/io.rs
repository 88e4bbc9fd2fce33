//! What every subcommand shares: standard output and standard error (control characters escaped,
//! write errors reported), loading the rules and the ledger, reading the proposal files.
//!
//! Everything printed goes through [`emit`] (stdout) or [`eprint`] (stderr), or through a writer
//! wrapped in [`Escaped`] over [`Stdout`] (`check`'s streamed report), so no byte of user text
//! reaches a terminal raw, and no write error is lost (docs/limits.md).

use super::Exit;
use authsel::input::files::{collect, read_text};
use authsel::render::scan;
use authsel::{Diagnostic, Ledger, LoadError, RuleBase};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

/// `println!` through `emit`.
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::io::emit(&format!("{}\n", format_args!($($t)*))) };
}
pub(crate) use outln;

/// `eprintln!` through `eprint`: control characters escaped, and never a panic.
macro_rules! errln {
    ($($t:tt)*) => { $crate::cli::io::eprint(&format!("{}\n", format_args!($($t)*))) };
}
pub(crate) use errln;

/// Standard output takes writes.
const OPEN: u8 = 0;
/// The reader went away (`authsel ... | head`): the rest of the output is dropped quietly.
const CLOSED: u8 = 1;
/// A write failed otherwise (a full disk, an I/O error): reported once; the run exits 2.
const FAILED: u8 = 2;
static STDOUT: AtomicU8 = AtomicU8::new(OPEN);

/// Standard output as a writer that records its own failures: after a closed pipe or a failed write
/// it drops what it is given (`Ok`), so a command computes its exit code to the end; a failure other
/// than a closed pipe is printed once ("cannot write to standard output") and returned, and the run
/// exits 2 ([`finish`]).
pub struct Stdout;

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if STDOUT.load(Ordering::Relaxed) != OPEN {
            return Ok(buf.len());
        }
        let r = match unbuffered() {
            Some(mut file) => file.write_all(buf),
            None => std::io::stdout().lock().write_all(buf),
        };
        r.or_else(failed).map(|()| buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if STDOUT.load(Ordering::Relaxed) != OPEN {
            return Ok(());
        }
        let r = std::io::stdout().lock().flush();
        r.or_else(failed)
    }
}

/// Standard output without the standard library's line buffer, whose search for the last newline
/// of every write costs a pass over the bytes (a large report arrives here in 64 KB pieces,
/// already buffered): a duplicate of the descriptor, which shares its offset and flags. `None`
/// where there is none to duplicate; everything then goes through `std::io::stdout`. Every write
/// to stdout goes through [`Stdout`], so none is left in the line buffer to come out of order.
fn unbuffered() -> Option<&'static std::fs::File> {
    static FILE: std::sync::OnceLock<Option<std::fs::File>> = std::sync::OnceLock::new();
    FILE.get_or_init(|| {
        #[cfg(unix)]
        {
            use std::os::fd::AsFd;
            let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
            Some(std::fs::File::from(fd))
        }
        #[cfg(not(unix))]
        None
    })
    .as_ref()
}

/// Records a failed write to stdout made elsewhere (clap's `--help`): a closed pipe is `Ok`,
/// anything else is reported once and returned.
pub fn record_stdout_error(e: std::io::Error) -> std::io::Result<()> {
    failed(e)
}

/// Records a failed write to stdout: a closed pipe is `Ok` (output ends quietly), anything else is
/// reported once and returned.
fn failed(e: std::io::Error) -> std::io::Result<()> {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        let _ = STDOUT.compare_exchange(OPEN, CLOSED, Ordering::Relaxed, Ordering::Relaxed);
        return Ok(());
    }
    if STDOUT.swap(FAILED, Ordering::Relaxed) != FAILED {
        errln!("authsel: cannot write to standard output: {e}");
    }
    Err(e)
}

/// Whether stdout still takes output (no closed pipe, no failed write): a command may skip
/// rendering what nobody will read, but must still compute its exit code.
pub fn stdout_open() -> bool {
    STDOUT.load(Ordering::Relaxed) == OPEN
}

/// Whether a write to stdout failed (other than a closed pipe): the run exits 2.
pub fn stdout_failed() -> bool {
    STDOUT.load(Ordering::Relaxed) == FAILED
}

/// The run's exit code once stdout is flushed: a failed write is exit 2 whatever the run found; a
/// closed pipe changes nothing.
pub fn finish(exit: Exit) -> Exit {
    let _ = Stdout.flush();
    if stdout_failed() {
        Exit::Invalid
    } else {
        exit
    }
}

/// Writes to stdout, control characters escaped. A closed pipe (`authsel ... | head`) ends output
/// quietly; any other failure is reported and makes the run exit 2 (see [`Stdout`]).
pub fn emit(s: &str) {
    emit_as(s, Style::Text);
}

/// [`emit`] for JSON: control characters escaped as JSON escapes (`\u007f`), which JSON strings
/// decode to the same text. serde_json escapes C0 controls itself, so only DEL and the C1 controls
/// are ever rewritten.
pub fn emit_json(s: &str) {
    emit_as(s, Style::Json);
}

/// [`emit`] for iCalendar, whose lines end in CRLF (RFC 5545): every other control character is
/// still escaped (the renderer drops them from values already).
pub fn emit_crlf(s: &str) {
    if !stdout_open() {
        return;
    }
    let lines: Vec<Cow<'_, str>> = s
        .split("\r\n")
        .map(|l| escape_controls(l, Style::Text))
        .collect();
    let mut out = Stdout;
    let _ = out
        .write_all(lines.join("\r\n").as_bytes())
        .and_then(|()| out.flush());
}

fn emit_as(s: &str, style: Style) {
    if !stdout_open() {
        return;
    }
    let mut out = Stdout;
    let _ = out
        .write_all(escape_controls(s, style).as_bytes())
        .and_then(|()| out.flush());
}

/// [`emit`] of a decision's brief view, painted on a terminal (`paint::decision`): the colour is
/// added after the text's own control characters are escaped.
pub fn emit_decision(s: &str) {
    if !stdout_open() {
        return;
    }
    let mut out = Stdout;
    let painted = super::paint::decision(&escape_controls(s, Style::Text));
    let _ = out.write_all(painted.as_bytes()).and_then(|()| out.flush());
}

/// Writes to stderr, control characters escaped. Never panics (`eprint!` does when stderr is a
/// full disk): an error that cannot be written cannot be reported either; the exit code still
/// tells.
pub fn eprint(s: &str) {
    let mut err = std::io::stderr().lock();
    let _ = err
        .write_all(escape_controls(s, Style::Text).as_bytes())
        .and_then(|()| err.flush());
}

/// How an escaped control character is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `\u{1b}`, for people (text, Markdown, XML).
    Text,
    /// `\u001b`, a JSON escape: inside a JSON string it decodes to the character it replaces, and
    /// JSON has no control characters outside its strings.
    Json,
}

impl Style {
    fn escape(self, code: u32) -> String {
        match self {
            Style::Text => format!("\\u{{{code:x}}}"),
            Style::Json => format!("\\u{code:04x}"),
        }
    }
}

/// `s` with every control character but `\n` and `\t` escaped (`\u{1b}`), so user text (a
/// proposal's title, a file name, a line quoted in a diagnostic) cannot move the cursor, clear the
/// screen or retitle the terminal.
pub fn escape_controls(s: &str, style: Style) -> Cow<'_, str> {
    if scan::next_control(s.as_bytes(), 0).is_none() {
        return Cow::Borrowed(s);
    }
    // The writer the streamed report goes through, over a vector: writing to it cannot fail, and
    // it replaces whole characters by ASCII escapes, so what it writes is UTF-8.
    let mut w = Escaped::new(Vec::with_capacity(s.len() + 16), style);
    let bytes = w
        .write_all(s.as_bytes())
        .and_then(|()| w.into_inner())
        .unwrap_or_default();
    Cow::Owned(
        String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
    )
}

/// A writer that escapes control characters as [`escape_controls`] does, for output written in
/// pieces (`check`'s streamed report and its report file). Works on UTF-8 bytes: C0 controls and
/// DEL are single bytes, C1 controls are `0xC2 0x80..=0x9F` (a `0xC2` ending one write is held
/// until the next).
pub struct Escaped<W: Write> {
    inner: W,
    style: Style,
    /// A `0xC2` byte that ended the last write.
    held: bool,
}

impl<W: Write> Escaped<W> {
    pub fn new(inner: W, style: Style) -> Escaped<W> {
        Escaped {
            inner,
            style,
            held: false,
        }
    }

    /// The writer underneath, once a `0xC2` held back is written.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        self.release()?;
        Ok(self.inner)
    }

    fn release(&mut self) -> std::io::Result<()> {
        if std::mem::take(&mut self.held) {
            self.inner.write_all(&[0xC2])?;
        }
        Ok(())
    }

    fn escape(&mut self, code: u8) -> std::io::Result<()> {
        let e = self.style.escape(u32::from(code));
        self.inner.write_all(e.as_bytes())
    }
}

impl<W: Write> Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let mut i = 0;
        if self.held {
            self.held = false;
            match buf.first() {
                Some(&b @ 0x80..=0x9F) => {
                    self.escape(b)?;
                    i = 1;
                }
                Some(_) => self.inner.write_all(&[0xC2])?,
                None => {
                    self.held = true;
                    return Ok(0);
                }
            }
        }
        let mut clean = i;
        while let Some(at) = scan::next_control(buf, i) {
            self.inner
                .write_all(buf.get(clean..at).unwrap_or_default())?;
            match (buf.get(at), buf.get(at + 1)) {
                (Some(0xC2), None) => {
                    self.held = true;
                    return Ok(buf.len());
                }
                (Some(0xC2), Some(&c)) => {
                    self.escape(c)?;
                    i = at + 2;
                }
                (b, _) => {
                    self.escape(b.copied().unwrap_or_default())?;
                    i = at + 1;
                }
            }
            clean = i;
        }
        self.inner.write_all(buf.get(clean..).unwrap_or_default())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.release()?;
        self.inner.flush()
    }
}

pub fn print_diags(diags: &[Diagnostic]) {
    for d in diags {
        let text = super::paint::diagnostic(&escape_controls(&d.to_string(), Style::Text));
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes()).and_then(|()| err.flush());
    }
}

/// Notes (a planner's word read as an id) on standard error, unless `--quiet`: never on standard
/// output, so JSON stays clean.
pub fn print_notes(notes: &[Diagnostic]) {
    if !super::paint::quiet() {
        print_diags(notes);
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
                errln!(
                    "authsel: {} error(s) in the rule files",
                    diags.iter().filter(|d| d.is_error()).count()
                );
            }
            e => errln!("authsel: {e}"),
        }
        Exit::Invalid
    })
}

/// Reads and checks `--ledger FILE` if given, printing its diagnostics on failure (exit 2), and its
/// notes (a name read as an authority's id) on standard error unless `--quiet`.
pub fn load_ledger(rb: &RuleBase, path: Option<&Path>) -> Result<Option<Ledger>, Exit> {
    let Some(path) = path else { return Ok(None) };
    let name = path.display().to_string();
    let (ledger, notes) = read_text(path)
        .map_err(|d| vec![d])
        .and_then(|t| rb.read_ledger_noted(&name, &t))
        .map_err(|d| {
            print_diags(&d);
            Exit::Invalid
        })?;
    print_notes(&notes);
    Ok(Some(ledger))
}

/// The rule base and, when `--ledger` names one, the ledger checked against it: what `eval`,
/// `check`, `plan` and `serve` start with. Diagnostics are printed; `Err` is exit 2.
pub fn load_rules_and_ledger(
    rules: Option<&Path>,
    ledger: Option<&Path>,
) -> Result<(RuleBase, Option<Ledger>), Exit> {
    let rb = load_rules(rules)?;
    let ledger = load_ledger(&rb, ledger)?;
    Ok((rb, ledger))
}

/// Calls `each` with the name and text of every file under `paths` (directories walked for
/// `*.ron`), in sorted order, one at a time; `each` says whether the file was invalid. Problems are
/// printed and never hide the other files; returns whether there were any. Stops early once a write
/// to stdout has failed: the run exits 2 whatever the rest would find.
pub fn each_input(paths: &[PathBuf], mut each: impl FnMut(&str, &str) -> bool) -> bool {
    // `-` is standard input, read once, first.
    let (stdin, paths): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| p.as_os_str() == "-");
    let mut bad = false;
    if !stdin.is_empty() {
        match authsel::input::files::read_stream("<stdin>", std::io::stdin().lock()) {
            Ok(t) => bad |= each("<stdin>", &t),
            Err(d) => {
                print_diags(&[d]);
                bad = true;
            }
        }
    }
    if paths.is_empty() && !stdin.is_empty() {
        return bad;
    }
    let paths: Vec<PathBuf> = paths.into_iter().cloned().collect();
    let (files, diags) = collect(&paths);
    print_diags(&diags);
    bad |= !diags.is_empty();
    for f in files {
        if stdout_failed() {
            break;
        }
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

/// `--as-of DATE`: the same rule as a proposal's dates (`YYYY-MM-DD`, no time of day, within the
/// calendar authsel accepts).
pub fn date_arg(s: &str) -> Result<jiff::civil::Date, String> {
    authsel::input::limits::parse_date(s).map_err(|e| e.describe("--as-of", s).1)
}

/// The width to wrap to: the terminal's, else `COLUMNS`, else 100 (pipes and files).
pub fn width() -> usize {
    let term = console::Term::stdout()
        .size_checked()
        .map(|(_, w)| usize::from(w));
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok());
    term.or(columns).unwrap_or(100).clamp(40, 200)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `Escaped` fed `text` in pieces of `step` bytes.
    fn escaped_in_pieces(text: &str, step: usize, style: Style) -> String {
        let mut w = Escaped::new(Vec::new(), style);
        for piece in text.as_bytes().chunks(step) {
            w.write_all(piece).expect("write to a vector");
        }
        let bytes = w.into_inner().expect("flush to a vector");
        String::from_utf8(bytes).expect("UTF-8 in, UTF-8 out")
    }

    #[test]
    fn long_plain_runs_are_skipped_and_every_control_still_escaped() {
        let base = "plain text § ü, then more plain words to fill blocks ".repeat(3);
        for c in [
            "\u{1b}", "\u{7f}", "\u{85}", "\u{9f}", "\u{a0}", "\r", "\0", "\n",
        ] {
            for at in 0..40 {
                let mut text = base.clone();
                let pos = (0..=at)
                    .rev()
                    .find(|p| text.is_char_boundary(*p))
                    .unwrap_or(0);
                text.insert_str(pos, c);
                for step in [1, 7, 8, 9, 64, text.len()] {
                    let got = escaped_in_pieces(&text, step, Style::Text);
                    assert_eq!(
                        got,
                        escape_controls(&text, Style::Text),
                        "{c:?} {at} {step}"
                    );
                }
            }
        }
    }

    /// Whether `c` is shown escaped: every control character (Unicode category Cc) but the
    /// newline and the tab.
    fn shown_escaped(c: char) -> bool {
        c.is_control() && c != '\n' && c != '\t'
    }

    /// `escape_controls` as it was written before the block search: character by character.
    fn escaped_char_by_char(s: &str, style: Style) -> String {
        let mut out = String::new();
        for c in s.chars() {
            if shown_escaped(c) {
                out.push_str(&style.escape(u32::from(c)));
            } else {
                out.push(c);
            }
        }
        out
    }

    #[test]
    fn every_character_near_every_block_edge_is_escaped_as_char_by_char() {
        let mut chars: Vec<char> = (0u32..0x250).filter_map(char::from_u32).collect();
        chars.extend(['\u{2028}', '\u{feff}', '😀']);
        for c in chars {
            for at in [0, 1, 14, 15, 16, 17, 31, 32, 40] {
                let mut text = "x".repeat(at);
                text.push(c);
                text.push_str("§ tail to fill a block ");
                for style in [Style::Text, Style::Json] {
                    let want = escaped_char_by_char(&text, style);
                    assert_eq!(escape_controls(&text, style), want, "{c:?} {at}");
                    for step in [1, 16, 17, text.len()] {
                        assert_eq!(escaped_in_pieces(&text, step, style), want, "{c:?} {at}");
                    }
                }
            }
        }
    }

    #[test]
    fn control_characters_are_escaped_and_the_rest_kept() {
        let text = "a\u{1b}]0;pwned\u{7}b\u{1b}[2J\tc\nd\r\u{7f}\u{85}\u{9f}é\u{a0}ü\u{2028}\0";
        let want = "a\\u{1b}]0;pwned\\u{7}b\\u{1b}[2J\tc\nd\\u{d}\\u{7f}\\u{85}\\u{9f}é\u{a0}ü\u{2028}\\u{0}";
        assert_eq!(escape_controls(text, Style::Text), want);
        for step in 1..=text.len() {
            assert_eq!(escaped_in_pieces(text, step, Style::Text), want, "{step}");
        }
        // A 0xC2 ending a write that is not a C1 control is released as it was.
        assert_eq!(escaped_in_pieces("xé", 2, Style::Text), "xé");
        assert_eq!(escaped_in_pieces("x\u{85}", 2, Style::Text), r"x\u{85}");
        let clean = "plain text, tabs\tand newlines\n, é ü €";
        assert!(matches!(
            escape_controls(clean, Style::Text),
            Cow::Borrowed(_)
        ));
        assert_eq!(escaped_in_pieces(clean, 3, Style::Text), clean);
    }

    #[test]
    fn json_stays_valid_and_means_the_same() {
        let v = serde_json::json!({"title": "x\u{1b}]0;t\u{7}\u{1b}[2J\r\u{7f}\u{85}\u{9b}y é", "n": [1]});
        for json in [
            serde_json::to_string(&v).unwrap_or_default(),
            serde_json::to_string_pretty(&v).unwrap_or_default(),
        ] {
            let out = escape_controls(&json, Style::Json);
            assert!(!out.chars().any(shown_escaped), "{out}");
            let back: serde_json::Value = serde_json::from_str(&out).expect("still JSON");
            assert_eq!(back, v);
            for step in 1..=json.len() {
                assert_eq!(escaped_in_pieces(&json, step, Style::Json), out, "{step}");
            }
        }
        // serde_json escapes C0 controls itself: JSON without DEL or C1 passes byte for byte.
        let c0 =
            serde_json::to_string(&serde_json::json!({"t": "\u{1b}[2J\u{7}"})).unwrap_or_default();
        assert!(matches!(
            escape_controls(&c0, Style::Json),
            Cow::Borrowed(_)
        ));
    }
}
