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
    // Through a buffer: the serializer writes a few bytes at a time, and each `update` of the
    // hash has a cost of its own; the buffer hands it whole blocks, and keeps memory bounded
    // however large the value.
    let mut buffered = std::io::BufWriter::with_capacity(4096, Hasher(Sha256::new()));
    let written = serde_json::to_writer(&mut buffered, value).is_ok();
    let h = match buffered.into_inner() {
        // Serializing plain data cannot fail; if it ever did, the digest would be of the empty
        // string, as before.
        Ok(h) if written => h,
        _ => Hasher(Sha256::new()),
    };
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
