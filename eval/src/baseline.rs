//! The committed baseline (`eval/baseline.json`): each topic × backend's pass rate and mean
//! overall score, against which a run is compared for regressions.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::summary::Summary;

/// One topic × backend in the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BaselineCase {
    /// Share of repeats that passed.
    pub pass_rate: f64,
    /// Mean overall score.
    pub overall: f64,
}

/// A baseline: cases keyed `topic_id:backend`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Baseline {
    /// The cases.
    pub cases: BTreeMap<String, BaselineCase>,
}

/// A case that got worse.
#[derive(Debug, Clone, PartialEq)]
pub struct Regression {
    /// `topic_id:backend`.
    pub case: String,
    /// What changed.
    pub message: String,
}

impl Baseline {
    /// The baseline a summary would write.
    pub fn from_summary(summary: &Summary) -> Baseline {
        let round = |x: f64| (x * 10_000.0).round() / 10_000.0;
        let cases = summary
            .cells
            .iter()
            .map(|((topic, backend), cell)| {
                (
                    format!("{topic}:{backend}"),
                    BaselineCase {
                        pass_rate: round(cell.pass_rate()),
                        overall: round(cell.mean_overall()),
                    },
                )
            })
            .collect();
        Baseline { cases }
    }

    /// The part of the baseline whose topics `keep` accepts (a partition's share), and how many
    /// cases were left out.
    pub fn restricted(&self, keep: impl Fn(&str) -> bool) -> (Baseline, usize) {
        let cases: BTreeMap<String, BaselineCase> = self
            .cases
            .iter()
            .filter(|(case, _)| keep(case.split_once(':').map_or(case.as_str(), |(t, _)| t)))
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        let skipped = self.cases.len() - cases.len();
        (Baseline { cases }, skipped)
    }

    /// Reads a baseline file.
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read baseline {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("baseline {}: {e}", path.display()))
    }

    /// Writes the baseline, pretty-printed with sorted keys so diffs review well.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        std::fs::write(path, text + "\n")
    }

    /// Cases in both that went from passing every repeat to not, or whose mean overall score
    /// dropped by more than `tolerance`.
    pub fn regressions(&self, now: &Baseline, tolerance: f64) -> Vec<Regression> {
        let mut out = Vec::new();
        for (case, before) in &self.cases {
            let Some(after) = now.cases.get(case) else {
                // A fixture or backend that disappeared must not pass as "no regressions".
                out.push(Regression {
                    case: case.clone(),
                    message: String::from(
                        "is in the baseline but missing from this run (a deleted topic or backend? bless a new baseline if so)",
                    ),
                });
                continue;
            };
            if before.pass_rate >= 1.0 && after.pass_rate < 1.0 {
                out.push(Regression {
                    case: case.clone(),
                    message: format!(
                        "went from pass to fail (pass rate {:.2} -> {:.2})",
                        before.pass_rate, after.pass_rate
                    ),
                });
            }
            if before.overall - after.overall > tolerance {
                out.push(Regression {
                    case: case.clone(),
                    message: format!(
                        "overall dropped {:.3} -> {:.3} (tolerance {tolerance})",
                        before.overall, after.overall
                    ),
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regressions_are_pass_to_fail_and_drops_beyond_tolerance() {
        let case = |pass_rate, overall| BaselineCase { pass_rate, overall };
        let before = Baseline {
            cases: [
                ("a:x".to_string(), case(1.0, 0.9)),
                ("b:x".to_string(), case(1.0, 0.9)),
                ("c:x".to_string(), case(0.5, 0.6)),
            ]
            .into(),
        };
        let after = Baseline {
            cases: [
                ("a:x".to_string(), case(0.0, 0.88)),
                ("b:x".to_string(), case(1.0, 0.7)),
                ("c:x".to_string(), case(1.0, 0.95)),
            ]
            .into(),
        };
        let found: Vec<(String, bool)> = before
            .regressions(&after, 0.05)
            .into_iter()
            .map(|r| (r.case, r.message.starts_with("went from pass")))
            .collect();
        assert_eq!(
            found,
            vec![("a:x".to_string(), true), ("b:x".to_string(), false)]
        );
    }

    #[test]
    fn a_case_missing_from_the_run_is_a_regression_unless_outside_the_partition() {
        let case = BaselineCase {
            pass_rate: 1.0,
            overall: 1.0,
        };
        let before = Baseline {
            cases: [("a:x".to_string(), case), ("b:x".to_string(), case)].into(),
        };
        let now = Baseline {
            cases: [("a:x".to_string(), case)].into(),
        };
        let found = before.regressions(&now, 0.05);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].case, "b:x");
        assert!(found[0].message.contains("missing from this run"));
        let (part, skipped) = before.restricted(|topic| topic == "a");
        assert_eq!(skipped, 1);
        assert!(part.regressions(&now, 0.05).is_empty());
    }
}
