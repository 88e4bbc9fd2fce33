//! `Text`: an immutable, cheaply cloned string shared between the rule base and the decisions built
//! from it (rule names, citations, authority names). Cloning bumps a reference count instead of
//! copying; it serializes, compares, hashes, prints and dereferences exactly like the `String` it
//! replaces.

use crate::model::{Funding, RecipientKind, Usd};
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::borrow::Borrow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

#[derive(Clone)]
pub struct Text(Repr);

/// The text; a shared one with whether it can be written inside a JSON string as it is (no `"`,
/// `\\` or control character: nothing to escape), found once when it is made (a static text is
/// short and looked at when written: making one costs nothing).
#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Arc<str>, bool),
}

/// Whether `s` needs no escaping inside a JSON string.
const fn json_plain(s: &str) -> bool {
    let mut rest = s.as_bytes();
    while let Some((&b, tail)) = rest.split_first() {
        if b < 0x20 || b == b'"' || b == b'\\' {
            return false;
        }
        rest = tail;
    }
    true
}

impl Text {
    /// A text known at compile time: no allocation at all.
    pub const fn from_static(s: &'static str) -> Text {
        Text(Repr::Static(s))
    }

    fn shared(s: Arc<str>) -> Text {
        let plain = json_plain(&s);
        Text(Repr::Shared(s, plain))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s, _) => s,
        }
    }

    /// Whether the text can be written inside a JSON string as it is: nothing in it needs
    /// escaping (known since the text was made, e.g. when the rule base was loaded).
    pub fn json_plain(&self) -> bool {
        match &self.0 {
            Repr::Static(s) => json_plain(s),
            Repr::Shared(_, plain) => *plain,
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::from_static("")
    }
}

impl PartialEq for Text {
    fn eq(&self, o: &Text) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Eq for Text {}

impl PartialOrd for Text {
    fn partial_cmp(&self, o: &Text) -> Option<std::cmp::Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Text {
    fn cmp(&self, o: &Text) -> std::cmp::Ordering {
        self.as_str().cmp(o.as_str())
    }
}

impl std::hash::Hash for Text {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        self.as_str().hash(h)
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Text {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::shared(Arc::from(s))
    }
}

impl From<&String> for Text {
    fn from(s: &String) -> Text {
        Text::shared(Arc::from(s.as_str()))
    }
}

impl From<&str> for Text {
    fn from(s: &str) -> Text {
        Text::shared(Arc::from(s))
    }
}

impl From<Text> for String {
    fn from(t: Text) -> String {
        t.as_str().to_string()
    }
}

impl PartialEq<str> for Text {
    fn eq(&self, o: &str) -> bool {
        self.as_str() == o
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, o: &&str) -> bool {
        self.as_str() == *o
    }
}

impl PartialEq<String> for Text {
    fn eq(&self, o: &String) -> bool {
        self.as_str() == o.as_str()
    }
}

impl PartialEq<Text> for str {
    fn eq(&self, o: &Text) -> bool {
        self == o.as_str()
    }
}

impl PartialEq<Text> for &str {
    fn eq(&self, o: &Text) -> bool {
        *self == o.as_str()
    }
}

impl PartialEq<Text> for String {
    fn eq(&self, o: &Text) -> bool {
        self.as_str() == o.as_str()
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        String::deserialize(d).map(Text::from)
    }
}

/// An explanation sentence, rendered when it is displayed or serialized rather than when the decision
/// is built. Equality, `Display`, `Debug` and serialization all use the rendered text, so a lazily
/// rendered message and the same text read back from JSON are equal.
#[derive(Clone)]
pub enum Message {
    /// Text already rendered (or read back from JSON).
    Owned(String),
    /// A shared text from the rule base.
    Shared(Text),
    /// `in force on DATE`
    InForce(Date),
    /// `KIND is an eligible recipient`
    EligibleRecipient(RecipientKind),
    /// `funded by FUNDING`
    FundedBy(Funding),
    /// A rule whose `when` guard is false: `does not apply: not (WHEN)`.
    DoesNotApply(Option<Text>),
    /// `holds: CONDITION`, with the rule's `because` in parentheses.
    Holds {
        condition: Text,
        because: Option<Text>,
    },
    /// `fails: requires CONDITION`, with the rule's `because` after a colon.
    Fails {
        condition: Text,
        because: Option<Text>,
    },
    /// A ceiling with room left. `sub` is the rule name of a sub-ceiling.
    WithinCeiling {
        fy: crate::model::FiscalYear,
        total: Usd,
        committed: Usd,
        amount: Usd,
        limit: Usd,
        sub: Option<Text>,
    },
    /// A why-not line: `RULE: MESSAGE [CITATION]`.
    WhyNot {
        rule: Text,
        message: Box<Message>,
        citation: Text,
    },
    /// `AUTHORITY is ineligible`, with the first failed rule's `: MESSAGE [CITATION]`.
    Ineligible {
        authority: Text,
        failure: Option<Box<(Message, Text)>>,
    },
    /// A ranking sentence: `UPPER over LOWER: WHY`.
    Over {
        upper: Text,
        lower: Text,
        why: Box<Message>,
    },
}

/// `NAME sub-ceiling` or `ceiling`.
pub(crate) struct Scope<'a>(pub(crate) &'a Option<Text>);

impl fmt::Display for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(name) => write!(f, "{name} sub-ceiling"),
            None => f.write_str("ceiling"),
        }
    }
}

impl Message {
    fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Message::Owned(s) => f.write_str(s),
            Message::Shared(t) => f.write_str(t),
            Message::InForce(d) => write!(f, "in force on {d}"),
            Message::EligibleRecipient(k) => write!(f, "{k} is an eligible recipient"),
            Message::FundedBy(x) => write!(f, "funded by {x}"),
            Message::DoesNotApply(when) => write!(
                f,
                "does not apply: not ({})",
                when.as_ref().map_or("", Text::as_str)
            ),
            Message::Holds {
                condition,
                because: None,
            } => write!(f, "holds: {condition}"),
            Message::Holds {
                condition,
                because: Some(b),
            } => write!(f, "holds: {condition} ({b})"),
            Message::Fails {
                condition,
                because: None,
            } => write!(f, "fails: requires {condition}"),
            Message::Fails {
                condition,
                because: Some(b),
            } => write!(f, "fails: requires {condition}: {b}"),
            Message::WithinCeiling {
                fy,
                total,
                committed,
                amount,
                limit,
                sub,
            } => write!(
                f,
                "{fy} total {total} (committed {committed} + this {amount}) is within the {limit} {}; {} left",
                Scope(sub),
                Usd(limit.0.saturating_sub(total.0))
            ),
            Message::WhyNot {
                rule,
                message,
                citation,
            } => {
                write!(f, "{rule}: ")?;
                message.write(f)?;
                write!(f, " [{citation}]")
            }
            Message::Ineligible { authority, failure } => {
                write!(f, "{authority} is ineligible")?;
                if let Some(b) = failure {
                    f.write_str(": ")?;
                    b.0.write(f)?;
                    write!(f, " [{}]", b.1)?;
                }
                Ok(())
            }
            Message::Over { upper, lower, why } => {
                write!(f, "{upper} over {lower}: ")?;
                why.write(f)
            }
        }
    }

    /// Borrowed when the text is already there, rendered otherwise.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Message::Owned(s) => std::borrow::Cow::Borrowed(s),
            Message::Shared(t) => std::borrow::Cow::Borrowed(t.as_str()),
            lazy => std::borrow::Cow::Owned(lazy.to_string()),
        }
    }
}

impl Default for Message {
    fn default() -> Message {
        Message::Shared(Text::default())
    }
}

impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // `pad` keeps width and alignment flags working as they did for `String`.
            Message::Owned(s) => f.pad(s),
            Message::Shared(t) => f.pad(t),
            lazy if f.width().is_some() || f.precision().is_some() => f.pad(&lazy.text()),
            lazy => lazy.write(f),
        }
    }
}

impl fmt::Debug for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl PartialEq for Message {
    fn eq(&self, o: &Message) -> bool {
        self.text() == o.text()
    }
}

impl Eq for Message {}

impl From<String> for Message {
    fn from(s: String) -> Message {
        Message::Owned(s)
    }
}

impl From<&str> for Message {
    fn from(s: &str) -> Message {
        Message::Owned(s.to_string())
    }
}

impl From<Text> for Message {
    fn from(t: Text) -> Message {
        Message::Shared(t)
    }
}

impl Serialize for Message {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Message::Owned(x) => s.serialize_str(x),
            Message::Shared(t) => s.serialize_str(t),
            lazy => s.collect_str(lazy),
        }
    }
}

impl<'de> Deserialize<'de> for Message {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Message, D::Error> {
        String::deserialize(d).map(Message::Owned)
    }
}

/// A list of rule-base texts that every decision showing it shares (an authority's caveats): a
/// clone bumps one count instead of copying the list, and its JSON array is made once, on first
/// use. It serializes, compares and dereferences as the `Vec<Text>` it replaces.
#[derive(Clone, Default)]
pub struct TextList(Arc<TextListCell>);

#[derive(Clone, Default)]
struct TextListCell {
    items: Vec<Text>,
    /// The JSON array, a cache of `items` (emptied when they change).
    json: std::sync::OnceLock<Box<str>>,
}

impl TextList {
    /// Adds a text (while the rule base is built: the list is not shared yet, so nothing is copied).
    pub fn push(&mut self, t: Text) {
        let cell = Arc::make_mut(&mut self.0);
        cell.items.push(t);
        cell.json = std::sync::OnceLock::new();
    }

    /// The list as a JSON array, made by `make` on first use.
    pub fn json(&self, make: impl FnOnce(&[Text]) -> String) -> &str {
        self.0
            .json
            .get_or_init(|| make(&self.0.items).into_boxed_str())
    }
}

impl Deref for TextList {
    type Target = [Text];
    fn deref(&self) -> &[Text] {
        &self.0.items
    }
}

impl<'a> IntoIterator for &'a TextList {
    type Item = &'a Text;
    type IntoIter = std::slice::Iter<'a, Text>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.items.iter()
    }
}

impl From<Vec<Text>> for TextList {
    fn from(items: Vec<Text>) -> TextList {
        TextList(Arc::new(TextListCell {
            items,
            json: std::sync::OnceLock::new(),
        }))
    }
}

impl PartialEq for TextList {
    fn eq(&self, o: &TextList) -> bool {
        self.0.items == o.0.items
    }
}

impl Eq for TextList {}

impl fmt::Debug for TextList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0.items, f)
    }
}

impl Serialize for TextList {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.items.serialize(s)
    }
}

impl<'de> Deserialize<'de> for TextList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TextList, D::Error> {
        Vec::<Text>::deserialize(d).map(TextList::from)
    }
}

/// A text made once, on first use, by whoever first needs it, and shared from then on: a rule
/// keeps the JSON of each of its reasons that depends on the rule alone (it holds, it fails, it
/// does not apply), and a reason built from the rule carries the same cell, so a full report
/// copies those objects whole instead of assembling them field by field.
///
/// It is a cache of what it sits beside, never data: equality ignores it, serialization skips
/// it, and a clone starts empty (a cloned rule may be renamed; only [`Rendered::share`] hands out
/// the same cell, to a reason whose every field the rule fixes).
#[derive(Default)]
pub struct Rendered(Option<Arc<std::sync::OnceLock<Box<str>>>>);

impl Rendered {
    /// An empty cell, to be filled on first use.
    pub fn new() -> Rendered {
        Rendered(Some(Arc::default()))
    }

    /// The same cell.
    pub fn share(&self) -> Rendered {
        Rendered(self.0.clone())
    }

    /// The text, made by `make` if this is its first use; `None` when there is no cell.
    pub fn get_or_init(&self, make: impl FnOnce() -> String) -> Option<&str> {
        let cell = self.0.as_ref()?;
        Some(cell.get_or_init(|| make().into_boxed_str()))
    }
}

impl Clone for Rendered {
    fn clone(&self) -> Rendered {
        match self.0 {
            Some(_) => Rendered::new(),
            None => Rendered(None),
        }
    }
}

impl PartialEq for Rendered {
    fn eq(&self, _: &Rendered) -> bool {
        true
    }
}

impl Eq for Rendered {}

impl fmt::Debug for Rendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rendered")
    }
}
