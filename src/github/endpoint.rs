//! Endpoint templates for metrics and logs: `/repos/{owner}/{repo}/pulls/{n}/files`, so counts
//! group by endpoint rather than by URL.

pub fn endpoint_template(path: &str) -> String {
    let path = path.split('?').next().unwrap_or("");
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let mut out = Vec::with_capacity(segments.len());
    let mut i = 0;
    while i < segments.len() {
        let seg = segments[i];
        let prev = i.checked_sub(1).map(|j| segments[j]);
        match (prev, seg) {
            (None, "repos") if segments.len() >= 3 => {
                out.extend(["repos", "{owner}", "{repo}"]);
                i += 3;
                continue;
            }
            (Some("contents"), _) => {
                out.push("{path}");
                break;
            }
            (Some("heads"), _) => {
                out.push("{branch}");
                break;
            }
            (Some("labels"), _) if out.contains(&"issues") => out.push("{name}"),
            (Some("compare"), _) => out.push("{basehead}"),
            (Some("collaborators"), _) => out.push("{user}"),
            (Some("commits"), _) => out.push("{ref}"),
            (Some("app-manifests"), _) => out.push("{code}"),
            _ if !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_digit()) => out.push("{n}"),
            _ => out.push(seg),
        }
        i += 1;
    }
    format!("/{}", out.join("/"))
}

#[cfg(test)]
mod tests {
    use super::endpoint_template;

    #[test]
    fn ids_and_names_become_placeholders() {
        for (path, template) in [
            (
                "/repos/o/r/pulls/12/files?page=2",
                "/repos/{owner}/{repo}/pulls/{n}/files",
            ),
            (
                "/repos/o/r/compare/abc...def",
                "/repos/{owner}/{repo}/compare/{basehead}",
            ),
            (
                "/repos/o/r/contents/.github/switchyard.yml",
                "/repos/{owner}/{repo}/contents/{path}",
            ),
            (
                "/repos/o/r/commits/0123abc/check-runs",
                "/repos/{owner}/{repo}/commits/{ref}/check-runs",
            ),
            (
                "/repos/o/r/issues/3/labels/agent%3Aa",
                "/repos/{owner}/{repo}/issues/{n}/labels/{name}",
            ),
            (
                "/repos/o/r/git/ref/heads/a/b",
                "/repos/{owner}/{repo}/git/ref/heads/{branch}",
            ),
            (
                "/app/installations/5/access_tokens",
                "/app/installations/{n}/access_tokens",
            ),
            ("/repos/o/r", "/repos/{owner}/{repo}"),
        ] {
            assert_eq!(endpoint_template(path), template, "{path}");
        }
    }
}
