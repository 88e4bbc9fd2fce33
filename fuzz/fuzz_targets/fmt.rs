//! Rule text into `fmt` and `lint`. `fmt` must never refuse a file that parses (E0400 is a
//! formatter bug) and must be idempotent; `lint` must not panic.
#![no_main]

use authsel::lang::fmt::format_source;
use authsel::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match format_source("fuzz.auth", text) {
        Ok(once) => {
            let twice = format_source("fuzz.auth", &once);
            assert!(
                twice.as_ref() == Ok(&once),
                "fmt is not idempotent: {twice:?}"
            );
        }
        Err(d) => assert!(
            d.iter().all(|d| d.code != "E0400"),
            "fmt refused a file that parses: {}",
            d.iter().map(ToString::to_string).collect::<String>()
        ),
    }
    let _ = authsel::lang::lint::lint(&[SourceFile {
        name: "fuzz.auth".into(),
        text: text.to_string(),
    }]);
});
