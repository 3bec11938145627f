//! Plain progress lines, one a case (`[n/total] case verdict score`), for a stderr that is not a
//! terminal or with `--plain`.
//!
//! Lines are written in batches: each case adds its line to a buffer, and the buffer goes out
//! in one `write` when [`ProgressLines::EVERY`] has passed since the last one, and when the run
//! ends. A case slower than that (any live model) still shows its line the moment it ends; a
//! fast offline run makes a few dozen system calls for its progress instead of one a case
//! (a system call is about 2 µs here, 2% of an offline case's budget). Every line is written,
//! in the order the cases ended; only when they reach the reader changes.

use std::fmt::Write as _;
use std::io::Write;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::record::CaseRecord;
use crate::run::Progress;

/// Progress as plain lines, written to `W` in batches.
#[derive(Debug)]
pub struct ProgressLines<W: Write + Send> {
    state: Mutex<Lines<W>>,
}

#[derive(Debug)]
struct Lines<W> {
    out: W,
    total: usize,
    done: usize,
    /// Lines not yet written.
    pending: String,
    /// When `pending` was last written; `None` before the first line, written at once.
    written_at: Option<Instant>,
}

impl<W: Write + Send> ProgressLines<W> {
    /// The longest a finished case's line waits in the buffer while cases keep ending.
    pub const EVERY: Duration = Duration::from_millis(100);

    /// Progress lines written to `out`.
    pub fn new(out: W) -> Self {
        ProgressLines {
            state: Mutex::new(Lines {
                out,
                total: 0,
                done: 0,
                pending: String::new(),
                written_at: None,
            }),
        }
    }

    /// Adds the line of a case that ended at `now`, and writes the lines waiting when
    /// [`Self::EVERY`] has passed since the last write.
    pub fn add(&self, record: &CaseRecord, now: Instant) {
        let mut lines = self.state.lock().unwrap_or_else(|p| p.into_inner());
        lines.done += 1;
        let (n, total) = (lines.done, lines.total);
        push_line(&mut lines.pending, n, total, record);
        if lines
            .written_at
            .is_none_or(|at| now.saturating_duration_since(at) >= Self::EVERY)
        {
            lines.write_pending();
            lines.written_at = Some(now);
        }
    }

    /// Writes the lines waiting.
    pub fn flush(&self) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .write_pending();
    }
}

impl<W: Write> Lines<W> {
    fn write_pending(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        // A closed stderr only loses the progress lines.
        let _ = self.out.write_all(self.pending.as_bytes());
        let _ = self.out.flush();
        self.pending.clear();
    }
}

impl<W: Write + Send> Progress for ProgressLines<W> {
    fn start(&self, total: usize) {
        self.state.lock().unwrap_or_else(|p| p.into_inner()).total = total;
    }

    fn done(&self, record: &CaseRecord) {
        self.add(record, Instant::now());
    }

    fn finish(&self) {
        self.flush();
    }
}

impl<W: Write + Send> Drop for ProgressLines<W> {
    /// A run that ends early (an error, a panic in a worker) still shows the lines of the
    /// cases it finished.
    fn drop(&mut self) {
        self.state
            .get_mut()
            .unwrap_or_else(|p| p.into_inner())
            .write_pending();
    }
}

/// Appends one case's progress line: `[n/total] case_id verdict overall`, `-` for no score.
fn push_line(out: &mut String, n: usize, total: usize, record: &CaseRecord) {
    let verdict = if record.error.is_some() {
        "error"
    } else if record.pass {
        "pass"
    } else {
        "fail"
    };
    // Formatting into a String cannot fail.
    let _ = write!(out, "[{n}/{total}] {} {verdict} ", record.case_id);
    match record.scores {
        Some(s) => {
            let _ = writeln!(out, "{}", crate::two_places::TwoPlaces(s.overall));
        }
        None => out.push_str("-\n"),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    /// Keeps each `write` call apart, as an unbuffered stderr makes a system call for each.
    #[derive(Debug, Default, Clone)]
    struct Writes(Arc<Mutex<Vec<String>>>);

    impl Writes {
        fn seen(&self) -> Vec<String> {
            self.0.lock().expect("not poisoned").clone()
        }
    }

    impl Write for Writes {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let text = String::from_utf8(buf.to_vec()).expect("UTF-8");
            self.0.lock().expect("not poisoned").push(text);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn record(case_id: &str, scores: &str) -> CaseRecord {
        serde_json::from_str(&format!(
            r#"{{"run_id":"r","case_id":"{case_id}","topic_id":"t","backend":"offline",
                "repeat":1,"reply":null,"plan":null,"findings":[],"scores":{scores},
                "pass":true,"latency_ms":0,"tokens":null,"cached":false,"error":null}}"#
        ))
        .expect("a record")
    }

    const SCORED: &str = r#"{"structure":1.0,"adherence":0.5,"overall":0.75}"#;

    #[test]
    fn lines_of_fast_cases_go_out_together_in_their_order() {
        let out = Writes::default();
        let lines = ProgressLines::new(out.clone());
        lines.start(4);
        let t0 = Instant::now();
        let tick = Duration::from_millis(1);
        lines.add(&record("a", SCORED), t0);
        lines.add(&record("b", "null"), t0 + tick);
        lines.add(&record("c", SCORED), t0 + 2 * tick);
        lines.add(&record("d", SCORED), t0 + 3 * tick);
        assert_eq!(
            out.seen(),
            ["[1/4] a pass 0.75\n"],
            "the first line at once"
        );
        lines.finish();
        assert_eq!(
            out.seen(),
            [
                "[1/4] a pass 0.75\n",
                "[2/4] b pass -\n[3/4] c pass 0.75\n[4/4] d pass 0.75\n"
            ],
            "the rest in one write at the end"
        );
    }

    #[test]
    fn a_slow_cases_line_is_written_when_it_ends() {
        let out = Writes::default();
        let lines = ProgressLines::new(out.clone());
        lines.start(3);
        let t0 = Instant::now();
        let every = ProgressLines::<Writes>::EVERY;
        lines.add(&record("a", SCORED), t0);
        lines.add(&record("b", SCORED), t0 + every);
        lines.add(
            &record("c", SCORED),
            t0 + 2 * every + Duration::from_millis(1),
        );
        assert_eq!(
            out.seen(),
            [
                "[1/3] a pass 0.75\n",
                "[2/3] b pass 0.75\n",
                "[3/3] c pass 0.75\n"
            ]
        );
    }

    #[test]
    fn lines_left_waiting_are_written_when_the_progress_is_dropped() {
        let out = Writes::default();
        {
            let lines = ProgressLines::new(out.clone());
            lines.start(2);
            let t0 = Instant::now();
            lines.add(&record("a", SCORED), t0);
            lines.add(&record("b", "null"), t0);
        }
        assert_eq!(out.seen().concat(), "[1/2] a pass 0.75\n[2/2] b pass -\n");
    }
}
