//! Prompt templates of the user's own (`--template FILE`): checked when loaded, so a template
//! that would send a model a broken prompt is an error before any backend is asked.
//!
//! A template is MiniJinja text. It sees `guide` (the guide's Markdown), `topic`, `context` and
//! `minutes` (none when not given); one object per section, `agenda`, `key_points`,
//! `discussion_questions`, `closing_statement` and `success_criteria`, each with `tag`, `label`
//! and `bounds` (e.g. "3-5"); and for a session on several backlog items `items` (each with
//! `number`, `key`, `title`, `notes`), `deferred` (labels), `slots` (`phase`, `minutes` per
//! item) and `item_block.tag`. Untrusted text (topic, notes, guide) arrives neutralised. A
//! template is refused when it does not parse, names a variable there is not (file and line),
//! or never asks for one of the four sections' tags.

use std::path::Path;

use crate::contract::SECTIONS;
use crate::guide::Guide;
use crate::prompt::{self, PromptError};
use crate::request::{SessionRequest, Topic};

/// Why a template cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    /// The file cannot be read.
    #[error("{path}: cannot read the template")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// MiniJinja refuses it: a syntax error or an unknown variable.
    #[error("{origin}{}: {message}", line.map_or(String::new(), |l| format!(":{l}")))]
    Invalid {
        /// The file.
        origin: String,
        /// The 1-based line, when known.
        line: Option<usize>,
        /// What is wrong.
        message: String,
    },
    /// The rendered prompt never names a section's tag, so no model would write that section.
    #[error(
        "{origin}: the template never asks for the <{tag}> section; name its tag where the prompt asks for it, e.g. `in <{{{{ {tag}.tag }}}}> tags`"
    )]
    MissingTag {
        /// The file.
        origin: String,
        /// The section's tag.
        tag: &'static str,
    },
}

/// A prompt template, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromptTemplate {
    origin: String,
    source: String,
}

impl Default for PromptTemplate {
    fn default() -> Self {
        PromptTemplate {
            origin: String::from("the built-in prompt"),
            source: prompt::DEFAULT_TEMPLATE.to_string(),
        }
    }
}

impl PromptTemplate {
    /// Reads and checks a template file.
    pub fn from_file(path: &Path) -> Result<PromptTemplate, TemplateError> {
        let source = std::fs::read_to_string(path).map_err(|source| TemplateError::Io {
            path: path.display().to_string(),
            source,
        })?;
        PromptTemplate::parse(&source, &path.display().to_string())
    }

    /// Checks a template: it renders, strictly, for a sample topic with the built-in guide,
    /// and the prompt it renders names every section's tag.
    pub fn parse(source: &str, origin: &str) -> Result<PromptTemplate, TemplateError> {
        let template = PromptTemplate {
            origin: origin.to_string(),
            source: source.to_string(),
        };
        let sample = SessionRequest::new(Topic::new("Sample topic").expect("a valid topic"))
            .with_context("Sample notes.")
            .and_then(|r| r.with_minutes(60))
            .expect("a valid request");
        let text = template.render(&Guide::builtin(), &sample).map_err(|e| {
            let PromptError::Template(e) = e;
            TemplateError::Invalid {
                origin: origin.to_string(),
                line: e.line(),
                message: e
                    .detail()
                    .map_or_else(|| e.kind().to_string(), str::to_string),
            }
        })?;
        for section in &SECTIONS {
            if !text.contains(&format!("<{}>", section.tag)) {
                return Err(TemplateError::MissingTag {
                    origin: origin.to_string(),
                    tag: section.tag,
                });
            }
        }
        Ok(template)
    }

    /// Where the template comes from, for messages and results.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The prompt for `request` with `guide`.
    pub fn render(&self, guide: &Guide, request: &SessionRequest) -> Result<String, PromptError> {
        prompt::render_with(&self.source, guide, request, true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_prompt_is_a_valid_template() {
        let t = PromptTemplate::parse(prompt::DEFAULT_TEMPLATE, "built-in").expect("valid");
        let request = SessionRequest::new(Topic::new("Onboarding").expect("topic"));
        assert_eq!(
            t.render(&Guide::builtin(), &request).expect("renders"),
            prompt::render(&Guide::builtin(), &request).expect("renders")
        );
    }

    #[test]
    fn unknown_variables_syntax_errors_and_missing_tags_are_refused() {
        let all = "<{{ agenda.tag }}> <{{ key_points.tag }}> <{{ discussion_questions.tag }}> <{{ closing_statement.tag }}>";
        assert!(PromptTemplate::parse(&format!("{{{{ topic }}}}\n{all}"), "t.j2").is_ok());
        let err = PromptTemplate::parse(&format!("{all}\n\nAbout {{{{ topik }}}}"), "t.j2")
            .expect_err("unknown variable")
            .to_string();
        assert!(err.starts_with("t.j2:3:"), "{err}");
        let err = PromptTemplate::parse(&format!("{all}\n{{% for x in %}}"), "t.j2")
            .expect_err("syntax")
            .to_string();
        assert!(err.starts_with("t.j2:2:"), "{err}");
        let err = PromptTemplate::parse(
            "<{{ agenda.tag }}> <{{ key_points.tag }}> {{ discussion_questions.tag }} <{{ closing_statement.tag }}>",
            "t.j2",
        )
        .expect_err("no questions")
        .to_string();
        assert!(err.contains("<discussion_questions>"), "{err}");
    }
}
