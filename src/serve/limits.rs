//! What a request may be, and what breaking it gets: the body caps (1 MiB for a proposal, 50 MiB
//! for a batch) and every refusal as a status with a one-line JSON message. Invariant: a bad
//! request is a 4xx with a message saying what was wrong; nothing a client sends makes a 500 or a
//! panic, and the server goes on serving.

use axum::body::{Body, Bytes};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};

/// A proposal's request (eval, export, import, what-if, the printable memo).
pub const MAX_PROPOSAL_BODY: usize = 1 << 20;
/// A batch upload.
pub const MAX_BATCH_BODY: usize = 50 << 20;
/// Files in one batch upload.
pub const MAX_BATCH_FILES: usize = 10_000;

/// Why a request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// Malformed JSON or form data, or a value out of place: 400.
    #[error("{0}")]
    BadRequest(String),
    /// A body over its cap: 413.
    #[error("the request body is over the {0} limit (or could not be read in full)")]
    TooLarge(&'static str),
    /// No such page, authority or export kind: 404.
    #[error("not found")]
    NotFound,
    /// The server could not do what was asked (a temporary directory could not be made): 503.
    #[error("{0}")]
    Unavailable(String),
}

impl ApiError {
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::BadRequest(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.to_string() }).to_string();
        (
            self.status(),
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response()
    }
}

/// Reads a whole body, at most `limit` bytes (`label` names the limit in the message).
pub async fn read_body(body: Body, limit: usize, label: &'static str) -> Result<Bytes, ApiError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| ApiError::TooLarge(label))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_has_its_status_and_says_why() {
        assert_eq!(ApiError::bad("x").status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            ApiError::TooLarge("1 MiB").status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        assert!(ApiError::TooLarge("1 MiB")
            .to_string()
            .contains("1 MiB limit"));
        assert_eq!(ApiError::NotFound.status(), StatusCode::NOT_FOUND);
    }
}
