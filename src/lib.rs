//! authsel: which U.S. security-cooperation authority fits a proposed activity, and why.
//!
//! The flow is parse -> check -> graph -> evaluate -> explain -> report; see `docs/architecture.md`.
//!
//! ```
//! let rules = authsel::RuleBase::builtin();
//! let text = r#"Proposal(id: "X-1", title: "t", partner: "Kenya", recipient: NationalMilitary,
//!     purposes: ["counterterrorism"], activities: ["training"], amount_usd: 1000000,
//!     start: "2027-03-01", funding: DoD, leahy: Passed)"#;
//! let proposal = authsel::Proposal::from_ron(text).unwrap();
//! // The decision: every candidate ranked, with its findings, duties and verified cures.
//! let decision = rules.evaluate(&proposal);
//! assert!(decision.recommended().is_some());
//! // Its explanation, rendered on first use; serializing the decision writes it.
//! let words = decision.explain();
//! assert!(words.summary.contains("use "));
//! ```

// Diagnostics are plain data returned by value; boxing them would only add noise at every call.
#![allow(clippy::result_large_err)]
// Internals are `pub(crate)`: an item is `pub` only if it is part of the API reachable from here.
#![deny(unreachable_pub)]
// Library code never panics on input: no unwrap, expect, panic or unchecked indexing outside tests.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod batch;
pub mod diagnostic;
pub mod engine;
pub mod explain;
pub mod input;
pub mod lang;
pub mod model;
pub mod plan;
pub mod render;
pub mod rulebase;
pub mod serve;
pub mod tools;

pub use diagnostic::Diagnostic;
pub use engine::assess::{Context, Obligation, Outcome, Verdict};
pub use engine::decision::Decision;
pub use explain::{Candidate, Explanation, Reason};
pub use input::proposal::{InputError, Ledger, Proposal};
pub use model::text::Text;
pub use model::{Authority, Usd};
pub use plan::{Part, Plan, PlanError, PlanOption};
pub use rulebase::{LoadError, RuleBase, SourceFile};
