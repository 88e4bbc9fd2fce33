//! Reading one rule file of a rules directory (`RuleBase::load_files`): only regular files inside
//! the directory are read, at most `MAX_FILE_BYTES` of them, as UTF-8; every problem is a
//! diagnostic with the file's name and, when the file is rule text, the position.
//!
//! A rule file that is a symbolic link is followed only when it resolves to a file inside the rules
//! directory; one that leads outside is refused (E0114) before anything of its target is read, so
//! no line of a file that is not rule text (`/etc/passwd`) is ever shown.

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::lang::limits::MAX_FILE_BYTES;
use std::io::Read;
use std::path::Path;

/// One rule file's name and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// The text of the rule file `path` in the rules directory whose canonical path is `root`.
pub(crate) fn read_rule_file(path: &Path, root: &Path) -> Result<String, Diagnostic> {
    let name = path.display().to_string();
    let cannot =
        |e: std::io::Error| Diagnostic::whole_file(&name, "E0200", format!("cannot read: {e}"));
    let refuse =
        |why: &str| Diagnostic::whole_file(&name, "E0114", format!("rule file refused: {why}"));
    let link = std::fs::symlink_metadata(path).map_err(cannot)?;
    if link.file_type().is_symlink() {
        let target = std::fs::canonicalize(path).map_err(cannot)?;
        if !target.starts_with(root) {
            return Err(refuse(
                "it is a symbolic link that leads outside the rules directory, and rule files are read only inside it",
            ));
        }
    }
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(refuse("it is not a regular file"));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| {
            f.take(
                u64::try_from(MAX_FILE_BYTES)
                    .unwrap_or(u64::MAX)
                    .saturating_add(1),
            )
            .read_to_end(&mut bytes)
        })
        .map_err(cannot)?;
    if bytes.len() > MAX_FILE_BYTES {
        bytes.truncate(MAX_FILE_BYTES);
        let text = String::from_utf8_lossy(&bytes);
        let at = text.len();
        return Err(Diagnostic::at(
            &name,
            &text,
            Span::new(at, at + 1),
            Severity::Error,
            "E0112",
            format!("rule file larger than {MAX_FILE_BYTES} bytes"),
        ));
    }
    String::from_utf8(bytes).map_err(|e| not_utf8(&name, e))
}

/// E0205 at the first byte that is not UTF-8: its line and column (in characters), and its line
/// with every invalid byte shown as `�`.
fn not_utf8(name: &str, e: std::string::FromUtf8Error) -> Diagnostic {
    let at = e.utf8_error().valid_up_to();
    let bad = e.as_bytes().get(at).copied().unwrap_or(0);
    let text = String::from_utf8_lossy(e.as_bytes());
    Diagnostic::at(
        name,
        &text,
        Span::new(at, at + 1),
        Severity::Error,
        "E0205",
        format!("not UTF-8 text: byte 0x{bad:02X} does not start a character here"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_invalid_byte_is_located_in_characters() {
        let bytes = b"ab\n\xc2\xa7c\xc3\xa9d\xffz\n".to_vec();
        let Err(e) = String::from_utf8(bytes) else {
            panic!("valid")
        };
        let d = not_utf8("x.auth", e);
        assert_eq!((d.line, d.column, d.code), (2, 5, "E0205"));
        assert!(d.message.contains("0xFF"), "{}", d.message);
        assert_eq!(d.source_line, "§céd\u{fffd}z");
    }
}
