//! Error responses in GitHub's shape: `{"message", "documentation_url", "status"}`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

pub(crate) const DOCS_URL: &str = "https://docs.github.com/rest";

#[derive(Debug)]
pub(crate) enum ApiError {
    NotFound,
    /// 404 with a message of its own, e.g. "No commit found for the ref x".
    NotFoundBecause(String),
    /// 400: the body is not JSON.
    BadJson,
    Unauthorized(&'static str),
    /// 422 with a message, for requests GitHub refuses as a whole.
    Unprocessable(String),
    /// 422 "Validation Failed" naming the resource, field and code, as GitHub does for fields.
    Invalid {
        resource: &'static str,
        field: &'static str,
        code: &'static str,
    },
}

impl ApiError {
    pub fn unprocessable(message: impl Into<String>) -> Self {
        ApiError::Unprocessable(message.into())
    }
}

/// A JSON error body with GitHub's fields.
pub(crate) fn error_body(status: StatusCode, message: &str) -> Value {
    json!({
        "message": message,
        "documentation_url": DOCS_URL,
        "status": status.as_str(),
    })
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::NotFound => (
                StatusCode::NOT_FOUND,
                error_body(StatusCode::NOT_FOUND, "Not Found"),
            ),
            ApiError::NotFoundBecause(message) => (
                StatusCode::NOT_FOUND,
                error_body(StatusCode::NOT_FOUND, &message),
            ),
            ApiError::BadJson => (
                StatusCode::BAD_REQUEST,
                error_body(StatusCode::BAD_REQUEST, "Problems parsing JSON"),
            ),
            ApiError::Unauthorized(message) => (
                StatusCode::UNAUTHORIZED,
                error_body(StatusCode::UNAUTHORIZED, message),
            ),
            ApiError::Unprocessable(message) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                error_body(StatusCode::UNPROCESSABLE_ENTITY, &message),
            ),
            ApiError::Invalid {
                resource,
                field,
                code,
            } => {
                let mut body = error_body(StatusCode::UNPROCESSABLE_ENTITY, "Validation Failed");
                body["errors"] = json!([{ "resource": resource, "field": field, "code": code }]);
                (StatusCode::UNPROCESSABLE_ENTITY, body)
            }
        };
        (status, axum::Json(body)).into_response()
    }
}
