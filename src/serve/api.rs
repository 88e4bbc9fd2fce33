//! The JSON API behind the page: evaluate a proposal (`/api/eval`), export it (RON, the Markdown
//! memo, the JSON decision), import a RON file into the form, compare two versions (what-if).
//! Invariant: nothing here decides. A proposal is read by `RuleBase::read_proposal` and judged by
//! `RuleBase::evaluate_with`, the same calls as `authsel eval`; the decision object is
//! `render::json::decision`, byte for byte the line `eval --format json` prints.

use super::form::{changed_fields, Form, Written};
use super::limits::ApiError;
use super::{panel, Workbench};
use crate::diagnostic::Diagnostic;
use crate::engine::assess::Context;
use crate::explain::Explanation;
use crate::input::limits::parse_date;
use crate::render::{json, markdown};
use jiff::civil::Date;
use serde::Deserialize;
use std::fmt::Write;

/// The file name diagnostics of a form name: the form has no file.
pub const FORM_FILE: &str = "proposal.ron";

/// A proposal to judge: the form's fields, or a RON text (`ron`), with the options of `eval`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EvalRequest {
    pub form: Option<Form>,
    pub ron: Option<String>,
    /// `--as-of`: judge by the law in force on this date (default: the proposal's start).
    pub as_of: Option<String>,
    /// The planner's today, to mark overdue duties (default: the server's date).
    pub today: Option<String>,
}

/// A proposal read, and its decision or its diagnostics.
pub struct Judged {
    /// The RON text judged (the form's, written one field per line).
    pub ron: String,
    written: Option<Written>,
    pub result: Result<Explanation, Vec<Diagnostic>>,
    pub today: Date,
    /// With `judge_with(.., true)`: the object `eval --detail brief --format json` prints.
    brief: Option<String>,
}

fn date_option(name: &str, value: Option<&str>) -> Result<Option<Date>, ApiError> {
    value
        .filter(|s| !s.is_empty())
        .map(|s| parse_date(s).map_err(|e| ApiError::bad(e.describe(&format!("`{name}`"), s).1)))
        .transpose()
}

/// Parses a JSON body, or says why it is not one (a 400).
pub fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad(format!("malformed JSON request: {e}")))
}

/// Reads and judges a proposal as `eval` does.
pub fn judge(wb: &Workbench, req: &EvalRequest) -> Result<Judged, ApiError> {
    judge_with(wb, req, false)
}

/// [`judge`], and with `brief` the decision's brief object too (`eval --detail brief`).
fn judge_with(wb: &Workbench, req: &EvalRequest, brief: bool) -> Result<Judged, ApiError> {
    let as_of = date_option("as_of", req.as_of.as_deref())?;
    let today =
        date_option("today", req.today.as_deref())?.unwrap_or_else(|| jiff::Zoned::now().date());
    let (ron, written) = match (&req.form, &req.ron) {
        (Some(f), None) => {
            let w = f.to_ron().map_err(|e| ApiError::bad(e.to_string()))?;
            (w.ron.clone(), Some(w))
        }
        (None, Some(r)) => (r.clone(), None),
        _ => {
            return Err(ApiError::bad(
                "give the proposal as `form` or as `ron`, not both",
            ))
        }
    };
    let ctx = Context {
        as_of,
        ledger: wb.ledger.as_ref(),
    };
    let mut lean = None;
    let result = wb.rules.read_proposal(FORM_FILE, &ron).map(|p| {
        let d = wb.rules.evaluate_with(&p, &ctx);
        if brief {
            lean = Some(json::brief(&d.brief(crate::explain::Detail::Brief)));
        }
        d.into_explanation()
    });
    Ok(Judged {
        ron,
        written,
        result,
        today,
        brief: lean,
    })
}

/// A JSON string literal appended to `out`, without an intermediate string.
fn push_js(out: &mut String, s: &str) {
    let mut buf = std::mem::take(out).into_bytes();
    if serde_json::to_writer(&mut buf, s).is_err() {
        buf.extend_from_slice(b"\"\"");
    }
    *out = String::from_utf8(buf).unwrap_or_default();
}

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The diagnostics as JSON: each with the form field it belongs to and the CLI's full text.
pub fn errors_json(diags: &[Diagnostic], written: Option<&Written>) -> String {
    let list: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            serde_json::json!({
                "field": written.map(|w| w.field_of(d)).unwrap_or_default(),
                "code": d.code,
                "message": d.message,
                "help": d.help,
                "line": d.line,
                "column": d.column,
                "text": d.to_string(),
            })
        })
        .collect();
    serde_json::to_string(&list).unwrap_or_else(|_| "[]".to_string())
}

/// `POST /api/eval`: `{"ok":true,"decision":{...},"ron":"...","panel":"<html>"}`, or with
/// `"ok":false` the diagnostics (`errors`), each beside its field; the status is 422 then.
pub fn eval(wb: &Workbench, body: &[u8]) -> Result<(u16, String), ApiError> {
    let req: EvalRequest = parse(body)?;
    let j = judge(wb, &req)?;
    let mut out = String::new();
    let status = match &j.result {
        Ok(e) => {
            let decision = json::decision(e);
            let panel = panel::render(&wb.rules, e, j.today);
            out.reserve(decision.len() + panel.len() * 11 / 10 + j.ron.len() * 11 / 10 + 64);
            out.push_str("{\"ok\":true,\"decision\":");
            out.push_str(&decision);
            out.push_str(",\"ron\":");
            push_js(&mut out, &j.ron);
            out.push_str(",\"panel\":");
            push_js(&mut out, &panel);
            out.push('}');
            200
        }
        Err(diags) => {
            let _ = write!(
                out,
                "{{\"ok\":false,\"errors\":{},\"ron\":{}}}",
                errors_json(diags, j.written.as_ref()),
                js(&j.ron)
            );
            422
        }
    };
    Ok((status, out))
}

/// `POST /api/eval?detail=brief`, what the page asks for as the form changes:
/// `{"ok":true,"brief":{...},"ron":"...","panel":"<html>"}`. `brief` is the object
/// `eval --detail brief --format json` prints; the panel is the full one less each candidate's
/// findings and fix, which `/api/candidate` gives when the candidate is opened. Errors as `eval`.
pub fn eval_brief(wb: &Workbench, body: &[u8]) -> Result<(u16, String), ApiError> {
    let req: EvalRequest = parse(body)?;
    let j = judge_with(wb, &req, true)?;
    let Ok(e) = &j.result else {
        return eval_errors(&j);
    };
    let panel = panel::render_lean(&wb.rules, e, j.today);
    let brief = j.brief.as_deref().unwrap_or("null");
    let mut out = String::with_capacity(brief.len() + panel.len() * 11 / 10 + j.ron.len() + 64);
    out.push_str("{\"ok\":true,\"brief\":");
    out.push_str(brief);
    out.push_str(",\"ron\":");
    push_js(&mut out, &j.ron);
    out.push_str(",\"panel\":");
    push_js(&mut out, &panel);
    out.push('}');
    Ok((200, out))
}

/// `POST /api/candidate?authority=ID` (the body as `/api/eval`'s): one candidate's findings
/// and verified fix as HTML, `{"ok":true,"html":"..."}`, fetched when the planner opens it; 404
/// when the authority is not a candidate of this proposal.
pub fn candidate(wb: &Workbench, authority: &str, body: &[u8]) -> Result<(u16, String), ApiError> {
    let req: EvalRequest = parse(body)?;
    let j = judge(wb, &req)?;
    let Ok(e) = &j.result else {
        return eval_errors(&j);
    };
    let c = e.candidate(authority).ok_or(ApiError::NotFound)?;
    let mut out = String::from("{\"ok\":true,\"html\":");
    push_js(&mut out, &panel::candidate_body(c));
    out.push('}');
    Ok((200, out))
}

fn eval_errors(j: &Judged) -> Result<(u16, String), ApiError> {
    let diags = j.result.as_ref().err().map_or(&[][..], Vec::as_slice);
    Ok((
        422,
        format!(
            "{{\"ok\":false,\"errors\":{},\"ron\":{}}}",
            errors_json(diags, j.written.as_ref()),
            js(&j.ron)
        ),
    ))
}

/// What `/api/export/{kind}` returns.
pub struct Export {
    pub content_type: &'static str,
    pub file_name: String,
    pub body: String,
}

/// `POST /api/export/{ron|markdown|json}`: the proposal as a RON file (evaluates as the form
/// does), the memo (`eval --format markdown`), the decision (`eval --format json`).
pub fn export(wb: &Workbench, kind: &str, body: &[u8]) -> Result<Result<Export, String>, ApiError> {
    let ext = match kind {
        "ron" => "ron",
        "markdown" => "md",
        "json" => "json",
        _ => return Err(ApiError::NotFound),
    };
    let req: EvalRequest = parse(body)?;
    let j = judge(wb, &req)?;
    let e = match &j.result {
        Ok(e) => e,
        Err(diags) => return Ok(Err(errors_json(diags, j.written.as_ref()))),
    };
    let stem: String = e
        .proposal
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(64)
        .collect();
    let (content_type, body) = match ext {
        "ron" => ("application/ron; charset=utf-8", j.ron),
        // The memo with the proposal's facts table, exactly as `eval --format markdown` prints it.
        "md" => {
            let p = wb.rules.read_proposal("form", &j.ron).ok();
            (
                "text/markdown; charset=utf-8",
                markdown::memo_of(e, p.as_ref()),
            )
        }
        _ => ("application/json", format!("{}\n", json::decision(e))),
    };
    Ok(Ok(Export {
        content_type,
        file_name: format!("{}.{ext}", if stem.is_empty() { "proposal" } else { &stem }),
        body,
    }))
}

/// `POST /api/import`: a RON file's text (the body) read as `eval` reads it, and the form filled
/// from it; `(422, errors)` when it does not read. `name` is the file's name, shown in the
/// diagnostics only.
pub fn import(wb: &Workbench, name: &str, body: &[u8]) -> (u16, String) {
    let name = if name.is_empty() { "import.ron" } else { name };
    let text = match crate::input::files::read_stream(name, body) {
        Ok(t) => t,
        Err(d) => {
            return (
                422,
                format!("{{\"ok\":false,\"errors\":{}}}", errors_json(&[d], None)),
            )
        }
    };
    match wb.rules.read_proposal(name, &text) {
        Ok(p) => {
            let outside = !wb.partners.contains(&p.partner);
            let form = Form::from_proposal(&p, outside);
            let form = serde_json::to_string(&form).unwrap_or_else(|_| "{}".to_string());
            (200, format!("{{\"ok\":true,\"form\":{form}}}"))
        }
        Err(diags) => (
            422,
            format!("{{\"ok\":false,\"errors\":{}}}", errors_json(&diags, None)),
        ),
    }
}

/// Two versions of a proposal.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhatIf {
    pub a: EvalRequest,
    pub b: EvalRequest,
}

/// `POST /api/whatif`: both versions judged, the fields that differ, and what changed in the
/// decision (`authsel diff`'s comparison, for one proposal), as data and as HTML.
pub fn whatif(wb: &Workbench, body: &[u8]) -> Result<(u16, String), ApiError> {
    let req: WhatIf = parse(body)?;
    let (a, b) = (judge(wb, &req.a)?, judge(wb, &req.b)?);
    let (ea, eb) = match (&a.result, &b.result) {
        (Ok(x), Ok(y)) => (x, y),
        (Err(d), _) => {
            return Ok((
                422,
                format!(
                    "{{\"ok\":false,\"version\":\"A\",\"errors\":{}}}",
                    errors_json(d, a.written.as_ref())
                ),
            ));
        }
        (_, Err(d)) => {
            return Ok((
                422,
                format!(
                    "{{\"ok\":false,\"version\":\"B\",\"errors\":{}}}",
                    errors_json(d, b.written.as_ref())
                ),
            ));
        }
    };
    let fields = match (&req.a.form, &req.b.form) {
        (Some(x), Some(y)) => changed_fields(x, y),
        _ => Vec::new(),
    };
    let change = crate::tools::diff::compare_explanations(
        &wb.rules,
        &wb.rules,
        "what-if",
        &eb.proposal,
        ea,
        eb,
    );
    let html = super::pages::whatif(&fields, change.as_ref(), ea, eb);
    let v = serde_json::json!({"ok": true, "fields": fields, "change": change, "html": html});
    Ok((200, v.to_string()))
}

/// One field of an `application/x-www-form-urlencoded` body (the printable memo's form), decoded;
/// `None` if it is absent or not UTF-8 once decoded.
pub fn form_field(body: &[u8], name: &str) -> Option<String> {
    body.split(|b| *b == b'&').find_map(|pair| {
        let mut kv = pair.splitn(2, |b| *b == b'=');
        let (k, v) = (kv.next()?, kv.next().unwrap_or(b""));
        (url_decode(k)? == name).then(|| url_decode(v)).flatten()
    })
}

fn url_decode(s: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while let Some(&b) = s.get(i) {
        match b {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_decoded() {
        assert_eq!(
            form_field(b"a=1&request=%7B%22x%22%3A+1%7D", "request").as_deref(),
            Some("{\"x\": 1}")
        );
        assert_eq!(form_field(b"a=1", "request"), None);
        assert_eq!(form_field(b"request=%zz", "request"), None);
        assert_eq!(form_field(b"request=%e2%82", "request"), None);
        assert_eq!(form_field(b"request=%4", "request"), None);
    }

    #[test]
    fn the_decision_is_the_clis_json_line() {
        let rules = crate::model::RuleBase::builtin();
        let wb = Workbench::new(rules.clone(), None);
        let text = include_str!("../../examples/01-ct-train-equip-333.ron");
        let body = serde_json::json!({"ron": text}).to_string();
        let (status, out) = eval(&wb, body.as_bytes()).unwrap();
        assert_eq!(status, 200);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let p = rules.read_proposal(FORM_FILE, text).unwrap();
        let cli = json::decision(&rules.evaluate(&p).into_explanation());
        assert_eq!(
            v["decision"],
            serde_json::from_str::<serde_json::Value>(&cli).unwrap()
        );
    }

    #[test]
    fn malformed_requests_are_refused_with_a_reason() {
        let wb = Workbench::new(crate::model::RuleBase::builtin(), None);
        for body in [
            &b"{"[..],
            b"[]",
            b"{\"form\":{},\"ron\":\"x\"}",
            b"{\"nope\":1}",
            b"{\"ron\":\"x\",\"as_of\":\"2027-13-01\"}",
            b"\xff",
        ] {
            let e = eval(&wb, body).unwrap_err();
            assert_eq!(e.status(), axum::http::StatusCode::BAD_REQUEST, "{e}");
        }
    }
}
