//! `--format`: one parser over the one `render::Format` enum; each command passes the formats it
//! offers (listed beside the enum in `src/render/mod.rs`), which are then the only values its
//! `--help` lists and its parser accepts.

use authsel::render::Format;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::error::ErrorKind;

/// The formats a command offers.
#[derive(Clone, Copy)]
pub struct Offered(pub &'static [Format]);

pub const EVAL: Offered = Offered(Format::EVAL);
pub const CHECK: Offered = Offered(Format::CHECK);
pub const LIST: Offered = Offered(Format::LIST);
pub const GRAPH: Offered = Offered(Format::GRAPH);
pub const PLAN: Offered = Offered(Format::PLAN);

impl TypedValueParser for Offered {
    type Value = Format;

    /// Parsed by clap's own parser of possible values, so a wrong value gets clap's message (the
    /// valid values, a close one suggested).
    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Format, clap::Error> {
        let names = PossibleValuesParser::new(self.0.iter().map(|f| f.name()));
        let name = names.parse_ref(cmd, arg, value)?;
        self.0
            .iter()
            .copied()
            .find(|f| f.name() == name)
            .ok_or_else(|| clap::Error::new(ErrorKind::InvalidValue).with_cmd(cmd))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(
            self.0.iter().map(|f| PossibleValue::new(f.name())),
        ))
    }
}
