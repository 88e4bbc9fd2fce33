//! Digests of inputs for decision records: SHA-256 of a value's JSON, in hex.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// SHA-256 of a value's JSON, in hex. The JSON is hashed as it is written, not built first.
pub fn sha256_json<T: Serialize + ?Sized>(value: &T) -> String {
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
    if serde_json::to_writer(&mut h, value).is_err() {
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
