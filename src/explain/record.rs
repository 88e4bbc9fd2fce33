//! The decision record: enough to reproduce a decision later.

use crate::input::proposal::Proposal;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Enough to reproduce a decision later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub authsel_version: String,
    pub rules_digest: String,
    pub input_digest: String,
    pub as_of: Date,
    pub ledger_entries: usize,
}

/// SHA-256 of the proposal's JSON, in hex. The JSON is hashed as it is written, not built first.
pub(crate) fn input_digest(p: &Proposal) -> String {
    struct Hasher(Sha256);
    impl std::io::Write for Hasher {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.update(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut h = Hasher(Sha256::new());
    // Serializing plain data cannot fail; if it ever did, the digest would be of the empty string,
    // as before.
    if serde_json::to_writer(&mut h, p).is_err() {
        h = Hasher(Sha256::new());
    }
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(64);
    for b in h.0.finalize() {
        for nibble in [b >> 4, b & 0xf] {
            out.push(char::from(
                HEX.get(usize::from(nibble)).copied().unwrap_or(b'0'),
            ));
        }
    }
    out
}
