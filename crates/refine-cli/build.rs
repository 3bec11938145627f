//! Link the `refine` binary as a position-dependent executable on Linux.
//!
//! A position-independent `refine` carries about 59,000 relative relocations (vtables, string
//! tables of clap, chrono-tz, minijinja, …) that the loader applies to 1.5 MB of
//! `.data.rel.ro` at every start: ~400 copy-on-write page faults, about 2 ms before `main` on
//! a small machine, more than the whole of `refine prep`'s own work. Linked with `-no-pie`
//! the linker resolves them once, and a start touches only the pages it reads
//! (`refine --version`: 553 → 157 page faults, 4.3 → 2.2 ms). The cost is that the binary
//! itself is not loaded at a random address (its libraries, heap and stack still are).
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    if os == "linux" {
        println!("cargo:rustc-link-arg-bin=refine=-no-pie");
    }
}
