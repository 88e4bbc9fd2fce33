//! The proposal form as data: what the browser sends ([`Form`], every field as typed), the RON
//! proposal written from it, and the form filled from a proposal (import). Invariant: the form is
//! never judged here. Its RON text goes through `RuleBase::read_proposal`, the CLI's own reader, so
//! every problem is the CLI's diagnostic in the CLI's words; this file only knows which line of
//! the text it wrote holds which field, to show each diagnostic beside its field.

use crate::diagnostic::Diagnostic;
use crate::input::proposal::{FactValue, Proposal};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write;

/// The form as the browser holds it: text as typed (money may carry thousands separators), an
/// empty text for an optional field left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Form {
    pub id: String,
    pub title: String,
    pub partner: String,
    pub partner_outside_registry: bool,
    pub recipient: String,
    pub purposes: Vec<String>,
    pub activities: Vec<String>,
    pub amount_usd: String,
    pub start: String,
    pub offer_date: String,
    pub duration_months: String,
    pub funding: String,
    pub leahy: String,
    pub major_defense_equipment_usd: String,
    /// `""` (not stated), `"true"` or `"false"`.
    pub emergency: String,
    /// Named facts: a bool, an integer or a string each.
    pub facts: BTreeMap<String, serde_json::Value>,
}

/// A form value that cannot be written as RON at all (a fact that is an object, say): the form
/// was not made by the workbench's page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fact `{0}`: a fact is true, false, an integer or a string")]
pub struct FormError(pub String);

/// A proposal written from a form, with the field each line belongs to.
#[derive(Debug, Clone)]
pub struct Written {
    pub ron: String,
    /// `lines[n]` is the field of line n+1 (`""` for the frame).
    lines: Vec<String>,
}

impl Written {
    /// The form field a diagnostic belongs to: the field written on its line, or the field its
    /// message names in backquotes (`missing field \`start\``), or `""` for the whole proposal.
    pub fn field_of(&self, d: &Diagnostic) -> String {
        let on_line = d.line.checked_sub(1).and_then(|i| self.lines.get(i));
        if let Some(f) = on_line.filter(|f| !f.is_empty()) {
            return f.clone();
        }
        FIELDS
            .iter()
            .find(|f| d.message.contains(&format!("`{f}`")))
            .map_or_else(String::new, |f| (*f).to_string())
    }
}

/// The proposal's fields in the order they are written.
pub const FIELDS: [&str; 16] = [
    "id",
    "title",
    "partner",
    "partner_outside_registry",
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
    "facts",
];

struct Writer {
    ron: String,
    lines: Vec<String>,
}

impl Writer {
    fn line(&mut self, field: &str, text: &str) {
        self.ron.push_str(text);
        self.ron.push('\n');
        self.lines.push(field.to_string());
    }
    fn field(&mut self, field: &str, value: &str) {
        self.line(field, &format!("    {field}: {value},"));
    }
}

/// A RON string literal (RON's own writer, so every escape is RON's).
fn quoted(s: &str) -> String {
    ron::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Money and counts as typed: `30,000,000`, `30 000 000` and `30_000_000` are the number; any other
/// text is written as a string, which the reader refuses in its own words.
fn number(s: &str) -> String {
    let digits: String = s
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '_' | ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits
    } else {
        quoted(s.trim())
    }
}

/// An enumeration value (`NationalMilitary`): a bare name if it is one, else a string the reader
/// refuses in its own words.
fn name(s: &str) -> String {
    let s = s.trim();
    let ident = s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric());
    if ident {
        s.to_string()
    } else {
        quoted(s)
    }
}

fn fact(name: &str, v: &serde_json::Value) -> Result<String, FormError> {
    match v {
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Number(n) if n.is_i64() || n.is_u64() => Ok(n.to_string()),
        serde_json::Value::String(s) => Ok(quoted(s)),
        _ => Err(FormError(name.to_string())),
    }
}

impl Form {
    /// The proposal as RON, one field per line (list entries and facts one per line too), in the
    /// order of [`FIELDS`]. A required field left empty is left out (the reader names it missing);
    /// an optional one left empty is absent.
    pub fn to_ron(&self) -> Result<Written, FormError> {
        let mut w = Writer {
            ron: String::with_capacity(512),
            lines: Vec::new(),
        };
        w.line("", "Proposal(");
        for (field, value) in [
            ("id", &self.id),
            ("title", &self.title),
            ("partner", &self.partner),
        ] {
            w.field(field, &quoted(value));
        }
        if self.partner_outside_registry {
            w.field("partner_outside_registry", "true");
        }
        if !self.recipient.trim().is_empty() {
            w.field("recipient", &name(&self.recipient));
        }
        for (field, list) in [
            ("purposes", &self.purposes),
            ("activities", &self.activities),
        ] {
            w.line(field, &format!("    {field}: ["));
            for x in list {
                w.line(field, &format!("        {},", quoted(x)));
            }
            w.line(field, "    ],");
        }
        let optional = [
            ("amount_usd", &self.amount_usd, number as fn(&str) -> String),
            ("start", &self.start, |s: &str| quoted(s.trim())),
            ("offer_date", &self.offer_date, |s: &str| quoted(s.trim())),
            ("duration_months", &self.duration_months, number),
            ("funding", &self.funding, name),
            ("leahy", &self.leahy, name),
            (
                "major_defense_equipment_usd",
                &self.major_defense_equipment_usd,
                number,
            ),
            ("emergency", &self.emergency, name),
        ];
        for (field, value, write) in optional {
            if !value.trim().is_empty() {
                w.field(field, &write(value));
            }
        }
        if !self.facts.is_empty() {
            w.line("facts", "    facts: {");
            for (k, v) in &self.facts {
                w.line("facts", &format!("        {}: {},", quoted(k), fact(k, v)?));
            }
            w.line("facts", "    },");
        }
        w.line("", ")");
        Ok(Written {
            ron: w.ron,
            lines: w.lines,
        })
    }

    /// The form filled from a checked proposal (an imported file). `outside_registry`: the
    /// partner is not in the rule base's registry.
    pub fn from_proposal(p: &Proposal, outside_registry: bool) -> Form {
        Form {
            id: p.id.clone(),
            title: p.title.clone(),
            partner: p.partner.clone(),
            partner_outside_registry: outside_registry,
            recipient: ron_name(&p.recipient),
            purposes: p.purposes.clone(),
            activities: p.activities.clone(),
            amount_usd: p.amount_usd.to_string(),
            start: p.start.to_string(),
            offer_date: p.offer_date.map(|d| d.to_string()).unwrap_or_default(),
            duration_months: p.duration_months.map(|m| m.to_string()).unwrap_or_default(),
            funding: p.funding.as_ref().map(ron_name).unwrap_or_default(),
            leahy: p.leahy.as_ref().map(ron_name).unwrap_or_default(),
            major_defense_equipment_usd: p
                .major_defense_equipment_usd
                .map(|m| m.to_string())
                .unwrap_or_default(),
            emergency: p.emergency.map(|e| e.to_string()).unwrap_or_default(),
            facts: p
                .facts
                .iter()
                .map(|(k, v)| (k.clone(), json_fact(v)))
                .collect(),
        }
    }
}

fn json_fact(v: &FactValue) -> serde_json::Value {
    match v {
        FactValue::Bool(b) => serde_json::Value::Bool(*b),
        FactValue::Int(i) => i64::try_from(*i)
            .map(serde_json::Value::from)
            .unwrap_or_else(|_| serde_json::Value::String(i.to_string())),
        FactValue::Str(s) => serde_json::Value::String(s.clone()),
    }
}

/// An enumeration's name as RON writes it (`NationalMilitary`).
fn ron_name<T: Serialize>(v: &T) -> String {
    ron::to_string(v).unwrap_or_default()
}

/// A one-line summary of the form's fields that differ between two versions: (field, old, new).
pub fn changed_fields(a: &Form, b: &Form) -> Vec<(String, String, String)> {
    let (Ok(va), Ok(vb)) = (serde_json::to_value(a), serde_json::to_value(b)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in FIELDS {
        let (x, y) = (va.get(f), vb.get(f));
        if x != y {
            let none = serde_json::Value::Null;
            out.push((
                f.to_string(),
                show(x.unwrap_or(&none)),
                show(y.unwrap_or(&none)),
            ));
        }
    }
    out
}

fn show(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) if s.is_empty() => "(not stated)".to_string(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) => {
            let items: Vec<String> = a.iter().map(show).collect();
            items.join(", ")
        }
        serde_json::Value::Object(m) if m.is_empty() => "(none)".to_string(),
        serde_json::Value::Object(m) => {
            let mut s = String::new();
            for (k, v) in m {
                let _ = write!(
                    s,
                    "{}{k}: {}",
                    if s.is_empty() { "" } else { ", " },
                    show(v)
                );
            }
            s
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuleBase;

    fn lebanon() -> Form {
        Form {
            id: "LBN-27-CT-01".into(),
            title: "Train and equip <LAF> \"CT\" companies".into(),
            partner: "Lebanon".into(),
            recipient: "NationalMilitary".into(),
            purposes: vec!["counterterrorism".into()],
            activities: vec!["training".into(), "equipment".into()],
            amount_usd: "30,000,000".into(),
            start: "2027-03-01".into(),
            offer_date: "2027-01-15".into(),
            duration_months: "24".into(),
            funding: "DoD".into(),
            leahy: "Passed".into(),
            ..Form::default()
        }
    }

    #[test]
    fn a_form_round_trips_through_ron() {
        let rb = RuleBase::builtin();
        let w = lebanon().to_ron().unwrap();
        let p = rb.read_proposal("form", &w.ron).unwrap();
        assert_eq!(p.amount_usd, 30_000_000);
        assert_eq!(Form::from_proposal(&p, false).amount_usd, "30000000");
        let mut again = Form::from_proposal(&p, false);
        again.amount_usd = "30,000,000".into();
        assert_eq!(again, lebanon());
    }

    #[test]
    fn each_problem_is_the_readers_and_sits_beside_its_field() {
        let rb = RuleBase::builtin();
        let mut f = lebanon();
        f.purposes.push("counterterrorizm".into());
        f.amount_usd = "30 million".into();
        let w = f.to_ron().unwrap();
        let diags = rb.read_proposal("form", &w.ron).unwrap_err();
        let fields: Vec<String> = diags.iter().map(|d| w.field_of(d)).collect();
        assert!(fields.contains(&"amount_usd".to_string()), "{diags:?}");
        f.amount_usd = "1".into();
        let w = f.to_ron().unwrap();
        let diags = rb.read_proposal("form", &w.ron).unwrap_err();
        assert_eq!(w.field_of(&diags[0]), "purposes");
        assert!(diags[0]
            .message
            .contains("unknown purpose `counterterrorizm`"));
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let rb = RuleBase::builtin();
        let mut f = lebanon();
        f.start.clear();
        let w = f.to_ron().unwrap();
        let diags = rb.read_proposal("form", &w.ron).unwrap_err();
        assert_eq!(w.field_of(&diags[0]), "start", "{diags:?}");
    }

    #[test]
    fn text_cannot_break_out_of_its_field() {
        let rb = RuleBase::builtin();
        let mut f = lebanon();
        f.title = "x\", amount_usd: 1, title: \"y".into();
        f.recipient = "NationalMilitary, funding: DoS".into();
        let w = f.to_ron().unwrap();
        let diags = rb.read_proposal("form", &w.ron).unwrap_err();
        assert_eq!(w.field_of(&diags[0]), "recipient", "{diags:?}");
        f.recipient = "NationalMilitary".into();
        let p = rb.read_proposal("form", &f.to_ron().unwrap().ron).unwrap();
        assert_eq!(p.title, "x\", amount_usd: 1, title: \"y");
    }

    #[test]
    fn facts_are_scalars() {
        let mut f = lebanon();
        f.facts
            .insert("national_level".into(), serde_json::json!(true));
        assert!(f
            .to_ron()
            .unwrap()
            .ron
            .contains("\"national_level\": true,"));
        f.facts.insert("x".into(), serde_json::json!({"a": 1}));
        assert_eq!(f.to_ron().unwrap_err(), FormError("x".into()));
    }

    #[test]
    fn changed_fields_names_each_difference() {
        let a = lebanon();
        let mut b = lebanon();
        b.amount_usd = "40,000,000".into();
        b.funding.clear();
        let c = changed_fields(&a, &b);
        assert_eq!(
            c,
            vec![
                (
                    "amount_usd".into(),
                    "30,000,000".into(),
                    "40,000,000".into()
                ),
                ("funding".into(), "DoD".into(), "(not stated)".into()),
            ]
        );
    }
}
