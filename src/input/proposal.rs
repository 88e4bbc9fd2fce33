//! Proposals and ledgers in RON, exactly per `../shared/spec/proposal.md`: strict (unknown fields
//! are errors with a position), money in whole dollars, dates as calendar dates, every value
//! within the bounds of `limits`.
//!
//! A file is read in two steps: RON parses it into a raw mirror of the type (which keeps what the
//! typed value would lose: the order of the facts and a repeated one, a date's exact text, a number
//! too large for its field); then every value is checked, each problem located at its value by
//! `outline`. `Proposal::from_ron` and `Ledger::from_ron` return the first problem;
//! `RuleBase::read_proposal` and `read_ledger` report all of them, with the checks that need the
//! rule base.

use crate::diagnostic::{quote, Diagnostic, Span, Spot};
use crate::input::limits::{
    fiscal_years, max_usd_words, normalize, parse_date, MAX_DAYS, MAX_MONTHS, MAX_USD,
};
use crate::input::outline::{outline, Node};
use crate::input::problem::Problem;
use crate::model::{FactDecl, FiscalYear, Funding, LeahyStatus, RecipientKind, Type, Usd, Val};
use jiff::civil::Date;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fmt;

/// One proposed activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Proposal")]
pub struct Proposal {
    pub id: String,
    pub title: String,
    pub partner: String,
    pub recipient: RecipientKind,
    pub purposes: Vec<String>,
    pub activities: Vec<String>,
    pub amount_usd: u64,
    pub start: Date,
    /// The day the United States commits: the letter of offer is issued (or the export licence,
    /// the lease, the consent to a transfer). Reviews that must precede it count back from it;
    /// without it they count back from `start`, and say so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_months: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funding: Option<Funding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leahy: Option<LeahyStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub major_defense_equipment_usd: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emergency: Option<bool>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub facts: BTreeMap<String, FactValue>,
    /// How `amount_usd` divides among the activities (`amounts: {"training": 5000000, ...}`):
    /// empty when the file does not say; else one entry per activity, summing to `amount_usd`.
    /// Read by `plan` to give each part its share.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub amounts: BTreeMap<String, u64>,
    /// Which of the proposal's purposes each activity serves (`serves: {"training":
    /// ["counterterrorism"], "construction": ["humanitarian"]}`): empty when the file does not say;
    /// else one entry per activity, each a non-empty list of the proposal's purposes, every purpose
    /// served by some activity. Read by `plan` to give each part exactly the purposes its
    /// activities serve; `eval` never reads it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub serves: BTreeMap<String, Vec<String>>,
    /// Who pays for an activity when it is not the proposal's `funding` (`activity_funding:
    /// {"construction": DoD}`): empty when the file does not say. Read by `plan`: a part is paid
    /// from one source, so activities paid differently are never one part; `eval` never reads it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub activity_funding: BTreeMap<String, Funding>,
}

/// A value in `facts: {...}`: bool, integer, or string (dates are strings until a rule reads them).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Int(i128),
    Str(String),
}

impl fmt::Display for FactValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FactValue::Bool(b) => write!(f, "{b}"),
            FactValue::Int(i) => write!(f, "{i}"),
            FactValue::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

impl<'de> Deserialize<'de> for FactValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = FactValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a bool, an integer or a string")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<FactValue, E> {
                Ok(FactValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<FactValue, E> {
                Ok(FactValue::Int(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<FactValue, E> {
                Ok(FactValue::Int(v.into()))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<FactValue, E> {
                Ok(FactValue::Str(v.to_string()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<FactValue, E> {
                Ok(FactValue::Str(v))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<FactValue, D2::Error> {
                FactValue::deserialize(d)
            }
        }
        d.deserialize_any(V)
    }
}

/// A proposal or ledger that could not be read, with a 1-based position (line and column of the
/// text after `limits::normalize`: a leading byte-order mark is not counted).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct InputError {
    pub line: usize,
    pub column: usize,
    /// Stable code (`docs/diagnostics.md`): `E0201` when RON cannot read the file, `E02xx` for a
    /// value it read that is not allowed.
    pub code: &'static str,
    pub message: String,
    pub help: Option<String>,
}

impl InputError {
    /// The error as a diagnostic of `file`, whose contents are `text`.
    pub fn to_diagnostic(&self, file: &str, text: &str) -> Diagnostic {
        self.located(file, &normalize(text))
    }

    /// `to_diagnostic` for text already normalized (`limits::normalize`).
    pub(crate) fn located(&self, file: &str, text: &str) -> Diagnostic {
        let d = Diagnostic::at_line_col(
            file,
            text,
            self.line,
            self.column,
            self.code,
            self.message.as_str(),
        );
        match &self.help {
            Some(h) => d.with_help(h.clone()),
            None => d,
        }
    }
}

fn ron_options() -> ron::Options {
    // Plain values for optional fields must work without an `#![enable(implicit_some)]` header.
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}

fn ron_error(e: ron::error::SpannedError, expected_fields: &[&str], text: &str) -> InputError {
    let Spot { line, column, .. } = Spot::inside(text, e.span.start.line, e.span.start.col);
    if let Some((message, help)) = plain_ron_error(&e.code, token_at(text, line, column)) {
        return InputError {
            line,
            column,
            code: "E0201",
            message,
            help,
        };
    }
    let help = match &e.code {
        ron::Error::NoSuchStructField {
            found, expected, ..
        } => {
            let known = if expected.is_empty() {
                expected_fields
            } else {
                expected
            };
            crate::diagnostic::did_you_mean(found, known.iter().copied())
                .map(|s| format!("did you mean `{s}`?"))
        }
        _ => None,
    };
    let message = match &e.code {
        ron::Error::NoSuchStructField { found, .. } => format!("unknown field `{}`", quote(found)),
        ron::Error::MissingStructField { field, .. } => format!("missing required field `{field}`"),
        other => shorten_message(&other.to_string()),
    };
    InputError {
        line,
        column,
        code: "E0201",
        message,
        help,
    }
}

/// The characters of a number around 1-based `line`, `column`: what precedes the error position
/// (digits, `,`, `-`) and what follows it (digits, `.`, `e`), so a message can say what was written.
fn token_at(text: &str, line: usize, column: usize) -> (String, String) {
    let Some(l) = text.lines().nth(line.saturating_sub(1)) else {
        return (String::new(), String::new());
    };
    let chars: Vec<char> = l.chars().collect();
    let at = column.saturating_sub(1).min(chars.len());
    let before: String = chars
        .get(..at)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit() || matches!(c, ',' | '-' | '_'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    // A comma continues the number only when a digit follows (`30,000,000`), not before the next field.
    let rest = chars.get(at..).unwrap_or(&[]);
    let mut after = String::new();
    for (i, c) in rest.iter().enumerate() {
        let digit_next = rest.get(i + 1).is_some_and(char::is_ascii_digit);
        if c.is_ascii_alphanumeric()
            || matches!(c, '.' | '_' | '+' | '-')
            || (*c == ',' && digit_next)
        {
            after.push(*c);
        } else {
            break;
        }
    }
    (before, after)
}

/// RON's own messages for the mistakes planners make, in words that say how to write it: a number
/// with commas, a negative or decimal amount, an enum value in the wrong case or spelling.
fn plain_ron_error(
    code: &ron::Error,
    (before, after): (String, String),
) -> Option<(String, Option<String>)> {
    if let ron::Error::NoSuchEnumVariant {
        expected, found, ..
    } = code
    {
        let lower = found.to_lowercase();
        let close = expected
            .iter()
            .find(|v| v.to_lowercase() == lower)
            .copied()
            .or_else(|| crate::diagnostic::did_you_mean(found, expected.iter().copied()));
        let message = format!(
            "`{}` is not one of the allowed values: {}",
            quote(found),
            expected.join(", ")
        );
        return Some((
            message,
            close.map(|c| {
                format!("did you mean `{c}`? (values are written exactly, without quotes)")
            }),
        ));
    }
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit() || c == '_');
    if before.ends_with(',')
        && digits(
            before
                .trim_end_matches(',')
                .rsplit(',')
                .next()
                .unwrap_or(""),
        )
        && after.starts_with(|c: char| c.is_ascii_digit())
    {
        let written = format!("{before}{after}");
        let plain: String = written.chars().filter(char::is_ascii_digit).collect();
        return Some((
            format!("a number is written without commas: `{written}`"),
            Some(if plain.len() > 3 {
                format!("write {plain} or {}", underscored(&plain))
            } else {
                format!("write {plain}")
            }),
        ));
    }
    if before.ends_with('-') {
        return Some((
            "a negative number is not allowed here: amounts, durations and fiscal years are zero or more".to_string(),
            None,
        ));
    }
    let number = format!("{}{after}", before.trim_start_matches(['-', ',']));
    if digits(&before) && (after.starts_with('.') || after.starts_with(['e', 'E']))
        || number.contains('.') && number.chars().next().is_some_and(|c| c.is_ascii_digit())
    {
        return Some((
            format!("amounts are whole U.S. dollars, not decimals: `{number}`"),
            Some("write the whole number of dollars, e.g. 35000000 or 35_000_000".to_string()),
        ));
    }
    None
}

/// `30000000` as `30_000_000`.
fn underscored(digits: &str) -> String {
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('_');
        }
        out.push(c);
    }
    out
}

/// A message of the RON parser with every quoted piece of the input cut to `MAX_QUOTED`
/// characters, and the whole to 400: a ten-megabyte identifier is not echoed.
fn shorten_message(msg: &str) -> String {
    let mut out = String::new();
    let mut piece = String::new();
    let mut open: Option<char> = None;
    for c in msg.chars() {
        match open {
            Some(q) if c == q => {
                out.push_str(&quote(&piece));
                piece.clear();
                out.push(c);
                open = None;
            }
            Some(_) => piece.push(c),
            None => {
                out.push(c);
                if c == '`' || c == '"' {
                    open = Some(c);
                }
            }
        }
    }
    out.push_str(&quote(&piece));
    quote_long(out, 400)
}

/// `s` cut to `max` characters with `…`.
fn quote_long(s: String, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", s.get(..i).unwrap_or("")),
        None => s,
    }
}

const PROPOSAL_FIELDS: [&str; 19] = [
    "id",
    "title",
    "partner",
    "recipient",
    "purposes",
    "activities",
    "amount_usd",
    "start",
    "offer_date",
    "duration_months",
    "funding",
    "leahy",
    "major_defense_equipment_usd",
    "emergency",
    "partner_outside_registry",
    "facts",
    "amounts",
    "serves",
    "activity_funding",
];

/// What RON reads: the proposal's fields before their values are checked.
#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, rename = "Proposal")]
pub(super) struct RawProposal {
    pub(super) id: String,
    pub(super) title: String,
    pub(super) partner: String,
    pub(super) recipient: RecipientKind,
    pub(super) purposes: Vec<String>,
    pub(super) activities: Vec<String>,
    pub(super) amount_usd: u64,
    pub(super) start: String,
    #[serde(default)]
    pub(super) offer_date: Option<String>,
    #[serde(default)]
    pub(super) duration_months: Option<u64>,
    #[serde(default)]
    pub(super) funding: Option<Funding>,
    #[serde(default)]
    pub(super) leahy: Option<LeahyStatus>,
    #[serde(default)]
    pub(super) major_defense_equipment_usd: Option<u64>,
    #[serde(default)]
    pub(super) emergency: Option<bool>,
    #[serde(default)]
    pub(super) partner_outside_registry: Option<bool>,
    #[serde(default)]
    pub(super) facts: Facts,
    #[serde(default)]
    pub(super) amounts: Amounts,
    #[serde(default)]
    pub(super) serves: Entries<Vec<String>>,
    #[serde(default)]
    pub(super) activity_funding: Entries<Funding>,
}

/// A map keyed by activity as written: every entry in file order, a repeated one too.
#[derive(Debug, PartialEq)]
pub(super) struct Entries<V>(pub(super) Vec<(String, V)>);

impl<V> Default for Entries<V> {
    fn default() -> Self {
        Entries(Vec::new())
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Vis<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Vis<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from activity names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Entries<V>, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = m.next_entry::<String, V>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        d.deserialize_map(Vis(std::marker::PhantomData))
    }
}

/// `amounts: {..}` as written: every entry in file order, a repeated one too.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Amounts(pub(super) Vec<(String, u64)>);

impl<'de> Deserialize<'de> for Amounts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Amounts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from activity names to whole dollars")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Amounts, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = m.next_entry::<String, u64>()? {
                    entries.push(entry);
                }
                Ok(Amounts(entries))
            }
        }
        d.deserialize_map(V)
    }
}

/// `facts: {..}` as written: every entry in file order, a repeated one too.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Facts(pub(super) Vec<(String, FactValue)>);

impl<'de> Deserialize<'de> for Facts {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Facts;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map from fact names to values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Facts, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = m.next_entry::<String, FactValue>()? {
                    entries.push(entry);
                }
                Ok(Facts(entries))
            }
        }
        d.deserialize_map(V)
    }
}

/// A proposal as read from its file, before the rule base checks its ids.
pub struct ReadProposal {
    pub proposal: Proposal,
    /// `partner_outside_registry: true`: the file says its partner is not in the registry.
    pub outside_registry: bool,
    /// The facts in file order (`proposal.facts` keeps one value per name).
    pub facts: Vec<(String, FactValue)>,
    /// Where each value is written.
    pub at: Spans,
    /// Every value that is not allowed, whatever the rule base.
    pub problems: Vec<Problem<'static>>,
}

/// Where the values of an input file are written, for error positions: from `outline`, else the
/// field's key found in the text, else the start of the file. The outline is made on the first
/// question, so a valid file costs nothing more than its parse. Every method takes the text the
/// file was read from.
#[derive(Default)]
pub struct Spans {
    root: std::cell::OnceCell<Option<Node>>,
}

impl Spans {
    pub fn new() -> Spans {
        Spans::default()
    }

    fn node<'s>(&'s self, text: &str, field: &str) -> Option<&'s Node> {
        let root = self.root.get_or_init(|| outline(text)).as_ref()?;
        let item = root.field(text, field)?;
        Some(item.value.unwrap_some(text))
    }

    /// The value of a top-level field.
    pub fn field(&self, text: &str, field: &str) -> Span {
        match self.node(text, field) {
            Some(n) => n.span,
            None => {
                let at = find_key(text, field).unwrap_or(0);
                Span::new(at, at + field.len())
            }
        }
    }

    /// Element `i` of a list field of `len` elements.
    pub fn element(&self, text: &str, field: &str, i: usize, len: usize) -> Span {
        self.node(text, field)
            .map(Node::items)
            .filter(|items| items.len() == len)
            .and_then(|items| items.get(i))
            .map_or_else(|| self.field(text, field), |item| item.value.span)
    }

    /// The key (`value: false`: the value) of entry `i` of a map field of `len` entries.
    pub fn entry(&self, text: &str, field: &str, i: usize, len: usize, key: bool) -> Span {
        self.node(text, field)
            .map(Node::items)
            .filter(|items| items.len() == len)
            .and_then(|items| items.get(i))
            .and_then(|item| {
                if key {
                    item.key.as_ref()
                } else {
                    Some(&item.value)
                }
            })
            .map_or_else(|| self.field(text, field), |n| n.span)
    }

    /// Element `j` of the list value of entry `i` (of `len`) of a map field (`serves`); the
    /// entry's value when the element is not found.
    pub fn entry_element(&self, text: &str, field: &str, i: usize, len: usize, j: usize) -> Span {
        self.node(text, field)
            .map(Node::items)
            .filter(|items| items.len() == len)
            .and_then(|items| items.get(i))
            .and_then(|item| item.value.items().get(j))
            .map_or_else(|| self.entry(text, field, i, len, false), |x| x.value.span)
    }

    /// Field `name` of element `i` (of `len`) of the list field `list` (a ledger entry's value).
    pub fn element_field(&self, text: &str, list: &str, i: usize, len: usize, name: &str) -> Span {
        let element = self
            .node(text, list)
            .map(Node::items)
            .filter(|items| items.len() == len)
            .and_then(|items| items.get(i))
            .map(|item| &item.value);
        match element {
            Some(e) => e
                .field(text, name)
                .map_or(e.span, |f| f.value.unwrap_some(text).span),
            None => self.field(text, list),
        }
    }
}

/// The first character of `s` that must not be in a text field: a control character (tab
/// excepted) or a bidirectional override, which would drive or reorder a terminal's output.
fn unsafe_char(s: &str) -> Option<char> {
    s.chars().find(|c| {
        (c.is_control() && *c != '\t')
            || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fn unsafe_text<'a>(span: impl FnOnce() -> Span, what: &str, s: &str) -> Option<Problem<'a>> {
    let c = unsafe_char(s)?;
    Some(
        Problem::new(
            span(),
            "E0217",
            format!(
                "{what} contains the control character U+{:04X}",
                u32::from(c)
            ),
        )
        .help("write plain text on one line: no escape sequences, line breaks or direction marks"),
    )
}

/// Each value listed a second time in `list` (field `field`, items called `what`).
fn repeated<'a>(
    text: &str,
    at: &Spans,
    field: &str,
    what: &str,
    list: &[String],
) -> Vec<Problem<'a>> {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(list.len());
    let mut out = Vec::new();
    for (i, x) in list.iter().enumerate() {
        if seen.insert(x.as_str(), i).is_some() {
            out.push(
                Problem::new(
                    at.element(text, field, i, list.len()),
                    "E0210",
                    format!("{what} `{}` is listed twice", quote(x)),
                )
                .help(format!("list each {what} once")),
            );
        }
    }
    out
}

/// Problems with a dollar amount: above `MAX_USD`.
fn too_many_dollars<'a>(span: impl FnOnce() -> Span, what: &str, v: u64) -> Option<Problem<'a>> {
    (v > MAX_USD).then(|| {
        Problem::new(
            span(),
            "E0211",
            format!("{what} {} is more than {}", Usd(v), max_usd_words()),
        )
        .help("amounts are whole U.S. dollars: check for extra digits")
    })
}

/// What RON reads of a proposal's text.
pub(super) fn ron_raw(text: &str) -> Result<RawProposal, InputError> {
    ron_options()
        .from_str(text)
        .map_err(|e| ron_error(e, &PROPOSAL_FIELDS, text))
}

/// Reads a proposal from normalized text (`limits::normalize`): the RON error if it does not
/// parse, else the proposal with every problem of its values.
pub fn read_proposal(text: &str) -> Result<ReadProposal, InputError> {
    let raw: RawProposal = match crate::input::plain::read(text) {
        Some(raw) => raw,
        None => ron_raw(text)?,
    };
    let at = Spans::new();
    let mut problems = Vec::new();
    let field = |name: &str| at.field(text, name);
    if raw.id.trim().is_empty() {
        problems.push(Problem::new(field("id"), "E0201", "`id` must not be empty"));
    }
    if raw.partner.trim().is_empty() {
        problems.push(Problem::new(
            field("partner"),
            "E0201",
            "`partner` must not be empty",
        ));
    }
    for (name, value) in [
        ("id", &raw.id),
        ("title", &raw.title),
        ("partner", &raw.partner),
    ] {
        problems.extend(unsafe_text(|| field(name), &format!("`{name}`"), value));
    }
    if raw.purposes.is_empty() {
        problems.push(Problem::new(
            field("purposes"),
            "E0201",
            "`purposes` needs at least one purpose",
        ));
    }
    if raw.activities.is_empty() {
        problems.push(Problem::new(
            field("activities"),
            "E0201",
            "`activities` needs at least one activity",
        ));
    }
    problems.extend(repeated(text, &at, "purposes", "purpose", &raw.purposes));
    problems.extend(repeated(
        text,
        &at,
        "activities",
        "activity",
        &raw.activities,
    ));
    problems.extend(value_problems(&raw, &field));
    let start = match parse_date(&raw.start) {
        Ok(d) => d,
        Err(e) => {
            let (code, message) = e.describe("`start`", &raw.start);
            problems.push(Problem::new(field("start"), code, message));
            crate::input::limits::FIRST_DATE
        }
    };
    let offer_date = raw.offer_date.as_deref().and_then(|o| match parse_date(o) {
        Ok(d) => Some(d),
        Err(e) => {
            let (code, message) = e.describe("`offer_date`", o);
            problems.push(Problem::new(field("offer_date"), code, message));
            None
        }
    });
    problems.extend(fact_problems(&raw, &at, text));
    problems.extend(amount_problems(&raw, &at, text));
    problems.extend(per_activity_problems(&raw, &at, text));
    let outside_registry = raw.partner_outside_registry == Some(true);
    let facts = raw.facts.0.clone();
    let mut proposal = proposal_of(raw, start);
    proposal.offer_date = offer_date;
    Ok(ReadProposal {
        proposal,
        outside_registry,
        facts,
        at,
        problems,
    })
}

/// `serves` and `activity_funding` (`input::serves`).
fn per_activity_problems(raw: &RawProposal, at: &Spans, text: &str) -> Vec<Problem<'static>> {
    let mut problems = crate::input::serves::serves_problems(
        &raw.activities,
        &raw.purposes,
        &raw.serves.0,
        at,
        text,
    );
    problems.extend(crate::input::serves::funding_problems(
        &raw.activities,
        &raw.activity_funding.0,
        at,
        text,
    ));
    problems
}

/// The proposal the raw fields describe, with its start read.
fn proposal_of(raw: RawProposal, start: Date) -> Proposal {
    Proposal {
        id: raw.id,
        title: raw.title,
        partner: raw.partner,
        recipient: raw.recipient,
        purposes: raw.purposes,
        activities: raw.activities,
        amount_usd: raw.amount_usd,
        start,
        offer_date: None,
        duration_months: raw
            .duration_months
            .filter(|m| *m <= MAX_MONTHS)
            .and_then(|m| u32::try_from(m).ok()),
        funding: raw.funding,
        leahy: raw.leahy,
        major_defense_equipment_usd: raw.major_defense_equipment_usd,
        emergency: raw.emergency,
        facts: raw.facts.0.iter().cloned().collect(),
        amounts: raw.amounts.0.iter().cloned().collect(),
        serves: raw.serves.0.iter().cloned().collect(),
        activity_funding: raw.activity_funding.0.iter().cloned().collect(),
    }
}

/// `amounts`: each entry names one of the proposal's activities once, with 1 dollar to `MAX_USD`;
/// when given at all, every activity has its entry and the entries sum to `amount_usd` (checked,
/// never wrapped): a plan divides the amount exactly, never by a guess.
fn amount_problems<'a>(raw: &RawProposal, at: &Spans, text: &str) -> Vec<Problem<'a>> {
    if raw.amounts.0.is_empty() {
        return Vec::new();
    }
    let (mut problems, first, sum) = amount_entry_problems(raw, at, text);
    amount_total_problems(raw, at, text, &first, sum, &mut problems);
    problems
}

/// Each entry of `amounts`: named once, one of the proposal's activities, 1 dollar to `MAX_USD`;
/// with the names given and the sum (`None` past 64 bits).
fn amount_entry_problems<'r>(
    raw: &'r RawProposal,
    at: &Spans,
    text: &str,
) -> (Vec<Problem<'static>>, HashMap<&'r str, usize>, Option<u64>) {
    let entries = &raw.amounts.0;
    let mut problems = Vec::new();
    let n = entries.len();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(n);
    let mut sum: Option<u64> = Some(0);
    for (i, (name, usd)) in entries.iter().enumerate() {
        let key = || at.entry(text, "amounts", i, n, true);
        let value = || at.entry(text, "amounts", i, n, false);
        sum = sum.and_then(|s| s.checked_add(*usd));
        if first.insert(name.as_str(), i).is_some() {
            problems.push(
                Problem::new(
                    key(),
                    "E0210",
                    format!("activity `{}` is given twice in `amounts`", quote(name)),
                )
                .help("an activity has one amount: remove one of the two"),
            );
        } else if !raw.activities.contains(name) {
            problems.push(
                Problem::new(
                    key(),
                    "E0219",
                    format!(
                        "`amounts` names `{}`, which is not one of this proposal's activities",
                        quote(name)
                    ),
                )
                .help(format!(
                    "`amounts` divides `amount_usd` among the activities: {}",
                    raw.activities.join(", ")
                )),
            );
        }
        if *usd == 0 {
            problems.push(Problem::new(
                value(),
                "E0212",
                format!("the amount of `{}` is 0: give its estimated dollar value, or drop the activity", quote(name)),
            ));
        }
        problems.extend(too_many_dollars(
            value,
            &format!("the amount of `{}`", quote(name)),
            *usd,
        ));
    }
    (problems, first, sum)
}

/// Every activity has its entry, and the entries sum to `amount_usd`.
fn amount_total_problems(
    raw: &RawProposal,
    at: &Spans,
    text: &str,
    first: &HashMap<&str, usize>,
    sum: Option<u64>,
    problems: &mut Vec<Problem<'_>>,
) {
    let field = || at.field(text, "amounts");
    for act in &raw.activities {
        if !first.contains_key(act.as_str()) {
            problems.push(
                Problem::new(
                    field(),
                    "E0219",
                    format!(
                        "`amounts` gives no amount for the activity `{}`",
                        quote(act)
                    ),
                )
                .help("give every activity its share, or leave `amounts` out"),
            );
        }
    }
    if sum != Some(raw.amount_usd) && problems.is_empty() {
        let total = sum.map_or_else(
            || "more than 64 bits hold".to_string(),
            |s| Usd(s).to_string(),
        );
        problems.push(
            Problem::new(
                field(),
                "E0219",
                format!(
                    "`amounts` sums to {total}, but `amount_usd` is {}",
                    Usd(raw.amount_usd)
                ),
            )
            .help("the shares divide the whole amount: they sum to `amount_usd` exactly"),
        );
    }
}

/// The amount, the MDE value and the duration: not zero, within the limits, MDE within the amount.
fn value_problems<'a>(raw: &RawProposal, field: &impl Fn(&str) -> Span) -> Vec<Problem<'a>> {
    let mut problems = Vec::new();
    if raw.amount_usd == 0 {
        problems.push(
            Problem::new(
                field("amount_usd"),
                "E0212",
                "`amount_usd` is 0: give the estimated dollar value of the activity",
            )
            .help(
                "for a sale, grant, lease, drawdown or retransfer, the value of the articles and \
                 services; $0 would pass every ceiling and notification threshold unweighed",
            ),
        );
    }
    problems.extend(too_many_dollars(
        || field("amount_usd"),
        "`amount_usd`",
        raw.amount_usd,
    ));
    if let Some(mde) = raw.major_defense_equipment_usd {
        let span = || field("major_defense_equipment_usd");
        problems.extend(too_many_dollars(span, "`major_defense_equipment_usd`", mde));
        if mde > raw.amount_usd && mde <= MAX_USD {
            problems.push(
                Problem::new(
                    span(),
                    "E0218",
                    format!(
                        "`major_defense_equipment_usd` {} is more than `amount_usd` {}",
                        Usd(mde),
                        Usd(raw.amount_usd)
                    ),
                )
                .help("the major defense equipment is part of the activity, so its value is at most `amount_usd`"),
            );
        }
    }
    if let Some(months) = raw.duration_months {
        let span = || field("duration_months");
        if months == 0 {
            problems.push(
                Problem::new(
                    span(),
                    "E0212",
                    "`duration_months` is 0: an activity lasts at least one month",
                )
                .help("give whole months, rounded up (a two-week exercise is 1); leave the field out if the duration is not known"),
            );
        } else if months > MAX_MONTHS {
            problems.push(
                Problem::new(
                    span(),
                    "E0211",
                    format!(
                        "`duration_months` {months} is more than {MAX_MONTHS} months (100 years)"
                    ),
                )
                .help("give the duration in months (a 5-year lease is 60)"),
            );
        }
    }
    problems
}

/// The facts: each given once, names and text values without control characters.
fn fact_problems<'a>(raw: &RawProposal, at: &Spans, text: &str) -> Vec<Problem<'a>> {
    let mut problems = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(raw.facts.0.len());
    let n = raw.facts.0.len();
    for (i, (name, value)) in raw.facts.0.iter().enumerate() {
        if first.insert(name.as_str(), i).is_some() {
            problems.push(
                Problem::new(
                    at.entry(text, "facts", i, n, true),
                    "E0210",
                    format!("fact `{}` is given twice", quote(name)),
                )
                .help("a fact has one value: remove one of the two"),
            );
        }
        problems.extend(unsafe_text(
            || at.entry(text, "facts", i, n, true),
            &format!("the name of fact `{}`", quote(name)),
            name,
        ));
        if let FactValue::Str(s) = value {
            problems.extend(unsafe_text(
                || at.entry(text, "facts", i, n, false),
                &format!("fact `{}`", quote(name)),
                s,
            ));
        }
    }
    problems
}

/// The first problem (in file order) as an `InputError`.
fn first_error(text: &str, problems: &[Problem<'_>]) -> Option<InputError> {
    let p = problems.iter().min_by_key(|p| p.span.start)?;
    let (line, column) = crate::diagnostic::line_col(text, p.span.start);
    Some(InputError {
        line,
        column,
        code: p.code,
        message: p.message.clone(),
        help: p.help.resolve(),
    })
}

impl Proposal {
    /// Parses one proposal. Checks syntax, field names and types, and that every value is allowed
    /// (`docs/proposal.md`, "Limits"); returns the first problem. Ids and the partner are checked
    /// against a rule base by `RuleBase::read_proposal`, which reports every problem.
    pub fn from_ron(text: &str) -> Result<Proposal, InputError> {
        let text = normalize(text);
        let read = read_proposal(&text)?;
        match first_error(&text, &read.problems) {
            Some(e) => Err(e),
            None => Ok(read.proposal),
        }
    }

    pub fn fiscal_year(&self) -> FiscalYear {
        FiscalYear::of(self.start)
    }

    /// The last day of the activity (start + duration - 1 day), if the duration is given. Always
    /// a date for a proposal read from a file: its start and duration are within the limits.
    pub fn end(&self) -> Option<Date> {
        // The last day of the activity: a 36-month program from 1 October 2026 ends 30 September
        // 2029, not 1 October (which would put it in the next fiscal year).
        let months = i64::from(self.duration_months?);
        let after = self
            .start
            .checked_add(jiff::Span::new().try_months(months).ok()?)
            .ok()?;
        if months == 0 {
            Some(self.start)
        } else {
            after.yesterday().ok()
        }
    }

    pub fn amount(&self) -> Usd {
        Usd(self.amount_usd)
    }

    /// A named fact as a typed value, or `None` when absent or not convertible.
    pub fn fact(&self, decl: &FactDecl) -> Option<Val> {
        match self.facts.get(&decl.id) {
            Some(v) => fact_as(v, decl.ty),
            None => decl.default.clone(),
        }
    }
}

/// Converts a fact value to a declared type; `None` when it is of another type or outside the
/// limits (dollars up to `MAX_USD`, months up to `MAX_MONTHS`, days up to `MAX_DAYS`, dates
/// written `YYYY-MM-DD` within the date range).
pub fn fact_as(v: &FactValue, ty: Type) -> Option<Val> {
    match (v, ty) {
        (FactValue::Bool(b), Type::Bool) => Some(Val::Bool(*b)),
        (FactValue::Int(i), Type::Usd) => u64::try_from(*i)
            .ok()
            .filter(|u| *u <= MAX_USD)
            .map(|u| Val::Usd(Usd(u))),
        (FactValue::Int(i), Type::Int) => i64::try_from(*i).ok().map(Val::Int),
        (FactValue::Int(i), Type::Months) => u64::try_from(*i)
            .ok()
            .filter(|m| *m <= MAX_MONTHS)
            .and_then(|m| u32::try_from(m).ok())
            .map(Val::Months),
        (FactValue::Int(i), Type::Days) => u64::try_from(*i)
            .ok()
            .filter(|d| *d <= MAX_DAYS)
            .and_then(|d| u32::try_from(d).ok())
            .map(Val::Days),
        (FactValue::Str(s), Type::Date) => parse_date(s).ok().map(Val::Date),
        (FactValue::Str(s), Type::Str) => Some(Val::Str(s.clone())),
        _ => None,
    }
}

/// Why a fact's value cannot be read as its declared type: the code and the message.
pub fn fact_problem(name: &str, v: &FactValue, ty: Type) -> Option<(&'static str, String)> {
    let name = quote(name);
    let over = |what: String| Some(("E0211", format!("fact `{name}` is {what}")));
    match (v, ty) {
        (FactValue::Int(i), Type::Usd) if *i > i128::from(MAX_USD) => {
            let shown = u64::try_from(*i).map_or_else(|_| i.to_string(), |u| Usd(u).to_string());
            over(format!("{shown}, more than {}", max_usd_words()))
        }
        (FactValue::Int(i), Type::Months) if *i > i128::from(MAX_MONTHS) => {
            over(format!("{i} months, more than {MAX_MONTHS} (100 years)"))
        }
        (FactValue::Int(i), Type::Days) if *i > i128::from(MAX_DAYS) => {
            over(format!("{i} days, more than {MAX_DAYS} (100 years)"))
        }
        (FactValue::Str(s), Type::Date) => parse_date(s)
            .err()
            .map(|e| e.describe(&format!("fact `{name}`"), s)),
        _ if fact_as(v, ty).is_none() => Some((
            "E0203",
            format!(
                "fact `{name}` must be {ty}, found {}",
                quote(&v.to_string())
            ),
        )),
        _ => None,
    }
}

/// Where a field (or a string value inside it) is written, for error positions.
pub struct Location {
    pub line: usize,
    pub column: usize,
}

impl Location {
    pub fn error(&self, message: impl Into<String>) -> InputError {
        InputError {
            line: self.line,
            column: self.column,
            code: "E0201",
            message: message.into(),
            help: None,
        }
    }
}

/// The position of a top-level `field:` of a proposal or ledger, or with `value`, of the string
/// `value` written inside that field's value (the key when it is not found there).
pub fn locate(text: &str, field: &str, value: Option<&str>) -> Location {
    let text = normalize(text);
    let offset = outline(&text)
        .and_then(|root| {
            let item = root.field(&text, field)?;
            let key = item
                .key
                .as_ref()
                .map_or(item.value.span.start, |k| k.span.start);
            Some(match value {
                None => key,
                Some(v) => find_str(&text, &item.value, v).unwrap_or(key),
            })
        })
        .or_else(|| {
            // Text the outline cannot read: the first key and quoted value that look right.
            let k = find_key(&text, field)?;
            Some(match value {
                Some(v) => text
                    .get(k..)
                    .and_then(|rest| rest.find(&format!("\"{v}\"")))
                    .map_or(k, |i| k + i),
                None => k,
            })
        });
    let (line, column) = crate::diagnostic::line_col(&text, offset.unwrap_or(0));
    Location { line, column }
}

/// The first string literal in `node` whose value is `v`.
fn find_str(text: &str, node: &Node, v: &str) -> Option<usize> {
    use crate::input::outline::NodeKind;
    match &node.kind {
        NodeKind::Str => {
            let lit = text.get(node.span.start..node.span.end)?;
            (ron::from_str::<String>(lit).ok()? == v).then_some(node.span.start)
        }
        NodeKind::Word => None,
        NodeKind::Group { items, .. } => items.iter().find_map(|i| {
            i.key
                .as_ref()
                .and_then(|k| find_str(text, k, v))
                .or_else(|| find_str(text, &i.value, v))
        }),
    }
}

/// Byte offset of `field:` as a key (not inside a string or comment, roughly).
fn find_key(text: &str, field: &str) -> Option<usize> {
    let mut search = 0;
    while let Some(i) = text.get(search..).and_then(|t| t.find(field)) {
        let at = search + i;
        let before_ok = at == 0
            || !text
                .as_bytes()
                .get(at - 1)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'"');
        let after = text.get(at + field.len()..).unwrap_or("").trim_start();
        if before_ok && after.starts_with(':') {
            return Some(at);
        }
        search = at + field.len();
    }
    None
}

/// Amounts already committed against per-fiscal-year ceilings (`--ledger FILE`). Shared: a copy
/// costs a reference count, so a `Decision` keeps the ledger it saw (to plan cures when asked).
#[derive(Debug, Clone, Default)]
pub struct Ledger(std::sync::Arc<LedgerData>);

#[derive(Debug, Clone, Default)]
struct LedgerData {
    entries: Vec<LedgerEntry>,
    /// SHA-256 of the ledger's JSON, worked out once: every decision's record names it, and
    /// hashing a 2,000-entry ledger per decision made a batch with it eight times slower.
    digest: std::sync::OnceLock<String>,
    /// Entry positions by authority and fiscal year, made on first need: each ceiling of each
    /// candidate of each proposal asks, and a scan of every entry made a 2,000-entry ledger cost
    /// a decision four times its own work.
    index: std::sync::OnceLock<LedgerIndex>,
}

type LedgerIndex = foldhash::HashMap<String, foldhash::HashMap<FiscalYear, Vec<usize>>>;

impl PartialEq for Ledger {
    fn eq(&self, other: &Ledger) -> bool {
        self.0.entries == other.0.entries
    }
}

impl Eq for Ledger {}

/// `{"entries": [...]}`: what the digest is of.
impl Serialize for Ledger {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Ledger", 1)?;
        st.serialize_field("entries", &self.0.entries)?;
        st.end()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LedgerEntry {
    pub authority: String,
    pub fiscal_year: FiscalYear,
    pub amount_usd: u64,
    #[serde(default)]
    pub reference: String,
    /// A sub-cap this entry also counts against (e.g. `counternarcotics` within 506(a)(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<String>,
}

const LEDGER_FIELDS: [&str; 6] = [
    "entries",
    "authority",
    "fiscal_year",
    "amount_usd",
    "reference",
    "ceiling",
];

/// What RON reads of a ledger, before its values are checked.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "Ledger")]
struct RawLedger {
    entries: Vec<RawEntry>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename = "LedgerEntry")]
struct RawEntry {
    authority: String,
    fiscal_year: i64,
    amount_usd: u64,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    ceiling: Option<String>,
}

/// A ledger as read from its file, before the rule base checks its authorities and ceilings.
pub struct ReadLedger {
    pub ledger: Ledger,
    pub at: Spans,
    pub problems: Vec<Problem<'static>>,
}

/// Reads a ledger from normalized text: the RON error if it does not parse, else the ledger with
/// every problem of its values.
pub fn read_ledger(text: &str) -> Result<ReadLedger, InputError> {
    let raw: RawLedger = ron_options()
        .from_str(text)
        .map_err(|e| ron_error(e, &LEDGER_FIELDS, text))?;
    let at = Spans::new();
    let (first_fy, last_fy) = fiscal_years();
    let n = raw.entries.len();
    let mut problems = Vec::new();
    let mut entries = Vec::with_capacity(n);
    for (i, e) in raw.entries.into_iter().enumerate() {
        let span = |name: &str| at.element_field(text, "entries", i, n, name);
        let fy = i16::try_from(e.fiscal_year)
            .ok()
            .filter(|fy| (first_fy..=last_fy).contains(fy));
        if fy.is_none() {
            problems.push(
                Problem::new(
                    span("fiscal_year"),
                    "E0211",
                    format!(
                        "`fiscal_year` {} is outside the fiscal years authsel accepts ({first_fy} to {last_fy})",
                        e.fiscal_year
                    ),
                )
                .help("write the fiscal year as four digits: FY2027 is 2027 (1 October 2026 to 30 September 2027)"),
            );
        }
        problems.extend(too_many_dollars(
            || span("amount_usd"),
            "`amount_usd`",
            e.amount_usd,
        ));
        entries.push(LedgerEntry {
            authority: e.authority,
            fiscal_year: FiscalYear::new(fy.unwrap_or(first_fy)),
            amount_usd: e.amount_usd,
            reference: e.reference,
            ceiling: e.ceiling,
        });
    }
    Ok(ReadLedger {
        ledger: Ledger::new(entries),
        at,
        problems,
    })
}

impl Ledger {
    pub fn new(entries: Vec<LedgerEntry>) -> Ledger {
        Ledger(std::sync::Arc::new(LedgerData {
            entries,
            ..LedgerData::default()
        }))
    }

    pub fn entries(&self) -> &[LedgerEntry] {
        &self.0.entries
    }

    /// The entries to change (copied first if the ledger is shared); the digest and the index
    /// are worked out again when next asked for.
    pub fn entries_mut(&mut self) -> &mut Vec<LedgerEntry> {
        let data = std::sync::Arc::make_mut(&mut self.0);
        data.digest = std::sync::OnceLock::new();
        data.index = std::sync::OnceLock::new();
        &mut data.entries
    }

    /// SHA-256 of the ledger's JSON, in hex (`input::digest::sha256_json`), computed once.
    pub fn digest(&self) -> &str {
        self.0
            .digest
            .get_or_init(|| crate::input::digest::sha256_json(self))
    }

    /// Parses a ledger. Checks syntax, field names and types, and that every value is allowed;
    /// returns the first problem. Authorities and ceilings are checked against a rule base by
    /// `RuleBase::read_ledger`.
    pub fn from_ron(text: &str) -> Result<Ledger, InputError> {
        let text = normalize(text);
        let read = read_ledger(&text)?;
        match first_error(&text, &read.problems) {
            Some(e) => Err(e),
            None => Ok(read.ledger),
        }
    }

    /// Dollars committed against one ceiling of an authority in `fy` (see
    /// `Authority::ceiling_counts` for which entries count). `None` on overflow.
    pub fn committed_against(
        &self,
        a: &crate::model::Authority,
        fy: FiscalYear,
        ceiling: &str,
    ) -> Option<Usd> {
        let data = &self.0;
        let index = data.index.get_or_init(|| {
            let mut index = LedgerIndex::default();
            for (i, e) in data.entries.iter().enumerate() {
                let years = index.entry(e.authority.clone()).or_default();
                years.entry(e.fiscal_year).or_default().push(i);
            }
            index
        });
        let at = index.get(a.id.as_str()).and_then(|years| years.get(&fy));
        let mut total = 0u64;
        for e in at
            .into_iter()
            .flatten()
            .filter_map(|i| data.entries.get(*i))
        {
            if a.ceiling_counts(ceiling, e.ceiling.as_deref()) {
                total = total.checked_add(e.amount_usd)?;
            }
        }
        Some(Usd(total))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ledger's digest is its JSON's, worked out once, and again after the entries change.
    #[test]
    fn the_ledger_digest_is_kept_until_the_entries_change() {
        let entry = |usd| LedgerEntry {
            authority: "fms".into(),
            fiscal_year: FiscalYear::new(2027),
            amount_usd: usd,
            reference: String::new(),
            ceiling: None,
        };
        let mut l = Ledger::new(vec![entry(5)]);
        let first = l.digest().to_string();
        assert_eq!(first, crate::input::digest::sha256_json(&l));
        assert_eq!(l.digest(), first);
        l.entries_mut().push(entry(7));
        assert_ne!(l.digest(), first);
        assert_eq!(l.digest(), crate::input::digest::sha256_json(&l));
        // The digest is not part of what a ledger says: a copy with none worked out is equal.
        assert_eq!(Ledger::new(l.entries().to_vec()), l);
    }

    /// RON's messages for a planner's usual mistakes, said the way to write it instead.
    #[test]
    fn numbers_and_values_written_wrong_are_explained() {
        let base = include_str!("../../examples/01-ct-train-equip-333.ron");
        let read = |from: &str, to: &str| {
            let text = base.replace(from, to);
            assert_ne!(text, base, "{from}");
            match read_proposal(&text) {
                Err(e) => (e.message, e.help.unwrap_or_default()),
                Ok(_) => panic!("{to} read"),
            }
        };
        let (m, h) = read("amount_usd: 30000000", "amount_usd: 30,000,000");
        assert!(
            m.contains("without commas") && h == "write 30000000 or 30_000_000",
            "{m} {h}"
        );
        let (m, _) = read("amount_usd: 30000000", "amount_usd: -5");
        assert!(m.contains("negative"), "{m}");
        let (m, _) = read("amount_usd: 30000000", "amount_usd: 3.5e7");
        assert!(m.contains("not decimals: `3.5e7`"), "{m}");
        let (m, h) = read("leahy: Passed", "leahy: passed");
        assert!(
            m.contains("allowed values: NotStarted, Pending, Passed, Failed"),
            "{m}"
        );
        assert!(h.starts_with("did you mean `Passed`?"), "{h}");
    }

    const GOOD: &str = r#"Proposal(
    id: "LBN-27-CT-01",
    title: "Train and equip",
    partner: "Lebanon",
    recipient: NationalMilitary,
    purposes: ["counterterrorism"],
    activities: ["training", "equipment"],
    amount_usd: 30000000,
    start: "2027-03-01",
    duration_months: 24,
    funding: DoD,
    leahy: Passed,
    major_defense_equipment_usd: 0,
    emergency: false,
    facts: {"excess_articles": false, "original_acquisition_cost_usd": 7000000, "when": "2027-01-01"},
)"#;

    #[test]
    fn reads_the_contract_example() {
        let p = Proposal::from_ron(GOOD).expect("valid");
        assert_eq!(p.amount_usd, 30_000_000);
        assert_eq!(p.duration_months, Some(24));
        assert_eq!(p.fiscal_year(), FiscalYear::new(2027));
        assert_eq!(p.end(), Some(jiff::civil::date(2029, 2, 28)));
        let fy_start = Proposal {
            start: jiff::civil::date(2026, 10, 1),
            duration_months: Some(36),
            ..p.clone()
        };
        assert_eq!(fy_start.end(), Some(jiff::civil::date(2029, 9, 30)));
        assert_eq!(
            p.facts.get("original_acquisition_cost_usd"),
            Some(&FactValue::Int(7_000_000))
        );
    }

    #[test]
    fn optional_fields_accept_some_and_none() {
        let text = GOOD
            .replace("duration_months: 24", "duration_months: Some(24)")
            .replace("funding: DoD", "funding: None");
        let p = Proposal::from_ron(&text).expect("valid");
        assert_eq!(p.duration_months, Some(24));
        assert_eq!(p.funding, None);
    }

    #[test]
    fn misspelled_field_has_position_and_hint() {
        let text = GOOD.replace("amount_usd: 3", "amout_usd: 3");
        let e = Proposal::from_ron(&text).expect_err("typo");
        assert_eq!((e.line, e.column), (8, 5), "{e}");
        assert!(e.message.contains("amout_usd"));
        assert_eq!(e.help.as_deref(), Some("did you mean `amount_usd`?"));
    }

    #[test]
    fn wrong_type_and_bad_date_are_errors() {
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "\"lots\"")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("2027-03-01", "2027-02-30")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "-5")).is_err());
        assert!(Proposal::from_ron(&GOOD.replace("30000000", "3.5")).is_err());
    }

    /// The error `from_ron` gives for `GOOD` with `from` replaced by `to`: code, line, column.
    fn error(from: &str, to: &str) -> InputError {
        assert!(GOOD.contains(from), "{from}");
        Proposal::from_ron(&GOOD.replace(from, to)).expect_err(to)
    }

    #[test]
    fn a_repeated_fact_or_id_is_an_error_at_the_second() {
        let e = error("\"when\": \"2027-01-01\"", "\"excess_articles\": true");
        assert_eq!((e.code, e.line, e.column), ("E0210", 15, 81), "{e}");
        assert!(
            e.message.contains("fact `excess_articles` is given twice"),
            "{e}"
        );
        // Written differently, the same name: still the same fact.
        let e = error(
            "\"when\": \"2027-01-01\"",
            "\"excess\\u{5f}articles\": true",
        );
        assert_eq!((e.code, e.line, e.column), ("E0210", 15, 81), "{e}");
        let e = error(
            "[\"training\", \"equipment\"]",
            "[\"training\", \"equipment\", \"training\"]",
        );
        assert_eq!((e.code, e.line, e.column), ("E0210", 7, 43), "{e}");
        assert!(
            e.message.contains("activity `training` is listed twice"),
            "{e}"
        );
    }

    #[test]
    fn values_are_bounded_and_zero_is_no_value() {
        for (from, to, code, column) in [
            ("amount_usd: 30000000", "amount_usd: 0", "E0212", 17),
            (
                "amount_usd: 30000000",
                "amount_usd: 10000000000001",
                "E0211",
                17,
            ),
            ("duration_months: 24", "duration_months: 0", "E0212", 22),
            ("duration_months: 24", "duration_months: 1201", "E0211", 22),
            (
                "duration_months: 24",
                "duration_months: Some(4294967296)",
                "E0211",
                27,
            ),
            (
                "major_defense_equipment_usd: 0",
                "major_defense_equipment_usd: 30000001",
                "E0218",
                34,
            ),
            (
                "major_defense_equipment_usd: 0",
                "major_defense_equipment_usd: 99999999999999999",
                "E0211",
                34,
            ),
            (
                "start: \"2027-03-01\"",
                "start: \"1944-12-31\"",
                "E0211",
                12,
            ),
            (
                "start: \"2027-03-01\"",
                "start: \"2201-01-01\"",
                "E0211",
                12,
            ),
            (
                "start: \"2027-03-01\"",
                "start: \"2027-03-01T00:00\"",
                "E0213",
                12,
            ),
            ("start: \"2027-03-01\"", "start: \"2027-3-1\"", "E0213", 12),
            (
                "start: \"2027-03-01\"",
                "start: \"2027-02-30\"",
                "E0201",
                12,
            ),
        ] {
            let e = error(from, to);
            assert_eq!((e.code, e.column), (code, column), "{to}: {e}");
        }
        // The limits themselves are allowed, and the end of the longest activity is a date.
        let edge = GOOD
            .replace("amount_usd: 30000000", "amount_usd: 10000000000000")
            .replace("duration_months: 24", "duration_months: 1200")
            .replace("\"2027-03-01\"", "\"2200-12-31\"");
        let p = Proposal::from_ron(&edge).expect("at the limits");
        assert_eq!(p.end(), Some(jiff::civil::date(2300, 12, 30)));
    }

    #[test]
    fn control_characters_in_text_fields_are_errors() {
        let e = error("Train and equip", "Train\u{1b}[2J");
        assert_eq!((e.code, e.line, e.column), ("E0217", 3, 12), "{e}");
        let e = error("Train and equip", "Train\\u{202e}");
        assert_eq!(e.code, "E0217", "{e}");
        assert!(Proposal::from_ron(&GOOD.replace("Train and equip", "Train\tand equip")).is_ok());
    }

    #[test]
    fn a_bom_and_any_line_ending_read_alike() {
        let plain = Proposal::from_ron(GOOD).expect("valid");
        let bom = format!("\u{feff}{GOOD}");
        assert_eq!(Proposal::from_ron(&bom).as_ref(), Ok(&plain));
        let commented = format!("// a comment\n{GOOD}");
        for text in [
            commented.replace('\n', "\r"),
            commented.replace('\n', "\r\n"),
        ] {
            assert_eq!(Proposal::from_ron(&text).as_ref(), Ok(&plain), "{text:?}");
            let typo = format!("\u{feff}{}", text.replace("amount_usd", "amout_usd"));
            let e = Proposal::from_ron(&typo).expect_err("typo");
            assert_eq!((e.line, e.column), (9, 5), "{e}");
        }
    }

    #[test]
    fn ron_messages_quote_input_cut_short() {
        let huge = "q".repeat(100_000);
        let e = error("amount_usd: 3", &format!("{huge}: 1, amount_usd: 3"));
        assert!(e.message.len() < 200, "{}", e.message.len());
        let e = error("NationalMilitary", &huge);
        assert!(e.message.len() < 500, "{}", e.message.len());
    }

    #[test]
    fn locate_points_at_values_not_comments() {
        let text = "// partner: \"Lebanon\"\nProposal(\n  id: \"X\", partner: \"Lebanon\",\n  purposes: [\"a\", r\"b\"],\n)";
        let at = locate(text, "partner", Some("Lebanon"));
        assert_eq!((at.line, at.column), (3, 21));
        let at = locate(text, "purposes", Some("b"));
        assert_eq!((at.line, at.column), (4, 19));
        let at = locate(text, "purposes", None);
        assert_eq!((at.line, at.column), (4, 3));
        // Text that does not parse: the key found in the text.
        let at = locate("Proposal(\n id: \"X\"", "id", Some("X"));
        assert_eq!((at.line, at.column), (2, 6));
    }

    #[test]
    fn ledger_values_are_bounded() {
        let entry = |fy: &str, usd: &str| {
            Ledger::from_ron(&format!(
                "Ledger(entries: [(authority: \"a\", fiscal_year: {fy}, amount_usd: {usd})])"
            ))
        };
        assert!(entry("2027", "0").is_ok());
        assert!(entry("1945", "10000000000000").is_ok());
        assert!(entry("2201", "1").is_ok());
        for (fy, usd, column) in [
            ("1944", "1", 48),
            ("2202", "1", 48),
            ("99999", "1", 48),
            ("2027", "10000000000001", 66),
        ] {
            let e = entry(fy, usd).expect_err(fy);
            assert_eq!((e.code, e.line, e.column), ("E0211", 1, column), "{e}");
        }
    }

    #[test]
    fn ledger_sums_by_authority_year_and_ceiling() {
        let rules = crate::model::RuleBase::from_files(&[crate::lang::source::SourceFile {
            name: "r.auth".into(),
            text: r#"purpose p "p"
activity x "x"
authority d { name "D" citation "D"
    ceiling total: $200M per fiscal_year cite "D"
    ceiling cn: $75M per fiscal_year within total cite "D"
    ceiling other: $25M per fiscal_year cite "D" }"#
                .into(),
        }])
        .expect("rules");
        let a = rules.authority("d").expect("d");
        let l = Ledger::from_ron(
            r#"Ledger(entries: [
                (authority: "d", fiscal_year: 2027, amount_usd: 50, reference: "a", ceiling: "cn"),
                (authority: "d", fiscal_year: 2027, amount_usd: 7, reference: "b"),
                (authority: "d", fiscal_year: 2027, amount_usd: 3, reference: "c", ceiling: "other"),
                (authority: "d", fiscal_year: 2026, amount_usd: 1000, reference: "d"),
                (authority: "e", fiscal_year: 2027, amount_usd: 1000, reference: "e"),
            ])"#,
        )
        .expect("ledger");
        // The sub-cap's entry counts against its parent too; the named separate cap only against itself.
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "total"),
            Some(Usd(57))
        );
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "cn"),
            Some(Usd(50))
        );
        // An entry naming no ceiling counts against every top-level one.
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2027), "other"),
            Some(Usd(10))
        );
        assert_eq!(
            l.committed_against(a, FiscalYear::new(2028), "total"),
            Some(Usd(0))
        );
    }
}
