//! The OpenAPI 3.1 description served at `/openapi.json`.
//!
//! Schemas are derived (utoipa) from the very types the handlers serialise (`Answer`,
//! `Contact`, `Handling`, ...), so they cannot drift from the responses. Each operation is
//! declared on its handler (`#[utoipa::path]`); its parameters are the `IntoParams` types below,
//! from which the handlers also take the list of names they accept (`schema::query_names`).
//! The types themselves are in `schema`, below the handlers; this file, above them, lists
//! their operations.

use utoipa::OpenApi;

use crate::resolve::Answer;

pub use super::schema::*;

struct ApiKeyScheme;

impl utoipa::Modify for ApiKeyScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key from `wijkwijzer keygen`: shows internal contact channels; admin keys may reload"))
                    .build(),
            ),
        );
    }
}

/// `Accept-Language` on every path: the texts of answers and problems follow it.
struct Languages;

impl utoipa::Modify for Languages {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
        use utoipa::openapi::schema::{ObjectBuilder, Type};
        use utoipa::openapi::{RefOr, Required};
        let parameter = ParameterBuilder::new()
            .name("Accept-Language")
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(
                "The language of the texts (problem title and detail, message, notes): `nl` (also `nl-NL`, `nl-BE`) for Dutch; English otherwise. Weights (`;q=`) are honoured. The response says which in `Content-Language`.",
            ))
            .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
            .build();
        for item in openapi.paths.paths.values_mut() {
            item.parameters
                .get_or_insert_with(Vec::new)
                .push(RefOr::T(parameter.clone()));
        }
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "wijkwijzer",
        description = "Which area of a Dutch municipality a place is in, and who is responsible there (municipal enforcement, police, partners). The municipality is the one the served data describes: see `data` in every answer and `/v1/areas`.",
    ),
    paths(
        super::handlers::lookup,
        super::handlers::suggest,
        super::classify::classify,
        super::handlers::situations,
        super::handlers::areas,
        super::handlers::area,
        super::handlers::overlays,
        super::handlers::layers,
        super::handlers::healthz,
        super::livez,
        super::readyz,
        super::metrics,
        super::admin_reload,
        super::ogc::landing,
        super::ogc::conformance,
        super::ogc::collections,
        super::ogc::collection,
        super::ogc::items,
        super::ogc::item,
    ),
    components(schemas(Answer, Problem, AddressProblem, SituationList, SuggestList)),
    modifiers(&ApiKeyScheme, &Languages),
)]
pub struct ApiDoc;

/// Every operation of the document as `"METHOD /path": summary`, in the document's order: the
/// listing of `GET /v1`, so that it never leaves one out.
pub static ENDPOINTS: std::sync::LazyLock<serde_json::Map<String, serde_json::Value>> =
    std::sync::LazyLock::new(|| {
        let doc: serde_json::Value = serde_json::from_str(&document()).unwrap_or_default();
        let mut out = serde_json::Map::new();
        for (path, item) in doc["paths"].as_object().into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                if let Some(summary) = op.get("summary").and_then(|s| s.as_str()) {
                    out.insert(
                        format!("{} {path}", method.to_ascii_uppercase()),
                        summary.into(),
                    );
                }
            }
        }
        out
    });

/// The document as JSON, completed by [`complete`].
pub fn document() -> String {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    complete(&mut doc);
    serde_json::to_string_pretty(&doc).unwrap_or_else(|_| "{}".into())
}

/// What the per-route declarations leave to be said once for all: OpenAPI 3.1 requires a
/// `description` on every response (generators and linters refuse the document without), the
/// headers the middleware puts on every answer, and where the service is (`servers`, relative:
/// wherever this document was fetched from).
fn complete(doc: &mut serde_json::Value) {
    use serde_json::json;
    let header =
        |description: &str| json!({"description": description, "schema": {"type": "string"}});
    doc["servers"] =
        json!([{"url": "/", "description": "This service: where this document was fetched from"}]);
    let Some(paths) = doc.get_mut("paths").and_then(|p| p.as_object_mut()) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for (method, op) in item.iter_mut() {
            let Some(responses) = op.get_mut("responses").and_then(|r| r.as_object_mut()) else {
                continue;
            };
            // What every operation behind the middleware may answer, declared here once: a key
            // that is not valid (401), the rate limit (429), load shedding, the timeout and
            // shutdown (503). The probes sit outside the middleware.
            if path != "/livez" && path != "/readyz" {
                let problem = json!({"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}});
                for status in ["401", "429", "503"] {
                    responses
                        .entry(status)
                        .or_insert_with(|| json!({"content": problem.clone()}));
                }
            }
            for (status, response) in responses.iter_mut() {
                let Some(response) = response.as_object_mut() else {
                    continue;
                };
                let missing = response
                    .get("description")
                    .and_then(|d| d.as_str())
                    .is_none_or(str::is_empty);
                if missing {
                    response.insert("description".into(), json!(describe(status)));
                }
                let headers = response.entry("headers").or_insert_with(|| json!({}));
                let Some(headers) = headers.as_object_mut() else {
                    continue;
                };
                // Probes sit outside the middleware: they carry none of its headers.
                if path != "/livez" && path != "/readyz" {
                    headers.insert(
                        "X-Request-Id".into(),
                        header(
                            "The request's id: the caller's own when usable, else the service's",
                        ),
                    );
                    headers.insert(
                        "X-Data-Version".into(),
                        header("The version of the data that answered: `<areas hash>-<addresses hash>`"),
                    );
                }
                if status == "429" || status == "503" {
                    headers.insert(
                        "Retry-After".into(),
                        json!({"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}}),
                    );
                }
                if status == "200"
                    && method == "get"
                    && (path == "/v1/areas" || path == "/v1/areas/{id}")
                {
                    headers.insert(
                        "ETag".into(),
                        header("The version of this body; send it as If-None-Match for a 304"),
                    );
                }
                if status == "200" && path == "/v1/classify" {
                    headers.insert(
                        "X-Classify-Summary".into(),
                        header("The run's summary as JSON: rows, resolved, per_area, per_status, per_source, delimiter, encoding, columns, notes, added"),
                    );
                }
                if headers.is_empty() {
                    response.remove("headers");
                }
            }
        }
    }
}

/// The description of a response its declaration left without one.
fn describe(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "300" => "More than one place matches: the candidates, to choose from",
        "304" => "Not modified since the ETag sent in If-None-Match",
        "400" => "The request is not understood: the problem's detail says what to fix",
        "401" => "No key where one is needed, or a key that is not valid",
        "403" => "A valid key without the right for this",
        "404" => "Not found",
        "413" => "The body is larger than the limit",
        "414" => "The query string is longer than the limit",
        "415" => "A media type the endpoint does not read",
        "422" => "Understood, but cannot be done with this content",
        "429" => "The caller's rate budget is spent; Retry-After says when to try again",
        "500" => "A fault of the service (logged with the request id)",
        "503" => "Too busy, timed out or shutting down; Retry-After says when to try again",
        "507" => "No room on the server for the answer",
        _ => "See the problem's detail",
    }
}
