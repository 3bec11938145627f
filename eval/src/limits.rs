//! Per-backend limits shared by all workers of a run: at most `max_concurrency` calls at once
//! and at most `rpm` call starts a minute, given in the backend spec
//! (`openai:model=m,max_concurrency=2,rpm=30`) and taken out of the options the backend sees.
//! A call the provider still answers with HTTP 429 (after its own retries) slows the backend's
//! pace down (the interval between starts doubles) and is tried again, so a rate limit costs
//! time, not the case.

use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant};

use refine_plugin::Options;

/// The spec options that are limits, not backend options.
pub const LIMIT_OPTIONS: [&str; 2] = ["max_concurrency", "rpm"];

/// How many times a rate-limited call is tried again.
pub const RATE_LIMIT_RETRIES: u32 = 3;

/// The limits of one backend.
#[derive(Debug)]
pub struct Limiter {
    max: usize,
    running: Mutex<usize>,
    freed: Condvar,
    /// The earliest next start, and the interval between starts.
    pace: Mutex<(Instant, Duration)>,
}

/// A call in flight; dropping it frees its place.
pub struct Permit<'a>(&'a Limiter);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut running = self.0.running.lock().unwrap_or_else(|p| p.into_inner());
        *running -= 1;
        self.0.freed.notify_one();
    }
}

impl Limiter {
    /// Takes the limit options out of `options`; `None` when there are none.
    pub fn take(options: &mut Options) -> Result<Option<Limiter>, String> {
        let mut read = |name: &str| -> Result<Option<u64>, String> {
            match options.remove(name) {
                None => Ok(None),
                Some(v) => v
                    .as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    .filter(|n| *n > 0)
                    .map(Some)
                    .ok_or_else(|| format!("{name} must be a whole number above 0, not {v}")),
            }
        };
        let max = read("max_concurrency")?;
        let rpm = read("rpm")?;
        if max.is_none() && rpm.is_none() {
            return Ok(None);
        }
        let interval = rpm.map_or(Duration::ZERO, |n| Duration::from_secs_f64(60.0 / n as f64));
        Ok(Some(Limiter {
            max: max.map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX)),
            running: Mutex::new(0),
            freed: Condvar::new(),
            pace: Mutex::new((Instant::now(), interval)),
        }))
    }

    /// Waits for a place and for the pace, then holds the place until the permit drops.
    pub fn acquire(&self) -> Permit<'_> {
        let mut running = self.running.lock().unwrap_or_else(|p| p.into_inner());
        while *running >= self.max {
            running = self.freed.wait(running).unwrap_or_else(|p| p.into_inner());
        }
        *running += 1;
        drop(running);
        let wait = {
            let mut pace = self.pace.lock().unwrap_or_else(|p| p.into_inner());
            let now = Instant::now();
            let start = pace.0.max(now);
            pace.0 = start + pace.1;
            start - now
        };
        std::thread::sleep(wait);
        Permit(self)
    }

    /// A rate limit was hit: starts come at least twice as far apart (at least a second).
    pub fn slow_down(&self) {
        let mut pace = self.pace.lock().unwrap_or_else(|p| p.into_inner());
        pace.1 = (pace.1 * 2).max(Duration::from_secs(1));
    }

    /// The interval between starts now.
    pub fn interval(&self) -> Duration {
        self.pace.lock().unwrap_or_else(|p| p.into_inner()).1
    }
}

/// Whether a backend error is a rate limit the provider kept answering (HTTP 429).
pub fn is_rate_limit(error: &refine_plugin::BackendError) -> bool {
    error.to_string().contains("HTTP 429")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_taken_out_of_the_options_and_checked() {
        let mut options = Options::new();
        options.insert("model".into(), "m".into());
        options.insert("max_concurrency".into(), 2.into());
        options.insert("rpm".into(), "120".into());
        let limiter = Limiter::take(&mut options).expect("valid").expect("limits");
        assert_eq!(options.len(), 1, "only the backend's own options are left");
        assert_eq!(limiter.interval(), Duration::from_millis(500));
        limiter.slow_down();
        assert_eq!(limiter.interval(), Duration::from_secs(1));
        let mut bad = Options::new();
        bad.insert("rpm".into(), 0.into());
        assert!(Limiter::take(&mut bad).is_err());
        assert!(Limiter::take(&mut Options::new()).expect("none").is_none());
    }

    fn limiter(max: u64, rpm: Option<u64>) -> Limiter {
        let mut options = Options::new();
        options.insert("max_concurrency".into(), max.into());
        if let Some(rpm) = rpm {
            options.insert("rpm".into(), rpm.into());
        }
        Limiter::take(&mut options).expect("valid").expect("limits")
    }

    /// Runs six calls of `hold` each through `limiter`: the most at once, and the time taken.
    fn six_calls(limiter: &Limiter, hold: Duration) -> (usize, Duration) {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let (peak, now) = (AtomicUsize::new(0), AtomicUsize::new(0));
        let started = Instant::now();
        std::thread::scope(|s| {
            for _ in 0..6 {
                s.spawn(|| {
                    let _permit = limiter.acquire();
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(hold);
                    now.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        (peak.into_inner(), started.elapsed())
    }

    #[test]
    fn no_more_than_max_run_at_once() {
        // Unlimited, six calls of 100 ms would take ~100 ms; two at a time take three rounds.
        let (peak, took) = six_calls(&limiter(2, None), Duration::from_millis(100));
        assert!(peak <= 2, "{peak} at once");
        assert!(took >= Duration::from_millis(300), "{took:?}");
    }

    #[test]
    fn starts_keep_the_pace() {
        // 1,200 a minute: starts 50 ms apart, so six starts take at least 250 ms.
        let (_, took) = six_calls(&limiter(100, Some(1200)), Duration::ZERO);
        assert!(took >= Duration::from_millis(250), "{took:?}");
    }
}
