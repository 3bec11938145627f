//! Paired comparison of two runs, or of two variants of one run: is B better than A, and how
//! sure are we?
//!
//! Cases are paired by topic and repeat (and by backend label when neither side names one).
//! For each pair, `delta = overall(B) - overall(A)` (a failed call scores 0). The report gives:
//!
//! - wins, losses and ties of B on the overall score (a tie: |delta| < 0.0001) and on pass;
//! - the mean delta with a 95% bootstrap interval: the pairs resampled with replacement
//!   [`BOOTSTRAP_RESAMPLES`] times (seeded, so the same runs give the same interval), the 2.5th
//!   and 97.5th percentiles of the resampled means;
//! - an exact McNemar test on pass/fail: with `b` pairs that pass in A only and `c` that pass in
//!   B only, `p = min(1, 2 · Σ_{k=0}^{min(b,c)} C(b+c, k) / 2^(b+c))` (two-sided; 1 when
//!   `b + c = 0`);
//! - the pairs whose pass flipped, with both replies.
//!
//! B is **significantly worse** when the whole interval lies below 0, or when McNemar's
//! `p < 0.05` and more pairs pass in A only than in B only.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use crate::record::{CaseRecord, latest_records};

/// How many times the pairs are resampled for the interval.
pub const BOOTSTRAP_RESAMPLES: usize = 10_000;
/// The significance level.
pub const ALPHA: f64 = 0.05;

/// One side of a comparison: a run folder, and optionally one backend label of it.
#[derive(Debug, Clone)]
pub struct Side<'a> {
    /// The run folder.
    pub dir: &'a Path,
    /// Only this backend label (`offline|prompt=terse`), when given.
    pub label: Option<&'a str>,
}

/// A pair of cases whose pass flipped.
#[derive(Debug, Clone, Serialize)]
pub struct Flip {
    /// The pairing key.
    pub key: String,
    /// A's overall score.
    pub a_overall: f64,
    /// B's overall score.
    pub b_overall: f64,
    /// Whether B passes (so A fails).
    pub b_passes: bool,
    /// A's reply.
    pub a_reply: String,
    /// B's reply.
    pub b_reply: String,
}

/// The comparison.
#[derive(Debug, Clone, Serialize)]
pub struct Comparison {
    /// Pairs found on both sides.
    pub pairs: usize,
    /// Cases of A or B without a partner.
    pub unpaired: usize,
    /// B higher on overall.
    pub wins: usize,
    /// B lower on overall.
    pub losses: usize,
    /// Equal.
    pub ties: usize,
    /// Pairs that pass in A only (McNemar's b).
    pub pass_a_only: usize,
    /// Pairs that pass in B only (McNemar's c).
    pub pass_b_only: usize,
    /// Mean of overall(B) - overall(A).
    pub mean_delta: f64,
    /// The 95% bootstrap interval of the mean delta.
    pub interval: (f64, f64),
    /// McNemar's exact two-sided p.
    pub mcnemar_p: f64,
    /// Whether B is significantly worse.
    pub worse: bool,
    /// Whether B is significantly better.
    pub better: bool,
    /// The pairs whose pass flipped.
    pub flips: Vec<Flip>,
}

fn overall(r: &CaseRecord) -> f64 {
    r.scores.map_or(0.0, |s| s.overall)
}

fn side(s: &Side<'_>, by_label: bool) -> std::io::Result<BTreeMap<String, CaseRecord>> {
    let records = latest_records(&s.dir.join("results.jsonl"))?;
    Ok(records
        .into_values()
        .filter(|r| s.label.is_none_or(|l| r.backend == l))
        .map(|r| {
            let key = if by_label {
                format!("{}:{}:{}", r.topic_id, r.backend, r.repeat)
            } else {
                format!("{}:{}", r.topic_id, r.repeat)
            };
            (key, r)
        })
        .collect())
}

/// Compares B with A.
pub fn compare(a: &Side<'_>, b: &Side<'_>) -> std::io::Result<Comparison> {
    let by_label = a.label.is_none() && b.label.is_none();
    let left = side(a, by_label)?;
    let right = side(b, by_label)?;
    let mut deltas = Vec::new();
    let (mut wins, mut losses, mut ties, mut only_a, mut only_b) = (0, 0, 0, 0, 0);
    let mut flips = Vec::new();
    for (key, ra) in &left {
        let Some(rb) = right.get(key) else { continue };
        let delta = overall(rb) - overall(ra);
        deltas.push(delta);
        if delta.abs() < 1e-4 {
            ties += 1;
        } else if delta > 0.0 {
            wins += 1;
        } else {
            losses += 1;
        }
        if ra.pass != rb.pass {
            if ra.pass {
                only_a += 1;
            } else {
                only_b += 1;
            }
            flips.push(Flip {
                key: key.clone(),
                a_overall: overall(ra),
                b_overall: overall(rb),
                b_passes: rb.pass,
                a_reply: ra
                    .reply
                    .clone()
                    .or_else(|| ra.error.clone())
                    .unwrap_or_default(),
                b_reply: rb
                    .reply
                    .clone()
                    .or_else(|| rb.error.clone())
                    .unwrap_or_default(),
            });
        }
    }
    let pairs = deltas.len();
    let unpaired = left.len() + right.len() - 2 * pairs;
    let mean_delta = mean(&deltas);
    let interval = bootstrap(&deltas);
    let mcnemar_p = mcnemar(only_a, only_b);
    let significant = mcnemar_p < ALPHA;
    Ok(Comparison {
        pairs,
        unpaired,
        wins,
        losses,
        ties,
        pass_a_only: only_a,
        pass_b_only: only_b,
        mean_delta,
        interval,
        mcnemar_p,
        worse: pairs > 0 && (interval.1 < 0.0 || (significant && only_a > only_b)),
        better: pairs > 0 && (interval.0 > 0.0 || (significant && only_b > only_a)),
        flips,
    })
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// The 95% percentile bootstrap interval of the mean of `xs`, seeded.
pub fn bootstrap(xs: &[f64]) -> (f64, f64) {
    if xs.is_empty() {
        return (0.0, 0.0);
    }
    let mut rng = fastrand::Rng::with_seed(0x5EED);
    let mut means: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            (0..xs.len())
                .map(|_| xs[rng.usize(..xs.len())])
                .sum::<f64>()
                / xs.len() as f64
        })
        .collect();
    means.sort_by(f64::total_cmp);
    let at = |q: f64| means[((q * (means.len() - 1) as f64).round() as usize).min(means.len() - 1)];
    (at(0.025), at(0.975))
}

/// McNemar's exact two-sided p for `b` and `c` discordant pairs.
pub fn mcnemar(b: usize, c: usize) -> f64 {
    let n = b + c;
    if n == 0 {
        return 1.0;
    }
    // Σ_{k=0}^{min} C(n, k) / 2^n, in logs so large n stays finite.
    let ln_choose = |n: usize, k: usize| -> f64 {
        (1..=k)
            .map(|i| ((n - k + i) as f64).ln() - (i as f64).ln())
            .sum()
    };
    let tail: f64 = (0..=b.min(c))
        .map(|k| (ln_choose(n, k) - n as f64 * std::f64::consts::LN_2).exp())
        .sum();
    (2.0 * tail).min(1.0)
}

/// The comparison for people.
pub fn text(c: &Comparison, a: &str, b: &str) -> String {
    let verdict = if c.worse {
        "B is significantly worse"
    } else if c.better {
        "B is significantly better"
    } else {
        "no significant difference"
    };
    format!(
        "A: {a}\nB: {b}\npairs: {} ({} unpaired)\noverall: B wins {}, loses {}, ties {}; mean delta {:+.4}, 95% bootstrap interval [{:+.4}, {:+.4}]\npass: {} pass in A only, {} in B only; McNemar exact p = {:.4}\n{verdict}\n",
        c.pairs,
        c.unpaired,
        c.wins,
        c.losses,
        c.ties,
        c.mean_delta,
        c.interval.0,
        c.interval.1,
        c.pass_a_only,
        c.pass_b_only,
        c.mcnemar_p
    )
}

const HTML: &str = r#"<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>refine-eval compare</title>
<style>body{font:14px/1.45 system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.4rem;vertical-align:top;text-align:left}pre{white-space:pre-wrap;margin:0;font-size:12px}</style></head>
<body><h1>B against A</h1><pre>{{ summary }}</pre>
<h2>Cases whose pass flipped ({{ flips|length }})</h2>
<table><thead><tr><th>case</th><th>A</th><th>B</th></tr></thead><tbody>
{% for f in flips %}<tr><td>{{ f.key }}<br>A {{ "%.3f"|format(f.a_overall) }} · B {{ "%.3f"|format(f.b_overall) }}<br>{{ "B passes" if f.b_passes else "A passes" }}</td><td><pre>{{ f.a_reply }}</pre></td><td><pre>{{ f.b_reply }}</pre></td></tr>
{% endfor %}</tbody></table></body></html>
"#;

/// The comparison as one HTML page, the flipped cases' replies side by side (escaped).
pub fn html(c: &Comparison, a: &str, b: &str) -> Result<String, minijinja::Error> {
    let mut env = minijinja::Environment::new();
    env.add_template("compare.html", HTML)?;
    env.get_template("compare.html")?
        .render(minijinja::context! {
            summary => text(c, a, b),
            flips => minijinja::Value::from(minijinja::value::Serde(c.flips.clone())),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mcnemar_matches_the_binomial_tail() {
        assert_eq!(mcnemar(0, 0), 1.0);
        // 10 discordant pairs all one way: 2 * 0.5^10.
        assert!((mcnemar(10, 0) - 2.0 / 1024.0).abs() < 1e-12);
        // 3 vs 1: 2 * (1 + 4) / 16 = 0.625.
        assert!((mcnemar(3, 1) - 0.625).abs() < 1e-12);
        assert_eq!(mcnemar(5, 5), 1.0);
        assert!(mcnemar(400, 300) < 0.001, "large n stays finite");
    }

    #[test]
    fn the_bootstrap_interval_holds_the_mean_and_is_seeded() {
        let xs: Vec<f64> = (0..50).map(|i| f64::from(i % 5) / 10.0 - 0.1).collect();
        let (lo, hi) = bootstrap(&xs);
        let m = mean(&xs);
        assert!(lo < m && m < hi, "{lo} {m} {hi}");
        assert_eq!(bootstrap(&xs), (lo, hi));
        assert_eq!(bootstrap(&[0.5; 20]), (0.5, 0.5));
    }
}
