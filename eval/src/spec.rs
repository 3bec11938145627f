//! Backend specs on the command line: `ID[:key=val,...]`.

use refine_plugin::Options;

/// A backend and its options, as named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackendSpec {
    /// The backend id.
    pub id: String,
    /// Its options.
    pub options: Options,
    /// The spec as written, used as the backend's label in results.
    pub label: String,
}

impl std::str::FromStr for BackendSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (id, rest) = s.split_once(':').unwrap_or((s, ""));
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        {
            return Err(format!(
                "backend `{s}`: the id must be [a-z0-9_-]+, e.g. offline or openai:model=gpt-4o"
            ));
        }
        let mut options = Options::new();
        for pair in rest.split(',').filter(|p| !p.is_empty()) {
            let (key, value) = pair
                .split_once('=')
                .ok_or_else(|| format!("backend `{s}`: option `{pair}` is not key=value"))?;
            // Numbers and booleans are typed; anything else is a string.
            let value = serde_json::from_str::<serde_json::Value>(value)
                .ok()
                .filter(|v| v.is_number() || v.is_boolean())
                .unwrap_or_else(|| serde_json::Value::String(value.to_string()));
            options.insert(key.trim().to_string(), value);
        }
        Ok(BackendSpec {
            id: id.to_string(),
            options,
            label: s.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn specs_carry_typed_options() {
        let spec: BackendSpec = "openai:model=gpt-4o,temperature=0.2,stream=true"
            .parse()
            .expect("spec");
        assert_eq!(spec.id, "openai");
        assert_eq!(spec.options["model"], "gpt-4o");
        assert_eq!(spec.options["temperature"], 0.2);
        assert_eq!(spec.options["stream"], true);
        assert_eq!(
            "offline".parse::<BackendSpec>().map(|s| s.options.len()),
            Ok(0)
        );
        assert!("Open AI".parse::<BackendSpec>().is_err());
        assert!("replay:dir".parse::<BackendSpec>().is_err());
    }
}
