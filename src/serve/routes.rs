//! The URL map and what every response carries: one handler per route, each reading its body
//! through `limits` and answering with a page (`pages`), the API's JSON (`api`) or an asset
//! (`assets`); around them, the frame that sets the security headers (Content-Security-Policy:
//! this host only, no inline script) and logs one line per request. Invariant: no route takes a
//! path on the server: an authority is looked up by id in the rule base, an asset by name in a
//! fixed list, an export by kind.

use super::limits::{read_body, ApiError, MAX_BATCH_BODY, MAX_PROPOSAL_BODY};
use super::{api, assets, pages, upload, Workbench};
use axum::body::Body;
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

type Wb = State<Arc<Workbench>>;

/// Scripts, styles, images and requests only from this server; no frames, no inline script.
pub const CSP: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Every route of the workbench.
pub fn router(wb: Arc<Workbench>) -> Router {
    Router::new()
        .route("/", get(index))
        .route("/authorities", get(authorities))
        .route("/authorities/{id}", get(authority))
        .route("/graph", get(graph))
        .route("/batch", get(batch_page))
        .route("/memo", post(memo))
        .route("/assets/{name}", get(asset))
        .route("/api/eval", post(eval))
        .route("/api/candidate", post(candidate))
        .route("/api/export/{kind}", post(export))
        .route("/api/import", post(import))
        .route("/api/whatif", post(whatif))
        .route("/api/batch", post(batch))
        .route("/api/batch/zip", post(batch_zip))
        .fallback(not_found)
        .layer(middleware::from_fn_with_state(wb.clone(), frame))
        .with_state(wb)
}

/// Security headers on every response, and one log line per request: method, path, status,
/// time taken.
async fn frame(State(wb): Wb, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let line = format!("{} {}", req.method(), req.uri().path());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    let micros = started.elapsed().as_micros();
    wb.log(&format!(
        "{line} {} {}.{:03} ms",
        res.status().as_u16(),
        micros / 1000,
        micros % 1000
    ));
    res
}

fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

fn json(status: u16, body: String) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn index(State(wb): Wb) -> Response {
    html(StatusCode::OK, wb.form_page.clone())
}

async fn authorities(State(wb): Wb) -> Response {
    html(StatusCode::OK, pages::authorities(&wb.rules))
}

async fn authority(State(wb): Wb, Path(id): Path<String>) -> Response {
    // An id or a name planners use (`/authorities/GPOI` is PKO's page).
    match wb.rules.authority_named(&id) {
        Some(a) => html(StatusCode::OK, pages::authority(&wb.rules, a)),
        None => html(StatusCode::NOT_FOUND, pages::not_found()),
    }
}

async fn graph(State(wb): Wb) -> Response {
    html(StatusCode::OK, pages::graph(&wb.rules))
}

async fn batch_page() -> Response {
    html(StatusCode::OK, pages::batch())
}

async fn not_found() -> Response {
    html(StatusCode::NOT_FOUND, pages::not_found())
}

async fn asset(Path(name): Path<String>) -> Response {
    match assets::get(&name) {
        Some((content_type, body)) => (
            [
                (header::CONTENT_TYPE, content_type),
                (header::CACHE_CONTROL, "no-cache"),
            ],
            body,
        )
            .into_response(),
        None => html(StatusCode::NOT_FOUND, pages::not_found()),
    }
}

/// `?detail=brief`: the lean answer the page asks for live; without it (or `detail=full`), the
/// whole decision, equal to `eval --format json`.
async fn eval(
    State(wb): Wb,
    Query(q): Query<HashMap<String, String>>,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY, "1 MiB").await?;
    let (status, out) = match q.get("detail").map(String::as_str) {
        None | Some("full") => api::eval(&wb, &body)?,
        Some("brief") => api::eval_brief(&wb, &body)?,
        Some(other) => {
            return Err(ApiError::bad(format!(
                "unknown detail `{}`: `brief` or `full`",
                crate::diagnostic::quote(other)
            )))
        }
    };
    Ok(json(status, out))
}

async fn candidate(
    State(wb): Wb,
    Query(q): Query<HashMap<String, String>>,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY, "1 MiB").await?;
    let authority = q
        .get("authority")
        .ok_or_else(|| ApiError::bad("no `authority` in the query"))?;
    let (status, out) = api::candidate(&wb, authority, &body)?;
    Ok(json(status, out))
}

async fn export(State(wb): Wb, Path(kind): Path<String>, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY, "1 MiB").await?;
    match api::export(&wb, &kind, &body)? {
        Ok(e) => {
            let disposition = format!("attachment; filename=\"{}\"", e.file_name);
            let disposition = HeaderValue::from_str(&disposition)
                .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
            Ok((
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static(e.content_type),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                e.body,
            )
                .into_response())
        }
        Err(errors) => Ok(json(422, format!("{{\"ok\":false,\"errors\":{errors}}}"))),
    }
}

async fn import(
    State(wb): Wb,
    Query(q): Query<HashMap<String, String>>,
    body: Body,
) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY, "1 MiB").await?;
    let name = q.get("name").map_or("", String::as_str);
    let (status, out) = api::import(&wb, name, &body);
    Ok(json(status, out))
}

async fn whatif(State(wb): Wb, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY * 2, "2 MiB").await?;
    let (status, out) = api::whatif(&wb, &body)?;
    Ok(json(status, out))
}

async fn memo(State(wb): Wb, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_PROPOSAL_BODY, "1 MiB").await?;
    let request = api::form_field(&body, "request")
        .ok_or_else(|| ApiError::bad("malformed form data: no `request` field"))?;
    let j = api::judge(&wb, &api::parse(request.as_bytes())?)?;
    match &j.result {
        Ok(e) => Ok(html(StatusCode::OK, pages::memo(&wb.rules, e, j.today))),
        Err(diags) => {
            let list: String = diags
                .iter()
                .map(|d| super::html::el("pre", &d.to_string()))
                .collect();
            let page = super::html::page(
                "Memo",
                "",
                &format!("<h1>The proposal does not read</h1>{list}"),
            );
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, page))
        }
    }
}

async fn batch(State(wb): Wb, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_BATCH_BODY, "50 MiB").await?;
    let req: upload::BatchRequest = api::parse(&body)?;
    let work = tokio::task::spawn_blocking(move || {
        upload::check(&wb.rules, wb.ledger.as_ref(), &req).map(|r| batch_json(&r))
    });
    let out = work
        .await
        .map_err(|e| ApiError::Unavailable(format!("the batch stopped: {e}")))??;
    Ok(json(200, out))
}

/// `POST /api/batch/zip`: the body is a zip archive of proposal files (50 MiB, and 50 MiB
/// expanded); the answer is `/api/batch`'s.
async fn batch_zip(State(wb): Wb, body: Body) -> Result<Response, ApiError> {
    let body = read_body(body, MAX_BATCH_BODY, "50 MiB").await?;
    let work = tokio::task::spawn_blocking(move || {
        upload::check_zip(&wb.rules, wb.ledger.as_ref(), &body).map(|r| batch_json(&r))
    });
    let out = work
        .await
        .map_err(|e| ApiError::Unavailable(format!("the batch stopped: {e}")))??;
    Ok(json(200, out))
}

fn batch_json(r: &crate::batch::Report) -> String {
    serde_json::json!({
        "summary": r.summary,
        "exit_code": r.exit_code(),
        "html": upload::report_html(r),
    })
    .to_string()
}
