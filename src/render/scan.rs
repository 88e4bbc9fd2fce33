//! Finding the next byte of a class in a buffer, sixteen bytes at a time: the escaping of JSON
//! strings and of control characters in everything printed both look for rare bytes in long runs
//! of plain text.
//!
//! Invariant: [`next`] returns exactly the first position at or after `from` whose byte is in the
//! class, whatever the block boundaries (a test compares it with a byte-by-byte search).

/// Bytes looked at together: one SSE2 register. A block's test has no early exit, so the compiler
/// turns it into a few vector compares and a mask.
const BLOCK: usize = 16;

/// Whether any byte of `block` is in the class: an OR over the block with no early exit, which
/// the compiler turns into a few vector compares.
#[inline(always)]
fn any_in(block: &[u8; BLOCK], class: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(0u8, |seen, &b| seen | u8::from(class(b))) != 0
}

/// The first position at or after `from` whose byte is in `class`, if any.
#[inline(always)]
pub fn next(buf: &[u8], mut from: usize, class: impl Fn(u8) -> bool + Copy) -> Option<usize> {
    while let Some(block) = buf
        .get(from..from + BLOCK)
        .and_then(|c| <&[u8; BLOCK]>::try_from(c).ok())
    {
        if any_in(block, class) {
            return block.iter().position(|&b| class(b)).map(|p| from + p);
        }
        from += BLOCK;
    }
    let tail = buf.get(from..)?;
    // The last block of a long buffer covers the shorter tail: one test says whether to look.
    if buf
        .last_chunk::<BLOCK>()
        .is_some_and(|last| !any_in(last, class))
    {
        return None;
    }
    tail.iter().position(|&b| class(b)).map(|p| from + p)
}

/// Bytes a JSON string cannot hold as they are: control characters, `"` and `\`.
#[inline(always)]
pub fn json_special(b: u8) -> bool {
    // `|`, not `||`: no branch, so a block's test vectorizes.
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// Bytes that may start a control character printed escaped (every Unicode `Cc` but `\n` and
/// `\t`): a C0 control, DEL, or `0xC2`, the lead byte of the C1 controls (`0xC2 0x80..=0x9F`)
/// and of ordinary characters such as `§` (`0xC2 0xA7`), which the caller tells apart.
#[inline(always)]
pub fn control_lead(b: u8) -> bool {
    // `|`, not `||`: no branch, so a block's test vectorizes.
    ((b < 0x20) & (b != b'\n') & (b != b'\t')) | (b == 0x7F) | (b == 0xC2)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow(buf: &[u8], from: usize, class: impl Fn(u8) -> bool) -> Option<usize> {
        (from..buf.len()).find(|&i| buf.get(i).is_some_and(|&b| class(b)))
    }

    #[test]
    fn every_position_of_every_byte_is_found() {
        for len in [0, 1, 15, 16, 17, 31, 32, 33, 50] {
            for at in 0..len {
                for b in 0u8..=255 {
                    let mut buf = vec![b'a'; len];
                    if let Some(x) = buf.get_mut(at) {
                        *x = b;
                    }
                    for from in [0, at / 2, at, at + 1, len + 3] {
                        assert_eq!(
                            next(&buf, from, json_special),
                            slow(&buf, from, json_special)
                        );
                        assert_eq!(
                            next(&buf, from, control_lead),
                            slow(&buf, from, control_lead)
                        );
                    }
                }
            }
        }
    }

    proptest! {
        #[test]
        fn the_block_search_is_the_byte_search(
            buf in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'"'), Just(0xC2u8), Just(b'\n'), Just(0x7Fu8), any::<u8>()], 0..80),
            from in 0usize..90,
        ) {
            prop_assert_eq!(next(&buf, from, json_special), slow(&buf, from, json_special));
            prop_assert_eq!(next(&buf, from, control_lead), slow(&buf, from, control_lead));
        }
    }
}
