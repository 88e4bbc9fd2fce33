//! Finding the next byte of a class in a buffer, sixteen bytes at a time: the escaping of JSON
//! strings and of control characters in everything printed both look for rare bytes in long runs
//! of plain text.
//!
//! Invariant: [`next_json_special`] and [`next_control`] return exactly the first
//! position at or after `from` that a byte-by-byte search finds, whatever the block boundaries
//! (tests compare them). The crate's only `unsafe` code is here, in `sse2`: SSE2 operations on
//! sixteen-byte blocks, each wrapped in a safe function.

/// Bytes looked at together: one SSE2 register. A block's test has no early exit, so the compiler
/// turns it into a few vector compares and a mask.
const BLOCK: usize = 16;

/// Whether any byte of `block` is in the class: an OR over the block with no early exit, which
/// the compiler turns into a few vector compares.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn any_in(block: &[u8; BLOCK], class: impl Fn(u8) -> bool) -> bool {
    block.iter().fold(0u8, |seen, &b| seen | u8::from(class(b))) != 0
}

/// The first control character printed escaped (every Unicode `Cc` but `\n` and `\t`) at or
/// after `from`, or a `0xC2` that ends `buf` (the next piece of the output may end it as a C1
/// control). A C1 control is `0xC2` followed by `0x80..=0x9F`; `§` is `0xC2 0xA7`: a byte alone
/// cannot tell them apart, so each block is tested with the block one byte on.
#[inline(always)]
pub fn next_control(buf: &[u8], mut from: usize) -> Option<usize> {
    // A block and the byte after it: the block one byte on is the same window's last sixteen.
    while let Some((Some(a), Some(b))) = buf
        .get(from..from + BLOCK + 1)
        .map(|w| (w.first_chunk::<BLOCK>(), w.last_chunk::<BLOCK>()))
    {
        // Most blocks hold no byte that can start a control: one quick test says so. A block
        // with one (most often the `0xC2` of a `§`) gets the exact test.
        if any_lead(a) {
            let hits = controls(a, b);
            if hits != 0 {
                return Some(from + hits.trailing_zeros() as usize);
            }
        }
        from += BLOCK;
    }
    let tail = buf.get(from..)?;
    let after = |i: usize| tail.get(i + 1).copied().unwrap_or(0x80);
    tail.iter()
        .enumerate()
        .position(|(i, &x)| control_at(x, after(i)))
        .map(|p| from + p)
}

/// Whether any byte of `a` can start a control character printed escaped: a C0 control (`\n` and
/// `\t` too), DEL, or `0xC2`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn any_lead(a: &[u8; BLOCK]) -> bool {
    use sse2::{below_0x20, is, load, mask, or};
    let x = load(a);
    mask(or(below_0x20(x), or(is(x, 0x7F), is(x, 0xC2)))) != 0
}

/// [`any_lead`] without SSE2.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn any_lead(a: &[u8; BLOCK]) -> bool {
    any_in(a, |x| (x < 0x20) | (x == 0x7F) | (x == 0xC2))
}

/// Which bytes of `a` start a control character printed escaped ([`control_at`]), `b` being the
/// block one byte on: bit `i` for byte `i`. In SSE2: the compiler did not vectorize the test of a
/// byte with the byte after it by itself, and went byte by byte at 8 to 15 instructions a byte;
/// this is about one.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn controls(a: &[u8; BLOCK], b: &[u8; BLOCK]) -> u16 {
    use sse2::{and, and_not, below_0x20, is, load, mask, or};
    let (x, y) = (load(a), load(b));
    let kept = or(is(x, b'\n'), is(x, b'\t'));
    let single = or(and_not(kept, below_0x20(x)), is(x, 0x7F));
    // 0xC2 followed by 0x80..=0x9F (its top three bits 100).
    let c1 = and(is(x, 0xC2), is(and(y, sse2::splat(0xE0)), 0x80));
    mask(or(single, c1))
}

/// [`controls`] byte by byte, where there is no SSE2.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn controls(a: &[u8; BLOCK], b: &[u8; BLOCK]) -> u16 {
    a.iter()
        .zip(b)
        .enumerate()
        .fold(0, |m, (i, (&x, &y))| m | (u16::from(control_at(x, y)) << i))
}

/// The first byte at or after `from` that a JSON string cannot hold as it is ([`json_special`]).
#[inline(always)]
pub fn next_json_special(buf: &[u8], mut from: usize) -> Option<usize> {
    while let Some(block) = buf.get(from..from + BLOCK).and_then(|c| c.first_chunk()) {
        let hits = json_specials(block);
        if hits != 0 {
            return Some(from + hits.trailing_zeros() as usize);
        }
        from += BLOCK;
    }
    let tail = buf.get(from..)?;
    // Fewer than sixteen bytes are left. In a buffer of sixteen or more, the last block covers
    // them: its mask, shifted past the bytes already searched, is the tail's.
    if let Some(last) = buf.last_chunk::<BLOCK>() {
        let searched = BLOCK - tail.len();
        let hits = u32::from(json_specials(last)) >> searched;
        return (hits != 0).then(|| from + hits.trailing_zeros() as usize);
    }
    tail.iter().position(|&b| json_special(b)).map(|p| from + p)
}

/// Which bytes of `a` are [`json_special`]: bit `i` for byte `i`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn json_specials(a: &[u8; BLOCK]) -> u16 {
    use sse2::{below_0x20, is, load, mask, or};
    let x = load(a);
    mask(or(below_0x20(x), or(is(x, b'"'), is(x, b'\\'))))
}

/// [`json_specials`] byte by byte, where there is no SSE2.
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn json_specials(a: &[u8; BLOCK]) -> u16 {
    a.iter()
        .enumerate()
        .fold(0, |m, (i, &x)| m | (u16::from(json_special(x)) << i))
}

/// The SSE2 operations the searches are made of (SSE2 is part of every x86_64 target), each a
/// safe function over a sixteen-byte register: the crate's only `unsafe` code is here.
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use super::BLOCK;
    use std::arch::x86_64::{
        __m128i, _mm_and_si128, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };

    // SAFETY (every block below): the intrinsics need SSE2, which every x86_64 target has; the
    // one load reads the sixteen bytes of a sixteen-byte array, and an unaligned load needs no
    // alignment.

    #[inline(always)]
    pub(super) fn load(a: &[u8; BLOCK]) -> __m128i {
        unsafe { _mm_loadu_si128(a.as_ptr().cast()) }
    }

    /// Every lane `byte`.
    #[inline(always)]
    pub(super) fn splat(byte: u8) -> __m128i {
        unsafe { _mm_set1_epi8(i8::from_ne_bytes([byte])) }
    }

    /// All ones in each lane of `x` equal to `byte`.
    #[inline(always)]
    pub(super) fn is(x: __m128i, byte: u8) -> __m128i {
        unsafe { _mm_cmpeq_epi8(x, splat(byte)) }
    }

    /// All ones in each lane of `x` below `0x20`: the unsigned minimum with `0x1F` is the lane.
    #[inline(always)]
    pub(super) fn below_0x20(x: __m128i) -> __m128i {
        unsafe { _mm_cmpeq_epi8(_mm_min_epu8(x, splat(0x1F)), x) }
    }

    #[inline(always)]
    pub(super) fn or(a: __m128i, b: __m128i) -> __m128i {
        unsafe { _mm_or_si128(a, b) }
    }

    #[inline(always)]
    pub(super) fn and(a: __m128i, b: __m128i) -> __m128i {
        unsafe { _mm_and_si128(a, b) }
    }

    /// `b` without the lanes of `a`.
    #[inline(always)]
    pub(super) fn and_not(a: __m128i, b: __m128i) -> __m128i {
        unsafe { _mm_andnot_si128(a, b) }
    }

    /// The top bit of each lane, lane `i` as bit `i`.
    #[inline(always)]
    pub(super) fn mask(x: __m128i) -> u16 {
        let bits = unsafe { _mm_movemask_epi8(x) };
        // Sixteen lanes: the upper sixteen bits are zero.
        bits as u16
    }
}

/// Bytes a JSON string cannot hold as they are: control characters, `"` and `\`.
#[inline(always)]
pub fn json_special(b: u8) -> bool {
    // `|`, not `||`: no branch, so a block's test vectorizes.
    (b < 0x20) | (b == b'"') | (b == b'\\')
}

/// A control character printed escaped (every Unicode `Cc` but `\n` and `\t`) starting at byte
/// `x`, followed by `y` (`0x80` past the end): a C0 control, DEL, or a C1 control
/// (`0xC2 0x80..=0x9F`), never `§`.
fn control_at(x: u8, y: u8) -> bool {
    // `|` and `&`, not `||` and `&&`: no branch, so a block's test vectorizes.
    ((x < 0x20) & (x != b'\n') & (x != b'\t')) | (x == 0x7F) | ((x == 0xC2) & ((y & 0xE0) == 0x80))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn slow(buf: &[u8], from: usize, class: impl Fn(u8) -> bool) -> Option<usize> {
        (from..buf.len()).find(|&i| buf.get(i).is_some_and(|&b| class(b)))
    }

    /// [`next_control`] byte by byte.
    fn slow_control(buf: &[u8], from: usize) -> Option<usize> {
        (from..buf.len()).find(|&i| {
            let after = buf.get(i + 1).copied().unwrap_or(0x80);
            buf.get(i).is_some_and(|&x| control_at(x, after))
        })
    }

    /// Every byte value, alone and after `0xC2`, at every position around the block edges, from
    /// several starting points.
    #[test]
    fn every_position_of_every_byte_is_found() {
        for len in [0, 1, 15, 16, 17, 18, 31, 32, 33, 34, 50] {
            for at in 0..len {
                for b in 0u8..=255 {
                    for lead in [None, Some(0xC2u8)] {
                        let mut buf = vec![b'a'; len];
                        let (first, second) = match lead {
                            Some(l) => (l, Some(b)),
                            None => (b, None),
                        };
                        if let Some(x) = buf.get_mut(at) {
                            *x = first;
                        }
                        if let (Some(x), Some(s)) = (buf.get_mut(at + 1), second) {
                            *x = s;
                        }
                        for from in [0, at / 2, at, at + 1, len + 3] {
                            assert_eq!(
                                next_json_special(&buf, from),
                                slow(&buf, from, json_special)
                            );
                            assert_eq!(next_control(&buf, from), slow_control(&buf, from));
                        }
                    }
                }
            }
        }
    }

    /// The control characters are every Unicode `Cc` but `\n` and `\t`, found by their first
    /// byte; `§` and the other characters that start with `0xC2` are not.
    #[test]
    fn the_controls_are_the_unicode_cc_characters() {
        for c in (0u32..0x300).filter_map(char::from_u32) {
            let mut bytes = [0u8; 4];
            let s = c.encode_utf8(&mut bytes).as_bytes();
            let text = [
                b"0123456789abcdefghij".as_slice(),
                s,
                b"0123456789abcdefghij",
            ]
            .concat();
            let want = (c.is_control() && c != '\n' && c != '\t').then_some(20);
            assert_eq!(next_control(&text, 0), want, "{c:?}");
        }
    }

    proptest! {
        #[test]
        fn the_block_search_is_the_byte_search(
            buf in proptest::collection::vec(prop_oneof![Just(b'a'), Just(b'"'), Just(0xC2u8), Just(0xA7u8), Just(0x85u8), Just(b'\n'), Just(0x7Fu8), any::<u8>()], 0..80),
            from in 0usize..90,
        ) {
            prop_assert_eq!(next_json_special(&buf, from), slow(&buf, from, json_special));
            prop_assert_eq!(next_control(&buf, from), slow_control(&buf, from));
        }
    }
}
