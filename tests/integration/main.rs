//! One integration-test binary (the 2-core machine links once): each module tests one surface.

mod batch;
mod cli;
mod cli_io;
mod common;
mod docs_examples;
mod dsl_doc;
mod explain;
mod fmt_props;
mod golden;
mod input_limits;
mod lang_limits;
mod layers;
mod maint;
mod never_panics;
mod plan;
mod props;
mod regression;
mod scope_props;
mod seed_programs;
mod serve;
