//! What drift finds, and the spec change each finding suggests.

use serde::Serialize;
use serde_json::Value;

/// The longest example a finding keeps, as JSON text; a longer one is cut.
const EXAMPLE_LIMIT: usize = 1024;

/// What kind of difference between the traffic and the spec a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FindingKind {
    /// A field the schema does not describe.
    UnknownField,
    /// A `_type` that the union's discriminator does not map.
    UnknownType,
    /// A value outside an `enum` or the `x-known-values` of an open set (`viewType`, ...).
    UnknownValue,
    /// A status the operation does not declare.
    UndeclaredStatus,
    /// A value of another JSON type than the schema's.
    TypeMismatch,
    /// A required field that is absent.
    MissingRequired,
    /// `null` where the schema is not `nullable`.
    UnexpectedNull,
    /// A request whose method and path match no operation.
    UnknownOperation,
}

impl FindingKind {
    /// The kind as the JSON output and the table name it (`unknown_field`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::UnknownField => "unknown_field",
            FindingKind::UnknownType => "unknown_type",
            FindingKind::UnknownValue => "unknown_value",
            FindingKind::UndeclaredStatus => "undeclared_status",
            FindingKind::TypeMismatch => "type_mismatch",
            FindingKind::MissingRequired => "missing_required",
            FindingKind::UnexpectedNull => "unexpected_null",
            FindingKind::UnknownOperation => "unknown_operation",
        }
    }
}

impl std::fmt::Display for FindingKind {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.write_str(self.as_str())
    }
}

/// One difference, counted over every exchange of one operation where it occurs.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Finding {
    /// What kind of difference.
    pub kind: FindingKind,
    /// The operation's `operationId`; `None` for a request that matches no operation.
    pub operation: Option<String>,
    /// The schema the difference is in (`Track`, `EntityGroup`, ...); `None` for a status or
    /// a request.
    pub schema: Option<String>,
    /// The JSON pointer of the first occurrence in its response body (`""` for the body
    /// itself, or for a status or a request).
    pub pointer: String,
    /// How many times it occurs.
    pub count: u64,
    /// The value of the first occurrence: the field's value, the entity, the status, or the
    /// request (`METHOD path`). Cut to about 1 KB of JSON.
    pub example: Value,
    /// The spec change it suggests, in one line.
    pub suggestion: String,
}

/// What a finding is about, beyond its kind: the key findings are counted by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct Subject {
    pub(crate) kind: FindingKind,
    pub(crate) operation: Option<String>,
    pub(crate) schema: Option<String>,
    /// The field, the `_type`, the value, the status or the request.
    pub(crate) name: String,
    /// The type found (a type mismatch), or the field (an unknown value).
    pub(crate) detail: String,
}

impl Subject {
    /// The finding for the first occurrence of this subject.
    pub(crate) fn finding(&self, pointer: String, example: &Value, expected: &str) -> Finding {
        Finding {
            kind: self.kind,
            operation: self.operation.clone(),
            schema: self.schema.clone(),
            pointer,
            count: 1,
            example: bounded(example),
            suggestion: self.suggestion(example, expected),
        }
    }

    fn suggestion(&self, example: &Value, expected: &str) -> String {
        let schema = self.schema.as_deref().unwrap_or("the spec");
        let name = &self.name;
        match self.kind {
            FindingKind::UnknownField => {
                format!("{schema}: add optional `{name}` ({})", json_type(example))
            }
            FindingKind::UnknownType => format!(
                "{schema}: add a `{name}` schema to the oneOf and the discriminator's mapping"
            ),
            FindingKind::UnknownValue => {
                format!("{schema}: add `{name}` to `{}`'s {expected}", self.detail)
            }
            FindingKind::UndeclaredStatus => format!(
                "{}: declare the response `{name}`",
                self.operation.as_deref().unwrap_or("the operation")
            ),
            FindingKind::TypeMismatch => format!(
                "{schema}: `{name}` is {}, not {expected}: change its type",
                self.detail
            ),
            FindingKind::MissingRequired => format!("{schema}: make `{name}` optional"),
            FindingKind::UnexpectedNull => format!("{schema}: make `{name}` nullable"),
            FindingKind::UnknownOperation => format!("paths: add an operation for `{name}`"),
        }
    }
}

/// The JSON type of a value, as a schema's `type` names it.
pub(crate) fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The example as kept: whole when its JSON is short, else its text cut with `…`.
fn bounded(value: &Value) -> Value {
    let text = value.to_string();
    if text.len() <= EXAMPLE_LIMIT {
        return value.clone();
    }
    let mut end = EXAMPLE_LIMIT;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Value::String(format!("{}…", &text[..end]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn subject(kind: FindingKind, name: &str, detail: &str) -> Subject {
        Subject {
            kind,
            operation: Some("getLibrarySongsView".to_owned()),
            schema: Some("Track".to_owned()),
            name: name.to_owned(),
            detail: detail.to_owned(),
        }
    }

    #[test]
    fn each_kind_suggests_one_spec_change() {
        let unknown = subject(FindingKind::UnknownField, "lyricsAvailable", "");
        assert_eq!(
            unknown.finding(String::new(), &json!(true), "").suggestion,
            "Track: add optional `lyricsAvailable` (boolean)"
        );
        let mismatch = subject(FindingKind::TypeMismatch, "isrc", "integer");
        assert_eq!(
            mismatch
                .finding(String::new(), &json!(7), "string")
                .suggestion,
            "Track: `isrc` is integer, not string: change its type"
        );
        let null = subject(FindingKind::UnexpectedNull, "title", "");
        assert_eq!(
            null.finding(String::new(), &Value::Null, "").suggestion,
            "Track: make `title` nullable"
        );
    }

    #[test]
    fn a_long_example_is_cut() {
        let long = json!({ "text": "é".repeat(2000) });
        let Value::String(cut) = bounded(&long) else {
            panic!("a long example becomes text");
        };
        assert!(cut.len() <= EXAMPLE_LIMIT + '…'.len_utf8() && cut.ends_with('…'));
        assert_eq!(bounded(&json!(1)), json!(1));
    }
}
