//! The wire format of a fault, as the admin endpoint takes it in JSON.

use std::time::Duration;

use serde::Deserialize;

use super::Fault;

/// A fault as the admin endpoint takes it, in JSON:
/// `{"kind": "status", "status": 503, "operation": "getHomeView", "times": 2}`.
///
/// Each kind reads its own fields: `millis` (`latency`, `stall_body`), `retry_after_secs` or
/// `retry_after` (a raw header value; `throttle`), `status` (`status`, `respond`),
/// `content_type` and `body` (`respond`), `bytes` (`pad_body`), `per_second` (`rate_limit`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultSpec {
    kind: SpecKind,
    /// For `latency`.
    #[serde(default)]
    millis: Option<u64>,
    /// For `throttle`.
    #[serde(default)]
    retry_after_secs: Option<u64>,
    /// For `throttle`: the `Retry-After` header's value, as it is.
    #[serde(default)]
    retry_after: Option<String>,
    /// For `status` and `respond`.
    #[serde(default)]
    status: Option<u16>,
    /// For `respond`.
    #[serde(default)]
    content_type: Option<String>,
    /// For `respond`.
    #[serde(default)]
    body: Option<String>,
    /// For `pad_body`.
    #[serde(default)]
    bytes: Option<usize>,
    /// For `rate_limit`.
    #[serde(default)]
    per_second: Option<u32>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    times: Option<u32>,
    #[serde(default)]
    after: Option<u32>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "snake_case")]
enum SpecKind {
    Latency,
    Throttle,
    RateLimit,
    Status,
    DropConnection,
    TruncateBody,
    StallBody,
    PadBody,
    Respond,
    RepeatPageToken,
    EmptyPage,
    ExpiredToken,
}

impl FaultSpec {
    /// The fault this spec describes.
    ///
    /// # Errors
    /// A message naming what is wrong: an unknown operation, or both `path` and `operation`.
    pub(crate) fn into_fault(self) -> Result<Fault, String> {
        let mut fault = match self.kind {
            SpecKind::Latency => Fault::latency(Duration::from_millis(self.millis.unwrap_or(0))),
            SpecKind::Throttle => match self.retry_after {
                Some(value) => Fault::throttle_with(Some(&value)),
                None => Fault::throttle(Duration::from_secs(self.retry_after_secs.unwrap_or(1))),
            },
            SpecKind::RateLimit => Fault::rate_limit(self.per_second.unwrap_or(1)),
            SpecKind::Status => Fault::status(self.status.unwrap_or(500)),
            SpecKind::DropConnection => Fault::drop_connection(),
            SpecKind::TruncateBody => Fault::truncate_body(),
            SpecKind::StallBody => {
                Fault::stall_body(Duration::from_millis(self.millis.unwrap_or(0)))
            }
            SpecKind::PadBody => Fault::pad_body(self.bytes.unwrap_or(0)),
            SpecKind::Respond => Fault::respond(
                self.status.unwrap_or(200),
                self.content_type.as_deref().unwrap_or("application/json"),
                self.body.unwrap_or_default(),
            ),
            SpecKind::RepeatPageToken => Fault::repeat_page_token(),
            SpecKind::EmptyPage => Fault::empty_page(),
            SpecKind::ExpiredToken => Fault::expired_token(),
        };
        match (self.path, self.operation) {
            (Some(_), Some(_)) => return Err("give a path or an operation, not both".to_owned()),
            (Some(path), None) => fault = fault.on_path(path),
            (None, Some(operation)) => {
                fault = fault.on_operation(operation.parse().map_err(|error| format!("{error}"))?);
            }
            (None, None) => {}
        }
        if let Some(times) = self.times {
            fault = fault.times(times);
        }
        if let Some(after) = self.after {
            fault = fault.after(after);
        }
        Ok(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::operation::Operation;

    #[test]
    fn fault_specs_read_as_the_admin_endpoint_documents() {
        let spec: FaultSpec = serde_json::from_str(
            r#"{"kind": "status", "status": 503, "operation": "getHomeView", "times": 2, "after": 1}"#,
        )
        .expect("a spec");
        assert_eq!(
            spec.into_fault(),
            Ok(Fault::status(503)
                .on_operation(Operation::Home)
                .times(2)
                .after(1))
        );
        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind": "latency", "millis": 20, "path": "/v1"}"#)
                .expect("a spec");
        assert_eq!(
            spec.into_fault(),
            Ok(Fault::latency(Duration::from_millis(20)).on_path("/v1"))
        );
        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind": "throttle", "operation": "getNothing"}"#)
                .expect("a spec");
        assert!(spec.into_fault().is_err());
        let spec: FaultSpec = serde_json::from_str(
            r#"{"kind": "respond", "status": 502, "content_type": "text/html", "body": "<html>"}"#,
        )
        .expect("a spec");
        assert_eq!(
            spec.into_fault(),
            Ok(Fault::respond(502, "text/html", "<html>"))
        );
        let spec: FaultSpec = serde_json::from_str(
            r#"{"kind": "throttle", "retry_after": "Wed, 21 Oct 2015 07:28:00 GMT"}"#,
        )
        .expect("a spec");
        assert_eq!(
            spec.into_fault(),
            Ok(Fault::throttle_with(Some("Wed, 21 Oct 2015 07:28:00 GMT")))
        );
        let spec: FaultSpec =
            serde_json::from_str(r#"{"kind": "rate_limit", "per_second": 20}"#).expect("a spec");
        assert_eq!(spec.into_fault(), Ok(Fault::rate_limit(20)));
        assert!(serde_json::from_str::<FaultSpec>(r#"{"kind": "explode"}"#).is_err());
    }
}
