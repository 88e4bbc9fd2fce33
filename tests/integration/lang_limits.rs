//! Issue 12: rule files that are too deep, too wide, not text, or not in the rules directory are
//! errors with a position, never a crash, a hang or an echo of a file that is not rule text.

use crate::common::{authsel, code, stderr};
use authsel::lang::fmt::format_source;
use authsel::lang::limits::MAX_DEPTH;
use authsel::lang::lint::lint;
use authsel::{Diagnostic, LoadError, RuleBase, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

const BASE: &str = "purpose p \"p\"\nactivity x \"x\"\nfact f: bool \"f\"\n";
/// The start of a rule line, up to its condition.
const HEAD: &str = "authority a { name \"A\" citation \"A\" serves p provides x require r: ";

/// Runs `f` on a thread with a 256 KiB stack: a stack overflow aborts the test binary.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(256 * 1024)
        .spawn(f)
        .expect("spawn")
        .join()
        .expect("no panic")
}

/// Runs `f` on its own thread and fails if it takes longer than `secs` (an exponential walk would).
fn within<T: Send + 'static>(secs: u64, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(Duration::from_secs(secs))
        .unwrap_or_else(|_| panic!("took longer than {secs} s"))
}

fn file(name: &str, text: &str) -> SourceFile {
    SourceFile {
        name: name.into(),
        text: text.into(),
    }
}

fn check_errors(files: Vec<SourceFile>) -> Vec<Diagnostic> {
    match RuleBase::from_files(&files) {
        Ok(_) => Vec::new(),
        Err(LoadError::Invalid(d)) => d,
        Err(e) => panic!("{e}"),
    }
}

/// The check errors, `lint`'s errors and `fmt`'s errors for one rule file, on a small stack.
fn every_surface(text: String) -> [Vec<Diagnostic>; 3] {
    small_stack(move || {
        let files = vec![file("r.auth", &text)];
        let check = check_errors(files.clone());
        let lint = lint(&files)
            .diagnostics
            .into_iter()
            .filter(Diagnostic::is_error)
            .collect();
        let fmt = format_source("r.auth", &text).err().unwrap_or_default();
        [check, lint, fmt]
    })
}

fn assert_nesting_error(text: String, line: usize, column: usize) {
    for (surface, diags) in ["check", "lint", "fmt"].iter().zip(every_surface(text)) {
        let d = diags
            .iter()
            .find(|d| d.code == "E0111")
            .unwrap_or_else(|| panic!("{surface}: no E0111 in {diags:?}"));
        assert!(
            d.message
                .contains(&format!("nesting deeper than {MAX_DEPTH} levels")),
            "{surface}: {}",
            d.message
        );
        assert_eq!((d.line, d.column), (line, column), "{surface}: {d}");
        assert!(d.to_string().contains('^'), "{surface}: no caret in {d}");
    }
}

#[test]
fn a_long_not_chain_is_a_nesting_error_not_a_stack_overflow() {
    for n in [100, 1_000, 10_000] {
        let text = format!("{BASE}{HEAD}{}fact.f cite \"c\" }}\n", "not ".repeat(n));
        // `{` is level 1, so the `MAX_DEPTH`th `not` is the first too deep.
        assert_nesting_error(text, 4, HEAD.len() + 1 + (MAX_DEPTH - 1) * 4);
    }
}

#[test]
fn nots_and_brackets_count_together() {
    let half = MAX_DEPTH / 2;
    let deep = "not (".repeat(half + 1);
    let text = format!(
        "{BASE}{HEAD}{deep}fact.f{} cite \"c\" }}\n",
        ")".repeat(half + 1)
    );
    // `{` is level 1, each `not (` two more: the last `(` of `half` pairs is one too deep.
    assert_nesting_error(text, 4, HEAD.len() + 1 + (half - 1) * 5 + 4);
    // One pair fewer nests `MAX_DEPTH - 1` deep: accepted.
    let text = format!(
        "{BASE}{HEAD}{}fact.f{} cite \"c\" }}\n",
        "not (".repeat(half - 1),
        ")".repeat(half - 1)
    );
    let [check, lint, fmt] = every_surface(text);
    assert!(
        check.is_empty() && lint.is_empty() && fmt.is_empty(),
        "{check:?} {lint:?} {fmt:?}"
    );
}

#[test]
fn deep_brackets_behind_an_unterminated_string_are_seen() {
    for n in [300, 1_000, 3_000] {
        let text = format!(
            "{BASE}purpose q \"unterminated\n{HEAD}{}fact.f{} cite \"c\" }}\n",
            "(".repeat(n),
            ")".repeat(n)
        );
        // `{` is level 1; the `MAX_DEPTH`th `(` is one too deep.
        assert_nesting_error(text, 5, HEAD.len() + 1 + MAX_DEPTH - 1);
    }
    // An unterminated comment is a line comment: the next line's brackets count.
    let text = format!(
        "{BASE}// a comment \"\n{HEAD}{}fact.f{} cite \"c\" }}\n",
        "(".repeat(100),
        ")".repeat(100)
    );
    assert_nesting_error(text, 5, HEAD.len() + 1 + MAX_DEPTH - 1);
}

/// `n` groups, each including every later one: 2^n inclusion paths.
fn dense_groups(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let later: Vec<String> = (i + 1..n).map(|j| format!("g{j}")).collect();
        if later.is_empty() {
            s += &format!("group g{i} \"g\" cite \"c\"\n");
        } else {
            s += &format!(
                "group g{i} \"g\" includes {} cite \"c\"\n",
                later.join(", ")
            );
        }
    }
    s += "partner \"P\" { member g29 from 2000-01-01 cite \"c\" }\n";
    s
}

/// `n` authorities, each superseding every later one.
fn dense_supersedes(n: usize) -> String {
    let mut s = String::new();
    for i in 0..n {
        let later: Vec<String> = (i + 1..n).map(|j| format!("a{j}")).collect();
        let sup = if later.is_empty() {
            String::new()
        } else {
            format!(" supersedes {}", later.join(", "))
        };
        s += &format!("authority a{i} {{ name \"A\" citation \"A\" serves p provides x{sup} }}\n");
    }
    s
}

#[test]
fn dense_includes_and_supersedes_check_in_linear_time() {
    let groups = [file("v.auth", BASE), file("g.auth", &dense_groups(30))];
    let rb = within(60, move || RuleBase::from_files(&groups));
    let rb = rb.unwrap_or_else(|e| panic!("{e}"));
    // The partner is in g29 and in every group that includes it.
    assert_eq!(rb.registry.partners[0].in_groups.len(), 30);
    let sup = [file("v.auth", BASE), file("s.auth", &dense_supersedes(30))];
    let rb = within(60, move || RuleBase::from_files(&sup));
    let rb = rb.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rb.authorities[29].superseded_by.len(), 29);
    // lint walks them too.
    let both = [
        file("v.auth", BASE),
        file("g.auth", &dense_groups(30)),
        file("s.auth", &dense_supersedes(30)),
    ];
    let r = within(60, move || lint(&both));
    assert_eq!(
        r.count(authsel::diagnostic::Severity::Error),
        0,
        "{:?}",
        r.diagnostics
    );
}

#[test]
fn a_cycle_is_reported_at_the_declaration_that_closes_it_in_its_own_file() {
    let diags = check_errors(vec![
        file(
            "partners.auth",
            &format!("{BASE}group x \"x\" cite \"c\"\n"),
        ),
        file(
            "zz.auth",
            "group y \"y\" includes x, z cite \"c\"\ngroup z \"z\" includes y cite \"c\"\n",
        ),
    ]);
    let at: Vec<(String, usize, usize, String)> = diags
        .iter()
        .map(|d| (d.file.clone(), d.line, d.column, d.message.clone()))
        .collect();
    assert_eq!(
        at,
        [
            (
                "zz.auth".to_string(),
                1,
                25,
                "group `y` includes itself through `z` (cycle in `includes`)".to_string()
            ),
            (
                "zz.auth".to_string(),
                2,
                22,
                "group `z` includes itself through `y` (cycle in `includes`)".to_string()
            ),
        ]
    );
    // Purposes and authorities too: each at the link that leads back to it.
    let diags = check_errors(vec![
        file("a.auth", "purpose a \"a\" is b\n"),
        file("b.auth", "purpose b \"b\" is a\npurpose c \"c\" is c\n"),
    ]);
    let at: Vec<(&str, usize, usize)> = diags
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(
        at,
        [("a.auth", 1, 18), ("b.auth", 1, 18), ("b.auth", 2, 18)]
    );
    let diags = check_errors(vec![
        file(
            "a.auth",
            &format!("{BASE}authority a {{ name \"A\" citation \"A\" supersedes b }}\n"),
        ),
        file(
            "b.auth",
            "authority b { name \"B\" citation \"B\" supersedes a }\n",
        ),
    ]);
    let at: Vec<(&str, usize, usize)> = diags
        .iter()
        .map(|d| (d.file.as_str(), d.line, d.column))
        .collect();
    assert_eq!(at, [("a.auth", 4, 48), ("b.auth", 1, 48)]);
}

/// A fresh, empty directory under the system temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("authsel-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create scratch dir");
    dir
}

fn load_errors(dir: &Path) -> Vec<Diagnostic> {
    match RuleBase::load(dir) {
        Err(LoadError::Invalid(d)) => d,
        Err(e) => panic!("not a diagnostic: {e}"),
        Ok(_) => panic!("loaded"),
    }
}

#[cfg(unix)]
#[test]
fn a_symlink_out_of_the_rules_directory_is_refused_and_never_echoed() {
    let root = scratch("symlink");
    let rules = root.join("rules");
    std::fs::create_dir_all(&rules).expect("mkdir");
    let secret = root.join("secret.txt");
    std::fs::write(&secret, "root:x:0:0:secret line\n").expect("write");
    std::fs::write(rules.join("a.auth"), BASE).expect("write");
    std::os::unix::fs::symlink(&secret, rules.join("b.auth")).expect("symlink");
    let diags = load_errors(&rules);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!(d.code, "E0114");
    assert!(d.file.ends_with("b.auth"), "{d}");
    assert!(d.message.contains("symbolic link"), "{d}");
    assert!(!d.to_string().contains("secret"), "echoed: {d}");
    // Through the CLI: exit 2, nothing of the file shown.
    let dir = rules.display().to_string();
    let o = authsel(&["authorities", "--rules", &dir]);
    assert_eq!(code(&o), 2);
    assert!(!stderr(&o).contains("secret"), "{}", stderr(&o));
    assert!(stderr(&o).contains("E0114"), "{}", stderr(&o));
    // A link to a file inside the rules directory is followed.
    std::fs::remove_file(rules.join("b.auth")).expect("rm");
    std::fs::create_dir_all(rules.join("sub")).expect("mkdir");
    std::fs::write(rules.join("sub/v.txt"), "activity y \"y\"\n").expect("write");
    std::os::unix::fs::symlink(rules.join("sub/v.txt"), rules.join("b.auth")).expect("symlink");
    let files = RuleBase::load_files(&rules).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(files.len(), 2);
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_file_that_is_not_utf8_gets_the_position_of_the_first_bad_byte() {
    let dir = scratch("utf8");
    let mut bytes = BASE.as_bytes().to_vec();
    bytes.extend_from_slice(b"purpose q \"caf\xe9\"\n");
    std::fs::write(dir.join("a.auth"), &bytes).expect("write");
    let diags = load_errors(&dir);
    assert_eq!(diags.len(), 1, "{diags:?}");
    let d = &diags[0];
    assert_eq!((d.code, d.line, d.column), ("E0205", 4, 15), "{d}");
    assert!(d.message.contains("not UTF-8"), "{d}");
    assert!(d.to_string().contains('^'), "{d}");
    let o = authsel(&["authorities", "--rules", &dir.display().to_string()]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("a.auth:4:15"), "{}", stderr(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Generated rule bases of the shapes that used to take exponential time or exhaust the stack.
mod shapes {
    use super::*;
    use authsel::lang::check_counted;
    use proptest::prelude::*;

    /// A rule base shape; `text` writes it.
    #[derive(Debug, Clone)]
    pub enum Shape {
        /// A condition in `depth` brackets, `and`/`or` at every level.
        Brackets(usize),
        /// A condition behind `n` chained `not`s.
        Nots(usize),
        /// `n` groups with these inclusions (cycles allowed) and a partner in each listed group.
        Includes(usize, Vec<(usize, usize)>, Vec<usize>),
        /// `n` authorities with these `supersedes` links (cycles allowed).
        Supersedes(usize, Vec<(usize, usize)>),
        /// A chain of `n` purposes, each `is` the previous one.
        Lineage(usize),
    }

    pub fn text(shape: &Shape) -> Vec<SourceFile> {
        let mut s = String::new();
        match shape {
            Shape::Brackets(depth) => {
                let open = "(fact.f or amount_usd < $1M and ".repeat(*depth);
                s += &format!("{HEAD}{open}fact.f{} cite \"c\" }}\n", ")".repeat(*depth));
            }
            Shape::Nots(n) => s += &format!("{HEAD}{}fact.f cite \"c\" }}\n", "not ".repeat(*n)),
            Shape::Includes(n, links, members) => {
                for i in 0..*n {
                    let inc: Vec<String> = links
                        .iter()
                        .filter(|(a, _)| a % n == i)
                        .map(|(_, b)| format!("g{}", b % n))
                        .collect();
                    let inc = if inc.is_empty() {
                        String::new()
                    } else {
                        format!(" includes {}", inc.join(", "))
                    };
                    s += &format!("group g{i} \"g\"{inc} cite \"c\"\n");
                }
                for (k, g) in members.iter().enumerate() {
                    s += &format!(
                        "partner \"P{k}\" {{ member g{} from 2000-01-01 cite \"c\" }}\n",
                        g % n
                    );
                }
            }
            Shape::Supersedes(n, links) => {
                for i in 0..*n {
                    let sup: Vec<String> = links
                        .iter()
                        .filter(|(a, _)| a % n == i)
                        .map(|(_, b)| format!("a{}", b % n))
                        .collect();
                    let sup = if sup.is_empty() {
                        String::new()
                    } else {
                        format!(" supersedes {}", sup.join(", "))
                    };
                    s += &format!(
                        "authority a{i} {{ name \"A\" citation \"A\" serves p provides x{sup} }}\n"
                    );
                }
            }
            Shape::Lineage(n) => {
                for i in 0..*n {
                    let is = if i == 0 {
                        String::new()
                    } else {
                        format!(" is q{}", i - 1)
                    };
                    s += &format!("purpose q{i} \"q\"{is}\n");
                }
            }
        }
        vec![file("v.auth", BASE), file("x.auth", &s)]
    }

    fn links(n: usize) -> impl Strategy<Value = Vec<(usize, usize)>> {
        prop::collection::vec((0..n, 0..n), 0..=n * n / 2)
            .prop_map(|v| v.into_iter().filter(|(a, b)| a != b).collect())
    }

    pub fn shape() -> impl Strategy<Value = Shape> {
        prop_oneof![
            (0usize..40).prop_map(Shape::Brackets),
            (0usize..4000).prop_map(Shape::Nots),
            (1usize..80)
                .prop_flat_map(|n| (Just(n), links(n), prop::collection::vec(0..n, 0..4)))
                .prop_map(|(n, l, m)| Shape::Includes(n, l, m)),
            (1usize..80)
                .prop_flat_map(|n| (Just(n), links(n)))
                .prop_map(|(n, l)| Shape::Supersedes(n, l)),
            (1usize..200).prop_map(Shape::Lineage),
        ]
    }

    /// Steps the checker may take per byte of rule text.
    pub const STEPS_PER_BYTE: u64 = 8;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        /// Whatever the shape and size: the checker's steps stay within a constant times the
        /// text's length, nothing overflows a 256 KiB stack (check, lint and fmt), and every error
        /// has a position.
        #[test]
        fn work_is_linear_and_the_stack_small(shape in shape()) {
            let files = text(&shape);
            let bytes: usize = files.iter().map(|f| f.text.len()).sum();
            let (result, work) = small_stack(move || {
                let (result, work) = check_counted(&files);
                let _ = lint(&files);
                for f in &files {
                    let _ = format_source(&f.name, &f.text);
                }
                (result.err().unwrap_or_default(), work)
            });
            prop_assert!(
                work.steps <= STEPS_PER_BYTE * bytes as u64,
                "{} steps for {bytes} bytes: {shape:?}", work.steps
            );
            for d in &result {
                prop_assert!(d.line >= 1 && d.column >= 1, "{d}");
                prop_assert!(d.file == "x.auth", "{d}");
            }
            let deep = match &shape {
                Shape::Brackets(d) => d + 1 > MAX_DEPTH,
                Shape::Nots(n) => n + 1 > MAX_DEPTH,
                _ => false,
            };
            prop_assert_eq!(deep, result.iter().any(|d| d.code == "E0111"), "{:?}", result);
        }
    }

    /// The shapes of issue 12 at sizes that took seconds and doubled with every group: the steps
    /// grow with the text, not with the number of paths.
    #[test]
    fn dense_graphs_cost_steps_in_proportion_to_their_text() {
        for n in [10, 20, 40, 80] {
            let all: Vec<(usize, usize)> = (0..n)
                .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
                .collect();
            for shape in [
                Shape::Includes(n, all.clone(), vec![n - 1]),
                Shape::Supersedes(n, all.clone()),
            ] {
                let files = text(&shape);
                let bytes: u64 = files.iter().map(|f| f.text.len() as u64).sum();
                let (result, work) = check_counted(&files);
                assert!(result.is_ok(), "{n}");
                assert!(
                    work.steps <= STEPS_PER_BYTE * bytes,
                    "{n}: {} steps, {bytes} bytes",
                    work.steps
                );
            }
        }
    }
}
