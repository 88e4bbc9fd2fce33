//! A minimal W3C WebDriver client for chromedriver driving Debian's headless Chromium: the calls
//! the journeys need (navigate, find, click, type, read, run a script, press keys, screenshots,
//! the accessibility tree's computed label and role), over `http.rs`. Written here rather than
//! taken from a crate so the browser tests add no dependency to the build (docs/workbench.md).

#![allow(dead_code)]

use super::http;
use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// How long a wait polls before the journey fails: generous, for a loaded 2-core machine.
pub const PATIENCE: Duration = Duration::from_secs(60);

pub const TAB: &str = "\u{E004}";
pub const SPACE: &str = "\u{E00D}";
pub const ENTER: &str = "\u{E007}";

pub struct Browser {
    driver: Child,
    base: String,
    session: String,
    profile: std::path::PathBuf,
    pub downloads: std::path::PathBuf,
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

impl Browser {
    /// Starts chromedriver on a free loopback port and a headless Chromium session with a fresh
    /// profile, downloads going to a fresh directory.
    pub fn start() -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_bin} (apt-get install chromium chromium-driver): {e}")
            });
        let base = format!("127.0.0.1:{port}");
        let started = Instant::now();
        while !std::net::TcpStream::connect(&base)
            .is_ok_and(|_| http::get(&base, "/status").status == 200)
        {
            assert!(started.elapsed() < PATIENCE, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let unique = format!("{}-{port}", std::process::id());
        let profile = std::env::temp_dir().join(format!("authsel-chromium-{unique}"));
        let downloads = std::env::temp_dir().join(format!("authsel-downloads-{unique}"));
        std::fs::create_dir_all(&downloads).expect("downloads directory");
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage", "--lang=en-US", "--window-size=1400,1000",
                    format!("--user-data-dir={}", profile.display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
        }}});
        let mut b = Browser {
            driver,
            base,
            session: String::new(),
            profile,
            downloads,
        };
        let v = b.call("POST", "/session", Some(caps));
        b.session = v["sessionId"].as_str().expect("a session id").to_string();
        b
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let path = if path.starts_with("/session/") || path == "/session" {
            path.to_string()
        } else {
            format!("/session/{}{path}", self.session)
        };
        let text = body.map(|b| b.to_string());
        let r = http::request(
            &self.base,
            method,
            &path,
            "application/json",
            text.as_deref().map(str::as_bytes),
        );
        let v: Value = serde_json::from_slice(&r.body).unwrap_or(Value::Null);
        assert_eq!(r.status, 200, "{method} {path}: {}", r.text());
        v.get("value").cloned().unwrap_or(Value::Null)
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    /// Finds one element by CSS selector, or `None`.
    pub fn try_find(&self, css: &str) -> Option<String> {
        let path = format!("/session/{}/element", self.session);
        let body = json!({"using": "css selector", "value": css}).to_string();
        let r = http::request(
            &self.base,
            "POST",
            &path,
            "application/json",
            Some(body.as_bytes()),
        );
        if r.status != 200 {
            return None;
        }
        r.json()["value"][ELEMENT].as_str().map(String::from)
    }

    /// The text of the element `css` selects, or `None` if there is none or the page replaced it
    /// between finding and reading ("stale element reference": a panel re-rendered by an answer
    /// that arrived in between).
    fn try_text(&self, css: &str) -> Option<String> {
        let e = self.try_find(css)?;
        let path = format!("/session/{}/element/{e}/text", self.session);
        let r = http::request(&self.base, "GET", &path, "application/json", None);
        if r.status != 200 {
            return None;
        }
        r.json()["value"].as_str().map(String::from)
    }

    pub fn find(&self, css: &str) -> String {
        self.try_find(css)
            .unwrap_or_else(|| panic!("no element {css}"))
    }

    pub fn find_all(&self, css: &str) -> Vec<String> {
        let v = self.call(
            "POST",
            "/elements",
            Some(json!({"using": "css selector", "value": css})),
        );
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[ELEMENT].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn click(&self, css: &str) {
        let e = self.wait_for(css);
        self.call("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    /// Types into an element (after clearing it when `clear`).
    pub fn type_into(&self, css: &str, text: &str, clear: bool) {
        let e = self.wait_for(css);
        if clear {
            self.call("POST", &format!("/element/{e}/clear"), Some(json!({})));
        }
        self.call(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    pub fn text(&self, css: &str) -> String {
        let e = self.find(css);
        self.call("GET", &format!("/element/{e}/text"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn property(&self, element: &str, name: &str) -> Value {
        self.call("GET", &format!("/element/{element}/property/{name}"), None)
    }

    /// The accessible name the browser computes for an element (its label).
    pub fn computed_label(&self, element: &str) -> String {
        self.call("GET", &format!("/element/{element}/computedlabel"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    pub fn computed_role(&self, element: &str) -> String {
        self.call("GET", &format!("/element/{element}/computedrole"), None)
            .as_str()
            .unwrap_or("")
            .to_string()
    }

    /// Runs a script in the page (`return ...;` gives its value).
    pub fn script(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Runs an asynchronous script: its last argument is the callback that returns the value.
    pub fn script_async(&self, script: &str) -> Value {
        self.call(
            "POST",
            "/execute/async",
            Some(json!({ "script": script, "args": [] })),
        )
    }

    /// Presses keys on whatever has the focus (`TAB`, `SPACE`, text).
    pub fn keys(&self, keys: &str) {
        let mut actions = Vec::new();
        for c in keys.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.call(
            "POST",
            "/actions",
            Some(json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})),
        );
    }

    /// The focused element's id (or its tag when it has none).
    pub fn focused(&self) -> String {
        self.script(
            "const e = document.activeElement; return e.id || e.getAttribute('href') || e.tagName;",
        )
        .as_str()
        .unwrap_or("")
        .to_string()
    }

    /// Waits until the selector matches, then returns the element.
    pub fn wait_for(&self, css: &str) -> String {
        let started = Instant::now();
        loop {
            if let Some(e) = self.try_find(css) {
                return e;
            }
            assert!(started.elapsed() < PATIENCE, "timed out waiting for {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until `check` holds for the text of `css`; returns that text.
    pub fn wait_text(&self, css: &str, what: &str, check: impl Fn(&str) -> bool) -> String {
        let started = Instant::now();
        loop {
            if let Some(t) = self.try_text(css) {
                if check(&t) {
                    return t;
                }
                assert!(
                    started.elapsed() < PATIENCE,
                    "timed out waiting for {what} in {css}; it says: {t}"
                );
            }
            assert!(started.elapsed() < PATIENCE, "timed out waiting for {css}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG of the viewport, written to `path`.
    pub fn screenshot(&self, path: &Path) {
        let v = self.call("GET", "/screenshot", None);
        let png = base64(v.as_str().expect("base64 PNG"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::write(path, png).expect("write screenshot");
    }

    pub fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            "/window/rect",
            Some(json!({"width": width, "height": height})),
        );
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = http::request(
                &self.base,
                "DELETE",
                &format!("/session/{}", self.session),
                "",
                None,
            );
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(&self.profile);
        let _ = std::fs::remove_dir_all(&self.downloads);
    }
}

/// Standard base64 (the screenshot's encoding).
pub fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0);
    for v in text.bytes().filter_map(value) {
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64("aGVsbG8="), b"hello");
    assert_eq!(base64("iVBORw=="), b"\x89PNG");
}
