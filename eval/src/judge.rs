//! The LLM judge: a grader backend scores each reply against a rubric derived from the guide
//! and stored as data (`eval/assets/rubric.toml`), one score (1-5) and one reason per criterion.
//! Its verdict is kept apart from the linter's scores; a reply the grader answers in any other
//! shape is an error for that case's verdict, never a score.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use refine_core::{Guide, SessionRequest};

/// The rubric as shipped.
pub const RUBRIC: &str = include_str!("../assets/rubric.toml");

/// One criterion of the rubric.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Criterion {
    /// Its stable id.
    pub id: String,
    /// The question the grader answers, with `{phases}` and `{pitfalls}` from the guide.
    pub question: String,
}

#[derive(Deserialize)]
struct RubricFile {
    criteria: Vec<Criterion>,
}

/// The rubric: its criteria and its version (the SHA-256 of its text, 12 hex digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rubric {
    /// The criteria, in order.
    pub criteria: Vec<Criterion>,
    /// The version recorded with every verdict.
    pub version: String,
}

impl Rubric {
    /// Reads a rubric's TOML text.
    pub fn parse(text: &str) -> Result<Rubric, String> {
        let file: RubricFile = toml::from_str(text).map_err(|e| format!("the rubric: {e}"))?;
        if file.criteria.is_empty() {
            return Err(String::from("the rubric has no criteria"));
        }
        let digest = Sha256::digest(text.as_bytes());
        let version: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        Ok(Rubric {
            criteria: file.criteria,
            version,
        })
    }

    /// The shipped rubric.
    pub fn builtin() -> Rubric {
        Rubric::parse(RUBRIC).expect("the shipped rubric is valid")
    }

    /// The grader's prompt for `reply` to `request` under `guide`.
    pub fn prompt(&self, guide: &Guide, request: &SessionRequest, reply: &str) -> String {
        let phases: Vec<&str> = guide.phases.iter().map(|p| p.name.as_str()).collect();
        let pitfalls = refine_core::guide::shown_bullets(&guide.pitfalls).join("; ");
        let mut out = String::from(
            "You grade a pack prepared for a product refinement session. Grade the pack, not the topic.\n\n",
        );
        out.push_str(&format!(
            "Topic: {}\n",
            refine_core::prompt::neutralise(request.topic().as_str())
        ));
        if let Some(context) = request.context() {
            out.push_str(&format!(
                "Context notes:\n{}\n",
                refine_core::prompt::neutralise(context)
            ));
        }
        out.push_str(&format!(
            "\n<pack>\n{}\n</pack>\n\nFor each criterion, give a score from 1 (not at all) to 5 (fully) and one sentence of reason.\n",
            refine_core::prompt::neutralise(reply.trim())
        ));
        for c in &self.criteria {
            let question = c
                .question
                .replace("{phases}", &phases.join(", "))
                .replace("{pitfalls}", &pitfalls);
            out.push_str(&format!("- {}: {question}\n", c.id));
        }
        let ids: Vec<String> = self
            .criteria
            .iter()
            .map(|c| format!("\"{}\"", c.id))
            .collect();
        out.push_str(&format!(
            "\nAnswer with JSON only, one entry per criterion in this order ({}): {{\"scores\": [{{\"id\": \"...\", \"score\": 1, \"reason\": \"...\"}}]}}\n",
            ids.join(", ")
        ));
        out
    }

    /// The JSON Schema of an answer, in the strict subset, for graders with structured output:
    /// every criterion once, scores 1-5, a reason each.
    pub fn schema(&self) -> serde_json::Value {
        let ids: Vec<&str> = self.criteria.iter().map(|c| c.id.as_str()).collect();
        serde_json::json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["scores"],
            "properties": {
                "scores": {
                    "type": "array",
                    "minItems": ids.len(),
                    "maxItems": ids.len(),
                    "items": {
                        "type": "object",
                        "additionalProperties": false,
                        "required": ["id", "score", "reason"],
                        "properties": {
                            "id": {"type": "string", "enum": ids},
                            "score": {"type": "integer", "enum": [1, 2, 3, 4, 5]},
                            "reason": {"type": "string"},
                        },
                    },
                },
            },
        })
    }

    /// Reads a grader's answer strictly: one JSON object (a Markdown code fence around it is
    /// allowed) with every criterion exactly once, in any order, each score an integer 1-5 and
    /// each reason some text.
    pub fn read(&self, answer: &str) -> Result<Vec<Score>, String> {
        let text = answer.trim();
        let text = text
            .strip_prefix("```json")
            .or_else(|| text.strip_prefix("```"))
            .and_then(|t| t.strip_suffix("```"))
            .unwrap_or(text)
            .trim();
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Answer {
            scores: Vec<Score>,
        }
        let parsed: Answer = serde_json::from_str(text)
            .map_err(|e| format!("the grader's answer is not the asked JSON: {e}"))?;
        let mut out = Vec::new();
        for c in &self.criteria {
            let mut found = parsed.scores.iter().filter(|s| s.id == c.id);
            let score = found
                .next()
                .ok_or_else(|| format!("the grader's answer has no score for `{}`", c.id))?;
            if found.next().is_some() {
                return Err(format!("the grader's answer scores `{}` twice", c.id));
            }
            if !(1..=5).contains(&score.score) {
                return Err(format!(
                    "the grader scored `{}` {}, outside 1-5",
                    c.id, score.score
                ));
            }
            if score.reason.trim().is_empty() {
                return Err(format!("the grader gave no reason for `{}`", c.id));
            }
            out.push(score.clone());
        }
        if let Some(extra) = parsed
            .scores
            .iter()
            .find(|s| !self.criteria.iter().any(|c| c.id == s.id))
        {
            return Err(format!(
                "the grader's answer scores `{}`, which the rubric has not",
                extra.id
            ));
        }
        Ok(out)
    }
}

/// One criterion's score.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Score {
    /// The criterion.
    pub id: String,
    /// 1 (not at all) to 5 (fully).
    pub score: i64,
    /// Why, in one sentence.
    pub reason: String,
}

/// A grader's verdict on one reply, kept apart from the linter's scores.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    /// The grader as named on the command line (`--judge`).
    pub grader: String,
    /// The grader's model, when known.
    pub model: Option<String>,
    /// The rubric's version.
    pub rubric: String,
    /// One score per criterion, in the rubric's order.
    pub scores: Vec<Score>,
    /// The mean score mapped to [0, 1]: (score - 1) / 4, averaged.
    pub mean: f64,
}

impl Verdict {
    /// A verdict from its scores.
    pub fn new(
        grader: &str,
        model: Option<String>,
        rubric: &Rubric,
        scores: Vec<Score>,
    ) -> Verdict {
        let mean = if scores.is_empty() {
            0.0
        } else {
            scores
                .iter()
                .map(|s| (s.score - 1) as f64 / 4.0)
                .sum::<f64>()
                / scores.len() as f64
        };
        Verdict {
            grader: grader.to_string(),
            model,
            rubric: rubric.version.clone(),
            scores,
            mean: (mean * 10_000.0).round() / 10_000.0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(scores: &[(&str, i64)]) -> String {
        let scores: Vec<serde_json::Value> = scores
            .iter()
            .map(|(id, s)| serde_json::json!({"id": id, "score": s, "reason": "because"}))
            .collect();
        serde_json::json!({ "scores": scores }).to_string()
    }

    #[test]
    fn the_rubric_is_data_derived_from_the_guide_and_versioned() {
        let rubric = Rubric::builtin();
        assert_eq!(rubric.criteria.len(), 5);
        assert_eq!(rubric.version.len(), 12);
        let request = SessionRequest::new(refine_core::Topic::new("Export fails").expect("t"));
        let prompt = rubric.prompt(&Guide::builtin(), &request, "<agenda>x</agenda>");
        assert!(prompt.contains("Context Setting, Problem Space Exploration"));
        assert!(prompt.contains("Focusing on estimation instead of understanding"));
        assert!(
            prompt.contains("‹agenda›x‹/agenda›"),
            "the reply cannot open tags"
        );
        assert_ne!(
            Rubric::parse(&RUBRIC.replace("concrete", "clear"))
                .expect("r")
                .version,
            rubric.version
        );
    }

    #[test]
    fn answers_are_read_strictly() {
        let rubric = Rubric::builtin();
        let all = [
            ("specific", 4),
            ("problem-not-solution", 5),
            ("no-estimation", 5),
            ("guide-phases", 3),
            ("next-steps", 1),
        ];
        let scores = rubric.read(&answer(&all)).expect("valid");
        assert_eq!(scores.len(), 5);
        let v = Verdict::new("g", None, &rubric, scores);
        assert!((v.mean - 0.65).abs() < 1e-9, "{}", v.mean);
        assert!(
            rubric
                .read(&format!("```json\n{}\n```", answer(&all)))
                .is_ok()
        );
        assert!(
            rubric
                .read(&answer(&all[..4]))
                .expect_err("refused")
                .contains("no score for `next-steps`")
        );
        let mut bad = all;
        bad[0].1 = 7;
        assert!(
            rubric
                .read(&answer(&bad))
                .expect_err("refused")
                .contains("outside 1-5")
        );
        assert!(rubric.read("Scores: 4, 5, 5, 3, 1").is_err());
        let mut extra = all.to_vec();
        extra.push(("style", 3));
        assert!(
            rubric
                .read(&answer(&extra))
                .expect_err("refused")
                .contains("`style`")
        );
    }
}
