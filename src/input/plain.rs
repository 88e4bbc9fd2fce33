//! The plain subset of RON that nearly every proposal file is written in, read in one pass.
//!
//! Invariant: `read` returns `Some` only for a text that RON reads to the very same `RawProposal`
//! (a property test holds the two together over every built-in case, the examples, a generated
//! corpus and mutations of them); for anything outside the subset it returns `None` and the caller
//! reads the text with RON, which also words the errors. RON costs about 70 instructions a byte;
//! at a nightly batch's 100,000 files, reading was a third of the run.
//!
//! The subset: `Proposal(` ... `)`; `//` comments; ASCII whitespace; strings without
//! escapes or control characters; unsigned decimal integers (facts: optionally negative) of at most
//! 18 digits, without leading zeros; `true`, `false`; unit enum variants, mapped by serde itself;
//! lists of strings; maps with string keys; trailing commas. No `Some`/`None`, block comments,
//! raw strings, attributes or underscores in numbers: those go to RON.

use super::proposal::{Amounts, Entries, FactValue, Facts, RawProposal};
use serde::de::value::{Error as ValueError, StrDeserializer};
use serde::de::IntoDeserializer;
use serde::Deserialize;

/// The proposal, when `text` is plain RON that RON itself reads without error; else `None`.
pub(super) fn read(text: &str) -> Option<RawProposal> {
    let mut c = Cursor {
        s: text.as_bytes(),
        i: 0,
        text,
    };
    c.ws()?;
    // RON also reads a struct without its name, `(...)`: rare, and left to it.
    if !c.s.get(c.i..)?.starts_with(b"Proposal(") {
        return None;
    }
    c.i += "Proposal(".len();
    let mut fields = Fields::default();
    loop {
        c.ws()?;
        if c.peek() == Some(b')') {
            c.i += 1;
            break;
        }
        let name = c.ident()?;
        c.ws()?;
        c.byte(b':')?;
        c.ws()?;
        fields.read(name, &mut c)?;
        c.ws()?;
        match c.peek()? {
            b',' => c.i += 1,
            b')' => {}
            _ => return None,
        }
    }
    c.ws()?;
    (c.i == c.s.len()).then_some(())?;
    fields.finish()
}

struct Cursor<'t> {
    s: &'t [u8],
    i: usize,
    text: &'t str,
}

impl<'t> Cursor<'t> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn byte(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    /// Skips ASCII whitespace and `//` comments; `None` at anything else RON might call blank.
    fn ws(&mut self) -> Option<()> {
        while let Some(b) = self.peek() {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.i += 1,
                b'/' if self.s.get(self.i + 1) == Some(&b'/') => {
                    let rest = self.s.get(self.i..)?;
                    self.i += rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
                }
                b'/' => return None,
                _ if b >= 0x80 => return None,
                _ => break,
            }
        }
        Some(())
    }

    /// An identifier, which must end at a byte that cannot continue it.
    fn ident(&mut self) -> Option<&'t str> {
        let start = self.i;
        while self
            .peek()
            .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            self.i += 1;
        }
        let first = *self.s.get(start)?;
        if !(first.is_ascii_alphabetic() || first == b'_') {
            return None;
        }
        self.ends_token()?;
        self.text.get(start..self.i)
    }

    /// A token must be followed by whitespace or punctuation, never by `(`, `#`, `.` and the like.
    fn ends_token(&self) -> Option<()> {
        match self.peek() {
            None | Some(b' ' | b'\t' | b'\n' | b'\r' | b',' | b')' | b']' | b'}' | b':' | b'/') => {
                Some(())
            }
            _ => None,
        }
    }

    /// A string without escapes or control characters.
    fn string(&mut self) -> Option<String> {
        self.byte(b'"')?;
        let start = self.i;
        let len = self.s.get(start..)?.iter().position(|&b| b == b'"')?;
        let body = self.text.get(start..start + len)?;
        if body.bytes().any(|b| b == b'\\' || b < 0x20 || b == 0x7f) {
            return None;
        }
        self.i = start + len + 1;
        self.ends_token()?;
        Some(body.to_string())
    }

    /// Decimal digits without a leading zero (but `0` itself), at most 18 of them.
    fn digits(&mut self) -> Option<u64> {
        let start = self.i;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.i += 1;
        }
        let d = self.s.get(start..self.i)?;
        if d.is_empty() || d.len() > 18 || (d.len() > 1 && d.first() == Some(&b'0')) {
            return None;
        }
        self.ends_token()?;
        self.text.get(start..self.i)?.parse().ok()
    }

    fn bool(&mut self) -> Option<bool> {
        match self.ident()? {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        }
    }

    /// A unit variant of `T`, named as serde names it.
    fn variant<T: for<'de> Deserialize<'de>>(&mut self) -> Option<T> {
        let name = self.ident()?;
        let d: StrDeserializer<'_, ValueError> = name.into_deserializer();
        T::deserialize(d).ok()
    }

    fn fact(&mut self) -> Option<FactValue> {
        match self.peek()? {
            b'"' => self.string().map(FactValue::Str),
            b'-' => {
                self.i += 1;
                let v = self.digits()?;
                (v != 0).then(|| FactValue::Int(-i128::from(v)))
            }
            b'0'..=b'9' => self.digits().map(|v| FactValue::Int(v.into())),
            _ => self.bool().map(FactValue::Bool),
        }
    }

    /// `[a, b, ...]` with a trailing comma allowed.
    fn list<T>(&mut self, item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        self.byte(b'[')?;
        self.separated(b']', item)
    }

    /// `{"key": value, ...}` in file order, a repeated key too, with a trailing comma allowed.
    fn map<T>(
        &mut self,
        mut value: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<(String, T)>> {
        self.byte(b'{')?;
        self.separated(b'}', |c| {
            let key = c.string()?;
            c.ws()?;
            c.byte(b':')?;
            c.ws()?;
            Some((key, value(c)?))
        })
    }

    /// Items up to `close`, separated by commas, a trailing comma allowed.
    fn separated<T>(
        &mut self,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut out = Vec::new();
        loop {
            self.ws()?;
            if self.byte(close).is_some() {
                break;
            }
            out.push(item(self)?);
            self.ws()?;
            if self.byte(b',').is_none() {
                self.ws()?;
                self.byte(close)?;
                break;
            }
        }
        self.ends_token()?;
        Some(out)
    }
}

/// The fields read so far; each at most once (RON refuses a repeated field).
#[derive(Default)]
struct Fields {
    id: Option<String>,
    title: Option<String>,
    partner: Option<String>,
    recipient: Option<crate::model::RecipientKind>,
    purposes: Option<Vec<String>>,
    activities: Option<Vec<String>>,
    amount_usd: Option<u64>,
    start: Option<String>,
    offer_date: Option<String>,
    duration_months: Option<u64>,
    funding: Option<crate::model::Funding>,
    leahy: Option<crate::model::LeahyStatus>,
    major_defense_equipment_usd: Option<u64>,
    emergency: Option<bool>,
    partner_outside_registry: Option<bool>,
    facts: Option<Facts>,
    amounts: Option<Amounts>,
    serves: Option<Entries<Vec<String>>>,
    activity_funding: Option<Entries<crate::model::Funding>>,
}

/// Sets a field read once; `None` when it was already set.
fn once<T>(slot: &mut Option<T>, value: Option<T>) -> Option<()> {
    if slot.is_some() {
        return None;
    }
    *slot = Some(value?);
    Some(())
}

impl Fields {
    fn read(&mut self, name: &str, c: &mut Cursor<'_>) -> Option<()> {
        match name {
            "id" => once(&mut self.id, c.string()),
            "title" => once(&mut self.title, c.string()),
            "partner" => once(&mut self.partner, c.string()),
            "recipient" => once(&mut self.recipient, c.variant()),
            "purposes" => once(&mut self.purposes, c.list(Cursor::string)),
            "activities" => once(&mut self.activities, c.list(Cursor::string)),
            "amount_usd" => once(&mut self.amount_usd, c.digits()),
            "start" => once(&mut self.start, c.string()),
            "offer_date" => once(&mut self.offer_date, c.string()),
            "duration_months" => once(&mut self.duration_months, c.digits()),
            "funding" => once(&mut self.funding, c.variant()),
            "leahy" => once(&mut self.leahy, c.variant()),
            "major_defense_equipment_usd" => {
                once(&mut self.major_defense_equipment_usd, c.digits())
            }
            "emergency" => once(&mut self.emergency, c.bool()),
            "partner_outside_registry" => once(&mut self.partner_outside_registry, c.bool()),
            "facts" => once(&mut self.facts, c.map(Cursor::fact).map(Facts)),
            "amounts" => once(&mut self.amounts, c.map(Cursor::digits).map(Amounts)),
            "serves" => once(
                &mut self.serves,
                c.map(|c| c.list(Cursor::string)).map(Entries),
            ),
            "activity_funding" => once(
                &mut self.activity_funding,
                c.map(Cursor::variant).map(Entries),
            ),
            _ => None,
        }
    }

    /// The proposal, when every required field was given.
    fn finish(self) -> Option<RawProposal> {
        Some(RawProposal {
            id: self.id?,
            title: self.title?,
            partner: self.partner?,
            recipient: self.recipient?,
            purposes: self.purposes?,
            activities: self.activities?,
            amount_usd: self.amount_usd?,
            start: self.start?,
            offer_date: self.offer_date,
            duration_months: self.duration_months,
            funding: self.funding,
            leahy: self.leahy,
            major_defense_equipment_usd: self.major_defense_equipment_usd,
            emergency: self.emergency,
            partner_outside_registry: self.partner_outside_registry,
            facts: self.facts.unwrap_or_default(),
            amounts: self.amounts.unwrap_or_default(),
            serves: self.serves.unwrap_or_default(),
            activity_funding: self.activity_funding.unwrap_or_default(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::limits::normalize;
    use crate::input::proposal::ron_raw;
    use crate::model::RuleBase;
    use proptest::prelude::*;

    /// Every proposal the repository holds: the built-in cases' and the examples'.
    fn written() -> Vec<String> {
        let mut texts: Vec<String> = RuleBase::builtin_cases()
            .into_iter()
            .filter(|f| f.name.ends_with(".ron") && f.text.contains("Proposal("))
            .map(|f| f.text)
            .collect();
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
        for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            if e.path().extension().is_some_and(|x| x == "ron") {
                texts.extend(std::fs::read_to_string(e.path()));
            }
        }
        texts
    }

    fn generated(n: usize) -> Vec<String> {
        let rules = RuleBase::builtin();
        let Ok(g) = crate::tools::gen::Generator::new(&rules) else {
            return Vec::new();
        };
        (0..n).map(|i| g.proposal(42, i)).collect()
    }

    /// The texts mutated: generated ones and those of the examples (comments, layouts by hand).
    /// Made once: the rule base takes a while to load in a debug build.
    fn bases() -> &'static [String] {
        static BASES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        BASES.get_or_init(|| {
            let examples = written().into_iter().rev().take(32);
            generated(32).into_iter().chain(examples).collect()
        })
    }

    /// Where the plain reader reads a text, RON reads the same proposal from it.
    fn agrees(text: &str) -> Result<bool, TestCaseError> {
        let text = normalize(text);
        match read(&text) {
            None => Ok(false),
            Some(fast) => {
                prop_assert_eq!(Ok(fast), ron_raw(&text), "{}", text);
                Ok(true)
            }
        }
    }

    #[test]
    fn reads_what_ron_reads_in_every_written_and_generated_proposal() {
        let texts: Vec<String> = written().into_iter().chain(generated(500)).collect();
        assert!(texts.len() > 600, "{} texts", texts.len());
        let mut plain = 0;
        for t in &texts {
            if agrees(t).unwrap_or_else(|e| panic!("{e}")) {
                plain += 1;
            }
        }
        // The subset is the one people and `gen` write: nearly every file takes the fast path.
        assert!(
            plain * 100 >= texts.len() * 95,
            "{plain} of {}",
            texts.len()
        );
    }

    #[test]
    fn leaves_everything_outside_the_subset_to_ron() {
        let base = generated(1).pop().unwrap_or_default();
        assert!(read(&base).is_some());
        for (from, to) in [
            ("Proposal(", "("),
            ("Proposal(", "#![enable(implicit_some)]\nProposal("),
            ("start:", "/* when */ start:"),
            ("amount_usd: ", "amount_usd: 1_"),
            ("amount_usd: ", "amount_usd: Some("),
            ("id: \"", "id: \"\\u{41}"),
            ("id: \"", "id: r\"x"),
            ("id:", "id : \"again\", id:"),
        ] {
            let t = base.replacen(from, to, 1);
            assert_ne!(t, base);
            assert!(read(&t).is_none(), "{t}");
        }
    }

    /// Bytes a mutation puts in: the subset's punctuation and the near misses around it.
    const PIECES: &[&str] = &[
        "\"", ",", ":", "(", ")", "[", "]", "{", "}", "/", "//", "/*", "-", "0", "7", "_", "e",
        ".", " ", "\n", "\t", "\r", "\\", "#", "Some(", "None", "true", "r#", "\u{a0}", "é",
        "\u{85}", "\u{2028}", "x", "Proposal",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Whatever is cut out, put in or doubled, the plain reader never reads a text otherwise
        /// than RON does.
        #[test]
        fn never_disagrees_with_ron_on_mutated_proposals(
            which in 0usize..1000,
            at in any::<prop::sample::Index>(),
            cut in 0usize..6,
            piece in prop::sample::select(PIECES),
        ) {
            let texts = bases();
            let base = texts.get(which % texts.len().max(1)).cloned().unwrap_or_default();
            let mut i = at.index(base.len().max(1));
            while !base.is_char_boundary(i) {
                i -= 1;
            }
            let mut j = (i + cut).min(base.len());
            while !base.is_char_boundary(j) {
                j += 1;
            }
            let t = format!("{}{piece}{}", &base[..i], &base[j..]);
            agrees(&t)?;
        }
    }
}
