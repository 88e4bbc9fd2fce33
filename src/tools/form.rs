//! The proposal's form, from the rule base: `authsel new` writes a commented template that
//! evaluates as written, `authsel schema` a JSON Schema of the fields (ids, enums, bounds) for
//! editors. Both list only what the rule base defines, so they never drift from `input/`.

use crate::input::limits::{FIRST_DATE, LAST_DATE, MAX_MONTHS, MAX_USD};
use crate::model::{Funding, LeahyStatus, RecipientKind, RuleBase, Type};
use serde_json::{json, Value};

/// Comment lines listing every one of `items` after `label`, wrapped at 96 columns.
fn listing(label: &str, items: &[String]) -> String {
    let mut out = format!("    // {label}:");
    let mut col = out.len();
    for (i, item) in items.iter().enumerate() {
        let sep = if i + 1 < items.len() { "," } else { "" };
        if col + 1 + item.len() + sep.len() > 96 {
            out += "\n    //  ";
            col = 10;
        }
        out += &format!(" {item}{sep}");
        col += 1 + item.len() + sep.len();
    }
    out + "\n"
}

fn names<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> Vec<String> {
    items.into_iter().map(|x| x.to_string()).collect()
}

/// A proposal template with every field, its allowed values and its default in comments. As
/// written it is a valid proposal (a § 333 counterterrorism train-and-equip case): edit the values.
pub fn template(rb: &RuleBase) -> String {
    let purposes: Vec<String> = rb.purposes.keys().cloned().collect();
    let activities: Vec<String> = rb.activities.keys().cloned().collect();
    let facts: Vec<String> = rb.facts.keys().cloned().collect();
    let mut t = String::from(
        "// A proposal for `authsel eval` (docs/proposal.md has every field in full).\n\
         // `authsel vocab` lists every id below with its meaning and the authorities that use it.\n\
         Proposal(\n    // ---- required ----\n",
    );
    t += "    id: \"XXX-27-01\",                     // your reference; unique within a batch\n";
    t += "    title: \"Describe the activity in a line\",\n";
    t += "    partner: \"Lebanon\",                  // a country or organization: `authsel vocab partners`\n";
    t += &listing("recipient, one of", &names(RecipientKind::ALL));
    t += "    recipient: NationalMilitary,\n";
    t += &listing("purposes, one or more of", &purposes);
    t += "    purposes: [\"counterterrorism\"],\n";
    t += &listing("activities, one or more of", &activities);
    t += "    activities: [\"training\", \"equipment\"],\n";
    t += "    amount_usd: 1_000_000,               // whole U.S. dollars; write 1_000_000, not 1,000,000\n";
    t += "    start: \"2027-03-01\",                 // YYYY-MM-DD; the fiscal year starts 1 October\n";
    t += "    // ---- optional: delete a line you do not know; rules that need it are then unknown ----\n";
    t += "    // a sale, lease or transfer: the day the letter of offer (licence, lease, consent) is issued;\n";
    t += "    // the reviews that must precede it count back from it (without it, from start):\n";
    t += "    // offer_date: \"2027-01-15\",\n";
    t += &format!("    duration_months: 12,                 // 1 to {MAX_MONTHS}\n");
    t += &listing("funding, one of", &names(Funding::ALL));
    t += "    funding: DoD,\n";
    t += &listing(
        "leahy (human-rights vetting of the units), one of",
        &names(LeahyStatus::ALL),
    );
    t += "    leahy: NotStarted,\n";
    t += "    major_defense_equipment_usd: 0,      // major defense equipment included, in dollars\n";
    t += "    emergency: false,                    // true = a presidential emergency determination exists\n";
    t += &listing("facts, any of", &facts);
    t += "    facts: {},\n";
    t += "    // how amount_usd divides among the activities (`authsel plan`; each activity once, summing to amount_usd):\n";
    t += "    // amounts: {\"training\": 600_000, \"equipment\": 400_000},\n)\n";
    t
}

/// A JSON Schema (draft 2020-12) of a proposal, as its fields would be written in JSON.
pub fn schema(rb: &RuleBase) -> Value {
    let ids = |m: Vec<String>| json!({"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": m}});
    let facts: serde_json::Map<String, Value> = rb
        .facts
        .values()
        .map(|f| {
            (
                f.id.clone(),
                json!({"description": f.meaning, "type": fact_type(f.ty)}),
            )
        })
        .collect();
    let partners: Vec<String> = rb
        .registry
        .partners
        .iter()
        .map(|p| p.name.clone())
        .collect();
    let usd = json!({"type": "integer", "minimum": 0, "maximum": MAX_USD});
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "authsel proposal",
        "description": "One proposed security-cooperation activity (docs/proposal.md). authsel reads it as RON.",
        "type": "object",
        "additionalProperties": false,
        "required": ["id", "title", "partner", "recipient", "purposes", "activities", "amount_usd", "start"],
        "properties": {
            "id": {"type": "string", "minLength": 1},
            "title": {"type": "string"},
            "partner": {"type": "string", "description": "a partner of the registry, or any name with partner_outside_registry", "examples": partners},
            "partner_outside_registry": {"type": "boolean"},
            "recipient": {"enum": names(RecipientKind::ALL)},
            "purposes": ids(rb.purposes.keys().cloned().collect()),
            "activities": ids(rb.activities.keys().cloned().collect()),
            "amount_usd": usd,
            "start": {"type": "string", "format": "date", "formatMinimum": FIRST_DATE.to_string(), "formatMaximum": LAST_DATE.to_string()},
            "offer_date": {"type": "string", "format": "date", "formatMinimum": FIRST_DATE.to_string(), "formatMaximum": LAST_DATE.to_string(), "description": "the day the letter of offer (export licence, lease, consent to transfer) is issued; reviews that must precede it count back from it"},
            "duration_months": {"type": "integer", "minimum": 1, "maximum": MAX_MONTHS},
            "funding": {"enum": names(Funding::ALL)},
            "leahy": {"enum": names(LeahyStatus::ALL)},
            "major_defense_equipment_usd": usd,
            "emergency": {"type": "boolean"},
            "facts": {"type": "object", "additionalProperties": false, "properties": facts},
            "amounts": {
                "type": "object",
                "description": "how amount_usd divides among the activities: every activity once, the shares summing to amount_usd (authsel plan)",
                "propertyNames": {"enum": rb.activities.keys().cloned().collect::<Vec<String>>()},
                "additionalProperties": {"type": "integer", "minimum": 1, "maximum": MAX_USD},
            },
            "serves": {
                "type": "object",
                "description": "which of the proposal's purposes each activity serves: every activity once, each purpose served by some activity (authsel plan)",
                "propertyNames": {"enum": rb.activities.keys().cloned().collect::<Vec<String>>()},
                "additionalProperties": {"type": "array", "minItems": 1, "uniqueItems": true, "items": {"enum": rb.purposes.keys().cloned().collect::<Vec<String>>()}},
            },
            "activity_funding": {
                "type": "object",
                "description": "who pays for an activity when it is not `funding` (authsel plan: one part, one source)",
                "propertyNames": {"enum": rb.activities.keys().cloned().collect::<Vec<String>>()},
                "additionalProperties": {"enum": names(Funding::ALL)},
            },
        }
    })
}

fn fact_type(ty: Type) -> &'static str {
    match ty {
        Type::Bool => "boolean",
        Type::Usd | Type::Months | Type::Days | Type::Int => "integer",
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_template_is_a_valid_proposal_that_evaluates() {
        let rb = RuleBase::builtin();
        let text = template(&rb);
        let p = rb
            .read_proposal("new.ron", &text)
            .expect("the template reads");
        assert!(rb.evaluate(&p).recommended().is_some(), "{text}");
    }

    #[test]
    fn the_schema_lists_the_rule_base_ids() {
        let rb = RuleBase::builtin();
        let s = schema(&rb);
        let purposes = &s["properties"]["purposes"]["items"]["enum"];
        assert_eq!(purposes.as_array().map(Vec::len), Some(rb.purposes.len()));
        assert!(s["required"].as_array().is_some_and(|r| r.len() == 8));
        assert_eq!(s["properties"]["recipient"]["enum"][0], "NationalMilitary");
    }
}
