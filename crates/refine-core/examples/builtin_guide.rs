//! Writes `assets/refinement-guide.parsed.json`, the built-in guide as `Guide::builtin` reads
//! it without parsing. Run after changing the guide or its parser:
//!
//! ```text
//! cargo run -q -p refine-core --example builtin_guide > crates/refine-core/assets/refinement-guide.parsed.json
//! ```
//!
//! A test fails while the file is not what this writes.

fn main() {
    print!("{}", refine_core::Guide::builtin_parsed_json());
}
