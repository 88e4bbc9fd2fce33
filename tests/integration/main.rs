//! One integration-test binary (the 2-core machine links once): each module tests one surface.

mod cli;
mod dsl_doc;
mod fmt_props;
mod maint;
mod never_panics;
mod props;
mod regression;
