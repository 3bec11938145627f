//! Parse + lint of the typical reply (the `analyze` bench's) N times, for counting instructions
//! where a criterion bench's timing is too noisy: `valgrind --tool=callgrind
//! target/release/examples/analyze_loop 1010` minus the same at 110, divided by 900, is the cost
//! of one `analyze` once every cache and engine is warm.

use refine_core::{Guide, SessionRequest, Topic, analyze};

const REPLY: &str = include_str!("../../../fixtures/replies/clean-numbered-bold.md");

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let guide = Guide::builtin();
    let request =
        SessionRequest::new(Topic::new("Reduce checkout abandonment on mobile").expect("topic"));
    let reply = REPLY.split_once("\n+++\n").map_or(REPLY, |(_, body)| body);
    let findings: usize = (0..runs)
        .map(|_| {
            analyze(std::hint::black_box(reply), &guide, &request)
                .findings
                .len()
        })
        .sum();
    println!(
        "{runs} analyses of {} bytes, {findings} findings",
        reply.len()
    );
}
