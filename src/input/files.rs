//! Finding and reading input files: directories are walked recursively for `*.ron`, in sorted order;
//! every problem (unreadable, not UTF-8, symlink loop, empty directory, not a regular file, too
//! large) is a diagnostic, never an abort, a hang or unbounded memory.

use crate::diagnostic::Diagnostic;
use std::io::Read;
use std::path::{Path, PathBuf};

/// The most bytes read from one input file (a proposal, a ledger, a rule file given to `fmt`):
/// 4 MiB, a thousand times a large proposal. At most one byte more is ever read, so a huge file
/// or an endless device ends at once.
pub const MAX_INPUT_BYTES: u64 = 4 * 1024 * 1024;

/// What a path that is not a regular file is, for the message; `None` for a regular file.
fn not_regular(m: &std::fs::Metadata) -> Option<&'static str> {
    let t = m.file_type();
    if t.is_file() {
        return None;
    }
    if t.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if t.is_char_device() || t.is_block_device() {
            return Some("a device");
        }
        if t.is_socket() {
            return Some("a socket");
        }
    }
    Some("not a regular file")
}

fn not_regular_diag(name: &str, what: &str) -> Diagnostic {
    Diagnostic::whole_file(
        name,
        "E0215",
        format!("cannot read: {what}, not a regular file"),
    )
    .with_help(
        "give a proposal or ledger file (a symbolic link to one is fine), or a directory of them",
    )
}

fn is_ron(p: &Path) -> bool {
    p.extension().is_some_and(|x| x == "ron")
}

/// A key whose byte order is `Path`'s order (component by component) for the paths of one walk:
/// the components joined by a zero byte, which sorts below every byte a name can hold.
fn path_order(p: &Path) -> Vec<u8> {
    let mut key = Vec::with_capacity(p.as_os_str().len());
    for (i, c) in p.components().enumerate() {
        if i > 0 {
            key.push(0);
        }
        key.extend_from_slice(c.as_os_str().as_encoded_bytes());
    }
    key
}

/// Expands files and directories into a sorted, de-duplicated list of `*.ron` files.
pub fn collect(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        match std::fs::metadata(p) {
            Err(e) => diags.push(Diagnostic::whole_file(
                &name,
                "E0200",
                format!("cannot read: {e}"),
            )),
            Ok(m) if m.is_dir() => {
                let before = files.len();
                let mut walked = Vec::new();
                let mut problems = Vec::new();
                for entry in walkdir::WalkDir::new(p).follow_links(true) {
                    match entry {
                        Ok(e) if !is_ron(e.path()) || e.file_type().is_dir() => {}
                        Ok(e) if e.file_type().is_file() => walked.push(e.into_path()),
                        // A `*.ron` FIFO, device or socket: reported, never silently skipped
                        // (and never opened: a FIFO would block the batch).
                        Ok(e) => {
                            let what = e.metadata().ok().and_then(|m| not_regular(&m));
                            let at = e.path().display().to_string();
                            problems
                                .push(not_regular_diag(&at, what.unwrap_or("not a regular file")));
                        }
                        Err(e) => {
                            let at = e.path().map_or(name.clone(), |q| q.display().to_string());
                            let why = if e.loop_ancestor().is_some() {
                                "symbolic link loop".to_string()
                            } else {
                                e.io_error()
                                    .map_or_else(|| e.to_string(), ToString::to_string)
                            };
                            problems.push(Diagnostic::whole_file(
                                &at,
                                "E0200",
                                format!("cannot read: {why}"),
                            ));
                        }
                    }
                }
                // In path order whatever order the directories list their entries in. Sorted
                // here, on keys made once, rather than by the walk: it compared names through
                // `Path::file_name`, parsed again at every comparison (5 % of a batch's work).
                walked.sort_by_cached_key(|f| path_order(f));
                problems.sort_by_cached_key(|d| path_order(Path::new(&d.file)));
                files.extend(walked);
                diags.extend(problems);
                if files.len() == before {
                    diags.push(Diagnostic::whole_file(
                        &name,
                        "E0204",
                        "no `*.ron` proposal files in this directory",
                    ));
                }
            }
            Ok(m) => match not_regular(&m) {
                // Named directly: a FIFO or a device would block or never end.
                Some(what) => diags.push(not_regular_diag(&name, what)),
                None => files.push(p.clone()),
            },
        }
    }
    // A directory walk is already in order (by name, directory by directory): checking costs one
    // comparison a file where sorting 100,000 paths again cost seventeen.
    if !files.is_sorted() {
        files.sort();
    }
    files.dedup();
    (files, diags)
}

/// Reads a file as UTF-8 text, as a diagnostic on failure. Only a regular file (or a symbolic
/// link to one) is opened: its type is checked before opening, so a FIFO is never opened (which
/// would block) and a device never read; at most `MAX_INPUT_BYTES` are accepted.
pub fn read_text(path: &Path) -> Result<String, Diagnostic> {
    read_capped(path, MAX_INPUT_BYTES)
}

/// `read_text` with another byte limit.
pub fn read_capped(path: &Path, max: u64) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let cannot =
        |e: std::io::Error| Diagnostic::whole_file(&name, "E0200", format!("cannot read: {e}"));
    let meta = std::fs::metadata(path).map_err(cannot)?;
    if let Some(what) = not_regular(&meta) {
        return Err(not_regular_diag(&name, what));
    }
    let too_large = |size: u64| {
        Diagnostic::whole_file(
            &name,
            "E0214",
            format!(
                "cannot read: the file is {}, more than the {} an input may be",
                bytes(size),
                bytes(max)
            ),
        )
        .with_help("one proposal per file; split a ledger by fiscal year")
    };
    if meta.len() > max {
        return Err(too_large(meta.len()));
    }
    let file = std::fs::File::open(path).map_err(cannot)?;
    // Replaced between the check and the open: check what was opened.
    if let Some(what) = file.metadata().ok().as_ref().and_then(not_regular) {
        return Err(not_regular_diag(&name, what));
    }
    // Room for the whole file and the byte that would show it grew: one read takes it all,
    // where an empty buffer grows from 32 bytes, a read each time (six for a 450-byte proposal).
    let room = usize::try_from(meta.len().min(max).saturating_add(1)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(room);
    file.take(max.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    if bytes.len() as u64 > max {
        // It grew after its size was read: report what is known.
        let size = std::fs::metadata(path).map_or(max + 1, |m| m.len().max(max + 1));
        return Err(too_large(size));
    }
    utf8(&name, bytes)
}

/// A proposal from a reader (standard input, named `<stdin>`): at most `MAX_INPUT_BYTES`, UTF-8.
pub fn read_stream(name: &str, reader: impl Read) -> Result<String, Diagnostic> {
    let max = MAX_INPUT_BYTES;
    let mut buf = Vec::new();
    reader
        .take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(|e| Diagnostic::whole_file(name, "E0200", format!("cannot read: {e}")))?;
    if buf.len() as u64 > max {
        return Err(Diagnostic::whole_file(
            name,
            "E0214",
            format!(
                "cannot read: the input is more than the {} an input may be",
                bytes(max)
            ),
        )
        .with_help("one proposal per file; split a ledger by fiscal year"));
    }
    utf8(name, buf)
}

/// The bytes read as text, or E0205 at the first byte that is not UTF-8 (its line is not echoed).
fn utf8(name: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(e.as_bytes()).into_owned();
        let span = crate::diagnostic::Span::new(at, at + 1);
        let mut d = Diagnostic::at(
            name,
            &text,
            span,
            crate::diagnostic::Severity::Error,
            "E0205",
            "not UTF-8 text",
        );
        d.source_line.clear();
        d
    })
}

/// A byte count for messages: `4,194,304 bytes (4 MiB)`, `10 bytes`.
fn bytes(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    const MIB: u64 = 1024 * 1024;
    if n >= MIB && n % MIB == 0 {
        format!("{out} bytes ({} MiB)", n / MIB)
    } else {
        format!("{out} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(test: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("authsel-files-{}-{test}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("dir");
        d
    }

    #[test]
    fn path_order_is_paths_own_order() {
        let names = [
            "d/a/b.ron",
            "d/a.b.ron",
            "d/a-b.ron",
            "d/a/b/c.ron",
            "d/ab.ron",
            "d/a b.ron",
            "d/a.ron",
            "d/a/a.ron",
            "d/é.ron",
            "d/Z.ron",
            "d/a0/x.ron",
            "d/a/0.ron",
        ];
        let mut by_path: Vec<PathBuf> = names.iter().map(PathBuf::from).collect();
        let mut by_key = by_path.clone();
        by_path.sort();
        by_key.sort_by_cached_key(|p| path_order(p));
        assert_eq!(by_key, by_path);
    }

    #[test]
    fn a_directory_is_listed_in_path_order() {
        let d = tmp("order");
        for f in [
            "b.ron",
            "a/z.ron",
            "a.b.ron",
            "a/b/c.ron",
            "a-b.ron",
            "c.txt",
        ] {
            let path = d.join(f);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("dir");
            std::fs::write(&path, "x").expect("write");
        }
        let (files, diags) = collect(std::slice::from_ref(&d));
        assert!(diags.is_empty(), "{diags:?}");
        let mut sorted = files.clone();
        sorted.sort();
        assert_eq!(files, sorted);
        assert_eq!(files.len(), 5);
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn reads_at_most_the_limit_and_says_the_size() {
        let d = tmp("size");
        let p = d.join("p.ron");
        std::fs::write(&p, "0123456789").expect("write");
        assert_eq!(read_capped(&p, 10).as_deref(), Ok("0123456789"));
        let e = read_capped(&p, 9).expect_err("too large");
        assert_eq!(e.code, "E0214");
        assert!(
            e.message
                .contains("the file is 10 bytes, more than the 9 bytes"),
            "{e}"
        );
        assert_eq!(bytes(MAX_INPUT_BYTES), "4,194,304 bytes (4 MiB)");
    }

    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_directories_are_refused_without_opening() {
        let d = tmp("kinds");
        let fifo = d.join("fifo.ron");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.is_ok_and(|s| s.success()) {
            // Opening a FIFO with no writer would block this test forever.
            let e = read_text(&fifo).expect_err("fifo");
            assert_eq!(e.code, "E0215", "{e}");
            assert!(e.message.contains("named pipe"), "{e}");
            let (files, diags) = collect(std::slice::from_ref(&fifo));
            assert!(files.is_empty());
            assert_eq!(diags.first().map(|d| d.code), Some("E0215"));
            // Met in a directory walk beside a proposal: reported, not skipped, not opened.
            std::fs::write(d.join("a.ron"), "x").expect("write");
            let (files, diags) = collect(std::slice::from_ref(&d));
            assert_eq!(files, vec![d.join("a.ron")]);
            let codes: Vec<(&str, &str)> =
                diags.iter().map(|x| (x.code, x.file.as_str())).collect();
            let fifo_name = fifo.display().to_string();
            assert_eq!(codes, vec![("E0215", fifo_name.as_str())], "{diags:?}");
            std::fs::remove_file(d.join("a.ron")).expect("remove");
        }
        let zero = Path::new("/dev/zero");
        if zero.exists() {
            let e = read_text(zero).expect_err("device");
            assert_eq!(
                (e.code, e.message.contains("a device")),
                ("E0215", true),
                "{e}"
            );
        }
        let e = read_text(&d).expect_err("directory");
        assert_eq!(e.code, "E0215", "{e}");
        // A symbolic link to a regular file is read.
        let target = d.join("t.ron");
        std::fs::write(&target, "x").expect("write");
        let link = d.join("l.ron");
        std::os::unix::fs::symlink(&target, &link).expect("symlink");
        assert_eq!(read_text(&link).as_deref(), Ok("x"));
        assert_eq!(collect(std::slice::from_ref(&link)).0, vec![link]);
    }
}
