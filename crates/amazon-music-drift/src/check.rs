//! Each exchange against the spec: its route, its status, and its body walked along the
//! response's schema.

use std::collections::HashMap;

use serde_json::Value;

use crate::exchange::Exchange;
use crate::finding::{Finding, FindingKind, Subject, json_type};
use crate::spec::{Route, Spec};

/// Where a value sits: the schema that holds it and its field there.
#[derive(Clone, Copy)]
struct Site<'a> {
    schema: Option<&'a str>,
    field: &'a str,
}

/// The findings so far, each counted under its subject, in the order first seen.
#[derive(Default)]
pub(crate) struct Findings {
    order: Vec<Finding>,
    index: HashMap<Subject, usize>,
}

impl Findings {
    /// The findings, most frequent first (first seen first among equals).
    pub(crate) fn into_sorted(self) -> Vec<Finding> {
        let mut findings = self.order;
        findings.sort_by_key(|finding| std::cmp::Reverse(finding.count));
        findings
    }

    fn add(&mut self, subject: Subject, pointer: &str, example: &Value, expected: &str) {
        match self.index.get(&subject) {
            Some(&at) => self.order[at].count += 1,
            None => {
                self.index.insert(subject.clone(), self.order.len());
                self.order
                    .push(subject.finding(pointer.to_owned(), example, expected));
            }
        }
    }
}

/// One exchange's checks, adding to the findings. Returns whether the exchange was an API
/// request (not an exchange with the token endpoint).
pub(crate) fn exchange(spec: &Spec, exchange: &Exchange, findings: &mut Findings) -> bool {
    let path = url::Url::parse(&exchange.url).map_or_else(
        |_| {
            let path = exchange.url.split(['?', '#']).next().unwrap_or_default();
            path.to_owned()
        },
        |url| url.path().to_owned(),
    );
    let method = exchange.method.to_ascii_uppercase();
    let (operation, responses) = match spec.route(&method, &path) {
        Route::Token => return false,
        Route::Unknown => {
            let request = format!("{method} {path}");
            let subject = Subject {
                kind: FindingKind::UnknownOperation,
                operation: None,
                schema: None,
                name: request.clone(),
                detail: String::new(),
            };
            findings.add(subject, "", &Value::String(request), "");
            return true;
        }
        Route::Operation { id, responses } => (id, responses),
    };
    // No response was recorded (HAR's status 0: an aborted or blocked request).
    if exchange.status == 0 {
        return true;
    }
    let status = exchange.status.to_string();
    let range = format!("{}XX", status.chars().next().unwrap_or('0'));
    let declared = [status.as_str(), range.as_str(), "default"]
        .into_iter()
        .find_map(|key| responses.get(key));
    let Some(response) = declared else {
        let subject = Subject {
            kind: FindingKind::UndeclaredStatus,
            operation: Some(operation),
            schema: None,
            name: status,
            detail: String::new(),
        };
        findings.add(subject, "", &Value::from(exchange.status), "");
        return true;
    };
    let (response, _) = spec.resolve(response);
    let Some(schema) = json_schema(response) else {
        return true;
    };
    let Some(body) = exchange
        .response_body
        .as_deref()
        .filter(|body| !body.trim().is_empty())
    else {
        return true;
    };
    let mut walk = Walk {
        spec,
        operation: &operation,
        findings,
        pointer: String::new(),
    };
    match serde_json::from_str::<Value>(body) {
        Ok(value) => walk.value(
            schema,
            &value,
            Site {
                schema: None,
                field: "(body)",
            },
        ),
        Err(_) => {
            let (_, name) = spec.resolve(schema);
            let subject = Subject {
                kind: FindingKind::TypeMismatch,
                operation: Some(operation.clone()),
                schema: name.map(str::to_owned),
                name: "(body)".to_owned(),
                detail: "not JSON".to_owned(),
            };
            let snippet: String = body.chars().take(200).collect();
            findings.add(subject, "", &Value::String(snippet), "JSON");
        }
    }
    true
}

/// The schema of a response's JSON content, if it declares one.
fn json_schema(response: &Value) -> Option<&Value> {
    let content = response.get("content")?.as_object()?;
    content
        .iter()
        .find(|(media_type, _)| media_type.contains("json"))
        .and_then(|(_, media)| media.get("schema"))
}

/// One body's walk along its schema.
struct Walk<'a> {
    spec: &'a Spec,
    operation: &'a str,
    findings: &'a mut Findings,
    pointer: String,
}

impl<'a> Walk<'a> {
    fn add(
        &mut self,
        kind: FindingKind,
        site: Site<'_>,
        name: &str,
        detail: &str,
        example: &Value,
        expected: &str,
    ) {
        let subject = Subject {
            kind,
            operation: Some(self.operation.to_owned()),
            schema: site.schema.map(str::to_owned),
            name: name.to_owned(),
            detail: detail.to_owned(),
        };
        self.findings.add(subject, &self.pointer, example, expected);
    }

    /// Checks `value` against `schema`; `site` is where it sits, for what is wrong with the
    /// value itself (its type, `null`, its value).
    fn value(&mut self, schema: &'a Value, value: &Value, site: Site<'a>) {
        let (schema, name) = self.spec.resolve(schema);
        // What is inside the value is in the schema the reference named.
        let inside = name.or(site.schema);
        if value.is_null() {
            if schema.get("nullable").and_then(Value::as_bool) != Some(true) {
                self.add(FindingKind::UnexpectedNull, site, site.field, "", value, "");
            }
            return;
        }
        if let Some(discriminator) = schema.get("discriminator") {
            self.union(discriminator, value, inside, site);
            return;
        }
        if let Some(expected) = schema.get("type").and_then(Value::as_str) {
            let found = json_type(value);
            let fits = found == expected || (expected == "number" && found == "integer");
            if !fits {
                self.add(
                    FindingKind::TypeMismatch,
                    site,
                    site.field,
                    found,
                    value,
                    expected,
                );
                return;
            }
        }
        if let Value::String(text) = value {
            for (list, label) in [("enum", "enum"), ("x-known-values", "x-known-values")] {
                if let Some(known) = schema.get(list).and_then(Value::as_array)
                    && !known.iter().any(|known| known.as_str() == Some(text))
                {
                    self.add(
                        FindingKind::UnknownValue,
                        site,
                        text,
                        site.field,
                        value,
                        label,
                    );
                }
            }
        }
        match value {
            Value::Object(object) => self.object(schema, value, object, inside),
            Value::Array(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        let length = self.pointer.len();
                        self.pointer.push_str(&format!("/{index}"));
                        self.value(item_schema, item, site);
                        self.pointer.truncate(length);
                    }
                }
            }
            _ => {}
        }
    }

    /// An object's required fields, and each of its fields against its property's schema;
    /// `value` is the object as a value (the example of a missing field).
    fn object(
        &mut self,
        schema: &'a Value,
        value: &Value,
        object: &serde_json::Map<String, Value>,
        name: Option<&'a str>,
    ) {
        let here = Site {
            schema: name,
            field: "",
        };
        for required in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !object.contains_key(required) {
                let length = self.pointer.len();
                push_token(&mut self.pointer, required);
                self.add(FindingKind::MissingRequired, here, required, "", value, "");
                self.pointer.truncate(length);
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for (key, field_value) in object {
            let length = self.pointer.len();
            push_token(&mut self.pointer, key);
            match properties.and_then(|properties| properties.get_key_value(key)) {
                Some((key, property)) => self.value(
                    property,
                    field_value,
                    Site {
                        schema: name,
                        field: key,
                    },
                ),
                None => match additional {
                    Some(Value::Bool(true)) => {}
                    Some(additional @ Value::Object(_)) => self.value(
                        additional,
                        field_value,
                        Site {
                            schema: name,
                            field: "(additional property)",
                        },
                    ),
                    _ => self.add(FindingKind::UnknownField, here, key, "", field_value, ""),
                },
            }
            self.pointer.truncate(length);
        }
    }

    /// A discriminated union: the variant its tag names, or an unknown type.
    fn union(
        &mut self,
        discriminator: &'a Value,
        value: &Value,
        name: Option<&'a str>,
        site: Site<'a>,
    ) {
        let Some(object) = value.as_object() else {
            self.add(
                FindingKind::TypeMismatch,
                site,
                site.field,
                json_type(value),
                value,
                "object",
            );
            return;
        };
        let here = Site {
            schema: name,
            field: "",
        };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            return;
        };
        let Some(tag) = object.get(property).and_then(Value::as_str) else {
            let length = self.pointer.len();
            push_token(&mut self.pointer, property);
            self.add(FindingKind::MissingRequired, here, property, "", value, "");
            self.pointer.truncate(length);
            return;
        };
        let variant = discriminator
            .get("mapping")
            .and_then(|mapping| mapping.get(tag))
            .and_then(Value::as_str)
            .and_then(|reference| self.spec.component(reference));
        match variant {
            Some((variant, variant_name)) => self.value(
                variant,
                value,
                Site {
                    schema: Some(variant_name),
                    ..site
                },
            ),
            None => self.add(FindingKind::UnknownType, here, tag, "", value, ""),
        }
    }
}

/// Appends one reference token to a JSON pointer (`~` as `~0`, `/` as `~1`).
fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    pointer.push_str(&token.replace('~', "~0").replace('/', "~1"));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(status: u16, body: &str) -> Vec<Finding> {
        let spec = Spec::embedded().expect("the embedded spec");
        let exchange = Exchange {
            method: "get".to_owned(),
            url: "http://127.0.0.1:1/v1/views/albums/B0?limit=1".to_owned(),
            status,
            response_headers: Vec::new(),
            response_body: Some(body.to_owned()),
        };
        let mut findings = Findings::default();
        assert!(super::exchange(&spec, &exchange, &mut findings));
        findings.into_sorted()
    }

    #[test]
    fn an_error_body_as_the_spec_describes_it_drifts_from_nothing() {
        let body = r#"{"error": {"status": "404", "code": "NOT_FOUND", "message": "No.",
            "payload": {"anything": [1, {"goes": null}]}}}"#;
        assert_eq!(check(404, body), []);
        assert_eq!(check(503, body), []);
    }

    #[test]
    fn a_body_that_is_not_json_is_a_type_mismatch_and_no_response_is_no_finding() {
        let findings = check(502, "<html>Bad Gateway</html>");
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].kind, FindingKind::TypeMismatch);
        assert_eq!(findings[0].schema.as_deref(), Some("ErrorResponse"));
        assert_eq!(findings[0].example, "<html>Bad Gateway</html>");
        assert_eq!(check(0, ""), []);
        assert_eq!(check(200, "  "), []);
    }

    #[test]
    fn findings_are_counted_by_subject_with_the_first_pointer() {
        let body = r#"{"error": {"status": "404", "code": "NOT_FOUND", "message": "No.",
            "hint": 1}, "trace": "a", "also": {"trace": 2}}"#;
        let findings = check(404, body);
        let mut found: Vec<(FindingKind, Option<&str>, &str, u64)> = findings
            .iter()
            .map(|finding| {
                (
                    finding.kind,
                    finding.schema.as_deref(),
                    finding.pointer.as_str(),
                    finding.count,
                )
            })
            .collect();
        // In the order of the body's keys, which serde_json's features decide: compared sorted.
        found.sort();
        let unknown = |schema, pointer| (FindingKind::UnknownField, Some(schema), pointer, 1);
        assert_eq!(
            found,
            [
                unknown("ErrorDetail", "/error/hint"),
                unknown("ErrorResponse", "/also"),
                unknown("ErrorResponse", "/trace"),
            ]
        );
        let twice = check(
            404,
            r#"{"error": {"status": "404", "code": "X", "message": "m", "hint": 1}}"#,
        );
        assert_eq!(twice.len(), 1);
    }
}
