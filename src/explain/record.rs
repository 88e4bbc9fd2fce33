//! The decision record: enough to reproduce a decision later.

use crate::input::digest::sha256_json;
use crate::input::proposal::Proposal;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// Enough to reproduce a decision later: a digest of every input that decided it. Two decisions
/// with the same `digest` were made by the same program from the same rule base, proposal, ledger
/// and law date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub authsel_version: String,
    /// SHA-256 of the rule files.
    pub rules_digest: String,
    /// SHA-256 of the proposal (its JSON).
    pub input_digest: String,
    /// The date whose law was applied (`--as-of`, else the proposal's start).
    pub as_of: Date,
    pub ledger_entries: usize,
    /// SHA-256 of the ledger (its JSON), `null` when no ledger was given.
    #[serde(default)]
    pub ledger_digest: Option<String>,
    /// SHA-256 of all of the above: version, rule base, proposal, ledger and law date.
    #[serde(default)]
    pub digest: String,
}

impl Record {
    /// The record of a decision made under `rules_digest` on `p` with the law of `as_of`.
    pub(crate) fn new(
        rules_digest: &str,
        p: &Proposal,
        as_of: Date,
        ledger_entries: usize,
        ledger_digest: Option<&str>,
    ) -> Record {
        let authsel_version = env!("CARGO_PKG_VERSION").to_string();
        let input_digest = sha256_json(p);
        let digest = sha256_json(&(
            &authsel_version,
            rules_digest,
            &input_digest,
            ledger_digest,
            as_of,
        ));
        Record {
            authsel_version,
            rules_digest: rules_digest.to_string(),
            input_digest,
            as_of,
            ledger_entries,
            ledger_digest: ledger_digest.map(str::to_string),
            digest,
        }
    }
}
