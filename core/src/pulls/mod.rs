//! The pull requests' side: what the plan reads of a repository's open pull requests
//! ([`PullSnapshot`]), and the desired state it writes for each of them.

mod desired;
mod inputs;

pub use desired::{
    Annotation, AnnotationLevel, CheckRunSpec, CommentSpec, Conclusion, HandoffRequest,
    HandoffSpec, MAX_ANNOTATIONS,
};
pub use inputs::{ConfigChange, ConfigVersion, PrListing, PullSnapshot, depends_on};
