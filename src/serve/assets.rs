//! The page's script and stylesheet, compiled into the binary (`include_str!`). Invariant: these
//! are the only assets; the page loads nothing else and nothing from another host.

const APP_JS: &str = include_str!("assets/app.js");
const STYLE_CSS: &str = include_str!("assets/style.css");

/// An asset by its name in `/assets/NAME`: (content type, text).
pub fn get(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "app.js" => Some(("text/javascript; charset=utf-8", APP_JS)),
        "style.css" => Some(("text/css; charset=utf-8", STYLE_CSS)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn assets_name_no_other_host() {
        for name in ["app.js", "style.css"] {
            let (_, text) = super::get(name).unwrap();
            assert!(
                !text.contains("http://") && !text.contains("https://"),
                "{name}"
            );
        }
        assert!(super::get("../Cargo.toml").is_none());
    }
}
